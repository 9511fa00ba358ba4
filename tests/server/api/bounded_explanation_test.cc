// The explanation stored with every assignment is bounded (DecideOptions::bound): its serialized
// size does not grow with the roster (issue #10: <= 1 KB at 100 reps, <= 2 KB at 10,000), it keeps
// the decisive facts, and each rep it lists has exactly the trace the full explanation gives it.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "google/protobuf/util/message_differencer.h"
#include "server/api/explanation_proto.h"
#include "storage/assignment_store.h"
#include "tests/dsl/decision/decision_testing.h"

namespace leadrouter::testing {
namespace {

namespace v1 = leadrouter::v1;
using dsl::testing::Router;
using google::protobuf::util::MessageDifferencer;

// A rule for a team with a require, a cap and a prefer key, and a general one after it.
constexpr char kRules[] = R"(rule "enterprise"
  when quality >= 90
  team "enterprise"
  require level >= 3
  cap 2/day
  prefer level
  distribute least_loaded

rule "general"
  when true
  require level >= 1
  cap 5/day
  distribute round_robin
)";

// `n` reps rep-00000..: every other one in the enterprise team, levels 0..5, every tenth away and
// every tenth (another one) off.
std::vector<dsl::RepInfo> Reps(int n) {
  std::vector<dsl::RepInfo> reps;
  for (int i = 0; i < n; ++i) {
    dsl::RepInfo rep =
        dsl::testing::Rep(absl::StrFormat("rep-%05d", i), {{"level", static_cast<double>(i % 6)}});
    rep.name = absl::StrFormat("Rep %d", i);
    if (i % 2 == 0) rep.team = "enterprise";
    if (i % 10 == 3) rep.status = dsl::RepStatus::kAway;
    if (i % 10 == 7) rep.status = dsl::RepStatus::kOff;
    reps.push_back(std::move(rep));
  }
  return reps;
}

struct Explained {
  dsl::Decision decision;
  v1::Explanation proto;
};

Explained Decide(Router& router, double quality, std::optional<dsl::ExplanationBound> bound,
                 uint64_t sequence) {
  dsl::DecideOptions options;
  options.bound = bound;
  options.rule_version = 3;
  options.lead_id = "acme-1";
  options.max_explained_candidates = 1'000'000;
  dsl::DecisionWorkspace workspace;
  const dsl::Record lead = router.program().BindLead({{"quality", quality}, {"source", "web"}});
  absl::StatusOr<dsl::Decision> d = dsl::Decide(
      router.program(), lead, router.roster(), router.state(),
      dsl::DecisionTime{router.now(), sequence}, dsl::PeriodCalendar(), options, workspace);
  EXPECT_TRUE(d.ok()) << d.status();
  Explained out{*std::move(d), {}};
  const dsl::SourceFile source("rules.rules", kRules);
  out.proto = server::ToExplanationProto(out.decision.explanation, source);
  // What the server stores besides: the assignment's name and the lead as the rules saw it.
  out.proto.set_assignment("leads/acme-1/assignments/00000000000003e8");
  out.proto.mutable_lead_snapshot()->set_name("leads/acme-1");
  out.proto.mutable_lead_snapshot()->set_quality(quality);
  out.proto.mutable_lead_snapshot()->set_source("web");
  return out;
}

// `leads` leads of each kind, so that caps and turns have counts.
void Load(Router& router, int leads) {
  for (int i = 0; i < leads; ++i) {
    router.Assign({{"quality", 95.0}});
    router.Assign({{"quality", 50.0}});
  }
}

class BoundedExplanationTest : public ::testing::TestWithParam<std::pair<int, size_t>> {};

TEST_P(BoundedExplanationTest, StaysSmallAndKeepsTheDecisiveFacts) {
  const auto [n, max_bytes] = GetParam();
  Router router(kRules, Reps(n));
  Load(router, 30);
  for (const double quality : {95.0, 50.0}) {
    SCOPED_TRACE(quality);
    const Explained bounded = Decide(router, quality, dsl::ExplanationBound{}, 1000);
    const Explained full = Decide(router, quality, std::nullopt, 1000);
    // What is stored: the ranges without their file name (storage/assignment_store.h).
    v1::Explanation stored = bounded.proto;
    storage::StripRangeFiles(stored);
    EXPECT_LE(stored.ByteSizeLong(), max_bytes) << stored.DebugString();
    RecordProperty(absl::StrCat("stored_bytes_", n, "_q", quality), stored.ByteSizeLong());
    EXPECT_EQ(bounded.decision.rep_id, full.decision.rep_id);
    EXPECT_EQ(bounded.proto.rep(), full.proto.rep());
    EXPECT_TRUE(bounded.proto.truncated());
    ASSERT_EQ(bounded.proto.rules_size(), full.proto.rules_size());
    for (int r = 0; r < full.proto.rules_size(); ++r) {
      const v1::RuleTrace& b = bounded.proto.rules(r);
      const v1::RuleTrace& f = full.proto.rules(r);
      SCOPED_TRACE(f.rule().name());
      // The counts are complete: every rep of the roster, per reason as the full list has them.
      EXPECT_EQ(b.candidate_count(), f.candidate_count());
      EXPECT_EQ(b.message(), f.message());
      if (f.result() == v1::RULE_RESULT_NOT_MATCHED) continue;
      EXPECT_EQ(f.candidates_size(), n);
      std::map<v1::RemovalReason, int> removed;
      std::map<std::string, const v1::CandidateTrace*> full_by_rep;
      int full_ranked = 0;
      for (const v1::CandidateTrace& c : f.candidates()) {
        if (c.has_removed()) ++removed[c.removed().reason()];
        full_ranked += c.has_ranked();
        full_by_rep[c.rep()] = &c;
      }
      ASSERT_EQ(b.removal_counts_size(), static_cast<int>(removed.size()));
      for (const v1::RemovalCount& count : b.removal_counts()) {
        EXPECT_EQ(count.count(), removed[count.reason()]) << count.ShortDebugString();
      }
      // Each listed rep has its full trace; one example per reason; the pick and 5 runners-up.
      std::map<v1::RemovalReason, int> examples;
      int ranked = 0;
      for (const v1::CandidateTrace& c : b.candidates()) {
        ASSERT_TRUE(full_by_rep.contains(c.rep()));
        EXPECT_TRUE(MessageDifferencer::Equals(c, *full_by_rep[c.rep()]))
            << c.ShortDebugString() << "\nvs " << full_by_rep[c.rep()]->ShortDebugString();
        if (c.has_removed()) {
          ++examples[c.removed().reason()];
        } else {
          ++ranked;
        }
      }
      for (const auto& [reason, count] : examples) EXPECT_EQ(count, 1) << reason;
      EXPECT_EQ(examples.size(), removed.size());
      if (!f.has_strategy()) continue;
      EXPECT_EQ(ranked, std::min(6, full_ranked));
      // The tie group: its first 5 in strategy order, and its size.
      EXPECT_EQ(b.strategy().tie_group_count(), f.strategy().tie_group_count());
      EXPECT_EQ(b.strategy().tie_group_count(), f.strategy().tie_group().size());
      ASSERT_EQ(b.strategy().tie_group().size(), std::min(5, f.strategy().tie_group_count()));
      for (int t = 0; t < b.strategy().tie_group().size(); ++t) {
        EXPECT_EQ(b.strategy().tie_group(t), f.strategy().tie_group(t));
      }
      EXPECT_EQ(b.strategy().pick(), f.strategy().pick());
      EXPECT_EQ(b.strategy().message(), f.strategy().message());
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Rosters, BoundedExplanationTest,
                         ::testing::Values(std::pair<int, size_t>{100, 1024},
                                           std::pair<int, size_t>{10'000, 2048}));

// The runners-up are the reps after the pick in the strategy's order, then by rank; the summary
// counts every rep whether listed or not.
TEST(BoundedExplanationOrderTest, RunnersUpFollowTheStrategyThenTheRank) {
  Router router(R"(rule "r"
  when true
  prefer level
  distribute round_robin
)",
                {dsl::testing::Rep("a", {{"level", 1.0}}), dsl::testing::Rep("b", {{"level", 2.0}}),
                 dsl::testing::Rep("c", {{"level", 2.0}}), dsl::testing::Rep("d", {{"level", 3.0}}),
                 dsl::testing::Rep("e", {{"level", 0.0}})});
  dsl::DecideOptions options;
  options.bound = dsl::ExplanationBound{.runners_up = 2, .tie_group = 5, .examples_per_reason = 1};
  dsl::DecisionWorkspace workspace;
  absl::StatusOr<dsl::Decision> d =
      dsl::Decide(router.program(), router.program().BindLead({}), router.roster(), router.state(),
                  dsl::DecisionTime{router.now(), 1}, dsl::PeriodCalendar(), options, workspace);
  ASSERT_TRUE(d.ok()) << d.status();
  const dsl::RuleTrace& rule = d->explanation.rules.at(0);
  // d (level 3) is picked; b and c (level 2, tie group 2) are the closest runners-up; a and e
  // are left out but counted.
  std::vector<std::string> listed;
  for (const dsl::CandidateTrace& c : rule.candidates) {
    listed.push_back(d->explanation.reps[c.rep].id);
  }
  EXPECT_EQ(listed, (std::vector<std::string>{"b", "c", "d"}));
  EXPECT_EQ(rule.candidate_count, 5u);
  EXPECT_EQ(dsl::SummaryText(d->explanation),
            "assigned to d by r; 5 candidates, 0 removed; round_robin among 1; 1 rule(s) tried");
  EXPECT_NE(dsl::RenderExplanationText(d->explanation).find("(2 more not listed: 2 eligible)"),
            std::string::npos)
      << dsl::RenderExplanationText(d->explanation);
}

}  // namespace
}  // namespace leadrouter::testing
