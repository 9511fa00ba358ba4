// LeadQueries::ListFollowUps: one lead's follow-ups, newest contact first. A lead has few: they
// are read whole from the `followups` column family, filtered and sorted.
#include <algorithm>
#include <limits>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "dsl/base/status_macros.h"
#include "google/protobuf/util/time_util.h"
#include "server/api/errors.h"
#include "server/api/page_token.h"
#include "server/api/validation.h"
#include "server/assign/lead_queries.h"
#include "storage/followup_store.h"
#include "storage/lead_store.h"
#include "storage/read_view.h"

namespace leadrouter::server {
namespace {

namespace v1 = leadrouter::v1;
using google::protobuf::util::TimeUtil;

// Where a page stopped: the (contact time, sequence) of its last follow-up.
struct Position {
  int64_t contact_us = 0;
  uint64_t sequence = 0;
};

std::optional<Position> ParsePosition(const std::string& text) {
  const std::vector<std::string> parts = absl::StrSplit(text, ':');
  Position position;
  if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &position.contact_us) ||
      !absl::SimpleAtoi(parts[1], &position.sequence)) {
    return std::nullopt;
  }
  return position;
}

struct Recorded {
  Position position;
  v1::FollowUp followup;
};

}  // namespace

absl::StatusOr<v1::ListFollowUpsResponse> LeadQueries::ListFollowUps(
    const v1::ListFollowUpsRequest& request) const {
  if (request.parent().empty() || request.parent() == "leads/-") {
    return InvalidField("parent",
                        "name one lead, leads/{lead}: listing every lead's follow-ups at once is "
                        "not supported yet");
  }
  RETURN_IF_ERROR(ParseName(request.parent(), "leads", "parent").status());
  if (!request.rep().empty()) RETURN_IF_ERROR(ParseName(request.rep(), "reps", "rep").status());
  if (!v1::Channel_IsValid(request.channel())) return InvalidField("channel", "unknown channel");
  int64_t start_us = std::numeric_limits<int64_t>::min();
  int64_t end_us = std::numeric_limits<int64_t>::max();
  if (request.contact_time().has_start_time()) {
    RETURN_IF_ERROR(CheckTimestamp(request.contact_time().start_time(), "contact_time.start_time"));
    start_us = TimeUtil::TimestampToMicroseconds(request.contact_time().start_time());
  }
  if (request.contact_time().has_end_time()) {
    RETURN_IF_ERROR(CheckTimestamp(request.contact_time().end_time(), "contact_time.end_time"));
    end_us = TimeUtil::TimestampToMicroseconds(request.contact_time().end_time());
  }
  if (end_us < start_us) return InvalidField("contact_time.end_time", "is before start_time");
  ASSIGN_OR_RETURN(const int page_size, PageSize(request.page_size(), 50, 1000));
  const uint64_t fingerprint = FilterFingerprint(request);
  ASSIGN_OR_RETURN(const std::string token, DecodePageToken(request.page_token(), fingerprint));
  std::optional<Position> after;
  if (!token.empty()) {
    after = ParsePosition(token);
    if (!after) return InvalidField("page_token", "not a token this server issued");
  }

  storage::DatabaseView view(db_);
  ASSIGN_OR_RETURN(const std::optional<storage::LeadRecord> lead,
                   storage::ReadLead(view, request.parent()));
  if (!lead.has_value()) return NotFound(request.parent());
  std::vector<Recorded> recorded;
  RETURN_IF_ERROR(storage::ListLeadFollowUps(
      view, request.parent(), [&](uint64_t sequence, const v1::FollowUp& followup) {
        const int64_t at = TimeUtil::TimestampToMicroseconds(followup.contact_time());
        const bool matches =
            (request.rep().empty() || followup.rep() == request.rep()) &&
            (request.channel() == v1::CHANNEL_UNSPECIFIED ||
             followup.channel() == request.channel()) &&
            at >= start_us && at < end_us &&
            (!after || std::tie(at, sequence) < std::tie(after->contact_us, after->sequence));
        if (matches) recorded.push_back(Recorded{Position{at, sequence}, followup});
        return true;
      }));
  std::sort(recorded.begin(), recorded.end(), [](const Recorded& a, const Recorded& b) {
    return std::tie(b.position.contact_us, b.position.sequence) <
           std::tie(a.position.contact_us, a.position.sequence);
  });
  v1::ListFollowUpsResponse response;
  const size_t page = std::min(recorded.size(), static_cast<size_t>(page_size));
  for (size_t i = 0; i < page; ++i) *response.add_followups() = recorded[i].followup;
  if (recorded.size() > page) {
    const Position& last = recorded[page - 1].position;
    response.set_next_page_token(
        EncodePageToken(absl::StrCat(last.contact_us, ":", last.sequence), fingerprint));
  }
  return response;
}

}  // namespace leadrouter::server
