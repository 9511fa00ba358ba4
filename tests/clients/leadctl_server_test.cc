// leadctl's server commands, run as the built binary against an in-process leadrouterd
// (tests/server/server_harness.h) with the quick-start rules: what an admin types, what they see,
// and the exit codes scripts rely on (0 ok, 1 "no" / refused, 2 unusable input or server).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "absl/strings/str_split.h"
#include "files.h"
#include "run_command.h"
#include "server/auth/token_table.h"
#include "status_matchers.h"
#include "temp_dir.h"
#include "tests/server/server_harness.h"
#include "tests/server/test_fixtures.h"

namespace leadrouter::leadctl {
namespace {

using ::leadrouter::testing::CommandResult;
using ::leadrouter::testing::ExamplePath;
using ::leadrouter::testing::HarnessOptions;
using ::leadrouter::testing::ReadFile;
using ::leadrouter::testing::RunCommand;
using ::leadrouter::testing::ServerHarness;
using ::leadrouter::testing::TempDir;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

class LeadctlServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    HarnessOptions options;
    options.rules = ReadFile(ExamplePath("rules/quick-start.rules"));
    server_ = std::make_unique<ServerHarness>(options);
    ASSERT_OK(server_->status());
  }

  // leadctl ARGS --server ADDR; stdout only, or with stderr after `2>&1` in args.
  CommandResult Leadctl(const std::string& args) {
    const size_t redirect = args.find(" 2>");
    const std::string command = args.substr(0, redirect);
    const std::string tail = redirect == std::string::npos ? "" : args.substr(redirect);
    return RunCommand(std::string(LEADCTL_PATH) + " " + command + " --server " +
                      server_->address() + tail);
  }

  // Adds the example roster through leadctl itself.
  void AddExampleReps() {
    const CommandResult added =
        Leadctl("reps add --file " + ExamplePath("reps.csv") + " --actor test");
    ASSERT_EQ(added.exit_code, 0) << added.output;
  }

  std::unique_ptr<ServerHarness> server_;
  TempDir dir_;
};

TEST_F(LeadctlServerTest, RepsAddFromFileListStatusRemove) {
  const CommandResult added =
      Leadctl("reps add --file " + ExamplePath("reps.csv") + " --actor test");
  ASSERT_EQ(added.exit_code, 0) << added.output;
  EXPECT_THAT(added.output, StartsWith("REP   NAME"));
  EXPECT_THAT(added.output, HasSubstr("ana   Ana Souza"));
  EXPECT_THAT(added.output, HasSubstr("created"));

  // One rep from flags; only the fields given change on a second add.
  CommandResult zed = Leadctl(
      "reps add zed --name 'Zed Z' --team smb --level 2 --skill tech=3 --channel phone --tag "
      "newcomer --daily-cap 5 --actor test");
  ASSERT_EQ(zed.exit_code, 0) << zed.output;
  EXPECT_THAT(zed.output, AllOf(HasSubstr("zed"), HasSubstr("Zed Z"), HasSubstr("created")));
  zed = Leadctl("reps add zed --level 4 --skill sales=2 --actor test");
  ASSERT_EQ(zed.exit_code, 0) << zed.output;
  EXPECT_THAT(zed.output,
              AllOf(HasSubstr("updated"), HasSubstr("smb"), HasSubstr("sales:2;tech:3")));

  // A working schedule, and one the server refuses naming the part.
  CommandResult schedule = Leadctl(
      "reps add zed --time-zone Asia/Shanghai --hours 'mon-fri 09:00-18:00' --holiday 2027-02-11 "
      "--actor test --format json");
  ASSERT_EQ(schedule.exit_code, 0) << schedule.output;
  EXPECT_THAT(schedule.output, AllOf(HasSubstr("Asia/Shanghai"), HasSubstr("2027-02-11")));
  schedule =
      Leadctl("reps add zed --time-zone Asia/Shanghai --hours 'mon-fri 9-6' --actor test 2>&1");
  EXPECT_EQ(schedule.exit_code, 2) << schedule.output;  // INVALID_ARGUMENT: unusable input
  EXPECT_THAT(schedule.output, HasSubstr("rep.schedule.hours"));

  CommandResult list = Leadctl("reps list --team smb");
  ASSERT_EQ(list.exit_code, 0) << list.output;
  EXPECT_THAT(list.output, StartsWith("REP "));
  EXPECT_THAT(list.output, AllOf(HasSubstr("zed "), HasSubstr("dara"), Not(HasSubstr("\nana "))));
  EXPECT_THAT(list.output, HasSubstr("5/day"));

  const CommandResult away =
      Leadctl("reps status zed away --until 2h --reason dentist --actor maria");
  ASSERT_EQ(away.exit_code, 0) << away.output;
  EXPECT_THAT(away.output, StartsWith("zed: away until "));
  list = Leadctl("reps list --status away");
  EXPECT_THAT(list.output, AllOf(HasSubstr("zed "), HasSubstr("hana"), Not(HasSubstr("\nana "))));

  const CommandResult json = Leadctl("reps list --team smb --format json");
  ASSERT_EQ(json.exit_code, 0) << json.output;
  const nlohmann::json parsed = nlohmann::json::parse(json.output);
  EXPECT_GE(parsed["reps"].size(), 5u);

  const CommandResult removed = Leadctl("reps remove zed --actor maria --reason 'left'");
  ASSERT_EQ(removed.exit_code, 0) << removed.output;
  EXPECT_EQ(removed.output, "removed zed: 0 open leads reassigned, 0 left without owner\n");

  const CommandResult missing = Leadctl("reps remove zed --actor maria --reason again 2>&1");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.output, StartsWith("leadctl: Remove failed: NOT_FOUND: "));

  const CommandResult bad_status = Leadctl("reps status ana gone --actor maria 2>&1");
  EXPECT_EQ(bad_status.exit_code, 2);
  EXPECT_THAT(bad_status.output, HasSubstr("not a rep status"));
}

TEST_F(LeadctlServerTest, AssignLeadHistoryExplainReassign) {
  AddExampleReps();
  CommandResult assign = Leadctl(
      "assign --id L1 --field source=ads --field quality=85 --field value=1200 "
      "--field region=emea --field industry=Banking --actor crm");
  ASSERT_EQ(assign.exit_code, 0) << assign.output;
  EXPECT_THAT(assign.output, StartsWith("LEAD  OUTCOME   REP"));
  EXPECT_THAT(assign.output, HasSubstr("L1    assigned"));
  EXPECT_THAT(assign.output, HasSubstr("\"hot\" (#5)"));
  EXPECT_THAT(assign.output, HasSubstr("\nwhy: "));

  // JSON for scripts: the AssignResponse in the proto3 JSON mapping.
  std::ofstream(dir_.Child("lead.json"))
      << R"({"id": "L2", "source": "referral", "quality": 30, "occupation": "Working Professional", "industry": "Retail"})";
  assign = Leadctl("assign --lead-file " + dir_.Child("lead.json") + " --format json");
  ASSERT_EQ(assign.exit_code, 0) << assign.output;
  const nlohmann::json response = nlohmann::json::parse(assign.output);
  EXPECT_EQ(response["assignment"]["outcome"], "OUTCOME_ASSIGNED");
  EXPECT_EQ(response["assignment"]["rule"]["name"], "big deals");
  const std::string owner = response["assignment"]["rep"];
  EXPECT_THAT(owner, ::testing::AnyOf("reps/ana", "reps/ben", "reps/chen"));

  // Assigning an existing lead again does not move it.
  assign = Leadctl("assign --id L2 --field quality=31");
  ASSERT_EQ(assign.exit_code, 0) << assign.output;
  EXPECT_THAT(assign.output, HasSubstr("already assigned"));

  CommandResult lead = Leadctl("lead L2");
  ASSERT_EQ(lead.exit_code, 0) << lead.output;
  EXPECT_THAT(lead.output, StartsWith("lead        leads/L2\n"));
  EXPECT_THAT(lead.output, HasSubstr("state       open\n"));
  EXPECT_THAT(lead.output, HasSubstr("owner       " + owner.substr(5) + "\n"));
  EXPECT_THAT(lead.output, HasSubstr("rule        \"big deals\" (#1) v1\n"));

  const CommandResult explain = Leadctl("explain L2");
  ASSERT_EQ(explain.exit_code, 0) << explain.output;
  EXPECT_THAT(explain.output, AllOf(HasSubstr("big deals"), HasSubstr(owner.substr(5))));
  // Why not another rep: its line in every rule tried, recomputed by the server.
  const std::string not_owner = owner == "reps/ana" ? "ben" : "ana";
  const CommandResult why_not = Leadctl("explain L2 --rep " + not_owner);
  ASSERT_EQ(why_not.exit_code, 0) << why_not.output;
  EXPECT_THAT(why_not.output, AllOf(HasSubstr("big deals"), HasSubstr("reps/" + not_owner + ": ")));
  const CommandResult nobody = Leadctl("explain L2 --rep nobody 2>&1");
  EXPECT_EQ(nobody.exit_code, 1) << nobody.output;
  EXPECT_THAT(nobody.output, HasSubstr("rep: reps/nobody"));

  // A manager moves it to another enterprise rep, with actor and reason.
  const std::string other = owner == "reps/ana" ? "ben" : "ana";
  CommandResult reassign =
      Leadctl("reassign L2 --to " + other + " --actor maria --reason 'asked for " + other + "'");
  ASSERT_EQ(reassign.exit_code, 0) << reassign.output;
  EXPECT_THAT(reassign.output, HasSubstr("L2    assigned  " + other));
  EXPECT_THAT(reassign.output, HasSubstr("from: " + owner.substr(5)));

  const CommandResult history = Leadctl("history L2 --oldest-first");
  ASSERT_EQ(history.exit_code, 0) << history.output;
  EXPECT_THAT(history.output, StartsWith("TIME"));
  EXPECT_THAT(history.output, AllOf(HasSubstr("assign "), HasSubstr("manual"),
                                    HasSubstr("asked for " + other), HasSubstr("maria")));
  EXPECT_LT(history.output.find("assign "), history.output.find("manual"));
  const CommandResult everything = Leadctl("history --limit 1 --format json");
  ASSERT_EQ(everything.exit_code, 0) << everything.output;
  EXPECT_EQ(nlohmann::json::parse(everything.output)["assignments"].size(), 1u);

  // By rule: the rules pick someone other than the current owner.
  reassign = Leadctl("reassign L1 --by-rule --actor maria --reason rebalance");
  ASSERT_EQ(reassign.exit_code, 0) << reassign.output;
  EXPECT_THAT(reassign.output, HasSubstr("L1    assigned"));
}

TEST_F(LeadctlServerTest, WatchPrintsEventsWithCursorsAndResumesAndHistoryIsTheTimeline) {
  AddExampleReps();
  CommandResult assign =
      Leadctl("assign --id L1 --field source=ads --field quality=85 --actor crm");
  ASSERT_EQ(assign.exit_code, 0) << assign.output;
  const CommandResult moved = Leadctl("reassign L1 --by-rule --actor maria --reason rebalance");
  ASSERT_EQ(moved.exit_code, 0) << moved.output;

  // One line per event, each starting with the cursor to resume from.
  const CommandResult both = Leadctl("watch --count 2");
  ASSERT_EQ(both.exit_code, 0) << both.output;
  const std::vector<std::string> lines = absl::StrSplit(both.output, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 2u) << both.output;
  EXPECT_THAT(lines[0], AllOf(HasSubstr("  assigned  L1  rep="), HasSubstr("actor=crm")));
  EXPECT_THAT(lines[1], AllOf(HasSubstr("  reassigned  L1  rep="), HasSubstr("  from="),
                              HasSubstr("actor=maria"), HasSubstr("reason=\"rebalance\"")));
  const std::string first_cursor = lines[0].substr(0, lines[0].find(' '));
  const std::string second_cursor = lines[1].substr(0, lines[1].find(' '));
  EXPECT_NE(first_cursor, second_cursor);

  // Resumed after the first: the second only, here as JSON.
  const CommandResult resumed =
      Leadctl("watch --after " + first_cursor + " --count 1 --format json");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  const nlohmann::json event = nlohmann::json::parse(resumed.output);
  EXPECT_EQ(event["kind"], "EVENT_KIND_REASSIGNED");
  EXPECT_EQ(event["cursor"], second_cursor);
  // Nothing after the last one: the watch waits, and --timeout ends it quietly.
  const CommandResult quiet = Leadctl("watch --after " + second_cursor + " --timeout 1");
  EXPECT_EQ(quiet.exit_code, 0) << quiet.output;
  EXPECT_EQ(quiet.output, "");
  // Filters: only reassignments of L1.
  const CommandResult filtered = Leadctl("watch --kind reassigned --lead L1 --count 1");
  ASSERT_EQ(filtered.exit_code, 0) << filtered.output;
  EXPECT_THAT(filtered.output, StartsWith(second_cursor));
  const CommandResult bad_kind = Leadctl("watch --kind exploded 2>&1");
  EXPECT_EQ(bad_kind.exit_code, 2);
  EXPECT_THAT(bad_kind.output, HasSubstr("not an event kind"));

  // history LEAD: the timeline, oldest first, each change with its actor.
  const CommandResult timeline = Leadctl("history L1");
  ASSERT_EQ(timeline.exit_code, 0) << timeline.output;
  EXPECT_THAT(timeline.output, StartsWith("TIME"));
  EXPECT_THAT(timeline.output, AllOf(HasSubstr("EVENT"), HasSubstr("crm"), HasSubstr("maria"),
                                     HasSubstr("rebalance")));
  EXPECT_LT(timeline.output.find("  assigned  "), timeline.output.find("  reassigned  "));
  const CommandResult timeline_json = Leadctl("history L1 --format json");
  ASSERT_EQ(timeline_json.exit_code, 0) << timeline_json.output;
  EXPECT_EQ(nlohmann::json::parse(timeline_json.output)["events"].size(), 2u);
  // The assignment entries as before, with --assignments.
  const CommandResult entries = Leadctl("history L1 --assignments");
  ASSERT_EQ(entries.exit_code, 0) << entries.output;
  EXPECT_THAT(entries.output, AllOf(StartsWith("TIME"), HasSubstr("KIND"), HasSubstr("OUTCOME")));
}

TEST_F(LeadctlServerTest, AssignInputErrorsAndRefusals) {
  AddExampleReps();
  // Unusable input: caught before any call.
  CommandResult result = Leadctl("assign --id L1 --field quality=high 2>&1");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.output, HasSubstr("quality"));
  result = Leadctl("assign 2>&1");
  EXPECT_EQ(result.exit_code, 2);
  result = Leadctl("reassign L1 --actor a --reason r 2>&1");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.output, HasSubstr("exactly one of --to REP and --by-rule"));
  result = Leadctl("reassign L1 --to ana 2>&1");  // no actor, no reason: a usage error
  EXPECT_EQ(result.exit_code, 2);

  // Refused by the server: INVALID_ARGUMENT is unusable input (2), NOT_FOUND a "no" (1).
  result = Leadctl("assign --id 'bad id!' --field quality=50 2>&1");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.output, StartsWith("leadctl: Assign failed: INVALID_ARGUMENT: "));
  EXPECT_THAT(result.output, HasSubstr("lead.name"));
  result = Leadctl("lead nobody 2>&1");
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_THAT(result.output, StartsWith("leadctl: GetLead failed: NOT_FOUND: "));
  result = Leadctl("reassign nobody --to ana --actor a --reason r 2>&1");
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_THAT(result.output, StartsWith("leadctl: Reassign failed: NOT_FOUND: "));
}

TEST_F(LeadctlServerTest, FollowUpCloseAndListLeads) {
  AddExampleReps();
  CommandResult assign =
      Leadctl("assign --id L1 --field source=ads --field quality=85 --actor crm");
  ASSERT_EQ(assign.exit_code, 0) << assign.output;
  assign = Leadctl("assign --id L2 --field source=referral --field quality=30 --actor crm");
  ASSERT_EQ(assign.exit_code, 0) << assign.output;

  CommandResult followup = Leadctl("followup L1 --channel phone --outcome reached --note 'ok'");
  ASSERT_EQ(followup.exit_code, 0) << followup.output;
  EXPECT_THAT(followup.output,
              AllOf(HasSubstr("channel        phone\n"), HasSubstr("outcome        reached\n"),
                    HasSubstr("first contact  yes"), HasSubstr("lead state     contacted\n")));
  // Converting before qualifying is refused (1); a bad outcome is unusable input (2).
  followup = Leadctl("followup L1 --channel email --outcome converted 2>&1");
  EXPECT_EQ(followup.exit_code, 1) << followup.output;
  EXPECT_THAT(followup.output, AllOf(StartsWith("leadctl: RecordFollowUp failed: "
                                                "FAILED_PRECONDITION: "),
                                     HasSubstr("LEAD_NOT_QUALIFIED")));
  followup = Leadctl("followup L1 --channel phone --outcome maybe 2>&1");
  EXPECT_EQ(followup.exit_code, 2) << followup.output;
  followup = Leadctl("followup L1 --channel pigeon 2>&1");
  EXPECT_EQ(followup.exit_code, 2) << followup.output;
  EXPECT_THAT(followup.output, HasSubstr("followup.channel_name"));

  const CommandResult listed = Leadctl("followups L1");
  ASSERT_EQ(listed.exit_code, 0) << listed.output;
  EXPECT_THAT(listed.output, AllOf(StartsWith("CONTACTED"), HasSubstr("reached"),
                                   HasSubstr("contacted"), HasSubstr("ok")));

  CommandResult leads = Leadctl("leads --state contacted --format json");
  ASSERT_EQ(leads.exit_code, 0) << leads.output;
  nlohmann::json json = nlohmann::json::parse(leads.output);
  ASSERT_EQ(json["leads"].size(), 1u);
  EXPECT_EQ(json["leads"][0]["name"], "leads/L1");
  leads = Leadctl("leads --source referral");
  ASSERT_EQ(leads.exit_code, 0) << leads.output;
  EXPECT_THAT(leads.output, AllOf(StartsWith("LEAD"), HasSubstr("L2"), Not(HasSubstr("L1 "))));
  leads = Leadctl("leads --state maybe 2>&1");
  EXPECT_EQ(leads.exit_code, 2) << leads.output;
  leads = Leadctl("leads --since yesterday 2>&1");
  EXPECT_EQ(leads.exit_code, 2) << leads.output;

  CommandResult close = Leadctl("close L1 --won --value 900 --actor crm --reason signed");
  ASSERT_EQ(close.exit_code, 0) << close.output;
  EXPECT_THAT(close.output,
              AllOf(HasSubstr("state       converted\n"), HasSubstr("resolution  won\n")));
  close = Leadctl("close L1 --lost --actor crm --reason 'changed mind' 2>&1");
  EXPECT_EQ(close.exit_code, 1) << close.output;
  EXPECT_THAT(close.output, HasSubstr("LEAD_CLOSED"));
  close = Leadctl("close L2 --won --lost --actor crm --reason r 2>&1");
  EXPECT_EQ(close.exit_code, 2) << close.output;
  close = Leadctl("close L2 --disqualified --actor crm --reason spam --format json");
  ASSERT_EQ(close.exit_code, 0) << close.output;
  json = nlohmann::json::parse(close.output);
  EXPECT_EQ(json["lead"]["state"], "LEAD_STATE_LOST");
  EXPECT_EQ(json["lead"]["closeResolution"], "CLOSE_RESOLUTION_DISQUALIFIED");

  leads = Leadctl("leads --state converted --state lost");
  ASSERT_EQ(leads.exit_code, 0) << leads.output;
  EXPECT_THAT(leads.output, AllOf(HasSubstr("L1"), HasSubstr("L2"), HasSubstr("converted")));
}

TEST_F(LeadctlServerTest, AssignExitsOneWhenNobodyGetsTheLead) {
  // No reps at all: the decision is a result, "unassigned", and leadctl says no.
  const CommandResult result = Leadctl("assign --id L9 --field quality=50");
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_THAT(result.output, HasSubstr("L9    unassigned: no eligible rep"));
}

TEST_F(LeadctlServerTest, RulesPushGetVersionsDiffRollback) {
  const std::string original = ExamplePath("rules/quick-start.rules");
  CommandResult get = Leadctl("rules get");
  ASSERT_EQ(get.exit_code, 0) << get.output;
  EXPECT_EQ(get.output, ReadFile(original));

  // Pushing the same source again changes nothing.
  CommandResult push = Leadctl("rules push " + original + " --author maria --message same");
  ASSERT_EQ(push.exit_code, 0) << push.output;
  EXPECT_THAT(push.output, StartsWith("unchanged: version 1 is already active"));

  // A rejected push prints exactly what `leadctl check` prints, and exits 1.
  const std::string broken = dir_.Child("broken.rules");
  std::ofstream(broken) << "rule \"hot\"\n  when qualty >= 80\n  require level >= 2\n";
  push = Leadctl("rules push " + broken + " --author maria --message typo");
  const CommandResult check =
      RunCommand(std::string(LEADCTL_PATH) + " check " + broken + " 2>/dev/null");
  EXPECT_EQ(push.exit_code, 1);
  EXPECT_EQ(check.exit_code, 1);
  EXPECT_EQ(push.output, check.output);
  // What the checker says of the misspelt name (tests/dsl/golden/check_unknown_name.expected).
  EXPECT_THAT(push.output,
              AllOf(HasSubstr(broken + ":2:8: error: unknown name `qualty` [unknown-name]\n"),
                    HasSubstr("^~~~~~")));
  push = Leadctl("rules push " + broken + " --author maria --message typo 2>&1 >/dev/null");
  EXPECT_THAT(push.output, StartsWith("leadctl: Publish failed: INVALID_ARGUMENT: "));
  push = Leadctl("rules push " + broken + " --author maria --message typo --format json");
  EXPECT_EQ(push.exit_code, 1);
  const nlohmann::json pushed = nlohmann::json::parse(push.output);
  ASSERT_FALSE(pushed.empty()) << push.output;
  EXPECT_EQ(pushed[0]["code"], "unknown-name");
  EXPECT_EQ(pushed,
            nlohmann::json::parse(RunCommand(std::string(LEADCTL_PATH) + " check --format json " +
                                             broken + " 2>/dev/null")
                                      .output));

  // A real change: version 2, and the diffs show it.
  std::string changed_text = ReadFile(original);
  changed_text.replace(changed_text.find("cap 35/day"), 10, "cap 40/day");
  const std::string changed = dir_.Child("changed.rules");
  std::ofstream(changed) << changed_text;
  CommandResult diff = Leadctl("rules diff " + changed);
  EXPECT_EQ(diff.exit_code, 1) << diff.output;
  EXPECT_THAT(diff.output, StartsWith("--- rules/versions/1\n+++ " + changed + "\n@@ -"));
  EXPECT_THAT(diff.output, AllOf(HasSubstr("\n-  cap 35/day\n+  cap 40/day\n")));

  push = Leadctl("rules push " + changed +
                 " --author maria --message 'more big deals' --expect-version 1");
  ASSERT_EQ(push.exit_code, 0) << push.output;
  EXPECT_THAT(push.output, StartsWith("published version 2: 6 rules, sha256:"));
  push =
      Leadctl("rules push " + original + " --author maria --message stale --expect-version 1 2>&1");
  EXPECT_EQ(push.exit_code, 1);
  EXPECT_THAT(push.output, StartsWith("leadctl: Publish failed: ABORTED: "));

  diff = Leadctl("rules diff");  // the active version against the one before it
  EXPECT_EQ(diff.exit_code, 1);
  EXPECT_THAT(diff.output, StartsWith("--- rules/versions/1\n+++ rules/versions/2\n"));
  EXPECT_THAT(diff.output, HasSubstr("\n-  cap 35/day\n+  cap 40/day\n"));
  diff = Leadctl("rules diff " + changed);
  EXPECT_EQ(diff.exit_code, 0);
  EXPECT_EQ(diff.output, "");

  CommandResult versions = Leadctl("rules versions");
  ASSERT_EQ(versions.exit_code, 0) << versions.output;
  EXPECT_THAT(versions.output, StartsWith("VERSION  ACTIVE  PUBLISHED"));
  EXPECT_THAT(versions.output, HasSubstr("more big deals"));
  EXPECT_LT(versions.output.find("\n2 "), versions.output.find("\n1 "));

  const CommandResult rollback =
      Leadctl("rules rollback 1 --actor maria --reason 'too many big deals'");
  ASSERT_EQ(rollback.exit_code, 0) << rollback.output;
  EXPECT_EQ(rollback.output,
            "rolled back: version 3 is active now, with the source of version 1 (was version 2)\n");
  diff = Leadctl("rules diff 1 3");
  EXPECT_EQ(diff.exit_code, 0) << diff.output;
  get = Leadctl("rules get 2");
  EXPECT_EQ(get.output, changed_text);
  get = Leadctl("rules get --info");
  ASSERT_EQ(get.exit_code, 0) << get.output;
  EXPECT_THAT(get.output, AllOf(HasSubstr("version    3 (active)"), HasSubstr("restores   1"),
                                HasSubstr("\"big deals\""), HasSubstr("balanced(quality)")));

  const CommandResult missing = Leadctl("rules get 42 2>&1");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.output, StartsWith("leadctl: GetRules failed: NOT_FOUND: "));
  const CommandResult nonsense = Leadctl("rules diff nonsense-file.rules 2>&1");
  EXPECT_EQ(nonsense.exit_code, 2);
}

TEST_F(LeadctlServerTest, AdminBackupWritesADatabaseDirectory) {
  AddExampleReps();
  ASSERT_EQ(Leadctl("assign --id L1 --field quality=50").exit_code, 0);
  const std::string target = dir_.Child("backup");
  CommandResult backup = Leadctl("admin backup " + target);
  ASSERT_EQ(backup.exit_code, 0) << backup.output;
  EXPECT_THAT(backup.output, StartsWith("backup written to " + target + " (as of "));
  EXPECT_THAT(backup.output, HasSubstr("rule version 1)"));
  EXPECT_TRUE(std::filesystem::exists(target + "/CURRENT"));
  backup = Leadctl("admin backup " + target + " 2>&1");
  EXPECT_EQ(backup.exit_code, 1);
  EXPECT_THAT(backup.output, StartsWith("leadctl: Backup failed: ALREADY_EXISTS: "));
}

// A server whose write-ahead log is damaged in its middle refuses to start and names the way out;
// `leadctl admin salvage` copies every change before the damage, lists each readable one it
// dropped, leaves the damaged directory as it was, and the copy serves what it kept.
TEST_F(LeadctlServerTest, AdminSalvageKeepsWhatPrecedesADamagedLogAndListsWhatItDrops) {
  AddExampleReps();
  constexpr int kLeads = 300;  // each its own commit, all in the write-ahead log
  for (int i = 0; i < kLeads; ++i) {
    v1::AssignResponse response;
    const v1::AssignRequest request = ::leadrouter::testing::AssignOf(
        ::leadrouter::testing::MakeLead("S" + std::to_string(i), "web", 50));
    ASSERT_TRUE(server_
                    ->Call([&](grpc::ClientContext* c) {
                      return server_->assignments().Assign(c, request, &response);
                    })
                    .ok());
  }
  server_->Shutdown();
  const std::string db = server_->db_path();
  std::filesystem::path wal;
  for (const auto& entry : std::filesystem::directory_iterator(db)) {
    if (entry.path().extension() == ".log" &&
        (wal.empty() || entry.file_size() > std::filesystem::file_size(wal))) {
      wal = entry.path();
    }
  }
  ASSERT_FALSE(wal.empty());
  {
    std::fstream io(wal, std::ios::in | std::ios::out | std::ios::binary);
    const auto middle = static_cast<std::streamoff>(std::filesystem::file_size(wal) / 2);
    std::string bytes(64, '\0');
    io.seekg(middle);
    io.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    for (char& byte : bytes) byte = static_cast<char>(byte ^ 0xFF);
    io.seekp(middle);
    io.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }

  server::ServerOptions options;
  options.listen_address = "127.0.0.1:0";
  options.db_path = db;
  absl::StatusOr<std::unique_ptr<server::Server>> refused = server::Server::Start(options);
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(refused.status().message(),
              AllOf(HasSubstr(wal.filename().string()), HasSubstr("leadctl admin salvage")));

  const std::string target = dir_.Child("salvaged");
  const std::string salvage = std::string(LEADCTL_PATH) + " admin salvage " + db + " ";
  const CommandResult result = RunCommand(salvage + target);
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_THAT(result.output, AllOf(HasSubstr("damage: "), HasSubstr(wal.filename().string()),
                                   HasSubstr("kept every change through audit sequence "),
                                   HasSubstr("start the server with --db " + target)));
  int dropped = 0;
  std::istringstream lines(result.output);
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with("dropped: ")) continue;
    ++dropped;
    const nlohmann::json audit = nlohmann::json::parse(line.substr(9));
    EXPECT_EQ(audit["action"], "lead.assign") << line;
  }
  EXPECT_GT(dropped, 0) << result.output;
  // A second salvage into the same target is refused (1); the damaged source is still there.
  EXPECT_EQ(RunCommand(salvage + target + " 2>&1").exit_code, 1);

  options.db_path = target;
  absl::StatusOr<std::unique_ptr<server::Server>> copy = server::Server::Start(options);
  ASSERT_OK(copy);
  const std::string copy_address = "127.0.0.1:" + std::to_string((*copy)->port());
  const CommandResult first =
      RunCommand(std::string(LEADCTL_PATH) + " lead S0 --server " + copy_address);
  EXPECT_EQ(first.exit_code, 0) << first.output;
  const CommandResult last =
      RunCommand(std::string(LEADCTL_PATH) + " lead S" + std::to_string(kLeads - 1) + " --server " +
                 copy_address + " 2>&1");
  EXPECT_EQ(last.exit_code, 1) << "the last lead was after the damage: " << last.output;
}

// Backup, restore into a new directory, serve the copy: it answers as the original did, and what
// it answers is what the original's Assign replies said (a copy that lost or garbled the data
// cannot pass by failing the same way twice).
TEST_F(LeadctlServerTest, AdminRestorePutsABackupInPlaceThatServesTheSameData) {
  AddExampleReps();
  std::map<std::string, nlohmann::json> assigned;  // lead -> the Assign reply's assignment
  for (const std::string id : {"L1", "L2", "L3"}) {
    const CommandResult assign = Leadctl("assign --id " + id + " --field quality=70 --format json");
    ASSERT_EQ(assign.exit_code, 0) << assign.output;
    assigned[id] = nlohmann::json::parse(assign.output)["assignment"];
    ASSERT_EQ(assigned[id]["outcome"], "OUTCOME_ASSIGNED") << assign.output;
  }
  const std::string backup = dir_.Child("backup");
  ASSERT_EQ(Leadctl("admin backup " + backup).exit_code, 0);
  // Changes after the backup are not in it.
  ASSERT_EQ(Leadctl("assign --id L4 --field quality=70").exit_code, 0);

  const std::string restored = dir_.Child("restored");
  const std::string restore = std::string(LEADCTL_PATH) + " admin restore " + backup + " --db ";
  CommandResult result = RunCommand(restore + restored);
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_THAT(result.output, HasSubstr("start the server with --db " + restored));
  result = RunCommand(restore + restored + " 2>&1");
  EXPECT_EQ(result.exit_code, 1) << "the target is not empty any more: " << result.output;
  EXPECT_EQ(RunCommand(restore + dir_.Child("elsewhere") + " 2>&1").exit_code, 0);
  EXPECT_EQ(RunCommand(std::string(LEADCTL_PATH) + " admin restore " + dir_.Child("nothing") +
                       " --db " + dir_.Child("x") + " 2>&1")
                .exit_code,
            2);

  server::ServerOptions options;
  options.listen_address = "127.0.0.1:0";
  options.db_path = restored;
  absl::StatusOr<std::unique_ptr<server::Server>> copy = server::Server::Start(options);
  ASSERT_OK(copy);
  const std::string copy_address = "127.0.0.1:" + std::to_string((*copy)->port());
  const auto on_copy = [&](const std::string& args) {
    return RunCommand(std::string(LEADCTL_PATH) + " " + args + " --server " + copy_address);
  };
  for (const std::string id : {"L1", "L2", "L3"}) {
    const nlohmann::json& entry = assigned[id];
    const std::string rep = entry["rep"];
    // The copy's history of the lead is the one entry Assign made, with its owner.
    const CommandResult history_json = on_copy("history " + id + " --assignments --format json");
    ASSERT_EQ(history_json.exit_code, 0) << history_json.output;
    const nlohmann::json history = nlohmann::json::parse(history_json.output)["assignments"];
    ASSERT_EQ(history.size(), 1u) << id << ": " << history_json.output;
    EXPECT_EQ(history[0]["name"], entry["name"]) << id;
    EXPECT_EQ(history[0]["rep"], entry["rep"]) << id;
    const CommandResult history_text = on_copy("history " + id);
    ASSERT_EQ(history_text.exit_code, 0) << history_text.output;
    EXPECT_THAT(history_text.output, AllOf(StartsWith("TIME"), HasSubstr(rep.substr(5))));
    EXPECT_EQ(history_text.output, Leadctl("history " + id).output) << id;

    const CommandResult lead = on_copy("lead " + id + " --format json");
    ASSERT_EQ(lead.exit_code, 0) << lead.output;
    const nlohmann::json stored = nlohmann::json::parse(lead.output);
    EXPECT_EQ(stored["lead"]["owner"], entry["rep"]) << id;
    EXPECT_EQ(stored["lead"]["quality"], 70) << id;
    // As JSON values: the order of a map's keys in the text is not part of the answer.
    EXPECT_EQ(stored, nlohmann::json::parse(Leadctl("lead " + id + " --format json").output)) << id;
  }
  EXPECT_EQ(on_copy("lead L4 2>&1").exit_code, 1) << "L4 came after the backup";
  // One rule version, the one the server started with.
  const CommandResult versions = on_copy("rules versions");
  ASSERT_EQ(versions.exit_code, 0) << versions.output;
  EXPECT_THAT(versions.output, AllOf(StartsWith("VERSION  ACTIVE  PUBLISHED"), HasSubstr("\n1 "),
                                     Not(HasSubstr("\n2 "))));
  EXPECT_EQ(versions.output, Leadctl("rules versions").output);
}

TEST(LeadctlUnreachableTest, EveryServerCommandExitsTwo) {
  for (const std::string command :
       {"assign --id L1 --field quality=5", "lead L1", "history", "history L1", "watch",
        "explain L1", "leads", "followup L1 --channel phone", "followups L1",
        "close L1 --won --actor a --reason r", "rules get", "rules versions", "reps list",
        "admin backup /tmp/leadctl-never"}) {
    const CommandResult result = RunCommand(std::string(LEADCTL_PATH) + " " + command +
                                            " --server 127.0.0.1:1 --timeout 2 2>&1");
    EXPECT_EQ(result.exit_code, 2) << command << ": " << result.output;
    EXPECT_THAT(result.output, AllOf(StartsWith("leadctl: "), HasSubstr(" failed: UNAVAILABLE: ")))
        << command;
  }
}

// leadctl against a server with tokens: the token from LEADROUTER_TOKEN or --token-file, and a
// precise refusal without one.
TEST(LeadctlAuthTest, SendsTheTokenFromTheEnvironmentOrAFile) {
  TempDir dir;
  const std::string tokens = dir.Child("tokens");
  std::ofstream(tokens) << server::auth::TokenHash("tok-viewer") << " bob viewer\n";
  const std::string token_file = dir.Child("my-token");
  std::ofstream(token_file) << "tok-viewer\n";
  HarnessOptions options;
  options.configure = [&](server::ServerOptions& o) { o.security.auth_tokens_file = tokens; };
  ServerHarness server(options);
  ASSERT_OK(server.status());
  const std::string reps = std::string(LEADCTL_PATH) + " reps list --server " + server.address();

  const CommandResult without = RunCommand("env -u LEADROUTER_TOKEN " + reps + " 2>&1");
  EXPECT_EQ(without.exit_code, 2) << without.output;
  EXPECT_THAT(without.output, HasSubstr("UNAUTHENTICATED"));
  EXPECT_EQ(RunCommand("LEADROUTER_TOKEN=tok-viewer " + reps + " 2>&1").exit_code, 0);
  const CommandResult from_file =
      RunCommand("env -u LEADROUTER_TOKEN " + reps + " --token-file " + token_file + " 2>&1");
  EXPECT_EQ(from_file.exit_code, 0) << from_file.output;
  EXPECT_THAT(from_file.output, Not(HasSubstr("tok-viewer")));
}

// Every lead of these rules waits for review: leadctl review approves, rejects to a named rep,
// and refuses what the server refuses (exit 1) or what is unusable (exit 2).
class LeadctlReviewTest : public LeadctlServerTest {
 protected:
  void SetUp() override {
    HarnessOptions options;
    options.rules = "rule \"all\" when true review\n";
    server_ = std::make_unique<ServerHarness>(options);
    ASSERT_OK(server_->status());
  }
};

TEST_F(LeadctlReviewTest, ApproveAndRejectAProposal) {
  AddExampleReps();
  CommandResult assign = Leadctl("assign --id R1 --field quality=50");
  ASSERT_EQ(assign.exit_code, 0) << assign.output;
  EXPECT_THAT(assign.output, HasSubstr("pending"));
  assign = Leadctl("assign --id R2 --field quality=50");
  ASSERT_EQ(assign.exit_code, 0) << assign.output;

  CommandResult review = Leadctl("review R1 --approve --actor mia");
  ASSERT_EQ(review.exit_code, 0) << review.output;
  EXPECT_THAT(review.output,
              AllOf(HasSubstr("state       open\n"), HasSubstr("kind        review\n"),
                    HasSubstr("approved by mia")));
  review = Leadctl("review R1 --approve --actor mia 2>&1");
  EXPECT_EQ(review.exit_code, 1) << review.output;
  EXPECT_THAT(review.output, HasSubstr("NOT_PENDING_REVIEW"));

  review = Leadctl("review R2 --reject --to ana --force --actor mia --reason 'knows the account'");
  ASSERT_EQ(review.exit_code, 0) << review.output;
  EXPECT_THAT(review.output,
              AllOf(HasSubstr("owner       ana\n"), HasSubstr("kind        manual\n")));

  review = Leadctl("review R2 --approve --reject --actor mia 2>&1");
  EXPECT_EQ(review.exit_code, 2) << review.output;
  review = Leadctl("review R2 --reject --actor mia 2>&1");
  EXPECT_EQ(review.exit_code, 2) << review.output;
  EXPECT_THAT(review.output, HasSubstr("reason"));
}

// Every lead of these rules gets a follow-up plan: leadctl tasks lists the owner's tasks, a
// follow-up on the channel completes one, and bad flags are unusable input (exit 2).
class LeadctlTasksTest : public LeadctlServerTest {
 protected:
  void SetUp() override {
    HarnessOptions options;
    options.rules = "rule \"all\" when true followup phone within 1h, email within 1d\n";
    server_ = std::make_unique<ServerHarness>(options);
    ASSERT_OK(server_->status());
  }
};

TEST_F(LeadctlTasksTest, ListsTasksSoonestFirstAndAFollowUpCompletesOne) {
  AddExampleReps();
  const CommandResult assign = Leadctl("assign --id T1 --field quality=50");
  ASSERT_EQ(assign.exit_code, 0) << assign.output;
  CommandResult tasks = Leadctl("tasks --lead T1");
  ASSERT_EQ(tasks.exit_code, 0) << tasks.output;
  EXPECT_THAT(tasks.output,
              AllOf(StartsWith("TASK"), HasSubstr("phone"), HasSubstr("email"), HasSubstr("open")));
  EXPECT_LT(tasks.output.find("phone"), tasks.output.find("email")) << "soonest due first";

  const CommandResult followup = Leadctl("followup T1 --channel phone --outcome reached");
  ASSERT_EQ(followup.exit_code, 0) << followup.output;
  tasks = Leadctl("tasks --lead T1 --format json");
  ASSERT_EQ(tasks.exit_code, 0) << tasks.output;
  nlohmann::json json = nlohmann::json::parse(tasks.output);
  ASSERT_EQ(json["tasks"].size(), 1u);
  EXPECT_EQ(json["tasks"][0]["channelName"], "email");
  tasks = Leadctl("tasks --lead T1 --state done");
  ASSERT_EQ(tasks.exit_code, 0) << tasks.output;
  EXPECT_THAT(tasks.output, AllOf(HasSubstr("phone"), HasSubstr("done"), Not(HasSubstr("email"))));

  tasks = Leadctl("tasks --state later 2>&1");
  EXPECT_EQ(tasks.exit_code, 2) << tasks.output;
  EXPECT_THAT(tasks.output, HasSubstr("--state later"));
  tasks = Leadctl("tasks --due-before tomorrow 2>&1");
  EXPECT_EQ(tasks.exit_code, 2) << tasks.output;
}

}  // namespace
}  // namespace leadrouter::leadctl
