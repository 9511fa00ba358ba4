// Assigner::SetPin: a lead pinned to its owner (only an explicit override moves it) or unpinned.
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "google/protobuf/util/time_util.h"
#include "server/api/errors.h"
#include "server/api/validation.h"
#include "server/assign/assigner.h"
#include "server/assign/internal/assigner_internal.h"
#include "server/assign/lead_fields.h"
#include "server/assign/lead_lifecycle.h"
#include "storage/event_log.h"
#include "storage/lead_store.h"

namespace leadrouter::server {
namespace {

namespace v1 = leadrouter::v1;
using google::protobuf::util::TimeUtil;

// Inside the writer: the pin set or cleared, with its event; `response` gets the lead as stored.
absl::Status SetPinInTxn(storage::WriteTxn& txn, const v1::SetPinRequest& request,
                         int64_t rule_version, int64_t now_us, v1::SetPinResponse& response) {
  ASSIGN_OR_RETURN(const std::optional<storage::LeadRecord> stored,
                   storage::ReadLead(txn, request.lead()));
  if (!stored.has_value()) return NotFound(request.lead());
  v1::Lead lead = stored->lead();
  if (request.pinned() == IsPinned(lead)) {
    *response.mutable_lead() = lead;
    return absl::OkStatus();
  }
  if (request.pinned() && !IsOwnedOpen(lead.state())) {
    return Precondition(
        "LEAD_NOT_OPEN", lead.name(),
        absl::StrCat(lead.name(), " has no owner or is closed (", v1::LeadState_Name(lead.state()),
                     "): only an owned, open lead can be pinned"));
  }
  if (request.pinned()) {
    lead.mutable_pin()->set_actor(request.actor());
    lead.mutable_pin()->set_reason(request.reason());
    *lead.mutable_pin()->mutable_pin_time() = TimeUtil::MicrosecondsToTimestamp(now_us);
  } else {
    lead.clear_pin();
  }
  *lead.mutable_update_time() = TimeUtil::MicrosecondsToTimestamp(now_us);
  ASSIGN_OR_RETURN(
      const storage::LeadRecord written,
      storage::PutLead(
          txn, lead,
          storage::ChangeInfo{request.actor(), request.pinned() ? "lead.pin" : "lead.unpin",
                              request.reason(), "", now_us}));
  storage::EventContext event;
  event.now_us = now_us;
  event.actor = request.actor();
  event.reason = request.reason();
  event.rule_version = rule_version;
  RETURN_IF_ERROR(storage::AppendLeadEvents(txn, stored->lead(), written.lead(), event));
  *response.mutable_lead() = written.lead();
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::SetPinResponse> Assigner::SetPin(const v1::SetPinRequest& request,
                                                    const CallContext& call) {
  RETURN_IF_ERROR(ParseName(request.lead(), "leads", "lead").status());
  RETURN_IF_ERROR(CheckText(request.actor(), "actor", 128, true));
  RETURN_IF_ERROR(CheckText(request.reason(), "reason", 1024, true));
  const int64_t rule_version = RulesForCall()->version;
  v1::SetPinResponse response;
  RETURN_IF_ERROR(storage_.commits().Commit(
      [&](storage::WriteTxn& txn) -> absl::Status {
        RETURN_IF_ERROR(call.CheckDeadline());
        return SetPinInTxn(txn, request, rule_version, absl::ToUnixMicros(clock().Now()), response);
      },
      call.principal));
  return response;
}

}  // namespace leadrouter::server
