#include "dsl/check/internal/checker_types.h"

namespace leadrouter::dsl::checker {

Type FromFieldType(FieldType type) {
  switch (type) {
    case FieldType::kAny:
      return TypeOf(TypeKind::kAny);
    case FieldType::kBool:
      return TypeOf(TypeKind::kBool);
    case FieldType::kNumber:
      return TypeOf(TypeKind::kNumber);
    case FieldType::kString:
      return TypeOf(TypeKind::kString);
    case FieldType::kList:
      return Type{TypeKind::kList, TypeKind::kString};
    case FieldType::kDuration:
      return TypeOf(TypeKind::kDuration);
    case FieldType::kTimestamp:
      return TypeOf(TypeKind::kTimestamp);
    case FieldType::kSkills:
      return TypeOf(TypeKind::kSkills);
  }
  return TypeOf(TypeKind::kAny);
}

bool Comparable(const Type& a, const Type& b) {
  return a.unknown() || b.unknown() || a.kind == b.kind;
}

namespace {

const char* Plural(TypeKind kind) {
  switch (kind) {
    case TypeKind::kBool:
      return "true/false values";
    case TypeKind::kNumber:
      return "numbers";
    case TypeKind::kString:
      return "strings";
    case TypeKind::kDuration:
      return "durations";
    case TypeKind::kTimestamp:
      return "timestamps";
    default:
      return "values";
  }
}

}  // namespace

std::string Describe(const Type& type) {
  switch (type.kind) {
    case TypeKind::kAny:
    case TypeKind::kError:
      return "a value";
    case TypeKind::kNull:
      return "null";
    case TypeKind::kBool:
      return "true/false";
    case TypeKind::kNumber:
      return "a number";
    case TypeKind::kString:
      return "a string";
    case TypeKind::kList:
      return std::string("a list of ") + Plural(type.element);
    case TypeKind::kDuration:
      return "a duration";
    case TypeKind::kTimestamp:
      return "a timestamp";
    case TypeKind::kSkills:
      return "a skill map";
  }
  return "a value";
}

}  // namespace leadrouter::dsl::checker
