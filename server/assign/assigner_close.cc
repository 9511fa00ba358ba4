// Assigner::CloseLead: a lead closed as won, lost or disqualified, through CommitAssignment so
// that the owner's open-lead count is credited back exactly as a reassign moves it.
#include <spdlog/spdlog.h>

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "google/protobuf/util/time_util.h"
#include "server/api/errors.h"
#include "server/api/validation.h"
#include "server/assign/assigner.h"
#include "server/assign/internal/assigner_internal.h"
#include "server/assign/lead_lifecycle.h"
#include "storage/assignment_store.h"
#include "storage/lead_store.h"

namespace leadrouter::server {
namespace {

namespace v1 = leadrouter::v1;
using assign_internal::kCloseScope;
using google::protobuf::util::TimeUtil;

absl::Status CheckCloseLead(const v1::CloseLeadRequest& request) {
  RETURN_IF_ERROR(ParseName(request.lead(), "leads", "lead").status());
  if (request.resolution() == v1::CLOSE_RESOLUTION_UNSPECIFIED ||
      !v1::CloseResolution_IsValid(request.resolution())) {
    return InvalidField("resolution", "required: WON, LOST or DISQUALIFIED");
  }
  if (request.has_value()) {
    if (request.resolution() != v1::CLOSE_RESOLUTION_WON) {
      return InvalidField("value", "only a WON close has a deal value");
    }
    if (!std::isfinite(request.value()) || request.value() < 0) {
      return InvalidField("value", "must be a finite number >= 0");
    }
  }
  if (request.has_close_time()) RETURN_IF_ERROR(CheckTimestamp(request.close_time(), "close_time"));
  RETURN_IF_ERROR(CheckText(request.actor(), "actor", 128, true));
  RETURN_IF_ERROR(CheckText(request.reason(), "reason", 1024, true));
  return assign_internal::CheckKey(request.idempotency_key(), "idempotency_key");
}

}  // namespace

absl::StatusOr<storage::CommittedAssignment> Assigner::CommitCloseInTxn(
    storage::WriteTxn& txn, const v1::Lead& lead, const assign_internal::Closing& closing,
    int64_t rule_version, int64_t now_us, Effects& effects) {
  ASSIGN_OR_RETURN(const storage::NextEntry next, storage::NextAssignment(txn, lead.name()));
  ASSIGN_OR_RETURN(storage::CommittedAssignment committed,
                   CommitChangeInTxn(txn, assign_internal::CloseChange(lead, closing, rule_version,
                                                                       next.sequence, now_us)));
  effects.after_commit.push_back(UpdateQueueAfter(committed, next.sequence));
  return committed;
}

absl::StatusOr<v1::CloseLeadResponse> Assigner::CloseLeadInTxn(storage::WriteTxn& txn,
                                                               const v1::CloseLeadRequest& request,
                                                               const std::string& fingerprint,
                                                               int64_t rule_version, int64_t now_us,
                                                               Effects& effects) {
  const std::string& key = request.idempotency_key();
  ASSIGN_OR_RETURN(std::optional<v1::CloseLeadResponse> replay,
                   assign_internal::Replay<v1::CloseLeadResponse>(txn, kCloseScope, key,
                                                                  fingerprint, "close request"));
  if (replay.has_value()) return *std::move(replay);
  ASSIGN_OR_RETURN(const std::optional<storage::LeadRecord> stored,
                   storage::ReadLead(txn, request.lead()));
  if (!stored.has_value()) return NotFound(request.lead());
  const v1::Lead& lead = stored->lead();
  v1::CloseLeadResponse response;
  if (IsClosedState(lead.state()) && lead.close_resolution() == request.resolution()) {
    *response.mutable_lead() = lead;  // closed so already: nothing changes
    return response;
  }
  RETURN_IF_ERROR(CheckClosable(lead.name(), lead.state()));
  assign_internal::Closing closing{request.resolution(), std::nullopt, request.actor(),
                                   request.reason(), now_us};
  if (request.has_value()) closing.value = request.value();
  if (request.has_close_time()) {
    closing.close_us = TimeUtil::TimestampToMicroseconds(request.close_time());
    RETURN_IF_ERROR(assign_internal::CheckEventTime(closing.close_us, now_us, lead, "close_time"));
  }
  ASSIGN_OR_RETURN(const storage::CommittedAssignment committed,
                   CommitCloseInTxn(txn, lead, closing, rule_version, now_us, effects));
  *response.mutable_lead() = committed.lead.lead();
  *response.mutable_assignment() = committed.entry;
  RETURN_IF_ERROR(
      assign_internal::RecordResponse(txn, kCloseScope, key, fingerprint, response, now_us));
  return response;
}

absl::StatusOr<v1::CloseLeadResponse> Assigner::CloseLead(const v1::CloseLeadRequest& request,
                                                          const CallContext& call) {
  RETURN_IF_ERROR(CheckCloseLead(request));
  const std::string fingerprint =
      request.idempotency_key().empty() ? "" : assign_internal::Fingerprint(request);
  const int64_t rule_version = RulesForCall()->version;
  Effects effects;
  absl::StatusOr<v1::CloseLeadResponse> result;
  RETURN_IF_ERROR(storage_.commits().CommitOrRollBack(
      [&](storage::WriteTxn& txn) -> absl::StatusOr<storage::MutationResult> {
        RETURN_IF_ERROR(call.CheckDeadline());
        result = CloseLeadInTxn(txn, request, fingerprint, rule_version,
                                absl::ToUnixMicros(clock().Now()), effects);
        RETURN_IF_ERROR(result.status());
        // A replay, or a lead already closed so, wrote nothing worth a commit.
        return result->has_assignment() && !result->replayed() ? storage::MutationResult::kCommit
                                                               : storage::MutationResult::kRollBack;
      },
      call.principal));
  effects.Apply();
  spdlog::info("close lead={} resolution={} owner={} actor={}", request.lead(),
               v1::CloseResolution_Name(request.resolution()), result->lead().owner(),
               request.actor());
  return result;
}

}  // namespace leadrouter::server
