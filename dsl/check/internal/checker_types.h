// Static types as the checker sees them (private to the checker).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>

#include "dsl/base/value.h"

namespace leadrouter::dsl::checker {

// The kind of value an expression will have (ValueKind), when it is known before run time. Two
// states only a static check needs come on top, which is why this is not a ValueKind alone:
// - any: known only at run time (a custom attribute, arithmetic on one);
// - error: the operand already has a diagnostic, and is accepted silently so that one mistake is
//   reported once, not again by every operator above it.
// A list also carries the kind its items share, when they share one.
class Type {
 public:
  // Any.
  Type() = default;
  static Type Of(ValueKind kind) { return Type(State::kKnown, kind, std::nullopt); }
  static Type ListOf(std::optional<ValueKind> element) {
    return Type(State::kKnown, ValueKind::kList, element);
  }
  static Type Any() { return Type(); }
  static Type Error() { return Type(State::kError, ValueKind::kNull, std::nullopt); }

  // Any or error: nothing is known, so every use is allowed.
  bool unknown() const { return state_ != State::kKnown; }
  bool is_error() const { return state_ == State::kError; }
  bool is(ValueKind kind) const { return state_ == State::kKnown && kind_ == kind; }
  // Unknown, or one of the given kinds.
  bool Allows(std::initializer_list<ValueKind> kinds) const {
    if (unknown()) return true;
    for (ValueKind k : kinds) {
      if (kind_ == k) return true;
    }
    return false;
  }

  // Meaningful when known.
  ValueKind kind() const { return kind_; }
  // A list's items' kind; nullopt when unknown, mixed, or not a list.
  std::optional<ValueKind> element() const { return element_; }

 private:
  enum class State : uint8_t { kKnown, kAny, kError };
  Type(State state, ValueKind kind, std::optional<ValueKind> element)
      : state_(state), kind_(kind), element_(element) {}

  State state_ = State::kAny;
  ValueKind kind_ = ValueKind::kNull;
  std::optional<ValueKind> element_;
};

// The type of a field whose kind is `kind` (FieldInfo::kind; nullopt: a custom attribute). List
// fields (tags, channels) hold strings.
Type FieldTypeOf(std::optional<ValueKind> kind);

// Whether two operands can ever be equal / ordered: the same kind, or one of them unknown.
bool Comparable(const Type& a, const Type& b);

// "a number", "a string", "true/false", "a list of strings", ...
std::string Describe(const Type& type);

}  // namespace leadrouter::dsl::checker
