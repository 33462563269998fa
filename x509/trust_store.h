// The certificates a verifier trusts as roots. Cheap to copy (shared, copy-on-write on add()),
// safe to read from many threads at once.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <tls12/crypto/bytes.h>
#include <tls12/x509/error.h>

// The public API: exported from libtls12.so (everything else is built hidden).
#pragma GCC visibility push(default)

namespace tls12::x509 {

class TrustStore {
  public:
    // An empty store: trusts nothing.
    TrustStore();
    ~TrustStore();
    TrustStore(const TrustStore&);
    TrustStore& operator=(const TrustStore&);
    TrustStore(TrustStore&&) noexcept;
    TrustStore& operator=(TrustStore&&) noexcept;

    // Debian's bundle, /etc/ssl/certs/ca-certificates.crt. Throws x509::Error when missing.
    static TrustStore system();
    // Every certificate of a PEM bundle (or one DER certificate).
    static TrustStore from_pem_file(const std::string& path);
    // Every *.pem / *.crt / *.cer / *.der file of a directory (not recursive); files that hold no
    // certificate are skipped, the directory must yield at least one.
    static TrustStore from_directory(const std::string& path);
    static TrustStore from_certificates(const std::vector<crypto::Bytes>& certificates);

    // Adds DER certificates (each is parsed; a corrupt one throws x509::Error). Duplicates are
    // ignored.
    void add(const crypto::Bytes& certificate);
    void add(const std::vector<crypto::Bytes>& certificates);
    void add_pem_file(const std::string& path);

    size_t size() const noexcept;
    bool empty() const noexcept { return size() == 0; }
    bool contains(const crypto::Bytes& certificate) const;
    std::vector<crypto::Bytes> certificates() const;

    struct Impl;  // the parsed certificates; see x509/internal.hpp
    const Impl& impl() const noexcept { return *impl_; }

  private:
    Impl& mutable_impl();
    std::shared_ptr<Impl> impl_;
};

}  // namespace tls12::x509
#pragma GCC visibility pop
