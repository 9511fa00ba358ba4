#include "dsl/base/record.h"

namespace leadrouter::dsl {

Record::Record(size_t slot_count)
    : values_(slot_count), owned_kind_(slot_count, ValueKind::kNull), owned_(slot_count) {}

Record::Record(const Record& other) { *this = other; }

Record& Record::operator=(const Record& other) {
  if (this == &other) return *this;
  values_ = other.values_;
  owned_kind_ = other.owned_kind_;
  owned_.clear();
  owned_.resize(other.owned_.size());
  for (Slot slot = 0; slot < other.owned_.size(); ++slot) {
    if (other.owned_[slot] != nullptr) {
      owned_[slot] = std::make_unique<Owned>(*other.owned_[slot]);
      Rebind(slot);
    }
  }
  return *this;
}

void Record::Ensure(Slot slot) {
  if (slot >= values_.size()) {
    values_.resize(slot + 1);
    owned_kind_.resize(slot + 1, ValueKind::kNull);
    owned_.resize(slot + 1);
  }
}

Record::Owned& Record::OwnedAt(Slot slot) {
  Ensure(slot);
  if (owned_[slot] == nullptr) owned_[slot] = std::make_unique<Owned>();
  return *owned_[slot];
}

void Record::Rebind(Slot slot) {
  Owned& owned = *owned_[slot];
  switch (owned_kind_[slot]) {
    case ValueKind::kString:
      values_[slot] = Value::String(owned.text);
      break;
    case ValueKind::kList:
      owned.item_views.clear();
      for (const std::string& item : owned.items) owned.item_views.push_back(Value::String(item));
      values_[slot] = Value::List(owned.item_views);
      break;
    case ValueKind::kSkills: {
      // The copied SkillLevel names still point into the source record's strings: repoint them.
      for (size_t i = 0; i < owned.skills.size(); ++i) owned.skills[i].name = owned.items[i];
      values_[slot] = Value::Skills(owned.skills);
      break;
    }
    default:
      break;  // scalars were copied by value
  }
}

void Record::SetNull(Slot slot) {
  Ensure(slot);
  owned_kind_[slot] = ValueKind::kNull;  // the slot no longer views its owned storage
  values_[slot] = Value::Null();
}

void Record::SetBool(Slot slot, bool value) {
  Ensure(slot);
  owned_kind_[slot] = ValueKind::kNull;  // the slot no longer views its owned storage
  values_[slot] = Value::Bool(value);
}

void Record::SetNumber(Slot slot, double value) {
  Ensure(slot);
  owned_kind_[slot] = ValueKind::kNull;  // the slot no longer views its owned storage
  values_[slot] = Value::Number(value);
}

void Record::SetDuration(Slot slot, int64_t seconds) {
  Ensure(slot);
  owned_kind_[slot] = ValueKind::kNull;  // the slot no longer views its owned storage
  values_[slot] = Value::Duration(seconds);
}

void Record::SetTimestamp(Slot slot, int64_t seconds_since_epoch) {
  Ensure(slot);
  owned_kind_[slot] = ValueKind::kNull;  // the slot no longer views its owned storage
  values_[slot] = Value::Timestamp(seconds_since_epoch);
}

void Record::SetString(Slot slot, std::string_view value) {
  Owned& owned = OwnedAt(slot);
  owned.text.assign(value.data(), value.size());
  owned_kind_[slot] = ValueKind::kString;
  Rebind(slot);
}

void Record::SetList(Slot slot, const std::vector<std::string>& items) {
  Owned& owned = OwnedAt(slot);
  owned.items = items;
  owned_kind_[slot] = ValueKind::kList;
  Rebind(slot);
}

void Record::SetSkills(Slot slot, const std::vector<std::pair<std::string, double>>& skills) {
  Owned& owned = OwnedAt(slot);
  owned.items.clear();
  owned.skills.clear();
  owned.items.reserve(skills.size());
  for (const auto& [name, level] : skills) owned.items.push_back(name);
  for (size_t i = 0; i < skills.size(); ++i) {
    owned.skills.push_back(SkillLevel{owned.items[i], skills[i].second});
  }
  owned_kind_[slot] = ValueKind::kSkills;
  Rebind(slot);
}

void SetAttribute(Record& record, Slot slot, const AttributeValue& value) {
  struct Visitor {
    Record& record;
    Slot slot;
    void operator()(std::monostate) const { record.SetNull(slot); }
    void operator()(bool b) const { record.SetBool(slot, b); }
    void operator()(double d) const { record.SetNumber(slot, d); }
    void operator()(const std::string& s) const { record.SetString(slot, s); }
    void operator()(const std::vector<std::string>& items) const { record.SetList(slot, items); }
    void operator()(DurationSeconds d) const { record.SetDuration(slot, d.seconds); }
    void operator()(TimestampSeconds t) const { record.SetTimestamp(slot, t.seconds); }
    void operator()(const SkillMap& skills) const { record.SetSkills(slot, skills); }
  };
  std::visit(Visitor{record, slot}, value);
}

Record BindRecord(const FieldTable& table, const std::vector<Attribute>& attributes) {
  Record record(table.size());
  for (const Attribute& attribute : attributes) {
    if (const std::optional<Slot> slot = table.Find(attribute.name)) {
      SetAttribute(record, *slot, attribute.value);
    }
  }
  return record;
}

}  // namespace leadrouter::dsl
