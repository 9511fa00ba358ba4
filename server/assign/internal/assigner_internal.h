// What the Assigner's files (server/assign/assigner*.cc) share and nothing else includes: its
// private types, the checks of its requests, the idempotency replay and record, and the steps that
// fill a history entry.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "dsl/base/status_macros.h"
#include "dsl/decision/decide.h"
#include "google/protobuf/field_mask.pb.h"
#include "google/protobuf/message.h"
#include "leadrouter/v1/assignment.pb.h"
#include "leadrouter/v1/explanation.pb.h"
#include "server/assign/assigner.h"
#include "storage/assignment_store.h"
#include "storage/read_view.h"
#include "storage/write_txn.h"

namespace leadrouter::server::assign_internal {

// What a commit changes outside the database, applied once it is durable.
struct Effects {
  std::vector<std::function<void()>> after_commit;
  void Apply() {
    for (auto& effect : after_commit) effect();
  }
};

// A decision with the API's messages for it.
struct Decided {
  dsl::Decision decision;
  // Builds the stored explanation when the commit group is encoded (decision.explanation has
  // moved into it).
  storage::ExplanationBuilder explanation;
  leadrouter::v1::ExplanationSummary summary;
  // The rule that decided, if any.
  std::optional<leadrouter::v1::RuleRef> rule;
  // The deciding rule's SLA chain, when it picked a rep and the rule has one (without: the
  // server's default applies, Assigner::CommitChangeInTxn).
  std::optional<leadrouter::v1::Sla> sla;
  // The deciding rule's follow-up plan, when it picked a rep.
  google::protobuf::RepeatedPtrField<leadrouter::v1::FollowUpStep> followup_plan;

  bool assigned() const { return decision.outcome == dsl::Outcome::kAssigned; }
  // Assigned, or proposed for review: a rep was picked and the counts move.
  bool picked() const { return dsl::PicksRep(decision.outcome); }
};

// One lead to assign: an Assign request or one AssignBatch item.
struct BatchItem {
  leadrouter::v1::Lead lead;
  google::protobuf::FieldMask mask;
  // The idempotency key; empty: none.
  std::string key;
  // The item's Fingerprint, when it has a key.
  std::string fingerprint;
  bool validate_only = false;
  // The active model's score of the lead (Assigner::ScoreItem), set before the item goes to the
  // writer; nullopt when the client sent a score or no model is active.
  std::optional<LeadScore> score;
};

// The score the decision reads onto `lead` (the model's, when `item.score`; else the client's,
// merged with the input), and onto the decision's history entry with the model version.
void ApplyScore(const BatchItem& item, leadrouter::v1::Lead& lead);
void RecordScore(const BatchItem& item, const leadrouter::v1::Lead& lead,
                 leadrouter::v1::Assignment& entry);
// The entry's score and version, as AssignResponse repeats them.
void CopyScore(const leadrouter::v1::Assignment& entry, leadrouter::v1::AssignResponse& response);

// ----------------------------------------------------------------------------------------------
// Requests

// An item fingerprinted as an AssignBatchItem, so that a key names the same request whether it
// came alone (Assign) or in a batch.
BatchItem MakeBatchItem(const leadrouter::v1::Lead& lead, const google::protobuf::FieldMask& mask,
                        const std::string& key, bool validate_only);
// The checks of one lead to assign, in order: lead, update_mask, idempotency_key.
[[nodiscard]] absl::Status CheckItem(const leadrouter::v1::Lead& lead,
                                     const google::protobuf::FieldMask& mask,
                                     const std::string& key);
// Who an Assign or AssignBatch says it is: "api" when it does not say.
std::string ActorOrApi(const std::string& actor);

// The message's deterministic serialization: what a reused idempotency key is compared by.
std::string Fingerprint(const google::protobuf::Message& message);
// An idempotency key is at most 128 bytes (INVALID_ARGUMENT naming `field`).
[[nodiscard]] absl::Status CheckKey(const std::string& key, absl::string_view field);

// ----------------------------------------------------------------------------------------------
// Idempotency: a key names one request per scope; a retry gets the stored response again.

inline constexpr char kAssignScope[] = "assign";
inline constexpr char kReassignScope[] = "reassign";
inline constexpr char kCloseScope[] = "close";
inline constexpr char kFollowUpScope[] = "followup";
inline constexpr char kReviewScope[] = "review";

// Reads into `response` what an earlier request with `key` got; false when the key is empty or
// new. INVALID_ARGUMENT (IDEMPOTENCY_KEY_REUSED) when the earlier request was another one
// (`what`: "lead", "reassign request").
[[nodiscard]] absl::StatusOr<bool> ReadStoredResponse(
    const storage::ReadView& view, absl::string_view scope, const std::string& key,
    const std::string& fingerprint, absl::string_view what, google::protobuf::Message& response);

// The earlier response to replay (marked `replayed`), or nullopt to go on (ReadStoredResponse).
template <typename Response>
[[nodiscard]] absl::StatusOr<std::optional<Response>> Replay(const storage::ReadView& view,
                                                             absl::string_view scope,
                                                             const std::string& key,
                                                             const std::string& fingerprint,
                                                             absl::string_view what) {
  Response response;
  ASSIGN_OR_RETURN(const bool stored,
                   ReadStoredResponse(view, scope, key, fingerprint, what, response));
  if (!stored) return std::nullopt;
  response.set_replayed(true);
  return response;
}

// Stores `response` for `key` (nothing when it is empty) in the mutation that produced it.
[[nodiscard]] absl::Status RecordResponse(storage::WriteTxn& txn, absl::string_view scope,
                                          const std::string& key, const std::string& fingerprint,
                                          const google::protobuf::Message& response,
                                          int64_t now_us);

// ----------------------------------------------------------------------------------------------
// History entries

// An entry of `kind` saying who, why and when; what was decided is filled in by the caller.
leadrouter::v1::Assignment NewEntry(leadrouter::v1::AssignmentKind kind, int64_t rule_version,
                                    const std::string& actor, const std::string& reason,
                                    int64_t now_us);
// The decision on `entry`: outcome, deciding rule, summary and, when unassigned, the reason.
void RecordDecision(const Decided& decided, leadrouter::v1::Assignment& entry);
// What a decision that picked a rep starts once the rep owns the lead: the rule's SLA chain and
// follow-up plan, on the entry (Assigner::CommitChangeInTxn plans them; a proposal keeps them
// for its approval).
void RecordPlan(const Decided& decided, leadrouter::v1::Assignment& entry);
// The owner and state `decided` gives a lead decided anew: the picked rep, OPEN (assigned) or
// PENDING_REVIEW (proposed, since `now_us`), or no owner and UNASSIGNED. A rep picked has not
// contacted the lead yet, and a proposal before it is over.
void SetDecidedOwner(const Decided& decided, int64_t now_us, leadrouter::v1::Lead& lead);
// Ends the lead's review bookkeeping (proposal time, escalation) when it leaves PENDING_REVIEW.
void ClearReview(leadrouter::v1::Lead& lead);
// The change that records `decided` as entry `sequence` of an assignment (kind ASSIGN, by `actor`
// for `reason`) of `lead`, whose owner and state the caller has set: the decision, the SLA
// deadline, the explanation and the counts, the lead's earlier counts kept (it had no owner).
storage::AssignmentChange DecidedAssignChange(Decided decided, leadrouter::v1::Lead lead,
                                              int64_t rule_version, const std::string& actor,
                                              const std::string& reason, uint64_t sequence,
                                              int64_t now_us);
// A time a caller gives for something that happened to `lead` (a contact, a close): at most 5
// minutes after `now_us` (clocks drift) and not before the lead was received. INVALID_ARGUMENT
// naming `field` otherwise.
[[nodiscard]] absl::Status CheckEventTime(int64_t at_us, int64_t now_us,
                                          const leadrouter::v1::Lead& lead,
                                          absl::string_view field);

// What closes a lead.
struct Closing {
  leadrouter::v1::CloseResolution resolution = leadrouter::v1::CLOSE_RESOLUTION_UNSPECIFIED;
  // The final deal value (WON only); nullopt keeps the lead's.
  std::optional<double> value;
  std::string actor;
  std::string reason;
  // When it closed (the lead's close_time).
  int64_t close_us = 0;
};
// The change that closes `lead` (stored and closable, server/assign/lead_lifecycle.h) as entry
// `sequence`, kind CLOSE: the state and resolution set, the pin and SLA deadline cleared, the
// owner kept (it closed with them), and the owner's open-lead count credited back.
storage::AssignmentChange CloseChange(leadrouter::v1::Lead lead, const Closing& closing,
                                      int64_t rule_version, uint64_t sequence, int64_t now_us);
// The sequence at the end of an assignment name ("leads/L1/assignments/00000000000000ff"); 0 when
// it has none.
uint64_t SequenceOf(const std::string& assignment_name);

}  // namespace leadrouter::server::assign_internal
