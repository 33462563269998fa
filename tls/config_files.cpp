// ServerConfig::from_pem_files: the one place tls/ reads files, through x509/.
#include <memory>
#include <stdexcept>

#include <tls12/tls/config.h>
#include <tls12/x509/certificate.h>

namespace tls12 {

CertifiedKey CertifiedKey::from_pem_files(const std::string& chain_file,
                                          const std::string& key_file) {
    // x509::Error is a std::runtime_error whose message names the file and the problem.
    CertifiedKey certified;
    certified.chain = x509::load_certificate_chain(chain_file);
    auto key = std::make_shared<const crypto::PrivateKey>(x509::load_private_key(key_file));
    if (!x509::key_matches_certificate(*key, certified.chain.front())) {
        throw std::runtime_error("the private key in " + key_file +
                                 " does not match the certificate in " + chain_file + " (" +
                                 x509::describe(certified.chain.front()).subject + ")");
    }
    certified.key = std::move(key);
    return certified;
}

ServerConfig ServerConfig::from_pem_files(const std::string& chain_file,
                                          const std::string& key_file) {
    ServerConfig config;
    config.certificates.push_back(CertifiedKey::from_pem_files(chain_file, key_file));
    return config;
}

}  // namespace tls12
