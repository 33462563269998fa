// A small JSON reader for test data files (RFC 8259: objects, arrays, strings with escapes,
// numbers, true/false/null). Strict: trailing commas, comments and trailing text are errors.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace test_json {

class Value;
using Array = std::vector<Value>;
using Object = std::vector<std::pair<std::string, Value>>;  // in file order

class Value {
  public:
    Value() = default;
    explicit Value(bool b) : data_(b) {}
    explicit Value(double d) : data_(d) {}
    explicit Value(std::string s) : data_(std::move(s)) {}
    explicit Value(Array a) : data_(std::move(a)) {}
    explicit Value(Object o) : data_(std::move(o)) {}

    bool is_null() const { return std::holds_alternative<std::monostate>(data_); }
    bool is_string() const { return std::holds_alternative<std::string>(data_); }
    bool is_object() const { return std::holds_alternative<Object>(data_); }

    // Each throws std::runtime_error when the value is of another kind.
    bool as_bool() const;
    double as_number() const;
    int64_t as_int() const;  // a number that is a whole value
    const std::string& as_string() const;
    const Array& as_array() const;
    const Object& as_object() const;

    // Object member access: find() gives nullptr when absent, at() throws.
    const Value* find(std::string_view key) const;
    const Value& at(std::string_view key) const;

  private:
    std::variant<std::monostate, bool, double, std::string, Array, Object> data_;
};

// Throws std::runtime_error naming the byte offset of the first error.
Value parse(std::string_view text);
Value parse_file(const std::string& path);

}  // namespace test_json
