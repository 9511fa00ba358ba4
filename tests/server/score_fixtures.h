// Closed leads with a known signal, seeded in a real server through its API: what the scoring
// tests train on (tests/server/services/score_service_test.cc, tests/clients/).
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "tests/server/server_harness.h"

namespace leadrouter::testing {

// Hot leads (score > 0.5) go to ana (level 5), the others to ben (level 1).
inline constexpr char kScoreRules[] = R"(rule "hot"
  when score > 0.5
  require level >= 3

rule "cold"
  when true
  require level < 3
)";

inline constexpr char kScoreReps[] = R"(id,name,team,status,level
ana,Ana,closers,active,5
ben,Ben,smb,active,1
)";

inline v1::Lead ScoredLead(const std::string& id, const std::string& source) {
  v1::Lead lead;
  lead.set_name("leads/" + id);
  lead.set_source(source);
  lead.set_region(id.size() % 2 == 0 ? "eu" : "us");
  return lead;
}

// Assign, failing the test on an error.
inline v1::AssignResponse AssignLead(ServerHarness& server, const v1::Lead& lead) {
  v1::AssignRequest request;
  *request.mutable_lead() = lead;
  v1::AssignResponse response;
  const grpc::Status status = server.Call(
      [&](grpc::ClientContext* c) { return server.assignments().Assign(c, request, &response); });
  EXPECT_TRUE(status.ok()) << status.error_message();
  return response;
}

// `count` leads assigned then closed: half from "ads", of which 80% convert (i % 10 != 8); the
// others from "web", of which 10% convert (i % 20 == 1). `inverted` swaps the sources: the same
// rates, "web" now the likely one (outcomes that drifted, or were recorded the wrong way round).
inline void SeedClosedLeads(ServerHarness& server, int count, const std::string& prefix = "seed",
                            bool inverted = false) {
  for (int i = 0; i < count; ++i) {
    const bool ads = (i % 2 == 0) != inverted;
    const bool converted = (i % 2 == 0) ? i % 10 != 8 : i % 20 == 1;
    const std::string id = absl::StrCat(prefix, "-", i);
    AssignLead(server, ScoredLead(id, ads ? "ads" : "web"));
    v1::CloseLeadRequest close;
    close.set_lead("leads/" + id);
    close.set_resolution(converted ? v1::CLOSE_RESOLUTION_WON : v1::CLOSE_RESOLUTION_LOST);
    close.set_actor("crm");
    close.set_reason("seeded outcome");
    v1::CloseLeadResponse closed;
    const grpc::Status status = server.Call(
        [&](grpc::ClientContext* c) { return server.assignments().CloseLead(c, close, &closed); });
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
}

}  // namespace leadrouter::testing
