// The fuzz targets' seed corpora (fuzz/corpus/) replayed through the same deterministic engine
// harness as fuzz/server_engine.cpp and fuzz/client_engine.cpp, under ctest (and so under the
// asan-ubsan suite). Nothing may crash, and the streams recorded from our own engine must still
// replay to complete handshakes: if they stop doing so, the corpora no longer reach the deep
// states and scripts/make_fuzz_corpus needs a re-run. Crashing inputs the fuzzers find go here too.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#ifndef TLS12_FUZZ_DATA_DIR
#define TLS12_FUZZ_DATA_DIR TLS12_SOURCE_DIR "/fuzz/data"
#endif
#include "../../fuzz/support/fuzz_common.h"

namespace {

// The files of fuzz/<kind>/<target>/ (kind: corpus, or regressions for inputs that once crashed).
std::vector<tls12::Bytes> corpus(const std::string& target, const std::string& kind = "corpus") {
    std::vector<tls12::Bytes> out;
    for (const auto& entry : std::filesystem::directory_iterator(std::string(TLS12_SOURCE_DIR) +
                                                                 "/fuzz/" + kind + "/" + target)) {
        std::ifstream in(entry.path(), std::ios::binary);
        out.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    return out;
}

// How many inputs took the engine to a completed handshake.
template <typename MakeConnection>
size_t replay(const std::string& target, MakeConnection make, const std::string& kind = "corpus") {
    size_t complete = 0;
    for (const tls12::Bytes& input : corpus(target, kind)) {
        tls12::Connection conn = make();
        tls12_fuzz::Chunker chunks(input.data(), input.size());
        tls12_fuzz::pump(conn, chunks);
        if (conn.is_handshake_complete()) ++complete;
    }
    return complete;
}

TEST(FuzzRegression, ServerEngineCorpusReplays) {
    size_t complete = replay("server_engine",
                             [] { return tls12::Connection::server(tls12_fuzz::server_config()); });
    // The streams recorded against the target's own server config (default_ecdhe_rsa, its chunked
    // copy, chacha_client, resumed_ticket_client). The others (OpenSSL's, or recorded against other
    // server configs) seed message variety but cannot finish.
    EXPECT_GE(complete, 4u) << "fuzz/corpus is stale: re-run scripts/make_fuzz_corpus";
}

TEST(FuzzRegression, ServerEngineAfterHelloCorpusReplays) {
    const tls12::Bytes hello =
        tls12::Connection::client(tls12_fuzz::client_config(), tls12_fuzz::kServerName)
            .take_output();
    size_t complete = replay("server_engine_after_hello", [&] {
        tls12::Connection server = tls12::Connection::server(tls12_fuzz::server_config());
        EXPECT_TRUE(server.feed(hello).ok());
        (void)server.take_output();
        return server;
    });
    EXPECT_EQ(complete, corpus("server_engine_after_hello").size())
        << "fuzz/corpus is stale: re-run scripts/make_fuzz_corpus";
}

TEST(FuzzRegression, ClientEngineCorpusReplays) {
    size_t complete = replay("client_engine", [] {
        tls12::Connection client =
            tls12::Connection::client(tls12_fuzz::client_config(), tls12_fuzz::kServerName);
        (void)client.take_output();
        return client;
    });
    // The default_* server streams (OpenSSL's cannot finish: their randoms differ).
    EXPECT_GE(complete, 5u) << "fuzz/corpus is stale: re-run scripts/make_fuzz_corpus";
}

// Inputs the fuzzers found crashing (fuzz/regressions/<target>/, the fuzz target's input format);
// they only have to be refused cleanly (under the asan-ubsan suite: without a sanitizer report).
//   aead-short-record-subspan: a ClientHello, then an encrypted-epoch record too short for the
//   AEAD explicit nonce; AeadProtection::open took body.subspan(8) before checking the length.
TEST(FuzzRegression, ServerEngineCrashes) {
    size_t complete = replay(
        "server_engine", [] { return tls12::Connection::server(tls12_fuzz::server_config()); },
        "regressions");
    EXPECT_EQ(complete, 0u);
}

}  // namespace
