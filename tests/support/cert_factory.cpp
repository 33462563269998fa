#include "support/cert_factory.h"

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include <tls12/x509/certificate.h>
#include "support/pki.h"

namespace tls12_test {

CertFactory::CertFactory(const std::string& name) : dir_(scratch_dir() + "/" + name) {
    std::filesystem::create_directories(dir_);
}

void CertFactory::openssl(const std::string& args) const {
    const std::string log = path("openssl.log");
    const std::string cmd =
        "cd '" + dir_ + "' && openssl " + args + " >'" + log + "' 2>&1 </dev/null";
    if (std::system(cmd.c_str()) != 0) {
        throw std::runtime_error("cert factory: `openssl " + args + "` failed:\n" +
                                 read_text_file(log));
    }
}

std::string CertFactory::new_key(const std::string& name, KeyKind kind) const {
    const std::string file = name + ".key";
    switch (kind) {
        case KeyKind::ec_p384:
            openssl("genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out " + file);
            break;
        case KeyKind::ec_p521:
            openssl("genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-521 -out " + file);
            break;
        case KeyKind::rsa2048:
            openssl("genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out " + file);
            break;
        case KeyKind::ec_p256_explicit:
            openssl(
                "genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 "
                "-pkeyopt ec_param_enc:explicit -out " +
                file);
            break;
        case KeyKind::dsa2048:
            openssl("genpkey -genparam -algorithm DSA -pkeyopt dsa_paramgen_bits:2048 -out " +
                    name + ".params");
            openssl("genpkey -paramfile " + name + ".params -out " + file);
            break;
        case KeyKind::ec_p256:
        default:
            openssl(
                "genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 "
                "-pkeyopt ec_param_enc:named_curve -out " +
                file);
            break;
    }
    return path(file);
}

TestCert CertFactory::make(const std::string& name, const CertSpec& spec,
                           const TestCert* issuer) const {
    write_text_file(path(name + ".cnf"),
                    "[req]\ndistinguished_name = dn\nprompt = no\n[dn]\nCN = unused\n[ext]\n" +
                        spec.extensions + "\n");
    TestCert out;
    out.key = spec.key_file.empty() ? new_key(name, spec.key) : spec.key_file;
    out.cert = path(name + ".pem");
    std::string args = "req -x509 -new -config " + name + ".cnf -extensions ext -key '" + out.key +
                       "' -subj '" + spec.subject + "' -" + spec.digest + " -days " +
                       std::to_string(spec.days) + " -out " + name + ".pem";
    if (issuer) args += " -CA '" + issuer->cert + "' -CAkey '" + issuer->key + "'";
    if (!spec.signature_option.empty()) args += " -sigopt " + spec.signature_option;
    openssl(args);
    out.der = tls12::x509::parse_certificates_pem(read_text_file(out.cert)).at(0);
    return out;
}

TestCert CertFactory::root(const std::string& name, const CertSpec& spec) const {
    return make(name, spec, nullptr);
}

TestCert CertFactory::issue(const std::string& name, const TestCert& issuer,
                            const CertSpec& spec) const {
    return make(name, spec, &issuer);
}

std::string CertFactory::bundle(const std::string& name, const std::vector<TestCert>& certs) const {
    std::string all;
    for (const auto& c : certs) all += read_text_file(c.cert);
    write_text_file(path(name), all);
    return path(name);
}

std::string leaf_extensions(const std::string& san) {
    return "basicConstraints = critical, CA:FALSE\n"
           "keyUsage = critical, digitalSignature\n"
           "extendedKeyUsage = serverAuth\n"
           "subjectAltName = " +
           san + "\n";
}

}  // namespace tls12_test
