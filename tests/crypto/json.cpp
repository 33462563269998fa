// Recursive-descent JSON reader; every read is bounds-checked against the remaining text.
#include "json.h"

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace test_json {
namespace {

class Parser {
  public:
    explicit Parser(std::string_view text) : text_(text) {}

    Value document() {
        Value v = value(0);
        skip_space();
        if (pos_ != text_.size()) fail("trailing text after the JSON value");
        return v;
    }

  private:
    static constexpr int kMaxDepth = 64;

    [[noreturn]] void fail(const std::string& what) const {
        throw std::runtime_error("JSON: " + what + " at offset " + std::to_string(pos_));
    }
    void skip_space() {
        while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                       text_[pos_] == '\n' || text_[pos_] == '\r'))
            ++pos_;
    }
    char peek() {
        skip_space();
        if (pos_ >= text_.size()) fail("unexpected end of text");
        return text_[pos_];
    }
    void expect(char c) {
        if (peek() != c) fail(std::string("expected '") + c + "'");
        ++pos_;
    }
    bool literal(std::string_view word) {
        if (text_.substr(pos_, word.size()) != word) return false;
        pos_ += word.size();
        return true;
    }

    Value value(int depth) {
        if (depth > kMaxDepth) fail("nesting too deep");
        const char c = peek();
        if (c == '{') return object(depth);
        if (c == '[') return array(depth);
        if (c == '"') return Value(string());
        if (literal("true")) return Value(true);
        if (literal("false")) return Value(false);
        if (literal("null")) return Value();
        return Value(number());
    }

    Value object(int depth) {
        expect('{');
        Object members;
        if (peek() == '}') {
            ++pos_;
            return Value(std::move(members));
        }
        while (true) {
            if (peek() != '"') fail("expected a member name");
            std::string key = string();
            expect(':');
            members.emplace_back(std::move(key), value(depth + 1));
            if (peek() == ',') {
                ++pos_;
                continue;
            }
            expect('}');
            return Value(std::move(members));
        }
    }

    Value array(int depth) {
        expect('[');
        Array items;
        if (peek() == ']') {
            ++pos_;
            return Value(std::move(items));
        }
        while (true) {
            items.push_back(value(depth + 1));
            if (peek() == ',') {
                ++pos_;
                continue;
            }
            expect(']');
            return Value(std::move(items));
        }
    }

    unsigned hex4() {
        if (text_.size() - pos_ < 4) fail("truncated \\u escape");
        unsigned v = 0;
        for (int i = 0; i < 4; ++i) {
            const char h = text_[pos_++];
            v <<= 4;
            if (h >= '0' && h <= '9')
                v |= static_cast<unsigned>(h - '0');
            else if (h >= 'a' && h <= 'f')
                v |= static_cast<unsigned>(h - 'a' + 10);
            else if (h >= 'A' && h <= 'F')
                v |= static_cast<unsigned>(h - 'A' + 10);
            else
                fail("bad hex digit in \\u escape");
        }
        return v;
    }

    static void append_utf8(std::string& out, unsigned cp) {
        if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (cp < 0x800) {
            out += static_cast<char>(0xc0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3f));
        } else if (cp < 0x10000) {
            out += static_cast<char>(0xe0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
            out += static_cast<char>(0x80 | (cp & 0x3f));
        } else {
            out += static_cast<char>(0xf0 | (cp >> 18));
            out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
            out += static_cast<char>(0x80 | (cp & 0x3f));
        }
    }

    std::string string() {
        expect('"');
        std::string out;
        while (true) {
            if (pos_ >= text_.size()) fail("unterminated string");
            const char c = text_[pos_++];
            if (c == '"') return out;
            if (static_cast<unsigned char>(c) < 0x20) fail("control character in a string");
            if (c != '\\') {
                out += c;
                continue;
            }
            if (pos_ >= text_.size()) fail("unterminated escape");
            const char e = text_[pos_++];
            switch (e) {
                case '"':
                case '\\':
                case '/':
                    out += e;
                    break;
                case 'b':
                    out += '\b';
                    break;
                case 'f':
                    out += '\f';
                    break;
                case 'n':
                    out += '\n';
                    break;
                case 'r':
                    out += '\r';
                    break;
                case 't':
                    out += '\t';
                    break;
                case 'u': {
                    unsigned cp = hex4();
                    if (cp >= 0xd800 && cp < 0xdc00) {  // a surrogate pair
                        if (!literal("\\u")) fail("lone high surrogate");
                        const unsigned low = hex4();
                        if (low < 0xdc00 || low >= 0xe000) fail("bad low surrogate");
                        cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
                    } else if (cp >= 0xdc00 && cp < 0xe000) {
                        fail("lone low surrogate");
                    }
                    append_utf8(out, cp);
                    break;
                }
                default:
                    fail("unknown escape");
            }
        }
    }

    double number() {
        const size_t start = pos_;
        auto digits = [&] {
            const size_t from = pos_;
            while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
            return pos_ - from;
        };
        if (pos_ < text_.size() && text_[pos_] == '-') ++pos_;
        const size_t int_start = pos_;
        if (digits() == 0) fail("expected a value");
        if (pos_ - int_start > 1 && text_[int_start] == '0') fail("leading zero in a number");
        if (pos_ < text_.size() && text_[pos_] == '.') {
            ++pos_;
            if (digits() == 0) fail("expected digits after '.'");
        }
        if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
            ++pos_;
            if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
            if (digits() == 0) fail("expected digits in the exponent");
        }
        const std::string token(text_.substr(start, pos_ - start));
        return std::strtod(token.c_str(), nullptr);
    }

    std::string_view text_;
    size_t pos_ = 0;
};

[[noreturn]] void wrong_kind(const char* wanted) {
    throw std::runtime_error(std::string("JSON: value is not ") + wanted);
}

}  // namespace

bool Value::as_bool() const {
    if (const auto* b = std::get_if<bool>(&data_)) return *b;
    wrong_kind("a boolean");
}

double Value::as_number() const {
    if (const auto* d = std::get_if<double>(&data_)) return *d;
    wrong_kind("a number");
}

int64_t Value::as_int() const {
    const double d = as_number();
    if (std::trunc(d) != d || std::fabs(d) > 9007199254740992.0) wrong_kind("a whole number");
    return static_cast<int64_t>(d);
}

const std::string& Value::as_string() const {
    if (const auto* s = std::get_if<std::string>(&data_)) return *s;
    wrong_kind("a string");
}

const Array& Value::as_array() const {
    if (const auto* a = std::get_if<Array>(&data_)) return *a;
    wrong_kind("an array");
}

const Object& Value::as_object() const {
    if (const auto* o = std::get_if<Object>(&data_)) return *o;
    wrong_kind("an object");
}

const Value* Value::find(std::string_view key) const {
    for (const auto& [name, value] : as_object())
        if (name == key) return &value;
    return nullptr;
}

const Value& Value::at(std::string_view key) const {
    if (const Value* v = find(key)) return *v;
    throw std::runtime_error("JSON: no member \"" + std::string(key) + "\"");
}

Value parse(std::string_view text) {
    return Parser(text).document();
}

Value parse_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot open " + path);
    std::ostringstream contents;
    contents << in.rdbuf();
    return parse(contents.str());
}

}  // namespace test_json
