#include "server/reports/owner_spans.h"

#include "storage/span_facts.h"

namespace leadrouter::server {
namespace {

bool InScope(const ReportScope& scope, const storage::SpanFact& span) {
  if (!scope.kinds.contains(span.kind())) return false;
  if (!scope.reps.empty() && !scope.reps.contains(span.rep())) return false;
  if (!scope.team.empty() && (!span.rep_known() || span.team() != scope.team)) return false;
  if (!scope.rules.empty() && !scope.rules.contains(span.rule().name())) return false;
  if (!scope.rule_versions.empty() && !scope.rule_versions.contains(span.rule_version())) {
    return false;
  }
  if (!scope.sources.empty() && !scope.sources.contains(span.source())) return false;
  return true;
}

}  // namespace

absl::Status ForEachOwnerSpan(const storage::ReadView& view, const ReportScope& scope,
                              absl::FunctionRef<absl::Status(const storage::SpanFact&)> visit) {
  return storage::ForEachSpanFact(view, scope.start_us, scope.end_us,
                                  [&](const storage::SpanFact& span) -> absl::Status {
                                    if (!InScope(scope, span)) return absl::OkStatus();
                                    return visit(span);
                                  });
}

}  // namespace leadrouter::server
