// Private to x509/*.cpp: certification path building. From the leaf, issuers are looked for by
// name among the peer's certificates and the trust store (trust anchors first), depth first with
// backtracking, so a path that fails (an expired cross-certificate, a constraint) gives way to
// the next one. No certificate appears twice in a path, and the work is bounded: a hostile set
// of cross-signed certificates costs at most limits.max_signature_checks signature checks.
#pragma once

#include <vector>

#include <tls12/x509/certificate_checks.hpp>

namespace tls12::x509::detail {

struct PathBuildingLimits {
    size_t max_signature_checks = 100;  // distinct (certificate, issuer key) pairs verified
    size_t max_candidates = 1000;       // issuer candidates considered, all paths together
};

struct PathSearchResult {
    std::vector<const ParsedCertificate*> path;  // leaf first, trust anchor last; empty: none
    VerifyResult failure;                        // when no path: the most informative failure
};

// peer: the certificates the peer sent, leaf first, without duplicates.
PathSearchResult find_path(const std::vector<CertificatePtr>& peer, const TrustStore::Impl& trust,
                           const CheckContext& context, const PathBuildingLimits& limits = {});

}  // namespace tls12::x509::detail
