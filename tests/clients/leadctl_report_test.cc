// `leadctl report`, run as the built binary against an in-process leadrouterd: the three reports
// as a table, JSON and CSV, the options that shape the request, and the exit codes (2 for unusable
// input, with the server's field named).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "files.h"
#include "run_command.h"
#include "status_matchers.h"
#include "temp_dir.h"
#include "tests/server/server_harness.h"
#include "tests/server/test_fixtures.h"

namespace leadrouter::leadctl {
namespace {

using ::leadrouter::testing::AssignOf;
using ::leadrouter::testing::CommandResult;
using ::leadrouter::testing::MakeLead;
using ::leadrouter::testing::ReadFile;
using ::leadrouter::testing::RunCommand;
using ::leadrouter::testing::ServerHarness;
using ::leadrouter::testing::TempDir;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kRules[] = "rule \"all\"\n  when true\n  distribute round_robin\n";
constexpr char kReps[] =
    "id,name,team,status,level\nana,Ana,north,active,3\nben,Ben,south,active,1\n";

class LeadctlReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<ServerHarness>(
        testing::HarnessOptions{.rules = kRules, .reps_csv = kReps});
    ASSERT_OK(server_->status());
    // Five leads; the test counts who got which.
    const double quality[] = {90, 40, 85, 60, 10};
    for (int i = 0; i < 5; ++i) {
      v1::AssignResponse response;
      ASSERT_TRUE(
          server_
              ->Call([&](grpc::ClientContext* c) {
                return server_->assignments().Assign(
                    c, AssignOf(MakeLead(absl::StrCat("l", i), i < 3 ? "web" : "ads", quality[i])),
                    &response);
              })
              .ok());
      leads_of_[response.assignment().rep()] += 1;
      quality_of_[response.assignment().rep()] += quality[i];
    }
    from_ =
        absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::Now() - absl::Hours(1), absl::UTCTimeZone());
  }

  CommandResult Leadctl(const std::string& args) {
    const size_t redirect = args.find(" 2>");
    const std::string command = args.substr(0, redirect);
    const std::string tail = redirect == std::string::npos ? "" : args.substr(redirect);
    return RunCommand(std::string(LEADCTL_PATH) + " " + command + " --server " +
                      server_->address() + tail);
  }

  // The CSV output as rows of cells, keyed by the first cell (the group; "" for the total).
  static std::map<std::string, std::vector<std::string>> CsvRows(const std::string& csv,
                                                                 std::vector<std::string>& header) {
    std::map<std::string, std::vector<std::string>> rows;
    const std::vector<std::string> lines = absl::StrSplit(csv, '\n', absl::SkipEmpty());
    header = absl::StrSplit(lines.at(0), ',');
    for (size_t i = 1; i < lines.size(); ++i) {
      std::vector<std::string> cells = absl::StrSplit(lines[i], ',');
      rows[cells.at(0)] = std::move(cells);
    }
    return rows;
  }

  std::unique_ptr<ServerHarness> server_;
  std::map<std::string, int> leads_of_;
  std::map<std::string, double> quality_of_;
  std::string from_;
};

TEST_F(LeadctlReportTest, DistributionAsTableJsonAndCsv) {
  const CommandResult table = Leadctl("report distribution --from " + from_);
  ASSERT_EQ(table.exit_code, 0) << table.output;
  EXPECT_THAT(table.output, StartsWith("GROUP"));
  EXPECT_THAT(table.output, HasSubstr("Ana (ana)"));
  EXPECT_THAT(table.output, HasSubstr("TOTAL"));
  EXPECT_THAT(table.output, HasSubstr("fairness (Gini, 0 = even): count "));

  const CommandResult json = Leadctl("report distribution --from " + from_ + " --format json");
  ASSERT_EQ(json.exit_code, 0) << json.output;
  const nlohmann::json parsed = nlohmann::json::parse(json.output);
  EXPECT_EQ(parsed["total"]["leads"], "5");  // int64 is a string in proto3 JSON
  EXPECT_EQ(parsed["rows"].size(), 2u);

  const CommandResult csv = Leadctl("report distribution --from " + from_ + " --format csv");
  ASSERT_EQ(csv.exit_code, 0) << csv.output;
  std::vector<std::string> header;
  const auto rows = CsvRows(csv.output, header);
  ASSERT_GE(header.size(), 5u);
  EXPECT_EQ(header[0], "group");
  EXPECT_EQ(header[3], "leads");
  EXPECT_EQ(header[6], "quality_sum");
  for (const auto& [rep, leads] : leads_of_) {
    SCOPED_TRACE(rep);
    ASSERT_TRUE(rows.contains(rep));
    EXPECT_EQ(rows.at(rep)[3], absl::StrCat(leads));
    EXPECT_EQ(rows.at(rep)[6], absl::StrCat(quality_of_[rep]));
  }
  ASSERT_TRUE(rows.contains(""));
  EXPECT_EQ(rows.at("")[1], "total");
  EXPECT_EQ(rows.at("")[3], "5");
}

TEST_F(LeadctlReportTest, GroupingIntervalAndFiltersShapeTheRequest) {
  const CommandResult by_source = Leadctl("report distribution --from " + from_ +
                                          " --group-by source --interval day "
                                          "--format csv");
  ASSERT_EQ(by_source.exit_code, 0) << by_source.output;
  std::vector<std::string> header;
  const auto rows = CsvRows(by_source.output, header);
  ASSERT_TRUE(rows.contains("web"));
  EXPECT_EQ(rows.at("web")[3], "3");
  EXPECT_FALSE(rows.at("web")[2].empty());  // the day's bucket start
  EXPECT_EQ(rows.at("ads")[3], "2");

  const CommandResult one_rep =
      Leadctl("report conversion --from " + from_ + " --rep ana --format csv");
  ASSERT_EQ(one_rep.exit_code, 0) << one_rep.output;
  const auto converted = CsvRows(one_rep.output, header);
  EXPECT_EQ(header[4], "converted");
  EXPECT_EQ(converted.at("")[3], absl::StrCat(leads_of_["reps/ana"]));
  EXPECT_FALSE(converted.contains("reps/ben"));

  const CommandResult followups = Leadctl("report followups --from " + from_);
  ASSERT_EQ(followups.exit_code, 0) << followups.output;
  EXPECT_THAT(followups.output, HasSubstr("CONTACTED"));
  EXPECT_THAT(followups.output, HasSubstr("0 (0.0%)"));
}

TEST_F(LeadctlReportTest, HtmlWritesThePageOfAllThreeReports) {
  const TempDir dir;
  const std::string page = dir.Child("report.html");
  const CommandResult run = Leadctl("report --html " + page + " --from " + from_);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_THAT(run.output, HasSubstr("report written to " + page));
  const std::string html = ReadFile(page);
  EXPECT_THAT(html, HasSubstr("Leads from " + from_ + " to now"));
  EXPECT_THAT(html, HasSubstr("Leads per rep"));
  EXPECT_THAT(html, HasSubstr("Ana"));
  EXPECT_THAT(html, HasSubstr("Ben"));
  EXPECT_THAT(html, ::testing::Not(HasSubstr("No leads in this range.")));

  const CommandResult neither = Leadctl("report --from " + from_ + " 2>&1");
  EXPECT_EQ(neither.exit_code, 2) << neither.output;
  EXPECT_THAT(neither.output, HasSubstr("--html FILE"));
  const CommandResult bad_rep =
      Leadctl("report --html " + page + " --from " + from_ + " --rep zed 2>&1");
  EXPECT_EQ(bad_rep.exit_code, 2) << bad_rep.output;
  EXPECT_THAT(bad_rep.output, HasSubstr("filter.reps[0]"));
}

TEST_F(LeadctlReportTest, UnusableInputExitsTwoNamingIt) {
  CommandResult bad = Leadctl("report distribution --from " + from_ + " --rep zed 2>&1");
  EXPECT_EQ(bad.exit_code, 2) << bad.output;
  EXPECT_THAT(bad.output, HasSubstr("filter.reps[0]"));
  bad = Leadctl("report distribution --from yesterday 2>&1");
  EXPECT_EQ(bad.exit_code, 2) << bad.output;
  EXPECT_THAT(bad.output, HasSubstr("--from yesterday"));
  bad = Leadctl("report distribution --from 2020-01-01 --to 2022-01-01 2>&1");
  EXPECT_EQ(bad.exit_code, 2) << bad.output;
  EXPECT_THAT(bad.output, HasSubstr("400 days"));
  bad = Leadctl("report distribution --from " + from_ + " --group-by planet 2>&1");
  EXPECT_NE(bad.exit_code, 0) << bad.output;
}

}  // namespace
}  // namespace leadrouter::leadctl
