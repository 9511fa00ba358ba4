// libFuzzer target: whatever the bytes, Compile must not crash, hang or trip a sanitizer, and a
// program that compiles must evaluate every rule on odd leads and reps without incident.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "dsl/compile/compiler.h"
#include "dsl/decision/rule_eval.h"

namespace {

using leadrouter::dsl::Attribute;
using leadrouter::dsl::DurationSeconds;
using leadrouter::dsl::SkillMap;
using leadrouter::dsl::TimestampSeconds;

constexpr double kInf = std::numeric_limits<double>::infinity();

// Leads and reps with ordinary values, missing values, and values of the wrong kind in every
// known field (a lead's attributes come from outside and may be anything).
std::vector<std::vector<Attribute>> Leads() {
  return {
      {{"source", std::string("Google")},
       {"quality", 85.0},
       {"value", 2e6},
       {"region", std::string("eu")},
       {"industry", std::string("finance")},
       {"created_at", TimestampSeconds{1'699'990'000}},
       {"email", std::string("a@acme.com")},
       {"account", std::string("acme")},
       {"company", std::string("Acme")}},
      {},
      {{"source", 3.0},
       {"quality", std::string("high")},
       {"value", std::nan("")},
       {"region", std::vector<std::string>{"eu", "us"}},
       {"industry", true},
       {"created_at", std::string("yesterday")},
       {"email", SkillMap{{"x", 1}}},
       {"account", DurationSeconds{INT64_MIN}},
       {"score", -kInf}},
      {{"source", std::string(1000, 'A')},
       {"quality", kInf},
       {"value", -0.0},
       {"created_at", TimestampSeconds{INT64_MIN}},
       {"company", std::string("\0\xff", 2)}},
  };
}

std::vector<std::vector<Attribute>> Reps() {
  return {
      {{"id", std::string("r1")},
       {"team", std::string("enterprise")},
       {"level", 3.0},
       {"region", std::string("eu")},
       {"skills", SkillMap{{"tech", 4}, {"finance", 2}}},
       {"tags", std::vector<std::string>{"newcomer"}},
       {"channels", std::vector<std::string>{"phone"}},
       {"available", true},
       {"open_leads", 7.0}},
      {},
      {{"level", std::string("senior")},
       {"skills", std::vector<std::string>{"tech"}},
       {"tags", 4.0},
       {"available", std::string("yes")},
       {"open_leads", std::nan("")},
       {"team", TimestampSeconds{INT64_MAX}}},
  };
}

void Exercise(const leadrouter::dsl::Program& program) {
  using namespace leadrouter::dsl;  // NOLINT(google-build-using-namespace): a test driver
  static const auto leads = Leads();
  static const auto reps = Reps();
  ScratchBuffer scratch(64);  // small blocks: exercise the growth path
  std::vector<double> keys;
  std::vector<const Rule*> rules;
  for (const Rule& rule : program.rules()) rules.push_back(&rule);
  if (program.fallback() != nullptr) rules.push_back(program.fallback());
  for (const auto& lead_attributes : leads) {
    const Record lead = program.BindLead(lead_attributes);
    for (const auto& rep_attributes : reps) {
      const Record rep = program.BindRep(rep_attributes);
      for (const int64_t now : {int64_t{1'700'000'000}, INT64_MAX, INT64_MIN}) {
        const EvalContext context{&lead, &rep, now, &scratch};
        for (const Rule* rule : rules) {
          (void)RuleMatches(*rule, context);
          (void)RepEligible(*rule, context);
          (void)ExplainRejection(program, *rule, context);
          RankKeys(*rule, context, keys);
          (void)StrategyInput(rule->distribute, context);
          (void)StickyKey(rule->distribute, context);
        }
      }
    }
  }
  (void)program.Dump();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const leadrouter::dsl::SourceFile source("fuzz.rules",
                                           std::string(reinterpret_cast<const char*>(data), size));
  const leadrouter::dsl::CompileResult result = leadrouter::dsl::Compile(source);
  (void)leadrouter::dsl::RenderText(source, result.diagnostics);
  if (result.program != nullptr) Exercise(*result.program);
  return 0;
}
