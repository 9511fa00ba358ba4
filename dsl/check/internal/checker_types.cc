#include "dsl/check/internal/checker_types.h"

namespace leadrouter::dsl::checker {

Type FieldTypeOf(std::optional<ValueKind> kind) {
  if (!kind) return Type::Any();
  if (*kind == ValueKind::kList) return Type::ListOf(ValueKind::kString);
  return Type::Of(*kind);
}

bool Comparable(const Type& a, const Type& b) {
  return a.unknown() || b.unknown() || a.kind() == b.kind();
}

namespace {

const char* Plural(std::optional<ValueKind> kind) {
  switch (kind.value_or(ValueKind::kNull)) {
    case ValueKind::kBool:
      return "true/false values";
    case ValueKind::kNumber:
      return "numbers";
    case ValueKind::kString:
      return "strings";
    case ValueKind::kDuration:
      return "durations";
    case ValueKind::kTimestamp:
      return "timestamps";
    default:
      return "values";
  }
}

}  // namespace

std::string Describe(const Type& type) {
  if (type.unknown()) return "a value";
  switch (type.kind()) {
    case ValueKind::kNull:
      return "null";
    case ValueKind::kBool:
      return "true/false";
    case ValueKind::kNumber:
      return "a number";
    case ValueKind::kString:
      return "a string";
    case ValueKind::kList:
      return std::string("a list of ") + Plural(type.element());
    case ValueKind::kDuration:
      return "a duration";
    case ValueKind::kTimestamp:
      return "a timestamp";
    case ValueKind::kSkills:
      return "a skill map";
  }
  return "a value";
}

}  // namespace leadrouter::dsl::checker
