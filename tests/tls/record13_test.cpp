// TLS 1.3 record protection (tls/record/protection13.h) and the record layer under it, against
// RFC 8448 section 3's protected records byte for byte, and the RFC 8446 5.1-5.4 rules: inner
// content type, padding, per-record nonce, length limits, what may come unprotected.
#include <gtest/gtest.h>

#include <vector>

#include <tls12/crypto/aead.h>
#include <tls12/tls/handshake/key_schedule13.h>
#include <tls12/tls/record/record_layer.h>
#include "support/rfc8448_fixture.h"

using namespace tls12;
using tls12_test::Rfc8448Fixture;

namespace {

const SuiteInfo& aes128() {
    return *find_suite(CipherSuite::TLS_AES_128_GCM_SHA256);
}

Bytes concat(std::initializer_list<Bytes> parts) {
    Bytes out;
    for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

Bytes to_bytes(ByteView view) {
    return Bytes(view.begin(), view.end());
}

std::unique_ptr<Tls13Protection> protection(const Rfc8448Fixture& rfc, const char* secret,
                                            bool for_sealing) {
    return make_protection13(aes128(), traffic_keys(aes128(), rfc[secret]), for_sealing);
}

// The records of one feed, each opened with open() (as the engine does outside the steady state).
std::vector<Result<OpenedRecord>> open_all(RecordLayer& layer, ByteView bytes,
                                           std::vector<Bytes>* fragments = nullptr) {
    std::vector<Result<OpenedRecord>> out;
    auto input = layer.read(bytes);
    while (const SealedRecord* record = input.next()) {
        out.push_back(layer.open(*record));
        if (fragments && out.back()) fragments->push_back(to_bytes(out.back()->fragment));
    }
    EXPECT_FALSE(input.error()) << input.error()->message();
    return out;
}

// One record, opened; the error when it does not open.
Result<OpenedRecord> open_one(RecordLayer& layer, ByteView bytes, Bytes& fragment) {
    std::vector<Bytes> fragments;
    auto opened = open_all(layer, bytes, &fragments);
    if (opened.size() != 1) return make_error(AlertDescription::internal_error, "not one record");
    if (opened[0]) fragment = fragments[0];
    return std::move(opened[0]);
}

// An application_data record sealed by hand (the way a peer that pads would): inner =
// content || type || padding zeros, under the RFC 8448 server handshake keys, as record `seq`.
Bytes hand_sealed(const Rfc8448Fixture& rfc, ByteView inner, uint64_t seq = 0) {
    const TrafficKeys13 keys = traffic_keys(aes128(), rfc["server_handshake_traffic_secret"]);
    crypto::Aead aead(crypto::AeadAlgorithm::aes128_gcm, keys.key.view());
    Bytes nonce(keys.iv.view().begin(), keys.iv.view().end());
    for (int i = 0; i < 8; ++i) nonce[11 - i] ^= static_cast<uint8_t>(seq >> (8 * i));
    const size_t length = inner.size() + crypto::aead_tag_size;
    Bytes record = {23, 3, 3, static_cast<uint8_t>(length >> 8), static_cast<uint8_t>(length)};
    Bytes body(inner.begin(), inner.end());
    Bytes tag(crypto::aead_tag_size);
    aead.seal(nonce, ByteView(record), body, tag);
    record.insert(record.end(), body.begin(), body.end());
    record.insert(record.end(), tag.begin(), tag.end());
    return record;
}

class Record13Rfc8448 : public testing::Test {
  protected:
    Rfc8448Fixture rfc{"simple_1rtt.txt"};
    Bytes server_flight() const {
        return concat({rfc["encrypted_extensions"], rfc["certificate"], rfc["certificate_verify"],
                       rfc["server_finished_message"]});
    }
};

TEST_F(Record13Rfc8448, ServerFlightDecryptsToTheHandshakeMessages) {
    RecordLayer layer;
    layer.set_read_protection(protection(rfc, "server_handshake_traffic_secret", false));
    EXPECT_TRUE(layer.read_tls13());
    Bytes fragment;
    auto opened = open_one(layer, rfc["server_flight_record"], fragment);
    ASSERT_TRUE(opened) << opened.error().message();
    EXPECT_EQ(opened->type, ContentType::handshake);  // the inner type
    EXPECT_EQ(fragment, server_flight());
    EXPECT_EQ(fragment.size(), 657u);
    EXPECT_EQ(layer.records_read(), 1u);
}

TEST_F(Record13Rfc8448, ServerFlightReEncryptsByteForByte) {
    RecordLayer layer;
    layer.set_write_protection(protection(rfc, "server_handshake_traffic_secret", true));
    EXPECT_TRUE(layer.write_tls13());
    ASSERT_TRUE(layer.write(ContentType::handshake, server_flight()));
    EXPECT_EQ(to_bytes(layer.pending_output()), rfc["server_flight_record"]);
    EXPECT_EQ(layer.records_written(), 1u);
}

TEST_F(Record13Rfc8448, ServerApplicationEpochRecords) {
    // Under the server application keys: the NewSessionTicket (seq 0), 50 bytes of data (seq 1)
    // and close_notify (seq 2), all in application_data records.
    const Bytes wire = concat({rfc["new_session_ticket_record"],
                               rfc["server_application_data_record"], rfc["server_alert_record"]});
    RecordLayer writer;
    writer.set_write_protection(protection(rfc, "server_application_traffic_secret", true));
    ASSERT_TRUE(writer.write(ContentType::handshake, rfc["new_session_ticket"]));
    ASSERT_TRUE(writer.write(ContentType::application_data, rfc["application_data"]));
    ASSERT_TRUE(writer.write(ContentType::alert, Bytes{1, 0}));
    EXPECT_EQ(to_bytes(writer.pending_output()), wire);
    EXPECT_EQ(writer.records_written(), 3u);

    RecordLayer reader;
    reader.set_read_protection(protection(rfc, "server_application_traffic_secret", false));
    std::vector<Bytes> fragments;
    auto opened = open_all(reader, wire, &fragments);
    ASSERT_EQ(opened.size(), 3u);
    for (auto& o : opened) ASSERT_TRUE(o) << o.error().message();
    EXPECT_EQ(opened[0]->type, ContentType::handshake);
    EXPECT_EQ(fragments[0], rfc["new_session_ticket"]);
    EXPECT_EQ(opened[1]->type, ContentType::application_data);
    EXPECT_EQ(fragments[1], rfc["application_data"]);
    EXPECT_EQ(opened[2]->type, ContentType::alert);
    EXPECT_EQ(fragments[2], (Bytes{1, 0}));
    EXPECT_EQ(reader.records_read(), 3u);
}

TEST_F(Record13Rfc8448, ClientRecordsByteForByte) {
    RecordLayer layer;
    layer.set_write_protection(protection(rfc, "client_handshake_traffic_secret", true));
    ASSERT_TRUE(layer.write(ContentType::handshake, rfc["client_finished_message"]));
    EXPECT_EQ(to_bytes(layer.pending_output()), rfc["client_finished_record"]);
    layer.consume_output(layer.pending_output().size());
    // A new key: the sequence number starts again at 0.
    layer.set_write_protection(protection(rfc, "client_application_traffic_secret", true));
    EXPECT_EQ(layer.records_written(), 0u);
    ASSERT_TRUE(layer.write(ContentType::application_data, rfc["application_data"]));
    ASSERT_TRUE(layer.write(ContentType::alert, Bytes{1, 0}));
    EXPECT_EQ(to_bytes(layer.pending_output()),
              concat({rfc["client_application_data_record"], rfc["client_alert_record"]}));
}

TEST_F(Record13Rfc8448, OpenIntoKeepsApplicationDataAndHandsBackOtherTypes) {
    // The steady-state path: application data lands in the sink; the ticket and the alert come
    // back through the scratch buffer, the sink untouched.
    const Bytes wire = concat({rfc["new_session_ticket_record"],
                               rfc["server_application_data_record"], rfc["server_alert_record"]});
    RecordLayer layer;
    layer.set_read_protection(protection(rfc, "server_application_traffic_secret", false));
    ByteQueue sink;
    sink.append(Bytes{0xaa, 0xbb});  // data received before
    std::vector<ContentType> types;
    std::vector<Bytes> fragments;
    auto input = layer.read(wire);
    while (const SealedRecord* record = input.next()) {
        auto opened = layer.open_into(*record, sink);
        ASSERT_TRUE(opened) << opened.error().message();
        types.push_back(opened->type);
        fragments.push_back(to_bytes(opened->fragment));
        if (opened->type != ContentType::application_data) {
            EXPECT_FALSE(opened->fragment.data() >= sink.data().data() &&
                         opened->fragment.data() < sink.data().data() + sink.data().size());
        }
    }
    EXPECT_EQ(types, (std::vector<ContentType>{ContentType::handshake,
                                               ContentType::application_data, ContentType::alert}));
    EXPECT_EQ(fragments[0], rfc["new_session_ticket"]);
    EXPECT_EQ(fragments[1], rfc["application_data"]);
    EXPECT_EQ(fragments[2], (Bytes{1, 0}));
    EXPECT_EQ(to_bytes(sink.data()), concat({Bytes{0xaa, 0xbb}, rfc["application_data"]}));
}

TEST_F(Record13Rfc8448, PaddingIsRemoved) {
    // RFC 8446 5.4: the zeros after the type are padding.
    const Bytes content = {1, 2, 0, 0, 3};  // zeros inside the content stay
    Bytes inner = content;
    inner.push_back(static_cast<uint8_t>(ContentType::application_data));
    inner.resize(inner.size() + 300, 0);
    RecordLayer layer;
    layer.set_read_protection(protection(rfc, "server_handshake_traffic_secret", false));
    Bytes fragment;
    auto opened = open_one(layer, hand_sealed(rfc, inner), fragment);
    ASSERT_TRUE(opened) << opened.error().message();
    EXPECT_EQ(opened->type, ContentType::application_data);
    EXPECT_EQ(fragment, content);
    // The same through open_into().
    RecordLayer layer2;
    layer2.set_read_protection(protection(rfc, "server_handshake_traffic_secret", false));
    ByteQueue sink;
    const Bytes wire = hand_sealed(rfc, inner);
    auto input = layer2.read(wire);
    const SealedRecord* record = input.next();
    ASSERT_TRUE(record);
    auto into = layer2.open_into(*record, sink);
    ASSERT_TRUE(into);
    EXPECT_EQ(to_bytes(sink.data()), content);
}

TEST_F(Record13Rfc8448, AllZeroInnerPlaintextIsUnexpectedMessage) {
    for (size_t zeros : {0u, 1u, 40u}) {
        RecordLayer layer;
        layer.set_read_protection(protection(rfc, "server_handshake_traffic_secret", false));
        Bytes fragment;
        auto opened = open_one(layer, hand_sealed(rfc, Bytes(zeros, 0)), fragment);
        ASSERT_FALSE(opened) << zeros;
        EXPECT_EQ(opened.error().alert, AlertDescription::unexpected_message) << zeros;
    }
}

TEST_F(Record13Rfc8448, ProtectedChangeCipherSpecAndUnknownInnerTypesAreRefused) {
    for (uint8_t type : {uint8_t{20}, uint8_t{24}, uint8_t{99}}) {
        RecordLayer layer;
        layer.set_read_protection(protection(rfc, "server_handshake_traffic_secret", false));
        Bytes fragment;
        auto opened = open_one(layer, hand_sealed(rfc, Bytes{1, type}), fragment);
        ASSERT_FALSE(opened) << int(type);
        EXPECT_EQ(opened.error().alert, AlertDescription::unexpected_message) << int(type);
    }
}

TEST_F(Record13Rfc8448, InnerPlaintextLimit) {
    // RFC 8446 5.2: 2^14 + 1 bytes of inner plaintext (content and type) are allowed...
    Bytes inner((1u << 14) + 1, 0x41);
    inner.back() = static_cast<uint8_t>(ContentType::application_data);
    {
        RecordLayer layer;
        layer.set_read_protection(protection(rfc, "server_handshake_traffic_secret", false));
        Bytes fragment;
        auto opened = open_one(layer, hand_sealed(rfc, inner), fragment);
        ASSERT_TRUE(opened) << opened.error().message();
        EXPECT_EQ(fragment.size(), 1u << 14);
    }
    // ...one more, even if it is padding, is record_overflow.
    inner.push_back(0);
    RecordLayer layer;
    layer.set_read_protection(protection(rfc, "server_handshake_traffic_secret", false));
    Bytes fragment;
    auto opened = open_one(layer, hand_sealed(rfc, inner), fragment);
    ASSERT_FALSE(opened);
    EXPECT_EQ(opened.error().alert, AlertDescription::record_overflow);
}

TEST_F(Record13Rfc8448, CiphertextLimitIsCheckedAtTheHeader) {
    // RFC 8446 5.2: an encrypted_record longer than 2^14 + 256 is record_overflow, before any
    // decryption (here the body is not even there yet).
    for (size_t length : {(1u << 14) + 256, (1u << 14) + 257}) {
        RecordLayer layer;
        layer.set_read_protection(protection(rfc, "server_handshake_traffic_secret", false));
        const Bytes header = {23, 3, 3, static_cast<uint8_t>(length >> 8),
                              static_cast<uint8_t>(length)};
        auto input = layer.read(header);
        EXPECT_EQ(input.next(), nullptr);
        if (length == (1u << 14) + 256) {
            EXPECT_FALSE(input.error()) << length;
        } else {
            ASSERT_TRUE(input.error());
            EXPECT_EQ(input.error()->alert, AlertDescription::record_overflow);
        }
    }
}

TEST_F(Record13Rfc8448, OnlyChangeCipherSpecMayComeUnprotected) {
    RecordLayer layer;
    layer.set_read_protection(protection(rfc, "server_handshake_traffic_secret", false));
    Bytes fragment;
    auto ccs = open_one(layer, Bytes{20, 3, 3, 0, 1, 1}, fragment);
    ASSERT_TRUE(ccs) << ccs.error().message();
    EXPECT_EQ(ccs->type, ContentType::change_cipher_spec);
    EXPECT_EQ(fragment, Bytes{1});
    EXPECT_EQ(layer.records_read(), 0u);  // no sequence number used
    // The protected flight still opens as record 0 after it.
    auto flight = open_one(layer, rfc["server_flight_record"], fragment);
    ASSERT_TRUE(flight) << flight.error().message();
    // A plaintext handshake record is refused.
    RecordLayer layer2;
    layer2.set_read_protection(protection(rfc, "server_handshake_traffic_secret", false));
    auto hello = open_one(layer2, concat({Bytes{22, 3, 3, 0, 90}, rfc["server_hello"]}), fragment);
    ASSERT_FALSE(hello);
    EXPECT_EQ(hello.error().alert, AlertDescription::unexpected_message);
}

TEST_F(Record13Rfc8448, ChangeCipherSpecIsWrittenInTheClear) {
    RecordLayer layer;
    layer.set_write_protection(protection(rfc, "client_handshake_traffic_secret", true));
    ASSERT_TRUE(layer.write(ContentType::change_cipher_spec, Bytes{1}));
    EXPECT_EQ(to_bytes(layer.pending_output()), (Bytes{20, 3, 3, 0, 1, 1}));
    EXPECT_EQ(layer.records_written(), 0u);
    layer.consume_output(6);
    // The Finished after it is still record 0 of the key.
    ASSERT_TRUE(layer.write(ContentType::handshake, rfc["client_finished_message"]));
    EXPECT_EQ(to_bytes(layer.pending_output()), rfc["client_finished_record"]);
}

TEST_F(Record13Rfc8448, EveryBitFlipFailsToOpen) {
    const Bytes record = rfc["client_finished_record"];
    for (size_t bit = 0; bit < record.size() * 8; ++bit) {
        Bytes bad = record;
        bad[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
        RecordLayer layer;
        layer.require_tls12_records();  // as the engine does once the version is agreed
        layer.set_read_protection(protection(rfc, "client_handshake_traffic_secret", false));
        auto input = layer.read(bad);
        const SealedRecord* sealed = input.next();
        if (!sealed) continue;  // the header itself was refused, or now claims more bytes
        auto opened = layer.open(*sealed);
        EXPECT_FALSE(opened) << "bit " << bit;
        if (!opened && bit >= 40) {
            // A body bit: the one authentication failure.
            EXPECT_EQ(opened.error().alert, AlertDescription::bad_record_mac) << "bit " << bit;
        }
    }
}

TEST_F(Record13Rfc8448, OutOfOrderRecordDoesNotOpen) {
    // The nonce is the IV xor the sequence number: the server's data record (its record 1)
    // does not open as record 0.
    RecordLayer layer;
    layer.set_read_protection(protection(rfc, "server_application_traffic_secret", false));
    Bytes fragment;
    auto opened = open_one(layer, rfc["server_application_data_record"], fragment);
    ASSERT_FALSE(opened);
    EXPECT_EQ(opened.error().alert, AlertDescription::bad_record_mac);
}

TEST(Record13, LongPlaintextIsSplitIntoRecordsOf16KiB) {
    const SuiteInfo& suite = *find_suite(CipherSuite::TLS_CHACHA20_POLY1305_SHA256);
    const crypto::SecretBytes secret(Bytes(32, 9));
    RecordLayer writer;
    writer.set_write_protection(make_protection13(suite, traffic_keys(suite, secret.view()), true));
    Bytes data((1u << 14) * 2 + 100);
    for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(i * 7);
    ASSERT_TRUE(writer.write(ContentType::application_data, data));
    EXPECT_EQ(writer.records_written(), 3u);

    RecordLayer reader;
    reader.set_read_protection(make_protection13(suite, traffic_keys(suite, secret.view()), false));
    ByteQueue sink;
    auto input = reader.read(writer.pending_output());
    size_t records = 0;
    while (const SealedRecord* record = input.next()) {
        EXPECT_EQ(record->type, ContentType::application_data);
        EXPECT_LE(record->body.size(), (1u << 14) + 1 + crypto::aead_tag_size);
        auto opened = reader.open_into(*record, sink);
        ASSERT_TRUE(opened) << opened.error().message();
        ++records;
    }
    EXPECT_EQ(records, 3u);
    EXPECT_EQ(to_bytes(sink.data()), data);
}

TEST(Record13, KeyUsageLimits) {
    // RFC 8446 5.5: 2^24.5 records for AES-GCM; ChaCha20-Poly1305 is not the limit.
    EXPECT_EQ(max_records_per_key(*find_suite(CipherSuite::TLS_AES_128_GCM_SHA256)), 23'726'566u);
    EXPECT_EQ(max_records_per_key(*find_suite(CipherSuite::TLS_AES_256_GCM_SHA384)), 23'726'566u);
    EXPECT_EQ(max_records_per_key(*find_suite(CipherSuite::TLS_CHACHA20_POLY1305_SHA256)),
              UINT64_MAX);
}

TEST(Record13, ProtectionRefusesATls12Suite) {
    const SuiteInfo& suite = *find_suite(CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256);
    TrafficKeys13 keys{crypto::SecretBytes(Bytes(16, 1)), crypto::SecretBytes(Bytes(12, 2))};
    EXPECT_THROW(make_protection13(suite, keys, true), std::logic_error);
}

TEST(Record13, Tls12ProtectionIsNotTls13) {
    RecordLayer layer;
    EXPECT_FALSE(layer.read_tls13());
    EXPECT_FALSE(layer.write_tls13());
    EXPECT_EQ(layer.records_read(), 0u);
    EXPECT_EQ(layer.records_written(), 0u);
}

}  // namespace
