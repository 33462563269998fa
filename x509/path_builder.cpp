#include <tls12/x509/path_builder.hpp>

#include <algorithm>
#include <map>

namespace tls12::x509::detail {
namespace {

// How telling a failure is, most telling first. A problem with a certificate that provably
// issued the one below it (its signature verified) or with a complete path beats a signature
// that did not verify (perhaps an unrelated certificate with the same name), which beats
// running out of issuers.
enum Rank { kProblem = 0, kBadSignature = 1, kDeadEnd = 2 };

class PathSearch {
  public:
    PathSearch(const std::vector<CertificatePtr>& peer, const TrustStore::Impl& trust,
               const CheckContext& context, const PathBuildingLimits& limits)
        : trust_(trust), context_(context), limits_(limits) {
        for (const auto& cert : peer) {
            node_by_der_.emplace(cert->der, nodes_.size());
            nodes_.push_back({cert.get(), trust.ders.count(cert->der) != 0});
        }
        peer_count_ = nodes_.size();
    }

    PathSearchResult run() {
        // A self-signed leaf is its own trust anchor when exactly it is trusted (as OpenSSL).
        leaf_is_anchor_ = nodes_[0].trusted && nodes_[0].cert->cert.is_self_signed();
        std::vector<size_t> path{0};
        if (leaf_is_anchor_ ? complete(path) : extend(path)) return {found_, {}};
        if (leaf_problem_) return failed(*leaf_problem_);
        if (stop_ || !best_) return failed(gave_up());
        return failed(*best_);
    }

  private:
    struct Node {
        const ParsedCertificate* cert;
        bool trusted;  // in the trust store: a path ends here
    };

    static PathSearchResult failed(VerifyResult result) { return {{}, std::move(result)}; }

    // The certificates that may have issued node `child`, trust anchors first: same subject as
    // its issuer, and the same key identifier when both name one (RFC 5280 4.2.1.1).
    std::vector<size_t> issuers_of(size_t child) {
        const auto& cert = nodes_[child].cert->cert;
        const auto& issuer = cert.raw_issuer_dn();
        const auto& key_id = cert.authority_key_id();
        const auto fits = [&](const ParsedCertificate& candidate) {
            const auto& subject_key_id = candidate.cert.subject_key_id();
            return key_id.empty() || subject_key_id.empty() || key_id == subject_key_id;
        };
        std::vector<size_t> trusted, untrusted;
        const auto [first, last] = trust_.by_subject.equal_range(issuer);
        for (auto it = first; it != last; ++it) {
            const auto& anchor = trust_.anchors[it->second];
            if (fits(*anchor)) trusted.push_back(anchor_node(*anchor));
        }
        for (size_t i = 0; i < peer_count_; ++i) {
            const ParsedCertificate& candidate = *nodes_[i].cert;
            if (candidate.cert.raw_subject_dn() != issuer || !fits(candidate)) continue;
            (nodes_[i].trusted ? trusted : untrusted).push_back(i);
        }
        std::sort(trusted.begin(), trusted.end());
        trusted.erase(std::unique(trusted.begin(), trusted.end()), trusted.end());
        trusted.insert(trusted.end(), untrusted.begin(), untrusted.end());
        return trusted;
    }

    size_t anchor_node(const ParsedCertificate& anchor) {
        const auto [it, added] = node_by_der_.emplace(anchor.der, nodes_.size());
        if (added) nodes_.push_back({&anchor, true});
        return it->second;
    }

    // Tries every issuer of the last certificate of `path`; true once a whole path validates.
    bool extend(std::vector<size_t>& path) {
        const size_t child = path.back();
        const size_t index = path.size() - 1;
        bool found_issuer = false;
        bool loops = false;
        for (const size_t candidate : issuers_of(child)) {
            if (stop_) return false;
            if (++candidates_ > limits_.max_candidates) {
                stop_ = true;
                return false;
            }
            if (std::find(path.begin(), path.end(), candidate) != path.end()) {
                loops = true;
                continue;
            }
            found_issuer = true;
            if (!acceptable_issuer(child, index, candidate)) continue;
            path.push_back(candidate);
            if (nodes_[candidate].trusted ? complete(path) : extend(path)) return true;
            path.pop_back();
        }
        if (!found_issuer) note(kDeadEnd, dead_end(path, loops));
        return false;
    }

    // Whether `candidate` issued node `child` (at `index`) and may have: its key, the
    // signature, then what the candidate must satisfy in its place.
    bool acceptable_issuer(size_t child, size_t index, size_t candidate) {
        const ParsedCertificate& issuer = *nodes_[candidate].cert;
        if (auto bad = check_key_of(candidate, index + 1)) return note(kProblem, *bad);
        const auto status = signature_status(child, candidate);
        if (!status) return false;  // budget spent
        if (auto bad = signature_failure(*nodes_[child].cert, index, issuer, *status)) {
            return note(kBadSignature, *bad);
        }
        const bool anchor = nodes_[candidate].trusted;
        if (auto bad = check_certificate(issuer, index + 1, anchor, context_)) {
            return note(kProblem, *bad);
        }
        if (auto bad = check_issuer(issuer, index + 1, *nodes_[child].cert, context_)) {
            return note(kProblem, *bad);
        }
        return true;
    }

    // A path from the leaf to a trust anchor: the leaf's own checks (left until a path exists,
    // so that no trust at all is what gets reported for an untrusted leaf, as OpenSSL does; a
    // failure there ends the search, no other path can mend it), then what needs the whole path.
    bool complete(const std::vector<size_t>& path) {
        if (!leaf_checked_) {
            leaf_checked_ = true;
            leaf_problem_ = check_leaf();
        }
        if (leaf_problem_) {
            stop_ = true;
            return false;
        }
        std::vector<const ParsedCertificate*> certs;
        certs.reserve(path.size());
        for (const size_t node : path) certs.push_back(nodes_[node].cert);
        if (auto bad = check_path(certs)) return note(kProblem, *bad);
        found_ = std::move(certs);
        return true;
    }

    std::optional<VerifyResult> check_leaf() {
        const ParsedCertificate& leaf = *nodes_[0].cert;
        if (auto bad = check_certificate(leaf, 0, leaf_is_anchor_, context_)) return bad;
        if (auto bad = check_key_of(0, 0)) return bad;
        return check_end_entity(leaf, context_);
    }

    std::optional<VerifyResult> check_key_of(size_t node, size_t index) {
        return check_key(*nodes_[node].cert, index, context_.options);
    }

    // Cached per (certificate, issuer key): a cross-signed set repeats the same questions.
    std::optional<Botan::Certificate_Status_Code> signature_status(size_t child, size_t issuer) {
        const auto key = std::make_pair(child, nodes_[issuer].cert->cert.subject_public_key_info());
        const auto cached = signatures_.find(key);
        if (cached != signatures_.end()) return cached->second;
        if (signature_checks_ == limits_.max_signature_checks) {
            stop_ = true;
            return std::nullopt;
        }
        ++signature_checks_;
        const auto status = detail::signature_status(*nodes_[child].cert, *nodes_[issuer].cert);
        signatures_.emplace(key, status);
        return status;
    }

    // Keeps the most telling failure: the first of the best rank, or for dead ends the one
    // furthest from the leaf. Returns false, for "not this way".
    bool note(Rank rank, VerifyResult result) {
        const bool deeper = rank == kDeadEnd && best_rank_ == kDeadEnd &&
                            result.certificate_index > best_->certificate_index;
        if (!best_ || rank < best_rank_ || deeper) {
            best_ = std::move(result);
            best_rank_ = rank;
        }
        return false;
    }

    VerifyResult dead_end(const std::vector<size_t>& path, bool loops) const {
        const size_t index = path.size() - 1;
        const auto& cert = nodes_[path.back()].cert->cert;
        const std::string who = certificate_label(index, cert);
        if (cert.is_self_signed()) {
            if (index == 0) {
                return failure(VerifyCode::self_signed, 0,
                               who + " is self-signed and not in the trust store");
            }
            return failure(VerifyCode::unknown_ca, index,
                           who + " is a root that is not in the trust store");
        }
        const std::string issuer = dn_to_string(cert.issuer_dn());
        if (loops) {
            return failure(VerifyCode::unknown_ca, index,
                           who + " was issued by " + issuer +
                               ", found only among the certificates already in the path (they "
                               "issue each other in a loop); no path to a trusted root");
        }
        return failure(VerifyCode::unknown_ca, index,
                       who + " was issued by " + issuer +
                           ", which is neither in the chain nor in the trust store (unknown CA "
                           "or missing intermediate)");
    }

    VerifyResult gave_up() const {
        std::string reason = certificate_label(0, nodes_[0].cert->cert) +
                             ": no path to a trusted root found within the path-building limit (" +
                             std::to_string(limits_.max_signature_checks) + " signature checks, " +
                             std::to_string(limits_.max_candidates) + " issuer candidates)";
        if (best_) reason += "; first problem seen: " + best_->reason;
        return failure(VerifyCode::unknown_ca, 0, std::move(reason));
    }

    const TrustStore::Impl& trust_;
    const CheckContext& context_;
    const PathBuildingLimits& limits_;
    std::vector<Node> nodes_;  // the peer's certificates, then trust anchors as they come up
    size_t peer_count_ = 0;
    std::map<crypto::Bytes, size_t> node_by_der_;
    std::map<std::pair<size_t, std::vector<uint8_t>>, Botan::Certificate_Status_Code> signatures_;
    size_t signature_checks_ = 0;
    size_t candidates_ = 0;
    bool stop_ = false;  // budget spent, or the leaf failed: no path can succeed
    bool leaf_is_anchor_ = false;
    bool leaf_checked_ = false;
    std::optional<VerifyResult> leaf_problem_;
    std::optional<VerifyResult> best_;
    Rank best_rank_ = kDeadEnd;
    std::vector<const ParsedCertificate*> found_;
};

}  // namespace

PathSearchResult find_path(const std::vector<CertificatePtr>& peer, const TrustStore::Impl& trust,
                           const CheckContext& context, const PathBuildingLimits& limits) {
    return PathSearch(peer, trust, context, limits).run();
}

}  // namespace tls12::x509::detail
