#include "assign_harness.h"

#include <latch>
#include <thread>

#include "absl/strings/str_cat.h"
#include "dsl/base/source.h"
#include "dsl/base/status_macros.h"
#include "dsl/compile/compiler.h"
#include "leadrouter/v1/assignment.pb.h"
#include "storage/assignment_store.h"
#include "storage/counter_store.h"
#include "storage/idempotency_store.h"
#include "storage/lead_store.h"

namespace leadrouter::storage::testing {

absl::StatusOr<std::unique_ptr<AssignHarness>> AssignHarness::Create(
    CommitQueue& commits, const std::string& rules, const std::vector<std::string>& rep_ids) {
  dsl::CompileResult compiled = dsl::Compile(dsl::SourceFile("test.rules", rules));
  if (compiled.program == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("rules do not compile: ", rules));
  }
  std::vector<dsl::RepInfo> reps;
  for (const std::string& id : rep_ids) {
    dsl::RepInfo rep;
    rep.id = id;
    reps.push_back(std::move(rep));
  }
  ASSIGN_OR_RETURN(dsl::Roster roster, dsl::Roster::Bind(compiled.program, std::move(reps)));
  return std::unique_ptr<AssignHarness>(new AssignHarness(commits, std::move(roster)));
}

absl::StatusOr<AssignResult> AssignHarness::Assign(const std::string& lead_id, int64_t now_seconds,
                                                   double quality) {
  const std::string lead_name = absl::StrCat("leads/", lead_id);
  AssignResult result;
  RETURN_IF_ERROR(commits_.Commit([&](WriteTxn& txn) -> absl::Status {
    ASSIGN_OR_RETURN(std::optional<IdempotencyRecord> earlier,
                     ReadIdempotency(txn, "assign", lead_id));
    if (earlier.has_value()) {
      leadrouter::v1::AssignResponse response;
      if (!response.ParseFromString(earlier->response())) {
        return absl::DataLossError("stored response does not parse");
      }
      result.rep = response.lead().owner();
      result.assignment = response.assignment().name();
      result.replayed = true;
      return absl::OkStatus();
    }
    ASSIGN_OR_RETURN(uint64_t sequence, NextAssignmentSequence(txn));
    const dsl::Program& program = roster_.program();
    const dsl::Record lead =
        program.BindLead({{"source", std::string("ads")}, {"quality", quality}});
    StoredDecisionState state(txn);
    dsl::DecideOptions options;
    options.explain = false;
    ASSIGN_OR_RETURN(dsl::Decision decision,
                     dsl::Decide(program, lead, roster_, state, {now_seconds, sequence}, calendar_,
                                 options, workspace_));

    AssignmentChange change;
    change.sequence = sequence;
    change.lead.set_name(lead_name);
    change.lead.set_source("ads");
    change.lead.set_quality(quality);
    const bool assigned = decision.outcome == dsl::Outcome::kAssigned;
    change.lead.set_owner(assigned ? decision.rep_id : "");
    change.lead.set_state(assigned ? leadrouter::v1::LEAD_STATE_OPEN
                                   : leadrouter::v1::LEAD_STATE_UNASSIGNED);
    change.entry.set_outcome(assigned ? leadrouter::v1::OUTCOME_ASSIGNED
                                      : leadrouter::v1::OUTCOME_UNASSIGNED);
    change.entry.set_rep(change.lead.owner());
    change.entry.mutable_rule()->set_name(decision.rule_label);
    change.entry.set_kind(leadrouter::v1::ASSIGNMENT_KIND_ASSIGN);
    change.entry.set_actor("test");
    change.entry.mutable_decide_time()->set_seconds(now_seconds);
    change.delta = decision.delta;
    change.change.actor = "test";
    change.change.action = "lead.assign";
    change.change.now_us = now_seconds * 1'000'000;
    ASSIGN_OR_RETURN(CommittedAssignment stored, CommitAssignment(txn, std::move(change)));

    leadrouter::v1::AssignResponse response;
    *response.mutable_assignment() = stored.entry;
    *response.mutable_lead() = stored.lead.lead();
    IdempotencyRecord record;
    record.set_response(response.SerializeAsString());
    record.mutable_create_time()->set_seconds(now_seconds);
    RETURN_IF_ERROR(WriteIdempotency(txn, "assign", lead_id, record));
    result.rep = stored.lead.lead().owner();
    result.assignment = stored.entry.name();
    return absl::OkStatus();
  }));
  return result;
}

std::vector<absl::StatusOr<AssignResult>> AssignHarness::AssignAtOnce(
    const std::vector<std::string>& lead_ids, int64_t now_seconds) {
  std::vector<absl::StatusOr<AssignResult>> results(lead_ids.size(),
                                                    absl::UnknownError("not called"));
  std::latch start(static_cast<std::ptrdiff_t>(lead_ids.size()));
  std::vector<std::thread> callers;
  callers.reserve(lead_ids.size());
  for (size_t i = 0; i < lead_ids.size(); ++i) {
    callers.emplace_back([&, i] {
      start.arrive_and_wait();
      results[i] = Assign(lead_ids[i], now_seconds);
    });
  }
  for (std::thread& caller : callers) caller.join();
  return results;
}

}  // namespace leadrouter::storage::testing
