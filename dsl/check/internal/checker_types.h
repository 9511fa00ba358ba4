// Static types as the checker sees them (private to the checker).
#pragma once

#include <initializer_list>
#include <string>

#include "dsl/base/schema.h"

namespace leadrouter::dsl::checker {

enum class TypeKind {
  kAny,    // known only at run time (custom attributes)
  kError,  // an operand that already has a diagnostic: accepted silently to avoid cascades
  kNull,
  kBool,
  kNumber,
  kString,
  kList,
  kDuration,
  kTimestamp,
  kSkills,
};

struct Type {
  TypeKind kind = TypeKind::kAny;
  TypeKind element = TypeKind::kAny;  // for lists

  bool unknown() const { return kind == TypeKind::kAny || kind == TypeKind::kError; }
  bool is(TypeKind k) const { return kind == k; }
  // Unknown, or one of the given kinds.
  bool Allows(std::initializer_list<TypeKind> kinds) const {
    if (unknown()) return true;
    for (TypeKind k : kinds) {
      if (kind == k) return true;
    }
    return false;
  }
};

inline Type TypeOf(TypeKind kind) { return Type{kind, TypeKind::kAny}; }

Type FromFieldType(FieldType type);

// Whether two operands can ever be equal / ordered: the same kind, or one of them unknown.
bool Comparable(const Type& a, const Type& b);

// "a number", "a string", "true/false", "a list of strings", ...
std::string Describe(const Type& type);

}  // namespace leadrouter::dsl::checker
