#include "dsl/eval/internal/eval_operators.h"

#include <cmath>
#include <cstring>
#include <string_view>

namespace leadrouter::dsl {
namespace {

using ast::BinaryOp;

template <typename T>
bool Order(BinaryOp op, const T& a, const T& b) {
  switch (op) {
    case BinaryOp::kEqual:
      return a == b;
    case BinaryOp::kNotEqual:
      return a != b;
    case BinaryOp::kLess:
      return a < b;
    case BinaryOp::kLessEqual:
      return a <= b;
    case BinaryOp::kGreater:
      return a > b;
    case BinaryOp::kGreaterEqual:
      return a >= b;
    default:
      return false;
  }
}

// Durations and timestamps are whole seconds; anything that does not fit an int64 becomes null
// instead of undefined behaviour.
constexpr double kMaxSeconds = 9.2e18;

bool FitsSeconds(double seconds) {
  return std::isfinite(seconds) && seconds >= -kMaxSeconds && seconds <= kMaxSeconds;
}

Value NumberArithmetic(BinaryOp op, double a, double b) {
  switch (op) {
    case BinaryOp::kAdd:
      return Value::Number(a + b);
    case BinaryOp::kSubtract:
      return Value::Number(a - b);
    case BinaryOp::kMultiply:
      return Value::Number(a * b);
    case BinaryOp::kDivide:
      return b == 0 ? Value() : Value::Number(a / b);
    case BinaryOp::kModulo:
      return b == 0 ? Value() : Value::Number(std::fmod(a, b));
    default:
      return Value();
  }
}

// seconds (+|-) seconds with overflow checking; `make` builds the result kind.
template <typename Make>
Value AddSeconds(int64_t a, int64_t b, bool subtract, Make make) {
  int64_t out = 0;
  const bool overflow =
      subtract ? __builtin_sub_overflow(a, b, &out) : __builtin_add_overflow(a, b, &out);
  return overflow ? Value() : make(out);
}

Value ScaleDuration(int64_t seconds, double factor, bool divide) {
  if (divide && factor == 0) return Value();
  const double scaled =
      divide ? static_cast<double>(seconds) / factor : static_cast<double>(seconds) * factor;
  const double rounded = std::round(scaled);
  if (!FitsSeconds(rounded)) return Value();
  return Value::Duration(static_cast<int64_t>(rounded));
}

Value DurationArithmetic(BinaryOp op, const Value& lhs, const Value& rhs) {
  const ValueKind l = lhs.kind();
  const ValueKind r = rhs.kind();
  const auto duration = [](int64_t s) { return Value::Duration(s); };
  const auto timestamp = [](int64_t s) { return Value::Timestamp(s); };
  const int64_t a = lhs.seconds_value();
  const int64_t b = rhs.seconds_value();
  switch (op) {
    case BinaryOp::kAdd:
      if (l == ValueKind::kDuration && r == ValueKind::kDuration) {
        return AddSeconds(a, b, false, duration);
      }
      if (l == ValueKind::kTimestamp && r == ValueKind::kDuration) {
        return AddSeconds(a, b, false, timestamp);
      }
      if (l == ValueKind::kDuration && r == ValueKind::kTimestamp) {
        return AddSeconds(a, b, false, timestamp);
      }
      return Value();
    case BinaryOp::kSubtract:
      if (l == ValueKind::kDuration && r == ValueKind::kDuration) {
        return AddSeconds(a, b, true, duration);
      }
      if (l == ValueKind::kTimestamp && r == ValueKind::kDuration) {
        return AddSeconds(a, b, true, timestamp);
      }
      if (l == ValueKind::kTimestamp && r == ValueKind::kTimestamp) {
        return AddSeconds(a, b, true, duration);
      }
      return Value();
    case BinaryOp::kMultiply:
      if (l == ValueKind::kDuration && r == ValueKind::kNumber) {
        return ScaleDuration(a, rhs.number_value(), false);
      }
      if (l == ValueKind::kNumber && r == ValueKind::kDuration) {
        return ScaleDuration(b, lhs.number_value(), false);
      }
      return Value();
    case BinaryOp::kDivide:
      if (l == ValueKind::kDuration && r == ValueKind::kNumber) {
        return ScaleDuration(a, rhs.number_value(), true);
      }
      if (l == ValueKind::kDuration && r == ValueKind::kDuration) {
        return b == 0 ? Value() : Value::Number(static_cast<double>(a) / static_cast<double>(b));
      }
      return Value();
    case BinaryOp::kModulo:
      if (l == ValueKind::kDuration && r == ValueKind::kDuration) {
        // b == -1 would overflow for INT64_MIN and is always 0 anyway.
        if (b == 0) return Value();
        return Value::Duration(b == -1 ? 0 : a % b);
      }
      return Value();
    default:
      return Value();
  }
}

}  // namespace

bool Compare(BinaryOp op, const Value& lhs, const Value& rhs) {
  if (lhs.is_null() || rhs.is_null() || lhs.kind() != rhs.kind()) return false;
  switch (lhs.kind()) {
    case ValueKind::kNumber:
      return Order(op, lhs.number_value(), rhs.number_value());
    case ValueKind::kString:
      // std::string_view compares with char_traits<char>, i.e. memcmp: byte-wise, unsigned.
      return Order(op, lhs.string_value(), rhs.string_value());
    case ValueKind::kDuration:
    case ValueKind::kTimestamp:
      return Order(op, lhs.seconds_value(), rhs.seconds_value());
    case ValueKind::kBool:
    case ValueKind::kList:
    case ValueKind::kSkills:
      if (op == BinaryOp::kEqual) return Equal(lhs, rhs);
      if (op == BinaryOp::kNotEqual) return !Equal(lhs, rhs);
      return false;
    case ValueKind::kNull:
      return false;
  }
  return false;
}

Membership In(const Value& needle, const Value& haystack) {
  if (needle.is_null()) return Membership::kInvalid;
  switch (haystack.kind()) {
    case ValueKind::kList: {
      // A needle whose kind no item has is a type mismatch, not a "no": `not in` stays false.
      bool comparable = haystack.list_value().empty();
      for (const Value& item : haystack.list_value()) {
        if (item.kind() == needle.kind()) comparable = true;
        if (Equal(item, needle)) return Membership::kYes;
      }
      return comparable ? Membership::kNo : Membership::kInvalid;
    }
    case ValueKind::kString:
      if (!needle.is_string()) return Membership::kInvalid;
      return haystack.string_value().find(needle.string_value()) != std::string_view::npos
                 ? Membership::kYes
                 : Membership::kNo;
    case ValueKind::kSkills:
      if (!needle.is_string()) return Membership::kInvalid;
      for (const SkillLevel& skill : haystack.skills_value()) {
        if (skill.name == needle.string_value()) return Membership::kYes;
      }
      return Membership::kNo;
    default:
      return Membership::kInvalid;
  }
}

Value Arithmetic(BinaryOp op, const Value& lhs, const Value& rhs) {
  if (lhs.is_null() || rhs.is_null()) return Value();
  if (lhs.is_number() && rhs.is_number()) {
    return NumberArithmetic(op, lhs.number_value(), rhs.number_value());
  }
  return DurationArithmetic(op, lhs, rhs);
}

Value Negate(const Value& operand) {
  if (operand.is_number()) return Value::Number(-operand.number_value());
  if (operand.is_duration()) {
    const int64_t s = operand.seconds_value();
    if (s == INT64_MIN) return Value();
    return Value::Duration(-s);
  }
  return Value();
}

Value Lower(const Value& text, ScratchBuffer* scratch) {
  if (!text.is_string() || scratch == nullptr) return Value();
  const std::string_view in = text.string_value();
  char* out = scratch->Allocate(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    out[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return Value::String(std::string_view(out, in.size()));
}

Value Length(const Value& value) {
  switch (value.kind()) {
    case ValueKind::kString:
      return Value::Number(static_cast<double>(value.string_value().size()));
    case ValueKind::kList:
      return Value::Number(static_cast<double>(value.list_value().size()));
    case ValueKind::kSkills:
      return Value::Number(static_cast<double>(value.skills_value().size()));
    default:
      return Value();
  }
}

Value SkillLevelOf(const Value& skills, const Value& name) {
  if (!name.is_string()) return Value();
  for (const SkillLevel& skill : skills.skills_value()) {
    if (skill.name == name.string_value()) return Value::Number(skill.level);
  }
  return Value::Number(0);
}

Value HasTag(const Value& tags, const Value& name) {
  if (!name.is_string()) return Value();
  for (const Value& tag : tags.list_value()) {
    if (tag.is_string() && tag.string_value() == name.string_value()) return Value::Bool(true);
  }
  return Value::Bool(false);
}

Value HoursSince(const Value& timestamp, int64_t now) {
  if (!timestamp.is_timestamp()) return Value();
  const double seconds = static_cast<double>(now) - static_cast<double>(timestamp.seconds_value());
  return Value::Number(seconds / 3600.0);
}

}  // namespace leadrouter::dsl
