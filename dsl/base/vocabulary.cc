#include "dsl/base/vocabulary.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "dsl/base/lexical.h"
#include "dsl/base/text_util.h"

namespace leadrouter::dsl {
namespace {

// The tables are indexed by their enum: keep each in enum order.
template <typename Word, size_t N, typename Kind>
constexpr bool InEnumOrder(const std::array<Word, N>& table, Kind Word::*kind) {
  for (size_t i = 0; i < N; ++i) {
    if (static_cast<size_t>(table[i].*kind) != i) return false;
  }
  return true;
}
static_assert(InEnumOrder(kStrategies, &StrategyWord::kind));
static_assert(InEnumOrder(kCapUnits, &CapUnitWord::unit));
static_assert(InEnumOrder(kSlaActions, &SlaActionWord::action));
static_assert(InEnumOrder(kWorkingUnits, &WorkingUnitWord::unit));

template <typename Word, size_t N>
const Word* FindByName(const std::array<Word, N>& table, std::string_view name) {
  const auto it =
      std::find_if(table.begin(), table.end(), [&](const Word& word) { return word.name == name; });
  return it == table.end() ? nullptr : &*it;
}

}  // namespace

const StrategyWord& StrategyWordOf(StrategyKind kind) {
  return kStrategies[static_cast<size_t>(kind)];
}
const CapUnitWord& CapUnitWordOf(CapUnit unit) { return kCapUnits[static_cast<size_t>(unit)]; }
const WorkingUnitWord& WorkingUnitWordOf(WorkingUnit unit) {
  return kWorkingUnits[static_cast<size_t>(unit)];
}

std::string_view StrategyName(StrategyKind kind) { return StrategyWordOf(kind).name; }
std::string_view CapUnitName(CapUnit unit) { return CapUnitWordOf(unit).name; }
std::string_view SlaActionName(SlaAction action) {
  return kSlaActions[static_cast<size_t>(action)].name;
}

std::string WrittenCap(int64_t limit, CapUnit unit) {
  const CapUnitWord& word = CapUnitWordOf(unit);
  return absl::StrCat(limit, word.per_period ? "/" : " ", Piece(word.name));
}

std::optional<StrategyWord> FindStrategy(std::string_view name) {
  const StrategyWord* word = FindByName(kStrategies, name);
  return word ? std::optional(*word) : std::nullopt;
}

std::optional<CapUnitWord> FindCapUnit(std::string_view name) {
  const CapUnitWord* word = FindByName(kCapUnits, name);
  return word ? std::optional(*word) : std::nullopt;
}

std::optional<SlaAction> FindSlaAction(std::string_view name) {
  const SlaActionWord* word = FindByName(kSlaActions, name);
  return word ? std::optional(word->action) : std::nullopt;
}

std::optional<WorkingUnitWord> FindWorkingUnit(std::string_view name) {
  for (const WorkingUnitWord& word : kWorkingUnits) {
    if (word.name == name || word.singular == name) return word;
  }
  return std::nullopt;
}

bool IsChannel(std::string_view name) {
  return std::find(kChannels.begin(), kChannels.end(), name) != kChannels.end();
}

absl::Status CheckExtraChannels(const std::vector<std::string>& names) {
  constexpr size_t kMaxChannelBytes = 32;
  for (size_t i = 0; i < names.size(); ++i) {
    const std::string& name = names[i];
    const bool word = !name.empty() && lexical::IsWordStart(name[0]) &&
                      std::all_of(name.begin(), name.end(), lexical::IsWordChar);
    if (!word || name.size() > kMaxChannelBytes) {
      return absl::InvalidArgumentError(
          absl::StrCat("channel \"", name,
                       "\" is not a name: a letter or `_`, then letters, digits or `_`, at most ",
                       kMaxChannelBytes, " bytes"));
    }
    if (lexical::IsReservedWord(name)) {
      return absl::InvalidArgumentError(
          absl::StrCat("channel \"", name, "\" is a reserved word of the rule language"));
    }
    if (IsChannel(name)) {
      return absl::InvalidArgumentError(
          absl::StrCat("channel \"", name, "\" is built in; list only extra channels"));
    }
    if (std::find(names.begin(), names.begin() + static_cast<std::ptrdiff_t>(i), name) !=
        names.begin() + static_cast<std::ptrdiff_t>(i)) {
      return absl::InvalidArgumentError(absl::StrCat("channel \"", name, "\" is listed twice"));
    }
  }
  return absl::OkStatus();
}

}  // namespace leadrouter::dsl
