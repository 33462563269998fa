#include <tls12/tls/record/cbc_protection.h>
#include <tls12/tls/record/protection.h>

namespace tls12 {

std::unique_ptr<RecordProtection> make_protection(const SuiteInfo& suite, const DirectionKeys& keys,
                                                  bool for_sealing, bool encrypt_then_mac,
                                                  crypto::Random& random) {
    const auto use = for_sealing ? crypto::AeadUse::seal_only : crypto::AeadUse::open_only;
    if (suite.cbc())
        return std::make_unique<CbcProtection>(suite, keys.mac_key, keys.key, use, encrypt_then_mac,
                                               random);
    return std::make_unique<AeadProtection>(suite, keys.key, keys.iv, use);
}

}  // namespace tls12
