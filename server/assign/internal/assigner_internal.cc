#include "server/assign/internal/assigner_internal.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/util/time_util.h"
#include "server/api/dsl_binding.h"
#include "server/api/errors.h"
#include "server/api/explanation_proto.h"
#include "server/api/validation.h"
#include "server/assign/lead_lifecycle.h"
#include "storage/idempotency_store.h"

namespace leadrouter::server::assign_internal {

namespace v1 = leadrouter::v1;
using google::protobuf::util::TimeUtil;

BatchItem MakeBatchItem(const v1::Lead& lead, const google::protobuf::FieldMask& mask,
                        const std::string& key, bool validate_only) {
  BatchItem item;
  item.lead = lead;
  item.mask = mask;
  item.key = key;
  item.validate_only = validate_only;
  if (!key.empty()) {
    v1::AssignBatchItem fingerprinted;
    *fingerprinted.mutable_lead() = lead;
    *fingerprinted.mutable_update_mask() = mask;
    item.fingerprint = Fingerprint(fingerprinted);
  }
  return item;
}

absl::Status CheckItem(const v1::Lead& lead, const google::protobuf::FieldMask& mask,
                       const std::string& key) {
  RETURN_IF_ERROR(CheckLead(lead, "lead"));
  RETURN_IF_ERROR(CheckLeadMask(mask, "update_mask"));
  return CheckKey(key, "idempotency_key");
}

std::string ActorOrApi(const std::string& actor) { return actor.empty() ? "api" : actor; }

std::string Fingerprint(const google::protobuf::Message& message) {
  std::string bytes;
  google::protobuf::io::StringOutputStream stream(&bytes);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.SetSerializationDeterministic(true);
  message.SerializeToCodedStream(&coded);
  coded.Trim();
  return bytes;
}

absl::Status CheckKey(const std::string& key, absl::string_view field) {
  if (key.size() > 128) {
    return InvalidField(field, absl::StrCat("at most 128 bytes, got ", key.size()));
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> ReadStoredResponse(const storage::ReadView& view, absl::string_view scope,
                                        const std::string& key, const std::string& fingerprint,
                                        absl::string_view what,
                                        google::protobuf::Message& response) {
  if (key.empty()) return false;
  ASSIGN_OR_RETURN(const std::optional<storage::IdempotencyRecord> earlier,
                   storage::ReadIdempotency(view, scope, key));
  if (!earlier.has_value()) return false;
  if (earlier->request_fingerprint() != fingerprint) {
    return WithReason(
        InvalidField("idempotency_key", absl::StrCat("was already used for a different ", what,
                                                     "; use a new key for a new request")),
        "IDEMPOTENCY_KEY_REUSED");
  }
  if (!response.ParseFromString(earlier->response())) {
    return absl::DataLossError("a stored idempotent response does not parse");
  }
  return true;
}

absl::Status RecordResponse(storage::WriteTxn& txn, absl::string_view scope, const std::string& key,
                            const std::string& fingerprint,
                            const google::protobuf::Message& response, int64_t now_us) {
  if (key.empty()) return absl::OkStatus();
  storage::IdempotencyRecord record;
  record.set_request_fingerprint(fingerprint);
  record.set_response(response.SerializeAsString());
  *record.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(now_us);
  return storage::WriteIdempotency(txn, scope, key, record);
}

v1::Assignment NewEntry(v1::AssignmentKind kind, int64_t rule_version, const std::string& actor,
                        const std::string& reason, int64_t now_us) {
  v1::Assignment entry;
  entry.set_kind(kind);
  entry.set_rule_version(rule_version);
  entry.set_actor(actor);
  entry.set_reason(reason);
  *entry.mutable_decide_time() = TimeUtil::MicrosecondsToTimestamp(now_us);
  return entry;
}

void RecordDecision(const Decided& decided, v1::Assignment& entry) {
  entry.set_outcome(ToOutcomeProto(decided.decision.outcome));
  if (decided.rule) *entry.mutable_rule() = *decided.rule;
  *entry.mutable_explanation() = decided.summary;
  if (!decided.picked()) {
    entry.set_unassigned_reason(ToUnassignedReasonProto(decided.decision.unassigned_reason));
  }
}

void RecordPlan(const Decided& decided, v1::Assignment& entry) {
  if (!decided.picked()) return;
  if (decided.sla) *entry.mutable_sla() = *decided.sla;
  *entry.mutable_followup_plan() = decided.followup_plan;
}

void SetDecidedOwner(const Decided& decided, int64_t now_us, v1::Lead& lead) {
  ClearReview(lead);
  if (!decided.picked()) {
    lead.set_owner("");
    lead.set_state(v1::LEAD_STATE_UNASSIGNED);
    return;
  }
  lead.set_owner(RepName(decided.decision.rep_id));
  lead.clear_first_contact_time();
  if (decided.assigned()) {
    lead.set_state(v1::LEAD_STATE_OPEN);
  } else {
    lead.set_state(v1::LEAD_STATE_PENDING_REVIEW);
    *lead.mutable_review_since() = TimeUtil::MicrosecondsToTimestamp(now_us);
  }
}

void ClearReview(v1::Lead& lead) {
  lead.clear_review_since();
  lead.clear_review_escalate_time();
}

storage::AssignmentChange DecidedAssignChange(Decided decided, v1::Lead lead, int64_t rule_version,
                                              const std::string& actor, const std::string& reason,
                                              uint64_t sequence, int64_t now_us) {
  storage::AssignmentChange change;
  change.sequence = sequence;
  change.entry = NewEntry(v1::ASSIGNMENT_KIND_ASSIGN, rule_version, actor, reason, now_us);
  RecordDecision(decided, change.entry);
  change.entry.set_rep(lead.owner());
  RecordPlan(decided, change.entry);
  change.lead = std::move(lead);
  change.explanation = std::move(decided.explanation);
  change.delta = decided.decision.delta;
  change.previous = storage::PreviousCounts::kKeep;
  change.change = storage::ChangeInfo{actor, "lead.assign", change.entry.reason(), "", now_us};
  return change;
}

absl::Status CheckEventTime(int64_t at_us, int64_t now_us, const v1::Lead& lead,
                            absl::string_view field) {
  constexpr int64_t kFutureSlackUs = int64_t{5} * 60 * 1'000'000;
  if (at_us > now_us + kFutureSlackUs) {
    return InvalidField(field, "is more than 5 minutes in the future");
  }
  if (lead.has_receive_time() && at_us < TimeUtil::TimestampToMicroseconds(lead.receive_time())) {
    return InvalidField(field, absl::StrCat("is before ", lead.name(), " was received (",
                                            TimeUtil::ToString(lead.receive_time()), ")"));
  }
  return absl::OkStatus();
}

storage::AssignmentChange CloseChange(v1::Lead lead, const Closing& closing, int64_t rule_version,
                                      uint64_t sequence, int64_t now_us) {
  storage::AssignmentChange change;
  change.sequence = sequence;
  change.entry =
      NewEntry(v1::ASSIGNMENT_KIND_CLOSE, rule_version, closing.actor, closing.reason, now_us);
  change.entry.set_rep(lead.owner());
  change.entry.mutable_explanation()->set_text(absl::StrCat(
      "closed as ", v1::CloseResolution_Name(closing.resolution), " by ", closing.actor));
  lead.set_state(ClosedState(closing.resolution));
  lead.set_close_resolution(closing.resolution);
  *lead.mutable_close_time() = TimeUtil::MicrosecondsToTimestamp(closing.close_us);
  if (closing.value.has_value()) lead.set_value(*closing.value);
  lead.clear_pin();
  lead.clear_sla_deadline();
  change.lead = std::move(lead);
  change.previous = storage::PreviousCounts::kClose;
  change.change = storage::ChangeInfo{closing.actor, "lead.close", closing.reason, "", now_us};
  return change;
}

uint64_t SequenceOf(const std::string& assignment_name) {
  const size_t slash = assignment_name.rfind('/');
  uint64_t sequence = 0;
  if (slash == std::string::npos ||
      !absl::SimpleHexAtoi(absl::string_view(assignment_name).substr(slash + 1), &sequence)) {
    return 0;
  }
  return sequence;
}

}  // namespace leadrouter::server::assign_internal
