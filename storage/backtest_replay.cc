#include "storage/backtest_replay.h"

#include <algorithm>
#include <optional>
#include <set>
#include <unordered_set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "dsl/base/status_macros.h"
#include "google/protobuf/util/time_util.h"
#include "storage/assignment_store.h"
#include "storage/counter_store.h"
#include "storage/key_codec.h"
#include "storage/rep_store.h"

namespace leadrouter::storage {
namespace {

namespace v1 = leadrouter::v1;
using google::protobuf::util::TimeUtil;

// The sequences after which a rep change was committed (rep_versions keys): a decision with a
// higher sequence sees the change.
absl::StatusOr<std::set<uint64_t>> RepChangePoints(const ReadView& view) {
  std::set<uint64_t> points;
  RETURN_IF_ERROR(view.Scan(ColumnFamily::kRepVersions, "", "", ScanOrder::kAscending,
                            [&](absl::string_view key, absl::string_view) -> absl::StatusOr<bool> {
                              KeyReader reader(key);
                              ASSIGN_OR_RETURN(const std::string name, reader.String());
                              ASSIGN_OR_RETURN(const uint64_t last, reader.U64());
                              points.insert(last);
                              return true;
                            }));
  return points;
}

absl::Status AddDeltas(const HistoryRecord& record, std::vector<dsl::StateDelta>& out) {
  for (const StoredDelta& delta : record.deltas()) out.push_back(FromStoredDelta(delta));
  return absl::OkStatus();
}

absl::StatusOr<PastDecision> ReadPastDecision(const ReadView& view, HistoryRecord record) {
  ASSIGN_OR_RETURN(std::optional<v1::Explanation> explanation,
                   ReadExplanation(view, record.sequence()));
  if (!explanation.has_value()) {
    return absl::FailedPreconditionError(
        absl::StrCat(record.assignment().name(),
                     " has no stored explanation: the lead as it was decided is unknown"));
  }
  PastDecision past;
  past.sequence = record.sequence();
  past.lead = std::move(*explanation->mutable_lead_snapshot());
  for (const std::string& rep : explanation->excluded_reps()) {
    past.excluded_rep_ids.push_back(std::string(absl::StripPrefix(rep, "reps/")));
  }
  past.entry = std::move(*record.mutable_assignment());
  return past;
}

}  // namespace

absl::StatusOr<StoredBacktest> LoadBacktest(const ReadView& view, int64_t from_us, int64_t to_us,
                                            size_t max_leads, dsl::InMemoryDecisionState& start) {
  std::vector<HistoryRecord> history;
  RETURN_IF_ERROR(ListAllHistory(view, [&](const HistoryRecord& record) {
    history.push_back(record);
    return true;
  }));
  // Commit order: sequences are handed out in commit order by the single writer.
  std::sort(history.begin(), history.end(), [](const HistoryRecord& a, const HistoryRecord& b) {
    return a.sequence() < b.sequence();
  });

  // The replayed entries: each lead's first ASSIGN entry, when it falls in the range.
  std::unordered_set<std::string> seen;
  std::vector<size_t> replayed;
  StoredBacktest out;
  for (size_t i = 0; i < history.size(); ++i) {
    const v1::Assignment& entry = history[i].assignment();
    if (entry.kind() != v1::ASSIGNMENT_KIND_ASSIGN || !seen.insert(entry.lead()).second) continue;
    const int64_t at = TimeUtil::TimestampToMicroseconds(entry.decide_time());
    if (at < from_us || at >= to_us) continue;
    if (replayed.size() == max_leads) {
      out.truncated = true;
      break;
    }
    replayed.push_back(i);
  }
  if (replayed.empty()) return out;

  for (size_t i = 0; i < replayed.front(); ++i) {
    for (const StoredDelta& delta : history[i].deltas()) start.Apply(FromStoredDelta(delta));
  }
  ASSIGN_OR_RETURN(const std::set<uint64_t> changes, RepChangePoints(view));
  uint64_t roster_seen_at = 0;  // the sequence whose roster the last PastRoster holds
  size_t next = 0;              // index into `replayed`
  PastDeltas between;
  for (size_t i = replayed.front(); i <= replayed.back(); ++i) {
    HistoryRecord& record = history[i];
    if (next == replayed.size() || replayed[next] != i) {
      RETURN_IF_ERROR(AddDeltas(record, between.deltas));
      continue;
    }
    ++next;
    if (!between.deltas.empty()) out.steps.emplace_back(std::exchange(between, PastDeltas{}));
    const uint64_t sequence = record.sequence();
    // A new roster when a rep change was committed since the last roster's decision.
    if (roster_seen_at == 0 ||
        changes.lower_bound(roster_seen_at) != changes.lower_bound(sequence)) {
      ASSIGN_OR_RETURN(std::vector<v1::Rep> reps, RepsAsOf(view, sequence));
      out.steps.emplace_back(PastRoster{std::move(reps)});
    }
    roster_seen_at = sequence;
    ASSIGN_OR_RETURN(PastDecision past, ReadPastDecision(view, std::move(record)));
    out.steps.emplace_back(std::move(past));
  }
  return out;
}

}  // namespace leadrouter::storage
