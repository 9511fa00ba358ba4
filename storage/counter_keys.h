// Keys of the `counters` column family: what the caps and strategies of a decision read.
//
//   rep scope:       0x01 rep        kind period
//                    kind: day, week, month (count, quality sum), open
//   rule-rep scope:  0x02 rule rep   kind period
//                    kind: day, week, month (count, balanced sum), open, turn (round-robin /
//                    weighted state)
//   rule scope:      0x03 rule       kind period
//                    kind: rule state (weighted virtual time)
//
// Calendar counters have one key per period (dsl::PeriodIds: local day number, the day number of
// the week's Monday, year*12+month), so a new day starts from an absent key, i.e. zero, with no
// job at midnight, and past periods stay as a per-day record of who received what. Open, turn and
// rule-state counters use period 0.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace leadrouter::storage {

enum class CounterScope : uint8_t { kRep = 1, kRuleRep = 2, kRule = 3 };
enum class CounterKind : uint8_t {
  kDay = 1,
  kWeek = 2,
  kMonth = 3,
  kOpen = 4,
  kTurn = 5,
  kRuleState = 6,
};

struct CounterKey {
  CounterScope scope = CounterScope::kRep;
  std::string rule;  // empty in rep scope
  std::string rep;   // empty in rule scope
  CounterKind kind = CounterKind::kDay;
  int64_t period = 0;

  friend bool operator==(const CounterKey&, const CounterKey&) = default;
};

std::string EncodeCounterKey(const CounterKey& key);

// The same bytes in two steps, for readers of several kinds of one rep (or rule, or rule and rep):
// EncodeCounterKey(key) == EncodeCounterKey(EncodeCounterKeyPrefix(key.scope, key.rule, key.rep),
// key.kind, key.period). `rule` is ignored in rep scope, `rep` in rule scope.
std::string EncodeCounterKeyPrefix(CounterScope scope, std::string_view rule, std::string_view rep);
std::string EncodeCounterKey(std::string prefix, CounterKind kind, int64_t period);
// DATA_LOSS for a key that is not a counter key of this layout.
[[nodiscard]] absl::StatusOr<CounterKey> DecodeCounterKey(absl::string_view key);

// Readable form for log lines: "rep reps/ana day 20550", "rule r1 rep reps/ana open".
std::string DescribeCounterKey(const CounterKey& key);

}  // namespace leadrouter::storage
