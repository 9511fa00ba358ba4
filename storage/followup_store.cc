#include "storage/followup_store.h"

#include "absl/strings/str_cat.h"
#include "dsl/base/status_macros.h"
#include "storage/event_log.h"
#include "storage/key_codec.h"
#include "storage/keys.h"
#include "storage/layout.h"
#include "storage/records.h"
#include "storage/span_facts.h"
#include "storage/value_codec.h"

namespace leadrouter::storage {

absl::StatusOr<uint64_t> NextFollowUpSequence(WriteTxn& txn) {
  return txn.NextSequence(std::string(meta_key::kFollowUpSequence));
}

std::string FollowUpName(absl::string_view lead, uint64_t sequence) {
  return absl::StrCat(lead, "/followups/", keys::FormatId(sequence));
}

absl::Status PutFollowUp(WriteTxn& txn, uint64_t sequence, const leadrouter::v1::FollowUp& followup,
                         int64_t rule_version) {
  if (followup.lead().empty()) return absl::InvalidArgumentError("follow-up without a lead");
  RETURN_IF_ERROR(WriteMessage(txn, ColumnFamily::kFollowUps,
                               keys::FollowUp(followup.lead(), sequence), followup));
  RETURN_IF_ERROR(RecordSpanFollowUp(txn, followup));
  return AppendFollowUpEvent(txn, followup, rule_version);
}

absl::Status ListLeadFollowUps(
    const ReadView& view, absl::string_view lead,
    absl::FunctionRef<bool(uint64_t sequence, const leadrouter::v1::FollowUp&)> visit) {
  const std::string prefix = keys::FollowUpsOfLead(lead);
  return view.ScanPrefix(
      ColumnFamily::kFollowUps, prefix, ScanOrder::kAscending,
      [&](absl::string_view key, absl::string_view value) -> absl::StatusOr<bool> {
        KeyReader reader(key.substr(prefix.size()));
        ASSIGN_OR_RETURN(const uint64_t sequence, reader.U64());
        leadrouter::v1::FollowUp followup;
        RETURN_IF_ERROR(DecodeProto(value, followup, absl::StrCat("follow-up of ", lead)));
        return visit(sequence, followup);
      });
}

}  // namespace leadrouter::storage
