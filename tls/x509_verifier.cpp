#include <tls12/tls/x509_verifier.h>

#include <exception>
#include <utility>

namespace tls12 {
namespace {

class X509Verifier final : public CertificateVerifier {
  public:
    X509Verifier(x509::TrustStore trust, x509::VerifyOptions options)
        : trust_(std::move(trust)), options_(options) {}

    Status verify(const VerifyRequest& request) const override {
        const auto purpose = request.peer_role == PeerRole::server ? x509::Purpose::server_auth
                                                                   : x509::Purpose::client_auth;
        const x509::VerifyResult result = x509::verify_chain(
            request.chain, trust_, request.server_name, purpose, request.now, options_);
        if (result.ok()) return Status::success();
        return make_error(alert_for(result.code),
                          "certificate verification failed: " + result.reason);
    }

  private:
    x509::TrustStore trust_;
    x509::VerifyOptions options_;
};

}  // namespace

AlertDescription alert_for(x509::VerifyCode code) noexcept {
    using x509::VerifyCode;
    switch (code) {
        case VerifyCode::ok:
            return AlertDescription::close_notify;  // not an error; never sent
        case VerifyCode::expired:
        case VerifyCode::not_yet_valid:
            return AlertDescription::certificate_expired;
        case VerifyCode::unknown_ca:
        case VerifyCode::self_signed:
            return AlertDescription::unknown_ca;
        case VerifyCode::hostname_mismatch:
        case VerifyCode::malformed:
        case VerifyCode::empty_chain:
        case VerifyCode::bad_signature:
            return AlertDescription::bad_certificate;
        case VerifyCode::unsupported_algorithm:
        case VerifyCode::unknown_critical_extension:
            return AlertDescription::unsupported_certificate;
        case VerifyCode::revoked:
            return AlertDescription::certificate_revoked;
        case VerifyCode::weak_key_or_signature:
        case VerifyCode::bad_usage:
        case VerifyCode::bad_basic_constraints:
        case VerifyCode::chain_too_long:
        case VerifyCode::name_constraints:
        case VerifyCode::other:
        default:
            return AlertDescription::certificate_unknown;
    }
}

std::shared_ptr<const CertificateVerifier> make_x509_verifier(x509::TrustStore trust,
                                                              x509::VerifyOptions options) {
    return std::make_shared<X509Verifier>(std::move(trust), options);
}

}  // namespace tls12
