/// \file
/// The certificates a verifier trusts as roots.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <tls12/crypto/bytes.h>
#include <tls12/x509/error.h>

// The public API: exported from libtls12.so (everything else is built hidden).
#pragma GCC visibility push(default)

namespace tls12::x509 {

/// The certificates a verifier trusts as roots (trust anchors), for make_x509_verifier() and
/// verify_chain(). Cheap to copy (shared, copy-on-write on add()), safe to read from many
/// threads at once.
class TrustStore {
  public:
    /// An empty store: trusts nothing.
    TrustStore();
    ~TrustStore();
    /// Shares the certificates (copy-on-write).
    TrustStore(const TrustStore&);
    /// Shares the certificates (copy-on-write).
    TrustStore& operator=(const TrustStore&);
    /// Shares like a copy, so the moved-from store stays usable.
    TrustStore(TrustStore&&) noexcept;
    /// Shares like a copy, so the moved-from store stays usable.
    TrustStore& operator=(TrustStore&&) noexcept;

    /// Debian's bundle, /etc/ssl/certs/ca-certificates.crt. Throws x509::Error when missing.
    static TrustStore system();
    /// Every certificate of a PEM bundle (or one DER certificate). Throws x509::Error.
    static TrustStore from_pem_file(const std::string& path);
    /// Every *.pem / *.crt / *.cer / *.der file of a directory (not recursive); files that hold no
    /// certificate are skipped, the directory must yield at least one. Throws x509::Error.
    static TrustStore from_directory(const std::string& path);
    /// The given DER certificates. Throws x509::Error when one does not parse.
    static TrustStore from_certificates(const std::vector<crypto::Bytes>& certificates);

    /// Adds a DER certificate (parsed now; a corrupt one throws x509::Error). Duplicates are
    /// ignored.
    void add(const crypto::Bytes& certificate);
    /// Adds each DER certificate, as add(const crypto::Bytes&) does.
    void add(const std::vector<crypto::Bytes>& certificates);
    /// Adds every certificate of a PEM bundle (or one DER certificate). Throws x509::Error.
    void add_pem_file(const std::string& path);

    /// Number of trusted certificates.
    size_t size() const noexcept;
    /// True when nothing is trusted.
    bool empty() const noexcept { return size() == 0; }
    /// True when this exact DER certificate is in the store.
    bool contains(const crypto::Bytes& certificate) const;
    /// The trusted certificates, DER.
    std::vector<crypto::Bytes> certificates() const;

    struct Impl;  // the parsed certificates; see x509/internal.hpp
    /// The parsed certificates, for the x509 layer's own use (an opaque type outside it).
    const Impl& impl() const noexcept { return *impl_; }

  private:
    Impl& mutable_impl();
    std::shared_ptr<Impl> impl_;
};

}  // namespace tls12::x509
#pragma GCC visibility pop
