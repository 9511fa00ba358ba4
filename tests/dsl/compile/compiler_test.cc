// Compile: valid programs and the Program they give (rules, caps, strategies, folding, dump).
#include "dsl/compile/compiler.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "dsl/decision/rule_eval.h"

namespace leadrouter::dsl {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr std::string_view kIssueExample = R"(# comments run to the end of a line
let HOT = 80                                   # named constants
let ENTERPRISE = ["finance", "government"]
segment vip = value >= 1_000_000 or industry in ENTERPRISE   # a named lead predicate

rule "vip to seniors"
  when vip and has(company)
  require level >= 3 and available             # hard filter over reps
  prefer skill(industry), -open_leads          # soft ranking
  distribute least_loaded                      # tie-break among the best-ranked reps
  cap 5/day, 40 open                           # per rep, for leads routed by this rule
  sla 4h then reassign                         # follow-up deadline

when source=="ads" and quality>80 prefer skill("tech") cap 20/day      # the one-line form

rule "newcomers get their share"
  when quality between 40 and 70
  require tag("newcomer")
  distribute round_robin
  cap 10/day

otherwise distribute balanced(quality)
)";

std::vector<std::string> Codes(const CompileResult& result) {
  std::vector<std::string> codes;
  for (const Diagnostic& d : result.diagnostics) codes.push_back(d.code);
  return codes;
}

std::shared_ptr<const Program> MustCompile(std::string_view text) {
  const SourceFile source("test.rules", std::string(text));
  CompileResult result = Compile(source);
  EXPECT_FALSE(HasErrors(result.diagnostics)) << RenderText(source, result.diagnostics);
  return result.program;
}

// Valid programs: each compiles without errors (warnings allowed).
class ValidProgramTest : public ::testing::TestWithParam<std::string_view> {};

TEST_P(ValidProgramTest, CompilesWithoutErrors) {
  const SourceFile source("valid.rules", std::string(GetParam()));
  const CompileResult result = Compile(source);
  EXPECT_FALSE(HasErrors(result.diagnostics)) << RenderText(source, result.diagnostics);
  ASSERT_NE(result.program, nullptr);
  EXPECT_FALSE(result.program->Dump().empty());
}

INSTANTIATE_TEST_SUITE_P(
    Table, ValidProgramTest,
    ::testing::Values(
        kIssueExample, R"(when source=="ads" and quality>80 prefer skill("tech") cap 20/day)",
        "rule \"enterprise\"\n  when industry in [\"finance\"]\n  team \"enterprise\"\n"
        "  sla 24h then escalate\n  followup phone within 1h, email within 1d\n",
        "when has(account) distribute sticky(lead.account)\n",
        "when has(account) distribute sticky(account)\n",
        "when true require available distribute weighted(conversion_rate)\n",
        "when quality > 0 cap 5/week, 20/month, 3 open\notherwise unassigned\n",
        "when lower(source) starts_with \"goo\" and email ends_with \".com\" "
        "prefer -open_leads, skill(industry)\n",
        "when email matches \"^[a-z]+@acme\\\\.com$\" prefer 1\n",
        "when hours_since(created_at) < 24 and created_at + 1h > created_at prefer 1\n",
        "let TAGS = [\"a\", \"b\"]\nwhen source not in TAGS and len(TAGS) == 2 "
        "require rep.region == lead.region and lead.channel in channels prefer 1\n",
        "when budget between 1 and 10 or not has(budget) require certified prefer score\n",
        "when 7d / 24h == 7 and 90m > 1h prefer 1\n",
        "segment a = quality > 10\nsegment b = a and value > 5\nwhen b require a prefer 1\n"));

TEST(CompilerTest, IssueExampleGivesTheExpectedProgram) {
  const auto program = MustCompile(kIssueExample);
  ASSERT_NE(program, nullptr);
  ASSERT_EQ(program->rules().size(), 3u);

  const Rule& vip = program->rules()[0];
  EXPECT_EQ(vip.label, "vip to seniors");
  EXPECT_TRUE(vip.named);
  ASSERT_TRUE(vip.when.has_value());
  EXPECT_EQ(vip.when->text, "vip and has(company)");
  EXPECT_EQ(vip.when->conjuncts.size(), 2u);
  ASSERT_TRUE(vip.require.has_value());
  EXPECT_EQ(vip.require->conjuncts.size(), 2u);
  ASSERT_EQ(vip.prefer.size(), 2u);
  EXPECT_EQ(vip.prefer[0].text, "skill(industry)");
  EXPECT_EQ(vip.prefer[1].text, "-open_leads");
  EXPECT_EQ(vip.distribute.kind, StrategyKind::kLeastLoaded);
  EXPECT_FALSE(vip.distribute.implicit);
  ASSERT_EQ(vip.caps.size(), 2u);
  EXPECT_EQ(vip.caps[0].limit, 5);
  EXPECT_EQ(vip.caps[0].unit, CapUnit::kDay);
  EXPECT_EQ(vip.caps[1].limit, 40);
  EXPECT_EQ(vip.caps[1].unit, CapUnit::kOpen);
  ASSERT_TRUE(vip.sla.has_value());
  ASSERT_EQ(vip.sla->steps.size(), 1u);
  EXPECT_EQ(vip.sla->steps[0].after, WorkDuration::WallClock(4 * 3600));
  EXPECT_EQ(vip.sla->steps[0].action, SlaAction::kReassign);

  const Rule& ads = program->rules()[1];
  EXPECT_FALSE(ads.named);
  EXPECT_EQ(ads.label, "rule #2 (line 14)");
  EXPECT_EQ(ads.index, 1u);
  EXPECT_TRUE(ads.distribute.implicit);
  EXPECT_EQ(ads.distribute.kind, StrategyKind::kRoundRobin);
  ASSERT_EQ(ads.caps.size(), 1u);
  EXPECT_EQ(ads.caps[0].limit, 20);

  const Rule& newcomers = program->rules()[2];
  EXPECT_EQ(newcomers.distribute.kind, StrategyKind::kRoundRobin);
  EXPECT_EQ(newcomers.caps[0].limit, 10);

  ASSERT_NE(program->fallback(), nullptr);
  EXPECT_TRUE(program->has_otherwise());
  EXPECT_EQ(program->fallback()->index, 3u);
  EXPECT_EQ(program->fallback()->label, "otherwise (line 22)");
  EXPECT_EQ(program->fallback()->distribute.kind, StrategyKind::kBalanced);
  ASSERT_NE(program->fallback()->distribute.argument, nullptr);
  EXPECT_EQ(program->segments().size(), 1u);
  EXPECT_EQ(program->Slice(vip.when->span), "vip and has(company)");
}

TEST(CompilerTest, FollowupTeamAndEscalation) {
  const auto program = MustCompile(
      "rule \"e\"\n  when true\n  team \"enterprise\"\n  sla 24h then escalate\n"
      "  followup phone within 1h, email within 1d\n");
  ASSERT_NE(program, nullptr);
  const Rule& rule = program->rules()[0];
  EXPECT_EQ(rule.team, "enterprise");
  ASSERT_EQ(rule.sla->steps.size(), 1u);
  EXPECT_EQ(rule.sla->steps[0].action, SlaAction::kEscalate);
  EXPECT_EQ(rule.sla->steps[0].after, WorkDuration::WallClock(86400));
  EXPECT_EQ(rule.sla->steps[0].target.kind, EscalationTarget::Kind::kDefault);
  ASSERT_EQ(rule.followup.size(), 2u);
  EXPECT_EQ(rule.followup[0].channel, "phone");
  EXPECT_EQ(rule.followup[0].within, WorkDuration::WallClock(3600));
  EXPECT_EQ(rule.followup[1].channel, "email");
  EXPECT_EQ(rule.followup[1].within, WorkDuration::WallClock(86400));
  EXPECT_FALSE(rule.review.has_value());
}

TEST(CompilerTest, SlaChainWithTargets) {
  const auto program = MustCompile(
      "when true sla 15m then notify, 1h then reassign, 4h then escalate \"team:managers\"\n"
      "when true sla 2h then escalate \"rep:r-17\"\n");
  ASSERT_NE(program, nullptr);
  const SlaPolicy& chain = *program->rules()[0].sla;
  ASSERT_EQ(chain.steps.size(), 3u);
  EXPECT_EQ(chain.steps[0].after, WorkDuration::WallClock(900));
  EXPECT_EQ(chain.steps[0].action, SlaAction::kNotify);
  EXPECT_EQ(chain.steps[1].after, WorkDuration::WallClock(3600));
  EXPECT_EQ(chain.steps[1].action, SlaAction::kReassign);
  EXPECT_EQ(chain.steps[2].action, SlaAction::kEscalate);
  EXPECT_EQ(chain.steps[2].target, (EscalationTarget{EscalationTarget::Kind::kTeam, "managers"}));
  EXPECT_EQ(program->Slice(chain.steps[1].span), "1h then reassign");
  EXPECT_EQ(program->rules()[1].sla->steps[0].target,
            (EscalationTarget{EscalationTarget::Kind::kRep, "r-17"}));
}

TEST(CompilerTest, WorkingTimeDurations) {
  const auto program = MustCompile(
      "when true sla 4 working hours then reassign\n"
      "  followup phone within 90 working minutes, email within 1 working day, "
      "wechat within 3d, sms within 2 working days\n");
  ASSERT_NE(program, nullptr);
  const Rule& rule = program->rules()[0];
  EXPECT_EQ(rule.sla->steps[0].after, WorkDuration::WorkingSeconds(4 * 3600));
  ASSERT_EQ(rule.followup.size(), 4u);
  EXPECT_EQ(rule.followup[0].within, WorkDuration::WorkingSeconds(90 * 60));
  EXPECT_EQ(rule.followup[1].within, WorkDuration::WorkingDays(1));
  EXPECT_EQ(rule.followup[2].within, WorkDuration::WallClock(3 * 86400));
  EXPECT_EQ(rule.followup[3].within, WorkDuration::WorkingDays(2));
}

TEST(CompilerTest, ReviewPolicy) {
  const auto program = MustCompile(
      "rule \"big\"\n  when true\n  review when value > 100_000\n"
      "when quality > 1 review\n");
  ASSERT_NE(program, nullptr);
  const Rule& big = program->rules()[0];
  ASSERT_TRUE(big.review.has_value());
  ASSERT_TRUE(big.review->when.has_value());
  EXPECT_EQ(big.review->when->text, "value > 100_000");
  const Rule& any = program->rules()[1];
  ASSERT_TRUE(any.review.has_value());
  EXPECT_FALSE(any.review->when.has_value());
}

TEST(CompilerTest, ReviewWhenOnTheNextLineStartsTheNextRule) {
  const auto program = MustCompile("when quality > 1 review\nwhen quality > 2 cap 3/day\n");
  ASSERT_NE(program, nullptr);
  ASSERT_EQ(program->rules().size(), 2u);
  EXPECT_FALSE(program->rules()[0].review->when.has_value());
  EXPECT_EQ(program->rules()[1].caps.size(), 1u);
}

TEST(CompilerTest, ExtraChannelsAreAcceptedOnlyWhenConfigured) {
  const SourceFile source("t.rules", "when true followup whatsapp within 1h, phone within 2h\n");
  EXPECT_EQ(Compile(source).program, nullptr);
  CompileOptions options;
  options.extra_channels = {"whatsapp", "line"};
  const CompileResult result = Compile(source, options);
  ASSERT_NE(result.program, nullptr) << RenderText(source, result.diagnostics);
  EXPECT_EQ(result.program->rules()[0].followup[0].channel, "whatsapp");
}

TEST(CompilerTest, PreferredChannelIsTheLeadsChannel) {
  const auto program = MustCompile("when true require channels contains lead.preferred_channel\n");
  ASSERT_NE(program, nullptr);
  EXPECT_EQ(program->lead_fields().Find("preferred_channel").value_or(Slot{999}),
            Slot{lead_slot::kChannel});
  const Record lead = program->BindLead({{"preferred_channel", std::string("wechat")}});
  EXPECT_EQ(lead.Get(lead_slot::kChannel).string_value(), "wechat");
}

TEST(CompilerTest, DumpWritesTheNewClausesCanonically) {
  const auto program = MustCompile(
      "when true sla 30 working minutes then notify, 2 working hours then escalate \"team:x\"\n"
      "  followup email within 1 working day, sms within 90 working minutes\n"
      "  review when value > 1\n");
  ASSERT_NE(program, nullptr);
  EXPECT_THAT(program->Dump(),
              ::testing::HasSubstr("  sla 30 working minutes then notify, 2 working hours then "
                                   "escalate \"team:x\"\n"
                                   "  followup email within 1 working day, sms within 90 working "
                                   "minutes\n"
                                   "  review when (lead.value > 1)\n"));
}

TEST(CompilerTest, OtherwiseUnassignedAndNoOtherwise) {
  const auto unassigned = MustCompile("when true prefer 1\notherwise unassigned\n");
  EXPECT_EQ(unassigned->fallback(), nullptr);
  EXPECT_TRUE(unassigned->has_otherwise());
  const auto none = MustCompile("when true prefer 1\n");
  EXPECT_EQ(none->fallback(), nullptr);
  EXPECT_FALSE(none->has_otherwise());
}

TEST(CompilerTest, ConstantsAreFoldedSoEquivalentSourcesDumpTheSame) {
  const auto with_lets = MustCompile(
      "let HOT = 80\nlet DOUBLE = HOT * 2\nlet NAME = lower(\"ADS\")\n"
      "when quality > DOUBLE and source == NAME and len(NAME) == 3 prefer 1\n");
  const auto literal = MustCompile(
      "# same rule, written out\nwhen quality > 160 and source == \"ads\" and true prefer 1\n");
  ASSERT_NE(with_lets, nullptr);
  ASSERT_NE(literal, nullptr);
  EXPECT_EQ(with_lets->Dump(), literal->Dump());
  EXPECT_THAT(with_lets->Dump(), ::testing::HasSubstr("(lead.quality > 160)"));
  EXPECT_NE(with_lets->content_hash(), literal->content_hash());
  EXPECT_EQ(with_lets->content_hash_hex().size(), 16u);
}

TEST(CompilerTest, DumpResolvesNamesPerClause) {
  const auto program =
      MustCompile("when region == \"eu\" require region == lead.region prefer skill(industry)\n");
  EXPECT_EQ(program->Dump(),
            "rule #1\n"
            "  when (lead.region == \"eu\")\n"
            "  require (rep.region == lead.region)\n"
            "  prefer skill(lead.industry)\n"
            "  distribute round_robin\n"
            "otherwise unassigned\n");
}

TEST(CompilerTest, CustomAttributesGetSlotsAfterTheKnownFields) {
  const auto program =
      MustCompile("when budget > 10 and lead.plan == \"pro\" require certified prefer 1\n");
  const std::optional<Slot> budget = program->lead_fields().Find("budget");
  ASSERT_TRUE(budget.has_value());
  EXPECT_GE(*budget, lead_slot::kCount);
  EXPECT_TRUE(program->lead_fields().field(*budget).custom);
  EXPECT_TRUE(program->lead_fields().Find("plan").has_value());
  EXPECT_TRUE(program->rep_fields().Find("certified").has_value());
  EXPECT_FALSE(program->lead_fields().Find("certified").has_value());

  const Record lead = program->BindLead({{"budget", 20.0}, {"plan", std::string("pro")}});
  const Record rep = program->BindRep({{"certified", true}});
  const EvalContext context{&lead, &rep, 0, nullptr};
  EXPECT_TRUE(RuleMatches(program->rules()[0], context));
  EXPECT_TRUE(RepEligible(program->rules()[0], context));
}

TEST(CompilerTest, ErrorsGiveNoProgramAndEveryErrorIsReported) {
  const SourceFile source("bad.rules",
                          "when qualty > 1 prefer 1\nwhen source > 3 prefer 1\n"
                          "when nosuch(1) prefer 1\n");
  const CompileResult result = Compile(source);
  EXPECT_EQ(result.program, nullptr);
  EXPECT_THAT(Codes(result), ElementsAre("unknown-name", "type-mismatch", "unknown-function"));
}

// What the parser rejects the checker does not report again: one diagnostic per problem.
TEST(CompilerTest, EachProblemIsReportedByOnePhaseOnly) {
  const auto codes = [](std::string_view text) {
    return Codes(Compile(SourceFile("once.rules", std::string(text))));
  };
  EXPECT_THAT(codes("when true followup sms within 1h, sms within 2h\n"),
              ElementsAre("duplicate-channel", "note"));
  EXPECT_THAT(codes("when true followup fone within 1h\n"), ElementsAre("unknown-channel"));
  EXPECT_THAT(codes("when true cap 2.5/day\n"), ElementsAre("invalid-cap"));
  EXPECT_THAT(codes("when true cap 0/day\n"), ElementsAre("invalid-cap"));
  EXPECT_THAT(codes("when true distribute balanced\n"), ElementsAre("strategy-argument"));
  EXPECT_THAT(codes("when true distribute least_loaded(quality)\n"),
              ElementsAre("strategy-argument"));
  EXPECT_THAT(codes("when true cap 1/day cap 2 open\n"), ElementsAre("duplicate-clause", "note"));
  EXPECT_THAT(codes("otherwise when true\n"), ElementsAre("when-in-otherwise"));
  EXPECT_THAT(codes("otherwise unassigned\notherwise unassigned\n"),
              ElementsAre("duplicate-otherwise", "note"));
}

TEST(CompilerTest, DiagnosticsAreSortedByPosition) {
  const SourceFile source("order.rules",
                          "let UNUSED = 1\nwhen quality > 1 prefer 1\nwhen true prefer 1\n"
                          "when true prefer 2\n");
  const CompileResult result = Compile(source);
  ASSERT_NE(result.program, nullptr);
  EXPECT_THAT(Codes(result), ElementsAre("unused-let", "unreachable-rule"));
}

TEST(CompilerTest, LimitsOnSizeAndRuleCount) {
  CompileOptions options;
  options.max_source_bytes = 10;
  EXPECT_THAT(Codes(Compile(SourceFile("big.rules", "when true prefer 1\n"), options)),
              ElementsAre("file-too-large"));
  options = {};
  options.max_rules = 2;
  EXPECT_THAT(Codes(Compile(SourceFile("many.rules",
                                       "when quality > 1 prefer 1\nwhen quality > 2 prefer 1\n"
                                       "when quality > 3 prefer 1\n"),
                            options)),
              ElementsAre("too-many-rules"));
}

// Inputs at and past every depth limit compile (or are rejected) without deep recursion trouble;
// the fuzzer (tests/fuzz) runs the same shapes under AddressSanitizer.
TEST(CompilerTest, DepthLimitsBoundEveryPass) {
  std::string chain = "when quality > 0";
  for (int i = 1; i < 999; ++i) chain += " and quality > 0";
  const auto program = MustCompile(chain + " prefer 1\n");
  ASSERT_NE(program, nullptr);
  const Record lead = program->BindLead({{"quality", 5.0}});
  EXPECT_TRUE(RuleMatches(program->rules()[0], EvalContext{&lead, nullptr, 0, nullptr}));
  EXPECT_EQ(program->rules()[0].when->conjuncts.size(), 999u);

  std::string segments = "segment s0 = quality > 1\n";
  for (int i = 1; i < 600; ++i) {
    segments +=
        "segment s" + std::to_string(i) + " = s" + std::to_string(i - 1) + " and quality > 1\n";
  }
  EXPECT_THAT(Codes(Compile(SourceFile("segments.rules", segments + "when s599 prefer 1\n"))),
              ElementsAre("too-deep"));

  // Definitions that refer to earlier ones chain without limit (and without recursion)...
  std::string backward = "let B0 = 1\n";
  for (int i = 1; i < 3000; ++i) {
    backward += "let B" + std::to_string(i) + " = B" + std::to_string(i - 1) + " + 1\n";
  }
  const auto folded = MustCompile(backward + "when quality > B2999 prefer 1\n");
  ASSERT_NE(folded, nullptr);
  EXPECT_THAT(folded->Dump(), ::testing::HasSubstr("(lead.quality > 3000)"));
  std::string segment_chain = "segment s0 = quality > 1\n";
  for (int i = 1; i < 400; ++i) {
    segment_chain += "segment s" + std::to_string(i) + " = s" + std::to_string(i - 1) + "\n";
  }
  ASSERT_NE(MustCompile(segment_chain + "when s399 prefer 1\n"), nullptr);
  // ...but references to later definitions are checked on the spot, so their nesting is bounded.
  std::string lets;
  for (int i = 0; i < 3000; ++i) {
    lets += "let L" + std::to_string(i) + " = L" + std::to_string(i + 1) + " + 1\n";
  }
  lets += "let L3000 = 0\nwhen quality > L0 prefer 1\n";
  EXPECT_THAT(Codes(Compile(SourceFile("lets.rules", lets))), ::testing::Contains("too-deep"));
}

// What a roster check reads (dsl/decision/roster_lint.h): literal skills, tags and teams and the
// rep fields, in source order, each with the span of its literal or field name; nothing from lead
// fields, `let`s or non-literal arguments.
TEST(CompilerTest, RepReferencesListWhatTheRulesNameInReps) {
  const SourceFile source(
      "r.rules",
      "let T = \"x\"\n"
      "rule \"a\"\n"
      "  when source == \"ads\"\n"
      "  team \"t\"\n"
      "  require \"a\" in tags and rep.team in [\"u\", \"v\"] and has(rep.badge) and rep.team != "
      "T\n"
      "  prefer skill(\"tech\"), skill(industry), -open_leads\n"
      "otherwise require tags contains \"b\" and \"s\" in skills and \"w\" == rep.team\n");
  const CompileResult compiled = Compile(source);
  ASSERT_NE(compiled.program, nullptr) << RenderText(source, compiled.diagnostics);
  std::vector<std::string> seen;
  for (const RepReference& ref : compiled.program->rep_references()) {
    static constexpr const char* kKinds[] = {"skill", "tag", "team", "field"};
    seen.push_back(std::string(kKinds[static_cast<int>(ref.kind)]) + " " + ref.name + " " +
                   std::string(source.Slice(ref.span)));
  }
  EXPECT_THAT(seen,
              ElementsAre("team t \"t\"", "tag a \"a\"", "field tags tags", "field team team",
                          "team u \"u\"", "team v \"v\"", "field badge badge", "field team team",
                          "skill tech \"tech\"", "field open_leads open_leads", "field tags tags",
                          "tag b \"b\"", "skill s \"s\"", "field skills skills", "team w \"w\"",
                          "field team team"));
}

// Only rules that read a performance field make the server compute the figures.
TEST(CompilerTest, ReadsRepPerformanceOnlyWhenTheRulesReadAPerformanceField) {
  for (const char* reads :
       {"when true prefer conversion_rate\n", "when true distribute weighted(conversion_rate)\n",
        "when true require sla_compliance > 0.8\n",
        "when true prefer -rep.median_first_contact_hours\n",
        "when true prefer 1\notherwise require rep.sla_compliance >= 0.5\n"}) {
    const auto program = MustCompile(reads);
    ASSERT_NE(program, nullptr) << reads;
    EXPECT_TRUE(program->reads_rep_performance()) << reads;
  }
  for (const char* ignores : {"when true prefer -open_leads\n", "when quality > 80 prefer level\n",
                              "when true distribute round_robin\n", "# nothing yet\n"}) {
    const auto program = MustCompile(ignores);
    ASSERT_NE(program, nullptr) << ignores;
    EXPECT_FALSE(program->reads_rep_performance()) << ignores;
  }
}

TEST(CompilerTest, EmptyFileIsAValidProgramThatAssignsNothing) {
  const auto program = MustCompile("# nothing yet\n");
  ASSERT_NE(program, nullptr);
  EXPECT_THAT(program->rules(), IsEmpty());
  EXPECT_EQ(program->fallback(), nullptr);
}

TEST(CompilerTest, AProgramIsSharedAcrossThreads) {
  const auto program = MustCompile(
      "when lower(source) == \"ads\" and quality > 50 require skill(\"tech\") >= 2 prefer 1\n");
  ASSERT_NE(program, nullptr);
  std::vector<std::thread> threads;
  std::vector<int> matches(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      ScratchBuffer scratch;
      const Record lead = program->BindLead({{"source", std::string("ADS")}, {"quality", 60.0}});
      Record rep = program->NewRep();
      rep.SetSkills(rep_slot::kSkills, {{"tech", 3}});
      const EvalContext context{&lead, &rep, 0, &scratch};
      for (int i = 0; i < 1000; ++i) {
        if (RuleMatches(program->rules()[0], context) &&
            RepEligible(program->rules()[0], context)) {
          ++matches[t];
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_THAT(matches, ElementsAre(1000, 1000, 1000, 1000));
}

// What each conjunct reads, as the roster needs it to evaluate the fixed ones once per rep.
TEST(CompileTest, EveryNodeKnowsWhatItReads) {
  const auto program = MustCompile(
      "rule \"r\" when true\n"
      "  require level >= 2 and skill(\"tech\") > 1 and open_leads < 3 and region == "
      "lead.region and hours_since(lead.created_at) < 5\n");
  ASSERT_NE(program, nullptr);
  const std::vector<const ExprNode*>& c = program->rules()[0].require->conjuncts;
  ASSERT_EQ(c.size(), 5u);
  EXPECT_EQ(c[0]->reads(), reads::kRep);
  EXPECT_EQ(c[1]->reads(), reads::kRep);
  EXPECT_EQ(c[2]->reads(), reads::kRep | reads::kRepCounters);
  EXPECT_EQ(c[3]->reads(), reads::kRep | reads::kLead);
  EXPECT_EQ(c[4]->reads(), reads::kLead | reads::kTime);
}

}  // namespace
}  // namespace leadrouter::dsl
