#include "dsl/decision/availability.h"

#include "absl/strings/str_cat.h"

namespace leadrouter::dsl {

CapTrace Availability::cap() const {
  CapTrace trace;
  trace.limit = limit;
  trace.unit = cap_detail == kRepMaxOpenDetail ? CapUnit::kOpen : CapUnit::kDay;
  trace.scope = CapScope::kRep;
  return trace;
}

Availability StatusAvailability(const RepInfo& rep) {
  Availability out;
  switch (rep.status) {
    case RepStatus::kActive:
      break;
    case RepStatus::kAway:
      out.reason = RemovalReason::kStatusAway;
      break;
    case RepStatus::kOff:
      out.reason = RemovalReason::kStatusOff;
      break;
  }
  return out;
}

Availability CapAvailability(const RepInfo& rep, const RepCounters& counters) {
  Availability out;
  if (rep.daily_cap && counters.assigned_day >= *rep.daily_cap) {
    out.reason = RemovalReason::kCapReached;
    out.cap_detail = kRepDailyCapDetail;
    out.count = counters.assigned_day;
    out.limit = *rep.daily_cap;
  } else if (rep.max_open && counters.open >= *rep.max_open) {
    out.reason = RemovalReason::kCapReached;
    out.cap_detail = kRepMaxOpenDetail;
    out.count = counters.open;
    out.limit = *rep.max_open;
  }
  return out;
}

Availability CheckAvailability(const RepInfo& rep, const RepCounters& counters) {
  const Availability status = StatusAvailability(rep);
  return status.available() ? CapAvailability(rep, counters) : status;
}

std::string AvailabilityMessage(const Availability& availability) {
  switch (availability.reason) {
    case RemovalReason::kStatusAway:
      return "status away";
    case RemovalReason::kStatusOff:
      return "status off";
    case RemovalReason::kCapReached:
      if (availability.cap_detail == kRepMaxOpenDetail) {
        return absl::StrCat("rep max_open reached (", availability.count, " of ",
                            availability.limit, " open)");
      }
      return absl::StrCat("rep daily_cap reached (", availability.count, " of ", availability.limit,
                          " today)");
    default:
      return "";
  }
}

}  // namespace leadrouter::dsl
