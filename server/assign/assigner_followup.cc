// Assigner::RecordFollowUp: one contact with a lead, stored in the `followups` column family in
// the same mutation as what it does to the lead (its state, the first contact, or its close).
#include <spdlog/spdlog.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "dsl/base/vocabulary.h"
#include "google/protobuf/util/time_util.h"
#include "server/api/errors.h"
#include "server/api/validation.h"
#include "server/assign/assigner.h"
#include "server/assign/internal/assigner_internal.h"
#include "server/assign/lead_lifecycle.h"
#include "storage/assignment_store.h"
#include "storage/event_log.h"
#include "storage/followup_store.h"
#include "storage/lead_store.h"
#include "storage/rep_store.h"
#include "storage/task_store.h"

namespace leadrouter::server {
namespace {

namespace v1 = leadrouter::v1;
using assign_internal::kFollowUpScope;
using google::protobuf::util::TimeUtil;

// A follow-up's channel: a built-in one (`channel` set) or a configured one (`channel`
// UNSPECIFIED).
struct ResolvedChannel {
  v1::Channel channel = v1::CHANNEL_UNSPECIFIED;
  std::string name;
};

absl::StatusOr<ResolvedChannel> ResolveChannel(const v1::FollowUp& followup,
                                               const std::vector<std::string>& extra) {
  if (!v1::Channel_IsValid(followup.channel())) {
    return InvalidField("followup.channel", "unknown channel");
  }
  const std::string& named = followup.channel_name();
  if (followup.channel() != v1::CHANNEL_UNSPECIFIED) {
    ResolvedChannel resolved{followup.channel(), ChannelName(followup.channel())};
    if (!named.empty() && named != resolved.name) {
      return InvalidField("followup.channel_name",
                          absl::StrCat("says \"", named, "\" but channel is ", resolved.name));
    }
    return resolved;
  }
  if (named.empty()) {
    return InvalidField("followup.channel", "required: a channel or a channel_name");
  }
  const auto builtin = std::find(dsl::kChannels.begin(), dsl::kChannels.end(), named);
  if (builtin != dsl::kChannels.end()) {
    // kChannels is in the order of v1::Channel, starting at CHANNEL_PHONE = 1.
    return ResolvedChannel{static_cast<v1::Channel>(builtin - dsl::kChannels.begin() + 1), named};
  }
  if (std::find(extra.begin(), extra.end(), named) != extra.end()) {
    return ResolvedChannel{v1::CHANNEL_UNSPECIFIED, named};
  }
  return InvalidField("followup.channel_name",
                      absl::StrCat("\"", named,
                                   "\" is neither a built-in channel nor one the server is "
                                   "configured with (leadrouterd --channels)"));
}

absl::Status CheckRecordFollowUp(const v1::RecordFollowUpRequest& request,
                                 const std::vector<std::string>& extra_channels) {
  if (!request.has_followup()) return InvalidField("followup", "required");
  const v1::FollowUp& followup = request.followup();
  RETURN_IF_ERROR(ParseName(followup.lead(), "leads", "followup.lead").status());
  if (!followup.rep().empty()) {
    RETURN_IF_ERROR(ParseName(followup.rep(), "reps", "followup.rep").status());
  }
  RETURN_IF_ERROR(ResolveChannel(followup, extra_channels).status());
  if (followup.has_contact_time()) {
    RETURN_IF_ERROR(CheckTimestamp(followup.contact_time(), "followup.contact_time"));
  }
  if (!v1::FollowUpOutcome_IsValid(followup.outcome())) {
    return InvalidField("followup.outcome", "unknown outcome");
  }
  RETURN_IF_ERROR(CheckText(followup.notes(), "followup.notes", 4096, false));
  RETURN_IF_ERROR(CheckText(followup.actor(), "followup.actor", 128, false));
  if (!followup.task().empty()) {
    if (const auto parsed = storage::ParseTaskName(followup.task()); !parsed.ok()) {
      return InvalidField("followup.task", parsed.status().message());
    }
  }
  return assign_internal::CheckKey(request.idempotency_key(), "idempotency_key");
}

bool MayRecordForOthers(Role role) { return role == Role::kAdmin || role == Role::kManager; }

}  // namespace

absl::StatusOr<v1::RecordFollowUpResponse> Assigner::RecordFollowUpInTxn(
    storage::WriteTxn& txn, const v1::RecordFollowUpRequest& request,
    const std::string& fingerprint, const CallContext& call, int64_t rule_version, int64_t now_us,
    Effects& effects) {
  const std::string& key = request.idempotency_key();
  ASSIGN_OR_RETURN(std::optional<v1::RecordFollowUpResponse> replay,
                   assign_internal::Replay<v1::RecordFollowUpResponse>(txn, kFollowUpScope, key,
                                                                       fingerprint, "follow-up"));
  if (replay.has_value()) return *std::move(replay);
  const v1::FollowUp& input = request.followup();
  ASSIGN_OR_RETURN(const std::optional<storage::LeadRecord> stored,
                   storage::ReadLead(txn, input.lead()));
  if (!stored.has_value()) return NotFound(input.lead());
  v1::Lead lead = stored->lead();
  ASSIGN_OR_RETURN(const v1::LeadState next_state,
                   StateAfterFollowUp(lead.name(), lead.state(), input.outcome()));
  const std::string rep = input.rep().empty() ? lead.owner() : input.rep();
  ASSIGN_OR_RETURN(const std::optional<storage::RepRecord> rep_record, storage::ReadRep(txn, rep));
  if (!rep_record.has_value()) return NotFound(rep);
  if (rep != lead.owner() && !MayRecordForOthers(call.role)) {
    return Precondition(
        "NOT_OWNER", lead.name(),
        absl::StrCat(rep, " does not own ", lead.name(), " (its owner is ", lead.owner(),
                     "); only a manager or admin may record a "
                     "follow-up by another rep"));
  }
  int64_t contact_us = now_us;
  if (input.has_contact_time()) {
    contact_us = TimeUtil::TimestampToMicroseconds(input.contact_time());
    RETURN_IF_ERROR(
        assign_internal::CheckEventTime(contact_us, now_us, lead, "followup.contact_time"));
  }
  ASSIGN_OR_RETURN(const ResolvedChannel channel, ResolveChannel(input, options_.extra_channels));
  ASSIGN_OR_RETURN(const uint64_t sequence, storage::NextFollowUpSequence(txn));

  v1::FollowUp followup = input;
  followup.clear_first_contact();  // output only: the server says
  followup.clear_within_sla();
  followup.set_name(storage::FollowUpName(lead.name(), sequence));
  followup.set_rep(rep);
  followup.set_channel(channel.channel);
  followup.set_channel_name(channel.name);
  *followup.mutable_contact_time() = TimeUtil::MicrosecondsToTimestamp(contact_us);
  *followup.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(now_us);
  if (followup.actor().empty()) followup.set_actor(rep);
  followup.set_lead_state(next_state);
  bool lead_changes = next_state != lead.state();
  if (rep == lead.owner() && !lead.has_first_contact_time()) {
    followup.set_first_contact(true);
    followup.set_within_sla(!lead.has_sla_deadline() ||
                            contact_us <= TimeUtil::TimestampToMicroseconds(lead.sla_deadline()));
    *lead.mutable_first_contact_time() = followup.contact_time();
    lead.clear_sla_deadline();
    lead_changes = true;
  }
  // The owner's first qualifying follow-up stops the SLA clock: no later step applies.
  if (rep == lead.owner() && lead.sla_steps_size() > 0 && !lead.has_sla_stop_time() &&
      StopsSlaClock(input.outcome(), options_.sla_stops_on)) {
    *lead.mutable_sla_stop_time() = followup.contact_time();
    lead_changes = true;
  }
  ASSIGN_OR_RETURN(const std::optional<v1::Task> done,
                   CompleteTaskInTxn(txn, lead, followup, now_us));
  followup.set_task(done.has_value() ? done->name() : "");

  // Stored (with its event) before a close it causes, so the timeline reads: contact, then close.
  RETURN_IF_ERROR(storage::PutFollowUp(txn, sequence, followup, rule_version));
  if (options_.performance != nullptr && followup.first_contact()) {
    // Queued before the close's effects: the contact counts for the span the close ends.
    effects.after_commit.push_back(
        [performance = options_.performance, followup] { performance->RecordFollowUp(followup); });
  }
  if (done.has_value()) {
    RETURN_IF_ERROR(storage::AppendTaskEvent(
        txn, v1::EVENT_KIND_TASK_DONE, *done,
        storage::EventContext{now_us, followup.actor(), "", rule_version, done->assignment(),
                              v1::ASSIGNMENT_KIND_UNSPECIFIED}));
  }
  v1::RecordFollowUpResponse response;
  const std::string why = absl::StrCat("follow-up ", followup.name(), ": ", channel.name, ", ",
                                       v1::FollowUpOutcome_Name(input.outcome()));
  if (IsClosedState(next_state)) {
    assign_internal::Closing closing{CloseResolutionOf(input.outcome()), std::nullopt,
                                     followup.actor(), why, contact_us};
    ASSIGN_OR_RETURN(const storage::CommittedAssignment committed,
                     CommitCloseInTxn(txn, lead, closing, rule_version, now_us, effects));
    *response.mutable_lead() = committed.lead.lead();
  } else if (lead_changes) {
    lead.set_state(next_state);
    *lead.mutable_update_time() = TimeUtil::MicrosecondsToTimestamp(now_us);
    ASSIGN_OR_RETURN(
        const storage::LeadRecord written,
        storage::PutLead(txn, lead,
                         storage::ChangeInfo{followup.actor(), "lead.followup", why, "", now_us}));
    *response.mutable_lead() = written.lead();
  } else {
    *response.mutable_lead() = lead;
  }
  *response.mutable_followup() = std::move(followup);
  RETURN_IF_ERROR(
      assign_internal::RecordResponse(txn, kFollowUpScope, key, fingerprint, response, now_us));
  return response;
}

absl::StatusOr<v1::RecordFollowUpResponse> Assigner::RecordFollowUp(
    const v1::RecordFollowUpRequest& request, const CallContext& call) {
  RETURN_IF_ERROR(CheckRecordFollowUp(request, options_.extra_channels));
  const std::string fingerprint =
      request.idempotency_key().empty() ? "" : assign_internal::Fingerprint(request);
  const int64_t rule_version = RulesForCall()->version;
  Effects effects;
  absl::StatusOr<v1::RecordFollowUpResponse> result;
  RETURN_IF_ERROR(storage_.commits().CommitOrRollBack(
      [&](storage::WriteTxn& txn) -> absl::StatusOr<storage::MutationResult> {
        RETURN_IF_ERROR(call.CheckDeadline());
        result = RecordFollowUpInTxn(txn, request, fingerprint, call, rule_version,
                                     absl::ToUnixMicros(clock().Now()), effects);
        RETURN_IF_ERROR(result.status());
        return result->replayed() ? storage::MutationResult::kRollBack
                                  : storage::MutationResult::kCommit;
      },
      call.principal));
  effects.Apply();
  spdlog::info("followup lead={} rep={} channel={} outcome={} state={}", result->followup().lead(),
               result->followup().rep(), result->followup().channel_name(),
               v1::FollowUpOutcome_Name(result->followup().outcome()),
               v1::LeadState_Name(result->lead().state()));
  return result;
}

}  // namespace leadrouter::server
