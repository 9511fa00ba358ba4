#include "server/roster/rep_performance_history.h"

#include <limits>
#include <optional>

#include "server/api/dsl_binding.h"
#include "storage/span_facts.h"

namespace leadrouter::server {

namespace v1 = leadrouter::v1;

absl::Status RebuildRepPerformance(const storage::ReadView& view, int64_t now_us,
                                   RepPerformanceTracker& tracker) {
  const int64_t from_us = now_us - absl::ToInt64Microseconds(tracker.options().window);
  // Through now included: a span opened in the very microsecond of the start counts too.
  const int64_t to_us = now_us == std::numeric_limits<int64_t>::max() ? now_us : now_us + 1;
  absl::Status status;
  tracker.Fill([&](dsl::PerformanceLedger& ledger) {
    status = storage::ForEachSpanFact(
        view, from_us, to_us, [&](const storage::SpanFact& span) -> absl::Status {
          const std::string rep = IdOf(span.rep());
          ledger.Assigned(span.lead(), rep, span.decide_us(),
                          span.has_sla_deadline_us()
                              ? std::optional<int64_t>(span.sla_deadline_us())
                              : std::nullopt);
          if (span.has_first_contact_us()) {
            ledger.FirstContact(span.lead(), rep, span.first_contact_us(),
                                span.first_contact_within_sla());
          }
          if (span.end_kind() == v1::ASSIGNMENT_KIND_UNSPECIFIED) return absl::OkStatus();
          // As the conversion report: the outcome is the owner's when the lead closed in their
          // hands.
          const v1::LeadState state = span.closed_state();
          if (span.end_kind() == v1::ASSIGNMENT_KIND_CLOSE &&
              (state == v1::LEAD_STATE_CONVERTED || state == v1::LEAD_STATE_LOST)) {
            ledger.Closed(span.lead(), state == v1::LEAD_STATE_CONVERTED);
          } else {
            ledger.Ended(span.lead());
          }
          return absl::OkStatus();
        });
  });
  return status;
}

}  // namespace leadrouter::server
