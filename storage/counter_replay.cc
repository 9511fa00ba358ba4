#include "storage/counter_replay.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "dsl/base/status_macros.h"
#include "storage/assignment_store.h"
#include "storage/value_codec.h"

namespace leadrouter::storage {
absl::StatusOr<std::optional<std::string>> CountersAsOf::ReplayedView::Get(
    ColumnFamily cf, absl::string_view key) const {
  if (cf != ColumnFamily::kCounters) return base_.Get(cf, key);
  const auto it = counters_.find(std::string(key));
  if (it == counters_.end()) return std::nullopt;
  return EncodeProto(it->second);
}

absl::Status CountersAsOf::ReplayedView::Scan(ColumnFamily cf, absl::string_view begin,
                                              absl::string_view end, ScanOrder order,
                                              ScanVisitor visit) const {
  if (cf != ColumnFamily::kCounters) return base_.Scan(cf, begin, end, order, visit);
  auto first = counters_.lower_bound(std::string(begin));
  auto last = end.empty() ? counters_.end() : counters_.lower_bound(std::string(end));
  std::vector<std::pair<const std::string*, const CounterValue*>> range;
  for (auto it = first; it != last; ++it) range.emplace_back(&it->first, &it->second);
  if (order == ScanOrder::kDescending) std::reverse(range.begin(), range.end());
  for (const auto& [key, value] : range) {
    ASSIGN_OR_RETURN(const bool more, visit(*key, EncodeProto(*value)));
    if (!more) break;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<CountersAsOf>> CountersAsOf::Replay(const ReadView& view,
                                                                   uint64_t sequence) {
  std::unique_ptr<CountersAsOf> past(new CountersAsOf(view));
  // Replay in commit order: sequences are handed out in commit order by the single writer.
  std::vector<std::pair<uint64_t, std::vector<StoredDelta>>> entries;
  RETURN_IF_ERROR(ListAllHistory(view, [&](const HistoryRecord& record) {
    if (record.sequence() < sequence) {
      entries.emplace_back(record.sequence(), std::vector<StoredDelta>(record.deltas().begin(),
                                                                       record.deltas().end()));
    }
    return true;
  }));
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  MapCounterAccess counters(past->counters_);
  for (const auto& [entry, deltas] : entries) {
    for (const StoredDelta& delta : deltas) {
      RETURN_IF_ERROR(ApplyStateDelta(counters, FromStoredDelta(delta)));
    }
  }
  past->entries_ = static_cast<int64_t>(entries.size());
  past->state_ = std::make_unique<StoredDecisionState>(past->view_);
  return past;
}

}  // namespace leadrouter::storage
