#include "storage/counter_keys.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "dsl/base/status_macros.h"
#include "storage/key_codec.h"

namespace leadrouter::storage {
namespace {

const char* KindName(CounterKind kind) {
  switch (kind) {
    case CounterKind::kDay:
      return "day";
    case CounterKind::kWeek:
      return "week";
    case CounterKind::kMonth:
      return "month";
    case CounterKind::kOpen:
      return "open";
    case CounterKind::kTurn:
      return "turn";
    case CounterKind::kRuleState:
      return "rule-state";
  }
  return "unknown";
}

}  // namespace

std::string EncodeCounterKeyPrefix(CounterScope scope, std::string_view rule,
                                   std::string_view rep) {
  KeyWriter writer;
  writer.Byte(static_cast<uint8_t>(scope));
  if (scope != CounterScope::kRep) writer.String(absl::string_view(rule.data(), rule.size()));
  if (scope != CounterScope::kRule) writer.String(absl::string_view(rep.data(), rep.size()));
  return std::move(writer).key();
}

std::string EncodeCounterKey(std::string prefix, CounterKind kind, int64_t period) {
  KeyWriter writer(std::move(prefix));
  writer.Byte(static_cast<uint8_t>(kind)).I64(period);
  return std::move(writer).key();
}

std::string EncodeCounterKey(const CounterKey& key) {
  return EncodeCounterKey(EncodeCounterKeyPrefix(key.scope, key.rule, key.rep), key.kind,
                          key.period);
}

absl::StatusOr<CounterKey> DecodeCounterKey(absl::string_view bytes) {
  KeyReader reader(bytes);
  CounterKey key;
  ASSIGN_OR_RETURN(uint8_t scope, reader.Byte());
  if (scope < 1 || scope > 3) return absl::DataLossError("counter key with unknown scope");
  key.scope = static_cast<CounterScope>(scope);
  if (key.scope != CounterScope::kRep) {
    ASSIGN_OR_RETURN(std::string rule, reader.String());
    key.rule = std::move(rule);
  }
  if (key.scope != CounterScope::kRule) {
    ASSIGN_OR_RETURN(std::string rep, reader.String());
    key.rep = std::move(rep);
  }
  ASSIGN_OR_RETURN(uint8_t kind, reader.Byte());
  if (kind < 1 || kind > 6) return absl::DataLossError("counter key with unknown kind");
  key.kind = static_cast<CounterKind>(kind);
  ASSIGN_OR_RETURN(int64_t period, reader.I64());
  key.period = period;
  if (!reader.done()) return absl::DataLossError("counter key with trailing bytes");
  return key;
}

std::string DescribeCounterKey(const CounterKey& key) {
  std::string out;
  if (key.scope != CounterScope::kRep) absl::StrAppend(&out, "rule ", key.rule, " ");
  if (key.scope != CounterScope::kRule) absl::StrAppend(&out, "rep ", key.rep, " ");
  absl::StrAppend(&out, KindName(key.kind));
  if (key.period != 0) absl::StrAppend(&out, " ", key.period);
  return out;
}

}  // namespace leadrouter::storage
