// What an assignment starts, between the rule language and the API: SLA chains, follow-up plans
// and work schedules as dsl/ holds them and as the API and the store spell them. A proposal keeps
// its rule's chain and plan in its history entry (Assignment.sla, Assignment.followup_plan) until
// its approval plans them, so both directions are needed and must round-trip.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "dsl/compile/program.h"
#include "dsl/decision/working_time.h"
#include "google/protobuf/repeated_field.h"
#include "leadrouter/v1/common.pb.h"

namespace leadrouter::server {

// The chain as the API shows it, every step without a due time; `within_seconds` and `action`
// are its first step's (a working duration counted nominally, an hour 3600 s, a day 86400 s).
leadrouter::v1::Sla ToSlaProto(const dsl::SlaPolicy& sla, bool server_default = false);
// The rule's follow-up plan as the API shows it.
google::protobuf::RepeatedPtrField<leadrouter::v1::FollowUpStep> ToFollowUpPlanProto(
    const std::vector<dsl::FollowupStep>& plan);

// Back, for planning. DATA_LOSS for a stored chain or plan no ToSlaProto / ToFollowUpPlanProto
// wrote (they are never input).
absl::StatusOr<dsl::SlaPolicy> FromSlaProto(const leadrouter::v1::Sla& sla);
absl::StatusOr<std::vector<dsl::FollowupStep>> FromFollowUpPlanProto(
    const google::protobuf::RepeatedPtrField<leadrouter::v1::FollowUpStep>& plan);

// A rep's or the server's schedule, checked: INVALID_ARGUMENT naming the field under `field`
// ("rep.schedule.hours: column 9: expected a time as HH:MM, e.g. 09:00").
absl::StatusOr<dsl::WorkSchedule> FromWorkScheduleProto(const leadrouter::v1::WorkSchedule& proto,
                                                        absl::string_view field);
// The schedule as the API spells it (for --work-schedule's JSON read at start).
leadrouter::v1::WorkSchedule ToWorkScheduleProto(const dsl::WorkSchedule& schedule);

}  // namespace leadrouter::server
