// Rule-language evaluation speed on real leads (examples/data/leads-x-education.csv).
//
//   BM_WhenConditions/N   every `when` of an N-rule program on one lead per iteration;
//                         items/s = conditions evaluated per second
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
