// RuleService's Check, DryRun and Backtest: rule source compiled and tried without storing
// anything.
//
// Thread safety: every method may be called from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "dsl/base/source.h"
#include "dsl/compile/program.h"
#include "dsl/decision/in_memory_decision_state.h"
#include "dsl/decision/periods.h"
#include "dsl/decision/roster.h"
#include "leadrouter/v1/rules.pb.h"
#include "server/api/call_context.h"
#include "server/roster/roster_cache.h"
#include "server/rules/rule_registry.h"
#include "server/scoring/score_registry.h"
#include "storage/storage.h"

namespace leadrouter::server {

// DryRun limits (RESOURCE_EXHAUSTED above them).
inline constexpr int kMaxDryRunLeads = 10000;
inline constexpr int kMaxDryRunExplainedLeads = 1000;
inline constexpr int kMaxDryRunReps = 10000;

class RuleTester {
 public:
  // `scores`, when given, scores the DryRun leads sent without `score` with the active model, as
  // Assign does; it must outlive the tester.
  RuleTester(storage::Storage& storage, RuleRegistry& rules, RosterCache& roster,
             dsl::PeriodCalendar calendar, const ScoreRegistry* scores = nullptr)
      : storage_(storage),
        rules_(rules),
        roster_(roster),
        calendar_(std::move(calendar)),
        scores_(scores) {}

  [[nodiscard]] absl::StatusOr<leadrouter::v1::CheckResponse> Check(
      const leadrouter::v1::CheckRequest& request) const;
  [[nodiscard]] absl::StatusOr<leadrouter::v1::DryRunResponse> DryRun(
      const leadrouter::v1::DryRunRequest& request, const CallContext& call) const;
  // Replays past leads with other rules and compares (docs/backtest.md); rule_tester_backtest.cc.
  [[nodiscard]] absl::StatusOr<leadrouter::v1::BacktestResponse> Backtest(
      const leadrouter::v1::BacktestRequest& request, const CallContext& call) const;

 private:
  // The program a dry run tries, with the source its diagnostics point into; version 0 for an
  // inline source.
  struct RulesUnderTest {
    std::shared_ptr<const dsl::Program> program;
    std::shared_ptr<const dsl::SourceFile> source;
    int64_t version = 0;
  };

  // The request's limits and its leads and reps, before anything is compiled or read.
  static absl::Status CheckDryRunRequest(const leadrouter::v1::DryRunRequest& request);
  // The inline source, the stored version or the active rules, as a DryRun or Backtest request
  // says. An inline source's warnings go into `warnings`.
  template <typename Request>
  absl::StatusOr<RulesUnderTest> ResolveRules(
      const Request& request,
      google::protobuf::RepeatedPtrField<leadrouter::v1::Diagnostic>& warnings) const {
    if (request.rules_case() == Request::kSource) {
      return CompileInline(request.source(), request.file_name(), warnings);
    }
    if (request.rules_case() == Request::kVersion) return LoadVersion(request.version());
    return ActiveRulesUnderTest();
  }
  absl::StatusOr<RulesUnderTest> CompileInline(
      const std::string& source, const std::string& file_name,
      google::protobuf::RepeatedPtrField<leadrouter::v1::Diagnostic>& warnings) const;
  absl::StatusOr<RulesUnderTest> LoadVersion(int64_t version) const;
  absl::StatusOr<RulesUnderTest> ActiveRulesUnderTest() const;
  // With start_from_current_load, copies the stored counters the program reads into `state`.
  // Returns the sequence number of the first simulated decision.
  absl::StatusOr<uint64_t> LoadStartState(const leadrouter::v1::DryRunRequest& request,
                                          const dsl::Program& program, const dsl::Roster& roster,
                                          int64_t start, dsl::InMemoryDecisionState& state) const;

  storage::Storage& storage_;
  RuleRegistry& rules_;
  RosterCache& roster_;
  const dsl::PeriodCalendar calendar_;
  const ScoreRegistry* const scores_;
};

}  // namespace leadrouter::server
