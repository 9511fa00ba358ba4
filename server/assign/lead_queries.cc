#include "server/assign/lead_queries.h"

#include <algorithm>
#include <limits>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/util/time_util.h"
#include "server/api/errors.h"
#include "server/api/explanation_proto.h"
#include "server/api/page_token.h"
#include "server/api/validation.h"
#include "storage/assignment_store.h"
#include "storage/key_codec.h"
#include "storage/keys.h"
#include "storage/lead_store.h"
#include "storage/read_view.h"

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

// "leads/{lead}/assignments/{id}" -> lead name and sequence.
absl::StatusOr<std::pair<std::string, uint64_t>> ParseAssignmentName(const std::string& name,
                                                                     absl::string_view field) {
  const size_t at = name.find("/assignments/");
  uint64_t sequence = 0;
  if (at == std::string::npos ||
      !absl::SimpleHexAtoi(absl::string_view(name).substr(at + 13), &sequence) || sequence == 0) {
    return InvalidField(field, "must be leads/{lead}/assignments/{assignment} or leads/{lead}");
  }
  const std::string lead = name.substr(0, at);
  if (absl::StatusOr<std::string> id = ParseName(lead, "leads", field); !id.ok()) {
    return id.status();
  }
  return std::make_pair(lead, sequence);
}

struct Filters {
  const v1::ListAssignmentsRequest* request = nullptr;
  bool has_start = false;
  bool has_end = false;
  int64_t start_us = std::numeric_limits<int64_t>::min();
  int64_t end_us = std::numeric_limits<int64_t>::max();

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
};

}  // namespace

absl::StatusOr<v1::GetLeadResponse> LeadQueries::GetLead(const v1::GetLeadRequest& request) const {
  if (absl::StatusOr<std::string> id = ParseName(request.name(), "leads", "name"); !id.ok()) {
    return id.status();
  }
  storage::DatabaseView view(db_);
  absl::StatusOr<std::optional<storage::LeadRecord>> lead = storage::ReadLead(view, request.name());
  if (!lead.ok()) return lead.status();
  if (!lead->has_value()) return NotFound(request.name());
  v1::GetLeadResponse response;
  *response.mutable_lead() = (*lead)->lead();
  const std::string& current = (*lead)->lead().current_assignment();
  if (!current.empty()) {
    absl::StatusOr<std::pair<std::string, uint64_t>> parsed = ParseAssignmentName(current, "name");
    if (parsed.ok()) {
      absl::StatusOr<std::optional<storage::HistoryRecord>> entry =
          storage::ReadHistoryEntry(view, parsed->first, parsed->second);
      if (!entry.ok()) return entry.status();
      if (entry->has_value()) *response.mutable_current_assignment() = (*entry)->assignment();
    }
  }
  return response;
}

absl::StatusOr<v1::ListAssignmentsResponse> LeadQueries::ListAssignments(
    const v1::ListAssignmentsRequest& request) const {
  absl::StatusOr<int> page_size = PageSize(request.page_size(), 50, 1000);
  if (!page_size.ok()) return page_size.status();
  const bool all = request.parent().empty() || request.parent() == "leads/-";
  if (!all) {
    if (absl::StatusOr<std::string> id = ParseName(request.parent(), "leads", "parent"); !id.ok()) {
      return id.status();
    }
  }
  if (!request.rep().empty()) {
    if (absl::StatusOr<std::string> id = ParseName(request.rep(), "reps", "rep"); !id.ok()) {
      return id.status();
    }
  }
  for (int i = 0; i < request.kinds_size(); ++i) {
    if (!v1::AssignmentKind_IsValid(request.kinds(i)) ||
        request.kinds(i) == v1::ASSIGNMENT_KIND_UNSPECIFIED) {
      return InvalidField(absl::StrCat("kinds[", i, "]"), "unknown kind");
    }
  }
  Filters filters;
  filters.request = &request;
  if (request.decide_time().has_start_time()) {
    filters.start_us = TimeUtil::TimestampToMicroseconds(request.decide_time().start_time());
  }
  if (request.decide_time().has_end_time()) {
    filters.end_us = TimeUtil::TimestampToMicroseconds(request.decide_time().end_time());
  }
  if (filters.end_us < filters.start_us) {
    return InvalidField("decide_time.end_time", "is before start_time");
  }
  const uint64_t fingerprint = FilterFingerprint(request);
  absl::StatusOr<std::string> token = DecodePageToken(request.page_token(), fingerprint);
  if (!token.ok()) return token.status();
  std::optional<Position> after;
  if (!token->empty()) {
    after = ParsePosition(*token);
    if (!after) return InvalidField("page_token", "not a token this server issued");
  }
  const bool ascending = request.oldest_first();
  // Entries past the token, in the requested order.
  const auto past_token = [&](int64_t time_us, uint64_t sequence) {
    if (!after) return true;
    if (ascending) {
      return std::tie(time_us, sequence) > std::tie(after->time_us, after->sequence);
    }
    return std::tie(time_us, sequence) < std::tie(after->time_us, after->sequence);
  };

  storage::DatabaseView view(db_);
  v1::ListAssignmentsResponse response;
  bool more = false;
  Position last;
  // Returns false once the page is full (and one more matching entry proves there is a next).
  const auto take = [&](const storage::HistoryRecord& record) {
    const v1::Assignment& entry = record.assignment();
    const int64_t at = TimeUtil::TimestampToMicroseconds(entry.decide_time());
    if (!past_token(at, record.sequence()) || !filters.Matches(entry)) return true;
    if (response.assignments_size() == *page_size) {
      more = true;
      return false;
    }
    *response.add_assignments() = entry;
    last = Position{at, record.sequence()};
    return true;
  };

  const storage::ScanOrder order =
      ascending ? storage::ScanOrder::kAscending : storage::ScanOrder::kDescending;
  if (!all) {
    absl::StatusOr<std::optional<storage::LeadRecord>> lead =
        storage::ReadLead(view, request.parent());
    if (!lead.ok()) return lead.status();
    if (!lead->has_value()) return NotFound(request.parent());
    std::vector<storage::HistoryRecord> history;
    absl::Status status =
        storage::ListLeadHistory(view, request.parent(), [&](const storage::HistoryRecord& r) {
          history.push_back(r);
          return true;
        });
    if (!status.ok()) return status;
    std::stable_sort(history.begin(), history.end(), [&](const auto& a, const auto& b) {
      const auto key = [](const storage::HistoryRecord& r) {
        return std::make_pair(TimeUtil::TimestampToMicroseconds(r.assignment().decide_time()),
                              r.sequence());
      };
      return ascending ? key(a) < key(b) : key(b) < key(a);
    });
    for (const storage::HistoryRecord& record : history) {
      if (!take(record)) break;
    }
  } else if (!request.rep().empty()) {
    // The rep index is ordered by time: start the scan where the token (or the range) says.
    int64_t from = filters.start_us;
    int64_t to = filters.end_us;
    if (after) {
      if (ascending) {
        from = std::max(from, after->time_us);
      } else if (after->time_us < std::numeric_limits<int64_t>::max()) {
        to = std::min(to, after->time_us + 1);
      }
    }
    absl::Status status = storage::ListRepHistory(view, request.rep(), from, to, order, take);
    if (!status.ok()) return status;
  } else {
    std::string begin;
    std::string end;
    if (filters.start_us != std::numeric_limits<int64_t>::min()) {
      begin = storage::KeyWriter().I64(filters.start_us).key();
    }
    if (filters.end_us != std::numeric_limits<int64_t>::max()) {
      end = storage::KeyWriter().I64(filters.end_us).key();
    }
    if (after) {
      if (ascending) {
        begin = std::max(begin, storage::KeyWriter().I64(after->time_us).key());
      } else {
        const std::string bound = storage::keys::AssignmentByTime(after->time_us, after->sequence);
        end = end.empty() ? bound : std::min(end, bound);
      }
    }
    absl::Status status =
        view.Scan(storage::ColumnFamily::kAssignmentsByTime, begin, end, order,
                  [&](absl::string_view key, absl::string_view value) -> absl::StatusOr<bool> {
                    storage::KeyReader key_reader(key);
                    absl::StatusOr<int64_t> time = key_reader.I64();
                    if (!time.ok()) return time.status();
                    absl::StatusOr<uint64_t> sequence = key_reader.U64();
                    if (!sequence.ok()) return sequence.status();
                    storage::KeyReader lead_reader(value);
                    absl::StatusOr<std::string> lead = lead_reader.String();
                    if (!lead.ok()) return lead.status();
                    absl::StatusOr<std::optional<storage::HistoryRecord>> entry =
                        storage::ReadHistoryEntry(view, *lead, *sequence);
                    if (!entry.ok()) return entry.status();
                    if (!entry->has_value()) {
                      return absl::DataLossError(
                          absl::StrCat("time index names missing history entry ", *sequence));
                    }
                    return take(**entry);
                  });
    if (!status.ok()) return status;
  }
  if (more) {
    response.set_next_page_token(
        EncodePageToken(absl::StrCat(last.time_us, ":", last.sequence), fingerprint));
  }
  return response;
}

absl::StatusOr<v1::ExplainResponse> LeadQueries::Explain(const v1::ExplainRequest& request) const {
  if (request.name().empty()) return InvalidField("name", "required");
  storage::DatabaseView view(db_);
  std::string lead_name;
  uint64_t sequence = 0;
  if (request.name().find("/assignments/") != std::string::npos) {
    absl::StatusOr<std::pair<std::string, uint64_t>> parsed =
        ParseAssignmentName(request.name(), "name");
    if (!parsed.ok()) return parsed.status();
    lead_name = parsed->first;
    sequence = parsed->second;
  } else {
    if (absl::StatusOr<std::string> id = ParseName(request.name(), "leads", "name"); !id.ok()) {
      return InvalidField("name", "must be leads/{lead}/assignments/{assignment} or leads/{lead}");
    }
    lead_name = request.name();
    absl::StatusOr<std::optional<storage::LeadRecord>> lead = storage::ReadLead(view, lead_name);
    if (!lead.ok()) return lead.status();
    if (!lead->has_value()) return NotFound(lead_name);
    const std::string& current = (*lead)->lead().current_assignment();
    if (current.empty()) {
      return NotFound(lead_name, absl::StrCat(lead_name, " was never decided"));
    }
    absl::StatusOr<std::pair<std::string, uint64_t>> parsed = ParseAssignmentName(current, "name");
    if (!parsed.ok()) return absl::DataLossError(absl::StrCat("bad stored name ", current));
    sequence = parsed->second;
  }
  absl::StatusOr<std::optional<storage::HistoryRecord>> entry =
      storage::ReadHistoryEntry(view, lead_name, sequence);
  if (!entry.ok()) return entry.status();
  if (!entry->has_value()) return NotFound(request.name());
  absl::StatusOr<std::optional<v1::Explanation>> explanation =
      storage::ReadExplanation(view, sequence);
  if (!explanation.ok()) return explanation.status();
  v1::ExplainResponse response;
  *response.mutable_assignment() = (*entry)->assignment();
  if (explanation->has_value()) {
    *response.mutable_explanation() = **explanation;
  } else {
    // Entries without a trace (a release) explain themselves through the entry.
    v1::Explanation& out = *response.mutable_explanation();
    out.set_assignment((*entry)->assignment().name());
    out.set_lead(lead_name);
    out.set_rule_version((*entry)->assignment().rule_version());
    *out.mutable_decide_time() = (*entry)->assignment().decide_time();
    out.set_outcome((*entry)->assignment().outcome());
    out.set_rep((*entry)->assignment().rep());
    out.set_unassigned_reason((*entry)->assignment().unassigned_reason());
  }
  response.set_text(RenderExplanationText(response.explanation()));
  return response;
}

}  // namespace leadrouter::server
