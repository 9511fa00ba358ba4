// RuleService's Check and DryRun: rule source compiled and tried without storing anything.
//
// Thread safety: every method may be called from any thread.
#pragma once

#include <utility>

#include "absl/status/statusor.h"
#include "dsl/decision/periods.h"
#include "leadrouter/v1/rules.pb.h"
#include "server/api/call_context.h"
#include "server/roster/roster_cache.h"
#include "server/rules/rule_registry.h"
#include "storage/storage.h"

namespace leadrouter::server {

// DryRun limits (RESOURCE_EXHAUSTED above them).
inline constexpr int kMaxDryRunLeads = 10000;
inline constexpr int kMaxDryRunExplainedLeads = 1000;
inline constexpr int kMaxDryRunReps = 10000;

class RuleTester {
 public:
  RuleTester(storage::Storage& storage, RuleRegistry& rules, RosterCache& roster,
             dsl::PeriodCalendar calendar)
      : storage_(storage), rules_(rules), roster_(roster), calendar_(std::move(calendar)) {}

  [[nodiscard]] absl::StatusOr<leadrouter::v1::CheckResponse> Check(
      const leadrouter::v1::CheckRequest& request) const;
  [[nodiscard]] absl::StatusOr<leadrouter::v1::DryRunResponse> DryRun(
      const leadrouter::v1::DryRunRequest& request, const CallContext& call) const;

 private:
  storage::Storage& storage_;
  RuleRegistry& rules_;
  RosterCache& roster_;
  const dsl::PeriodCalendar calendar_;
};

}  // namespace leadrouter::server
