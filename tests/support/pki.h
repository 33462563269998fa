// A throw-away test PKI generated with the openssl command line: a root CA, an intermediate CA and
// leaf certificates for the situations the tests need (good RSA/ECDSA servers, a client, expired,
// wrong host, self-signed, weak ...). Generated lazily on first use.
//
// ctest runs every test in its own process, so the PKI is shared: it is generated once per user
// and month into /tmp/tls12-test-pki-<version>-<uid>-<yyyymm>/ (under a lock file; later processes
// reuse it). Treat that directory as read-only; write scratch files into scratch_dir().
// TLS12_FRESH_PKI=1 generates a private copy in a fresh temp directory instead, removed at exit
// (TLS12_KEEP_PKI=1 keeps it).
//
// Every member is an absolute file path. "*_chain" files hold the leaf followed by the
// intermediate (PEM); "*_cert" files hold the leaf alone; keys are PKCS#8 PEM unless named
// otherwise. Server leaves carry DNS:localhost and IP:127.0.0.1 and the serverAuth EKU.
#pragma once

#include <string>

namespace tls12_test {

struct TestPki {
    std::string dir;

    // Trust anchors.
    std::string ca_cert;  // the root CA alone (PEM) — the file to trust
    std::string ca_key;
    std::string intermediate_cert;  // "tls12 Test Intermediate CA", signed by the root
    std::string intermediate_key;

    // RSA-2048 server leaf (CN=localhost) signed by the intermediate.
    std::string server_cert;
    std::string server_cert_der;              // the same leaf, DER
    std::string server_chain;                 // leaf + intermediate
    std::string server_key;                   // PKCS#8 PEM ("PRIVATE KEY")
    std::string server_key_pkcs1;             // "RSA PRIVATE KEY"
    std::string server_key_der;               // PKCS#8 DER
    std::string server_key_encrypted;         // "ENCRYPTED PRIVATE KEY" (password below)
    std::string server_key_encrypted_legacy;  // "RSA PRIVATE KEY" with Proc-Type: 4,ENCRYPTED
    std::string key_password = "secret";

    // ECDSA leaves (CN=localhost, same SANs), signed by the intermediate.
    std::string ecdsa256_cert, ecdsa256_chain, ecdsa256_key;
    std::string ecdsa256_key_sec1;  // "EC PRIVATE KEY"
    std::string ecdsa384_cert, ecdsa384_chain, ecdsa384_key;

    // Client certificate (CN=tls12 test client, clientAuth EKU only), signed by the intermediate.
    std::string client_cert, client_chain, client_key;
    // The same with a P-256 key (CN=tls12 test client P-256; the ecdsa256 key).
    std::string client_ec256_cert, client_ec256_chain, client_ec256_key;

    // Leaf valid 2020-01-01 .. 2021-01-01 only (same key as the server).
    std::string expired_cert, expired_chain, expired_key;
    // Leaf valid 2020-01-01 .. 2500-12-31 23:59:59 (same key as the server).
    std::string far_future_chain;
    // Leaf for DNS:wrong.example.com only (same key as the server).
    std::string wrong_host_cert, wrong_host_chain, wrong_host_key;
    // Leaf for DNS:*.example.test (same key as the server).
    std::string wildcard_cert, wildcard_chain, wildcard_key;
    // Self-signed CN=localhost leaf with the server SANs (same key as the server).
    std::string self_signed_cert, self_signed_key;
    // The same, valid until the 2490s.
    std::string self_signed_far_cert;

    // Weak or broken chains for negative tests.
    std::string sha1_chain;     // leaf signed with sha1WithRSAEncryption
    std::string rsa1024_chain;  // leaf with an RSA-1024 key
    std::string rsa1024_key;
    std::string not_ca_chain;  // leaf issued by a certificate without CA:TRUE (+ that cert)
};

// Generates the PKI on first use (about a second) or finds the shared one, then returns the same
// paths. Thread-safe.
// Throws std::runtime_error with openssl's output when generation fails.
const TestPki& test_pki();

// A fresh per-process temporary directory (removed at exit) for files a test writes.
std::string scratch_dir();

// Small file helpers for tests.
std::string read_text_file(const std::string& path);
void write_text_file(const std::string& path, const std::string& contents);

}  // namespace tls12_test
