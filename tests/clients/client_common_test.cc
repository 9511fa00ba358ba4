// The pieces leadctl and leadrouter-loadgen share: request building from files and flags, rule
// diagnostics rebuilt from the server's, error reporting, tables.
#include <gmock/gmock.h>
#include <google/protobuf/any.pb.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "clients/common/diagnostics_convert.h"
#include "clients/common/paging.h"
#include "clients/common/progress.h"
#include "clients/common/proto_input.h"
#include "clients/common/proto_output.h"
#include "clients/common/rpc_status.h"
#include "clients/common/text_table.h"
#include "clients/loadgen/synthetic_leads.h"
#include "dsl/base/diagnostics.h"
#include "dsl/compile/compiler.h"
#include "dsl/data/dataset.h"
#include "leadrouter/v1/reps.pb.h"
#include "status_matchers.h"
#include "temp_dir.h"

namespace leadrouter::client {
namespace {

using ::leadrouter::testing::StatusIs;
using ::leadrouter::testing::TempDir;
using ::testing::HasSubstr;

void WriteFile(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

TEST(ProtoInputTest, NamesFromIds) {
  EXPECT_EQ(LeadName("L1"), "leads/L1");
  EXPECT_EQ(LeadName("leads/L1"), "leads/L1");
  EXPECT_EQ(RepName("ana"), "reps/ana");
  EXPECT_EQ(VersionName(3), "rules/versions/3");
  EXPECT_EQ(*ParseVersion("3"), 3);
  EXPECT_EQ(*ParseVersion("v12"), 12);
  EXPECT_EQ(*ParseVersion("rules/versions/7"), 7);
  EXPECT_THAT(ParseVersion("0"), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("\"0\"")));
  EXPECT_FALSE(ParseVersion("three").ok());
  EXPECT_FALSE(ParseVersion("").ok());
}

TEST(ProtoInputTest, ChannelsAndStatuses) {
  EXPECT_EQ(*ParseChannel("phone"), v1::CHANNEL_PHONE);
  EXPECT_EQ(*ParseChannel("WeChat"), v1::CHANNEL_WECHAT);
  EXPECT_EQ(*ParseChannel("CHANNEL_IM"), v1::CHANNEL_IM);
  EXPECT_THAT(ParseChannel("fax"), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("fax")));
  EXPECT_FALSE(ParseChannel("unspecified").ok());
  EXPECT_EQ(*ParseRepStatus("away"), v1::REP_STATUS_AWAY);
  EXPECT_FALSE(ParseRepStatus("gone").ok());
}

TEST(ProtoInputTest, LeadFromFieldsTypesValuesLikeCsvCells) {
  absl::StatusOr<v1::Lead> lead = LeadFromFields(
      {"source=ads", "quality=85", "value=1200.5", "channel=phone", "budget=5000", "vip=true",
       "note=a, \"quoted\" note", "created_at=2026-01-05T09:00:00Z", "industry=E-COMMERCE"},
      "L1");
  ASSERT_OK(lead);
  EXPECT_EQ(lead->name(), "leads/L1");
  EXPECT_EQ(lead->source(), "ads");
  EXPECT_EQ(lead->quality(), 85);
  EXPECT_EQ(lead->value(), 1200.5);
  EXPECT_EQ(lead->industry(), "E-COMMERCE");
  EXPECT_EQ(lead->preferred_channel(), v1::CHANNEL_PHONE);
  EXPECT_EQ(lead->create_time().seconds(), 1767603600);
  EXPECT_EQ(lead->attributes().at("budget").number_value(), 5000);
  EXPECT_TRUE(lead->attributes().at("vip").bool_value());
  EXPECT_EQ(lead->attributes().at("note").string_value(), "a, \"quoted\" note");
}

TEST(ProtoInputTest, LeadFromFieldsErrors) {
  EXPECT_THAT(LeadFromFields({"quality=high"}, "L1"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("quality")));
  EXPECT_THAT(LeadFromFields({"source"}, "L1"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("name=value")));
  EXPECT_THAT(LeadFromFields({"source=ads"}, ""),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("no id")));
  EXPECT_THAT(LeadFromFields({"channel=fax"}, "L1"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("fax")));
  EXPECT_THAT(LeadFromFields({"id=L2"}, "L1"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("twice")));
}

TEST(ProtoInputTest, ReadLeadsFromJsonObjectArrayAndCsv) {
  TempDir dir;
  WriteFile(dir.Child("lead.json"),
            R"({"id": "L7", "source": "referral", "quality": 91, "tags": ["a", "b"]})");
  absl::StatusOr<std::vector<v1::Lead>> one = ReadLeads(dir.Child("lead.json"));
  ASSERT_OK(one);
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ((*one)[0].name(), "leads/L7");
  EXPECT_EQ((*one)[0].quality(), 91);
  EXPECT_EQ((*one)[0].attributes().at("tags").string_list_value().values_size(), 2);

  WriteFile(dir.Child("leads.json"), R"([{"id": "A"}, {"id": "B", "region": "emea"}])");
  absl::StatusOr<std::vector<v1::Lead>> two = ReadLeads(dir.Child("leads.json"));
  ASSERT_OK(two);
  ASSERT_EQ(two->size(), 2u);
  EXPECT_EQ((*two)[1].region(), "emea");

  absl::StatusOr<std::vector<v1::Lead>> csv =
      ReadLeads(std::string(LEADROUTER_SOURCE_DIR) + "/examples/leads-deals.csv");
  ASSERT_OK(csv);
  ASSERT_FALSE(csv->empty());
  EXPECT_EQ((*csv)[0].name(), "leads/d001");
  EXPECT_EQ((*csv)[0].preferred_channel(), v1::CHANNEL_WECHAT);
  EXPECT_EQ((*csv)[0].account(), "hooli");

  WriteFile(dir.Child("bad.json"), "{not json");
  EXPECT_THAT(ReadLeads(dir.Child("bad.json")),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("bad.json")));
  WriteFile(dir.Child("noid.json"), R"({"source": "ads"})");
  EXPECT_THAT(ReadLeads(dir.Child("noid.json")),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("no id")));
}

TEST(ProtoInputTest, RepsFromTheExampleRoster) {
  absl::StatusOr<std::vector<dsl::RepInfo>> roster =
      dsl::ReadRepsFile(std::string(LEADROUTER_SOURCE_DIR) + "/examples/reps.csv");
  ASSERT_OK(roster);
  std::vector<v1::Rep> reps;
  for (const dsl::RepInfo& info : *roster) {
    absl::StatusOr<v1::Rep> rep = RepFromInfo(info);
    ASSERT_OK(rep);
    reps.push_back(*rep);
  }
  const v1::Rep& ana = reps.front();
  EXPECT_EQ(ana.name(), "reps/ana");
  EXPECT_EQ(ana.display_name(), "Ana Souza");
  EXPECT_EQ(ana.team(), "enterprise");
  EXPECT_EQ(ana.level(), 5);
  EXPECT_EQ(ana.region(), "emea");
  EXPECT_EQ(ana.skills().at("tech"), 5);
  EXPECT_EQ(ana.skills().at("finance"), 4);
  EXPECT_THAT(ana.tags(), ::testing::ElementsAre("senior"));
  EXPECT_THAT(ana.channels(),
              ::testing::ElementsAre(v1::CHANNEL_PHONE, v1::CHANNEL_EMAIL, v1::CHANNEL_VISIT));
  EXPECT_EQ(ana.status(), v1::REP_STATUS_ACTIVE);
  EXPECT_FALSE(ana.has_daily_cap());
  bool saw_cap = false;
  bool saw_away = false;
  for (const v1::Rep& rep : reps) {
    if (rep.name() == "reps/dara") saw_cap = rep.has_daily_cap() && rep.daily_cap() == 30;
    if (rep.name() == "reps/hana") saw_away = rep.status() == v1::REP_STATUS_AWAY;
  }
  EXPECT_TRUE(saw_cap);
  EXPECT_TRUE(saw_away);
}

TEST(ProtoInputTest, RepWithAFractionalLevelIsRefused) {
  dsl::RepInfo info;
  info.id = "x";
  info.attributes.push_back({"level", 2.5});
  EXPECT_THAT(RepFromInfo(info), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("level")));
}

// The server reports diagnostics by line and column; rebuilt against the same text they render
// exactly as `leadctl check` renders the compiler's own.
TEST(DiagnosticsConvertTest, RoundTripRendersLikeCheck) {
  const dsl::SourceFile source("routing.rules",
                               "rule \"a\"\n  when qualty > 80\n  cap 10/day\n\nrule \"b\" when\n");
  const dsl::CompileResult compiled = dsl::Compile(source);
  ASSERT_FALSE(compiled.diagnostics.empty());
  std::vector<v1::Diagnostic> wire;
  for (const dsl::Diagnostic& d : compiled.diagnostics) {
    v1::Diagnostic p;
    const dsl::LineColumn start = source.Locate(d.span.begin);
    const dsl::LineColumn end = source.Locate(d.span.end);
    p.mutable_range()->set_file(source.name());
    p.mutable_range()->set_line(static_cast<int32_t>(start.line));
    p.mutable_range()->set_column(static_cast<int32_t>(start.column));
    p.mutable_range()->set_end_line(static_cast<int32_t>(end.line));
    p.mutable_range()->set_end_column(static_cast<int32_t>(end.column));
    p.set_severity(d.severity == dsl::Severity::kError     ? v1::SEVERITY_ERROR
                   : d.severity == dsl::Severity::kWarning ? v1::SEVERITY_WARNING
                                                           : v1::SEVERITY_NOTE);
    p.set_code(d.code);
    p.set_message(d.message);
    p.set_hint(d.hint);
    wire.push_back(p);
  }
  EXPECT_EQ(dsl::RenderText(source, FromProto(source, wire)),
            dsl::RenderText(source, compiled.diagnostics));
}

TEST(DiagnosticsConvertTest, PositionsOutsideTheTextAreClamped) {
  const dsl::SourceFile source("x.rules", "ab\n");
  v1::Diagnostic far;
  far.mutable_range()->set_line(9);
  far.mutable_range()->set_column(4);
  far.set_message("far away");
  const dsl::Diagnostic d = FromProto(source, far);
  EXPECT_EQ(d.span.begin, 3u);
  EXPECT_EQ(d.span.end, 3u);
  v1::Diagnostic none;
  none.set_severity(v1::SEVERITY_WARNING);
  EXPECT_EQ(FromProto(source, none).span.begin, 0u);
  EXPECT_EQ(FromProto(source, none).severity, dsl::Severity::kWarning);
}

TEST(RpcStatusTest, ExitCodesSayNoOrTrouble) {
  EXPECT_EQ(ExitCodeFor(grpc::StatusCode::OK), 0);
  EXPECT_EQ(ExitCodeFor(grpc::StatusCode::NOT_FOUND), 1);
  EXPECT_EQ(ExitCodeFor(grpc::StatusCode::FAILED_PRECONDITION), 1);
  EXPECT_EQ(ExitCodeFor(grpc::StatusCode::ABORTED), 1);
  EXPECT_EQ(ExitCodeFor(grpc::StatusCode::ALREADY_EXISTS), 1);
  EXPECT_EQ(ExitCodeFor(grpc::StatusCode::INVALID_ARGUMENT), 2);
  EXPECT_EQ(ExitCodeFor(grpc::StatusCode::UNAVAILABLE), 2);
  EXPECT_EQ(ExitCodeFor(grpc::StatusCode::DEADLINE_EXCEEDED), 2);
  EXPECT_EQ(ExitCodeFor(grpc::StatusCode::UNIMPLEMENTED), 2);
}

TEST(RpcStatusTest, FailureLineAndDetails) {
  v1::ErrorStatus details;
  details.set_code(grpc::StatusCode::INVALID_ARGUMENT);
  v1::BadRequest bad_request;
  auto* first = bad_request.add_field_violations();
  first->set_field("lead.quality");
  first->set_description("must be in [0, 100], got 140");
  auto* second = bad_request.add_field_violations();
  second->set_field("lead.name");
  second->set_description("must match [A-Za-z0-9._~-]{1,128}");
  details.add_details()->PackFrom(bad_request);
  v1::RuleDiagnostics diagnostics;
  diagnostics.add_diagnostics()->set_message("unknown field");
  details.add_details()->PackFrom(diagnostics);
  const grpc::Status status(grpc::StatusCode::INVALID_ARGUMENT,
                            "lead.quality: must be in [0, 100], got 140",
                            details.SerializeAsString());
  EXPECT_EQ(FormatRpcFailure("Assign", status),
            "leadctl: Assign failed: INVALID_ARGUMENT: lead.quality: must be in [0, 100], got 140\n"
            "  lead.name: must match [A-Za-z0-9._~-]{1,128}\n");
  EXPECT_EQ(DecodeErrorDetails(status).diagnostics.size(), 1u);
  EXPECT_EQ(FormatRpcFailure("GetLead", grpc::Status(grpc::StatusCode::NOT_FOUND, "no lead L9")),
            "leadctl: GetLead failed: NOT_FOUND: no lead L9\n");
}

TEST(RpcStatusTest, ReasonIsShownOnlyWhenItAddsSomething) {
  auto with_reason = [](grpc::StatusCode code, const std::string& reason) {
    v1::ErrorStatus details;
    v1::ErrorInfo info;
    info.set_reason(reason);
    details.add_details()->PackFrom(info);
    return grpc::Status(code, "leads/L9 not found", details.SerializeAsString());
  };
  EXPECT_EQ(FormatRpcFailure("GetLead", with_reason(grpc::StatusCode::NOT_FOUND, "NOT_FOUND")),
            "leadctl: GetLead failed: NOT_FOUND: leads/L9 not found\n");
  EXPECT_EQ(FormatRpcFailure("Reassign",
                             with_reason(grpc::StatusCode::FAILED_PRECONDITION, "LEAD_CLOSED")),
            "leadctl: Reassign failed: FAILED_PRECONDITION: leads/L9 not found\n"
            "  reason: LEAD_CLOSED\n");
}

TEST(RpcStatusTest, ManyViolationsAreCut) {
  v1::ErrorStatus details;
  v1::PreconditionFailure failure;
  for (int i = 0; i < 8; ++i) {
    auto* violation = failure.add_violations();
    violation->set_type("REP_HAS_OPEN_LEADS");
    violation->set_subject("leads/L" + std::to_string(i));
    violation->set_description("open lead owned by the rep");
  }
  details.add_details()->PackFrom(failure);
  v1::ErrorInfo info;
  info.set_reason("REP_HAS_OPEN_LEADS");
  details.add_details()->PackFrom(info);
  const std::string text = FormatRpcFailure(
      "Remove", grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "reps/ana owns 8 open leads",
                             details.SerializeAsString()));
  EXPECT_EQ(text,
            "leadctl: Remove failed: FAILED_PRECONDITION: reps/ana owns 8 open leads\n"
            "  REP_HAS_OPEN_LEADS (leads/L0): open lead owned by the rep\n"
            "  REP_HAS_OPEN_LEADS (leads/L1): open lead owned by the rep\n"
            "  REP_HAS_OPEN_LEADS (leads/L2): open lead owned by the rep\n"
            "  REP_HAS_OPEN_LEADS (leads/L3): open lead owned by the rep\n"
            "  REP_HAS_OPEN_LEADS (leads/L4): open lead owned by the rep\n"
            "  ... and 3 more\n");
}

TEST(TextTableTest, AlignsColumnsWithoutTrailingSpaces) {
  TextTable table({"REP", "NAME", "TEAM"});
  table.AddRow({"ana", "Ana Souza", "enterprise"});
  table.AddRow({"chen", "Chén", ""});
  EXPECT_EQ(table.Render(),
            "REP   NAME       TEAM\n"
            "ana   Ana Souza  enterprise\n"
            "chen  Chén\n");
  EXPECT_EQ(RenderKeyValues({{"lead", "leads/L1"}, {"owner", ""}, {"quality", "85"}}),
            "lead     leads/L1\nquality  85\n");
}

TEST(ProtoOutputTest, ShortFormsForPeople) {
  EXPECT_EQ(ShortName("reps/ana"), "ana");
  EXPECT_EQ(ShortName("leads/L1/assignments/00a1"), "00a1");
  EXPECT_EQ(OutcomeText(v1::OUTCOME_PENDING_REVIEW), "pending review");
  EXPECT_EQ(ChannelText(v1::CHANNEL_WECHAT), "wechat");
  google::protobuf::Timestamp time;
  EXPECT_EQ(FormatTime(time), "");
  time.set_seconds(1767603600);
  EXPECT_EQ(FormatTime(time), "2026-01-05T09:00:00Z");
  v1::Value value;
  EXPECT_EQ(FormatValue(value), "null");
  value.set_number_value(85);
  EXPECT_EQ(FormatValue(value), "85");
  value.mutable_string_list_value()->add_values("a");
  value.mutable_string_list_value()->add_values("b");
  EXPECT_EQ(FormatValue(value), "[a, b]");
}

TEST(SyntheticLeadsTest, DistinctIdsAndPlausibleFields) {
  const loadgen::SyntheticLeads leads("run1");
  std::set<std::string> names;
  int big_deals = 0;
  int hot = 0;
  v1::Lead lead;
  for (uint64_t i = 0; i < 5000; ++i) {
    leads.Fill(i, lead);
    names.insert(lead.name());
    ASSERT_GE(lead.quality(), 0);
    ASSERT_LE(lead.quality(), 100);
    ASSERT_GT(lead.value(), 0);
    ASSERT_FALSE(lead.source().empty());
    ASSERT_FALSE(lead.industry().empty());
    ASSERT_FALSE(lead.region().empty());
    if (lead.value() >= 1'000'000) ++big_deals;
    if (lead.quality() >= 80) ++hot;
  }
  EXPECT_EQ(names.size(), 5000u);
  EXPECT_EQ(*names.begin(), "leads/run1-0");
  EXPECT_GT(big_deals, 50);  // about 2%
  EXPECT_LT(big_deals, 200);
  EXPECT_GT(hot, 200);  // about 8%
  EXPECT_LT(hot, 700);
  // Reproducible: lead i is the same every time.
  v1::Lead again;
  leads.Fill(42, lead);
  leads.Fill(42, again);
  EXPECT_EQ(lead.SerializeAsString(), again.SerializeAsString());
}

// A fake server with 7 reps, `page_size` at a time, answering page tokens "p1", "p2", ...
class PagedReps {
 public:
  grpc::Status operator()(int page_size, const std::string& token, v1::ListRepsResponse& page) {
    sizes.push_back(page_size);
    if (fail_at_call == static_cast<int>(sizes.size())) {
      return grpc::Status(grpc::StatusCode::UNAVAILABLE, "gone");
    }
    const int start = token.empty() ? 0 : std::stoi(token.substr(1));
    const int end = std::min(start + page_size, 7);
    for (int i = start; i < end; ++i) page.add_reps()->set_name("reps/r" + std::to_string(i));
    if (end < 7) page.set_next_page_token("p" + std::to_string(end));
    return grpc::Status::OK;
  }
  std::vector<int> sizes;
  int fail_at_call = 0;
};

std::vector<std::string> Names(const v1::ListRepsResponse& response) {
  std::vector<std::string> names;
  for (const v1::Rep& rep : response.reps()) names.push_back(rep.name());
  return names;
}

auto RepsOf = [](v1::ListRepsResponse& response) { return response.mutable_reps(); };

TEST(CollectPagesTest, WithoutALimitReadsEveryPage) {
  PagedReps server;
  v1::ListRepsResponse all;
  ASSERT_TRUE(CollectPages(0, 3, std::ref(server), RepsOf, all).ok());
  EXPECT_EQ(Names(all).size(), 7u);
  EXPECT_EQ(all.reps(6).name(), "reps/r6");
  EXPECT_EQ(server.sizes, (std::vector<int>{3, 3, 3}));
  EXPECT_TRUE(all.next_page_token().empty());
}

TEST(CollectPagesTest, ALimitAsksForNoMoreAndKeepsTheTokenOfWhatIsLeft) {
  PagedReps server;
  v1::ListRepsResponse all;
  ASSERT_TRUE(CollectPages(5, 3, std::ref(server), RepsOf, all).ok());
  EXPECT_EQ(Names(all),
            (std::vector<std::string>{"reps/r0", "reps/r1", "reps/r2", "reps/r3", "reps/r4"}));
  EXPECT_EQ(server.sizes, (std::vector<int>{3, 2}));
  EXPECT_EQ(all.next_page_token(), "p5");
}

TEST(CollectPagesTest, AFailedCallIsReturnedWithThePagesBeforeIt) {
  PagedReps server;
  server.fail_at_call = 2;
  v1::ListRepsResponse all;
  const grpc::Status status = CollectPages(0, 3, std::ref(server), RepsOf, all);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(Names(all).size(), 3u);
}

}  // namespace
}  // namespace leadrouter::client

namespace leadrouter::client {
namespace {

TEST(ProgressTest, LineShowsTheFilledShareAndTheCount) {
  EXPECT_EQ(ProgressLine(0, 4, "leads"), "[........................................] 0/4 leads");
  EXPECT_EQ(ProgressLine(1, 4, "leads"), "[##########..............................] 1/4 leads");
  EXPECT_EQ(ProgressLine(4, 4, "leads"), "[########################################] 4/4 leads");
  EXPECT_EQ(ProgressLine(0, 0, "bytes"), "[########################################] 0/0 bytes");
}

TEST(ProgressTest, QuietWhenTheOutputIsNotATerminal) {
  std::FILE* file = std::tmpfile();
  ASSERT_NE(file, nullptr);
  {
    Progress progress("leads", 100, {.out = file});
    EXPECT_FALSE(progress.enabled());
    progress.Update(50);
  }
  EXPECT_EQ(std::ftell(file), 0);
  std::fclose(file);
}

TEST(ProgressTest, DrawsEveryPercentAndEndsTheLineOnce) {
  std::FILE* file = std::tmpfile();
  ASSERT_NE(file, nullptr);
  {
    Progress progress("leads", 1000, {.out = file, .force = true});
    ASSERT_TRUE(progress.enabled());
    for (uint64_t done = 1; done <= 1000; ++done) progress.Update(done);
    progress.Finish();
    progress.Finish();
  }
  std::rewind(file);
  std::string text;
  for (int c = std::fgetc(file); c != EOF; c = std::fgetc(file))
    text.push_back(static_cast<char>(c));
  std::fclose(file);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\r'), 102);  // 0%..100%, then Finish
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1);
  EXPECT_TRUE(text.ends_with("1000/1000 leads\n")) << text;
}

TEST(ProgressTest, BelowTheMinimumTotalNothingIsDrawn) {
  std::FILE* file = std::tmpfile();
  ASSERT_NE(file, nullptr);
  {
    Progress progress("leads", 10, {.out = file, .force = true, .min_total = 11});
    EXPECT_FALSE(progress.enabled());
  }
  EXPECT_EQ(std::ftell(file), 0);
  std::fclose(file);
}

}  // namespace
}  // namespace leadrouter::client
