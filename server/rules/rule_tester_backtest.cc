// RuleTester::Backtest: past leads replayed with other rules (docs/backtest.md). The history comes
// from storage::LoadBacktest through one DatabaseView (one RocksDB snapshot: the replay sees a
// consistent past even while commits go on), the replay from dsl::RunBacktest over an in-memory
// copy of the counters. Nothing is written: no transaction is opened, the CommitQueue is never
// called.
#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "dsl/base/status_macros.h"
#include "dsl/decision/backtest.h"
#include "dsl/decision/dry_run.h"
#include "server/api/dsl_binding.h"
#include "server/api/errors.h"
#include "server/api/explanation_proto.h"
#include "server/api/validation.h"
#include "server/rules/rule_tester.h"
#include "storage/backtest_replay.h"
#include "storage/backtest_response.h"
#include "storage/read_view.h"

namespace leadrouter::server {
namespace {

namespace v1 = leadrouter::v1;

constexpr int kDefaultBacktestLeads = 10000;
constexpr int kMaxBacktestLeads = 100000;
constexpr int kDefaultBacktestChanges = 1000;
constexpr int kMaxBacktestChanges = 10000;
constexpr absl::Duration kDefaultBacktestRange = absl::Hours(24 * 30);

int Bounded(int requested, int default_value, int max) {
  return requested == 0 ? default_value : std::min(requested, max);
}

absl::StatusOr<MicrosRange> BacktestRange(const v1::BacktestRequest& request, absl::Time now) {
  const int64_t now_us = absl::ToUnixMicros(now);
  if (!request.has_decide_time()) {
    return MicrosRange{absl::ToUnixMicros(now - kDefaultBacktestRange), now_us};
  }
  ASSIGN_OR_RETURN(MicrosRange range, CheckTimeRange(request.decide_time(), "decide_time"));
  if (!request.decide_time().has_end_time()) range.end_us = now_us;
  if (range.start_us >= range.end_us) {
    return InvalidField("decide_time", "start_time must be before end_time");
  }
  return range;
}

absl::Status CheckBacktestRequest(const v1::BacktestRequest& request) {
  if (request.max_leads() < 0) return InvalidField("max_leads", "must be >= 0");
  if (request.max_changes() < 0) return InvalidField("max_changes", "must be >= 0");
  if (request.has_high_quality_threshold() && !std::isfinite(request.high_quality_threshold())) {
    return InvalidField("high_quality_threshold", "must be a finite number");
  }
  if (request.reps_size() > kMaxDryRunReps) {
    return TooLarge("reps",
                    absl::StrCat(request.reps_size(), " reps; the limit is ", kMaxDryRunReps),
                    "TOO_MANY_ROWS");
  }
  for (int i = 0; i < request.reps_size(); ++i) {
    RETURN_IF_ERROR(CheckRep(request.reps(i), absl::StrCat("reps[", i, "]")));
  }
  return absl::OkStatus();
}

std::vector<dsl::RepInfo> RepInfos(const std::vector<v1::Rep>& reps) {
  std::vector<dsl::RepInfo> infos;
  infos.reserve(reps.size());
  for (const v1::Rep& rep : reps) infos.push_back(ToRepInfo(rep));
  return infos;
}

// The stored steps as dsl's timeline; with `fixed_reps`, every roster step is that one.
std::vector<dsl::BacktestStep> Timeline(std::vector<storage::PastStep>& steps,
                                        const std::vector<v1::Rep>& fixed_reps,
                                        std::vector<v1::Assignment>& actual) {
  std::vector<dsl::BacktestStep> timeline;
  timeline.reserve(steps.size());
  if (!fixed_reps.empty()) timeline.emplace_back(dsl::BacktestRoster{RepInfos(fixed_reps)});
  for (storage::PastStep& step : steps) {
    if (auto* roster = std::get_if<storage::PastRoster>(&step)) {
      if (fixed_reps.empty()) timeline.emplace_back(dsl::BacktestRoster{RepInfos(roster->reps)});
    } else if (auto* deltas = std::get_if<storage::PastDeltas>(&step)) {
      timeline.emplace_back(dsl::BacktestFixedDeltas{std::move(deltas->deltas)});
    } else {
      storage::PastDecision& past = std::get<storage::PastDecision>(step);
      dsl::BacktestLead lead;
      lead.id = IdOf(past.entry.lead());
      lead.attributes = LeadAttributes(past.lead);
      lead.time = past.entry.decide_time().seconds();
      lead.sequence = past.sequence;
      lead.excluded_rep_ids = std::move(past.excluded_rep_ids);
      lead.actual = storage::BacktestActualOf(past.entry);
      timeline.emplace_back(std::move(lead));
      actual.push_back(std::move(past.entry));
    }
  }
  return timeline;
}

}  // namespace

absl::StatusOr<v1::BacktestResponse> RuleTester::Backtest(const v1::BacktestRequest& request,
                                                          const CallContext& call) const {
  RETURN_IF_ERROR(CheckBacktestRequest(request));
  ASSIGN_OR_RETURN(const MicrosRange range, BacktestRange(request, rules_.clock().Now()));
  google::protobuf::RepeatedPtrField<v1::Diagnostic> warnings;
  ASSIGN_OR_RETURN(const RulesUnderTest rules, ResolveRules(request, warnings));
  const std::vector<v1::Rep> fixed_reps(request.reps().begin(), request.reps().end());
  if (!fixed_reps.empty()) {
    absl::StatusOr<dsl::Roster> bound = dsl::Roster::Bind(rules.program, RepInfos(fixed_reps));
    if (!bound.ok()) return InvalidField("reps", bound.status().message());
  }

  const storage::DatabaseView view(storage_.database());
  dsl::InMemoryDecisionState state;
  ASSIGN_OR_RETURN(
      storage::StoredBacktest stored,
      storage::LoadBacktest(view, range.start_us, range.end_us,
                            static_cast<size_t>(Bounded(request.max_leads(), kDefaultBacktestLeads,
                                                        kMaxBacktestLeads)),
                            state));
  RETURN_IF_ERROR(call.CheckDeadline());
  std::vector<v1::Assignment> actual;
  const std::vector<dsl::BacktestStep> timeline = Timeline(stored.steps, fixed_reps, actual);

  const double threshold =
      request.has_high_quality_threshold() ? request.high_quality_threshold() : dsl::kHighQuality;
  storage::BacktestNaming naming;
  for (const v1::RuleInfo& info : ToRuleInfos(*rules.program, *rules.source, rules.version)) {
    naming.candidate_rules.push_back(info.rule());
  }
  naming.summarize = [](const dsl::Explanation& ex) { return ToSummaryProto(ex); };
  dsl::BacktestResult result;
  // With nothing to replay both sides are empty, at the threshold asked for.
  result.actual.tally = result.candidate.tally = dsl::DistributionTally(0, threshold);
  if (!actual.empty()) {
    dsl::BacktestOptions options;
    options.calendar = calendar_;
    options.high_quality_threshold = threshold;
    options.max_changes = static_cast<size_t>(
        Bounded(request.max_changes(), kDefaultBacktestChanges, kMaxBacktestChanges));
    ASSIGN_OR_RETURN(result, dsl::RunBacktest(rules.program, timeline, state, options));
  }
  v1::BacktestResponse response = storage::ToBacktestResponse(result, actual, naming);
  *response.mutable_diagnostics() = std::move(warnings);
  response.set_truncated(stored.truncated);
  response.set_version(rules.version);
  return response;
}

}  // namespace leadrouter::server
