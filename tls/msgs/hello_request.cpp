#include <tls12/tls/msgs/hello_request.h>

#include <tls12/tls/msgs/parse_util.h>

namespace tls12 {

// RFC 5246 7.4.1.1: struct { } HelloRequest;
Result<HelloRequest> HelloRequest::parse(ByteView body) {
    if (!body.empty()) return msgs_detail::decode("HelloRequest (non-empty body)");
    return HelloRequest{};
}

void HelloRequest::serialize(Writer&) const {}

Bytes HelloRequest::serialize() const {
    return {};
}

}  // namespace tls12
