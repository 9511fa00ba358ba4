// LeadQueries::ListLeads: leads by owner, state, source, receive time and SLA status, newest first,
// read from the lead index (storage/lead_index.h): the most selective index the filters name is
// scanned, the other filters are checked on the leads it returns.
#include <algorithm>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "dsl/base/status_macros.h"
#include "google/protobuf/util/time_util.h"
#include "server/api/errors.h"
#include "server/api/page_token.h"
#include "server/api/validation.h"
#include "server/assign/lead_fields.h"
#include "server/assign/lead_queries.h"
#include "storage/lead_index.h"
#include "storage/lead_store.h"
#include "storage/read_view.h"

namespace leadrouter::server {
namespace {

namespace v1 = leadrouter::v1;
using google::protobuf::util::TimeUtil;
using storage::LeadIndexPosition;

struct LeadQuery {
  const v1::ListLeadsRequest* request = nullptr;
  int page_size = 0;
  std::set<int> states;
  int64_t start_us = std::numeric_limits<int64_t>::min();
  int64_t end_us = std::numeric_limits<int64_t>::max();
  std::optional<LeadIndexPosition> after;
  uint64_t fingerprint = 0;
  int64_t now_us = 0;

  // The filters an index scan does not apply by itself (checking one it did is harmless).
  bool Matches(const v1::Lead& lead) const {
    if (!request->owner().empty() && lead.owner() != request->owner()) return false;
    if (!states.empty() && states.count(lead.state()) == 0) return false;
    if (!request->source().empty() && lead.source() != request->source()) return false;
    if (request->has_pinned() && IsPinned(lead) != request->pinned()) return false;
    if (request->sla_overdue()) {
      if (!lead.has_sla_deadline() || lead.has_first_contact_time() ||
          TimeUtil::TimestampToMicroseconds(lead.sla_deadline()) >= now_us) {
        return false;
      }
    }
    return true;
  }
};

std::optional<LeadIndexPosition> ParsePosition(const std::string& text) {
  const size_t colon = text.find(':');
  LeadIndexPosition position;
  if (colon == std::string::npos || colon + 1 == text.size() ||
      !absl::SimpleAtoi(text.substr(0, colon), &position.receive_us)) {
    return std::nullopt;
  }
  position.lead = text.substr(colon + 1);
  return position;
}

absl::StatusOr<LeadQuery> ParseLeadQuery(const v1::ListLeadsRequest& request, int64_t now_us) {
  LeadQuery query;
  query.request = &request;
  query.now_us = now_us;
  ASSIGN_OR_RETURN(query.page_size, PageSize(request.page_size(), 50, 1000));
  if (!request.owner().empty()) {
    RETURN_IF_ERROR(ParseName(request.owner(), "reps", "owner").status());
  }
  for (int i = 0; i < request.states_size(); ++i) {
    if (!v1::LeadState_IsValid(request.states(i)) ||
        request.states(i) == v1::LEAD_STATE_UNSPECIFIED) {
      return InvalidField(absl::StrCat("states[", i, "]"), "unknown state");
    }
    query.states.insert(request.states(i));
  }
  RETURN_IF_ERROR(CheckText(request.source(), "source", 128, false));
  ASSIGN_OR_RETURN(const MicrosRange received,
                   CheckTimeRange(request.receive_time(), "receive_time"));
  query.start_us = received.start_us;
  query.end_us = received.end_us;
  query.fingerprint = FilterFingerprint(request);
  ASSIGN_OR_RETURN(query.after, DecodePagePosition<LeadIndexPosition>(
                                    request.page_token(), query.fingerprint, ParsePosition));
  return query;
}

struct Found {
  LeadIndexPosition position;
  v1::Lead lead;
};

// Up to page_size + 1 matching leads of one index, newest first (the one more tells that a next
// page exists).
absl::Status Collect(const storage::ReadView& view, const LeadQuery& query,
                     storage::LeadIndex index, const std::string& value,
                     std::vector<Found>& found) {
  const size_t before = found.size();
  return storage::ScanLeadIndex(
      view, index, value, query.start_us, query.end_us, query.after,
      [&](const LeadIndexPosition& position) -> absl::StatusOr<bool> {
        ASSIGN_OR_RETURN(const std::optional<storage::LeadRecord> record,
                         storage::ReadLead(view, position.lead));
        if (!record.has_value()) {
          return absl::DataLossError(
              absl::StrCat("the lead index names ", position.lead, ", which is not stored"));
        }
        if (query.Matches(record->lead())) found.push_back(Found{position, record->lead()});
        return found.size() - before <= static_cast<size_t>(query.page_size);
      });
}

}  // namespace

absl::StatusOr<v1::ListLeadsResponse> LeadQueries::ListLeads(
    const v1::ListLeadsRequest& request) const {
  ASSIGN_OR_RETURN(const LeadQuery query,
                   ParseLeadQuery(request, absl::ToUnixMicros(clock_.Now())));
  storage::DatabaseView view(db_);
  std::vector<Found> found;
  if (!request.owner().empty()) {
    RETURN_IF_ERROR(Collect(view, query, storage::LeadIndex::kOwner, request.owner(), found));
  } else if (!query.states.empty()) {
    // One scan per state; the newest page_size + 1 of their union are the page.
    for (const int state : query.states) {
      RETURN_IF_ERROR(Collect(view, query, storage::LeadIndex::kState,
                              storage::LeadStateIndexValue(static_cast<v1::LeadState>(state)),
                              found));
    }
  } else if (!request.source().empty()) {
    RETURN_IF_ERROR(Collect(view, query, storage::LeadIndex::kSource, request.source(), found));
  } else {
    RETURN_IF_ERROR(Collect(view, query, storage::LeadIndex::kAll, "", found));
  }
  std::sort(found.begin(), found.end(), [](const Found& a, const Found& b) {
    return std::tie(b.position.receive_us, b.position.lead) <
           std::tie(a.position.receive_us, a.position.lead);
  });
  v1::ListLeadsResponse response;
  const size_t page = std::min(found.size(), static_cast<size_t>(query.page_size));
  for (size_t i = 0; i < page; ++i) *response.add_leads() = found[i].lead;
  if (found.size() > page) {
    const LeadIndexPosition& last = found[page - 1].position;
    response.set_next_page_token(
        EncodePageToken(absl::StrCat(last.receive_us, ":", last.lead), query.fingerprint));
  }
  return response;
}

}  // namespace leadrouter::server
