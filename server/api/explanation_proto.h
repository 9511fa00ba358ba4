// The decision's explanation (dsl/decision/explanation.h) as the API's messages
// (explanation.proto), and back to text for people (ExplainResponse.text, `leadctl explain`).
#pragma once

#include <string>
#include <vector>

#include "dsl/base/diagnostics.h"
#include "dsl/base/source.h"
#include "dsl/compile/program.h"
#include "dsl/decision/availability.h"
#include "dsl/decision/explanation.h"
#include "leadrouter/v1/common.pb.h"
#include "leadrouter/v1/explanation.pb.h"
#include "leadrouter/v1/rules.pb.h"

namespace leadrouter::server {

// `source` is the rule file the program was compiled from: it names the file and locates every
// span of the SourceRanges.
leadrouter::v1::SourceRange ToRangeProto(const dsl::SourceFile& source, dsl::SourceSpan span);
leadrouter::v1::RuleRef ToRuleRefProto(const dsl::RuleRef& rule, const dsl::SourceFile& source);

// The full trace. Rep ids become `reps/{id}`, the lead `leads/{id}`; lead_snapshot is left to the
// caller (it holds the API lead the rules saw).
leadrouter::v1::Explanation ToExplanationProto(const dsl::Explanation& explanation,
                                               const dsl::SourceFile& source);

// The short form stored with every history entry.
leadrouter::v1::ExplanationSummary ToSummaryProto(const dsl::Explanation& explanation);

leadrouter::v1::Outcome ToOutcomeProto(dsl::Outcome outcome);
// Why a rep is unavailable (dsl/decision/availability.h), as a candidate's removal shows it; for
// the target of a manual reassign, which the rules did not judge.
leadrouter::v1::Removal ToRemovalProto(const dsl::Availability& availability);
leadrouter::v1::UnassignedReason ToUnassignedReasonProto(dsl::UnassignedReason reason);

// Rule diagnostics with file, line and column.
std::vector<leadrouter::v1::Diagnostic> ToDiagnosticsProto(
    const dsl::SourceFile& source, const std::vector<dsl::Diagnostic>& diagnostics);

// What a UI needs to show each rule of `program` (the otherwise fallback last). `version` goes
// into every RuleRef.
std::vector<leadrouter::v1::RuleInfo> ToRuleInfos(const dsl::Program& program,
                                                  const dsl::SourceFile& source, int64_t version);

// The stored explanation as indented text, one line per rule and per candidate.
std::string RenderExplanationText(const leadrouter::v1::Explanation& explanation);

}  // namespace leadrouter::server
