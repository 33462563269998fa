#include <tls12/tls/handshake/handshake12.h>

namespace tls12 {

crypto::SecretBytes compute_master_secret(HandshakeContext& c, const Hellos12& hellos,
                                          ByteView premaster) {
    const SuiteInfo& suite = *hellos.suite;
    crypto::SecretBytes master =
        c.negotiated().extended_master_secret
            ? derive_extended_master_secret(suite, premaster,
                                            hellos.transcript.hash(suite.prf_hash))
            : derive_master_secret(suite, premaster, hellos.client_random, hellos.server_random);
    c.log_master_secret(hellos.client_random, master);
    return master;
}

std::unique_ptr<RecordProtection> protection(HandshakeContext& c, const Hellos12& hellos,
                                             const Secrets12& secrets, bool from_client,
                                             bool for_sealing) {
    return make_protection(*hellos.suite,
                           from_client ? secrets.keys.client() : secrets.keys.server(), for_sealing,
                           c.negotiated().encrypt_then_mac, c.random());
}

Status send_finished(HandshakeContext& c, Hellos12& hellos, const Secrets12& secrets,
                     bool from_client) {
    const auto verify_data = compute_verify_data(*hellos.suite, secrets.master_secret, from_client,
                                                 hellos.transcript.hash(hellos.suite->prf_hash));
    TLS_TRY(c.emit(hellos.transcript, Finished{Bytes(verify_data.begin(), verify_data.end())}));
    return c.flush();
}

Status check_finished(Hellos12& hellos, const Secrets12& secrets, bool from_client,
                      const Finished& finished, ByteView encoded) {
    const auto expected = compute_verify_data(*hellos.suite, secrets.master_secret, from_client,
                                              hellos.transcript.hash(hellos.suite->prf_hash));
    // RFC 5246 7.4.9, compared in constant time.
    if (!crypto::constant_time_equal(expected, finished.verify_data))
        return make_error(AlertDescription::decrypt_error, "peer's Finished verify_data is wrong");
    hellos.transcript.add(encoded);
    return {};
}

}  // namespace tls12
