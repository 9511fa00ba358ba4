#include "dsl/compile/rule_index.h"

#include <algorithm>

#include "dsl/compile/program.h"

namespace leadrouter::dsl {
namespace {

// The first conjunct of `rule`'s `when` that keys it on a lead field, if any.
std::optional<ExprNode::KeyTest> KeyOf(const Rule& rule) {
  if (!rule.when) return std::nullopt;
  for (const ExprNode* conjunct : rule.when->conjuncts) {
    if (std::optional<ExprNode::KeyTest> key = conjunct->key_test()) return key;
  }
  return std::nullopt;
}

}  // namespace

RuleIndex::RuleIndex(const std::vector<Rule>& rules) {
  for (uint32_t r = 0; r < rules.size(); ++r) {
    const std::optional<ExprNode::KeyTest> key = KeyOf(rules[r]);
    if (!key) {
      always_.push_back(r);
      continue;
    }
    ++indexed_rules_;
    auto field = std::find_if(fields_.begin(), fields_.end(),
                              [&](const FieldIndex& f) { return f.slot == key->slot; });
    if (field == fields_.end()) {
      fields_.emplace_back().slot = key->slot;
      field = fields_.end() - 1;
    }
    for (const std::string_view value : key->values) {
      std::vector<uint32_t>& list = field->rules_by_value[std::string(value)];
      if (list.empty() || list.back() != r) list.push_back(r);  // `in ["a", "a"]` once
    }
  }
}

void RuleIndex::RulesToTry(const Record& lead, std::vector<uint32_t>& out) const {
  out.assign(always_.begin(), always_.end());
  if (fields_.empty()) return;
  const size_t unkeyed = out.size();
  for (const FieldIndex& field : fields_) {
    const Value value = lead.Get(field.slot);
    if (!value.is_string()) continue;  // no keyed conjunct on this field can be true
    const auto it = field.rules_by_value.find(value.string_value());
    if (it != field.rules_by_value.end())
      out.insert(out.end(), it->second.begin(), it->second.end());
  }
  if (out.size() == unkeyed) return;
  // Each part is increasing and the parts are disjoint (a rule is keyed on one field, by distinct
  // values that one lead field cannot all equal): merging them keeps file order.
  std::sort(out.begin(), out.end());
}

}  // namespace leadrouter::dsl
