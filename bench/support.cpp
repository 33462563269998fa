#include "support.h"

#include <benchmark/benchmark.h>
#include <malloc.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <algorithm>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <stdexcept>

#include <tls12/tls/x509_verifier.h>
#include <tls12/x509/certificate.h>
#include <tls12/x509/trust_store.h>

// ---- malloc replacement (see HeapStats) ------------------------------------------------------
// glibc supports replacing malloc by defining these symbols in the executable; we forward to its
// own implementation (the __libc_* entry points) and count on the way.
extern "C" {
void* __libc_malloc(size_t);
void* __libc_calloc(size_t, size_t);
void* __libc_realloc(void*, size_t);
void* __libc_memalign(size_t, size_t);
void __libc_free(void*);
}

namespace {
std::atomic<uint64_t> g_allocations{0};
std::atomic<int64_t> g_live{0};
std::atomic<int64_t> g_blocks{0};

inline void* note_alloc(void* p) noexcept {
    if (p) {
        g_allocations.fetch_add(1, std::memory_order_relaxed);
        g_blocks.fetch_add(1, std::memory_order_relaxed);
        g_live.fetch_add(static_cast<int64_t>(malloc_usable_size(p)), std::memory_order_relaxed);
    }
    return p;
}
inline void note_free(void* p) noexcept {
    if (p) {
        g_live.fetch_sub(static_cast<int64_t>(malloc_usable_size(p)), std::memory_order_relaxed);
        g_blocks.fetch_sub(1, std::memory_order_relaxed);
    }
}
}  // namespace

extern "C" {
void* malloc(size_t n) noexcept {
    return note_alloc(__libc_malloc(n));
}
void* calloc(size_t n, size_t size) noexcept {
    return note_alloc(__libc_calloc(n, size));
}
void free(void* p) noexcept {
    note_free(p);
    __libc_free(p);
}
void* realloc(void* p, size_t n) noexcept {
    const int64_t old = p ? static_cast<int64_t>(malloc_usable_size(p)) : 0;
    void* q = __libc_realloc(p, n);
    if (q || n == 0) {  // success (or realloc(p, 0), which freed p)
        g_live.fetch_sub(old, std::memory_order_relaxed);
        if (p) g_blocks.fetch_sub(1, std::memory_order_relaxed);
        note_alloc(q);
    }
    return q;
}
void* reallocarray(void* p, size_t n, size_t size) noexcept {
    size_t total;
    if (__builtin_mul_overflow(n, size, &total)) {
        errno = ENOMEM;
        return nullptr;
    }
    return realloc(p, total);
}
void* memalign(size_t align, size_t n) noexcept {
    return note_alloc(__libc_memalign(align, n));
}
void* aligned_alloc(size_t align, size_t n) noexcept {
    return note_alloc(__libc_memalign(align, n));
}
int posix_memalign(void** out, size_t align, size_t n) noexcept {
    if (align < sizeof(void*) || (align & (align - 1)) != 0) return EINVAL;
    void* p = __libc_memalign(align, n);
    if (!p) return ENOMEM;
    *out = note_alloc(p);
    return 0;
}
void* valloc(size_t n) noexcept {
    return note_alloc(__libc_memalign(4096, n));
}
void* pvalloc(size_t n) noexcept {
    return note_alloc(__libc_memalign(4096, (n + 4095) & ~size_t{4095}));
}
}

namespace bench {

namespace {
// The OpenSSL the baseline ran against, in the JSON context.
[[maybe_unused]] const bool context_added = [] {
    benchmark::AddCustomContext("openssl", OpenSSL_version(OPENSSL_VERSION));
    // Google Benchmark's own "library_build_type" is that of libbenchmark, not ours.
#ifdef NDEBUG
    benchmark::AddCustomContext("tls12_build_type", "release (NDEBUG)");
#else
    benchmark::AddCustomContext("tls12_build_type", "debug (assertions on)");
#endif
    return true;
}();
}  // namespace

HeapStats heap_stats() noexcept {
    return {g_allocations.load(std::memory_order_relaxed), g_live.load(std::memory_order_relaxed),
            g_blocks.load(std::memory_order_relaxed)};
}

// ---- misc -----------------------------------------------------------------------------------

void throw_openssl(const std::string& what) {
    std::string msg = what;
    while (unsigned long e = ERR_get_error()) {
        char buf[256];
        ERR_error_string_n(e, buf, sizeof buf);
        msg += "; ";
        msg += buf;
    }
    throw std::runtime_error(msg);
}

std::vector<uint8_t> payload(size_t n) {
    std::vector<uint8_t> v(n);
    uint32_t x = 0x12345678;
    for (auto& b : v) {
        x = x * 1664525u + 1013904223u;
        b = static_cast<uint8_t>(x >> 24);
    }
    return v;
}

uint64_t env_u64(const char* name, uint64_t fallback) {
    const char* v = std::getenv(name);
    if (!v || !*v) return fallback;
    char* end = nullptr;
    const unsigned long long n = std::strtoull(v, &end, 10);
    return (end && *end == 0) ? n : fallback;
}

int ratio_repetitions() {
    return static_cast<int>(std::clamp<uint64_t>(env_u64("TLS12_BENCH_REPETITIONS", 1), 1, 100));
}

// ---- PKI ------------------------------------------------------------------------------------
namespace {

struct X509Deleter {
    void operator()(X509* x) const noexcept { X509_free(x); }
};
struct PkeyDeleter {
    void operator()(EVP_PKEY* k) const noexcept { EVP_PKEY_free(k); }
};
struct BioDeleter {
    void operator()(BIO* b) const noexcept { BIO_free(b); }
};
using X509Ptr = std::unique_ptr<X509, X509Deleter>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;
using BioPtr = std::unique_ptr<BIO, BioDeleter>;

void add_ext(X509* cert, X509* issuer, int nid, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    if (!ext || !X509_add_ext(cert, ext, -1)) throw_openssl("adding a certificate extension");
    X509_EXTENSION_free(ext);
}

X509Ptr make_cert(EVP_PKEY* key, const char* cn, long serial, X509* issuer, EVP_PKEY* issuer_key,
                  bool ca) {
    X509Ptr cert(X509_new());
    if (!cert) throw_openssl("X509_new");
    X509_set_version(cert.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -24L * 3600);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 365L * 24 * 3600);
    X509_set_pubkey(cert.get(), key);
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("tls12 bench"), -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn),
                               -1, -1, 0);
    X509* iss = issuer ? issuer : cert.get();
    X509_set_issuer_name(cert.get(), X509_get_subject_name(iss));
    if (ca) {
        add_ext(cert.get(), iss, NID_basic_constraints, "critical,CA:TRUE");
        add_ext(cert.get(), iss, NID_key_usage, "critical,keyCertSign,cRLSign");
        add_ext(cert.get(), iss, NID_subject_key_identifier, "hash");
    } else {
        add_ext(cert.get(), iss, NID_basic_constraints, "critical,CA:FALSE");
        add_ext(cert.get(), iss, NID_key_usage, "critical,digitalSignature,keyEncipherment");
        add_ext(cert.get(), iss, NID_ext_key_usage, "serverAuth");
        add_ext(cert.get(), iss, NID_subject_alt_name, "DNS:localhost");
        add_ext(cert.get(), iss, NID_subject_key_identifier, "hash");
        add_ext(cert.get(), iss, NID_authority_key_identifier, "keyid");
    }
    if (!X509_sign(cert.get(), issuer_key ? issuer_key : key, EVP_sha256()))
        throw_openssl("X509_sign");
    return cert;
}

std::string bio_string(BIO* bio) {
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio, &data);
    return std::string(data, static_cast<size_t>(n));
}

std::string cert_pem(X509* cert) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!PEM_write_bio_X509(bio.get(), cert)) throw_openssl("PEM_write_bio_X509");
    return bio_string(bio.get());
}

Pki generate_pki() {
    PkeyPtr ca_key(EVP_RSA_gen(2048));
    PkeyPtr leaf_key(EVP_RSA_gen(2048));
    if (!ca_key || !leaf_key) throw_openssl("EVP_RSA_gen");
    X509Ptr ca = make_cert(ca_key.get(), "tls12 bench CA", 1, nullptr, nullptr, true);
    X509Ptr leaf = make_cert(leaf_key.get(), "localhost", 2, ca.get(), ca_key.get(), false);
    BioPtr key_bio(BIO_new(BIO_s_mem()));
    if (!PEM_write_bio_PrivateKey(key_bio.get(), leaf_key.get(), nullptr, nullptr, 0, nullptr,
                                  nullptr))
        throw_openssl("PEM_write_bio_PrivateKey");
    return {cert_pem(ca.get()), cert_pem(leaf.get()), bio_string(key_bio.get())};
}

}  // namespace

const Pki& pki() {
    static const Pki p = generate_pki();
    return p;
}

// ---- suites ---------------------------------------------------------------------------------

const char* token(Suite s) {
    switch (s) {
        case Suite::aes128gcm:
            return "aes128gcm";
        case Suite::aes256gcm:
            return "aes256gcm";
        case Suite::aes128cbcsha256:
            return "aes128cbcsha256";
        default:
            return "chacha20poly1305";
    }
}

tls12::CipherSuite ecdhe_rsa_suite(Suite s) {
    switch (s) {
        case Suite::aes128gcm:
            return tls12::CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256;
        case Suite::aes256gcm:
            return tls12::CipherSuite::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384;
        case Suite::aes128cbcsha256:
            return tls12::CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256;
        default:
            return tls12::CipherSuite::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256;
    }
}

const char* openssl_ecdhe_rsa_suite(Suite s) {
    switch (s) {
        case Suite::aes128gcm:
            return "ECDHE-RSA-AES128-GCM-SHA256";
        case Suite::aes256gcm:
            return "ECDHE-RSA-AES256-GCM-SHA384";
        case Suite::aes128cbcsha256:
            return "ECDHE-RSA-AES128-SHA256";
        default:
            return "ECDHE-RSA-CHACHA20-POLY1305";
    }
}

const char* token(Kx k) {
    return k == Kx::rsa ? "rsa" : "ecdhe_x25519";
}

tls12::CipherSuite suite_for(Kx k) {
    return k == Kx::rsa ? tls12::CipherSuite::TLS_RSA_WITH_AES_128_GCM_SHA256
                        : tls12::CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256;
}

const char* openssl_suite_for(Kx k) {
    return k == Kx::rsa ? "AES128-GCM-SHA256" : "ECDHE-RSA-AES128-GCM-SHA256";
}

// ---- ours -----------------------------------------------------------------------------------
namespace {

tls12::ByteView as_bytes(const std::string& s) {
    return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

template <class Config>
void pin_parameters(Config& config, tls12::CipherSuite suite) {
    // TLS 1.2, like the OpenSSL side: the figures stay comparable with earlier runs now that TLS
    // 1.3 is on by default.
    config.max_version = tls12::ProtocolVersion::tls12;
    config.cipher_suites = {suite};
    config.groups = {tls12::NamedGroup::x25519};
    config.signature_schemes = {tls12::SignatureScheme::rsa_pss_rsae_sha256};
    // Every handshake full, like the OpenSSL side (no session cache, no tickets). Written so it
    // compiles whichever of these knobs the engine has.
    if constexpr (requires { config.session_cache = nullptr; }) config.session_cache = nullptr;
    if constexpr (requires { config.session_tickets = false; }) config.session_tickets = false;
    if constexpr (requires { config.ticket_keys = nullptr; }) config.ticket_keys = nullptr;
}

}  // namespace

std::shared_ptr<const tls12::ServerConfig> our_server_config(tls12::CipherSuite suite) {
    static const tls12::CertifiedKey certified = [] {
        return tls12::CertifiedKey(tls12::x509::parse_certificates_pem(pki().leaf_pem),
                                   std::make_shared<const tls12::crypto::PrivateKey>(
                                       tls12::x509::parse_private_key(as_bytes(pki().key_pem))));
    }();
    tls12::ServerConfig config;
    pin_parameters(config, suite);
    config.certificates = {certified};
    return std::make_shared<const tls12::ServerConfig>(std::move(config));
}

std::shared_ptr<const tls12::ClientConfig> our_client_config(tls12::CipherSuite suite) {
    static const auto verifier =
        tls12::make_x509_verifier(tls12::x509::TrustStore::from_certificates(
            tls12::x509::parse_certificates_pem(pki().ca_pem)));
    tls12::ClientConfig config;
    pin_parameters(config, suite);
    config.verifier = verifier;
    return std::make_shared<const tls12::ClientConfig>(std::move(config));
}

bool pump(tls12::Connection& from, tls12::Connection& to) {
    const tls12::ByteView out = from.pending_output();
    if (out.empty()) return false;
    const size_t n = out.size();
    (void)to.feed(out);  // failures show up in failed()
    from.consume_output(n);
    return true;
}

bool our_handshake(OurPair& pair) {
    for (int i = 0; i < 100; ++i) {
        const bool a = pump(pair.client, pair.server);
        const bool b = pump(pair.server, pair.client);
        if (!a && !b) break;
    }
    return !pair.client.failed() && !pair.server.failed() && pair.client.is_handshake_complete() &&
           pair.server.is_handshake_complete();
}

OurPair our_connected_pair(tls12::CipherSuite suite) {
    return our_connected_pair(our_client_config(suite), our_server_config(suite));
}

OurPair our_connected_pair(std::shared_ptr<const tls12::ClientConfig> client,
                           std::shared_ptr<const tls12::ServerConfig> server) {
    OurPair pair{tls12::Connection::client(std::move(client), "localhost"),
                 tls12::Connection::server(std::move(server))};
    if (!our_handshake(pair)) {
        const auto& err = pair.client.error() ? pair.client.error() : pair.server.error();
        throw std::runtime_error("our handshake failed: " +
                                 (err ? err->message() : std::string("incomplete")));
    }
    return pair;
}

// ---- OpenSSL --------------------------------------------------------------------------------
namespace {

SslCtxPtr common_ctx(const SSL_METHOD* method, const char* suite) {
    SslCtxPtr ctx(SSL_CTX_new(method));
    if (!ctx) throw_openssl("SSL_CTX_new");
    SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
    SSL_CTX_set_max_proto_version(ctx.get(), TLS1_2_VERSION);
    if (!SSL_CTX_set_cipher_list(ctx.get(), suite)) throw_openssl(std::string("cipher ") + suite);
    if (!SSL_CTX_set1_groups_list(ctx.get(), "X25519")) throw_openssl("groups");
    if (!SSL_CTX_set1_sigalgs_list(ctx.get(), "RSA-PSS+SHA256")) throw_openssl("sigalgs");
    SSL_CTX_set_options(ctx.get(), SSL_OP_NO_TICKET);
    SSL_CTX_set_session_cache_mode(ctx.get(), SSL_SESS_CACHE_OFF);
    return ctx;
}

}  // namespace

SslCtxPtr openssl_server_ctx(const char* suite) {
    SslCtxPtr ctx = common_ctx(TLS_server_method(), suite);
    BioPtr cert_bio(
        BIO_new_mem_buf(pki().leaf_pem.data(), static_cast<int>(pki().leaf_pem.size())));
    BioPtr key_bio(BIO_new_mem_buf(pki().key_pem.data(), static_cast<int>(pki().key_pem.size())));
    X509Ptr cert(PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr));
    PkeyPtr key(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
    if (!cert || !key) throw_openssl("reading the bench PKI");
    if (!SSL_CTX_use_certificate(ctx.get(), cert.get()) ||
        !SSL_CTX_use_PrivateKey(ctx.get(), key.get()) || !SSL_CTX_check_private_key(ctx.get()))
        throw_openssl("server certificate");
    return ctx;
}

SslCtxPtr openssl_client_ctx(const char* suite) {
    SslCtxPtr ctx = common_ctx(TLS_client_method(), suite);
    BioPtr ca_bio(BIO_new_mem_buf(pki().ca_pem.data(), static_cast<int>(pki().ca_pem.size())));
    X509Ptr ca(PEM_read_bio_X509(ca_bio.get(), nullptr, nullptr, nullptr));
    if (!ca || !X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx.get()), ca.get()))
        throw_openssl("client trust store");
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
    return ctx;
}

SslPtr openssl_client(SSL_CTX* ctx) {
    SslPtr ssl(SSL_new(ctx));
    if (!ssl || !SSL_set_tlsext_host_name(ssl.get(), "localhost") ||
        !SSL_set1_host(ssl.get(), "localhost"))
        throw_openssl("SSL_new (client)");
    return ssl;
}

OpenSslPair openssl_pair(SSL_CTX* client_ctx, SSL_CTX* server_ctx, size_t bio_buffer) {
    OpenSslPair pair;
    pair.client = openssl_client(client_ctx);
    pair.server.reset(SSL_new(server_ctx));
    if (!pair.server) throw_openssl("SSL_new (server)");
    if (!BIO_new_bio_pair(&pair.client_bio, bio_buffer, &pair.server_bio, bio_buffer))
        throw_openssl("BIO_new_bio_pair");
    SSL_set_bio(pair.client.get(), pair.client_bio, pair.client_bio);
    SSL_set_bio(pair.server.get(), pair.server_bio, pair.server_bio);
    SSL_set_connect_state(pair.client.get());
    SSL_set_accept_state(pair.server.get());
    return pair;
}

bool openssl_handshake(OpenSslPair& pair) {
    bool client_done = false, server_done = false;
    for (int i = 0; i < 100 && !(client_done && server_done); ++i) {
        for (auto [ssl, done] : {std::pair{pair.client.get(), &client_done},
                                 std::pair{pair.server.get(), &server_done}}) {
            if (*done) continue;
            const int rc = SSL_do_handshake(ssl);
            if (rc == 1) {
                *done = true;
            } else {
                const int err = SSL_get_error(ssl, rc);
                if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE) return false;
            }
        }
    }
    return client_done && server_done;
}

}  // namespace bench
