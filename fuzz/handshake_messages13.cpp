// TLS 1.3's wire messages and their extension contexts, chosen by the first input byte (kept apart
// from handshake_messages so that target's corpus keeps its meaning). When a parse succeeds the
// value must serialize to the same bytes and parse back to an equal value; anything else aborts.
#include <algorithm>
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

// parse -> serialize -> parse gives the same value. TLS 1.3's own messages also serialize to
// the input itself (extensions keep their arrival order, every block is always written); a
// ClientHello need not (an IP literal server_name is dropped, an empty block left out).
template <typename Msg, typename Parse>
void round_trip(const char* name, tls12::ByteView body, Parse parse, bool exact = true) {
    tls12::Result<Msg> first = parse(body);
    if (!first.ok()) return;
    tls12::Bytes encoded = first->serialize();
    if (exact && !std::equal(encoded.begin(), encoded.end(), body.begin(), body.end())) fail(name);
    tls12::Result<Msg> second = parse(encoded);
    if (!second.ok() || !(*second == *first)) fail(name);
}

// The extension contexts that only a TLS 1.3 message uses.
void extensions_round_trip(const char* name, tls12::ByteView body, tls12::ExtensionContext ctx) {
    auto first = tls12::Extensions::parse(body, ctx);
    if (!first.ok()) return;
    tls12::Bytes encoded = first->serialize(ctx);
    auto second = tls12::Extensions::parse(encoded, ctx);
    if (!second.ok() || !(*second == *first) || second->serialize(ctx) != encoded) fail(name);
    // RFC 8446 4.2's table never fails on what a parse gives, it only answers.
    (void)tls12::check_tls13_extensions(*first, ctx);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    const uint8_t selector = data[0];
    const tls12::ByteView body(data + 1, size - 1);
    using namespace tls12;
    switch (selector % 10) {
        case 0:
            round_trip<EncryptedExtensions>("EncryptedExtensions", body, [](ByteView b) {
                return EncryptedExtensions::parse(b);
            });
            break;
        case 1:
            round_trip<Certificate13>("Certificate13", body,
                                      [](ByteView b) { return Certificate13::parse(b); });
            break;
        case 2:
            round_trip<CertificateRequest13>("CertificateRequest13", body, [](ByteView b) {
                return CertificateRequest13::parse(b);
            });
            break;
        case 3:
            round_trip<Finished13>("Finished13", body,
                                   [](ByteView b) { return Finished13::parse(b); });
            break;
        case 4:
            round_trip<NewSessionTicket13>("NewSessionTicket13", body,
                                           [](ByteView b) { return NewSessionTicket13::parse(b); });
            break;
        case 5:
            round_trip<KeyUpdate>("KeyUpdate", body,
                                  [](ByteView b) { return KeyUpdate::parse(b); });
            break;
        case 6:
            extensions_round_trip("Extensions(hello_retry_request)", body,
                                  ExtensionContext::hello_retry_request);
            break;
        case 7:
            extensions_round_trip("Extensions(certificate_request)", body,
                                  ExtensionContext::certificate_request);
            break;
        case 8:
            extensions_round_trip("Extensions(new_session_ticket)", body,
                                  ExtensionContext::new_session_ticket);
            break;
        case 9:
            // ClientHello with TLS 1.3's extensions (pre_shared_key last, binders patched).
            round_trip<ClientHello>(
                "ClientHello", body, [](ByteView b) { return ClientHello::parse(b); }, false);
            break;
    }
    return 0;
}
