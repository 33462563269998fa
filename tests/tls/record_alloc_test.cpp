// The record hot path of an established connection does not allocate (docs/design.md, rule 7):
// client.send() of one write, its record fed to the server, the plaintext read where it lies,
// for every AEAD suite of TLS 1.2 (ECDHE_RSA) and TLS 1.3. Counted with
// support/counting_allocator.h (glibc's malloc family); nothing else in this binary asserts on it.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <tls12/tls/suites.h>
#include "support/counting_allocator.h"
#include "support/engine_pair.h"

using namespace tls12;
using namespace tls12_test;

// Counting needs the replaced allocator, which sanitizers forbid: there the tests do not exist.
#ifdef TLS12_COUNTING_ALLOCATOR

namespace {

// One write from the client, opened by the server and read in place; false on any failure.
bool one_record(Pair& pair, const std::vector<uint8_t>& data) {
    if (!pair.client.send(data)) return false;
    const ByteView wire = pair.client.pending_output();
    const size_t n = wire.size();
    if (!pair.server.feed(wire)) return false;
    pair.client.consume_output(n);
    const ByteView plaintext = pair.server.received_data();
    pair.server.consume_received(plaintext.size());
    return plaintext.size() == data.size();
}

// No heap call in 64 records of each size, counted after 16 (every buffer at its size by then).
void expect_no_allocation(Pair& pair, const std::string& what) {
    for (size_t size : {64u, 1024u, 16384u}) {
        const std::vector<uint8_t> data(size, 0x5a);
        bool ok = true;
        for (int i = 0; i < 16; ++i) ok = one_record(pair, data) && ok;
        const size_t before = heap_allocations.load();
        for (int i = 0; i < 64; ++i) ok = one_record(pair, data) && ok;
        const size_t allocations = heap_allocations.load() - before;
        EXPECT_TRUE(ok) << what << ", " << size << " bytes";
        EXPECT_EQ(allocations, 0u) << what << ", " << size << "-byte records";
    }
}

}  // namespace

TEST(RecordAllocation, HooksSeeAllocations) {
    const size_t before = heap_allocations.load();
    std::vector<uint8_t>* p = new std::vector<uint8_t>(100);
    asm volatile("" : : "r"(p) : "memory");  // keeps the allocation pair from being elided
    delete p;
    EXPECT_GE(heap_allocations.load() - before, 2u);
}

TEST(RecordAllocation, Tls12RecordsDoNotAllocate) {
    for (CipherSuite suite : {CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
                              CipherSuite::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
                              CipherSuite::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256}) {
        auto pin = [&](CommonConfig& c) {
            c.max_version = ProtocolVersion::tls12;
            c.cipher_suites = {suite};
        };
        auto pair = make_pair(client_config(pin), server_config(ServerKey::rsa2048, pin));
        ASSERT_TRUE(pair.handshake()) << to_string(suite);
        ASSERT_EQ(pair.client.negotiated().version, ProtocolVersion::tls12);
        expect_no_allocation(pair, to_string(suite));
    }
}

TEST(RecordAllocation, Tls13RecordsDoNotAllocate) {
    for (CipherSuite suite :
         {CipherSuite::TLS_AES_128_GCM_SHA256, CipherSuite::TLS_AES_256_GCM_SHA384,
          CipherSuite::TLS_CHACHA20_POLY1305_SHA256}) {
        auto pin = [&](CommonConfig& c) {
            c.min_version = ProtocolVersion::tls13;
            c.max_version = ProtocolVersion::tls13;
            c.tls13_cipher_suites = {suite};
        };
        auto pair = make_pair(client_config(pin), server_config(ServerKey::rsa2048, pin));
        ASSERT_TRUE(pair.handshake()) << to_string(suite);
        ASSERT_EQ(pair.client.negotiated().version, ProtocolVersion::tls13);
        expect_no_allocation(pair, to_string(suite));
    }
}

#endif  // TLS12_COUNTING_ALLOCATOR
