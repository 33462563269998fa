// TicketKeys from a key file rotated by an outside process (the way nginx's
// ssl_session_ticket_key and HAProxy's tls-ticket-keys share keys across a fleet). Besides
// config_files.cpp, the one place tls/ reads files: at configuration time and when the server
// calls reload(), never inside a handshake.
#include <sys/stat.h>

#include <array>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <tls12/tls/session.h>

namespace tls12 {

// What the file looked like when it was last read.
struct TicketKeys::FileState {
    std::string path;
    std::mutex mutex;  // one reload at a time
    dev_t device = 0;
    ino_t inode = 0;
    off_t size = -1;
    timespec modified{};
};

namespace {

// RFC 4648 4 base64, with or without padding; nullopt for any other character.
std::optional<crypto::SecretBytes> decode_base64(std::string_view text) {
    static constexpr std::string_view kAlphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    while (!text.empty() && text.back() == '=') text.remove_suffix(1);
    if (text.size() % 4 == 1) return std::nullopt;
    crypto::SecretBytes out(text.size() * 3 / 4);
    uint32_t bits = 0;
    int have = 0;
    size_t n = 0;
    for (const char c : text) {
        const size_t value = kAlphabet.find(c);
        if (value == std::string_view::npos) return std::nullopt;
        bits = (bits << 6) | static_cast<uint32_t>(value);
        have += 6;
        if (have >= 8) {
            have -= 8;
            out[n++] = static_cast<uint8_t>(bits >> have);
        }
    }
    return out;
}

std::string_view trim(std::string_view line) {
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r'))
        line.remove_suffix(1);
    return line;
}

}  // namespace

std::vector<crypto::SecretBytes> TicketKeys::parse_key_file(std::string_view text) {
    std::vector<crypto::SecretBytes> keys;
    size_t line_number = 0;
    while (!text.empty()) {
        const size_t end = text.find('\n');
        const std::string_view line = trim(text.substr(0, end));
        text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
        ++line_number;
        if (line.empty() || line.front() == '#') continue;
        auto key = decode_base64(line);
        if (!key)
            throw std::runtime_error("line " + std::to_string(line_number) +
                                     " is not base64 (expected one key per line, as "
                                     "`openssl rand -base64 48` prints it)");
        if (key->size() != kKeyFileKeySize)
            throw std::runtime_error("line " + std::to_string(line_number) + " holds " +
                                     std::to_string(key->size()) + " bytes instead of " +
                                     std::to_string(kKeyFileKeySize) +
                                     " (a 16-byte key name and a 32-byte AES-256 key)");
        keys.push_back(std::move(*key));
    }
    if (keys.empty()) throw std::runtime_error("no key in the file");
    return keys;
}

namespace {

// Reads the file and its identity; throws std::runtime_error naming the file.
std::vector<crypto::SecretBytes> read_key_file(const std::string& path, struct stat& info) {
    std::ifstream in(path, std::ios::binary);
    if (!in || ::stat(path.c_str(), &info) != 0)
        throw std::runtime_error("cannot read ticket key file " + path);
    std::ostringstream text;
    text << in.rdbuf();
    std::string contents = text.str();
    try {
        auto keys = TicketKeys::parse_key_file(contents);
        crypto::secure_wipe(contents.data(), contents.size());
        return keys;
    } catch (const std::runtime_error& e) {
        crypto::secure_wipe(contents.data(), contents.size());
        throw std::runtime_error("ticket key file " + path + ": " + e.what());
    }
}

}  // namespace

std::shared_ptr<TicketKeys> TicketKeys::from_file(const std::string& path,
                                                  std::shared_ptr<crypto::Random> random) {
    auto keys = std::make_shared<TicketKeys>(std::move(random));
    keys->file_ = std::make_shared<FileState>();
    keys->file_->path = path;
    struct stat info {};
    keys->set_keys(read_key_file(path, info));
    keys->file_->device = info.st_dev;
    keys->file_->inode = info.st_ino;
    keys->file_->size = info.st_size;
    keys->file_->modified = info.st_mtim;
    return keys;
}

bool TicketKeys::reload(std::string* error) {
    if (!file_) return true;
    std::lock_guard lock(file_->mutex);
    struct stat now {};
    if (::stat(file_->path.c_str(), &now) == 0 && file_->device == now.st_dev &&
        file_->inode == now.st_ino && file_->size == now.st_size &&
        file_->modified.tv_sec == now.st_mtim.tv_sec &&
        file_->modified.tv_nsec == now.st_mtim.tv_nsec)
        return true;
    try {
        struct stat info {};
        set_keys(read_key_file(file_->path, info));
        file_->device = info.st_dev;
        file_->inode = info.st_ino;
        file_->size = info.st_size;
        file_->modified = info.st_mtim;
        return true;
    } catch (const std::exception& e) {
        // Remembered as read: the same broken file is reported once, not at every reload().
        file_->device = now.st_dev;
        file_->inode = now.st_ino;
        file_->size = now.st_size;
        file_->modified = now.st_mtim;
        if (error != nullptr) *error = e.what();
        return false;
    }
}

}  // namespace tls12
