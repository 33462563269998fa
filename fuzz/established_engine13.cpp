// established_engine for TLS 1.3: an established TLS 1.3 connection (our client and server,
// handshaken per input with the deterministic configs; the server's NewSessionTicket delivered),
// then a stream to the server that mixes genuine records sealed by the client with arbitrary
// bytes: the inner content type and padding, post-handshake messages, KeyUpdate and the key
// change after it, records split across feeds, forgeries and whatever follows them. The first
// byte picks the suite; the rest is cut into chunks (see Chunker): a chunk whose first byte is
// odd is sent by the client (after a KeyUpdate of the client's when bit 1 is set, asking the
// server for one when bit 2 is set too) and its records are fed in two pieces split where the
// second byte says; any other chunk is fed as it is.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include <tls12/tls/config.h>
#include "support/fuzz_common.h"

namespace {

using tls12::CipherSuite;

constexpr std::array kSuites = {
    CipherSuite::TLS_AES_128_GCM_SHA256,
    CipherSuite::TLS_AES_256_GCM_SHA384,
    CipherSuite::TLS_CHACHA20_POLY1305_SHA256,
};

bool handshake(tls12::Connection& client, tls12::Connection& server) {
    for (int i = 0; i < 20; ++i) {
        const tls12::Bytes to_server = client.take_output();
        if (!to_server.empty() && !server.feed(to_server).ok()) return false;
        const tls12::Bytes to_client = server.take_output();
        if (!to_client.empty() && !client.feed(to_client).ok()) return false;
        if (to_server.empty() && to_client.empty()) break;
    }
    return client.is_handshake_complete() && server.is_handshake_complete();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    const CipherSuite suite = kSuites[data[0] % kSuites.size()];
    auto client_config = std::make_shared<tls12::ClientConfig>(*tls12_fuzz::client_config13());
    client_config->tls13_cipher_suites = {suite};
    tls12::Connection client = tls12::Connection::client(client_config, tls12_fuzz::kServerName);
    tls12::Connection server = tls12::Connection::server(tls12_fuzz::server_config13());
    if (!handshake(client, server)) std::abort();  // our own pair must connect

    tls12_fuzz::Chunker chunks(data + 1, size - 1);
    for (tls12::ByteView chunk = chunks.next(); !chunk.empty(); chunk = chunks.next()) {
        tls12::Status status;
        if ((chunk[0] & 1) != 0 && chunk.size() >= 2) {
            if ((chunk[0] & 2) != 0 && !client.update_keys((chunk[0] & 4) != 0).ok()) std::abort();
            if (!client.send(chunk.subspan(2)).ok()) std::abort();
            const tls12::Bytes records = client.take_output();
            const size_t cut = records.empty() ? 0 : chunk[1] % records.size();
            status = server.feed(tls12::ByteView(records).first(cut));
            if (status.ok()) status = server.feed(tls12::ByteView(records).subspan(cut));
        } else {
            status = server.feed(chunk);
        }
        // Read half in place and the rest by copy, so both readers see every delivery.
        const tls12::ByteView in_place = server.received_data();
        server.consume_received(in_place.size() / 2);
        uint8_t sink[4096];
        while (server.receive(sink) > 0) {
        }
        // The server's answers (its KeyUpdate) go to the client, so its read keys follow.
        const tls12::Bytes back = server.take_output();
        if (!server.failed() && !back.empty()) (void)client.feed(back);
        if (!status.ok() || server.failed() || client.failed()) break;
    }
    return 0;
}
