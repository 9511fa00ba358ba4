// The values that rule expressions compute with.
//
// A Value is a small tagged view (24 bytes, trivially copyable). It never owns memory: strings,
// lists and skill maps point into storage owned by a bound Record (dsl/base/record.h), by the
// Program's constant pool (dsl/compile/program.h) or by the caller's ScratchBuffer
// (dsl/eval/eval.h). That is what keeps evaluation free of allocations; the price is that a Value
// must not outlive its owner.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace leadrouter::dsl {

enum class ValueKind : uint8_t {
  kNull,
  kBool,
  kNumber,     // a double
  kString,     // bytes, compared byte-wise
  kList,       // a list of values (in practice strings: tags, channels, list constants)
  kDuration,   // whole seconds
  kTimestamp,  // whole seconds since the Unix epoch, UTC
  kSkills,     // a rep's skills: name -> level
};

// One entry of a rep's skill map.
struct SkillLevel {
  std::string_view name;
  double level = 0;
};

class Value {
 public:
  // Null.
  constexpr Value() : kind_(ValueKind::kNull), number_(0) {}

  static constexpr Value Null() { return Value(); }
  static constexpr Value Bool(bool b) {
    Value v(ValueKind::kBool);
    v.boolean_ = b;
    return v;
  }
  static constexpr Value Number(double d) {
    Value v(ValueKind::kNumber);
    v.number_ = d;
    return v;
  }
  static constexpr Value String(std::string_view s) {
    Value v(ValueKind::kString);
    v.string_ = s;
    return v;
  }
  static constexpr Value List(std::span<const Value> items) {
    Value v(ValueKind::kList);
    v.list_ = items;
    return v;
  }
  static constexpr Value Duration(int64_t seconds) {
    Value v(ValueKind::kDuration);
    v.integer_ = seconds;
    return v;
  }
  static constexpr Value Timestamp(int64_t seconds_since_epoch) {
    Value v(ValueKind::kTimestamp);
    v.integer_ = seconds_since_epoch;
    return v;
  }
  static constexpr Value Skills(std::span<const SkillLevel> skills) {
    Value v(ValueKind::kSkills);
    v.skills_ = skills;
    return v;
  }

  constexpr ValueKind kind() const { return kind_; }
  constexpr bool is_null() const { return kind_ == ValueKind::kNull; }
  constexpr bool is_bool() const { return kind_ == ValueKind::kBool; }
  constexpr bool is_number() const { return kind_ == ValueKind::kNumber; }
  constexpr bool is_string() const { return kind_ == ValueKind::kString; }
  constexpr bool is_list() const { return kind_ == ValueKind::kList; }
  constexpr bool is_duration() const { return kind_ == ValueKind::kDuration; }
  constexpr bool is_timestamp() const { return kind_ == ValueKind::kTimestamp; }
  constexpr bool is_skills() const { return kind_ == ValueKind::kSkills; }

  // Accessors: only meaningful for the matching kind; each returns a neutral value otherwise, so a
  // caller that forgot to check cannot read garbage.
  constexpr bool bool_value() const { return kind_ == ValueKind::kBool && boolean_; }
  constexpr double number_value() const { return kind_ == ValueKind::kNumber ? number_ : 0; }
  constexpr std::string_view string_value() const {
    return kind_ == ValueKind::kString ? string_ : std::string_view();
  }
  constexpr std::span<const Value> list_value() const {
    return kind_ == ValueKind::kList ? list_ : std::span<const Value>();
  }
  // Seconds, for durations and timestamps.
  constexpr int64_t seconds_value() const {
    return (kind_ == ValueKind::kDuration || kind_ == ValueKind::kTimestamp) ? integer_ : 0;
  }
  constexpr std::span<const SkillLevel> skills_value() const {
    return kind_ == ValueKind::kSkills ? skills_ : std::span<const SkillLevel>();
  }

  // True only for the boolean `true`: how a condition's result is read (null, non-bool -> false).
  constexpr bool IsTrue() const { return kind_ == ValueKind::kBool && boolean_; }

 private:
  explicit constexpr Value(ValueKind kind) : kind_(kind), number_(0) {}

  ValueKind kind_;
  union {
    bool boolean_;
    double number_;
    int64_t integer_;
    std::string_view string_;
    std::span<const Value> list_;
    std::span<const SkillLevel> skills_;
  };
};

// Structural equality as the language defines `==` for two non-null values of the same kind:
// numbers by value, strings byte-wise, lists element-wise, durations and timestamps by seconds.
// Values of different kinds are not equal; null equals nothing (not even null).
bool Equal(const Value& a, const Value& b);

// The canonical text of a value, as the Program dump and explanations print it: `80`, `"tech"`
// (as lexical::QuoteString writes it), `["a", "b"]`, `4h`, `@1700000000`, `null`. Allocates; not
// for the hot path.
std::string FormatValue(const Value& value);

// The shortest text that reads back as the same double, as the language writes numbers: fixed
// notation for decimal exponents from -4 to 15 (`80`, `0.5`, `0.0001`, `1000000000000000`), else
// exponent notation with at least two exponent digits (`1e+16`, `1.5e-05`); `nan`, `inf`, `-inf`.
// (The layout fmt's `{}` gives, which these texts had before.)
std::string FormatNumber(double number);

// `4h`, `90m`, `7d`, `45s`: the duration in the largest unit that divides it exactly.
std::string FormatDuration(int64_t seconds);

}  // namespace leadrouter::dsl
