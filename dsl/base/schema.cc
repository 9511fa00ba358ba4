#include "dsl/base/schema.h"

#include <array>

namespace leadrouter::dsl {
namespace {

struct KnownField {
  std::string_view name;
  FieldType type;
};

// The order of these arrays is the slot order declared in schema.h.
constexpr std::array<KnownField, lead_slot::kCount> kLeadFields = {{
    {"id", FieldType::kString},
    {"source", FieldType::kString},
    {"quality", FieldType::kNumber},
    {"value", FieldType::kNumber},
    {"region", FieldType::kString},
    {"industry", FieldType::kString},
    {"created_at", FieldType::kTimestamp},
    {"channel", FieldType::kString},
    {"account", FieldType::kString},
    {"company", FieldType::kString},
    {"country", FieldType::kString},
    {"city", FieldType::kString},
    {"email", FieldType::kString},
    {"phone", FieldType::kString},
    {"score", FieldType::kNumber},
}};

constexpr std::array<KnownField, rep_slot::kCount> kRepFields = {{
    {"id", FieldType::kString},
    {"name", FieldType::kString},
    {"team", FieldType::kString},
    {"level", FieldType::kNumber},
    {"region", FieldType::kString},
    {"skills", FieldType::kSkills},
    {"tags", FieldType::kList},
    {"channels", FieldType::kList},
    {"status", FieldType::kString},
    {"available", FieldType::kBool},
    {"open_leads", FieldType::kNumber},
    {"assigned_today", FieldType::kNumber},
    {"assigned_week", FieldType::kNumber},
    {"assigned_month", FieldType::kNumber},
    {"quality_today", FieldType::kNumber},
    {"conversion_rate", FieldType::kNumber},
    {"daily_cap", FieldType::kNumber},
    {"max_open", FieldType::kNumber},
}};

}  // namespace

std::string_view RecordKindName(RecordKind kind) {
  return kind == RecordKind::kLead ? "lead" : "rep";
}

FieldTable::FieldTable(RecordKind kind) : kind_(kind) {
  const auto add = [this](const auto& known) {
    fields_.reserve(known.size());
    for (const KnownField& field : known) {
      fields_.push_back(FieldInfo{std::string(field.name), field.type, /*custom=*/false});
    }
  };
  if (kind == RecordKind::kLead) {
    add(kLeadFields);
  } else {
    add(kRepFields);
  }
}

std::optional<Slot> FieldTable::Find(std::string_view name) const {
  // A linear scan: tables hold a few dozen names and are searched only while compiling and binding.
  for (Slot slot = 0; slot < fields_.size(); ++slot) {
    if (fields_[slot].name == name) return slot;
  }
  return std::nullopt;
}

bool FieldTable::IsKnown(std::string_view name) const {
  const std::optional<Slot> slot = Find(name);
  return slot.has_value() && !fields_[*slot].custom;
}

Slot FieldTable::Intern(std::string_view name) {
  if (const std::optional<Slot> slot = Find(name)) return *slot;
  fields_.push_back(FieldInfo{std::string(name), FieldType::kAny, /*custom=*/true});
  return static_cast<Slot>(fields_.size() - 1);
}

bool FitsFieldType(FieldType type, ValueKind kind) {
  if (kind == ValueKind::kNull) return true;
  switch (type) {
    case FieldType::kAny:
      return true;
    case FieldType::kBool:
      return kind == ValueKind::kBool;
    case FieldType::kNumber:
      return kind == ValueKind::kNumber;
    case FieldType::kString:
      return kind == ValueKind::kString;
    case FieldType::kList:
      return kind == ValueKind::kList;
    case FieldType::kDuration:
      return kind == ValueKind::kDuration;
    case FieldType::kTimestamp:
      return kind == ValueKind::kTimestamp;
    case FieldType::kSkills:
      return kind == ValueKind::kSkills;
  }
  return false;
}

std::string_view FieldTypeName(FieldType type) {
  switch (type) {
    case FieldType::kAny:
      return "any";
    case FieldType::kBool:
      return "bool";
    case FieldType::kNumber:
      return "number";
    case FieldType::kString:
      return "string";
    case FieldType::kList:
      return "list";
    case FieldType::kDuration:
      return "duration";
    case FieldType::kTimestamp:
      return "timestamp";
    case FieldType::kSkills:
      return "skills";
  }
  return "any";
}

}  // namespace leadrouter::dsl
