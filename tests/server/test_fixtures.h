// Rules and a roster the API tests share, and small request builders.
#pragma once

#include <string>

#include "leadrouter/v1/assignment.pb.h"
#include "leadrouter/v1/common.pb.h"

namespace leadrouter::testing {

// "vip": quality >= 90 to a level >= 3 rep, at most 2 a day. "ads": round robin for source ads.
// No otherwise: anything else is unassigned (no rule matched).
inline constexpr char kTestRules[] = R"(rule "vip"
  when quality >= 90
  require level >= 3
  cap 2/day

rule "ads"
  when source == "ads"
  distribute round_robin
)";

// ana (level 5) and ben (level 1) active; cara away; dan off; eve active with daily_cap 0 (never
// receives an automatic lead).
inline constexpr char kTestReps[] = R"(id,name,team,status,level,daily_cap
ana,Ana,enterprise,active,5,
ben,Ben,smb,active,1,
cara,Cara,smb,away,2,
dan,Dan,smb,off,2,
eve,Eve,smb,active,2,0
)";

inline v1::Lead MakeLead(const std::string& id, const std::string& source, double quality) {
  v1::Lead lead;
  lead.set_name("leads/" + id);
  lead.set_source(source);
  lead.set_quality(quality);
  return lead;
}

inline v1::AssignRequest AssignOf(const v1::Lead& lead, const std::string& key = "") {
  v1::AssignRequest request;
  *request.mutable_lead() = lead;
  request.set_idempotency_key(key);
  request.set_actor("test");
  return request;
}

}  // namespace leadrouter::testing
