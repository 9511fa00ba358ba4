// LintRoster: rules against a roster. Each warning kind with its position and hint, the names that
// are never checked (non-literals, lead fields, fields the decision fills), and the examples
// against the example roster.
#include "dsl/decision/roster_lint.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "dsl/base/source.h"
#include "dsl/compile/compiler.h"
#include "dsl/data/dataset.h"
#include "status_matchers.h"

namespace leadrouter::dsl {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

const std::string kRoot = LEADROUTER_SOURCE_DIR;

// ana is away and gus is off: they count all the same.
const std::string kRosterCsv =
    "id,team,status,skills,tags,level,certified\n"
    "ana,enterprise,away,tech:5;finance:4,senior,5,true\n"
    "ben,smb,active,marketing:3,,2,\n"
    "gus,inside,off,,newcomer;dormant,1,\n";

std::vector<RepInfo> Roster(const std::string& csv = kRosterCsv) {
  absl::StatusOr<std::vector<RepInfo>> reps = ParseReps(csv, DatasetFormat::kCsv, "reps.csv");
  EXPECT_TRUE(reps.ok()) << reps.status();
  return reps.ok() ? *reps : std::vector<RepInfo>{};
}

struct Linted {
  SourceFile source;
  std::vector<Diagnostic> warnings;

  // `code@line:column text`: where each warning points and the source text under it.
  std::vector<std::string> Where() const {
    std::vector<std::string> out;
    for (const Diagnostic& d : warnings) {
      const LineColumn at = source.Locate(d.span.begin);
      out.push_back(d.code + "@" + std::to_string(at.line) + ":" + std::to_string(at.column) + " " +
                    std::string(source.Slice(d.span)));
    }
    return out;
  }
  std::vector<std::string> Hints() const {
    std::vector<std::string> out;
    for (const Diagnostic& d : warnings) out.push_back(d.hint);
    return out;
  }
};

Linted Lint(const std::string& rules, const std::vector<RepInfo>& reps = Roster()) {
  Linted linted{SourceFile("r.rules", rules), {}};
  const CompileResult compiled = Compile(linted.source);
  EXPECT_NE(compiled.program, nullptr) << RenderText(linted.source, compiled.diagnostics);
  if (compiled.program != nullptr) linted.warnings = LintRoster(*compiled.program, reps);
  for (const Diagnostic& d : linted.warnings) EXPECT_EQ(d.severity, Severity::kWarning);
  return linted;
}

TEST(RosterLintTest, UnknownSkillPointsAtTheLiteralWithAHint) {
  const Linted linted = Lint("rule \"tech\"\n  when true\n  require skill(\"tehc\") >= 3\n");
  EXPECT_EQ(RenderText(linted.source, linted.warnings),
            "r.rules:3:17: warning: no rep in the roster has the skill \"tehc\" [unknown-skill]\n"
            "    require skill(\"tehc\") >= 3\n"
            "                  ^~~~~~\n"
            "note: did you mean `\"tech\"`?\n");
}

TEST(RosterLintTest, UnknownSkillInEveryForm) {
  const Linted linted = Lint(
      "when true\n"
      "  require \"Finance\" in skills and skills contains \"sales\"\n"
      "  prefer skill(\"MARKETING\"), skill(\"tech\")\n");
  EXPECT_THAT(linted.Where(),
              ElementsAre("unknown-skill@2:11 \"Finance\"", "unknown-skill@2:51 \"sales\"",
                          "unknown-skill@3:16 \"MARKETING\""));
  // Case is ignored when looking for a near name, not when matching: skills are case-sensitive.
  EXPECT_THAT(linted.Hints(),
              ElementsAre("did you mean `\"finance\"`?", "", "did you mean `\"marketing\"`?"));
}

TEST(RosterLintTest, UnknownTag) {
  const Linted linted =
      Lint("when true require tag(\"seniour\") or \"vip\" in tags or tags contains \"newcomr\"\n");
  EXPECT_THAT(linted.Where(),
              ElementsAre("unknown-tag@1:23 \"seniour\"", "unknown-tag@1:37 \"vip\"",
                          "unknown-tag@1:68 \"newcomr\""));
  EXPECT_THAT(linted.Hints(),
              ElementsAre("did you mean `\"senior\"`?", "", "did you mean `\"newcomer\"`?"));
}

TEST(RosterLintTest, UnknownTeamInTheClauseAndInComparisons) {
  const Linted linted = Lint(
      "rule \"a\"\n"
      "  when true\n"
      "  team \"enterpise\"\n"
      "rule \"b\"\n"
      "  when true\n"
      "  require rep.team == \"partners\" or \"smb\" != rep.team\n"
      "  prefer rep.team in [\"smb\", \"mid\"], rep.team not in [\"inside\", \"Inside\"]\n"
      "otherwise\n"
      "  team \"nobody\"\n");
  EXPECT_THAT(linted.Where(),
              ElementsAre("unknown-team@3:8 \"enterpise\"", "unknown-team@6:23 \"partners\"",
                          "unknown-team@7:30 \"mid\"", "unknown-team@7:65 \"Inside\"",
                          "unknown-team@9:8 \"nobody\""));
  EXPECT_THAT(linted.Hints(), ElementsAre("did you mean `\"enterprise\"`?", "", "",
                                          "did you mean `\"inside\"`?", ""));
  EXPECT_EQ(linted.warnings[0].message, "no rep in the roster is in team \"enterpise\"");
}

TEST(RosterLintTest, UnknownRepAttribute) {
  const Linted linted = Lint(
      "when true\n"
      "  require certifed and has(rep.clearance) and level >= 2\n"
      "  distribute weighted(conversion_rate)\n");
  EXPECT_THAT(linted.Where(), ElementsAre("unknown-rep-attribute@2:11 certifed",
                                          "unknown-rep-attribute@2:32 clearance"));
  EXPECT_THAT(linted.Hints(), ElementsAre("did you mean `certified`?", ""));
  EXPECT_EQ(linted.warnings[0].message, "no rep in the roster has the attribute `certifed`");
}

// The performance fields are the decision's, like the counters: every rep has them.
TEST(RosterLintTest, PerformanceFieldsAreKnown) {
  const Linted linted = Lint(
      "when true\n"
      "  require sla_compliance > 0.8 and median_first_contact_hours < 4\n"
      "  prefer conversion_rate\n"
      "  distribute weighted(conversion_rate)\n");
  EXPECT_THAT(linted.Where(), ElementsAre());
}

TEST(RosterLintTest, NonLiteralNamesAndLeadFieldsAreNotChecked) {
  const Linted linted = Lint(
      "let NOBODY = \"nobody\"\n"
      "when source == \"zzz\" and has(company)\n"
      "  require skill(industry) > 0 and tag(lower(\"VIP\")) and rep.team == NOBODY\n"
      "    and lead.channel == \"fax\" and region == lead.region\n",
      Roster("id,team,region\nana,smb,emea\n"));
  EXPECT_THAT(linted.Where(), IsEmpty());
}

TEST(RosterLintTest, FieldsTheDecisionFillsAreAlwaysCarried) {
  const std::string rules =
      "when true\n"
      "  require available and status == \"active\" and id != rep.name and open_leads < 5\n"
      "  prefer -assigned_today, -assigned_week, -assigned_month, -quality_today\n";
  EXPECT_THAT(Lint(rules).Where(), IsEmpty());
  EXPECT_THAT(Lint(rules, {}).Where(), IsEmpty());
}

TEST(RosterLintTest, CapsAndTeamAreCarriedOnlyWhenSomeRepHasThem) {
  const std::string rules = "when true require rep.daily_cap > 3 and rep.max_open > 1\n";
  EXPECT_THAT(Lint(rules).Where(), ElementsAre("unknown-rep-attribute@1:23 daily_cap",
                                               "unknown-rep-attribute@1:45 max_open"));
  EXPECT_THAT(Lint(rules, Roster("id,daily_cap,max_open\nana,10,\nben,,5\n")).Where(), IsEmpty());
  EXPECT_THAT(Lint("when true team \"smb\"\n", Roster("id\nana\n")).Where(),
              ElementsAre("unknown-team@1:16 \"smb\""));
}

TEST(RosterLintTest, EveryOccurrenceIsReportedAndAnEmptyRosterLacksEverything) {
  const Linted linted = Lint(
      "rule \"a\" when true require skill(\"x\") > 1 prefer skill(\"x\")\n"
      "rule \"b\" when true team \"t\" require tag(\"y\") and level > 1\n",
      {});
  EXPECT_THAT(linted.Where(), ElementsAre("unknown-skill@1:34 \"x\"", "unknown-skill@1:56 \"x\"",
                                          "unknown-team@2:25 \"t\"", "unknown-tag@2:41 \"y\"",
                                          "unknown-rep-attribute@2:50 level"));
}

// Every example names only skills, tags, teams and fields that examples/reps.csv has.
TEST(RosterLintTest, ExamplesMatchTheExampleRoster) {
  absl::StatusOr<std::vector<RepInfo>> reps = ReadRepsFile(kRoot + "/examples/reps.csv");
  ASSERT_OK(reps);
  size_t references = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kRoot + "/examples/rules")) {
    absl::StatusOr<SourceFile> source = ReadSourceFile(entry.path().string());
    ASSERT_OK(source);
    const CompileResult compiled = Compile(*source);
    ASSERT_NE(compiled.program, nullptr) << entry.path();
    references += compiled.program->rep_references().size();
    EXPECT_EQ(RenderText(*source, LintRoster(*compiled.program, *reps)), "") << entry.path();
  }
  EXPECT_GT(references, 10u);  // the examples do name skills, tags, teams and rep fields
}

}  // namespace
}  // namespace leadrouter::dsl
