#include "dsl/base/schema.h"

#include <array>

namespace leadrouter::dsl {
namespace {

struct KnownField {
  Slot slot;
  std::string_view name;
  ValueKind kind;
};

constexpr std::array<KnownField, lead_slot::kCount> kLeadFields = {{
    {lead_slot::kId, "id", ValueKind::kString},
    {lead_slot::kSource, "source", ValueKind::kString},
    {lead_slot::kQuality, "quality", ValueKind::kNumber},
    {lead_slot::kValue, "value", ValueKind::kNumber},
    {lead_slot::kRegion, "region", ValueKind::kString},
    {lead_slot::kIndustry, "industry", ValueKind::kString},
    {lead_slot::kCreatedAt, "created_at", ValueKind::kTimestamp},
    {lead_slot::kChannel, "channel", ValueKind::kString},
    {lead_slot::kAccount, "account", ValueKind::kString},
    {lead_slot::kCompany, "company", ValueKind::kString},
    {lead_slot::kCountry, "country", ValueKind::kString},
    {lead_slot::kCity, "city", ValueKind::kString},
    {lead_slot::kEmail, "email", ValueKind::kString},
    {lead_slot::kPhone, "phone", ValueKind::kString},
    {lead_slot::kScore, "score", ValueKind::kNumber},
}};

constexpr std::array<KnownField, rep_slot::kCount> kRepFields = {{
    {rep_slot::kId, "id", ValueKind::kString},
    {rep_slot::kName, "name", ValueKind::kString},
    {rep_slot::kTeam, "team", ValueKind::kString},
    {rep_slot::kLevel, "level", ValueKind::kNumber},
    {rep_slot::kRegion, "region", ValueKind::kString},
    {rep_slot::kSkills, "skills", ValueKind::kSkills},
    {rep_slot::kTags, "tags", ValueKind::kList},
    {rep_slot::kChannels, "channels", ValueKind::kList},
    {rep_slot::kStatus, "status", ValueKind::kString},
    {rep_slot::kAvailable, "available", ValueKind::kBool},
    {rep_slot::kOpenLeads, "open_leads", ValueKind::kNumber},
    {rep_slot::kAssignedToday, "assigned_today", ValueKind::kNumber},
    {rep_slot::kAssignedWeek, "assigned_week", ValueKind::kNumber},
    {rep_slot::kAssignedMonth, "assigned_month", ValueKind::kNumber},
    {rep_slot::kQualityToday, "quality_today", ValueKind::kNumber},
    {rep_slot::kConversionRate, "conversion_rate", ValueKind::kNumber},
    {rep_slot::kMedianFirstContactHours, "median_first_contact_hours", ValueKind::kNumber},
    {rep_slot::kSlaCompliance, "sla_compliance", ValueKind::kNumber},
    {rep_slot::kDailyCap, "daily_cap", ValueKind::kNumber},
    {rep_slot::kMaxOpen, "max_open", ValueKind::kNumber},
}};

// Second names of known fields. The lead's `channel` is the channel the lead prefers to be
// contacted on (leadrouter.v1.Lead.preferred_channel), so `preferred_channel` names the same slot:
// `require channels contains lead.preferred_channel`.
struct FieldAlias {
  std::string_view name;
  Slot slot;
};
constexpr std::array<FieldAlias, 1> kLeadAliases = {{
    {"preferred_channel", lead_slot::kChannel},
}};

// FieldTable gives the i-th entry slot i.
template <size_t N>
constexpr bool InSlotOrder(const std::array<KnownField, N>& fields) {
  for (size_t i = 0; i < N; ++i) {
    if (fields[i].slot != i) return false;
  }
  return true;
}
static_assert(InSlotOrder(kLeadFields), "kLeadFields must follow lead_slot's order");
static_assert(InSlotOrder(kRepFields), "kRepFields must follow rep_slot's order");

}  // namespace

std::string_view RecordKindName(RecordKind kind) {
  return kind == RecordKind::kLead ? "lead" : "rep";
}

FieldTable::FieldTable(RecordKind kind) : kind_(kind) {
  const auto add = [this](const auto& known) {
    fields_.reserve(known.size());
    for (const KnownField& field : known) {
      fields_.push_back(FieldInfo{std::string(field.name), field.kind, /*custom=*/false});
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
  if (kind_ == RecordKind::kLead) {
    for (const FieldAlias& alias : kLeadAliases) {
      if (alias.name == name) return alias.slot;
    }
  }
  return std::nullopt;
}

bool FieldTable::IsKnown(std::string_view name) const {
  const std::optional<Slot> slot = Find(name);
  return slot.has_value() && !fields_[*slot].custom;
}

Slot FieldTable::Intern(std::string_view name) {
  if (const std::optional<Slot> slot = Find(name)) return *slot;
  fields_.push_back(FieldInfo{std::string(name), std::nullopt, /*custom=*/true});
  return static_cast<Slot>(fields_.size() - 1);
}

}  // namespace leadrouter::dsl
