#include "server/assign/lead_queries.h"

#include <algorithm>
#include <limits>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "dsl/base/status_macros.h"
#include "google/protobuf/util/time_util.h"
#include "server/api/errors.h"
#include "server/api/explanation_proto.h"
#include "server/api/page_token.h"
#include "server/api/score_trace_proto.h"
#include "server/api/validation.h"
#include "storage/assignment_store.h"
#include "storage/lead_store.h"
#include "storage/read_view.h"
#include "storage/task_store.h"

namespace leadrouter::server {
namespace {

namespace v1 = leadrouter::v1;
using google::protobuf::util::TimeUtil;

// Where a page stopped: the (decide time, sequence) of its last entry.
struct Position {
  int64_t time_us = 0;
  uint64_t sequence = 0;
};

std::optional<Position> ParsePosition(const std::string& text) {
  const std::vector<std::string> parts = absl::StrSplit(text, ':');
  Position position;
  if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &position.time_us) ||
      !absl::SimpleAtoi(parts[1], &position.sequence)) {
    return std::nullopt;
  }
  return position;
}

// An assignment's name taken apart: "leads/{lead}/assignments/{id}".
struct AssignmentRef {
  std::string lead;
  uint64_t sequence = 0;
};

absl::StatusOr<AssignmentRef> ParseAssignmentName(const std::string& name,
                                                  absl::string_view field) {
  const size_t at = name.find("/assignments/");
  uint64_t sequence = 0;
  if (at == std::string::npos ||
      !absl::SimpleHexAtoi(absl::string_view(name).substr(at + 13), &sequence) || sequence == 0) {
    return InvalidField(field, "must be leads/{lead}/assignments/{assignment} or leads/{lead}");
  }
  const std::string lead = name.substr(0, at);
  RETURN_IF_ERROR(ParseName(lead, "leads", field).status());
  return AssignmentRef{lead, sequence};
}

// What a ListAssignments request asks for, checked.
struct ListQuery {
  const v1::ListAssignmentsRequest* request = nullptr;
  int page_size = 0;
  // Every lead's history (parent empty or "leads/-"), else the parent's.
  bool all = false;
  bool ascending = false;
  int64_t start_us = std::numeric_limits<int64_t>::min();
  int64_t end_us = std::numeric_limits<int64_t>::max();
  // Where the previous page stopped.
  std::optional<Position> after;
  uint64_t fingerprint = 0;

  bool Matches(const v1::Assignment& entry) const {
    if (!request->rep().empty() && entry.rep() != request->rep()) return false;
    if (!request->actor().empty() && entry.actor() != request->actor()) return false;
    if (!request->kinds().empty() && std::find(request->kinds().begin(), request->kinds().end(),
                                               entry.kind()) == request->kinds().end()) {
      return false;
    }
    const int64_t at = TimeUtil::TimestampToMicroseconds(entry.decide_time());
    return at >= start_us && at < end_us;
  }
  // Entries past the token, in the requested order.
  bool PastToken(int64_t time_us, uint64_t sequence) const {
    if (!after) return true;
    if (ascending) {
      return std::tie(time_us, sequence) > std::tie(after->time_us, after->sequence);
    }
    return std::tie(time_us, sequence) < std::tie(after->time_us, after->sequence);
  }
  storage::ScanOrder order() const {
    return ascending ? storage::ScanOrder::kAscending : storage::ScanOrder::kDescending;
  }
  // The decide times a scan of a time-ordered index must cover: the range, narrowed by the token
  // (PastToken drops what the bound lets through at the token's own time).
  std::pair<int64_t, int64_t> ScanRange() const {
    int64_t from = start_us;
    int64_t to = end_us;
    if (after) {
      if (ascending) {
        from = std::max(from, after->time_us);
      } else if (after->time_us < std::numeric_limits<int64_t>::max()) {
        to = std::min(to, after->time_us + 1);
      }
    }
    return {from, to};
  }
};

absl::StatusOr<ListQuery> ParseListQuery(const v1::ListAssignmentsRequest& request) {
  ListQuery query;
  query.request = &request;
  ASSIGN_OR_RETURN(query.page_size, PageSize(request.page_size(), 50, 1000));
  query.all = request.parent().empty() || request.parent() == "leads/-";
  if (!query.all) RETURN_IF_ERROR(ParseName(request.parent(), "leads", "parent").status());
  if (!request.rep().empty()) RETURN_IF_ERROR(ParseName(request.rep(), "reps", "rep").status());
  for (int i = 0; i < request.kinds_size(); ++i) {
    if (!v1::AssignmentKind_IsValid(request.kinds(i)) ||
        request.kinds(i) == v1::ASSIGNMENT_KIND_UNSPECIFIED) {
      return InvalidField(absl::StrCat("kinds[", i, "]"), "unknown kind");
    }
  }
  ASSIGN_OR_RETURN(const MicrosRange decided, CheckTimeRange(request.decide_time(), "decide_time"));
  query.start_us = decided.start_us;
  query.end_us = decided.end_us;
  query.fingerprint = FilterFingerprint(request);
  ASSIGN_OR_RETURN(query.after, DecodePagePosition<Position>(request.page_token(),
                                                             query.fingerprint, ParsePosition));
  query.ascending = request.oldest_first();
  return query;
}

// One lead's history in the requested order (its entries are few: read them all, then sort).
absl::Status ListOfLead(const storage::ReadView& view, const ListQuery& query,
                        absl::FunctionRef<bool(const storage::HistoryRecord&)> take) {
  const std::string& lead = query.request->parent();
  ASSIGN_OR_RETURN(const std::optional<storage::LeadRecord> stored, storage::ReadLead(view, lead));
  if (!stored.has_value()) return NotFound(lead);
  std::vector<storage::HistoryRecord> history;
  RETURN_IF_ERROR(storage::ListLeadHistory(view, lead, [&](const storage::HistoryRecord& r) {
    history.push_back(r);
    return true;
  }));
  std::stable_sort(history.begin(), history.end(), [&](const auto& a, const auto& b) {
    const auto key = [](const storage::HistoryRecord& r) {
      return std::make_pair(TimeUtil::TimestampToMicroseconds(r.assignment().decide_time()),
                            r.sequence());
    };
    return query.ascending ? key(a) < key(b) : key(b) < key(a);
  });
  for (const storage::HistoryRecord& record : history) {
    if (!take(record)) break;
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::GetLeadResponse> LeadQueries::GetLead(const v1::GetLeadRequest& request) const {
  RETURN_IF_ERROR(ParseName(request.name(), "leads", "name").status());
  storage::DatabaseView view(db_);
  ASSIGN_OR_RETURN(std::optional<storage::LeadRecord> lead,
                   storage::ReadLead(view, request.name()));
  if (!lead.has_value()) return NotFound(request.name());
  v1::GetLeadResponse response;
  *response.mutable_lead() = lead->lead();
  const std::string& current = lead->lead().current_assignment();
  if (!current.empty()) {
    const absl::StatusOr<AssignmentRef> parsed = ParseAssignmentName(current, "name");
    if (parsed.ok()) {
      ASSIGN_OR_RETURN(const std::optional<storage::HistoryRecord> entry,
                       storage::ReadHistoryEntry(view, parsed->lead, parsed->sequence));
      if (entry.has_value()) *response.mutable_current_assignment() = entry->assignment();
    }
  }
  // Its OPEN and OVERDUE tasks, soonest due first.
  const int64_t now_us = absl::ToUnixMicros(clock_.Now());
  std::vector<v1::Task> open;
  RETURN_IF_ERROR(storage::ListLeadTasks(
      view, request.name(), [&](uint64_t, const v1::Task& task) -> absl::StatusOr<bool> {
        if (task.state() == v1::TASK_STATE_OPEN) {
          open.push_back(task);
          open.back().set_state(TaskStateAt(task, now_us));
        }
        return true;
      }));
  std::stable_sort(open.begin(), open.end(), [](const v1::Task& a, const v1::Task& b) {
    return a.due_time() < b.due_time();
  });
  for (v1::Task& task : open) *response.add_open_tasks() = std::move(task);
  return response;
}

absl::StatusOr<v1::ListAssignmentsResponse> LeadQueries::ListAssignments(
    const v1::ListAssignmentsRequest& request) const {
  ASSIGN_OR_RETURN(const ListQuery query, ParseListQuery(request));
  storage::DatabaseView view(db_);
  v1::ListAssignmentsResponse response;
  bool more = false;
  Position last;
  // Returns false once the page is full (and one more matching entry proves there is a next).
  const auto take = [&](const storage::HistoryRecord& record) {
    const v1::Assignment& entry = record.assignment();
    const int64_t at = TimeUtil::TimestampToMicroseconds(entry.decide_time());
    if (!query.PastToken(at, record.sequence()) || !query.Matches(entry)) return true;
    if (response.assignments_size() == query.page_size) {
      more = true;
      return false;
    }
    *response.add_assignments() = entry;
    last = Position{at, record.sequence()};
    return true;
  };
  // The rep and time indexes are ordered by time: the scan starts where the token (or the range)
  // says.
  const auto [from, to] = query.ScanRange();
  if (!query.all) {
    RETURN_IF_ERROR(ListOfLead(view, query, take));
  } else if (!request.rep().empty()) {
    RETURN_IF_ERROR(storage::ListRepHistory(view, request.rep(), from, to, query.order(), take));
  } else {
    RETURN_IF_ERROR(storage::ListTimeHistory(view, from, to, query.order(), take));
  }
  if (more) {
    response.set_next_page_token(
        EncodePageToken(absl::StrCat(last.time_us, ":", last.sequence), query.fingerprint));
  }
  return response;
}

absl::StatusOr<v1::ExplainResponse> LeadQueries::Explain(const v1::ExplainRequest& request) const {
  if (request.name().empty()) return InvalidField("name", "required");
  if (!request.rep().empty()) RETURN_IF_ERROR(ParseName(request.rep(), "reps", "rep").status());
  storage::DatabaseView view(db_);
  std::string lead_name;
  uint64_t sequence = 0;
  if (request.name().find("/assignments/") != std::string::npos) {
    ASSIGN_OR_RETURN(const AssignmentRef parsed, ParseAssignmentName(request.name(), "name"));
    lead_name = parsed.lead;
    sequence = parsed.sequence;
  } else {
    if (absl::StatusOr<std::string> id = ParseName(request.name(), "leads", "name"); !id.ok()) {
      return InvalidField("name", "must be leads/{lead}/assignments/{assignment} or leads/{lead}");
    }
    lead_name = request.name();
    ASSIGN_OR_RETURN(std::optional<storage::LeadRecord> lead, storage::ReadLead(view, lead_name));
    if (!lead.has_value()) return NotFound(lead_name);
    const std::string& current = lead->lead().current_assignment();
    if (current.empty()) {
      return NotFound(lead_name, absl::StrCat(lead_name, " was never decided"));
    }
    const absl::StatusOr<AssignmentRef> parsed = ParseAssignmentName(current, "name");
    if (!parsed.ok()) return absl::DataLossError(absl::StrCat("bad stored name ", current));
    sequence = parsed->sequence;
  }
  ASSIGN_OR_RETURN(std::optional<storage::HistoryRecord> entry,
                   storage::ReadHistoryEntry(view, lead_name, sequence));
  if (!entry.has_value()) return NotFound(request.name());
  ASSIGN_OR_RETURN(std::optional<v1::Explanation> explanation,
                   storage::ReadExplanation(view, sequence));
  v1::ExplainResponse response;
  *response.mutable_assignment() = entry->assignment();
  if (!request.rep().empty()) {
    if (!explanation.has_value() || explanation->rules_size() == 0) {
      return Precondition("NOT_DECIDED_BY_RULES", entry->assignment().name(),
                          absl::StrCat(entry->assignment().name(),
                                       " was not decided by the rules: no rep was judged by them"));
    }
    ASSIGN_OR_RETURN(*response.mutable_explanation(),
                     ExplainRep(view, *entry, *explanation, request.rep()));
  } else if (explanation.has_value()) {
    *response.mutable_explanation() = *explanation;
  } else {
    // Entries without a trace (a release) explain themselves through the entry.
    v1::Explanation& out = *response.mutable_explanation();
    out.set_assignment(entry->assignment().name());
    out.set_lead(lead_name);
    out.set_rule_version(entry->assignment().rule_version());
    *out.mutable_decide_time() = entry->assignment().decide_time();
    out.set_outcome(entry->assignment().outcome());
    out.set_rep(entry->assignment().rep());
    out.set_unassigned_reason(entry->assignment().unassigned_reason());
  }
  const int64_t score_version = entry->assignment().score_model_version();
  if (scores_ != nullptr && score_version > 0 && response.explanation().has_lead_snapshot()) {
    // Recomputed from the lead the rules saw with the model that scored it: the same numbers
    // (scoring is deterministic), without storing factors nobody may ask for.
    ASSIGN_OR_RETURN(const dsl::score::ScoreExplanation scored,
                     scores_->Explain(response.explanation().lead_snapshot(), score_version));
    *response.mutable_explanation()->mutable_score() = ToScoreTraceProto(scored, score_version);
  }
  response.set_text(RenderExplanationText(response.explanation()));
  return response;
}

}  // namespace leadrouter::server
