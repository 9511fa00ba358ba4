// What dsl/data/dataset.h promises: the format chosen by extension, reps and leads from CSV and
// JSON Lines (known columns typed, custom cells typed by their text, empty cells left out), and
// every error an InvalidArgument naming `file:line` and the column; files that cannot be opened
// are NotFound.
#include "dsl/data/dataset.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "status_matchers.h"

namespace leadrouter::dsl {
namespace {

namespace fs = std::filesystem;
using ::leadrouter::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;
using ::testing::StartsWith;

const AttributeValue* Find(const std::vector<Attribute>& attributes, const std::string& name) {
  for (const Attribute& a : attributes) {
    if (a.name == name) return &a.value;
  }
  return nullptr;
}

// The attribute `name` when it is there and holds a T.
template <typename T>
std::optional<T> Get(const std::vector<Attribute>& attributes, const std::string& name) {
  const AttributeValue* value = Find(attributes, name);
  const T* held = value == nullptr ? nullptr : std::get_if<T>(value);
  return held == nullptr ? std::nullopt : std::optional<T>(*held);
}

using Strings = std::vector<std::string>;

// The format chosen for `path`, or nullopt for an error.
std::optional<DatasetFormat> FormatOf(std::string_view path) {
  absl::StatusOr<DatasetFormat> format = DatasetFormatForPath(path);
  return format.ok() ? std::optional(*format) : std::nullopt;
}

absl::StatusOr<std::vector<RepInfo>> RepsCsv(const std::string& text) {
  return ParseReps(text, DatasetFormat::kCsv, "reps.csv");
}
absl::StatusOr<std::vector<RepInfo>> RepsJsonl(const std::string& text) {
  return ParseReps(text, DatasetFormat::kJsonLines, "reps.jsonl");
}
absl::StatusOr<std::vector<LeadRow>> LeadsCsv(const std::string& text) {
  return ParseLeads(text, DatasetFormat::kCsv, "leads.csv", absl::UTCTimeZone());
}
absl::StatusOr<std::vector<LeadRow>> LeadsJsonl(const std::string& text) {
  return ParseLeads(text, DatasetFormat::kJsonLines, "leads.jsonl", absl::UTCTimeZone());
}

// ---------------------------------------------------------------------------------------------
// Formats

TEST(DatasetFormatTest, ChosenByExtensionIgnoringCase) {
  EXPECT_EQ(FormatOf("reps.csv"), DatasetFormat::kCsv);
  EXPECT_EQ(FormatOf("dir/REPS.CSV"), DatasetFormat::kCsv);
  EXPECT_EQ(FormatOf("leads.jsonl"), DatasetFormat::kJsonLines);
  EXPECT_EQ(FormatOf("leads.JsonL"), DatasetFormat::kJsonLines);
  EXPECT_THAT(DatasetFormatForPath("leads.json"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "leads.json: unknown format (expected a .csv or .jsonl file)"));
}

// ---------------------------------------------------------------------------------------------
// Reps

TEST(ParseRepsTest, CsvColumnsBecomeFieldsAndTypedAttributes) {
  absl::StatusOr<std::vector<RepInfo>> reps = RepsCsv(
      "id,name,team,status,daily_cap,max_open,level,region,skills,tags,shift,senior,note\n"
      "ana,Ana B,emea,away,10,3,4.5,EU,tech:4;sales:2,a|b,7,true,night owl\n");
  ASSERT_OK(reps);
  ASSERT_EQ(reps->size(), 1u);
  const RepInfo& ana = (*reps)[0];
  EXPECT_EQ(ana.id, "ana");
  EXPECT_EQ(ana.name, "Ana B");
  EXPECT_EQ(ana.team, "emea");
  EXPECT_EQ(ana.status, RepStatus::kAway);
  EXPECT_EQ(ana.daily_cap, 10);
  EXPECT_EQ(ana.max_open, 3);
  EXPECT_EQ(Get<double>(ana.attributes, "level"), 4.5);
  EXPECT_EQ(Get<std::string>(ana.attributes, "region"), "EU");
  EXPECT_THAT(Get<SkillMap>(ana.attributes, "skills"),
              ::testing::Optional(ElementsAre(Pair("tech", 4.0), Pair("sales", 2.0))));
  EXPECT_EQ(Get<Strings>(ana.attributes, "tags"), (Strings{"a", "b"}));
  // Custom cells are typed by their text.
  EXPECT_EQ(Get<double>(ana.attributes, "shift"), 7.0);
  EXPECT_EQ(Get<bool>(ana.attributes, "senior"), true);
  EXPECT_EQ(Get<std::string>(ana.attributes, "note"), "night owl");
}

TEST(ParseRepsTest, EmptyCellsAreMissingAndStatusDefaultsToActive) {
  absl::StatusOr<std::vector<RepInfo>> reps = RepsCsv("id,status,daily_cap,level,shift\nbo,,,,\n");
  ASSERT_OK(reps);
  ASSERT_EQ(reps->size(), 1u);
  EXPECT_EQ((*reps)[0].status, RepStatus::kActive);
  EXPECT_EQ((*reps)[0].daily_cap, std::nullopt);
  EXPECT_EQ(Find((*reps)[0].attributes, "level"), nullptr);
  EXPECT_EQ(Find((*reps)[0].attributes, "shift"), nullptr);
}

TEST(ParseRepsTest, JsonLinesTakeObjectsAndArraysAndSkipBlankLines) {
  absl::StatusOr<std::vector<RepInfo>> reps = RepsJsonl(
      "{\"id\": \"ana\", \"skills\": {\"tech\": 4}, \"channels\": [\"email\", \"phone\"], "
      "\"daily_cap\": 5, \"level\": 2.5, \"vip\": false}\n"
      "\n"
      "  \r\n"
      "{\"id\": \"bo\", \"team\": null}\n");
  ASSERT_OK(reps);
  ASSERT_EQ(reps->size(), 2u);
  const RepInfo& ana = (*reps)[0];
  EXPECT_THAT(Get<SkillMap>(ana.attributes, "skills"),
              ::testing::Optional(ElementsAre(Pair("tech", 4.0))));
  EXPECT_EQ(Get<Strings>(ana.attributes, "channels"), (Strings{"email", "phone"}));
  EXPECT_EQ(ana.daily_cap, 5);
  EXPECT_EQ(Get<double>(ana.attributes, "level"), 2.5);
  EXPECT_EQ(Get<bool>(ana.attributes, "vip"), false);
  EXPECT_EQ((*reps)[1].id, "bo");
  EXPECT_EQ((*reps)[1].team, "");
}

struct ErrorCase {
  std::string name;
  DatasetFormat format;
  std::string text;
  std::string message;  // the whole message
};

class RepErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(RepErrorTest, NamesFileLineAndColumn) {
  const ErrorCase& c = GetParam();
  EXPECT_THAT(
      ParseReps(c.text, c.format, c.format == DatasetFormat::kCsv ? "reps.csv" : "reps.jsonl"),
      StatusIs(absl::StatusCode::kInvalidArgument, c.message));
}

const ErrorCase kRepErrors[] = {
    {"not_a_number", DatasetFormat::kCsv, "id,level\na,4\nb,high\n",
     "reps.csv:3: column \"level\": \"high\" is not a number"},
    {"negative_cap", DatasetFormat::kCsv, "id,daily_cap\na,-1\n",
     "reps.csv:2: column \"daily_cap\": \"-1\" is not a whole number >= 0"},
    {"fractional_cap", DatasetFormat::kCsv, "id,max_open\na,2.5\n",
     "reps.csv:2: column \"max_open\": \"2.5\" is not a whole number >= 0"},
    {"unknown_status", DatasetFormat::kCsv, "id,status\na,busy\n",
     "reps.csv:2: column \"status\": \"busy\" is not a status (active, away or off)"},
    {"bad_skill", DatasetFormat::kCsv, "id,skills\na,tech\n",
     "reps.csv:2: column \"skills\": skill \"tech\" is not name:level (e.g. tech:4;sales:2)"},
    {"no_id", DatasetFormat::kCsv, "id,name\n,Ana\n", "reps.csv:2: the rep has no id"},
    {"duplicate_id", DatasetFormat::kCsv, "id\nb\na\nb\n", "reps.csv: rep id \"b\" appears twice"},
    {"field_count", DatasetFormat::kCsv, "id,name\na\n", "reps.csv:2: 1 fields, the header has 2"},
    {"unnamed_column", DatasetFormat::kCsv, "id,\na,b\n",
     "reps.csv:1: column 2 of the header has no name"},
    {"repeated_column", DatasetFormat::kCsv, "id,team,id\n", "reps.csv:1: column \"id\": repeated"},
    {"empty_file", DatasetFormat::kCsv, "", "reps.csv: empty file (expected a header row)"},
    {"json_invalid", DatasetFormat::kJsonLines, "{\"id\": \"a\"}\n\n{\"id\": \n",
     "reps.jsonl:3: not valid JSON"},
    {"json_not_object", DatasetFormat::kJsonLines, "[1, 2]\n",
     "reps.jsonl:1: expected a JSON object"},
    {"json_skill_level", DatasetFormat::kJsonLines,
     "{\"id\": \"a\", \"skills\": {\"tech\": \"x\"}}\n",
     "reps.jsonl:1: column \"skills\": skill \"tech\" has no numeric level"},
    {"json_nested_object", DatasetFormat::kJsonLines, "{\"id\": \"a\", \"extra\": {\"k\": 1}}\n",
     "reps.jsonl:1: column \"extra\": nested objects are not supported"},
    {"json_list_of_numbers", DatasetFormat::kJsonLines, "{\"id\": \"a\", \"tags\": [1]}\n",
     "reps.jsonl:1: column \"tags\": expected a list of strings"},
};

INSTANTIATE_TEST_SUITE_P(Dataset, RepErrorTest, ::testing::ValuesIn(kRepErrors),
                         [](const auto& p) { return p.param.name; });

TEST(ParseRepsTest, MalformedCsvNamesFileAndLine) {
  EXPECT_THAT(RepsCsv("id,name\na,\"open\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ::testing::AllOf(StartsWith("reps.csv:"), HasSubstr("line 2"),
                                        HasSubstr("a quoted field is not closed"))));
}

// ---------------------------------------------------------------------------------------------
// Leads

TEST(ParseLeadsTest, CsvLeadsKeepTheirLineAndDefaultTheirId) {
  absl::StatusOr<std::vector<LeadRow>> leads = LeadsCsv(
      "id,created_at,quality,region,budget\n"
      "L1,2026-03-08T09:30:00Z,80,EU,1200\n"
      "\n"
      ",1700000000,,,big\n");
  ASSERT_OK(leads);
  ASSERT_EQ(leads->size(), 2u);
  const LeadRow& first = (*leads)[0];
  EXPECT_EQ(first.id, "L1");
  EXPECT_EQ(first.line, 2u);
  EXPECT_EQ(first.created_at, 1772962200);
  EXPECT_EQ(Get<double>(first.attributes, "quality"), 80.0);
  EXPECT_EQ(Get<std::string>(first.attributes, "region"), "EU");
  EXPECT_EQ(Get<double>(first.attributes, "budget"), 1200.0);
  const LeadRow& second = (*leads)[1];
  EXPECT_EQ(second.id, "#2");  // the second lead of the file
  EXPECT_EQ(Get<std::string>(second.attributes, "id"), "#2");
  EXPECT_EQ(second.line, 4u);
  EXPECT_EQ(second.created_at, 1700000000);
  EXPECT_EQ(Find(second.attributes, "quality"), nullptr);
  EXPECT_EQ(Get<std::string>(second.attributes, "budget"), "big");
}

TEST(ParseLeadsTest, LocalTimesAreReadInTheGivenZone) {
  const absl::TimeZone utc_plus_one = absl::FixedTimeZone(3600);
  absl::StatusOr<std::vector<LeadRow>> leads =
      ParseLeads("created_at\n2026-03-08 10:30\n", DatasetFormat::kCsv, "leads.csv", utc_plus_one);
  ASSERT_OK(leads);
  ASSERT_EQ(leads->size(), 1u);
  EXPECT_EQ((*leads)[0].created_at, 1772962200);
}

TEST(ParseLeadsTest, JsonLinesLeads) {
  absl::StatusOr<std::vector<LeadRow>> leads = LeadsJsonl(
      "{\"id\": \"L1\", \"quality\": 55.5, \"industry\": \"retail\", \"tags\": [\"a\"]}\n"
      "{\"score\": null}\n");
  ASSERT_OK(leads);
  ASSERT_EQ(leads->size(), 2u);
  EXPECT_EQ((*leads)[0].line, 1u);
  EXPECT_EQ(Get<double>((*leads)[0].attributes, "quality"), 55.5);
  EXPECT_EQ(Get<std::string>((*leads)[0].attributes, "industry"), "retail");
  EXPECT_EQ(Get<Strings>((*leads)[0].attributes, "tags"), (Strings{"a"}));
  EXPECT_EQ((*leads)[1].id, "#2");
  EXPECT_EQ(Find((*leads)[1].attributes, "score"), nullptr);
}

TEST(ParseLeadsTest, ErrorsNameFileLineAndColumn) {
  EXPECT_THAT(LeadsCsv("id,quality\nL1,high\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "leads.csv:2: column \"quality\": \"high\" is not a number"));
  EXPECT_THAT(LeadsCsv("id,created_at\nL1,soon\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       StartsWith("leads.csv:2: column \"created_at\": not a time: \"soon\"")));
  EXPECT_THAT(LeadsJsonl("{\"id\": \"L1\"}\n{\"region\": 5}\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "leads.jsonl:2: column \"region\": expected a string"));
}

TEST(ParseLeadsTest, TheXEducationExportIsRecognisedByItsHeader) {
  absl::StatusOr<std::vector<LeadRow>> leads = LeadsCsv("Prospect ID,Lead Source\nabc-1,Google\n");
  ASSERT_OK(leads);
  ASSERT_EQ(leads->size(), 1u);
  EXPECT_EQ((*leads)[0].id, "abc-1");
  EXPECT_EQ((*leads)[0].line, 2u);
}

// ---------------------------------------------------------------------------------------------
// Files

class ReadFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           ("dataset_test_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& text) {
    const fs::path path = dir_ / name;
    std::ofstream(path, std::ios::binary) << text;
    return path.string();
  }

  fs::path dir_;
};

TEST_F(ReadFileTest, ReadsRepsAndLeadsByExtension) {
  absl::StatusOr<std::vector<RepInfo>> reps = ReadRepsFile(Write("reps.csv", "id\nana\n"));
  ASSERT_OK(reps);
  ASSERT_EQ(reps->size(), 1u);
  EXPECT_EQ((*reps)[0].id, "ana");
  absl::StatusOr<std::vector<LeadRow>> leads =
      ReadLeadsFile(Write("leads.jsonl", "{\"id\": \"L1\"}\n"), absl::UTCTimeZone());
  ASSERT_OK(leads);
  ASSERT_EQ(leads->size(), 1u);
  EXPECT_EQ((*leads)[0].id, "L1");
}

TEST_F(ReadFileTest, ErrorsNameThePath) {
  const std::string path = Write("reps.csv", "id,level\nana,high\n");
  EXPECT_THAT(ReadRepsFile(path),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       path + ":2: column \"level\": \"high\" is not a number"));
}

TEST_F(ReadFileTest, AMissingFileIsNotFound) {
  const std::string path = (dir_ / "missing.csv").string();
  EXPECT_THAT(ReadRepsFile(path), StatusIs(absl::StatusCode::kNotFound, path + ": no such file"));
  EXPECT_THAT(ReadLeadsFile(path, absl::UTCTimeZone()),
              StatusIs(absl::StatusCode::kNotFound, path + ": no such file"));
}

TEST_F(ReadFileTest, AnUnknownExtensionIsRefusedBeforeReading) {
  EXPECT_THAT(ReadRepsFile((dir_ / "missing.txt").string()),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("unknown format")));
}

}  // namespace
}  // namespace leadrouter::dsl
