#include "support/pki.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace tls12_test {
namespace {

// openssl extension sections, one per kind of certificate.
constexpr const char* kExtensions = R"(
[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused

[root]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

[intermediate]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[server_rsa]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

[server_ec]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

[client]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

[wrong_host]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:wrong.example.com
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

[wildcard]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:*.example.test
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

[self_signed]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier = hash

[not_ca]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyCertSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
)";

// `openssl ca` configuration, used only for the expired leaf (it is the one openssl 3.0 command
// that takes explicit validity dates).
std::string ca_config(const std::string& dir) {
    return "[ca]\ndefault_ca = test_ca\n[test_ca]\n"
           "database = " +
           dir +
           "/index.txt\n"
           "new_certs_dir = " +
           dir +
           "/issued\n"
           "certificate = " +
           dir +
           "/intermediate.pem\n"
           "private_key = " +
           dir +
           "/intermediate.key\n"
           "rand_serial = yes\n"
           "default_md = sha256\n"
           "policy = policy_any\n"
           "unique_subject = no\n"
           "copy_extensions = none\n"
           "[policy_any]\ncommonName = supplied\n";
}

class Generator {
  public:
    Generator(std::string dir, bool run) : dir_(std::move(dir)), run_(run) {}

    std::string path(const std::string& name) const { return dir_ + "/" + name; }

    // Runs one openssl command in the PKI directory; throws with its output on failure.
    void openssl(const std::string& args) const {
        if (!run_) return;
        const std::string log = path("openssl.log");
        const std::string cmd =
            "cd '" + dir_ + "' && openssl " + args + " >'" + log + "' 2>&1 </dev/null";
        const int rc = std::system(cmd.c_str());
        if (rc != 0) {
            throw std::runtime_error("test PKI: `openssl " + args + "` failed:\n" +
                                     read_text_file(log));
        }
    }

    void rsa_key(const std::string& name, int bits) const {
        openssl("genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:" + std::to_string(bits) +
                " -out " + name);
    }
    void ec_key(const std::string& name, const std::string& curve) const {
        openssl("genpkey -algorithm EC -pkeyopt ec_paramgen_curve:" + curve +
                " -pkeyopt ec_param_enc:named_curve -out " + name);
    }

    // A certificate for key, issued by issuer_cert/issuer_key (self-signed when issuer is empty).
    void cert(const std::string& out, const std::string& key, const std::string& subject,
              const std::string& section, const std::string& issuer_cert = {},
              const std::string& issuer_key = {}, const std::string& md = "sha256",
              int days = 3650) const {
        std::string args = "req -x509 -new -config ext.cnf -extensions " + section + " -key " +
                           key + " -subj '" + subject + "' -" + md + " -days " +
                           std::to_string(days) + " -out " + out;
        if (!issuer_cert.empty()) args += " -CA " + issuer_cert + " -CAkey " + issuer_key;
        openssl(args);
    }

    void concat(const std::string& out, std::initializer_list<std::string> parts) const {
        if (!run_) return;
        std::string all;
        for (const auto& p : parts) all += read_text_file(path(p));
        write_text_file(path(out), all);
    }

    void write(const std::string& name, const std::string& contents) const {
        if (run_) write_text_file(path(name), contents);
    }
    void mkdir(const std::string& name) const {
        if (run_) std::filesystem::create_directories(path(name));
    }

  private:
    std::string dir_;
    bool run_;
};

// Bump when the generated files change, so stale shared caches are not reused.
constexpr const char* kPkiVersion = "v3";

bool env_flag(const char* name) {
    const char* v = std::getenv(name);
    return v && *v && std::string(v) != "0";
}

// Directories removed when the process exits.
struct Cleanup {
    std::vector<std::string> dirs;
    ~Cleanup() {
        if (env_flag("TLS12_KEEP_PKI")) return;
        for (const auto& d : dirs) {
            std::error_code ec;
            std::filesystem::remove_all(d, ec);
        }
    }
};

Cleanup& cleanup() {
    static Cleanup c;
    return c;
}

std::string make_temp_dir(const std::string& prefix) {
    std::string tmpl = "/tmp/" + prefix + "-XXXXXX";
    if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("test PKI: mkdtemp failed");
    return tmpl;
}

// /tmp/tls12-test-pki-<version>-<uid>-<yyyymm>: shared by the test processes of one user (ctest
// runs every test in its own process), regenerated monthly so validity periods stay comfortable.
std::string shared_pki_dir() {
    const auto now = std::chrono::system_clock::now();
    const std::chrono::year_month_day ymd{std::chrono::floor<std::chrono::days>(now)};
    char month[16];
    std::snprintf(month, sizeof month, "%04d%02u", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()));
    return std::string("/tmp/tls12-test-pki-") + kPkiVersion + "-" + std::to_string(getuid()) +
           "-" + month;
}

// Generates every file into dir (or, when generate_files is false, only fills in the paths of a
// directory generated earlier).
void generate(TestPki& p, const std::string& dir, bool generate_files) {
    p.dir = dir;
    const Generator g(p.dir, generate_files);
    auto at = [&](const std::string& name) { return g.path(name); };
    g.write("ext.cnf", kExtensions);

    // Keys: four RSA-2048 (root, intermediate, server, client), two EC, one RSA-1024.
    g.rsa_key("ca.key", 2048);
    g.rsa_key("intermediate.key", 2048);
    g.rsa_key("server.key", 2048);
    g.rsa_key("client.key", 2048);
    g.rsa_key("rsa1024.key", 1024);
    g.ec_key("ecdsa256.key", "P-256");
    g.ec_key("ecdsa384.key", "P-384");

    g.cert("ca.pem", "ca.key", "/O=tls12 tests/CN=tls12 Test Root CA", "root");
    g.cert("intermediate.pem", "intermediate.key", "/O=tls12 tests/CN=tls12 Test Intermediate CA",
           "intermediate", "ca.pem", "ca.key");
    p.ca_cert = at("ca.pem");
    p.ca_key = at("ca.key");
    p.intermediate_cert = at("intermediate.pem");
    p.intermediate_key = at("intermediate.key");

    auto leaf = [&](const std::string& name, const std::string& key, const std::string& subject,
                    const std::string& section, const std::string& md = "sha256") {
        g.cert(name + ".pem", key, subject, section, "intermediate.pem", "intermediate.key", md,
               825);
        g.concat(name + ".chain.pem", {name + ".pem", "intermediate.pem"});
    };

    leaf("server", "server.key", "/CN=localhost", "server_rsa");
    p.server_cert = at("server.pem");
    p.server_chain = at("server.chain.pem");
    p.server_key = at("server.key");
    g.openssl("x509 -in server.pem -outform DER -out server.der");
    p.server_cert_der = at("server.der");
    g.openssl("rsa -in server.key -traditional -out server.pkcs1.key");
    p.server_key_pkcs1 = at("server.pkcs1.key");
    g.openssl("pkey -in server.key -outform DER -out server.key.der");
    p.server_key_der = at("server.key.der");
    g.openssl("pkcs8 -topk8 -v2 aes-256-cbc -in server.key -passout pass:" + p.key_password +
              " -out server.enc.key");
    p.server_key_encrypted = at("server.enc.key");
    g.openssl("rsa -in server.key -traditional -aes256 -passout pass:" + p.key_password +
              " -out server.enc-legacy.key");
    p.server_key_encrypted_legacy = at("server.enc-legacy.key");

    leaf("ecdsa256", "ecdsa256.key", "/CN=localhost", "server_ec");
    p.ecdsa256_cert = at("ecdsa256.pem");
    p.ecdsa256_chain = at("ecdsa256.chain.pem");
    p.ecdsa256_key = at("ecdsa256.key");
    g.openssl("ec -in ecdsa256.key -out ecdsa256.sec1.key");
    p.ecdsa256_key_sec1 = at("ecdsa256.sec1.key");

    leaf("ecdsa384", "ecdsa384.key", "/CN=localhost", "server_ec", "sha384");
    p.ecdsa384_cert = at("ecdsa384.pem");
    p.ecdsa384_chain = at("ecdsa384.chain.pem");
    p.ecdsa384_key = at("ecdsa384.key");

    leaf("client", "client.key", "/CN=tls12 test client", "client");
    p.client_cert = at("client.pem");
    p.client_chain = at("client.chain.pem");
    p.client_key = at("client.key");

    leaf("client_ec256", "ecdsa256.key", "/CN=tls12 test client P-256", "client");
    p.client_ec256_cert = at("client_ec256.pem");
    p.client_ec256_chain = at("client_ec256.chain.pem");
    p.client_ec256_key = p.ecdsa256_key;

    // Leaves for localhost with explicit validity dates: `openssl ca`, chained to the
    // intermediate.
    g.mkdir("issued");
    g.write("index.txt", "");
    g.write("ca.cnf", ca_config(p.dir));
    g.openssl("req -new -key server.key -subj /CN=localhost -out dated.csr");
    const auto dated_leaf = [&](const std::string& name, const std::string& not_before,
                                const std::string& not_after) {
        g.openssl("ca -batch -notext -config ca.cnf -in dated.csr -out " + name +
                  ".pem -startdate " + not_before + " -enddate " + not_after +
                  " -extfile ext.cnf -extensions server_rsa");
        g.concat(name + ".chain.pem", {name + ".pem", "intermediate.pem"});
    };

    dated_leaf("expired", "20200101000000Z", "20210101000000Z");
    p.expired_cert = at("expired.pem");
    p.expired_chain = at("expired.chain.pem");
    p.expired_key = p.server_key;

    // notAfter in 2500: past the year 2262 a nanosecond system_clock can hold. (Not RFC 5280's
    // 99991231235959Z: Botan 2 refuses to parse years after about 3000.)
    dated_leaf("far_future", "20200101000000Z", "25001231235959Z");
    p.far_future_chain = at("far_future.chain.pem");

    leaf("wrong_host", "server.key", "/CN=wrong.example.com", "wrong_host");
    p.wrong_host_cert = at("wrong_host.pem");
    p.wrong_host_chain = at("wrong_host.chain.pem");
    p.wrong_host_key = p.server_key;

    leaf("wildcard", "server.key", "/CN=*.example.test", "wildcard");
    p.wildcard_cert = at("wildcard.pem");
    p.wildcard_chain = at("wildcard.chain.pem");
    p.wildcard_key = p.server_key;

    g.cert("self_signed.pem", "server.key", "/CN=localhost", "self_signed", {}, {}, "sha256", 825);
    p.self_signed_cert = at("self_signed.pem");
    p.self_signed_key = p.server_key;
    // About 465 years, to the 2490s.
    g.cert("self_signed_far.pem", "server.key", "/CN=localhost", "self_signed", {}, {}, "sha256",
           170000);
    p.self_signed_far_cert = at("self_signed_far.pem");

    leaf("sha1", "server.key", "/CN=localhost", "server_rsa", "sha1");
    p.sha1_chain = at("sha1.chain.pem");

    leaf("rsa1024", "rsa1024.key", "/CN=localhost", "server_rsa");
    p.rsa1024_chain = at("rsa1024.chain.pem");
    p.rsa1024_key = at("rsa1024.key");

    // A leaf whose issuer is an end-entity certificate (CA:FALSE) issued by the intermediate.
    leaf("not_ca_issuer", "client.key", "/CN=tls12 Not A CA", "not_ca");
    g.cert("not_ca_leaf.pem", "server.key", "/CN=localhost", "server_rsa", "not_ca_issuer.pem",
           "client.key", "sha256", 825);
    g.concat("not_ca.chain.pem", {"not_ca_leaf.pem", "not_ca_issuer.pem", "intermediate.pem"});
    p.not_ca_chain = at("not_ca.chain.pem");
}

}  // namespace

std::string read_text_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void write_text_file(const std::string& path, const std::string& contents) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << contents;
    if (!out) throw std::runtime_error("cannot write " + path);
}

const TestPki& test_pki() {
    static TestPki pki;
    static std::once_flag once;
    std::call_once(once, [] {
        if (env_flag("TLS12_FRESH_PKI")) {
            const std::string dir = make_temp_dir("tls12-pki");
            cleanup().dirs.push_back(dir);
            generate(pki, dir, true);
            return;
        }
        // One generation per user and month; concurrent test processes wait on a lock file.
        const std::string dir = shared_pki_dir();
        const std::string lock_path = dir + ".lock";
        const int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (fd < 0) throw std::runtime_error("test PKI: cannot open " + lock_path);
        ::flock(fd, LOCK_EX);
        try {
            const bool complete = std::filesystem::exists(dir + "/complete");
            if (!complete) {
                std::filesystem::remove_all(dir);
                std::filesystem::create_directories(dir);
                std::filesystem::permissions(dir, std::filesystem::perms::owner_all);
            }
            generate(pki, dir, !complete);
            if (!complete) write_text_file(dir + "/complete", "");
        } catch (...) {
            ::flock(fd, LOCK_UN);
            ::close(fd);
            throw;
        }
        ::flock(fd, LOCK_UN);
        ::close(fd);
    });
    return pki;
}

std::string scratch_dir() {
    static const std::string dir = [] {
        std::string d = make_temp_dir("tls12-scratch");
        cleanup().dirs.push_back(d);
        return d;
    }();
    return dir;
}

}  // namespace tls12_test
