// The rule index (dsl/compile/rule_index.h): which rules are keyed, and that the rules it hands
// out for a lead always include every rule that matches it, so the first match is the same with
// and without the index.
#include "dsl/compile/rule_index.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "dsl/compile/compiler.h"
#include "dsl/decision/rule_eval.h"

namespace leadrouter::dsl {
namespace {

std::shared_ptr<const Program> CompileOrFail(const std::string& text) {
  CompileResult result = Compile(SourceFile("index.rules", text));
  EXPECT_NE(result.program, nullptr) << text;
  return result.program;
}

constexpr char kRules[] = R"(let BIG = ["Finance", "Banking"]
rule "ads" when source == "ads" and quality > 10 require level >= 1
rule "big" when industry in BIG require level >= 1
rule "either" when source == "ads" or source == "web" require level >= 1
rule "number" when quality == 5 require level >= 1
rule "second conjunct" when quality > 1 and region == "apac" require level >= 1
rule "not equal" when source != "ads" require level >= 1
rule "web" when source == "web" require level >= 1
otherwise unassigned
)";

std::vector<uint32_t> ToTry(const Program& program, const std::vector<Attribute>& lead) {
  std::vector<uint32_t> out = {999};  // replaced, not appended to
  program.rule_index().RulesToTry(program.BindLead(lead), out);
  return out;
}

TEST(RuleIndexTest, KeysEqualityAndMembershipOnStringConstantsOnly) {
  const auto program = CompileOrFail(kRules);
  ASSERT_NE(program, nullptr);
  // ads, big, second conjunct and web are keyed; `or`, a number and `!=` are not.
  EXPECT_EQ(program->rule_index().indexed_rules(), 4u);
  EXPECT_EQ(ToTry(*program, {{"source", std::string("ads")}}), (std::vector<uint32_t>{0, 2, 3, 5}));
  EXPECT_EQ(ToTry(*program, {{"source", std::string("web")}, {"industry", std::string("Banking")}}),
            (std::vector<uint32_t>{1, 2, 3, 5, 6}));
  EXPECT_EQ(ToTry(*program, {{"region", std::string("apac")}}),
            (std::vector<uint32_t>{2, 3, 4, 5}));
  // A missing field, or a value no rule is keyed by, keys nothing.
  EXPECT_EQ(ToTry(*program, {}), (std::vector<uint32_t>{2, 3, 5}));
  EXPECT_EQ(ToTry(*program, {{"source", std::string("mail")}}), (std::vector<uint32_t>{2, 3, 5}));
}

TEST(RuleIndexTest, EveryMatchingRuleIsTried) {
  const auto program = CompileOrFail(kRules);
  ASSERT_NE(program, nullptr);
  const char* const kSources[] = {"ads", "web", "mail", ""};
  const char* const kIndustries[] = {"Finance", "Banking", "Retail"};
  const char* const kRegions[] = {"emea", "apac", "amer"};
  ScratchBuffer scratch;
  std::vector<uint32_t> to_try;
  for (const char* source : kSources) {
    for (const char* industry : kIndustries) {
      for (const char* region : kRegions) {
        for (const double quality : {1.0, 5.0, 20.0}) {
          std::vector<Attribute> attributes = {{"industry", std::string(industry)},
                                               {"region", std::string(region)},
                                               {"quality", quality}};
          if (*source != '\0') attributes.push_back({"source", std::string(source)});
          const Record lead = program->BindLead(attributes);
          program->rule_index().RulesToTry(lead, to_try);
          const EvalContext context{&lead, nullptr, 0, &scratch};
          for (uint32_t r = 0; r < program->rules().size(); ++r) {
            if (!RuleMatches(program->rules()[r], context)) continue;
            EXPECT_NE(std::find(to_try.begin(), to_try.end(), r), to_try.end())
                << "rule " << r << " matches " << source << "/" << industry << "/" << region << "/"
                << quality << " but is not tried";
          }
          EXPECT_TRUE(std::is_sorted(to_try.begin(), to_try.end()));
        }
      }
    }
  }
}

TEST(RuleIndexTest, ARuleWithoutAKeyedConjunctIsAlwaysTried) {
  const auto program =
      CompileOrFail("rule \"all\" when true require level >= 1\notherwise unassigned\n");
  ASSERT_NE(program, nullptr);
  EXPECT_EQ(ToTry(*program, {}), (std::vector<uint32_t>{0}));
}

}  // namespace
}  // namespace leadrouter::dsl
