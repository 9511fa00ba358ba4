// Every example under examples/rules/ does what its header comment claims, run through the library
// dry run on the example roster and leads.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "dsl/base/source.h"
#include "dsl/compile/compiler.h"
#include "dsl/data/dataset.h"
#include "dsl/decision/dry_run.h"
#include "status_matchers.h"

namespace leadrouter::dsl {
namespace {

const std::string kRoot = LEADROUTER_SOURCE_DIR;

std::shared_ptr<const Program> CompileExample(const std::string& name) {
  absl::StatusOr<SourceFile> source = ReadSourceFile(kRoot + "/examples/rules/" + name);
  if (!source.ok()) {
    ADD_FAILURE() << source.status();
    return nullptr;
  }
  CompileResult result = Compile(*source);
  EXPECT_NE(result.program, nullptr) << RenderText(*source, result.diagnostics);
  return result.program;
}

std::vector<RepInfo> ExampleReps() {
  absl::StatusOr<std::vector<RepInfo>> reps = ReadRepsFile(kRoot + "/examples/reps.csv");
  EXPECT_TRUE(reps.ok()) << reps.status();
  return reps.ok() ? *reps : std::vector<RepInfo>{};
}

const std::vector<LeadRow>& XEducationLeads() {
  static const std::vector<LeadRow> leads = [] {
    absl::StatusOr<std::vector<LeadRow>> rows =
        ReadLeadsFile(kRoot + "/examples/data/leads-x-education.csv", absl::UTCTimeZone());
    EXPECT_TRUE(rows.ok()) << rows.status();
    return rows.ok() ? *rows : std::vector<LeadRow>{};
  }();
  return leads;
}

const std::vector<LeadRow>& DealLeads() {
  static const std::vector<LeadRow> leads = [] {
    absl::StatusOr<std::vector<LeadRow>> rows =
        ReadLeadsFile(kRoot + "/examples/leads-deals.csv", absl::UTCTimeZone());
    EXPECT_TRUE(rows.ok()) << rows.status();
    return rows.ok() ? *rows : std::vector<LeadRow>{};
  }();
  return leads;
}

DryRunResult DryRunExample(const std::shared_ptr<const Program>& program,
                           const std::vector<LeadRow>& leads,
                           std::vector<RepInfo> reps = ExampleReps()) {
  if (program == nullptr) return {};
  absl::StatusOr<DryRunResult> result = RunDryRun(program, std::move(reps), leads, {});
  EXPECT_TRUE(result.ok()) << result.status();
  return result.ok() ? *std::move(result) : DryRunResult{};
}

std::optional<double> Number(const LeadRow& lead, const std::string& name) {
  for (const Attribute& a : lead.attributes) {
    if (a.name == name) {
      if (const double* d = std::get_if<double>(&a.value)) return *d;
    }
  }
  return std::nullopt;
}

std::string Text(const LeadRow& lead, const std::string& name) {
  for (const Attribute& a : lead.attributes) {
    if (a.name == name) {
      if (const std::string* s = std::get_if<std::string>(&a.value)) return *s;
    }
  }
  return "";
}

const RepInfo& FindRep(const std::vector<RepInfo>& reps, const std::string& id) {
  for (const RepInfo& rep : reps) {
    if (rep.id == id) return rep;
  }
  static const RepInfo kNone;
  return kNone;
}

double Skill(const RepInfo& rep, const std::string& skill) {
  for (const Attribute& a : rep.attributes) {
    if (a.name != "skills") continue;
    for (const auto& [name, level] : std::get<SkillMap>(a.value)) {
      if (name == skill) return level;
    }
  }
  return 0;
}

double Level(const RepInfo& rep) {
  for (const Attribute& a : rep.attributes) {
    if (a.name == "level") return std::get<double>(a.value);
  }
  return 0;
}

TEST(Examples, XEducationLeadsLoad) {
  EXPECT_EQ(XEducationLeads().size(), 9237u);
  EXPECT_FALSE(DealLeads().empty());
}

TEST(Examples, AwayAndOffRepsNeverReceive) {
  const DryRunResult result = DryRunExample(CompileExample("quick-start.rules"), XEducationLeads());
  for (const DryRunRep& rep : result.reps) {
    if (rep.status != RepStatus::kActive) {
      EXPECT_EQ(rep.count, 0) << rep.id;
    }
  }
  EXPECT_GT(result.summary.assigned, 0u);
}

TEST(Examples, BalancedQualityBeatsRoundRobinOnQualityGini) {
  const DryRunResult balanced =
      DryRunExample(CompileExample("balanced-quality.rules"), XEducationLeads());
  SourceFile rr_source("rr.rules", "rule \"inside team\" when true team \"inside\"\n");
  const CompileResult rr = Compile(rr_source);
  ASSERT_NE(rr.program, nullptr);
  const DryRunResult round_robin = DryRunExample(rr.program, XEducationLeads());
  EXPECT_EQ(balanced.summary.eligible_reps, 3u);
  EXPECT_EQ(balanced.summary.assigned, XEducationLeads().size());
  EXPECT_LT(balanced.summary.gini_quality, round_robin.summary.gini_quality);
  EXPECT_LT(balanced.summary.gini_quality, 0.01);
}

TEST(Examples, SkillMatching) {
  const std::vector<RepInfo> reps = ExampleReps();
  const DryRunResult result =
      DryRunExample(CompileExample("skill-matching.rules"), XEducationLeads(), reps);
  size_t checked = 0;
  for (const DryRunLead& lead : result.leads) {
    const std::string industry = Text(XEducationLeads()[lead.row], "industry");
    const RepInfo& rep = FindRep(reps, result.reps[static_cast<size_t>(lead.rep)].id);
    if (industry == "IT Projects Management" || industry == "E-COMMERCE" ||
        industry == "E-Business") {
      EXPECT_GE(Skill(rep, "tech"), 3) << rep.id;
      ++checked;
    }
    if (industry == "Finance Management" || industry == "Banking, Investment And Insurance") {
      EXPECT_GE(Skill(rep, "finance"), 3) << rep.id;
      ++checked;
    }
  }
  EXPECT_GT(checked, 1000u);
  EXPECT_EQ(result.summary.assigned, XEducationLeads().size());
}

TEST(Examples, NoHighValueLeadToNovices) {
  const std::vector<RepInfo> reps = ExampleReps();
  const DryRunResult result = DryRunExample(CompileExample("no-novices.rules"), DealLeads(), reps);
  size_t big = 0;
  for (const DryRunLead& lead : result.leads) {
    const std::optional<double> value = Number(DealLeads()[lead.row], "value");
    if (!value || *value < 1'000'000) continue;
    ++big;
    ASSERT_GE(lead.rep, 0);
    EXPECT_GE(Level(FindRep(reps, result.reps[static_cast<size_t>(lead.rep)].id)), 3);
  }
  EXPECT_GT(big, 10u);
}

TEST(Examples, CapsHoldPerDay) {
  const DryRunResult result = DryRunExample(CompileExample("caps.rules"), XEducationLeads());
  std::map<std::pair<std::string, int64_t>, int> per_day;
  for (const DryRunLead& lead : result.leads) {
    if (lead.rep < 0) continue;
    ++per_day[{result.reps[static_cast<size_t>(lead.rep)].id, lead.time / 86400}];
  }
  for (const auto& [key, count] : per_day) {
    EXPECT_LE(count, 25) << key.first;
    if (key.first == "dara") {
      EXPECT_LE(count, 30);
    }
    if (key.first == "gus") {
      EXPECT_LE(count, 10);
    }
  }
  EXPECT_GT(result.summary.total - result.summary.assigned, 0u);
  EXPECT_EQ(result.summary
                .unassigned_by_reason[static_cast<size_t>(UnassignedReason::kOtherwiseUnassigned)],
            result.summary.total - result.summary.assigned);
}

TEST(Examples, NewcomerGetsMidQualityLeadsEveryDay) {
  const DryRunResult result =
      DryRunExample(CompileExample("newcomer-share.rules"), XEducationLeads());
  std::map<int64_t, int> gus_per_day;
  std::set<int64_t> days;
  for (const DryRunLead& lead : result.leads) {
    days.insert(lead.time / 86400);
    if (lead.rep < 0 || result.reps[static_cast<size_t>(lead.rep)].id != "gus") continue;
    ++gus_per_day[lead.time / 86400];
    const std::optional<double> quality = Number(XEducationLeads()[lead.row], "quality");
    ASSERT_TRUE(quality.has_value());
    EXPECT_GE(*quality, 40);
    EXPECT_LT(*quality, 80);
  }
  EXPECT_EQ(gus_per_day.size(), days.size());
  for (const auto& [day, count] : gus_per_day) EXPECT_LE(count, 10);
}

TEST(Examples, FallbackAssignsEveryLead) {
  const std::vector<RepInfo> reps = ExampleReps();
  const DryRunResult result = DryRunExample(CompileExample("fallback.rules"), DealLeads(), reps);
  EXPECT_EQ(result.summary.assigned, DealLeads().size());
  EXPECT_GT(result.summary.rule_hits[0], 0u);
  EXPECT_GT(result.summary.rule_hits.back(), 0u);
  for (const DryRunLead& lead : result.leads) {
    if (lead.rule != 0) continue;
    const RepInfo& rep = FindRep(reps, result.reps[static_cast<size_t>(lead.rep)].id);
    std::string region;
    for (const Attribute& a : rep.attributes) {
      if (a.name == "region") region = std::get<std::string>(a.value);
    }
    EXPECT_EQ(region, Text(DealLeads()[lead.row], "region"));
  }
}

TEST(Examples, QuickStartIsDeterministic) {
  const DryRunResult one = DryRunExample(CompileExample("quick-start.rules"), XEducationLeads());
  const DryRunResult two = DryRunExample(CompileExample("quick-start.rules"), XEducationLeads());
  ASSERT_EQ(one.leads.size(), two.leads.size());
  for (size_t i = 0; i < one.leads.size(); ++i) {
    EXPECT_EQ(one.leads[i].rep, two.leads[i].rep);
    EXPECT_EQ(one.leads[i].rule, two.leads[i].rule);
  }
  EXPECT_EQ(one.summary.assigned, XEducationLeads().size());
}

}  // namespace
}  // namespace leadrouter::dsl
