// Assigner::AssignBatch: many leads in one mutation, each seeing the load the ones before it left;
// an item's own error fails only that item.
#include <spdlog/spdlog.h>

#include <set>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/api/errors.h"
#include "server/api/validation.h"
#include "server/assign/assigner.h"
#include "server/assign/internal/assigner_internal.h"

namespace leadrouter::server {
namespace {

namespace v1 = leadrouter::v1;

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

// The checks of the batch as a whole: its size, its actor, no lead twice.
absl::Status CheckBatch(const v1::AssignBatchRequest& request) {
  if (request.items_size() == 0) return InvalidField("items", "at least one item is required");
  if (request.items_size() > kMaxBatchItems) {
    return TooLarge("items",
                    absl::StrCat(request.items_size(), " items; the limit is ", kMaxBatchItems),
                    "BATCH_TOO_LARGE");
  }
  RETURN_IF_ERROR(CheckText(request.actor(), "actor", 128, false));
  std::set<std::string> seen;
  for (int i = 0; i < request.items_size(); ++i) {
    const std::string& name = request.items(i).lead().name();
    if (!name.empty() && !seen.insert(name).second) {
      return InvalidField(absl::StrCat("items[", i, "].lead.name"),
                          absl::StrCat(name, " appears twice in the batch"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::AssignBatchResponse> Assigner::AssignBatch(const v1::AssignBatchRequest& request,
                                                              const CallContext& call) {
  RETURN_IF_ERROR(CheckBatch(request));
  const std::string actor = assign_internal::ActorOrApi(request.actor());
  // Items that fail validation get their error; the others are decided in request order.
  std::vector<absl::Status> item_errors;
  std::vector<BatchItem> items;
  for (const v1::AssignBatchItem& in : request.items()) {
    item_errors.push_back(
        assign_internal::CheckItem(in.lead(), in.update_mask(), in.idempotency_key()));
    items.push_back(assign_internal::MakeBatchItem(in.lead(), in.update_mask(),
                                                   in.idempotency_key(), request.validate_only()));
    if (item_errors.back().ok()) item_errors.back() = ScoreItem(items.back());
  }

  const std::shared_ptr<const ActiveRules> rules = RulesForCall();
  const absl::Time start = absl::Now();
  std::vector<absl::StatusOr<v1::AssignResponse>> results(items.size());
  Effects effects;
  // One mutation for the whole batch: one group commit, and each item sees the load the previous
  // ones left.
  RETURN_IF_ERROR(storage_.commits().CommitOrRollBack(
      [&](storage::WriteTxn& txn) -> absl::StatusOr<storage::MutationResult> {
        RETURN_IF_ERROR(call.CheckDeadline());
        effects.after_commit.clear();
        for (size_t i = 0; i < items.size(); ++i) {
          if (!item_errors[i].ok()) {
            results[i] = item_errors[i];
            continue;
          }
          results[i] =
              AssignInTxn(txn, items[i], *rules, actor, absl::ToUnixMicros(clock().Now()), effects);
          if (!results[i].ok() && !IsItemError(results[i].status())) return results[i].status();
        }
        return request.validate_only() ? storage::MutationResult::kRollBack
                                       : storage::MutationResult::kCommit;
      },
      call.principal));
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

}  // namespace leadrouter::server
