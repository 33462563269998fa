#include <tls12/tls/msgs/server_hello_done.h>

#include <tls12/tls/msgs/parse_util.h>

namespace tls12 {

// RFC 5246 7.4.5: struct { } ServerHelloDone;
Result<ServerHelloDone> ServerHelloDone::parse(ByteView body) {
    if (!body.empty()) return msgs_detail::decode("ServerHelloDone (non-empty body)");
    return ServerHelloDone{};
}

void ServerHelloDone::serialize(Writer&) const {}

Bytes ServerHelloDone::serialize() const {
    return {};
}

}  // namespace tls12
