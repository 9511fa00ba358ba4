// A lead or a rep bound for evaluation: one value per field slot (dsl/base/schema.h).
//
// Bind once per decision (building a Record allocates), then evaluate as often as needed (reading
// never allocates). Updating a number, bool, duration or timestamp slot never allocates either, so
// the decision can refresh rep counters (open_leads, assigned_today, ...) in place.
//
// Any slot may hold any kind of value: a lead whose `quality` arrives as a string is bound as a
// string, and comparisons against it are simply false at run time. Reading a slot that was never
// set, or a slot past the end, gives null.
//
// A Record is a value type (copyable, movable; the Values it hands out point into its own storage
// and stay valid until that slot is set again or the Record is destroyed). Not thread-safe for
// writes; concurrent reads are fine.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "dsl/base/schema.h"
#include "dsl/base/value.h"

namespace leadrouter::dsl {

class Record {
 public:
  // An empty record: every read gives null.
  Record() = default;
  // `slot_count` nulls; use the size of the FieldTable the record is bound for.
  explicit Record(size_t slot_count);

  Record(const Record& other);
  Record& operator=(const Record& other);
  Record(Record&&) noexcept = default;
  Record& operator=(Record&&) noexcept = default;

  size_t size() const { return values_.size(); }

  // Null for a slot never set or out of range.
  Value Get(Slot slot) const { return slot < values_.size() ? values_[slot] : Value(); }

  // Setters grow the record when `slot` is past the end.
  void SetNull(Slot slot);
  void SetBool(Slot slot, bool value);
  void SetNumber(Slot slot, double value);
  void SetDuration(Slot slot, int64_t seconds);
  void SetTimestamp(Slot slot, int64_t seconds_since_epoch);
  void SetString(Slot slot, std::string_view value);
  void SetList(Slot slot, const std::vector<std::string>& items);
  void SetSkills(Slot slot, const std::vector<std::pair<std::string, double>>& skills);

 private:
  // Heap storage behind a string, list or skill slot. Held by unique_ptr so that its address (and
  // with it every string_view handed out) survives moves of the Record.
  struct Owned {
    std::string text;
    std::vector<std::string> items;
    std::vector<Value> item_views;
    std::vector<SkillLevel> skills;
  };

  void Ensure(Slot slot);
  Owned& OwnedAt(Slot slot);
  void Rebind(Slot slot);  // recompute values_[slot] from owned_[slot] after a copy

  std::vector<Value> values_;
  std::vector<ValueKind> owned_kind_;  // which part of owned_[slot] values_[slot] views
  std::vector<std::unique_ptr<Owned>> owned_;
};

// A field value as it arrives from outside (an RPC, a CSV file, a test), before binding.
struct DurationSeconds {
  int64_t seconds = 0;
};
struct TimestampSeconds {
  int64_t seconds = 0;
};
using SkillMap = std::vector<std::pair<std::string, double>>;
using AttributeValue =
    std::variant<std::monostate, bool, double, std::string, std::vector<std::string>,
                 DurationSeconds, TimestampSeconds, SkillMap>;

struct Attribute {
  std::string name;
  AttributeValue value;
};

// Binds named attributes into a Record laid out by `table`. Attributes whose name the table does
// not know are ignored: the Program never reads them. When a name repeats, the last one wins.
Record BindRecord(const FieldTable& table, const std::vector<Attribute>& attributes);

// Sets one slot from an AttributeValue (monostate -> null).
void SetAttribute(Record& record, Slot slot, const AttributeValue& value);

}  // namespace leadrouter::dsl
