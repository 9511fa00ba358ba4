// Field slots: where each lead or rep field lives in a bound Record.
//
// Known fields have fixed slots and static types, the same in every Program, so code that fills
// rep counters (open_leads, assigned_today, ...) can use the constants below directly. Custom
// attributes that a Program reads get further slots, interned at compile time in the order the
// compiler meets them; look them up in the Program's FieldTable (Program::lead_fields(),
// Program::rep_fields()) once, when binding, never per evaluated node.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dsl/base/value.h"

namespace leadrouter::dsl {

enum class RecordKind : uint8_t { kLead, kRep };

std::string_view RecordKindName(RecordKind kind);  // "lead", "rep"

// The static type of a field. kAny: a custom attribute, whose type is only known at run time.
enum class FieldType : uint8_t {
  kAny,
  kBool,
  kNumber,
  kString,
  kList,
  kDuration,
  kTimestamp,
  kSkills
};

using Slot = uint32_t;

// Fixed slots of the known lead fields.
namespace lead_slot {
inline constexpr Slot kId = 0;
inline constexpr Slot kSource = 1;
inline constexpr Slot kQuality = 2;
inline constexpr Slot kValue = 3;
inline constexpr Slot kRegion = 4;
inline constexpr Slot kIndustry = 5;
inline constexpr Slot kCreatedAt = 6;
inline constexpr Slot kChannel = 7;
inline constexpr Slot kAccount = 8;
inline constexpr Slot kCompany = 9;
inline constexpr Slot kCountry = 10;
inline constexpr Slot kCity = 11;
inline constexpr Slot kEmail = 12;
inline constexpr Slot kPhone = 13;
inline constexpr Slot kScore = 14;
inline constexpr Slot kCount = 15;  // number of known lead fields
}  // namespace lead_slot

// Fixed slots of the known rep fields.
namespace rep_slot {
inline constexpr Slot kId = 0;
inline constexpr Slot kName = 1;
inline constexpr Slot kTeam = 2;
inline constexpr Slot kLevel = 3;
inline constexpr Slot kRegion = 4;
inline constexpr Slot kSkills = 5;
inline constexpr Slot kTags = 6;
inline constexpr Slot kChannels = 7;
inline constexpr Slot kStatus = 8;
inline constexpr Slot kAvailable = 9;
inline constexpr Slot kOpenLeads = 10;
inline constexpr Slot kAssignedToday = 11;
inline constexpr Slot kAssignedWeek = 12;
inline constexpr Slot kAssignedMonth = 13;
inline constexpr Slot kQualityToday = 14;
inline constexpr Slot kConversionRate = 15;
inline constexpr Slot kDailyCap = 16;
inline constexpr Slot kMaxOpen = 17;
inline constexpr Slot kCount = 18;  // number of known rep fields
}  // namespace rep_slot

struct FieldInfo {
  std::string name;
  FieldType type = FieldType::kAny;
  bool custom = false;  // a custom attribute interned by the compiler, not a known field
};

// name -> slot for one kind of record. A value type: the compiler builds one per kind and the
// Program keeps it immutable.
class FieldTable {
 public:
  // The known fields of `kind`, in slot order.
  explicit FieldTable(RecordKind kind);

  RecordKind kind() const { return kind_; }
  size_t size() const { return fields_.size(); }
  const FieldInfo& field(Slot slot) const { return fields_[slot]; }
  const std::vector<FieldInfo>& fields() const { return fields_; }

  std::optional<Slot> Find(std::string_view name) const;
  // True for the fields that exist in every Program (not custom attributes).
  bool IsKnown(std::string_view name) const;

  // The slot of custom attribute `name`, adding it (type kAny) when it is new. Returns the known
  // field's slot when `name` is a known field.
  Slot Intern(std::string_view name);

 private:
  RecordKind kind_;
  std::vector<FieldInfo> fields_;
};

// Whether a value of `kind` fits a field of static type `type` (kAny accepts everything, and null
// fits every field: a missing value).
bool FitsFieldType(FieldType type, ValueKind kind);

std::string_view FieldTypeName(FieldType type);

}  // namespace leadrouter::dsl
