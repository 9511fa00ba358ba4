// Rule-language evaluation speed on real leads (examples/data/leads-x-education.csv).
//
//   BM_WhenConditions/N   every `when` of an N-rule program on one lead per iteration;
//                         items/s = conditions evaluated per second
//   BM_FirstMatch/N/indexed:I  the first rule of an N-rule keyed file whose `when` holds, per lead:
//                         through the rule index (I = 1) or trying every rule in order (I = 0)
//   BM_RequireConditions  every `require` of a 100-rule program for one lead and one rep
//   BM_SimpleComparison   `quality > 80` alone: ns per simple comparison
//   BM_BindLead           building a Record from a lead's attributes (once per decision)
//   BM_Compile/N          compiling an N-rule file
//
// Figures and the command that produced them: docs/performance.md.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "dsl/compile/compiler.h"
#include "dsl/data/lead_csv.h"
#include "dsl/decision/rule_eval.h"

namespace leadrouter::dsl {
namespace {

const std::vector<std::vector<Attribute>>& Leads() {
  static const std::vector<std::vector<Attribute>> leads = [] {
    auto read = ReadXEducationLeads(std::string(LEADROUTER_SOURCE_DIR) +
                                    "/examples/data/leads-x-education.csv");
    if (!read.ok()) {
      std::cerr << "dsl_eval_bench: " << read.status() << '\n';
      std::exit(2);
    }
    return *std::move(read);
  }();
  return leads;
}

// A rule file of `count` rules whose conditions vary the way real files do: equality on the
// source, numeric thresholds, list membership, string functions, regexes, presence tests.
std::string RuleFile(int count) {
  static const char* const kSources[] = {"Google",         "Direct Traffic", "Olark Chat",
                                         "Organic Search", "Reference",      "Welingak Website",
                                         "Referral Sites", "Facebook"};
  std::string text =
      "let SPECIALISTS = [\"Finance Management\", \"Marketing Management\", \"Operations "
      "Management\"]\n";
  for (int i = 0; i < count; ++i) {
    std::string when;
    switch (i % 5) {
      case 0:
        when = absl::StrCat("source == \"", kSources[i % 8], "\" and quality > ", 40 + i % 50);
        break;
      case 1:
        when = absl::StrCat("industry in SPECIALISTS and visits >= ", i % 10);
        break;
      case 2:
        when = absl::StrCat("lower(city) starts_with \"m\" and quality between ", i % 40, " and ",
                            60 + i % 40);
        break;
      case 3:
        when = absl::StrCat("has(occupation) and occupation != \"Unemployed\" or time_on_site > ",
                            500 + i);
        break;
      default:
        when = "status_tag matches \"Will revert|Ringing\" and converted";
        break;
    }
    absl::StrAppend(
        &text, "rule \"r", i, "\"\n  when ", when, "\n  require level >= ", i % 4,
        " and available and skill(industry) >= 1\n  prefer skill(industry), -open_leads\n");
  }
  return text + "otherwise unassigned\n";
}

// A rule file of `count` rules keyed the way routing files usually are: a source and an industry
// (or a list of industries) per rule, then a threshold; the keyed conjuncts are what the rule
// index (dsl/compile/rule_index.h) uses. Every sixth rule has no keyed conjunct.
std::string KeyedRuleFile(int count) {
  static const char* const kSources[] = {"Google",         "Direct Traffic", "Olark Chat",
                                         "Organic Search", "Reference",      "Welingak Website",
                                         "Referral Sites", "Facebook"};
  static const char* const kIndustries[] = {
      "Finance Management",      "Human Resource Management", "Marketing Management",
      "Operations Management",   "Business Administration",   "IT Projects Management",
      "Supply Chain Management", "Travel and Tourism",        "Media and Advertising",
      "International Business",  "Healthcare Management",     "E-COMMERCE"};
  std::string text;
  for (int i = 0; i < count; ++i) {
    std::string when;
    if (i % 6 == 5) {
      when = absl::StrCat("quality > ", 90 + i % 10, " and visits >= ", 20 + i % 10);
    } else if (i % 2 == 0) {
      when = absl::StrCat("source == \"", kSources[i % 8], "\" and industry == \"",
                          kIndustries[(i / 8) % 12], "\" and quality > ", (i % 5) * 10);
    } else {
      when =
          absl::StrCat("industry in [\"", kIndustries[i % 12], "\", \"", kIndustries[(i + 5) % 12],
                       "\"] and source == \"", kSources[(i / 3) % 8], "\" and visits >= ", i % 4);
    }
    absl::StrAppend(&text, "rule \"k", i, "\"\n  when ", when, "\n  require level >= 1\n");
  }
  return text + "otherwise unassigned\n";
}

std::shared_ptr<const Program> CompileOrDie(const std::string& text) {
  const SourceFile source("bench.rules", text);
  CompileResult result = Compile(source);
  if (result.program == nullptr) {
    std::cerr << RenderText(source, result.diagnostics);
    std::exit(2);
  }
  return result.program;
}

std::vector<Record> BindAll(const Program& program) {
  std::vector<Record> records;
  for (const auto& lead : Leads()) records.push_back(program.BindLead(lead));
  return records;
}

Record SampleRep(const Program& program) {
  return program.BindRep({{"level", 3.0},
                          {"available", true},
                          {"skills", SkillMap{{"Finance Management", 3}, {"tech", 2}}},
                          {"open_leads", 5.0}});
}

void BM_WhenConditions(benchmark::State& state) {
  const auto program = CompileOrDie(RuleFile(static_cast<int>(state.range(0))));
  const std::vector<Record> leads = BindAll(*program);
  ScratchBuffer scratch;
  size_t lead = 0;
  int64_t matched = 0;
  for (auto _ : state) {
    const EvalContext context{&leads[lead], nullptr, 1'700'000'000, &scratch};
    for (const Rule& rule : program->rules()) matched += RuleMatches(rule, context);
    lead = (lead + 1) % leads.size();
  }
  benchmark::DoNotOptimize(matched);
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.counters["match_rate"] =
      static_cast<double>(matched) / static_cast<double>(state.iterations() * state.range(0));
}
BENCHMARK(BM_WhenConditions)->Arg(10)->Arg(100)->Arg(1000);

// The first rule whose `when` holds, per lead, as the decision looks for it: through the rule
// index (dsl/compile/rule_index.h) with indexed:1, every rule in file order with indexed:0.
// Issue #13's target: <= 1 us per lead with 100 rules.
void BM_FirstMatch(benchmark::State& state) {
  const auto program = CompileOrDie(KeyedRuleFile(static_cast<int>(state.range(0))));
  const std::vector<Record> leads = BindAll(*program);
  const bool indexed = state.range(1) != 0;
  ScratchBuffer scratch;
  std::vector<uint32_t> to_try;
  size_t lead = 0;
  int64_t matched = 0;
  const auto& rules = program->rules();
  for (auto _ : state) {
    const EvalContext context{&leads[lead], nullptr, 1'700'000'000, &scratch};
    if (indexed) {
      program->rule_index().RulesToTry(leads[lead], to_try);
      for (const uint32_t r : to_try) {
        if (RuleMatches(rules[r], context)) {
          ++matched;
          break;
        }
      }
    } else {
      for (const Rule& rule : rules) {
        if (RuleMatches(rule, context)) {
          ++matched;
          break;
        }
      }
    }
    lead = (lead + 1) % leads.size();
  }
  benchmark::DoNotOptimize(matched);
  state.SetItemsProcessed(state.iterations());
  state.counters["match_rate"] =
      static_cast<double>(matched) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_FirstMatch)->ArgsProduct({{10, 100, 1000}, {0, 1}})->ArgNames({"rules", "indexed"});

void BM_RequireConditions(benchmark::State& state) {
  const auto program = CompileOrDie(RuleFile(100));
  const std::vector<Record> leads = BindAll(*program);
  const Record rep = SampleRep(*program);
  ScratchBuffer scratch;
  size_t lead = 0;
  int64_t eligible = 0;
  for (auto _ : state) {
    const EvalContext context{&leads[lead], &rep, 1'700'000'000, &scratch};
    for (const Rule& rule : program->rules()) eligible += RepEligible(rule, context);
    lead = (lead + 1) % leads.size();
  }
  benchmark::DoNotOptimize(eligible);
  state.SetItemsProcessed(state.iterations() * 100);
}
BENCHMARK(BM_RequireConditions);

void BM_SimpleComparison(benchmark::State& state) {
  const auto program = CompileOrDie("when quality > 80 prefer 1\n");
  const std::vector<Record> leads = BindAll(*program);
  const Condition& when = *program->rules()[0].when;
  size_t lead = 0;
  int64_t matched = 0;
  for (auto _ : state) {
    const EvalContext context{&leads[lead], nullptr, 0, nullptr};
    matched += Holds(when, context);
    lead = (lead + 1) % leads.size();
  }
  benchmark::DoNotOptimize(matched);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SimpleComparison);

void BM_BindLead(benchmark::State& state) {
  const auto program = CompileOrDie(RuleFile(10));
  size_t lead = 0;
  for (auto _ : state) {
    Record record = program->BindLead(Leads()[lead]);
    benchmark::DoNotOptimize(record);
    lead = (lead + 1) % Leads().size();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BindLead);

void BM_Compile(benchmark::State& state) {
  const std::string text = RuleFile(static_cast<int>(state.range(0)));
  const SourceFile source("bench.rules", text);
  for (auto _ : state) {
    CompileResult result = Compile(source);
    benchmark::DoNotOptimize(result.program);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(text.size()));
}
BENCHMARK(BM_Compile)->Arg(10)->Arg(1000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace leadrouter::dsl

BENCHMARK_MAIN();
