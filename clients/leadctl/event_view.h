// Events (leadrouter.v1.Event) shown to people: the words for their kinds, one line of a watch,
// and the rows of a lead's timeline.
#pragma once

#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "clients/common/text_table.h"
#include "leadrouter/v1/events.pb.h"

namespace leadrouter::leadctl {

// "assigned", "reassigned", "lead_closed", "follow_up_recorded", ...
std::string EventKindText(v1::EventKind kind);
// Every kind as EventKindText spells it, comma-separated: "assigned, reassigned, ...".
std::string EventKindList();
// The kind a user typed (as EventKindText spells it, any case); nullopt for none.
std::optional<v1::EventKind> ParseEventKind(absl::string_view text);

// One line: cursor, time, kind, lead, the change and who made it, why; no newline.
std::string EventLine(const v1::Event& event);

// A lead's timeline: TIME, EVENT, REP, FROM, ACTOR, PRINCIPAL, DETAIL (the reason; for a
// follow-up its channel and outcome; for a close its resolution).
client::TextTable TimelineTable();
void AddTimelineRow(client::TextTable& table, const v1::Event& event);

}  // namespace leadrouter::leadctl
