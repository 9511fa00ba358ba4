// End to end: the built leadrouterd binary with the example rules and roster, every lead of the
// public X Education data assigned through AssignBatch, then SIGTERM and a restart on the same
// database; history, counters and the active rule version must all have survived. Once with each
// --durability.
#include <fcntl.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "daemon.h"
#include "dsl/data/lead_csv.h"
#include "files.h"
#include "leadrouter/v1/assignment.grpc.pb.h"
#include "leadrouter/v1/reps.grpc.pb.h"
#include "leadrouter/v1/rules.grpc.pb.h"
#include "status_matchers.h"
#include "temp_dir.h"

namespace leadrouter::testing {
namespace {

const std::string kSource = LEADROUTER_SOURCE_DIR;

// A lead of the X Education file as the API takes it: known fields as fields, the rest as
// attributes.
v1::Lead ToLead(const std::vector<dsl::Attribute>& attributes) {
  v1::Lead lead;
  for (const dsl::Attribute& attribute : attributes) {
    const auto* text = std::get_if<std::string>(&attribute.value);
    const auto* number = std::get_if<double>(&attribute.value);
    const auto* flag = std::get_if<bool>(&attribute.value);
    if (attribute.name == "id" && text) {
      lead.set_name("leads/" + *text);
    } else if (attribute.name == "source" && text) {
      lead.set_source(*text);
    } else if (attribute.name == "quality" && number) {
      lead.set_quality(*number);
    } else if (attribute.name == "region" && text) {
      lead.set_region(*text);
    } else if (attribute.name == "industry" && text) {
      lead.set_industry(*text);
    } else if (text) {
      (*lead.mutable_attributes())[attribute.name].set_string_value(*text);
    } else if (number) {
      (*lead.mutable_attributes())[attribute.name].set_number_value(*number);
    } else if (flag) {
      (*lead.mutable_attributes())[attribute.name].set_bool_value(*flag);
    }
  }
  return lead;
}

grpc::ClientContext* WithDeadline(grpc::ClientContext& context) {
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  return &context;
}

// Every history entry, counted per rep.
std::map<std::string, int> HistoryByRep(v1::AssignmentService::Stub& stub, int& total) {
  std::map<std::string, int> by_rep;
  total = 0;
  v1::ListAssignmentsRequest request;
  request.set_page_size(1000);
  for (;;) {
    grpc::ClientContext context;
    v1::ListAssignmentsResponse response;
    const grpc::Status status = stub.ListAssignments(WithDeadline(context), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    if (!status.ok()) break;
    for (const v1::Assignment& entry : response.assignments()) {
      ++total;
      ++by_rep[entry.rep()];
    }
    if (response.next_page_token().empty()) break;
    request.set_page_token(response.next_page_token());
  }
  return by_rep;
}

// The parameter is the --durability (docs/operations.md).
class EndToEndTest : public ::testing::TestWithParam<const char*> {};

TEST_P(EndToEndTest, AssignsTheRealLeadsAndEverythingSurvivesARestart) {
  absl::StatusOr<std::vector<std::vector<dsl::Attribute>>> rows =
      dsl::ReadXEducationLeads(kSource + "/examples/data/leads-x-education.csv");
  ASSERT_OK(rows);
  ASSERT_GT(rows->size(), 9000u);
  std::vector<v1::Lead> leads;
  for (const auto& row : *rows) leads.push_back(ToLead(row));

  TempDir dir;
  const std::vector<std::string> flags = {
      "--rules",      kSource + "/examples/rules/quick-start.rules",
      "--reps",       kSource + "/examples/reps.csv",
      "--durability", GetParam()};
  std::map<std::string, std::string> owner_of;  // lead -> rep, as Assign answered
  std::map<std::string, int> assigned_to;       // rep -> leads
  {
    std::vector<std::string> logged = flags;
    logged.insert(logged.end(), {"--log-level", "info"});
    const std::string log_file = dir.Child("leadrouterd.log");
    Daemon daemon(dir, logged, log_file);
    const std::string address = daemon.WaitUntilServing();
    ASSERT_FALSE(address.empty()) << "leadrouterd did not start";
    // The mode asked for is the mode it runs in: its start line says so (docs/operations.md).
    const std::string log = ReadFile(log_file);
    EXPECT_NE(log.find(" durability=" + std::string(GetParam()) + " "), std::string::npos) << log;
    auto channel = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
    auto assignments = v1::AssignmentService::NewStub(channel);
    const auto assign_start = std::chrono::steady_clock::now();
    for (size_t start = 0; start < leads.size(); start += 500) {
      v1::AssignBatchRequest request;
      request.set_actor("e2e");
      for (size_t i = start; i < leads.size() && i < start + 500; ++i) {
        v1::AssignBatchItem* item = request.add_items();
        *item->mutable_lead() = leads[i];
        item->set_idempotency_key(leads[i].name());
      }
      grpc::ClientContext context;
      v1::AssignBatchResponse response;
      const grpc::Status status =
          assignments->AssignBatch(WithDeadline(context), request, &response);
      ASSERT_TRUE(status.ok()) << status.error_message();
      for (const v1::AssignBatchResult& result : response.results()) {
        ASSERT_TRUE(result.has_response()) << result.error().message();
        const v1::Assignment& entry = result.response().assignment();
        owner_of[result.response().lead().name()] = entry.rep();
        if (!entry.rep().empty()) ++assigned_to[entry.rep()];
      }
    }
    ASSERT_EQ(owner_of.size(), leads.size());
    std::printf("assigned %zu leads in %lld ms\n", leads.size(),
                static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                           std::chrono::steady_clock::now() - assign_start)
                                           .count()));
    EXPECT_GE(assigned_to.size(), 5u) << "the leads are spread over the roster";
    EXPECT_EQ(daemon.Stop(), 0) << "SIGTERM is a clean shutdown";
  }

  const auto restart = std::chrono::steady_clock::now();
  Daemon daemon(dir, flags);
  const std::string address = daemon.WaitUntilServing();
  ASSERT_FALSE(address.empty()) << "leadrouterd did not restart";
  std::printf("restarted in %lld ms\n",
              static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                         std::chrono::steady_clock::now() - restart)
                                         .count()));
  auto channel = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  auto assignments = v1::AssignmentService::NewStub(channel);
  auto reps = v1::RepService::NewStub(channel);
  auto rules = v1::RuleService::NewStub(channel);

  // History: one entry per lead (the retry of unassigned leads at start may add entries for
  // leads that found a rep; none can here, nothing changed).
  int total = 0;
  const std::map<std::string, int> history = HistoryByRep(*assignments, total);
  EXPECT_EQ(total, static_cast<int>(leads.size()));
  for (const auto& [rep, count] : assigned_to) EXPECT_EQ(history.at(rep), count) << rep;

  // A sample of leads: the owner Assign answered is the stored owner.
  for (size_t i = 0; i < leads.size(); i += 97) {
    grpc::ClientContext context;
    v1::GetLeadRequest request;
    request.set_name(leads[i].name());
    v1::GetLeadResponse response;
    ASSERT_TRUE(assignments->GetLead(WithDeadline(context), request, &response).ok());
    EXPECT_EQ(response.lead().owner(), owner_of[leads[i].name()]) << leads[i].name();
  }

  // Counters: each rep's open leads equal the leads its history gave it.
  for (const auto& [rep, count] : assigned_to) {
    grpc::ClientContext context;
    v1::GetRepRequest request;
    request.set_name(rep);
    v1::GetRepResponse response;
    ASSERT_TRUE(reps->Get(WithDeadline(context), request, &response).ok()) << rep;
    EXPECT_EQ(response.rep().load().open_leads(), count) << rep;
    EXPECT_LE(response.rep().load().assigned_today(), count) << rep;
  }

  // The active rule version.
  grpc::ClientContext context;
  v1::GetRulesResponse active;
  ASSERT_TRUE(rules->GetRules(WithDeadline(context), v1::GetRulesRequest(), &active).ok());
  EXPECT_EQ(active.version().version(), 1);
  EXPECT_EQ(active.version().author(), "leadrouterd");
  EXPECT_GT(active.rules_size(), 0);

  // Replaying a key after the restart answers from the stored record.
  grpc::ClientContext replay_context;
  v1::AssignRequest replay;
  *replay.mutable_lead() = leads.front();
  replay.set_idempotency_key(leads.front().name());
  v1::AssignResponse replayed;
  ASSERT_TRUE(assignments->Assign(WithDeadline(replay_context), replay, &replayed).ok());
  EXPECT_TRUE(replayed.replayed());
  EXPECT_EQ(replayed.assignment().rep(), owner_of[leads.front().name()]);

  EXPECT_EQ(daemon.Stop(), 0);
}

// --counter-check (docs/operations.md): the default starts from the counter checkpoint the last
// start wrote and replays only the entries after it; `full` replays every entry; anything else
// refuses to start.
TEST(CounterCheckFlagTest, IncrementalByDefaultFullOnRequest) {
  TempDir dir;
  const std::string log_file = dir.Child("leadrouterd.log");
  auto start = [&](std::vector<std::string> extra) {
    std::ofstream(log_file, std::ios::trunc).close();
    extra.insert(extra.end(), {"--log-level", "info"});
    return std::make_unique<Daemon>(dir, extra, log_file);
  };
  {
    auto daemon = start({"--rules", kSource + "/examples/rules/quick-start.rules", "--reps",
                         kSource + "/examples/reps.csv"});
    const std::string address = daemon->WaitUntilServing();
    ASSERT_FALSE(address.empty()) << ReadFile(log_file);
    auto assignments = v1::AssignmentService::NewStub(
        grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
    v1::AssignBatchRequest request;
    request.set_actor("e2e");
    for (int i = 0; i < 20; ++i) {
      v1::Lead* lead = request.add_items()->mutable_lead();
      lead->set_name("leads/flag-" + std::to_string(i));
      lead->set_source("web_form");
    }
    grpc::ClientContext context;
    v1::AssignBatchResponse response;
    ASSERT_TRUE(assignments->AssignBatch(WithDeadline(context), request, &response).ok());
    EXPECT_EQ(daemon->Stop(), 0);
  }
  {
    auto daemon = start({});
    ASSERT_FALSE(daemon->WaitUntilServing().empty()) << ReadFile(log_file);
    const std::string log = ReadFile(log_file);
    // The first start wrote the checkpoint at sequence 0 and its clean stop moved it past the
    // 20 entries: nothing is left to replay.
    EXPECT_NE(log.find("checked against history (from the checkpoint at sequence 20): 0 history "
                       "entries replayed"),
              std::string::npos)
        << log;
    EXPECT_EQ(daemon->Stop(), 0);
  }
  {
    auto daemon = start({"--counter-check", "full"});
    ASSERT_FALSE(daemon->WaitUntilServing().empty()) << ReadFile(log_file);
    const std::string log = ReadFile(log_file);
    EXPECT_NE(log.find("checked against history (full): 20 history entries replayed"),
              std::string::npos)
        << log;
    EXPECT_EQ(log.find("counter check"), std::string::npos) << log;  // nothing disagreed
    EXPECT_EQ(daemon->Stop(), 0);
  }
  {
    auto daemon = start({"--counter-check", "sometimes"});
    EXPECT_TRUE(daemon->WaitUntilServing(std::chrono::seconds(5)).empty());
    EXPECT_NE(ReadFile(log_file).find("--counter-check"), std::string::npos) << ReadFile(log_file);
  }
}

// sync is the default; async acknowledges before the fsync. A run takes about 12 s either way, most
// of it fixed (reading the leads, the two starts and shutdowns), not the fsyncs: a smaller sync run
// of 2,000 leads took as long as the whole file.
INSTANTIATE_TEST_SUITE_P(Durability, EndToEndTest, ::testing::Values("sync", "async"),
                         [](const ::testing::TestParamInfo<const char*>& param_info) {
                           return std::string(param_info.param);
                         });

}  // namespace
}  // namespace leadrouter::testing
