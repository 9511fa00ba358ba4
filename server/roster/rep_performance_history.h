// The rebuild of the reps' performance facts at start: the owner spans of the window, read from
// the same `span_facts` rows the reports read (storage/span_facts.h), so that a rep's
// `conversion_rate`, `median_first_contact_hours` and `sla_compliance` count what the Conversion
// and FollowUps reports count.
#pragma once

#include <cstdint>

#include "absl/status/status.h"
#include "server/roster/rep_performance_tracker.h"
#include "storage/read_view.h"

namespace leadrouter::server {

// Fills `tracker` with the spans opened in [now_us - window, now_us]: one sequential range of
// `span_facts`.
[[nodiscard]] absl::Status RebuildRepPerformance(const storage::ReadView& view, int64_t now_us,
                                                 RepPerformanceTracker& tracker);

}  // namespace leadrouter::server
