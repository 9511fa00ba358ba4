// Follow-ups: column family `followups`, keyed (lead name, sequence) -> leadrouter.v1.FollowUp.
// A lead's follow-ups in the order they were recorded; sequences come from the `followup`
// sequence of the meta column family.
#pragma once

#include <cstdint>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "leadrouter/v1/followups.pb.h"
#include "storage/read_view.h"
#include "storage/write_txn.h"

namespace leadrouter::storage {

// The next follow-up sequence, part of the mutation (rolled back with it).
[[nodiscard]] absl::StatusOr<uint64_t> NextFollowUpSequence(WriteTxn& txn);

// "{lead}/followups/{sequence, 16 hex digits}".
std::string FollowUpName(absl::string_view lead, uint64_t sequence);

// Stores `followup` (its `lead` names it) as follow-up `sequence`, with its FOLLOW_UP_RECORDED
// event (storage/event_log.h); `rule_version` is the active one, for the event.
[[nodiscard]] absl::Status PutFollowUp(WriteTxn& txn, uint64_t sequence,
                                       const leadrouter::v1::FollowUp& followup,
                                       int64_t rule_version);

// The lead's follow-ups in recording order; stops when `visit` returns false.
[[nodiscard]] absl::Status ListLeadFollowUps(
    const ReadView& view, absl::string_view lead,
    absl::FunctionRef<bool(uint64_t sequence, const leadrouter::v1::FollowUp&)> visit);

}  // namespace leadrouter::storage
