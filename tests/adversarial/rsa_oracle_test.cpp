// Bleichenbacher / ROBOT: the server must not be an oracle for the PKCS#1 v1.5 conformance of an
// RSA ClientKeyExchange. Every kind of malformed premaster ciphertext (crafted with the server's
// public key) is sent in place of the client's real one, and the server's observable behaviour —
// what it says after each record of the client's second flight, the alert, its reason, the records
// and bytes it sends — must be exactly that of a well-formed ciphertext of a different premaster
// (the "wrong key" baseline): accept the ClientKeyExchange silently, then fail at the client's
// Finished with bad_record_mac (its keys differ from the client's, so the record does not open).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <iostream>

#include <tls12/crypto/keys.h>
#include <tls12/crypto/random.h>
#include <tls12/tls/msgs/msgs.h>
#include <tls12/x509/certificate.h>
#include "support/engine_pair.h"

using namespace tls12;
using namespace tls12_test;

namespace {

constexpr size_t kPremaster = 48;
constexpr uint16_t kClientVersion = 0x0303;

// The server certificate's RSA public key (as an attacker sees it: from the leaf on the wire).
const tls12::crypto::PublicKey& server_public_key() {
    static const tls12::crypto::PublicKey key = tls12::crypto::PublicKey::from_spki_der(
        tls12::x509::leaf_spki_der(server_chain(ServerKey::rsa2048).at(0)));
    return key;
}

size_t modulus_size() {
    return (server_public_key().bits() + 7) / 8;
}

// A minimal DER walk to the modulus INTEGER of an RSA SubjectPublicKeyInfo.
tls12::crypto::Bytes modulus_bytes() {
    const auto spki = server_public_key().spki_der();
    size_t pos = 0;
    auto header = [&](uint8_t tag) {
        if (pos >= spki.size() || spki[pos] != tag) throw std::runtime_error("unexpected DER tag");
        ++pos;
        size_t length = spki.at(pos++);
        if (length & 0x80) {
            const size_t n = length & 0x7f;
            length = 0;
            for (size_t i = 0; i < n; ++i) length = (length << 8) | spki.at(pos++);
        }
        return length;
    };
    header(0x30);                  // SubjectPublicKeyInfo
    pos += header(0x30);           // AlgorithmIdentifier (skipped)
    header(0x03);                  // BIT STRING
    ++pos;                         // unused bits
    header(0x30);                  // RSAPublicKey
    size_t length = header(0x02);  // modulus
    tls12::crypto::Bytes n(spki.begin() + static_cast<ptrdiff_t>(pos),
                           spki.begin() + static_cast<ptrdiff_t>(pos + length));
    while (!n.empty() && n.front() == 0) n.erase(n.begin());
    return n;
}

tls12::crypto::Bytes nonzero_random(size_t n) {
    auto out = tls12::crypto::system_random()->bytes(n);
    for (auto& b : out)
        if (b == 0) b = 0x5a;
    return out;
}

// EM = 00 || 02 || PS (nonzero) || 00 || message, k bytes in all.
tls12::crypto::Bytes encoded_message(const tls12::crypto::Bytes& message) {
    const size_t k = modulus_size();
    tls12::crypto::Bytes em{0x00, 0x02};
    const auto ps = nonzero_random(k - 3 - message.size());
    em.insert(em.end(), ps.begin(), ps.end());
    em.push_back(0x00);
    em.insert(em.end(), message.begin(), message.end());
    return em;
}

tls12::crypto::Bytes premaster(size_t size = kPremaster, uint16_t version = kClientVersion) {
    auto pm = tls12::crypto::system_random()->bytes(size);
    if (size >= 2) {
        pm[0] = static_cast<uint8_t>(version >> 8);
        pm[1] = static_cast<uint8_t>(version);
    }
    return pm;
}

tls12::crypto::Bytes encrypt_raw(const tls12::crypto::Bytes& em) {
    return server_public_key().rsa_raw_public(em);
}

struct Kind {
    std::string name;
    std::function<tls12::crypto::Bytes()> ciphertext;
};

void PrintTo(const Kind& kind, std::ostream* os) {
    *os << kind.name;
}

std::vector<Kind> malformed_kinds() {
    return {
        Kind{"FirstByteNonzero",
             [] {
                 auto em = encoded_message(premaster());
                 em[0] = 0x01;  // still below the modulus (its top byte is >= 0x80)
                 return encrypt_raw(em);
             }},
        Kind{"BlockType01",
             [] {
                 auto em = encoded_message(premaster());
                 em[1] = 0x01;
                 return encrypt_raw(em);
             }},
        Kind{"BlockType03",
             [] {
                 auto em = encoded_message(premaster());
                 em[1] = 0x03;
                 return encrypt_raw(em);
             }},
        Kind{"BlockType00",
             [] {
                 auto em = encoded_message(premaster());
                 em[1] = 0x00;
                 return encrypt_raw(em);
             }},
        Kind{"NoZeroSeparator",
             [] {
                 tls12::crypto::Bytes em{0x00, 0x02};
                 const auto rest = nonzero_random(modulus_size() - 2);
                 em.insert(em.end(), rest.begin(), rest.end());
                 return encrypt_raw(em);
             }},
        Kind{"ZeroInFirstPaddingByte",
             [] {
                 auto em = encoded_message(premaster());
                 em[2] = 0x00;
                 return encrypt_raw(em);
             }},
        Kind{"ZeroInEighthPaddingByte",
             [] {
                 auto em = encoded_message(premaster());
                 em[9] = 0x00;
                 return encrypt_raw(em);
             }},
        Kind{"SeparatorRightAfterTheBlockType",  // empty padding, a k-3 byte message
             [] {
                 auto em = encoded_message(premaster());
                 em[2] = 0x00;
                 for (size_t i = 3; i < em.size(); ++i)
                     if (em[i] == 0) em[i] = 0x11;
                 return encrypt_raw(em);
             }},
        Kind{"Premaster47Bytes", [] { return encrypt_raw(encoded_message(premaster(47))); }},
        Kind{"Premaster49Bytes", [] { return encrypt_raw(encoded_message(premaster(49))); }},
        Kind{"EmptyMessage", [] { return encrypt_raw(encoded_message({})); }},
        Kind{"PremasterVersion0301",
             [] { return encrypt_raw(encoded_message(premaster(kPremaster, 0x0301))); }},
        Kind{"PremasterVersion0302",
             [] { return encrypt_raw(encoded_message(premaster(kPremaster, 0x0302))); }},
        Kind{"PremasterVersion0203",
             [] { return encrypt_raw(encoded_message(premaster(kPremaster, 0x0203))); }},
        Kind{"PremasterVersionFirstByteOnly",
             [] { return encrypt_raw(encoded_message(premaster(kPremaster, 0x0300))); }},
        Kind{"CiphertextOneByteLonger",
             [] {
                 auto c = encrypt_raw(encoded_message(premaster()));
                 c.push_back(0x42);
                 return c;
             }},
        Kind{"CiphertextWithALeadingZero",  // same integer, one byte longer
             [] {
                 auto c = encrypt_raw(encoded_message(premaster()));
                 c.insert(c.begin(), 0x00);
                 return c;
             }},
        Kind{"CiphertextOneByteShorter",
             [] {
                 auto c = encrypt_raw(encoded_message(premaster()));
                 c.pop_back();
                 return c;
             }},
        Kind{"CiphertextWithoutItsLeadingByte",
             [] {
                 auto c = encrypt_raw(encoded_message(premaster()));
                 c.erase(c.begin());
                 return c;
             }},
        Kind{"AllZeroCiphertext", [] { return tls12::crypto::Bytes(modulus_size(), 0); }},
        Kind{"CiphertextEqualToTheModulus", [] { return modulus_bytes(); }},
        Kind{"CiphertextAboveTheModulus",
             [] {
                 auto c = modulus_bytes();
                 for (auto it = c.rbegin(); it != c.rend(); ++it)
                     if (++*it != 0) break;  // n + 1
                 return c;
             }},
        Kind{"AllOnesCiphertext", [] { return tls12::crypto::Bytes(modulus_size(), 0xff); }},
    };
}

// What the server shows the world while it takes the client's second flight.
struct Observation {
    bool cke_ok = false;
    size_t bytes_after_cke = 0;
    bool ccs_ok = false;
    size_t bytes_after_ccs = 0;
    bool failed_before_finished = false;
    bool finished_ok = false;
    std::optional<AlertDescription> alert;
    std::string reason;
    std::vector<std::pair<uint8_t, size_t>> records;  // type, payload length, after Finished
    size_t bytes_after_finished = 0;
    bool failed = false;
    bool refuses_more_input = false;
};

std::ostream& operator<<(std::ostream& os, const Observation& o) {
    os << "cke_ok=" << o.cke_ok << " out=" << o.bytes_after_cke << " ccs_ok=" << o.ccs_ok
       << " out=" << o.bytes_after_ccs << " finished_ok=" << o.finished_ok
       << " alert=" << (o.alert ? static_cast<int>(*o.alert) : -1) << " reason='" << o.reason
       << "' records=[";
    for (auto& [t, n] : o.records) os << int(t) << ":" << n << " ";
    return os << "] out=" << o.bytes_after_finished << " failed=" << o.failed;
}

// Runs a handshake with RSA key exchange whose ClientKeyExchange carries `ciphertext`.
Observation observe(const tls12::crypto::Bytes& ciphertext) {
    Mitm::Options options;
    options.client = [](ClientConfig& c) {
        c.cipher_suites = {CipherSuite::TLS_RSA_WITH_AES_128_GCM_SHA256};
    };
    Mitm m(options);
    m.pull(m.client);
    if (!m.deliver(m.server)) throw std::runtime_error("server refused the ClientHello");
    m.pull(m.server);
    if (!m.deliver(m.client)) throw std::runtime_error("client refused the server's flight");
    m.pull(m.client);
    // The client's flight, one record each: ClientKeyExchange, ChangeCipherSpec, Finished.
    if (m.to_server.size() != 3) throw std::runtime_error("unexpected client flight");
    auto& record = m.to_server.front();
    auto cke = ClientKeyExchange::parse_rsa(ByteView(record.payload).subspan(4));
    if (!cke) throw std::runtime_error("cannot parse the ClientKeyExchange");
    cke->exchange_keys = ciphertext;
    record.payload = frame_message(*cke);

    Observation o;
    // The first failure reported is the one that counts.
    auto note = [&o](const Status& status) {
        if (!status.ok() && !o.alert) {
            o.alert = status.error().alert;
            o.reason = status.error().reason;
        }
        return status.ok();
    };
    o.cke_ok = note(m.deliver(m.server, 1));
    o.bytes_after_cke = m.server.pending_output().size();
    o.ccs_ok = note(m.deliver(m.server, 1));
    o.bytes_after_ccs = m.server.pending_output().size();
    o.failed_before_finished = m.server.failed();
    o.finished_ok = note(m.deliver(m.server, 1));
    const auto out = m.server.take_output();
    o.bytes_after_finished = out.size();
    for (auto& r : split_records(out)) o.records.emplace_back(r.type, r.payload.size());
    o.failed = m.server.failed();
    const uint8_t more[] = {23, 3, 3, 0, 1, 0};
    o.refuses_more_input = !m.server.feed(more).ok() && !m.server.wants_write();
    return o;
}

std::atomic<size_t> g_kinds_run{0};

class RsaOracle : public testing::TestWithParam<Kind> {
  protected:
    static void TearDownTestSuite() {
        std::cout
            << "[rsa-oracle] " << g_kinds_run.load() << " of " << malformed_kinds().size()
            << " malformed ClientKeyExchange kinds run in this process indistinguishable from the "
               "wrong-premaster baseline\n";
    }
};

// The baseline itself: a well-formed ciphertext of another premaster.
TEST(RsaOracleBaseline, WellFormedWrongPremasterFailsAtFinishedWithBadRecordMac) {
    const auto o = observe(encrypt_raw(encoded_message(premaster())));
    EXPECT_TRUE(o.cke_ok) << o;
    EXPECT_EQ(o.bytes_after_cke, 0u) << o;
    EXPECT_TRUE(o.ccs_ok) << o;
    EXPECT_EQ(o.bytes_after_ccs, 0u) << o;
    EXPECT_FALSE(o.failed_before_finished) << o;
    EXPECT_FALSE(o.finished_ok) << o;
    EXPECT_EQ(o.alert, AlertDescription::bad_record_mac) << o;
    ASSERT_EQ(o.records.size(), 1u) << o;
    EXPECT_EQ(o.records[0], (std::pair<uint8_t, size_t>{21, 2})) << o;  // plaintext fatal alert
    EXPECT_TRUE(o.failed) << o;
    EXPECT_TRUE(o.refuses_more_input) << o;
    // Two different baselines agree with each other too.
    const auto again = observe(encrypt_raw(encoded_message(premaster())));
    EXPECT_EQ(again.reason, o.reason);
    EXPECT_EQ(again.records, o.records);
}

TEST_P(RsaOracle, IndistinguishableFromAWrongPremaster) {
    const auto baseline = observe(encrypt_raw(encoded_message(premaster())));
    const auto o = observe(GetParam().ciphertext());
    SCOPED_TRACE(testing::Message() << "baseline: " << baseline);
    EXPECT_TRUE(o.cke_ok) << o;
    EXPECT_EQ(o.bytes_after_cke, baseline.bytes_after_cke) << o;
    EXPECT_EQ(o.bytes_after_cke, 0u) << o;
    EXPECT_EQ(o.ccs_ok, baseline.ccs_ok) << o;
    EXPECT_EQ(o.bytes_after_ccs, baseline.bytes_after_ccs) << o;
    EXPECT_FALSE(o.failed_before_finished) << o;
    EXPECT_FALSE(o.finished_ok) << o;
    EXPECT_EQ(o.alert, AlertDescription::bad_record_mac) << o;
    EXPECT_EQ(o.alert, baseline.alert) << o;
    EXPECT_EQ(o.reason, baseline.reason) << o;
    EXPECT_EQ(o.records, baseline.records) << o;
    EXPECT_EQ(o.bytes_after_finished, baseline.bytes_after_finished) << o;
    EXPECT_EQ(o.failed, baseline.failed) << o;
    EXPECT_EQ(o.refuses_more_input, baseline.refuses_more_input) << o;
    if (!HasFailure()) ++g_kinds_run;
}

// An empty EncryptedPreMasterSecret is refused by the ClientKeyExchange parser (opaque <1..2^16-1>
// here): a framing decision on the public length alone, made before any decryption, so it tells
// an attacker nothing about any plaintext. Pinned so that a change is deliberate.
TEST(RsaOracleBaseline, EmptyCiphertextIsAFramingErrorAtTheClientKeyExchange) {
    const auto o = observe({});
    EXPECT_FALSE(o.cke_ok) << o;
    EXPECT_EQ(o.alert, AlertDescription::decode_error) << o;
    EXPECT_TRUE(o.failed_before_finished) << o;
}

INSTANTIATE_TEST_SUITE_P(Adversarial, RsaOracle, testing::ValuesIn(malformed_kinds()),
                         [](const testing::TestParamInfo<Kind>& p) { return p.param.name; });

// A coarse timing guard, not a side-channel measurement: the private-key operation must run for
// every kind (an early return for a malformed ciphertext would make decryption orders of magnitude
// faster: microseconds instead of most of a millisecond). The minimum of interleaved runs is the
// estimate least disturbed by load; each kind must take at least a fifth of the conformant one
// (measured: all within about 20%, see docs/timing.md).
TEST(RsaOracleTiming, PrivateKeyOperationRunsForEveryKind) {
    const auto key = server_private_key(ServerKey::rsa2048);
    auto random = tls12::crypto::system_random();
    using Clock = std::chrono::steady_clock;
    auto kinds = malformed_kinds();
    kinds.insert(kinds.begin(),
                 Kind{"Conformant", [] { return encrypt_raw(encoded_message(premaster())); }});
    std::vector<tls12::crypto::Bytes> inputs;
    for (auto& k : kinds) inputs.push_back(k.ciphertext());
    constexpr int kRuns = 15;
    std::vector<std::vector<double>> us(kinds.size());
    for (int run = 0; run < kRuns; ++run) {
        for (size_t i = 0; i < kinds.size(); ++i) {
            const auto start = Clock::now();
            const auto pm = key->rsa_decrypt_premaster(inputs[i], kClientVersion, *random);
            us[i].push_back(
                std::chrono::duration<double, std::micro>(Clock::now() - start).count());
            ASSERT_EQ(pm.size(), kPremaster);
        }
    }
    std::vector<double> fastest;
    for (auto& v : us) {
        fastest.push_back(*std::min_element(v.begin(), v.end()));
    }
    const auto [lo, hi] = std::minmax_element(fastest.begin(), fastest.end());
    std::cout << "[rsa-oracle] rsa_decrypt_premaster fastest of " << kRuns << " runs: conformant "
              << fastest[0] << " us; " << kinds.size() - 1 << " malformed kinds " << *lo << " .. "
              << *hi << " us\n";
    const auto name_of = [&](auto it) {
        return kinds[static_cast<size_t>(it - fastest.begin())].name;
    };
    std::cout << "[rsa-oracle] fastest " << name_of(lo) << ", slowest " << name_of(hi) << "\n";
    for (size_t i = 1; i < kinds.size(); ++i)
        EXPECT_GT(fastest[i], fastest[0] / 5) << kinds[i].name << " skipped the private-key work";
}

}  // namespace
