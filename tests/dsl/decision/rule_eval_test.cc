// Evaluation semantics through the whole pipeline: compile a rule, bind a lead and a rep, evaluate.
// Also: evaluation of a warmed-up context allocates nothing (a counting operator new).
#include "dsl/decision/rule_eval.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <new>
#include <string>
#include <vector>

#include "dsl/compile/compiler.h"
#include "sanitizers.h"

// Counts every allocation of this test binary while `g_counting` is set.
namespace {
std::atomic<bool> g_counting{false};
std::atomic<long> g_allocations{0};
}  // namespace

#ifdef LEADROUTER_TEST_ASAN
// AddressSanitizer owns operator new and malloc; count through its allocation hook instead (it
// sees malloc too, which is stricter). Declared here because GCC does not ship the header.
extern "C" int __sanitizer_install_malloc_and_free_hooks(void (*malloc_hook)(const volatile void*,
                                                                             std::size_t),
                                                         void (*free_hook)(const volatile void*));
namespace {
void CountAllocation(const volatile void*, std::size_t) {
  if (g_counting.load(std::memory_order_relaxed)) g_allocations.fetch_add(1);
}
void IgnoreFree(const volatile void*) {}
[[maybe_unused]] const int kHooksInstalled =
    __sanitizer_install_malloc_and_free_hooks(CountAllocation, IgnoreFree);
}  // namespace
#else
// GCC cannot see that the replaced operator new allocates with malloc, and warns about the free.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
void* operator new(std::size_t size) {
  if (g_counting.load(std::memory_order_relaxed)) g_allocations.fetch_add(1);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
#endif

namespace leadrouter::dsl {
namespace {

constexpr int64_t kNow = 1'700'000'000;

class EvalTest : public ::testing::Test {
 protected:
  // Compiles `text` as the only rule (it must compile without errors).
  const Rule& Compile1(const std::string& text) {
    const SourceFile source("eval.rules", text);
    CompileResult result = Compile(source);
    EXPECT_FALSE(HasErrors(result.diagnostics)) << RenderText(source, result.diagnostics);
    program_ = result.program;
    if (program_ == nullptr || program_->rules().empty()) {
      static const Rule kNever = [] {
        Rule rule;
        rule.when = Condition{};
        return rule;
      }();
      ADD_FAILURE() << "no rule compiled from " << text;
      return kNever;
    }
    lead_ = program_->BindLead(lead_attributes_);
    rep_ = program_->BindRep(rep_attributes_);
    return program_->rules()[0];
  }

  EvalContext Context() { return EvalContext{&lead_, &rep_, kNow, &scratch_}; }

  // Whether `condition` holds as a `when` on the lead.
  bool When(const std::string& condition) {
    const Rule& rule = Compile1("when " + condition + " prefer 1\n");
    return RuleMatches(rule, Context());
  }
  // Whether `condition` holds as a `require` on the rep.
  bool Require(const std::string& condition) {
    const Rule& rule = Compile1("when true require " + condition + "\n");
    return RepEligible(rule, Context());
  }
  // The value of a numeric `prefer` key (-inf for null and non-numbers).
  double Prefer(const std::string& key) {
    const Rule& rule = Compile1("when true prefer " + key + "\n");
    return rule.prefer.empty() ? std::nan("") : RankKey(rule.prefer[0], Context());
  }

  std::vector<Attribute> lead_attributes_ = {
      {"source", std::string("Google Ads")},
      {"quality", 85.0},
      {"value", 2'000'000.0},
      {"industry", std::string("finance")},
      {"created_at", TimestampSeconds{kNow - 3 * 3600}},
      {"email", std::string("ana@acme.com")},
      {"account", std::string("acme")},
      {"budget", std::string("12000")},  // a custom attribute that arrived as a string
      {"visits", 8.0},                   // a custom attribute holding a number
  };
  std::vector<Attribute> rep_attributes_ = {
      {"level", 3.0},
      {"available", true},
      {"region", std::string("eu")},
      {"skills", SkillMap{{"tech", 4}, {"finance", 2}}},
      {"tags", std::vector<std::string>{"newcomer", "fr"}},
      {"channels", std::vector<std::string>{"phone", "email"}},
      {"open_leads", 7.0},
  };
  std::shared_ptr<const Program> program_;
  Record lead_;
  Record rep_;
  ScratchBuffer scratch_;
};

TEST_F(EvalTest, Comparisons) {
  EXPECT_TRUE(When("quality > 80"));
  EXPECT_FALSE(When("quality < 80"));
  EXPECT_TRUE(When("quality >= 85 and quality <= 85"));
  EXPECT_TRUE(When("quality == 85 and quality != 84"));
  EXPECT_TRUE(When("source == \"Google Ads\""));
  EXPECT_TRUE(When("source < \"Z\" and source > \"A\""));  // byte-wise
  EXPECT_FALSE(When("source == \"google ads\""));          // case matters
  EXPECT_TRUE(When("created_at < created_at + 1m"));
  EXPECT_TRUE(When("2h > 90m"));
}

TEST_F(EvalTest, ComparisonsWithAMissingFieldAreFalseEvenNotEqual) {
  EXPECT_FALSE(When("region == \"eu\""));
  EXPECT_FALSE(When("region != \"eu\""));
  EXPECT_FALSE(When("region < \"zzz\""));
  EXPECT_FALSE(When("\"eu\" == region"));
  EXPECT_FALSE(When("score >= 0"));
  EXPECT_FALSE(When("score between 0 and 100"));
  EXPECT_TRUE(When("not has(region)"));
  EXPECT_FALSE(When("not (region == \"eu\") and region != \"eu\""));
}

TEST_F(EvalTest, RunTimeTypeMismatchIsFalse) {
  // `budget` is a custom attribute (type unknown to the checker) that arrived as a string.
  EXPECT_FALSE(When("budget > 10"));
  EXPECT_FALSE(When("budget != 10"));
  EXPECT_FALSE(When("budget + 1 > 0"));
  EXPECT_TRUE(When("budget == \"12000\""));
  EXPECT_FALSE(When("budget in [1, 2]"));
  EXPECT_FALSE(When("budget not in [1, 2]"));  // a mismatch, not a "no"
  EXPECT_FALSE(When("budget between 1 and 20000"));
  // A known number field bound with a string is a mismatch too.
  lead_attributes_.push_back({"score", std::string("high")});
  EXPECT_FALSE(When("score > 1"));
  EXPECT_FALSE(When("score != 1"));
}

TEST_F(EvalTest, LogicShortCircuitsAndTreatsNullAsFalse) {
  EXPECT_TRUE(When("quality > 80 or nosuch_flag"));
  EXPECT_FALSE(When("quality < 80 and nosuch_flag"));
  EXPECT_FALSE(When("nosuch_flag"));      // null is not true
  EXPECT_FALSE(When("not nosuch_flag"));  // not null is null
  EXPECT_TRUE(When("not (quality < 10)"));
  EXPECT_TRUE(When("nosuch_flag or true"));
  EXPECT_FALSE(When("budget"));  // a string is not a condition
  // The right side of a decided `and` / `or` is never evaluated: a regex on a huge field would
  // be the cost; here we see it through a division by zero that would make the result false.
  EXPECT_TRUE(When("quality > 80 or quality / 0 > 1"));
}

TEST_F(EvalTest, Membership) {
  EXPECT_TRUE(When("industry in [\"finance\", \"government\"]"));
  EXPECT_FALSE(When("industry not in [\"finance\", \"government\"]"));
  EXPECT_TRUE(When("industry not in [\"retail\"]"));
  EXPECT_TRUE(When("\"Ads\" in source"));  // substring
  EXPECT_FALSE(When("\"ads\" in source"));
  EXPECT_TRUE(When("source contains \"Google\""));
  EXPECT_TRUE(When("quality in [80, 85]"));
  EXPECT_FALSE(When("region in [\"eu\"]"));      // null needle
  EXPECT_FALSE(When("region not in [\"eu\"]"));  // null needle: not "not in" either
  EXPECT_TRUE(Require("\"fr\" in tags and tags contains \"newcomer\""));
  EXPECT_TRUE(Require("\"tech\" in skills and not (\"law\" in skills)"));
  EXPECT_TRUE(Require("\"email\" in channels"));
  EXPECT_FALSE(Require("lead.channel in channels"));  // the lead has no channel
}

TEST_F(EvalTest, StringOperators) {
  EXPECT_TRUE(When("source starts_with \"Goo\" and source ends_with \"Ads\""));
  EXPECT_FALSE(When("source starts_with \"Ads\""));
  EXPECT_FALSE(When("region starts_with \"e\""));
  EXPECT_TRUE(When("email matches \"@(acme|globex)\\\\.com$\""));
  EXPECT_TRUE(When("email matches \"acme\""));  // unanchored search
  EXPECT_FALSE(When("email matches \"^acme\""));
  EXPECT_FALSE(When("region matches \".*\""));  // null never matches
  EXPECT_FALSE(When("visits matches \"8\"")) << "a number is not text";
}

TEST_F(EvalTest, Between) {
  EXPECT_TRUE(When("quality between 80 and 90"));
  EXPECT_TRUE(When("quality between 85 and 85"));  // inclusive
  EXPECT_FALSE(When("quality between 86 and 90"));
  EXPECT_TRUE(When("hours_since(created_at) between 2 and 4"));
  EXPECT_TRUE(When("created_at between created_at - 1h and created_at"));
}

TEST_F(EvalTest, Arithmetic) {
  EXPECT_EQ(Prefer("quality + 1"), 86);
  EXPECT_EQ(Prefer("quality - 5 * 2"), 75);
  EXPECT_EQ(Prefer("(quality - 5) * 2"), 160);
  EXPECT_EQ(Prefer("quality / 2"), 42.5);
  EXPECT_EQ(Prefer("quality % 10"), 5);
  EXPECT_EQ(Prefer("-quality"), -85);
  EXPECT_EQ(Prefer("1_000 + 0.5"), 1000.5);
  EXPECT_EQ(Prefer("2h / 30m"), 4);
  EXPECT_EQ(Prefer("2h"), 7200);  // durations rank in seconds
  EXPECT_EQ(Prefer("true"), 1);
  EXPECT_EQ(Prefer("quality > 100"), 0);
}

TEST_F(EvalTest, NullAndDivisionByZeroGiveNull) {
  const double lowest = -std::numeric_limits<double>::infinity();
  EXPECT_EQ(Prefer("score + 1"), lowest);
  EXPECT_EQ(Prefer("quality / (quality - 85)"), lowest);
  EXPECT_EQ(Prefer("quality % (quality - 85)"), lowest);
  EXPECT_EQ(Prefer("-score"), lowest);
  EXPECT_FALSE(When("quality / (quality - 85) > 0"));
  EXPECT_FALSE(When("quality / (quality - 85) <= 0"));
}

TEST_F(EvalTest, Functions) {
  EXPECT_TRUE(When("has(source) and not has(region)"));
  EXPECT_TRUE(When("lower(source) == \"google ads\""));
  EXPECT_FALSE(When("lower(region) == \"\""));
  EXPECT_TRUE(When("len(source) == 10 and len(\"\") == 0"));
  EXPECT_FALSE(When("len(visits) >= 0"));  // no length of a number: null
  EXPECT_TRUE(When("hours_since(created_at) == 3"));
  EXPECT_FALSE(When("hours_since(created_at) != 3"));
  EXPECT_EQ(Prefer("skill(\"tech\")"), 4);
  EXPECT_EQ(Prefer("skill(\"law\")"), 0);   // absent skill
  EXPECT_EQ(Prefer("skill(industry)"), 2);  // the lead's industry, the rep's skill
  EXPECT_EQ(Prefer("skill(lead.region)"), -std::numeric_limits<double>::infinity());
  EXPECT_TRUE(Require("tag(\"newcomer\") and not tag(\"senior\")"));
  EXPECT_EQ(Prefer("len(tags) + len(skills)"), 4);
}

TEST_F(EvalTest, RepAndLeadFieldsInRequire) {
  EXPECT_TRUE(Require("level >= 3 and available"));
  EXPECT_FALSE(Require("level >= 4"));
  EXPECT_FALSE(Require("region == lead.region"));  // the lead has no region
  lead_attributes_.push_back({"region", std::string("eu")});
  EXPECT_TRUE(Require("region == lead.region and rep.region == \"eu\""));
  EXPECT_TRUE(Require("industry == \"finance\""));  // a lead field no rep field shadows
  EXPECT_EQ(Prefer("-open_leads"), -7);
}

TEST_F(EvalTest, SegmentsAreLeadPredicatesEverywhere) {
  const std::string text =
      "segment vip = value >= 1_000_000 or industry in [\"government\"]\n"
      "rule \"r\"\n  when vip\n  require vip and level >= 3\n";
  const Rule& rule = Compile1(text);
  EXPECT_TRUE(RuleMatches(rule, Context()));
  EXPECT_TRUE(RepEligible(rule, Context()));
}

TEST_F(EvalTest, ConstantFoldingKeepsSemantics) {
  EXPECT_TRUE(When("1 + 2 == 3 and lower(\"ABC\") == \"abc\" and len([1, 2]) == 2"));
  EXPECT_FALSE(When("1 / 0 > 0"));
  const Rule& folded = Compile1("let HOT = 80\nwhen quality > HOT * 2 - 80 prefer 1\n");
  EXPECT_TRUE(RuleMatches(folded, Context()));
  std::string dump;
  folded.when->root->Dump(dump);
  EXPECT_EQ(dump, "(lead.quality > 80)");
}

TEST_F(EvalTest, DeepButAllowedNesting) {
  std::string condition = "quality > 1";
  for (int i = 0; i < 60; ++i) condition = "(" + condition + ")";
  EXPECT_TRUE(When(condition));
  std::string chain = "quality > 0";
  for (int i = 0; i < 900; ++i) chain += " and quality > " + std::to_string(i % 50);
  EXPECT_TRUE(When(chain));
  std::string nots = "quality > 1";
  for (int i = 0; i < 60; ++i) nots = "not " + nots;
  EXPECT_TRUE(When(nots));
}

TEST_F(EvalTest, MissingRecordsReadAsNull) {
  const Rule& rule = Compile1("when quality > 1 require level >= 1 and skill(\"tech\") > 0\n");
  const EvalContext no_rep{&lead_, nullptr, kNow, &scratch_};
  EXPECT_TRUE(RuleMatches(rule, no_rep));
  EXPECT_FALSE(RepEligible(rule, no_rep));
  const EvalContext nothing{};
  EXPECT_FALSE(RuleMatches(rule, nothing));
}

TEST_F(EvalTest, TeamFilter) {
  const Rule& rule = Compile1("rule \"t\"\n  when true\n  team \"enterprise\"\n");
  EXPECT_FALSE(RepEligible(rule, Context()));
  rep_.SetString(rep_slot::kTeam, "enterprise");
  EXPECT_TRUE(RepEligible(rule, Context()));
  const Rejection rejection = [&] {
    rep_.SetString(rep_slot::kTeam, "smb");
    return ExplainRejection(*program_, rule, Context());
  }();
  EXPECT_EQ(rejection.reason, Rejection::Reason::kTeam);
  EXPECT_EQ(rejection.condition, "team \"enterprise\"");
  EXPECT_EQ(rejection.subject_value, "\"smb\"");
}

TEST_F(EvalTest, ExplainsTheFirstFailingConjunct) {
  const Rule& rule =
      Compile1("when true require level >= 3 and skill(\"law\") >= 2 and available\n");
  const Rejection rejection = ExplainRejection(*program_, rule, Context());
  EXPECT_EQ(rejection.reason, Rejection::Reason::kRequire);
  EXPECT_EQ(rejection.condition, "skill(\"law\") >= 2");
  EXPECT_EQ(rejection.subject, "skill(\"law\")");
  EXPECT_EQ(rejection.subject_value, "0");
  const Rule& passing = Compile1("when true require level >= 3\n");
  EXPECT_EQ(ExplainRejection(*program_, passing, Context()).reason, Rejection::Reason::kNone);
}

TEST_F(EvalTest, StrategyInputsAndStickyKeys) {
  const Rule& balanced = Compile1("when true distribute balanced(quality)\n");
  EXPECT_EQ(StrategyInput(balanced.distribute, Context()), 85);
  EXPECT_EQ(StickyKey(balanced.distribute, Context()), std::nullopt);
  const Rule& weighted = Compile1("when true distribute weighted(score)\n");
  EXPECT_EQ(StrategyInput(weighted.distribute, Context()), std::nullopt);  // missing
  const Rule& sticky = Compile1("when true distribute sticky(account)\n");
  const std::optional<uint64_t> key = StickyKey(sticky.distribute, Context());
  ASSERT_TRUE(key.has_value());
  // Stable across processes and versions, so pinned: 64-bit FNV-1a (offset 14695981039346656037,
  // prime 1099511628211) over the value's kind byte (ValueKind: string 3, number 2) and its bytes,
  // a string as its length in 8 little-endian bytes then the bytes, a number as the little-endian
  // bits of the double. Computed outside the code with python3:
  //   def fnv(b):
  //     h = 14695981039346656037
  //     for x in b: h = ((h ^ x) * 1099511628211) % 2**64
  //     return h
  //   fnv(bytes([3]) + struct.pack('<Q', 4) + b'acme')  -> 0x4a3b8f96d6f477c8
  //   fnv(bytes([2]) + struct.pack('<d', 85.0))         -> 0x37c9cef688417bc8
  EXPECT_EQ(*key, 0x4a3b8f96d6f477c8u);
  EXPECT_EQ(
      StickyKey(Compile1("when true distribute sticky(lead.account)\n").distribute, Context()),
      0x4a3b8f96d6f477c8u);
  EXPECT_EQ(StickyKey(Compile1("when true distribute sticky(quality)\n").distribute, Context()),
            0x37c9cef688417bc8u);
  const Rule& sticky_missing = Compile1("when true distribute sticky(lead.city)\n");
  EXPECT_EQ(StickyKey(sticky_missing.distribute, Context()), std::nullopt);
  std::vector<double> keys;
  const Rule& ranked = Compile1("when true prefer skill(\"tech\"), -open_leads, score\n");
  RankKeys(ranked, Context(), keys);
  EXPECT_THAT(keys, ::testing::ElementsAre(4, -7, -std::numeric_limits<double>::infinity()));
}

TEST_F(EvalTest, EvaluationAllocatesNothingOnceWarm) {
  const Rule& rule = Compile1(
      "rule \"hot\"\n"
      "  when lower(source) starts_with \"google\" and quality > 80 and industry in "
      "[\"finance\", \"government\"] and email matches \"@acme\\\\.com$\" and "
      "hours_since(created_at) < 24\n"
      "  require level >= 3 and available and skill(industry) >= 2 and tag(\"fr\")\n"
      "  prefer skill(\"tech\"), -open_leads\n");
  std::vector<double> keys;
  const EvalContext context = Context();
  // Warm up: the scratch buffer takes its first block, RE2 builds its DFA, `keys` its capacity.
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(RuleMatches(rule, context));
    ASSERT_TRUE(RepEligible(rule, context));
    RankKeys(rule, context, keys);
  }
  g_allocations = 0;
  g_counting = true;
  bool all = true;
  for (int i = 0; i < 1000; ++i) {
    all = all && RuleMatches(rule, context) && RepEligible(rule, context);
    RankKeys(rule, context, keys);
    rep_.SetNumber(rep_slot::kOpenLeads, i);  // the decision refreshing a counter
  }
  g_counting = false;
  EXPECT_TRUE(all);
  EXPECT_EQ(g_allocations.load(), 0);
}

}  // namespace
}  // namespace leadrouter::dsl
