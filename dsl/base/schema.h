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

using Slot = uint32_t;

// Fixed slots of the known lead fields, in slot order (schema.cc names them in the same order,
// which it checks at compile time).
namespace lead_slot {
enum : Slot {
  kId,
  kSource,
  kQuality,
  kValue,
  kRegion,
  kIndustry,
  kCreatedAt,
  kChannel,
  kAccount,
  kCompany,
  kCountry,
  kCity,
  kEmail,
  kPhone,
  kScore,
  kCount,  // number of known lead fields
};
}  // namespace lead_slot

// Fixed slots of the known rep fields, in slot order.
namespace rep_slot {
enum : Slot {
  kId,
  kName,
  kTeam,
  kLevel,
  kRegion,
  kSkills,
  kTags,
  kChannels,
  kStatus,
  kAvailable,
  kOpenLeads,
  kAssignedToday,
  kAssignedWeek,
  kAssignedMonth,
  kQualityToday,
  kConversionRate,
  kMedianFirstContactHours,
  kSlaCompliance,
  kDailyCap,
  kMaxOpen,
  kCount,  // number of known rep fields
};
}  // namespace rep_slot

// The rep performance fields (conversion_rate, median_first_contact_hours, sla_compliance,
// dsl/decision/rep_performance.h), which the server computes from outcomes as they arrive.
constexpr bool IsRepPerformanceSlot(Slot slot) {
  return slot == rep_slot::kConversionRate || slot == rep_slot::kMedianFirstContactHours ||
         slot == rep_slot::kSlaCompliance;
}

// The rep fields that come from the decision state (open_leads, assigned_today, assigned_week,
// assigned_month, quality_today, and the performance fields): refreshed at every decision, unlike
// the rep's own fields, which are fixed for as long as a roster is bound.
constexpr bool IsRepCounterSlot(Slot slot) {
  return slot == rep_slot::kOpenLeads || slot == rep_slot::kAssignedToday ||
         slot == rep_slot::kAssignedWeek || slot == rep_slot::kAssignedMonth ||
         slot == rep_slot::kQualityToday || IsRepPerformanceSlot(slot);
}

struct FieldInfo {
  std::string name;
  // The kind of value a known field holds (null aside: a missing value); nullopt for a custom
  // attribute, whose kind is known only at run time.
  std::optional<ValueKind> kind;
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

  // The slot of `name`: a field's own name, or a second name of a known field (the lead's
  // `preferred_channel` is its `channel`).
  std::optional<Slot> Find(std::string_view name) const;
  // True for the fields that exist in every Program (not custom attributes).
  bool IsKnown(std::string_view name) const;

  // The slot of custom attribute `name`, adding it (of no static kind) when it is new. Returns the
  // known field's slot when `name` is a known field.
  Slot Intern(std::string_view name);

 private:
  RecordKind kind_;
  std::vector<FieldInfo> fields_;
};

}  // namespace leadrouter::dsl
