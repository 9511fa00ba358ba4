#include "server/rules/rule_tester.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "dsl/base/status_macros.h"
#include "dsl/decision/decide.h"
#include "dsl/decision/distribution_tally.h"
#include "dsl/decision/in_memory_decision_state.h"
#include "dsl/decision/roster_lint.h"
#include "google/protobuf/util/time_util.h"
#include "server/api/dsl_binding.h"
#include "server/api/errors.h"
#include "server/api/explanation_proto.h"
#include "server/api/validation.h"
#include "storage/assignment_store.h"
#include "storage/backtest_response.h"
#include "storage/counter_store.h"
#include "storage/read_view.h"
#include "storage/rule_version_store.h"

namespace leadrouter::server {
namespace {

namespace v1 = leadrouter::v1;
using google::protobuf::util::TimeUtil;

absl::Status CheckSourceSize(const std::string& source) {
  if (source.size() > kMaxRuleSourceBytes) {
    return TooLarge("source",
                    absl::StrCat("rule source is ", source.size(), " bytes; the limit is ",
                                 kMaxRuleSourceBytes, " (1 MiB)"),
                    "SOURCE_TOO_LARGE");
  }
  return CheckText(source, "source", kMaxRuleSourceBytes, false);
}

std::string FirstError(const std::vector<v1::Diagnostic>& diagnostics) {
  for (const v1::Diagnostic& d : diagnostics) {
    if (d.severity() == v1::SEVERITY_ERROR) {
      return absl::StrCat(d.range().file(), ":", d.range().line(), ":", d.range().column(), ": ",
                          d.message());
    }
  }
  return "the rules have errors";
}

}  // namespace

absl::StatusOr<v1::CheckResponse> RuleTester::Check(const v1::CheckRequest& request) const {
  RETURN_IF_ERROR(CheckSourceSize(request.source()));
  RETURN_IF_ERROR(CheckText(request.file_name(), "file_name", 256, false));
  const std::string file_name = request.file_name().empty() ? "inline.rules" : request.file_name();
  const RuleRegistry::Compiled compiled = RuleRegistry::CompileSource(file_name, request.source());
  std::vector<v1::Diagnostic> diagnostics = compiled.diagnostics;
  if (request.check_roster() && compiled.program != nullptr) {
    std::vector<dsl::RepInfo> reps;
    for (const v1::Rep& rep : roster_.List()) reps.push_back(ToRepInfo(rep));
    for (v1::Diagnostic& d :
         ToDiagnosticsProto(*compiled.source, dsl::LintRoster(*compiled.program, reps))) {
      diagnostics.push_back(std::move(d));
    }
    std::stable_sort(diagnostics.begin(), diagnostics.end(),
                     [](const v1::Diagnostic& a, const v1::Diagnostic& b) {
                       return std::pair(a.range().line(), a.range().column()) <
                              std::pair(b.range().line(), b.range().column());
                     });
  }
  v1::CheckResponse response;
  for (v1::Diagnostic& d : diagnostics) *response.add_diagnostics() = std::move(d);
  response.set_has_errors(compiled.has_errors);
  response.set_content_hash(storage::ContentHash(request.source()));
  if (compiled.program != nullptr) {
    for (v1::RuleInfo& info : ToRuleInfos(*compiled.program, *compiled.source, 0)) {
      *response.add_rules() = std::move(info);
    }
  }
  return response;
}

absl::Status RuleTester::CheckDryRunRequest(const v1::DryRunRequest& request) {
  if (request.leads_size() == 0) return InvalidField("leads", "at least one lead is required");
  if (request.leads_size() > kMaxDryRunLeads) {
    return TooLarge("leads",
                    absl::StrCat(request.leads_size(), " leads; the limit is ", kMaxDryRunLeads),
                    "TOO_MANY_ROWS");
  }
  if (request.include_explanations() && request.leads_size() > kMaxDryRunExplainedLeads) {
    return TooLarge(
        "leads",
        absl::StrCat(request.leads_size(), " leads with include_explanations; the limit is ",
                     kMaxDryRunExplainedLeads),
        "TOO_MANY_ROWS");
  }
  if (request.reps_size() > kMaxDryRunReps) {
    return TooLarge("reps",
                    absl::StrCat(request.reps_size(), " reps; the limit is ", kMaxDryRunReps),
                    "TOO_MANY_ROWS");
  }
  if (request.has_high_quality_threshold() && !std::isfinite(request.high_quality_threshold())) {
    return InvalidField("high_quality_threshold", "must be a finite number");
  }
  if (request.has_start_time()) RETURN_IF_ERROR(CheckTimestamp(request.start_time(), "start_time"));
  std::set<std::string> names;
  for (int i = 0; i < request.leads_size(); ++i) {
    RETURN_IF_ERROR(CheckLead(request.leads(i), absl::StrCat("leads[", i, "]")));
    if (!names.insert(request.leads(i).name()).second) {
      return InvalidField(absl::StrCat("leads[", i, "].name"),
                          absl::StrCat(request.leads(i).name(), " appears twice"));
    }
  }
  std::set<std::string> rep_names;
  for (int i = 0; i < request.reps_size(); ++i) {
    RETURN_IF_ERROR(CheckRep(request.reps(i), absl::StrCat("reps[", i, "]")));
    if (!rep_names.insert(request.reps(i).name()).second) {
      return InvalidField(absl::StrCat("reps[", i, "].name"),
                          absl::StrCat(request.reps(i).name(), " appears twice"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<RuleTester::RulesUnderTest> RuleTester::CompileInline(
    const std::string& source, const std::string& file_name,
    google::protobuf::RepeatedPtrField<v1::Diagnostic>& warnings) const {
  RETURN_IF_ERROR(CheckSourceSize(source));
  RETURN_IF_ERROR(CheckText(file_name, "file_name", 256, false));
  RuleRegistry::Compiled compiled =
      RuleRegistry::CompileSource(file_name.empty() ? "inline.rules" : file_name, source);
  if (compiled.has_errors) {
    return WithDiagnostics(
        WithReason(absl::InvalidArgumentError(FirstError(compiled.diagnostics)), "RULE_ERRORS"),
        compiled.diagnostics);
  }
  for (const v1::Diagnostic& d : compiled.diagnostics) *warnings.Add() = d;
  return RulesUnderTest{compiled.program, compiled.source, 0};
}

absl::StatusOr<RuleTester::RulesUnderTest> RuleTester::LoadVersion(int64_t version) const {
  if (version <= 0) return InvalidField("version", "must be >= 1");
  storage::DatabaseView view(storage_.database());
  ASSIGN_OR_RETURN(std::optional<v1::RuleVersion> stored,
                   storage::ReadRuleVersion(view, static_cast<uint64_t>(version)));
  if (!stored.has_value()) return NotFound(absl::StrCat("rules/versions/", version));
  RuleRegistry::Compiled compiled =
      RuleRegistry::CompileSource(stored->file_name(), stored->source());
  if (compiled.has_errors) {
    return WithDiagnostics(Precondition("RULE_ERRORS", stored->name(),
                                        absl::StrCat(stored->name(), " no longer compiles: ",
                                                     FirstError(compiled.diagnostics))),
                           compiled.diagnostics);
  }
  return RulesUnderTest{compiled.program, compiled.source, version};
}

absl::StatusOr<RuleTester::RulesUnderTest> RuleTester::ActiveRulesUnderTest() const {
  const std::shared_ptr<const ActiveRules> active = rules_.Active();
  if (active->program == nullptr) {
    return Precondition("NO_ACTIVE_RULES", "rules/versions/active",
                        "no rule version is published; pass source or version");
  }
  return RulesUnderTest{active->program, active->source, active->version};
}

absl::StatusOr<uint64_t> RuleTester::LoadStartState(const v1::DryRunRequest& request,
                                                    const dsl::Program& program,
                                                    const dsl::Roster& roster, int64_t start,
                                                    dsl::InMemoryDecisionState& state) const {
  if (!request.start_from_current_load()) return 1;
  storage::DatabaseView view(storage_.database());
  std::vector<std::string_view> rep_ids;
  rep_ids.reserve(roster.size());
  for (const dsl::RepInfo& rep : roster.reps()) rep_ids.push_back(rep.id);
  RETURN_IF_ERROR(state.CopyFrom(storage::StoredDecisionState(view), rep_ids,
                                 dsl::RuleKeys(program), calendar_.Locate(start)));
  ASSIGN_OR_RETURN(const uint64_t last, storage::LastAssignmentSequence(view));
  // Simulated decisions are numbered after the stored ones, so that round robin compares their
  // turns with the stored turns correctly.
  return last + 1;
}

namespace {

// One decided lead into its result line and the tally.
void RecordResult(const v1::Lead& lead, const dsl::Record& fields, int64_t at,
                  const dsl::Decision& decision, const dsl::SourceFile& source,
                  bool include_explanation, v1::DryRunResult& result, dsl::DistributionTally& tally,
                  std::vector<size_t>& rule_hits) {
  result.set_lead(lead.name());
  result.set_outcome(ToOutcomeProto(decision.outcome));
  result.mutable_decide_time()->set_seconds(at);
  if (decision.explanation.decided_by) {
    *result.mutable_rule() = ToRuleRefProto(*decision.explanation.decided_by, source);
  }
  *result.mutable_summary() = ToSummaryProto(decision.explanation);
  if (include_explanation) {
    *result.mutable_explanation() = ToExplanationProto(decision.explanation, source);
  }
  if (decision.rule_index && *decision.rule_index < rule_hits.size()) {
    ++rule_hits[*decision.rule_index];
  }
  if (dsl::PicksRep(decision.outcome) && decision.rep_index) {
    result.set_rep(RepName(decision.rep_id));
    tally.AddGiven(*decision.rep_index, decision.outcome, fields);
    return;
  }
  result.set_unassigned_reason(ToUnassignedReasonProto(decision.unassigned_reason));
  tally.AddUnassigned(decision.unassigned_reason);
}

}  // namespace

absl::StatusOr<v1::DryRunResponse> RuleTester::DryRun(const v1::DryRunRequest& request,
                                                      const CallContext& call) const {
  RETURN_IF_ERROR(CheckDryRunRequest(request));
  v1::DryRunResponse response;
  ASSIGN_OR_RETURN(const RulesUnderTest rules,
                   ResolveRules(request, *response.mutable_diagnostics()));
  const dsl::Program& program = *rules.program;
  response.set_version(rules.version);

  std::vector<v1::Rep> reps(request.reps().begin(), request.reps().end());
  if (reps.empty()) reps = roster_.List();
  std::vector<dsl::RepInfo> infos;
  infos.reserve(reps.size());
  for (const v1::Rep& rep : reps) infos.push_back(ToRepInfo(rep));
  absl::StatusOr<dsl::Roster> roster = dsl::Roster::Bind(rules.program, std::move(infos));
  if (!roster.ok()) return InvalidField("reps", roster.status().message());

  const double threshold =
      request.has_high_quality_threshold() ? request.high_quality_threshold() : dsl::kHighQuality;
  const int64_t start =
      request.has_start_time() ? request.start_time().seconds() : absl::ToUnixSeconds(absl::Now());
  dsl::InMemoryDecisionState state;
  ASSIGN_OR_RETURN(const uint64_t first_sequence,
                   LoadStartState(request, program, *roster, start, state));

  dsl::DecisionWorkspace workspace;
  dsl::DistributionTally tally(roster->size(), threshold);
  std::vector<size_t> rule_hits(program.rules().size() + (program.has_otherwise() ? 1 : 0), 0);
  // Fairness counts the reps that could receive leads: those that passed every filter of the
  // deciding rule for at least one lead (as `leadctl dry-run` counts them).
  std::vector<bool> eligible(roster->size(), false);
  for (int i = 0; i < request.leads_size(); ++i) {
    if (i % 256 == 0) {
      RETURN_IF_ERROR(call.CheckDeadline());
    }
    v1::Lead lead = request.leads(i);
    if (scores_ != nullptr && !lead.has_score()) {
      // As Assign: the client's score wins, else the active model's.
      ASSIGN_OR_RETURN(const std::optional<LeadScore> scored, scores_->Score(lead));
      if (scored.has_value()) lead.set_score(scored->score);
    }
    const int64_t at = lead.has_create_time() ? lead.create_time().seconds() : start;
    dsl::DecideOptions options;
    options.rule_version = rules.version;
    options.lead_id = IdOf(lead.name());
    options.explain = true;
    const dsl::Record fields = program.BindLead(LeadAttributes(lead));
    ASSIGN_OR_RETURN(dsl::Decision decision,
                     dsl::Decide(program, fields, *roster, state,
                                 {at, first_sequence + static_cast<uint64_t>(i)}, calendar_,
                                 options, workspace));
    if (decision.delta) {
      state.Apply(*decision.delta);
      for (const uint32_t r : workspace.last_eligible()) eligible[r] = true;
    }
    RecordResult(lead, fields, at, decision, *rules.source, request.include_explanations(),
                 *response.add_results(), tally, rule_hits);
  }
  const std::vector<v1::RuleInfo> rule_infos = ToRuleInfos(program, *rules.source, rules.version);
  std::vector<storage::SummaryRule> rule_rows;
  for (size_t r = 0; r < rule_infos.size() && r < rule_hits.size(); ++r) {
    rule_rows.push_back({rule_infos[r].rule(), rule_hits[r]});
  }
  *response.mutable_summary() = storage::ToDistributionSummary(
      tally, roster->reps(), tally.FairnessOver(eligible), rule_rows);
  return response;
}

}  // namespace leadrouter::server
