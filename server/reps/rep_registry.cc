#include "server/reps/rep_registry.h"

#include <spdlog/spdlog.h>

#include <limits>
#include <set>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "dsl/base/status_macros.h"
#include "dsl/data/dataset.h"
#include "google/protobuf/util/message_differencer.h"
#include "google/protobuf/util/time_util.h"
#include "server/api/dsl_binding.h"
#include "server/api/errors.h"
#include "server/api/field_mask.h"
#include "server/api/page_token.h"
#include "server/api/validation.h"
#include "server/assign/lead_fields.h"
#include "server/assign/lead_lifecycle.h"
#include "storage/assignment_store.h"
#include "storage/counter_store.h"
#include "storage/lead_store.h"
#include "storage/read_view.h"
#include "storage/rep_store.h"

namespace leadrouter::server {
namespace {

namespace v1 = leadrouter::v1;
using google::protobuf::util::TimeUtil;

void MergeSchedule(const v1::Rep& input, v1::Rep& rep) {
  if (input.has_schedule()) {
    *rep.mutable_schedule() = input.schedule();
  } else {
    rep.clear_schedule();
  }
}

// The input fields of `input` copied onto `rep`: all (an unset status keeps the current one) or
// those `mask` names.
void MergeRep(const v1::Rep& input, const google::protobuf::FieldMask& mask, v1::Rep& rep) {
  if (mask.paths().empty()) {
    const v1::RepStatus status = rep.status();
    rep.set_display_name(input.display_name());
    rep.set_team(input.team());
    rep.set_level(input.level());
    rep.set_region(input.region());
    *rep.mutable_skills() = input.skills();
    *rep.mutable_tags() = input.tags();
    *rep.mutable_channels() = input.channels();
    rep.set_status(input.status() == v1::REP_STATUS_UNSPECIFIED ? status : input.status());
    input.has_daily_cap() ? rep.set_daily_cap(input.daily_cap()) : rep.clear_daily_cap();
    input.has_max_open() ? rep.set_max_open(input.max_open()) : rep.clear_max_open();
    *rep.mutable_attributes() = input.attributes();
    MergeSchedule(input, rep);
    return;
  }
  for (const std::string& path : mask.paths()) {
    if (path == "display_name") {
      rep.set_display_name(input.display_name());
    } else if (path == "team") {
      rep.set_team(input.team());
    } else if (path == "level") {
      rep.set_level(input.level());
    } else if (path == "region") {
      rep.set_region(input.region());
    } else if (path == "tags") {
      *rep.mutable_tags() = input.tags();
    } else if (path == "channels") {
      *rep.mutable_channels() = input.channels();
    } else if (path == "status") {
      if (input.status() != v1::REP_STATUS_UNSPECIFIED) rep.set_status(input.status());
    } else if (path == "daily_cap") {
      input.has_daily_cap() ? rep.set_daily_cap(input.daily_cap()) : rep.clear_daily_cap();
    } else if (path == "max_open") {
      input.has_max_open() ? rep.set_max_open(input.max_open()) : rep.clear_max_open();
    } else if (path == "schedule") {
      MergeSchedule(input, rep);
    } else if (path == "skills") {
      *rep.mutable_skills() = input.skills();
    } else if (path == "attributes") {
      *rep.mutable_attributes() = input.attributes();
    } else {
      MergeMapEntry(path, "skills", input.skills(), *rep.mutable_skills());
      MergeMapEntry(path, "attributes", input.attributes(), *rep.mutable_attributes());
    }
  }
}

// Only the fields a caller sets: what "unchanged" compares.
v1::Rep InputFields(const v1::Rep& rep) {
  v1::Rep input;
  input.set_name(rep.name());
  input.set_status(rep.status());
  MergeRep(rep, google::protobuf::FieldMask(), input);
  return input;
}

v1::Rep WithEtag(const storage::RepRecord& record) {
  v1::Rep rep = record.rep();
  rep.set_etag(absl::StrCat(record.revision()));
  return rep;
}

absl::Status CheckEtag(const std::string& etag, const storage::RepRecord& record) {
  if (!etag.empty() && etag != absl::StrCat(record.revision())) {
    return Aborted("ETAG_MISMATCH", absl::StrCat(record.rep().name(), " changed since: etag is ",
                                                 record.revision(), ", not ", etag));
  }
  return absl::OkStatus();
}

// The leads `rep_name` owns that are open or pending review, found through its history index.
absl::StatusOr<std::vector<storage::LeadRecord>> OpenLeadsOf(const storage::ReadView& view,
                                                             const std::string& rep_name) {
  std::set<std::string> names;
  RETURN_IF_ERROR(storage::ListRepHistory(
      view, rep_name, std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max(),
      storage::ScanOrder::kAscending, [&](const storage::HistoryRecord& history) {
        names.insert(history.assignment().lead());
        return true;
      }));
  std::vector<storage::LeadRecord> open;
  for (const std::string& name : names) {
    ASSIGN_OR_RETURN(std::optional<storage::LeadRecord> lead, storage::ReadLead(view, name));
    if (!lead.has_value()) continue;
    const v1::Lead& stored = lead->lead();
    if (stored.owner() == rep_name &&
        (IsOwnedOpen(stored.state()) || stored.state() == v1::LEAD_STATE_PENDING_REVIEW)) {
      open.push_back(*lead);
    }
  }
  return open;
}

bool MatchesFilters(const v1::Rep& rep, const v1::ListRepsRequest& request) {
  if (!request.team().empty() && rep.team() != request.team()) return false;
  if (!request.region().empty() && rep.region() != request.region()) return false;
  if (!request.skill().empty() && !rep.skills().contains(request.skill())) return false;
  if (!request.statuses().empty()) {
    bool any = false;
    for (const int status : request.statuses()) any |= status == rep.status();
    if (!any) return false;
  }
  for (const std::string& tag : request.tags()) {
    bool has = false;
    for (const std::string& own : rep.tags()) has |= own == tag;
    if (!has) return false;
  }
  return true;
}

}  // namespace

RepRegistry::RepRegistry(storage::Storage& storage, RosterCache& roster,
                         UnassignedQueue& unassigned, Assigner& assigner)
    : storage_(storage), roster_(roster), unassigned_(unassigned), assigner_(assigner) {}

absl::Status RepRegistry::LoadRosterFile(const std::string& path) {
  ASSIGN_OR_RETURN(std::vector<dsl::RepInfo> reps, dsl::ReadRepsFile(path));
  int created = 0;
  int updated = 0;
  for (const dsl::RepInfo& info : reps) {
    v1::UpsertRepRequest request;
    *request.mutable_rep() = FromRepInfo(info);
    request.set_actor("leadrouterd");
    if (absl::Status s = CheckRep(request.rep(), "rep"); !s.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--reps ", path, ": rep ", info.id, ": ", s.message()));
    }
    if (std::optional<v1::Rep> stored = roster_.Find(request.rep().name())) {
      // The file's status is where a new rep starts; afterwards SetStatus owns it, so a restart
      // does not bring back a rep who was set away or off.
      request.mutable_rep()->set_status(stored->status());
      if (google::protobuf::util::MessageDifferencer::Equals(InputFields(*stored),
                                                             InputFields(request.rep()))) {
        continue;
      }
    }
    ASSIGN_OR_RETURN(v1::UpsertRepResponse response, Upsert(request, CallContext{}));
    ++(response.created() ? created : updated);
  }
  spdlog::info("reps loaded file={} reps={} created={} updated={}", path, reps.size(), created,
               updated);
  return absl::OkStatus();
}

void RepRegistry::ReloadAfterFailedCommit(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kAborted:
    case absl::StatusCode::kDeadlineExceeded:
      return;
    default:
      break;
  }
  if (absl::Status reloaded = roster_.Reload(storage_.database()); !reloaded.ok()) {
    spdlog::error("roster reload failed: {}", reloaded.ToString());
  }
}

absl::StatusOr<v1::Rep> RepRegistry::WriteRep(storage::WriteTxn& txn, const v1::Rep& rep,
                                              const storage::ChangeInfo& change) {
  ASSIGN_OR_RETURN(storage::RepRecord written, storage::PutRep(txn, rep, change));
  roster_.Put(written.rep());
  return WithEtag(written);
}

absl::Status RepRegistry::FillLoad(v1::Rep& rep) const {
  storage::DatabaseView view(storage_.database());
  const std::string id = IdOf(rep.name());
  const int64_t now_seconds = absl::ToUnixSeconds(assigner_.clock().Now());
  const dsl::PeriodIds periods = assigner_.calendar().Locate(now_seconds);
  storage::StoredDecisionState state(view);
  dsl::RepCounters counters;
  const std::string_view ids[] = {id};
  RETURN_IF_ERROR(state.ReadRepCounters(ids, periods, {&counters, 1}));
  v1::RepLoad* load = rep.mutable_load();
  load->set_assigned_today(static_cast<int32_t>(counters.assigned_day));
  load->set_assigned_this_week(static_cast<int32_t>(counters.assigned_week));
  load->set_assigned_this_month(static_cast<int32_t>(counters.assigned_month));
  load->set_open_leads(static_cast<int32_t>(counters.open));
  load->set_quality_today(counters.quality_day);
  // The last automatic assignment; none (unset) for a rep that never had one.
  return storage::ListRepHistory(
      view, rep.name(), std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max(),
      storage::ScanOrder::kDescending, [&](const storage::HistoryRecord& history) {
        const v1::AssignmentKind kind = history.assignment().kind();
        if (kind == v1::ASSIGNMENT_KIND_MANUAL || kind == v1::ASSIGNMENT_KIND_RELEASE ||
            history.assignment().outcome() != v1::OUTCOME_ASSIGNED) {
          return true;
        }
        *load->mutable_last_assign_time() = history.assignment().decide_time();
        return false;
      });
}

absl::StatusOr<v1::UpsertRepResponse> RepRegistry::Upsert(const v1::UpsertRepRequest& request,
                                                          const CallContext& call) {
  RETURN_IF_ERROR(CheckRep(request.rep(), "rep"));
  RETURN_IF_ERROR(CheckRepMask(request.update_mask(), "update_mask"));
  RETURN_IF_ERROR(CheckText(request.actor(), "actor", 128, false));
  const std::string actor = request.actor().empty() ? "api" : request.actor();
  v1::UpsertRepResponse response;
  bool became_active = false;
  const absl::Status status = storage_.commits().Commit(
      [&](storage::WriteTxn& txn) -> absl::Status {
        RETURN_IF_ERROR(call.CheckDeadline());
        ASSIGN_OR_RETURN(std::optional<storage::RepRecord> stored,
                         storage::ReadRep(txn, request.rep().name()));
        const bool exists = stored.has_value();
        if (!exists && request.require_existing()) return NotFound(request.rep().name());
        if (exists) {
          RETURN_IF_ERROR(CheckEtag(request.rep().etag(), *stored));
        } else if (!request.rep().etag().empty()) {
          return Aborted("ETAG_MISMATCH",
                         absl::StrCat(request.rep().name(), " does not exist; clear etag"));
        }
        const int64_t now_us = absl::ToUnixMicros(assigner_.clock().Now());
        v1::Rep rep = exists ? stored->rep() : v1::Rep();
        const v1::RepStatus before = exists ? rep.status() : v1::REP_STATUS_UNSPECIFIED;
        if (!exists) {
          rep.set_name(request.rep().name());
          rep.set_status(v1::REP_STATUS_ACTIVE);
          *rep.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(now_us);
        }
        MergeRep(request.rep(), exists ? request.update_mask() : google::protobuf::FieldMask(),
                 rep);
        if (rep.status() != before) {
          *rep.mutable_status_change_time() = TimeUtil::MicrosecondsToTimestamp(now_us);
        }
        *rep.mutable_update_time() = TimeUtil::MicrosecondsToTimestamp(now_us);
        rep.clear_load();
        rep.clear_etag();
        response.set_created(!exists);
        became_active = rep.status() == v1::REP_STATUS_ACTIVE && before != v1::REP_STATUS_ACTIVE;
        if (request.validate_only()) {
          *response.mutable_rep() = rep;
          return absl::OkStatus();
        }
        ASSIGN_OR_RETURN(v1::Rep written,
                         WriteRep(txn, rep,
                                  storage::ChangeInfo{actor, exists ? "rep.update" : "rep.create",
                                                      "", "", now_us}));
        *response.mutable_rep() = std::move(written);
        return absl::OkStatus();
      },
      call.principal);
  if (!status.ok()) {
    ReloadAfterFailedCommit(status);
    return status;
  }
  if (request.validate_only()) return response;
  RETURN_IF_ERROR(FillLoad(*response.mutable_rep()));
  spdlog::info("rep upsert rep={} created={} status={} actor={}", request.rep().name(),
               response.created(), v1::RepStatus_Name(response.rep().status()), actor);
  if (became_active) unassigned_.RequestRetry(absl::StrCat(request.rep().name(), " is active"));
  return response;
}

absl::StatusOr<v1::GetRepResponse> RepRegistry::Get(const v1::GetRepRequest& request) const {
  RETURN_IF_ERROR(ParseName(request.name(), "reps", "name").status());
  storage::DatabaseView view(storage_.database());
  ASSIGN_OR_RETURN(std::optional<storage::RepRecord> stored,
                   storage::ReadRep(view, request.name()));
  if (!stored.has_value()) return NotFound(request.name());
  v1::GetRepResponse response;
  *response.mutable_rep() = WithEtag(*stored);
  RETURN_IF_ERROR(FillLoad(*response.mutable_rep()));
  return response;
}

absl::StatusOr<v1::ListRepsResponse> RepRegistry::List(const v1::ListRepsRequest& request) const {
  ASSIGN_OR_RETURN(int page_size, PageSize(request.page_size(), 100, 1000));
  for (int i = 0; i < request.statuses_size(); ++i) {
    if (!v1::RepStatus_IsValid(request.statuses(i)) ||
        request.statuses(i) == v1::REP_STATUS_UNSPECIFIED) {
      return InvalidField(absl::StrCat("statuses[", i, "]"), "unknown status");
    }
  }
  const uint64_t fingerprint = FilterFingerprint(request);
  ASSIGN_OR_RETURN(std::string after, DecodePageToken(request.page_token(), fingerprint));
  storage::DatabaseView view(storage_.database());
  v1::ListRepsResponse response;
  int total = 0;
  std::string last;
  RETURN_IF_ERROR(storage::ListReps(view, "", [&](const storage::RepRecord& record) {
    if (!MatchesFilters(record.rep(), request)) return true;
    ++total;
    if (record.rep().name() <= after && !after.empty()) return true;
    if (response.reps_size() < page_size) {
      *response.add_reps() = WithEtag(record);
      last = record.rep().name();
    }
    return true;
  }));
  for (v1::Rep& rep : *response.mutable_reps()) {
    RETURN_IF_ERROR(FillLoad(rep));
  }
  response.set_total_size(total);
  // More remain when this page is full and some match after its last rep.
  int seen_through_last = 0;
  if (response.reps_size() == page_size) {
    RETURN_IF_ERROR(storage::ListReps(view, "", [&](const storage::RepRecord& record) {
      if (MatchesFilters(record.rep(), request) && record.rep().name() <= last) {
        ++seen_through_last;
      }
      return true;
    }));
    if (seen_through_last < total) response.set_next_page_token(EncodePageToken(last, fingerprint));
  }
  return response;
}

absl::StatusOr<v1::SetRepStatusResponse> RepRegistry::SetStatus(
    const v1::SetRepStatusRequest& request, const CallContext& call) {
  RETURN_IF_ERROR(ParseName(request.name(), "reps", "name").status());
  if (request.status() == v1::REP_STATUS_UNSPECIFIED || !v1::RepStatus_IsValid(request.status())) {
    return InvalidField("status", "must be ACTIVE, AWAY or OFF");
  }
  if (request.has_until()) {
    if (request.status() != v1::REP_STATUS_AWAY) {
      return InvalidField("until", "only allowed with status AWAY");
    }
    RETURN_IF_ERROR(CheckTimestamp(request.until(), "until"));
    if (TimeUtil::TimestampToMicroseconds(request.until()) <=
        absl::ToUnixMicros(assigner_.clock().Now())) {
      return InvalidField("until", "must be in the future");
    }
  }
  RETURN_IF_ERROR(CheckText(request.actor(), "actor", 128, true));
  RETURN_IF_ERROR(CheckText(request.reason(), "reason", 1024, false));
  v1::SetRepStatusResponse response;
  bool became_active = false;
  const absl::Status status = storage_.commits().Commit(
      [&](storage::WriteTxn& txn) -> absl::Status {
        RETURN_IF_ERROR(call.CheckDeadline());
        ASSIGN_OR_RETURN(std::optional<storage::RepRecord> stored,
                         storage::ReadRep(txn, request.name()));
        if (!stored.has_value()) return NotFound(request.name());
        v1::Rep rep = stored->rep();
        const int64_t now_us = absl::ToUnixMicros(assigner_.clock().Now());
        became_active =
            request.status() == v1::REP_STATUS_ACTIVE && rep.status() != v1::REP_STATUS_ACTIVE;
        if (rep.status() != request.status()) {
          *rep.mutable_status_change_time() = TimeUtil::MicrosecondsToTimestamp(now_us);
        }
        rep.set_status(request.status());
        rep.set_status_reason(request.reason());
        if (request.has_until()) {
          *rep.mutable_away_until() = request.until();
        } else {
          rep.clear_away_until();
        }
        *rep.mutable_update_time() = TimeUtil::MicrosecondsToTimestamp(now_us);
        ASSIGN_OR_RETURN(
            v1::Rep written,
            WriteRep(txn, rep,
                     storage::ChangeInfo{
                         request.actor(), "rep.set_status",
                         absl::StrCat(v1::RepStatus_Name(request.status()), ": ", request.reason()),
                         "", now_us}));
        *response.mutable_rep() = std::move(written);
        return absl::OkStatus();
      },
      call.principal);
  if (!status.ok()) {
    ReloadAfterFailedCommit(status);
    return status;
  }
  RETURN_IF_ERROR(FillLoad(*response.mutable_rep()));
  spdlog::info("rep set_status rep={} status={} actor={}", request.name(),
               v1::RepStatus_Name(request.status()), request.actor());
  if (became_active) unassigned_.RequestRetry(absl::StrCat(request.name(), " is active"));
  return response;
}

absl::StatusOr<v1::RemoveRepResponse> RepRegistry::Remove(const v1::RemoveRepRequest& request,
                                                          const CallContext& call) {
  RETURN_IF_ERROR(ParseName(request.name(), "reps", "name").status());
  if (!v1::OpenLeadsPolicy_IsValid(request.open_leads())) {
    return InvalidField("open_leads", "unknown policy");
  }
  RETURN_IF_ERROR(CheckText(request.actor(), "actor", 128, true));
  RETURN_IF_ERROR(CheckText(request.reason(), "reason", 1024, true));
  v1::RemoveRepResponse response;
  Assigner::MovedLeads moved;
  const absl::Status status = storage_.commits().Commit(
      [&](storage::WriteTxn& txn) -> absl::Status {
        RETURN_IF_ERROR(call.CheckDeadline());
        ASSIGN_OR_RETURN(std::optional<storage::RepRecord> stored,
                         storage::ReadRep(txn, request.name()));
        if (!stored.has_value()) return NotFound(request.name());
        RETURN_IF_ERROR(CheckEtag(request.etag(), *stored));
        ASSIGN_OR_RETURN(std::vector<storage::LeadRecord> open, OpenLeadsOf(txn, request.name()));
        // Pinned leads block first: no policy moves them.
        std::vector<v1::PreconditionFailure::Violation> pinned;
        std::vector<v1::PreconditionFailure::Violation> owned;
        for (const storage::LeadRecord& lead : open) {
          v1::PreconditionFailure::Violation violation;
          violation.set_subject(lead.lead().name());
          if (IsPinned(lead.lead())) {
            violation.set_type("REP_HAS_PINNED_LEADS");
            violation.set_description("pinned to the rep; Reassign with override_pin or unpin");
            pinned.push_back(violation);
          } else {
            violation.set_type("REP_HAS_OPEN_LEADS");
            violation.set_description("open lead owned by the rep");
            owned.push_back(violation);
          }
        }
        // Every lead is listed in the details, up to a bound that keeps trailers small.
        const auto listed = [](std::vector<v1::PreconditionFailure::Violation> all) {
          if (all.size() > 50) all.resize(50);
          return all;
        };
        const auto names = [](const std::vector<v1::PreconditionFailure::Violation>& all) {
          std::string text;
          for (size_t i = 0; i < all.size() && i < 20; ++i) {
            absl::StrAppend(&text, i > 0 ? ", " : "", all[i].subject());
          }
          if (all.size() > 20) absl::StrAppend(&text, ", ... (", all.size(), " in all)");
          return text;
        };
        if (!pinned.empty()) {
          return WithViolations(
              Precondition("REP_HAS_PINNED_LEADS", request.name(),
                           absl::StrCat(request.name(), " has ", pinned.size(),
                                        " pinned open lead(s): ", names(pinned),
                                        "; a person must Reassign or unpin them first")),
              listed(pinned));
        }
        if (!owned.empty() && request.open_leads() == v1::OPEN_LEADS_POLICY_UNSPECIFIED) {
          return WithViolations(
              Precondition("REP_HAS_OPEN_LEADS", request.name(),
                           absl::StrCat(request.name(), " owns ", owned.size(), " open lead(s): ",
                                        names(owned), "; pass open_leads REASSIGN or UNASSIGN")),
              listed(owned));
        }
        const int64_t now_us = absl::ToUnixMicros(assigner_.clock().Now());
        ASSIGN_OR_RETURN(
            Assigner::MovedLeads result,
            assigner_.MoveOpenLeadsInTxn(txn, open, request.name(),
                                         request.open_leads() == v1::OPEN_LEADS_POLICY_REASSIGN,
                                         request.actor(), request.reason(), now_us));
        moved = std::move(result);
        // After the moves: their decisions still had the rep on the roster (excluded), and the
        // version this keeps (storage/rep_store.h) must say so to rebuild their roster.
        RETURN_IF_ERROR(storage::DeleteRep(
            txn, request.name(),
            storage::ChangeInfo{request.actor(), "rep.remove", request.reason(), "", now_us}));
        *response.mutable_rep() = WithEtag(*stored);
        response.set_reassigned_leads(moved.reassigned);
        response.set_unassigned_leads(moved.unassigned);
        roster_.Erase(request.name());
        return absl::OkStatus();
      },
      call.principal);
  if (!status.ok()) {
    ReloadAfterFailedCommit(status);
    return status;
  }
  for (auto& effect : moved.after_commit) effect();
  spdlog::info("rep remove rep={} reassigned={} unassigned={} actor={}", request.name(),
               moved.reassigned, moved.unassigned, request.actor());
  return response;
}

absl::StatusOr<int> RepRegistry::EndExpiredAway(absl::Time now) {
  int ended = 0;
  for (const v1::Rep& listed : roster_.List()) {
    if (listed.status() != v1::REP_STATUS_AWAY || !listed.has_away_until()) continue;
    const int64_t until_us = TimeUtil::TimestampToMicroseconds(listed.away_until());
    if (until_us > absl::ToUnixMicros(now)) continue;
    bool changed = false;
    const absl::Status status =
        storage_.commits().Commit([&](storage::WriteTxn& txn) -> absl::Status {
          ASSIGN_OR_RETURN(std::optional<storage::RepRecord> stored,
                           storage::ReadRep(txn, listed.name()));
          if (!stored.has_value()) return absl::OkStatus();  // removed meanwhile
          v1::Rep rep = stored->rep();
          if (rep.status() != v1::REP_STATUS_AWAY || !rep.has_away_until() ||
              TimeUtil::TimestampToMicroseconds(rep.away_until()) != until_us) {
            return absl::OkStatus();  // someone set another status meanwhile: theirs stands
          }
          const int64_t now_us = absl::ToUnixMicros(assigner_.clock().Now());
          const std::string reason =
              absl::StrCat("away until ", TimeUtil::ToString(rep.away_until()), " ended");
          rep.set_status(v1::REP_STATUS_ACTIVE);
          rep.set_status_reason(reason);
          rep.clear_away_until();
          *rep.mutable_status_change_time() = TimeUtil::MicrosecondsToTimestamp(now_us);
          *rep.mutable_update_time() = rep.status_change_time();
          ASSIGN_OR_RETURN(
              v1::Rep written,
              WriteRep(txn, rep,
                       storage::ChangeInfo{"system:away-expiry", "rep.set_status",
                                           absl::StrCat("ACTIVE: ", reason), "", now_us}));
          changed = true;
          return absl::OkStatus();
        });
    if (!status.ok()) {
      ReloadAfterFailedCommit(status);
      return status;
    }
    if (!changed) continue;
    ++ended;
    spdlog::info("rep set_status rep={} status=REP_STATUS_ACTIVE actor=system:away-expiry",
                 listed.name());
    unassigned_.RequestRetry(absl::StrCat(listed.name(), " is back from away"));
  }
  return ended;
}

}  // namespace leadrouter::server
