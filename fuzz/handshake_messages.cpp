// Every wire-message parser in tls/msgs, chosen by the first input byte. When a parse succeeds the
// value must serialize and parse back to an equal value; anything else aborts.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include <tls12/tls/msgs/msgs.h>

namespace {

[[noreturn]] void fail(const char* what) {
    std::fprintf(stderr, "round trip failed: %s\n", what);
    std::abort();
}

// parse -> serialize -> parse must give back the same value.
template <typename Msg, typename Parse>
void round_trip(const char* name, tls12::ByteView body, Parse parse) {
    tls12::Result<Msg> first = parse(body);
    if (!first.ok()) return;
    tls12::Bytes encoded = first->serialize();
    tls12::Result<Msg> second = parse(encoded);
    if (!second.ok()) {
        std::fprintf(stderr, "%s: re-parse failed: %s\n", name, second.error().message().c_str());
        fail(name);
    }
    if (!(*second == *first)) fail(name);
}

void extensions_round_trip(const char* name, tls12::ByteView body, tls12::ExtensionContext ctx) {
    auto first = tls12::Extensions::parse(body, ctx);
    if (!first.ok()) return;
    tls12::Bytes encoded = first->serialize(ctx);
    auto second = tls12::Extensions::parse(encoded, ctx);
    if (!second.ok()) {
        std::fprintf(stderr, "%s: re-parse failed: %s\n", name, second.error().message().c_str());
        fail(name);
    }
    if (!(*second == *first)) fail(name);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    const uint8_t selector = data[0];
    const tls12::ByteView body(data + 1, size - 1);
    using namespace tls12;
    switch (selector % 17) {
        case 0:
            round_trip<ClientHello>("ClientHello", body,
                                    [](ByteView b) { return ClientHello::parse(b); });
            break;
        case 1:
            round_trip<ServerHello>("ServerHello", body,
                                    [](ByteView b) { return ServerHello::parse(b); });
            break;
        case 2:
            round_trip<Certificate>("Certificate", body,
                                    [](ByteView b) { return Certificate::parse(b); });
            break;
        case 3:
            round_trip<ServerKeyExchange>("ServerKeyExchange", body,
                                          [](ByteView b) { return ServerKeyExchange::parse(b); });
            break;
        case 4:
            round_trip<CertificateRequest>("CertificateRequest", body,
                                           [](ByteView b) { return CertificateRequest::parse(b); });
            break;
        case 5:
            round_trip<ServerHelloDone>("ServerHelloDone", body,
                                        [](ByteView b) { return ServerHelloDone::parse(b); });
            break;
        case 6:
            round_trip<ClientKeyExchange>("ClientKeyExchange(rsa)", body, [](ByteView b) {
                return ClientKeyExchange::parse_rsa(b);
            });
            break;
        case 7:
            round_trip<ClientKeyExchange>("ClientKeyExchange(ecdhe)", body, [](ByteView b) {
                return ClientKeyExchange::parse_ecdhe(b);
            });
            break;
        case 8:
            round_trip<CertificateVerify>("CertificateVerify", body,
                                          [](ByteView b) { return CertificateVerify::parse(b); });
            break;
        case 9:
            round_trip<Finished>("Finished", body, [](ByteView b) { return Finished::parse(b); });
            break;
        case 10:
            round_trip<NewSessionTicket>("NewSessionTicket", body,
                                         [](ByteView b) { return NewSessionTicket::parse(b); });
            break;
        case 11:
            round_trip<HelloRequest>("HelloRequest", body,
                                     [](ByteView b) { return HelloRequest::parse(b); });
            break;
        case 12:
            round_trip<AlertMessage>("AlertMessage", body,
                                     [](ByteView b) { return AlertMessage::parse(b); });
            break;
        case 13:
            round_trip<ChangeCipherSpec>("ChangeCipherSpec", body,
                                         [](ByteView b) { return ChangeCipherSpec::parse(b); });
            break;
        case 14:
            extensions_round_trip("Extensions(client_hello)", body, ExtensionContext::client_hello);
            break;
        case 15:
            extensions_round_trip("Extensions(server_hello)", body, ExtensionContext::server_hello);
            break;
        case 16: {
            // A handshake header, then the framing helper must reproduce it.
            auto header = HandshakeHeader::peek(body);
            if (!header) break;
            if (body.size() < kHandshakeHeaderSize + header->length) break;
            ByteView msg_body = body.subspan(kHandshakeHeaderSize, header->length);
            Bytes framed = frame_handshake(header->type, msg_body);
            auto again = HandshakeHeader::peek(framed);
            if (!again || !(*again == *header) ||
                framed.size() != kHandshakeHeaderSize + header->length)
                fail("HandshakeHeader");
            break;
        }
    }
    return 0;
}
