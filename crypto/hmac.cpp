// HMAC over Crypto++'s HMAC<H>, keyed once; finish() resets to the keyed state. The constant-time
// variant finishes the inner hash on the compression function (Crypto++'s static Transform).
#include <tls12/crypto/hmac.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <stdexcept>
#include <variant>

#include <cryptopp/hmac.h>
#include <cryptopp/sha.h>

namespace tls12::crypto {
namespace {

// Hides a value from the optimiser: what it computes from it cannot be specialised into
// branches, because the compiler no longer knows where the value came from.
inline uint64_t value_barrier(uint64_t x) {
    asm volatile("" : "+r"(x));
    return x;
}
// All ones when a == b, else zero. Arithmetic only; pass secrets through value_barrier() first.
inline uint64_t ct_eq(uint64_t a, uint64_t b) {
    const uint64_t x = a ^ b;
    return 0 - ((~x & (x - 1)) >> 63);
}

template <class W>
W byteswap(W w) {
    static_assert(sizeof(W) == 4 || sizeof(W) == 8);
    if constexpr (sizeof(W) == 4)
        return static_cast<W>(__builtin_bswap32(static_cast<uint32_t>(w)));
    else
        return static_cast<W>(__builtin_bswap64(static_cast<uint64_t>(w)));
}

// Crypto++'s H with its chaining state and partial block readable (protected members meant for
// derived classes), so the public part of a message goes through H's own multi-block update
// (SHA-NI where the CPU has it) and the secret-length tail continues from where it stopped.
template <class H>
struct OpenHash : H {
    const typename H::HashWordType* chaining_state() { return this->StateBuf(); }
    const uint8_t* buffered() { return reinterpret_cast<const uint8_t*>(this->DataBuf()); }
};

// HMAC (RFC 2104) finished on the raw compression function of H. Crypto++'s H::Transform takes the
// chaining state and one block as words in native order (big-endian loads done here).
template <class H>
class RawHmac {
  public:
    using Word = typename H::HashWordType;  // 32-bit (SHA-1, SHA-256) or 64-bit (SHA-384/512)
    static constexpr size_t kBlock = H::BLOCKSIZE;
    static constexpr size_t kDigest = H::DIGESTSIZE;
    static constexpr size_t kLengthField = 2 * sizeof(Word);  // 8 or 16 bytes of bit length
    static constexpr size_t kStateWords = 8;                  // room for every SHA state

    explicit RawHmac(ByteView key) {
        if (key.size() > kBlock) {
            H().CalculateDigest(ipad_, key.data(), key.size());  // RFC 2104: hash long keys
        } else if (!key.empty()) {
            std::memcpy(ipad_, key.data(), key.size());
        }
        alignas(16) uint8_t opad[kBlock];
        for (size_t i = 0; i < kBlock; ++i) {
            opad[i] = ipad_[i] ^ 0x5c;
            ipad_[i] ^= 0x36;
        }
        H::InitState(outer_);
        compress(outer_, opad);
        secure_wipe(opad, sizeof opad);
    }
    ~RawHmac() {
        secure_wipe(ipad_, sizeof ipad_);
        secure_wipe(outer_, sizeof outer_);
    }
    RawHmac(const RawHmac&) = delete;
    RawHmac& operator=(const RawHmac&) = delete;

    void mac(ByteView prefix, ByteView data, size_t min_len, size_t secret_len,
             uint8_t* out) const {
        // Inner hash: the key block and the public part through H itself (its state is wiped
        // when it goes), then the rest from its chaining state and buffered bytes.
        OpenHash<H> h;
        h.Update(ipad_, kBlock);
        h.Update(prefix.data(), prefix.size());
        h.Update(data.data(), min_len);
        const uint64_t hashed = prefix.size() + min_len;
        Stream inner(h.chaining_state(), {h.buffered(), hashed % kBlock}, hashed);
        alignas(16) uint8_t digest[kDigest];
        inner.finish_secret_suffix(data.subspan(min_len), secret_len - min_len, digest);
        // Outer hash over the inner digest: public lengths only.
        Stream outer(outer_, {}, 0);
        outer.update({digest, kDigest});
        outer.finish(out);
        secure_wipe(digest, sizeof digest);
    }

  private:
    static void compress(Word* state, const uint8_t* block) {
        alignas(16) Word words[kBlock / sizeof(Word)];
        std::memcpy(words, block, kBlock);
        if constexpr (std::endian::native == std::endian::little)
            for (auto& w : words) w = byteswap(w);
        H::Transform(state, words);
    }

    static void store(const Word* state, uint8_t* out) {
        for (size_t i = 0; i < kDigest; ++i)
            out[i] = static_cast<uint8_t>(state[i / sizeof(Word)] >>
                                          (8 * (sizeof(Word) - 1 - i % sizeof(Word))));
    }

    // A hash in progress after the key block: chaining state, a partial block, a byte count.
    class Stream {
      public:
        Stream(const Word* state, ByteView buffered, uint64_t hashed)
            : used_(buffered.size()), total_(hashed) {
            std::memcpy(state_, state, sizeof state_);
            if (!buffered.empty()) std::memcpy(block_, buffered.data(), buffered.size());
        }
        ~Stream() {
            secure_wipe(state_, sizeof state_);
            secure_wipe(block_, sizeof block_);
        }

        void update(ByteView bytes) {
            total_ += bytes.size();
            while (!bytes.empty()) {
                const size_t take = std::min(kBlock - used_, bytes.size());
                std::memcpy(block_ + used_, bytes.data(), take);
                used_ += take;
                bytes = bytes.subspan(take);
                if (used_ == kBlock) {
                    compress(state_, block_);
                    used_ = 0;
                }
            }
        }

        // The ordinary padding (public length).
        void finish(uint8_t* out) {
            const uint64_t bits = (kBlock + total_) * 8;
            block_[used_++] = 0x80;
            if (used_ > kBlock - kLengthField) {
                std::memset(block_ + used_, 0, kBlock - used_);
                compress(state_, block_);
                used_ = 0;
            }
            std::memset(block_ + used_, 0, kBlock - used_);
            for (size_t i = 0; i < 8; ++i)
                block_[kBlock - 1 - i] = static_cast<uint8_t>(bits >> (8 * i));
            compress(state_, block_);
            store(state_, out);
        }

        // Hashes tail[0..len) and the padding, where len <= tail.size() may be secret: every block
        // up to the one tail.size() would end in is built and compressed, each byte chosen by masks
        // (data before len, 0x80 at len, zero after, the bit length in the block where len ends),
        // and the state after that block is kept by a masked copy. Only tail.size() and the bytes
        // already buffered decide the loop bounds and the memory touched.
        void finish_secret_suffix(ByteView tail, size_t len, uint8_t* out) {
            const uint64_t max_len = tail.size();
            const uint64_t bits = (kBlock + total_ + len) * 8;
            // Blocks holding the buffered bytes, the data, 0x80 and the length field.
            const uint64_t max_blocks = (used_ + max_len + 1 + kLengthField + kBlock - 1) / kBlock;
            const uint64_t last_block = (used_ + len + 1 + kLengthField + kBlock - 1) / kBlock - 1;
            alignas(16) Word result[kStateWords] = {};
            uint64_t input_index = 0;  // the tail index of this block's first byte after `used_`
            for (uint64_t i = 0; i < max_blocks; ++i) {
                alignas(16) uint8_t block[kBlock];
                const size_t start = i == 0 ? used_ : 0;
                std::memcpy(block, block_, start);
                // The bytes up to tail.size() as they are (a public bound), zeros after them...
                const size_t available =
                    input_index < max_len ? std::min<size_t>(kBlock - start, max_len - input_index)
                                          : 0;
                if (available) std::memcpy(block + start, tail.data() + input_index, available);
                std::memset(block + start + available, 0, kBlock - start - available);
                // ...then masked: kept before len, 0x80 at len, zero after. Record lengths are far
                // below 2^31, so 32-bit masks do (and let the compiler vectorise the loop).
                const auto hidden_len = static_cast<uint32_t>(value_barrier(len));
                const auto first = static_cast<uint32_t>(input_index - start);
                for (size_t j = start; j < kBlock; ++j) {
                    const uint32_t index = first + static_cast<uint32_t>(j);
                    const uint32_t before_len = 0u - ((index - hidden_len) >> 31);
                    const uint32_t x = index ^ hidden_len;
                    const uint32_t at_len = 0u - ((~x & (x - 1)) >> 31);
                    block[j] = static_cast<uint8_t>((block[j] & before_len) | (0x80 & at_len));
                }
                input_index += kBlock - start;
                const uint64_t is_last = value_barrier(ct_eq(i, value_barrier(last_block)));
                for (size_t k = 0; k < 8; ++k)
                    block[kBlock - 1 - k] |= static_cast<uint8_t>((bits >> (8 * k)) & is_last);
                compress(state_, block);
                for (size_t w = 0; w < kStateWords; ++w)
                    result[w] |= state_[w] & static_cast<Word>(is_last);
                secure_wipe(block, sizeof block);
            }
            store(result, out);
            secure_wipe(result, sizeof result);
        }

      private:
        alignas(16) Word state_[kStateWords];
        alignas(16) uint8_t block_[kBlock];
        size_t used_ = 0;
        uint64_t total_ = 0;  // bytes after the key block
    };

    alignas(16) uint8_t ipad_[kBlock] = {};     // key ^ 0x36, the inner hash's first block
    alignas(16) Word outer_[kStateWords] = {};  // state after the opad block
};

}  // namespace

struct Hmac::Impl {
    std::variant<CryptoPP::HMAC<CryptoPP::SHA1>, CryptoPP::HMAC<CryptoPP::SHA256>,
                 CryptoPP::HMAC<CryptoPP::SHA384>, CryptoPP::HMAC<CryptoPP::SHA512>>
        mac;
    // The same key on the raw compression function, for mac_constant_time.
    std::variant<RawHmac<CryptoPP::SHA1>, RawHmac<CryptoPP::SHA256>, RawHmac<CryptoPP::SHA384>,
                 RawHmac<CryptoPP::SHA512>>
        raw;

    Impl(HashAlgorithm algorithm, ByteView key) : raw(make_raw(algorithm, key)) {
        switch (algorithm) {
            case HashAlgorithm::sha1:
                mac.emplace<0>(key.data(), key.size());
                break;
            case HashAlgorithm::sha256:
                mac.emplace<1>(key.data(), key.size());
                break;
            case HashAlgorithm::sha384:
                mac.emplace<2>(key.data(), key.size());
                break;
            case HashAlgorithm::sha512:
                mac.emplace<3>(key.data(), key.size());
                break;
            default:
                throw std::invalid_argument("Hmac: unknown algorithm");
        }
    }

    static decltype(raw) make_raw(HashAlgorithm algorithm, ByteView key) {
        switch (algorithm) {
            case HashAlgorithm::sha1:
                return decltype(raw)(std::in_place_index<0>, key);
            case HashAlgorithm::sha256:
                return decltype(raw)(std::in_place_index<1>, key);
            case HashAlgorithm::sha384:
                return decltype(raw)(std::in_place_index<2>, key);
            case HashAlgorithm::sha512:
                return decltype(raw)(std::in_place_index<3>, key);
            default:
                throw std::invalid_argument("Hmac: unknown algorithm");
        }
    }
};

Hmac::Hmac(HashAlgorithm algorithm, ByteView key)
    : algorithm_(algorithm), impl_(std::make_unique<Impl>(algorithm, key)) {}
Hmac::~Hmac() = default;
Hmac::Hmac(Hmac&&) noexcept = default;
Hmac& Hmac::operator=(Hmac&&) noexcept = default;

void Hmac::update(ByteView data) {
    std::visit([&](auto& m) { m.Update(data.data(), data.size()); }, impl_->mac);
}

void Hmac::finish(MutableByteView out) {
    if (out.size() < size()) throw std::invalid_argument("Hmac::finish: output too small");
    std::visit([&](auto& m) { m.Final(out.data()); }, impl_->mac);
}

void Hmac::mac_constant_time(ByteView prefix, ByteView data, size_t min_len, size_t secret_len,
                             MutableByteView out) {
    if (out.size() < size())
        throw std::invalid_argument("Hmac::mac_constant_time: output too small");
    // Preconditions on public bounds; with a correct caller the comparisons with secret_len always
    // come out the same way, so they reveal nothing.
    if (min_len > data.size() || secret_len < min_len || secret_len > data.size())
        throw std::invalid_argument("Hmac::mac_constant_time: need min_len <= secret_len <= size");
    std::visit([&](const auto& raw) { raw.mac(prefix, data, min_len, secret_len, out.data()); },
               impl_->raw);
}

Bytes hmac(HashAlgorithm algorithm, ByteView key, ByteView data) {
    Hmac m(algorithm, key);
    m.update(data);
    Bytes out(m.size());
    m.finish(out);
    return out;
}

}  // namespace tls12::crypto
