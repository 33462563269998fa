# The public API: the headers installed under include/tls12/ (paths relative to the source root).
# Everything else is internal. tests/consumer compiles each of these on its own, and the docs
# target documents exactly these.
set(TLS12_PUBLIC_HEADERS
  crypto/bytes.h crypto/hash.h crypto/keys.h crypto/random.h
  x509/certificate.h x509/error.h x509/hostname.h x509/trust_store.h x509/verify.h x509/x509.h
  tls/config.h tls/connection.h tls/error.h tls/session.h tls/types.h tls/verifier.h
  tls/x509_verifier.h
  net/error.h net/nonblocking_stream.h net/server.h net/socket.h net/stream.h)
# The Asio adapter's header, installed (and documented) when libasio-dev is found.
set(TLS12_ASIO_PUBLIC_HEADERS asio/stream.h)
