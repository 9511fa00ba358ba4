// Which rules can match a lead, found without evaluating them: the rules whose `when` has a
// conjunct `lead_field == "text"` or `lead_field in ["a", "b", ...]` (string constants) are indexed
// by those strings, so a lead visits only the rules keyed by its own field values, plus the rules
// with no such conjunct.
//
//   std::vector<uint32_t> rules;
//   program.rule_index().RulesToTry(lead, rules);  // increasing rule indices
//   for (uint32_t r : rules) if (RuleMatches(program.rules()[r], context)) ...
//
// Exact: such a conjunct is true only when the field holds a string equal to one of the keys
// (dsl/eval/eval.h: `==` and `in` compare strings byte for byte; any other kind is false), and a
// `when` is true only when every conjunct is. So every rule left out cannot match; the rules handed
// out still have to be evaluated. Immutable after construction; thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "dsl/base/record.h"
#include "dsl/base/schema.h"

namespace leadrouter::dsl {

struct Rule;  // dsl/compile/program.h

class RuleIndex {
 public:
  RuleIndex() = default;
  explicit RuleIndex(const std::vector<Rule>& rules);

  // The indices of the rules that may match `lead`, increasing, into `out` (replaced).
  void RulesToTry(const Record& lead, std::vector<uint32_t>& out) const;

  // How many rules are indexed (have a keyed conjunct); the others are always tried.
  size_t indexed_rules() const { return indexed_rules_; }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  // One lead field the index keys rules by: its slot, and per string the rules that need it.
  struct FieldIndex {
    Slot slot = 0;
    std::unordered_map<std::string, std::vector<uint32_t>, Hash, std::equal_to<>> rules_by_value;
  };

  std::vector<FieldIndex> fields_;
  std::vector<uint32_t> always_;  // rules without a keyed conjunct
  size_t indexed_rules_ = 0;
};

}  // namespace leadrouter::dsl
