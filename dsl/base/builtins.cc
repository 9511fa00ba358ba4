#include "dsl/base/builtins.h"

#include <cstddef>

namespace leadrouter::dsl {
namespace {

constexpr bool InBuiltinOrder() {
  for (size_t i = 0; i < kBuiltins.size(); ++i) {
    if (static_cast<size_t>(kBuiltins[i].id) != i) return false;
  }
  return true;
}
static_assert(InBuiltinOrder(), "BuiltinName indexes kBuiltins by Builtin");

}  // namespace

const BuiltinInfo* FindBuiltin(std::string_view name) {
  for (const BuiltinInfo& info : kBuiltins) {
    if (info.name == name) return &info;
  }
  return nullptr;
}

std::string_view BuiltinName(Builtin function) {
  return kBuiltins[static_cast<size_t>(function)].name;
}

}  // namespace leadrouter::dsl
