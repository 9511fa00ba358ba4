// The one scan every report reads: the owner spans opened in the scope's range, in decide-time
// order, one sequential range of `span_facts` (storage/span_facts.h), each row holding everything
// the reports need of its span. Nothing else is read, and nothing is written.
#pragma once

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "server/reports/report_scope.h"
#include "storage/read_view.h"
#include "storage_records.pb.h"

namespace leadrouter::server {

// Calls `visit` with each span of the scope that passes its filters (the owner's team as it was
// at the decision); a visit's error stops the scan and is returned. The span lives only during
// its visit.
[[nodiscard]] absl::Status ForEachOwnerSpan(
    const storage::ReadView& view, const ReportScope& scope,
    absl::FunctionRef<absl::Status(const storage::SpanFact&)> visit);

}  // namespace leadrouter::server
