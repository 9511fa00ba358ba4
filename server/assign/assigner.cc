#include "server/assign/assigner.h"

#include <spdlog/spdlog.h>

#include <set>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/util/time_util.h"
#include "server/api/dsl_binding.h"
#include "server/api/errors.h"
#include "server/api/explanation_proto.h"
#include "server/api/validation.h"
#include "storage/assignment_store.h"
#include "storage/counter_store.h"
#include "storage/idempotency_store.h"
#include "storage/keys.h"
#include "storage/lead_store.h"
#include "storage/rep_store.h"

namespace leadrouter::server {
namespace {

namespace v1 = leadrouter::v1;
using google::protobuf::util::TimeUtil;

constexpr char kAssignScope[] = "assign";
constexpr char kReassignScope[] = "reassign";
// Counters of manual assignments are kept under this rule key: they count towards the rep's own
// caps (daily_cap, max_open) like any assignment, and towards no rule's caps.
constexpr char kManualRuleKey[] = "manual";

// A mutation that must leave nothing behind returns this, and its caller turns it back into the
// result it captured (validate_only, a retry that changed nothing).
absl::Status RollbackSentinel() { return absl::CancelledError("leadrouter: roll back"); }
bool IsRollbackSentinel(const absl::Status& status) {
  return status.code() == absl::StatusCode::kCancelled &&
         status.message() == "leadrouter: roll back";
}

// Errors an item can have before anything is written: the item fails, the batch goes on.
bool IsItemError(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kAborted:
      return true;
    default:
      return false;
  }
}

std::string Fingerprint(const google::protobuf::Message& message) {
  std::string bytes;
  google::protobuf::io::StringOutputStream stream(&bytes);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.SetSerializationDeterministic(true);
  message.SerializeToCodedStream(&coded);
  coded.Trim();
  return bytes;
}

bool IsClosed(const v1::Lead& lead) {
  return lead.state() == v1::LEAD_STATE_CONVERTED || lead.state() == v1::LEAD_STATE_LOST;
}
bool IsPinned(const v1::Lead& lead) { return lead.has_pin() && !lead.pin().actor().empty(); }

// The input fields (2..10) of `input` copied onto `lead`, all of them or those `mask` names.
void MergeInput(const v1::Lead& input, const google::protobuf::FieldMask& mask, v1::Lead& lead) {
  if (mask.paths().empty()) {
    lead.set_source(input.source());
    if (input.has_quality()) {
      lead.set_quality(input.quality());
    } else {
      lead.clear_quality();
    }
    if (input.has_value()) {
      lead.set_value(input.value());
    } else {
      lead.clear_value();
    }
    lead.set_region(input.region());
    lead.set_industry(input.industry());
    if (input.has_create_time()) *lead.mutable_create_time() = input.create_time();
    lead.set_preferred_channel(input.preferred_channel());
    lead.set_account(input.account());
    *lead.mutable_attributes() = input.attributes();
    return;
  }
  for (const std::string& path : mask.paths()) {
    if (path == "source") {
      lead.set_source(input.source());
    } else if (path == "quality") {
      input.has_quality() ? lead.set_quality(input.quality()) : lead.clear_quality();
    } else if (path == "value") {
      input.has_value() ? lead.set_value(input.value()) : lead.clear_value();
    } else if (path == "region") {
      lead.set_region(input.region());
    } else if (path == "industry") {
      lead.set_industry(input.industry());
    } else if (path == "create_time") {
      *lead.mutable_create_time() = input.create_time();
    } else if (path == "preferred_channel") {
      lead.set_preferred_channel(input.preferred_channel());
    } else if (path == "account") {
      lead.set_account(input.account());
    } else if (path == "attributes") {
      *lead.mutable_attributes() = input.attributes();
    } else if (absl::StartsWith(path, "attributes.")) {
      const std::string key = path.substr(sizeof("attributes.") - 1);
      const auto it = input.attributes().find(key);
      if (it == input.attributes().end()) {
        lead.mutable_attributes()->erase(key);
      } else {
        (*lead.mutable_attributes())[key] = it->second;
      }
    }
  }
}

// The lead's input fields only: what the rules saw.
v1::Lead Snapshot(const v1::Lead& lead) {
  v1::Lead snapshot;
  snapshot.set_name(lead.name());
  MergeInput(lead, google::protobuf::FieldMask(), snapshot);
  return snapshot;
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

absl::Status ParseStored(const storage::IdempotencyRecord& record,
                         google::protobuf::Message& response) {
  if (!response.ParseFromString(record.response())) {
    return absl::DataLossError("a stored idempotent response does not parse");
  }
  return absl::OkStatus();
}

absl::Status KeyReused(absl::string_view what) {
  return WithReason(
      InvalidField("idempotency_key", absl::StrCat("was already used for a different ", what,
                                                   "; use a new key for a new request")),
      "IDEMPOTENCY_KEY_REUSED");
}

absl::Status CheckKey(const std::string& key, absl::string_view field) {
  if (key.size() > 128) {
    return InvalidField(field, absl::StrCat("at most 128 bytes, got ", key.size()));
  }
  return absl::OkStatus();
}

}  // namespace

// What a commit changes outside the database, applied once it is durable.
struct Assigner::Effects {
  std::vector<std::function<void()>> after_commit;
  void Apply() {
    for (auto& effect : after_commit) effect();
  }
};

struct Assigner::Decided {
  dsl::Decision decision;
  v1::Explanation explanation;
  v1::ExplanationSummary summary;
  std::optional<v1::RuleRef> rule;
  std::optional<v1::Sla> sla;
};

struct Assigner::BatchItem {
  v1::Lead lead;
  google::protobuf::FieldMask mask;
  std::string key;
  std::string fingerprint;
  bool validate_only = false;
};

Assigner::Assigner(storage::Storage& storage, RuleRegistry& rules, RosterCache& roster,
                   UnassignedQueue& unassigned, AssignerOptions options)
    : storage_(storage),
      rules_(rules),
      roster_(roster),
      unassigned_(unassigned),
      options_(std::move(options)) {}

absl::StatusOr<Assigner::Decided> Assigner::DecideInTxn(storage::WriteTxn& txn,
                                                        const ActiveRules& rules,
                                                        const v1::Lead& lead,
                                                        const std::vector<std::string>& excluded,
                                                        uint64_t sequence, int64_t now_us) {
  Decided decided;
  const int64_t now_seconds = now_us / 1'000'000;
  if (rules.program == nullptr) {
    decided.decision.outcome = dsl::Outcome::kUnassigned;
    decided.decision.unassigned_reason = dsl::UnassignedReason::kNoActiveRules;
    decided.explanation.set_lead(lead.name());
    decided.explanation.set_outcome(v1::OUTCOME_UNASSIGNED);
    decided.explanation.set_unassigned_reason(v1::UNASSIGNED_REASON_NO_ACTIVE_RULES);
    decided.explanation.mutable_decide_time()->set_seconds(now_seconds);
    decided.summary.set_text("unassigned (no_active_rules): no rule version is published");
    return decided;
  }
  absl::StatusOr<std::shared_ptr<const dsl::Roster>> roster = roster_.Bound(rules.program);
  if (!roster.ok()) return roster.status();
  const dsl::Program& program = *rules.program;
  const dsl::Record record = program.BindLead(LeadAttributes(lead));
  const std::string lead_id = IdOf(lead.name());
  storage::StoredDecisionState state(txn);
  dsl::DecideOptions options;
  options.excluded_rep_ids = excluded;
  options.rule_version = rules.version;
  options.lead_id = lead_id;
  absl::StatusOr<dsl::Decision> decision =
      dsl::Decide(program, record, **roster, state, {now_seconds, sequence}, options_.calendar,
                  options, workspace_);
  if (!decision.ok()) return decision.status();
  decided.decision = *std::move(decision);
  const dsl::Explanation& explanation = decided.decision.explanation;
  decided.explanation = ToExplanationProto(explanation, *rules.source);
  *decided.explanation.mutable_lead_snapshot() = Snapshot(lead);
  decided.summary = ToSummaryProto(explanation);
  if (explanation.decided_by) {
    decided.rule = ToRuleRefProto(*explanation.decided_by, *rules.source);
  }
  if (decided.decision.outcome == dsl::Outcome::kAssigned && decided.decision.rule_index) {
    const size_t index = *decided.decision.rule_index;
    const dsl::Rule* rule =
        index < program.rules().size() ? &program.rules()[index] : program.fallback();
    if (rule != nullptr && rule->sla) {
      v1::Sla sla;
      sla.set_within_seconds(rule->sla->seconds);
      sla.set_action(rule->sla->action == dsl::SlaAction::kReassign ? v1::SLA_ACTION_REASSIGN
                                                                    : v1::SLA_ACTION_ESCALATE);
      decided.sla = sla;
    }
  }
  return decided;
}

absl::StatusOr<v1::AssignResponse> Assigner::AssignInTxn(storage::WriteTxn& txn,
                                                         const BatchItem& item,
                                                         const ActiveRules& rules,
                                                         const std::string& actor, int64_t now_us,
                                                         Effects& effects) {
  if (!item.key.empty()) {
    absl::StatusOr<std::optional<storage::IdempotencyRecord>> earlier =
        storage::ReadIdempotency(txn, kAssignScope, item.key);
    if (!earlier.ok()) return earlier.status();
    if (earlier->has_value()) {
      if ((*earlier)->request_fingerprint() != item.fingerprint) return KeyReused("lead");
      v1::AssignResponse response;
      if (absl::Status s = ParseStored(**earlier, response); !s.ok()) return s;
      response.set_replayed(true);
      return response;
    }
  }
  absl::StatusOr<std::optional<storage::LeadRecord>> stored =
      storage::ReadLead(txn, item.lead.name());
  if (!stored.ok()) return stored.status();
  const bool exists = stored->has_value();
  v1::Lead lead = exists ? (*stored)->lead() : v1::Lead();
  if (exists && IsClosed(lead)) {
    return Precondition("LEAD_CLOSED", lead.name(),
                        absl::StrCat(lead.name(), " is closed (", v1::LeadState_Name(lead.state()),
                                     ") and is never moved"));
  }
  if (!exists) {
    lead.set_name(item.lead.name());
    *lead.mutable_receive_time() = TimeUtil::MicrosecondsToTimestamp(now_us);
    *lead.mutable_create_time() = lead.receive_time();
  }
  MergeInput(item.lead, exists ? item.mask : google::protobuf::FieldMask(), lead);

  v1::AssignResponse response;
  if (exists &&
      (lead.state() == v1::LEAD_STATE_OPEN || lead.state() == v1::LEAD_STATE_PENDING_REVIEW)) {
    // Owned already: the fields are updated, the owner is not re-decided (Reassign moves leads).
    storage::ChangeInfo change{actor, "lead.upsert", "Assign of a lead that has an owner", "",
                               now_us};
    *lead.mutable_update_time() = TimeUtil::MicrosecondsToTimestamp(now_us);
    absl::StatusOr<storage::LeadRecord> written = storage::PutLead(txn, lead, change);
    if (!written.ok()) return written.status();
    absl::StatusOr<std::optional<storage::HistoryRecord>> current =
        storage::ReadHistoryEntry(txn, lead.name(), SequenceOf(lead.current_assignment()));
    if (!current.ok()) return current.status();
    if (current->has_value()) *response.mutable_assignment() = (*current)->assignment();
    response.mutable_assignment()->set_outcome(v1::OUTCOME_ALREADY_ASSIGNED);
    *response.mutable_lead() = written->lead();
  } else {
    absl::StatusOr<uint64_t> sequence = storage::NextAssignmentSequence(txn);
    if (!sequence.ok()) return sequence.status();
    absl::StatusOr<Decided> decided = DecideInTxn(txn, rules, lead, {}, *sequence, now_us);
    if (!decided.ok()) return decided.status();
    const dsl::Decision& decision = decided->decision;
    const bool assigned = decision.outcome == dsl::Outcome::kAssigned;
    const std::string name =
        absl::StrCat(lead.name(), "/assignments/", storage::keys::FormatId(*sequence));

    storage::AssignmentChange change;
    change.sequence = *sequence;
    lead.set_owner(assigned ? RepName(decision.rep_id) : "");
    lead.set_state(assigned ? v1::LEAD_STATE_OPEN : v1::LEAD_STATE_UNASSIGNED);
    lead.clear_sla_deadline();
    // An unassigned decision moves no counts, so the commit would not make it current: it is
    // still what the lead's state comes from.
    lead.set_current_assignment(name);
    v1::Assignment& entry = change.entry;
    entry.set_outcome(ToOutcomeProto(decision.outcome));
    entry.set_rep(lead.owner());
    if (decided->rule) *entry.mutable_rule() = *decided->rule;
    entry.set_rule_version(rules.version);
    entry.set_kind(v1::ASSIGNMENT_KIND_ASSIGN);
    entry.set_actor(actor);
    entry.set_reason(decided->summary.text());
    *entry.mutable_decide_time() = TimeUtil::MicrosecondsToTimestamp(now_us);
    if (!assigned) entry.set_unassigned_reason(ToUnassignedReasonProto(decision.unassigned_reason));
    *entry.mutable_explanation() = decided->summary;
    if (decided->sla) {
      *entry.mutable_sla() = *decided->sla;
      *entry.mutable_sla_deadline() =
          TimeUtil::MicrosecondsToTimestamp(now_us + decided->sla->within_seconds() * 1'000'000);
      *lead.mutable_sla_deadline() = entry.sla_deadline();
    }
    change.lead = lead;
    change.explanation = std::move(decided->explanation);
    change.delta = decision.delta;
    change.previous = storage::PreviousCounts::kKeep;
    change.change = storage::ChangeInfo{actor, "lead.assign", entry.reason(), "", now_us};
    absl::StatusOr<storage::CommittedAssignment> committed =
        storage::CommitAssignment(txn, std::move(change));
    if (!committed.ok()) return committed.status();
    *response.mutable_assignment() = committed->entry;
    *response.mutable_lead() = committed->lead.lead();
    if (!item.validate_only) {
      const std::string lead_name = lead.name();
      if (assigned) {
        effects.after_commit.push_back([this, lead_name] { unassigned_.Remove(lead_name); });
      } else {
        const v1::UnassignedReason reason = committed->entry.unassigned_reason();
        const uint64_t since = *sequence;
        effects.after_commit.push_back(
            [this, lead_name, reason, since] { unassigned_.Add(lead_name, reason, since); });
      }
    }
  }
  if (!item.key.empty()) {
    storage::IdempotencyRecord record;
    record.set_request_fingerprint(item.fingerprint);
    record.set_response(response.SerializeAsString());
    *record.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(now_us);
    if (absl::Status s = storage::WriteIdempotency(txn, kAssignScope, item.key, record); !s.ok()) {
      return s;
    }
  }
  return response;
}

absl::StatusOr<v1::AssignResponse> Assigner::Assign(const v1::AssignRequest& request,
                                                    const CallContext& call) {
  if (absl::Status s = CheckLead(request.lead(), "lead"); !s.ok()) return s;
  if (absl::Status s = CheckLeadMask(request.update_mask(), "update_mask"); !s.ok()) return s;
  if (absl::Status s = CheckKey(request.idempotency_key(), "idempotency_key"); !s.ok()) return s;
  if (absl::Status s = CheckText(request.actor(), "actor", 128, false); !s.ok()) return s;
  const std::string actor = request.actor().empty() ? "api" : request.actor();
  BatchItem item;
  item.lead = request.lead();
  item.mask = request.update_mask();
  item.key = request.idempotency_key();
  item.validate_only = request.validate_only();
  if (!item.key.empty()) {
    v1::AssignBatchItem fingerprinted;
    *fingerprinted.mutable_lead() = request.lead();
    *fingerprinted.mutable_update_mask() = request.update_mask();
    item.fingerprint = Fingerprint(fingerprinted);
  }

  const std::shared_ptr<const ActiveRules> rules = rules_.Active();
  if (options_.before_decide_for_testing) options_.before_decide_for_testing();
  const absl::Time start = absl::Now();
  Effects effects;
  absl::StatusOr<v1::AssignResponse> result;
  absl::Status status = storage_.commits().Commit([&](storage::WriteTxn& txn) -> absl::Status {
    if (absl::Status s = call.CheckDeadline(); !s.ok()) return s;
    result = AssignInTxn(txn, item, *rules, actor, absl::ToUnixMicros(absl::Now()), effects);
    if (!result.ok()) return result.status();
    return item.validate_only ? RollbackSentinel() : absl::OkStatus();
  });
  if (item.validate_only && IsRollbackSentinel(status)) {
    result->mutable_assignment()->clear_name();
    status = absl::OkStatus();
  }
  if (!status.ok()) return status;
  effects.Apply();
  spdlog::debug("assign lead={} rep={} rule={} version={} outcome={} replayed={} micros={}",
                request.lead().name(), result->assignment().rep(),
                result->assignment().rule().name(), result->assignment().rule_version(),
                v1::Outcome_Name(result->assignment().outcome()), result->replayed(),
                absl::ToInt64Microseconds(absl::Now() - start));
  return result;
}

absl::StatusOr<v1::AssignBatchResponse> Assigner::AssignBatch(const v1::AssignBatchRequest& request,
                                                              const CallContext& call) {
  if (request.items_size() == 0) return InvalidField("items", "at least one item is required");
  if (request.items_size() > kMaxBatchItems) {
    return TooLarge("items",
                    absl::StrCat(request.items_size(), " items; the limit is ", kMaxBatchItems),
                    "BATCH_TOO_LARGE");
  }
  if (absl::Status s = CheckText(request.actor(), "actor", 128, false); !s.ok()) return s;
  const std::string actor = request.actor().empty() ? "api" : request.actor();
  std::set<std::string> seen;
  for (int i = 0; i < request.items_size(); ++i) {
    const std::string& name = request.items(i).lead().name();
    if (!name.empty() && !seen.insert(name).second) {
      return InvalidField(absl::StrCat("items[", i, "].lead.name"),
                          absl::StrCat(name, " appears twice in the batch"));
    }
  }
  // Items that fail validation get their error; the others are decided in request order.
  std::vector<absl::Status> item_errors(request.items_size());
  std::vector<BatchItem> items(request.items_size());
  for (int i = 0; i < request.items_size(); ++i) {
    const v1::AssignBatchItem& in = request.items(i);
    absl::Status valid = CheckLead(in.lead(), "lead");
    if (valid.ok()) valid = CheckLeadMask(in.update_mask(), "update_mask");
    if (valid.ok()) valid = CheckKey(in.idempotency_key(), "idempotency_key");
    item_errors[i] = valid;
    items[i].lead = in.lead();
    items[i].mask = in.update_mask();
    items[i].key = in.idempotency_key();
    items[i].validate_only = request.validate_only();
    if (!items[i].key.empty()) {
      v1::AssignBatchItem fingerprinted;
      *fingerprinted.mutable_lead() = in.lead();
      *fingerprinted.mutable_update_mask() = in.update_mask();
      items[i].fingerprint = Fingerprint(fingerprinted);
    }
  }

  const std::shared_ptr<const ActiveRules> rules = rules_.Active();
  if (options_.before_decide_for_testing) options_.before_decide_for_testing();
  const absl::Time start = absl::Now();
  std::vector<absl::StatusOr<v1::AssignResponse>> results(items.size());
  Effects effects;
  // One mutation for the whole batch: one group commit, and each item sees the load the previous
  // ones left.
  absl::Status status = storage_.commits().Commit([&](storage::WriteTxn& txn) -> absl::Status {
    if (absl::Status s = call.CheckDeadline(); !s.ok()) return s;
    effects.after_commit.clear();
    for (size_t i = 0; i < items.size(); ++i) {
      if (!item_errors[i].ok()) {
        results[i] = item_errors[i];
        continue;
      }
      results[i] =
          AssignInTxn(txn, items[i], *rules, actor, absl::ToUnixMicros(absl::Now()), effects);
      if (!results[i].ok() && !IsItemError(results[i].status())) return results[i].status();
    }
    return request.validate_only() ? RollbackSentinel() : absl::OkStatus();
  });
  if (request.validate_only() && IsRollbackSentinel(status)) status = absl::OkStatus();
  if (!status.ok()) return status;
  effects.Apply();
  v1::AssignBatchResponse response;
  for (auto& result : results) {
    v1::AssignBatchResult* out = response.add_results();
    if (result.ok()) {
      if (request.validate_only()) result->mutable_assignment()->clear_name();
      *out->mutable_response() = *std::move(result);
    } else {
      *out->mutable_error() = ToErrorStatus(result.status());
    }
  }
  spdlog::debug("assign_batch items={} micros={}", items.size(),
                absl::ToInt64Microseconds(absl::Now() - start));
  return response;
}

absl::StatusOr<v1::ReassignResponse> Assigner::ReassignInTxn(storage::WriteTxn& txn,
                                                             const v1::ReassignRequest& request,
                                                             const std::string& fingerprint,
                                                             const ActiveRules& rules,
                                                             int64_t now_us, Effects& effects) {
  const std::string& key = request.idempotency_key();
  if (!key.empty()) {
    absl::StatusOr<std::optional<storage::IdempotencyRecord>> earlier =
        storage::ReadIdempotency(txn, kReassignScope, key);
    if (!earlier.ok()) return earlier.status();
    if (earlier->has_value()) {
      if ((*earlier)->request_fingerprint() != fingerprint) return KeyReused("reassign request");
      v1::ReassignResponse response;
      if (absl::Status s = ParseStored(**earlier, response); !s.ok()) return s;
      response.set_replayed(true);
      return response;
    }
  }
  absl::StatusOr<std::optional<storage::LeadRecord>> stored =
      storage::ReadLead(txn, request.lead());
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) return NotFound(request.lead());
  v1::Lead lead = (*stored)->lead();
  if (IsClosed(lead)) {
    return Precondition("LEAD_CLOSED", lead.name(),
                        absl::StrCat(lead.name(), " is closed and is never moved"));
  }
  if (IsPinned(lead) && !request.override_pin()) {
    return Precondition("LEAD_PINNED", lead.name(),
                        absl::StrCat(lead.name(), " is pinned to ", lead.owner(), " by ",
                                     lead.pin().actor(), "; pass override_pin to move it"));
  }
  if (!request.expected_assignment().empty() &&
      request.expected_assignment() != lead.current_assignment()) {
    return Aborted(
        "ASSIGNMENT_MISMATCH",
        absl::StrCat(lead.name(), " moved since: its current assignment is ",
                     lead.current_assignment().empty() ? "none" : lead.current_assignment()));
  }
  const std::string previous_owner = lead.owner();
  absl::StatusOr<uint64_t> sequence = storage::NextAssignmentSequence(txn);
  if (!sequence.ok()) return sequence.status();
  const std::string name =
      absl::StrCat(lead.name(), "/assignments/", storage::keys::FormatId(*sequence));

  storage::AssignmentChange change;
  change.sequence = *sequence;
  v1::Assignment& entry = change.entry;
  entry.set_rule_version(rules.version);
  entry.set_actor(request.actor());
  entry.set_reason(request.reason());
  *entry.mutable_decide_time() = TimeUtil::MicrosecondsToTimestamp(now_us);
  change.change =
      storage::ChangeInfo{request.actor(), "lead.reassign", request.reason(), "", now_us};
  bool moved = false;

  if (request.has_by_rule()) {
    std::vector<std::string> excluded;
    if (!previous_owner.empty()) excluded.push_back(IdOf(previous_owner));
    for (const std::string& rep : request.by_rule().exclude_reps()) excluded.push_back(IdOf(rep));
    if (request.by_rule().exclude_previous_owners()) {
      absl::Status listed =
          storage::ListLeadHistory(txn, lead.name(), [&](const storage::HistoryRecord& history) {
            if (!history.assignment().rep().empty()) {
              excluded.push_back(IdOf(history.assignment().rep()));
            }
            return true;
          });
      if (!listed.ok()) return listed;
    }
    absl::StatusOr<Decided> decided = DecideInTxn(txn, rules, lead, excluded, *sequence, now_us);
    if (!decided.ok()) return decided.status();
    const bool assigned = decided->decision.outcome == dsl::Outcome::kAssigned;
    entry.set_kind(v1::ASSIGNMENT_KIND_REASSIGN);
    entry.set_outcome(ToOutcomeProto(decided->decision.outcome));
    if (decided->rule) *entry.mutable_rule() = *decided->rule;
    *entry.mutable_explanation() = decided->summary;
    change.explanation = std::move(decided->explanation);
    if (assigned) {
      moved = true;
      lead.set_owner(RepName(decided->decision.rep_id));
      lead.set_state(v1::LEAD_STATE_OPEN);
      change.delta = decided->decision.delta;
      change.previous = storage::PreviousCounts::kCreditBack;
      lead.clear_sla_deadline();
      if (decided->sla) {
        *entry.mutable_sla() = *decided->sla;
        *entry.mutable_sla_deadline() =
            TimeUtil::MicrosecondsToTimestamp(now_us + decided->sla->within_seconds() * 1'000'000);
        *lead.mutable_sla_deadline() = entry.sla_deadline();
      }
    } else {
      entry.set_unassigned_reason(ToUnassignedReasonProto(decided->decision.unassigned_reason));
      if (request.by_rule().release_if_none() && !previous_owner.empty()) {
        moved = true;
        lead.set_owner("");
        lead.set_state(v1::LEAD_STATE_UNASSIGNED);
        lead.clear_sla_deadline();
        change.previous = storage::PreviousCounts::kCreditBack;
        lead.set_current_assignment(name);
      }
    }
  } else {
    // A manager names the rep.
    const std::string& rep_name = request.rep();
    absl::StatusOr<std::optional<storage::RepRecord>> rep = storage::ReadRep(txn, rep_name);
    if (!rep.ok()) return rep.status();
    if (!rep->has_value()) return NotFound(rep_name);
    const v1::Rep& target = (*rep)->rep();
    if (target.status() == v1::REP_STATUS_OFF) {
      return Precondition("REP_OFF", rep_name,
                          absl::StrCat(rep_name, " is OFF and may not receive leads"));
    }
    const std::string rep_id = IdOf(rep_name);
    const dsl::PeriodIds periods = options_.calendar.Locate(now_us / 1'000'000);
    storage::StoredDecisionState state(txn);
    dsl::RepCounters counters;
    const std::string_view ids[] = {rep_id};
    if (absl::Status s = state.ReadRepCounters(ids, periods, {&counters, 1}); !s.ok()) return s;
    v1::CandidateTrace manual;
    manual.set_rep(rep_name);
    manual.set_display_name(target.display_name().empty() ? rep_id : target.display_name());
    std::string unavailable;
    if (target.status() == v1::REP_STATUS_AWAY) {
      unavailable = "status away";
      manual.mutable_removed()->set_reason(v1::REMOVAL_REASON_STATUS_AWAY);
    } else if (target.has_daily_cap() && counters.assigned_day >= target.daily_cap()) {
      unavailable = absl::StrCat("rep daily_cap reached (", counters.assigned_day, " of ",
                                 target.daily_cap(), " today)");
      v1::CapTrace* cap = manual.mutable_removed()->mutable_cap();
      cap->mutable_cap()->set_limit(target.daily_cap());
      cap->mutable_cap()->set_unit(v1::CAP_UNIT_DAY);
      cap->mutable_cap()->set_scope(v1::CAP_SCOPE_REP);
      cap->set_count(static_cast<int32_t>(counters.assigned_day));
      manual.mutable_removed()->set_reason(v1::REMOVAL_REASON_CAP_REACHED);
    } else if (target.has_max_open() && counters.open >= target.max_open()) {
      unavailable = absl::StrCat("rep max_open reached (", counters.open, " of ", target.max_open(),
                                 " open)");
      v1::CapTrace* cap = manual.mutable_removed()->mutable_cap();
      cap->mutable_cap()->set_limit(target.max_open());
      cap->mutable_cap()->set_unit(v1::CAP_UNIT_OPEN);
      cap->mutable_cap()->set_scope(v1::CAP_SCOPE_REP);
      cap->set_count(static_cast<int32_t>(counters.open));
      manual.mutable_removed()->set_reason(v1::REMOVAL_REASON_CAP_REACHED);
    }
    if (!unavailable.empty()) {
      manual.mutable_removed()->set_message(unavailable);
      if (!request.force()) {
        return Precondition("REP_UNAVAILABLE", rep_name,
                            absl::StrCat(rep_name, " is unavailable (", unavailable,
                                         "); pass force to assign anyway"));
      }
      entry.set_forced(true);
      change.change.action = "lead.manual_assign.forced";
      change.change.detail = absl::StrCat(request.reason(), " [forced past: ", unavailable, "]");
    } else {
      manual.mutable_ranked()->set_tie_group(1);
      change.change.action = "lead.manual_assign";
    }
    manual.set_picked(true);
    moved = true;
    entry.set_kind(v1::ASSIGNMENT_KIND_MANUAL);
    entry.set_outcome(v1::OUTCOME_ASSIGNED);
    entry.mutable_explanation()->set_text(
        absl::StrCat("manual assignment to ", rep_name, " by ", request.actor(),
                     entry.forced() ? absl::StrCat(" (forced past: ", unavailable, ")") : ""));
    entry.mutable_explanation()->set_candidates(1);
    lead.set_owner(rep_name);
    lead.set_state(v1::LEAD_STATE_OPEN);
    lead.clear_sla_deadline();
    dsl::StateDelta delta;
    delta.rep_id = rep_id;
    delta.rule_key = kManualRuleKey;
    delta.periods = periods;
    delta.assigned = 1;
    delta.open = 1;
    delta.quality = lead.has_quality() ? lead.quality() : 0;
    change.delta = delta;
    change.previous = storage::PreviousCounts::kCreditBack;
    v1::Explanation explanation;
    explanation.set_lead(lead.name());
    explanation.set_rule_version(rules.version);
    explanation.mutable_decide_time()->set_seconds(now_us / 1'000'000);
    *explanation.mutable_lead_snapshot() = Snapshot(lead);
    explanation.set_outcome(v1::OUTCOME_ASSIGNED);
    explanation.set_rep(rep_name);
    *explanation.mutable_manual_target() = manual;
    change.explanation = std::move(explanation);
  }

  if (moved) {
    if (request.pin() && entry.outcome() == v1::OUTCOME_ASSIGNED) {
      v1::Pin* pin = lead.mutable_pin();
      pin->set_actor(request.actor());
      pin->set_reason(request.reason());
      *pin->mutable_pin_time() = TimeUtil::MicrosecondsToTimestamp(now_us);
      entry.set_pinned(true);
    } else {
      lead.clear_pin();
    }
  }
  entry.set_rep(lead.owner());
  change.lead = lead;
  absl::StatusOr<storage::CommittedAssignment> committed =
      storage::CommitAssignment(txn, std::move(change));
  if (!committed.ok()) return committed.status();
  v1::ReassignResponse response;
  *response.mutable_assignment() = committed->entry;
  *response.mutable_lead() = committed->lead.lead();
  const std::string lead_name = lead.name();
  if (committed->lead.lead().state() == v1::LEAD_STATE_UNASSIGNED) {
    const v1::UnassignedReason reason = committed->entry.unassigned_reason();
    const uint64_t since = *sequence;
    effects.after_commit.push_back(
        [this, lead_name, reason, since] { unassigned_.Add(lead_name, reason, since); });
  } else {
    effects.after_commit.push_back([this, lead_name] { unassigned_.Remove(lead_name); });
  }
  if (!key.empty()) {
    storage::IdempotencyRecord record;
    record.set_request_fingerprint(fingerprint);
    record.set_response(response.SerializeAsString());
    *record.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(now_us);
    if (absl::Status s = storage::WriteIdempotency(txn, kReassignScope, key, record); !s.ok()) {
      return s;
    }
  }
  return response;
}

absl::StatusOr<v1::ReassignResponse> Assigner::Reassign(const v1::ReassignRequest& request,
                                                        const CallContext& call) {
  if (absl::StatusOr<std::string> id = ParseName(request.lead(), "leads", "lead"); !id.ok()) {
    return id.status();
  }
  switch (request.target_case()) {
    case v1::ReassignRequest::kByRule:
      if (request.by_rule().exclude_reps_size() > 1000) {
        return InvalidField("by_rule.exclude_reps", "at most 1000 reps");
      }
      for (int i = 0; i < request.by_rule().exclude_reps_size(); ++i) {
        if (absl::StatusOr<std::string> id =
                ParseName(request.by_rule().exclude_reps(i), "reps",
                          absl::StrCat("by_rule.exclude_reps[", i, "]"));
            !id.ok()) {
          return id.status();
        }
      }
      break;
    case v1::ReassignRequest::kRep:
      if (absl::StatusOr<std::string> id = ParseName(request.rep(), "reps", "rep"); !id.ok()) {
        return id.status();
      }
      break;
    case v1::ReassignRequest::TARGET_NOT_SET:
      return InvalidField("target", "set by_rule or rep");
  }
  if (absl::Status s = CheckText(request.actor(), "actor", 128, true); !s.ok()) return s;
  if (absl::Status s = CheckText(request.reason(), "reason", 1024, true); !s.ok()) return s;
  if (absl::Status s = CheckKey(request.idempotency_key(), "idempotency_key"); !s.ok()) return s;
  const std::string fingerprint = request.idempotency_key().empty() ? "" : Fingerprint(request);

  const std::shared_ptr<const ActiveRules> rules = rules_.Active();
  if (options_.before_decide_for_testing) options_.before_decide_for_testing();
  Effects effects;
  absl::StatusOr<v1::ReassignResponse> result;
  const absl::Status status =
      storage_.commits().Commit([&](storage::WriteTxn& txn) -> absl::Status {
        if (absl::Status s = call.CheckDeadline(); !s.ok()) return s;
        result = ReassignInTxn(txn, request, fingerprint, *rules, absl::ToUnixMicros(absl::Now()),
                               effects);
        return result.status();
      });
  if (!status.ok()) return status;
  effects.Apply();
  spdlog::info("reassign lead={} rep={} previous={} kind={} outcome={} forced={} actor={}",
               request.lead(), result->assignment().rep(), result->assignment().previous_rep(),
               v1::AssignmentKind_Name(result->assignment().kind()),
               v1::Outcome_Name(result->assignment().outcome()), result->assignment().forced(),
               request.actor());
  return result;
}

absl::StatusOr<v1::SetPinResponse> Assigner::SetPin(const v1::SetPinRequest& request,
                                                    const CallContext& call) {
  if (absl::StatusOr<std::string> id = ParseName(request.lead(), "leads", "lead"); !id.ok()) {
    return id.status();
  }
  if (absl::Status s = CheckText(request.actor(), "actor", 128, true); !s.ok()) return s;
  if (absl::Status s = CheckText(request.reason(), "reason", 1024, true); !s.ok()) return s;
  v1::SetPinResponse response;
  const absl::Status status =
      storage_.commits().Commit([&](storage::WriteTxn& txn) -> absl::Status {
        if (absl::Status s = call.CheckDeadline(); !s.ok()) return s;
        absl::StatusOr<std::optional<storage::LeadRecord>> stored =
            storage::ReadLead(txn, request.lead());
        if (!stored.ok()) return stored.status();
        if (!stored->has_value()) return NotFound(request.lead());
        v1::Lead lead = (*stored)->lead();
        if (request.pinned() == IsPinned(lead)) {
          *response.mutable_lead() = lead;
          return absl::OkStatus();
        }
        if (request.pinned() && lead.state() != v1::LEAD_STATE_OPEN) {
          return Precondition("LEAD_NOT_OPEN", lead.name(),
                              absl::StrCat(lead.name(), " has no owner or is closed (",
                                           v1::LeadState_Name(lead.state()),
                                           "): only an owned, open lead can be pinned"));
        }
        const int64_t now_us = absl::ToUnixMicros(absl::Now());
        if (request.pinned()) {
          lead.mutable_pin()->set_actor(request.actor());
          lead.mutable_pin()->set_reason(request.reason());
          *lead.mutable_pin()->mutable_pin_time() = TimeUtil::MicrosecondsToTimestamp(now_us);
        } else {
          lead.clear_pin();
        }
        *lead.mutable_update_time() = TimeUtil::MicrosecondsToTimestamp(now_us);
        absl::StatusOr<storage::LeadRecord> written = storage::PutLead(
            txn, lead,
            storage::ChangeInfo{request.actor(), request.pinned() ? "lead.pin" : "lead.unpin",
                                request.reason(), "", now_us});
        if (!written.ok()) return written.status();
        *response.mutable_lead() = written->lead();
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return response;
}

absl::StatusOr<int> Assigner::RetryUnassigned(const std::string& why) {
  int assigned = 0;
  for (const UnassignedQueue::Entry& queued : unassigned_.Snapshot()) {
    if (unassigned_.stopped()) break;  // shutting down: the queue is rebuilt at the next start
    const std::shared_ptr<const ActiveRules> rules = rules_.Active();
    if (rules->program == nullptr) return assigned;
    Effects effects;
    bool got_owner = false;
    std::optional<v1::UnassignedReason> still;
    absl::Status status = storage_.commits().Commit([&](storage::WriteTxn& txn) -> absl::Status {
      effects.after_commit.clear();
      absl::StatusOr<std::optional<storage::LeadRecord>> stored =
          storage::ReadLead(txn, queued.lead);
      if (!stored.ok()) return stored.status();
      if (!stored->has_value() || (*stored)->lead().state() != v1::LEAD_STATE_UNASSIGNED) {
        const std::string lead_name = queued.lead;
        effects.after_commit.push_back([this, lead_name] { unassigned_.Remove(lead_name); });
        return RollbackSentinel();
      }
      v1::Lead lead = (*stored)->lead();
      const int64_t now_us = absl::ToUnixMicros(absl::Now());
      absl::StatusOr<uint64_t> sequence = storage::NextAssignmentSequence(txn);
      if (!sequence.ok()) return sequence.status();
      absl::StatusOr<Decided> decided = DecideInTxn(txn, *rules, lead, {}, *sequence, now_us);
      if (!decided.ok()) return decided.status();
      if (decided->decision.outcome != dsl::Outcome::kAssigned) {
        still = ToUnassignedReasonProto(decided->decision.unassigned_reason);
        return RollbackSentinel();  // nothing changed: no new history entry
      }
      storage::AssignmentChange change;
      change.sequence = *sequence;
      lead.set_owner(RepName(decided->decision.rep_id));
      lead.set_state(v1::LEAD_STATE_OPEN);
      v1::Assignment& entry = change.entry;
      entry.set_outcome(v1::OUTCOME_ASSIGNED);
      entry.set_rep(lead.owner());
      if (decided->rule) *entry.mutable_rule() = *decided->rule;
      entry.set_rule_version(rules->version);
      entry.set_kind(v1::ASSIGNMENT_KIND_ASSIGN);
      entry.set_actor("system:retry");
      entry.set_reason(absl::StrCat("retried (", why, "): ", decided->summary.text()));
      *entry.mutable_decide_time() = TimeUtil::MicrosecondsToTimestamp(now_us);
      *entry.mutable_explanation() = decided->summary;
      if (decided->sla) {
        *entry.mutable_sla() = *decided->sla;
        *entry.mutable_sla_deadline() =
            TimeUtil::MicrosecondsToTimestamp(now_us + decided->sla->within_seconds() * 1'000'000);
        *lead.mutable_sla_deadline() = entry.sla_deadline();
      }
      change.lead = lead;
      change.explanation = std::move(decided->explanation);
      change.delta = decided->decision.delta;
      change.previous = storage::PreviousCounts::kKeep;
      change.change =
          storage::ChangeInfo{"system:retry", "lead.assign", entry.reason(), "", now_us};
      absl::StatusOr<storage::CommittedAssignment> committed =
          storage::CommitAssignment(txn, std::move(change));
      if (!committed.ok()) return committed.status();
      got_owner = true;
      const std::string lead_name = queued.lead;
      effects.after_commit.push_back([this, lead_name] { unassigned_.Remove(lead_name); });
      return absl::OkStatus();
    });
    if (IsRollbackSentinel(status)) status = absl::OkStatus();
    if (!status.ok()) return status;
    effects.Apply();
    if (still) unassigned_.Add(queued.lead, *still, queued.since);
    if (got_owner) ++assigned;
  }
  if (assigned > 0) {
    spdlog::info("retry_unassigned why=\"{}\" assigned={} still_unassigned={}", why, assigned,
                 unassigned_.size());
  }
  return assigned;
}

absl::StatusOr<Assigner::MovedLeads> Assigner::MoveOpenLeadsInTxn(
    storage::WriteTxn& txn, const std::vector<storage::LeadRecord>& leads,
    const std::string& rep_name, bool reassign, const std::string& actor, const std::string& reason,
    int64_t now_us) {
  MovedLeads moved;
  const std::shared_ptr<const ActiveRules> rules = rules_.Active();
  const std::vector<std::string> excluded = {IdOf(rep_name)};
  for (const storage::LeadRecord& record : leads) {
    v1::Lead lead = record.lead();
    absl::StatusOr<uint64_t> sequence = storage::NextAssignmentSequence(txn);
    if (!sequence.ok()) return sequence.status();
    storage::AssignmentChange change;
    change.sequence = *sequence;
    change.previous = storage::PreviousCounts::kCreditBack;
    v1::Assignment& entry = change.entry;
    entry.set_rule_version(rules->version);
    entry.set_actor(actor);
    entry.set_reason(absl::StrCat("owner ", rep_name, " removed: ", reason));
    *entry.mutable_decide_time() = TimeUtil::MicrosecondsToTimestamp(now_us);
    bool assigned = false;
    if (reassign) {
      absl::StatusOr<Decided> decided = DecideInTxn(txn, *rules, lead, excluded, *sequence, now_us);
      if (!decided.ok()) return decided.status();
      assigned = decided->decision.outcome == dsl::Outcome::kAssigned;
      entry.set_kind(v1::ASSIGNMENT_KIND_REASSIGN);
      entry.set_outcome(ToOutcomeProto(decided->decision.outcome));
      if (decided->rule) *entry.mutable_rule() = *decided->rule;
      *entry.mutable_explanation() = decided->summary;
      if (assigned) {
        lead.set_owner(RepName(decided->decision.rep_id));
        change.delta = decided->decision.delta;
      } else {
        entry.set_unassigned_reason(ToUnassignedReasonProto(decided->decision.unassigned_reason));
      }
      change.explanation = std::move(decided->explanation);
    } else {
      entry.set_kind(v1::ASSIGNMENT_KIND_RELEASE);
      entry.set_outcome(v1::OUTCOME_UNASSIGNED);
      entry.set_unassigned_reason(v1::UNASSIGNED_REASON_OWNER_REMOVED);
    }
    lead.clear_sla_deadline();
    if (assigned) {
      lead.set_state(v1::LEAD_STATE_OPEN);
      ++moved.reassigned;
    } else {
      lead.set_owner("");
      lead.set_state(v1::LEAD_STATE_UNASSIGNED);
      lead.set_current_assignment(
          absl::StrCat(lead.name(), "/assignments/", storage::keys::FormatId(*sequence)));
      ++moved.unassigned;
    }
    entry.set_rep(lead.owner());
    change.lead = lead;
    change.change = storage::ChangeInfo{actor, reassign ? "lead.reassign" : "lead.release",
                                        entry.reason(), "", now_us};
    absl::StatusOr<storage::CommittedAssignment> committed =
        storage::CommitAssignment(txn, std::move(change));
    if (!committed.ok()) return committed.status();
    const std::string lead_name = lead.name();
    if (assigned) {
      moved.after_commit.push_back([this, lead_name] { unassigned_.Remove(lead_name); });
    } else {
      const v1::UnassignedReason unassigned_reason = committed->entry.unassigned_reason();
      const uint64_t since = *sequence;
      moved.after_commit.push_back([this, lead_name, unassigned_reason, since] {
        unassigned_.Add(lead_name, unassigned_reason, since);
      });
    }
  }
  return moved;
}

}  // namespace leadrouter::server
