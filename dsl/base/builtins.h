// The functions the rule language knows: has, lower, len, skill, tag, hours_since.
//
// The checker resolves calls to a Builtin and the evaluator runs it; the table lives here, below
// both, so that checking does not depend on evaluation.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace leadrouter::dsl {

enum class Builtin { kHas, kLower, kLen, kSkill, kTag, kHoursSince };

struct BuiltinInfo {
  std::string_view name;
  Builtin id;
  int arity = 1;
  // Reads the rep (skill, tag): not allowed in `when` or segments.
  bool reads_rep = false;
  // Depends on nothing but its argument, so a constant argument folds at compile time.
  bool pure = false;
  std::string_view signature;  // for messages: `skill(name: string) -> number`
};

// Null when `name` is not a builtin.
const BuiltinInfo* FindBuiltin(std::string_view name);

// Every builtin's name, for did-you-mean hints.
const std::vector<std::string>& BuiltinNames();

}  // namespace leadrouter::dsl
