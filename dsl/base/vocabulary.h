// The fixed word lists of the rule language, each spelled here once: the strategies of
// `distribute`, the units of `cap`, the actions of `sla ... then`, the channels of `followup` and
// the units of working time (`4 working hours`).
// (The builtin functions have their own table: dsl/base/builtins.h.)
//
// The parser reads these words through the tables, the grammar's error messages and the parser's
// hints list them from the tables (dsl/syntax/internal/grammar_errors.h), and the formatter, the
// Program dump and explanations write them from the tables; adding a word here adds it everywhere.
// The tables are constexpr so that messages built from them are constants too.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"

namespace leadrouter::dsl {

// ---------------------------------------------------------------------------------------------
// Strategies: `distribute round_robin`, `distribute balanced(quality)`, ...

enum class StrategyKind { kRoundRobin, kLeastLoaded, kBalanced, kWeighted, kSticky };

struct StrategyWord {
  StrategyKind kind;
  std::string_view name;
  // balanced, weighted and sticky take one expression; the others none.
  bool takes_argument;
  // The argument a "needs an argument" hint suggests: `balanced(quality)`.
  std::string_view example_argument;
};

// In StrategyKind order.
inline constexpr std::array<StrategyWord, 5> kStrategies = {{
    {StrategyKind::kRoundRobin, "round_robin", false, ""},
    {StrategyKind::kLeastLoaded, "least_loaded", false, ""},
    {StrategyKind::kBalanced, "balanced", true, "quality"},
    {StrategyKind::kWeighted, "weighted", true, "quality"},
    {StrategyKind::kSticky, "sticky", true, "lead.account"},
}};

// `balanced(quality) by tier [80, 50]`: at most this many thresholds (so at most this many bands
// are kept even by count; the band below the lowest threshold is evened out by the sum alone).
inline constexpr size_t kMaxBalanceTiers = 4;

// ---------------------------------------------------------------------------------------------
// Cap units: `cap 20/day`, `cap 40 open`.

enum class CapUnit { kDay, kWeek, kMonth, kOpen };

struct CapUnitWord {
  CapUnit unit;
  std::string_view name;
  // A calendar period, written after a slash (`20/day`); otherwise after the limit (`40 open`).
  bool per_period;
};

// In CapUnit order, shortest period first.
inline constexpr std::array<CapUnitWord, 4> kCapUnits = {{
    {CapUnit::kDay, "day", true},
    {CapUnit::kWeek, "week", true},
    {CapUnit::kMonth, "month", true},
    {CapUnit::kOpen, "open", false},
}};

// The names of the units written after a slash (day, week, month) when `per_period`, else of the
// others (open), in table order.
template <bool per_period>
constexpr auto CapUnitNames() {
  constexpr size_t n = [] {
    size_t count = 0;
    for (const CapUnitWord& unit : kCapUnits) count += unit.per_period == per_period ? 1 : 0;
    return count;
  }();
  std::array<std::string_view, n> names;
  size_t i = 0;
  for (const CapUnitWord& unit : kCapUnits) {
    if (unit.per_period == per_period) names[i++] = unit.name;
  }
  return names;
}

// ---------------------------------------------------------------------------------------------
// SLA actions: `sla 4h then reassign`, `sla 15m then notify, 1h then escalate "team:sales"`.

// kNotify came last so that the values of the first two stay what they were.
enum class SlaAction { kReassign, kEscalate, kNotify };

struct SlaActionWord {
  SlaAction action;
  std::string_view name;
};

// In SlaAction order.
inline constexpr std::array<SlaActionWord, 3> kSlaActions = {{
    {SlaAction::kReassign, "reassign"},
    {SlaAction::kEscalate, "escalate"},
    {SlaAction::kNotify, "notify"},
}};

// The most steps one `sla` may chain (`sla 15m then notify, 1h then reassign, ...`).
inline constexpr size_t kMaxSlaSteps = 10;

// The prefixes of an escalation target: `escalate "team:enterprise"`, `escalate "rep:r-17"`.
inline constexpr std::string_view kEscalateTeamPrefix = "team:";
inline constexpr std::string_view kEscalateRepPrefix = "rep:";

// ---------------------------------------------------------------------------------------------
// Follow-up channels: `followup phone within 1h`. In the order of leadrouter.v1.Channel
// (CHANNEL_PHONE = 1, ...), whose names are these in upper case.

inline constexpr std::array<std::string_view, 7> kChannels = {"phone",  "email", "sms",  "wechat",
                                                              "social", "im",    "visit"};

// ---------------------------------------------------------------------------------------------
// Units of working time: `90 working minutes`, `4 working hours`, `1 working day`. The word
// `working` is not reserved: it only has this meaning after the number of a duration.

inline constexpr std::string_view kWorkingWord = "working";

enum class WorkingUnit { kMinutes, kHours, kDays };

struct WorkingUnitWord {
  WorkingUnit unit;
  std::string_view name;      // plural: `hours`
  std::string_view singular;  // `hour`; either form is accepted after any number
  // Seconds of working time per unit; 0 for days, which are counted as days (work_duration.h).
  int64_t seconds;
};

// In WorkingUnit order.
inline constexpr std::array<WorkingUnitWord, 3> kWorkingUnits = {{
    {WorkingUnit::kMinutes, "minutes", "minute", 60},
    {WorkingUnit::kHours, "hours", "hour", 3600},
    {WorkingUnit::kDays, "days", "day", 0},
}};

// ---------------------------------------------------------------------------------------------
// Lookups

std::string_view StrategyName(StrategyKind kind);  // "round_robin", "balanced", ...
std::string_view CapUnitName(CapUnit unit);        // "day", "week", "month", "open"
std::string_view SlaActionName(SlaAction action);  // "reassign", "escalate"

// A cap as the language writes it: "20/day", "40 open".
std::string WrittenCap(int64_t limit, CapUnit unit);

// The table entry of a word as written; nullopt when the language has no such word.
std::optional<StrategyWord> FindStrategy(std::string_view name);
std::optional<CapUnitWord> FindCapUnit(std::string_view name);
std::optional<SlaAction> FindSlaAction(std::string_view name);
// A unit after `working`, plural or singular: `hours`, `hour`.
std::optional<WorkingUnitWord> FindWorkingUnit(std::string_view name);
// A built-in channel (kChannels). Channels configured on top of them are a compile option
// (CompileOptions::extra_channels).
bool IsChannel(std::string_view name);

// A configured list of extra channels (CompileOptions::extra_channels): each a name of the
// language (a letter or `_`, then letters, digits, `_`; at most 32 bytes), not a reserved word, not
// a built-in channel, each once. InvalidArgument naming the first offender otherwise.
absl::Status CheckExtraChannels(const std::vector<std::string>& names);

const StrategyWord& StrategyWordOf(StrategyKind kind);
const CapUnitWord& CapUnitWordOf(CapUnit unit);
const WorkingUnitWord& WorkingUnitWordOf(WorkingUnit unit);

// The `name` of every entry, in table order: candidates for did-you-mean hints.
template <typename Word, size_t N>
constexpr std::array<std::string_view, N> NamesOf(const std::array<Word, N>& table) {
  std::array<std::string_view, N> names;
  for (size_t i = 0; i < N; ++i) names[i] = table[i].name;
  return names;
}

}  // namespace leadrouter::dsl
