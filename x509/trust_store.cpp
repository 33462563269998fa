#include <tls12/x509/trust_store.h>

#include <algorithm>
#include <filesystem>

#include <tls12/x509/certificate.h>
#include <tls12/x509/certificate_fields.hpp>
#include <tls12/x509/internal.hpp>

namespace tls12::x509 {

namespace {
constexpr const char* kSystemBundle = "/etc/ssl/certs/ca-certificates.crt";
}

TrustStore::TrustStore() : impl_(std::make_shared<Impl>()) {}
TrustStore::~TrustStore() = default;
TrustStore::TrustStore(const TrustStore&) = default;
TrustStore& TrustStore::operator=(const TrustStore&) = default;
// A move shares like a copy, so a moved-from store stays usable (copy-on-write protects both).
// NOLINTNEXTLINE(performance-move-constructor-init): sharing, not moving, is the point
TrustStore::TrustStore(TrustStore&& other) noexcept : impl_(other.impl_) {}
TrustStore& TrustStore::operator=(TrustStore&& other) noexcept {
    impl_ = other.impl_;
    return *this;
}

TrustStore::Impl& TrustStore::mutable_impl() {
    // Copies share one Impl; the first add() on a shared store makes it private (the parsed
    // certificates themselves are immutable and stay shared).
    if (impl_.use_count() > 1) impl_ = std::make_shared<Impl>(*impl_);
    return *impl_;
}

void TrustStore::add(const crypto::Bytes& certificate) {
    if (impl_->ders.count(certificate)) return;
    detail::CertificatePtr parsed = [&] {
        try {
            return detail::parse_certificate(certificate);
        } catch (const std::exception& e) {
            throw Error(std::string("trust store: certificate does not parse: ") + e.what());
        }
    }();
    Impl& impl = mutable_impl();
    impl.by_subject.emplace(parsed->cert.raw_subject_dn(), impl.anchors.size());
    impl.anchors.push_back(std::move(parsed));
    impl.ders.insert(certificate);
}

void TrustStore::add(const std::vector<crypto::Bytes>& certificates) {
    for (const auto& c : certificates) add(c);
}

void TrustStore::add_pem_file(const std::string& path) {
    // add() parses each certificate; no need to parse them twice.
    const auto certs = detail::read_certificate_ders(path, false);
    try {
        add(certs);
    } catch (const Error& e) {
        throw Error(path + ": " + e.what());
    }
}

size_t TrustStore::size() const noexcept {
    return impl_->anchors.size();
}

bool TrustStore::contains(const crypto::Bytes& certificate) const {
    return impl_->ders.count(certificate) != 0;
}

std::vector<crypto::Bytes> TrustStore::certificates() const {
    std::vector<crypto::Bytes> out;
    out.reserve(impl_->anchors.size());
    for (const auto& anchor : impl_->anchors) out.push_back(anchor->der);
    return out;
}

TrustStore TrustStore::from_certificates(const std::vector<crypto::Bytes>& certificates) {
    TrustStore store;
    store.add(certificates);
    return store;
}

TrustStore TrustStore::from_pem_file(const std::string& path) {
    TrustStore store;
    store.add_pem_file(path);
    return store;
}

TrustStore TrustStore::system() {
    if (!std::filesystem::exists(kSystemBundle)) {
        throw Error(std::string("system trust store ") + kSystemBundle +
                    " not found (install the ca-certificates package)");
    }
    return from_pem_file(kSystemBundle);
}

TrustStore TrustStore::from_directory(const std::string& path) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::is_directory(path, ec)) throw Error(path + ": not a directory");
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(path, ec)) {
        if (!entry.is_regular_file()) continue;  // follows symlinks (c_rehash links)
        const auto ext = entry.path().extension().string();
        if (ext == ".pem" || ext == ".crt" || ext == ".cer" || ext == ".der") {
            files.push_back(entry.path());
        }
    }
    if (ec) throw Error(path + ": cannot list directory: " + ec.message());
    std::sort(files.begin(), files.end());
    TrustStore store;
    for (const auto& file : files) {
        // Files without certificates (keys, notes) and corrupt certificates are skipped.
        try {
            for (const auto& cert : detail::read_certificate_ders(file.string(), false)) {
                try {
                    store.add(cert);
                } catch (const Error&) {
                }
            }
        } catch (const Error&) {
        }
    }
    if (store.empty()) throw Error(path + ": no certificates found");
    return store;
}

}  // namespace tls12::x509
