#include "clients/leadctl/event_view.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "clients/common/proto_output.h"

namespace leadrouter::leadctl {

using client::ShortName;

std::string EventKindText(v1::EventKind kind) {
  return client::EnumText(v1::EventKind_Name(kind), "EVENT_KIND_");
}

std::optional<v1::EventKind> ParseEventKind(absl::string_view text) {
  v1::EventKind kind;
  if (!v1::EventKind_Parse(absl::StrCat("EVENT_KIND_", absl::AsciiStrToUpper(text)), &kind) ||
      kind == v1::EVENT_KIND_UNSPECIFIED) {
    return std::nullopt;
  }
  return kind;
}

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
  if (!event.reason().empty()) absl::StrAppend(&line, "  reason=\"", event.reason(), "\"");
  return line;
}

client::TextTable TimelineTable() {
  return client::TextTable({"TIME", "EVENT", "REP", "FROM", "ACTOR", "PRINCIPAL", "REASON"});
}

void AddTimelineRow(client::TextTable& table, const v1::Event& event) {
  table.AddRow({client::FormatTime(event.time()), EventKindText(event.kind()),
                std::string(ShortName(event.rep())), std::string(ShortName(event.previous_rep())),
                event.actor(), event.principal(), event.reason()});
}

}  // namespace leadrouter::leadctl
