#include "clients/leadctl/event_view.h"

#include <google/protobuf/descriptor.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "clients/common/proto_output.h"

namespace leadrouter::leadctl {

using client::ShortName;

std::string EventKindText(v1::EventKind kind) {
  return client::EnumText(v1::EventKind_Name(kind), "EVENT_KIND_");
}

std::string EventKindList() {
  const google::protobuf::EnumDescriptor* kinds = v1::EventKind_descriptor();
  std::string list;
  for (int i = 0; i < kinds->value_count(); ++i) {
    const auto kind = static_cast<v1::EventKind>(kinds->value(i)->number());
    if (kind == v1::EVENT_KIND_UNSPECIFIED) continue;
    absl::StrAppend(&list, list.empty() ? "" : ", ", EventKindText(kind));
  }
  return list;
}

std::optional<v1::EventKind> ParseEventKind(absl::string_view text) {
  v1::EventKind kind;
  if (!v1::EventKind_Parse(absl::StrCat("EVENT_KIND_", absl::AsciiStrToUpper(text)), &kind) ||
      kind == v1::EVENT_KIND_UNSPECIFIED) {
    return std::nullopt;
  }
  return kind;
}

namespace {

// What a kind's own fields say: "phone reached, now contacted" for a follow-up, "won" for a close,
// the step and its due time for an SLA step, the task for a task.
std::string KindDetail(const v1::Event& event) {
  switch (event.kind()) {
    case v1::EVENT_KIND_FOLLOW_UP_RECORDED:
      return absl::StrCat(
          event.channel_name(), " ",
          client::EnumText(v1::FollowUpOutcome_Name(event.outcome()), "FOLLOW_UP_OUTCOME_"),
          ", now ", client::EnumText(v1::LeadState_Name(event.lead_state()), "LEAD_STATE_"));
    case v1::EVENT_KIND_LEAD_CLOSED:
      return client::EnumText(v1::CloseResolution_Name(event.close_resolution()),
                              "CLOSE_RESOLUTION_");
    case v1::EVENT_KIND_SLA_WARNING:
    case v1::EVENT_KIND_SLA_BREACHED:
    case v1::EVENT_KIND_SLA_ESCALATED:
      return absl::StrCat("sla step ", event.sla_step() + 1, ", due ",
                          client::FormatTime(event.due_time()));
    case v1::EVENT_KIND_TASK_CREATED:
    case v1::EVENT_KIND_TASK_OVERDUE:
      return absl::StrCat("task ", ShortName(event.task()), " ", event.channel_name(), ", due ",
                          client::FormatTime(event.due_time()));
    case v1::EVENT_KIND_TASK_DONE:
      return absl::StrCat("task ", ShortName(event.task()), " ", event.channel_name(), " by ",
                          ShortName(event.followup()));
    default:
      return "";
  }
}

}  // namespace

std::string EventLine(const v1::Event& event) {
  std::string line = absl::StrCat(event.cursor(), "  ", client::FormatTime(event.time()), "  ",
                                  EventKindText(event.kind()), "  ", ShortName(event.lead()));
  if (!event.rep().empty()) absl::StrAppend(&line, "  rep=", ShortName(event.rep()));
  if (!event.previous_rep().empty()) {
    absl::StrAppend(&line, "  from=", ShortName(event.previous_rep()));
  }
  absl::StrAppend(&line, "  actor=", event.actor());
  if (!event.principal().empty()) absl::StrAppend(&line, "  principal=", event.principal());
  if (event.rule_version() != 0) absl::StrAppend(&line, "  rules=v", event.rule_version());
  if (const std::string detail = KindDetail(event); !detail.empty()) {
    absl::StrAppend(&line, "  (", detail, ")");
  }
  if (!event.reason().empty()) absl::StrAppend(&line, "  reason=\"", event.reason(), "\"");
  return line;
}

client::TextTable TimelineTable() {
  return client::TextTable({"TIME", "EVENT", "REP", "FROM", "ACTOR", "PRINCIPAL", "DETAIL"});
}

void AddTimelineRow(client::TextTable& table, const v1::Event& event) {
  table.AddRow({client::FormatTime(event.time()), EventKindText(event.kind()),
                std::string(ShortName(event.rep())), std::string(ShortName(event.previous_rep())),
                event.actor(), event.principal(),
                absl::StrCat(KindDetail(event),
                             KindDetail(event).empty() || event.reason().empty() ? "" : ": ",
                             event.reason())});
}

}  // namespace leadrouter::leadctl
