// Certificates and keys for the configs: the one place tls/ reads files and parses certificates
// it is configured with, through x509/.
#include <memory>
#include <stdexcept>

#include <tls12/tls/config.h>
#include <tls12/x509/certificate.h>

namespace tls12 {

CertifiedKey::CertifiedKey(std::vector<Bytes> chain, std::shared_ptr<const crypto::PrivateKey> key)
    : chain_(std::move(chain)), key_(std::move(key)) {
    if (chain_.empty()) return;
    try {
        names_ = x509::describe(chain_.front()).names;
    } catch (const std::exception& e) {
        problem_ = e.what();
    }
}

CertifiedKey CertifiedKey::from_pem_files(const std::string& chain_file,
                                          const std::string& key_file) {
    // x509::Error is a std::runtime_error whose message names the file and the problem.
    auto chain = x509::load_certificate_chain(chain_file);
    auto key = std::make_shared<const crypto::PrivateKey>(x509::load_private_key(key_file));
    if (!x509::key_matches_certificate(*key, chain.front())) {
        throw std::runtime_error("the private key in " + key_file +
                                 " does not match the certificate in " + chain_file + " (" +
                                 x509::describe(chain.front()).subject + ")");
    }
    return CertifiedKey(std::move(chain), std::move(key));
}

ServerConfig ServerConfig::from_pem_files(const std::string& chain_file,
                                          const std::string& key_file) {
    ServerConfig config;
    config.certificates.push_back(CertifiedKey::from_pem_files(chain_file, key_file));
    return config;
}

}  // namespace tls12
