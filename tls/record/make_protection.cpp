#include "tls/record/protection.h"

namespace tls {

std::unique_ptr<RecordProtection> make_protection(const SuiteInfo& suite, const DirectionKeys& keys,
                                                  bool for_sealing, bool /*encrypt_then_mac*/) {
    const auto use = for_sealing ? crypto::AeadUse::seal_only : crypto::AeadUse::open_only;
    return std::make_unique<AeadProtection>(suite, keys.key, keys.iv, use);
}

}  // namespace tls
