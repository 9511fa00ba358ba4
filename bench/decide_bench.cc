// Decision throughput: Decide over 100 rules x 1,000 reps, and the offline dry run over 1,000,000
// synthetic leads with the example roster and quick-start rules. Figures: docs/performance.md.
// GCC 12 reports a false -Wrestrict in std::string appends (GCC bug 105329).
#pragma GCC diagnostic ignored "-Wrestrict"

#include <benchmark/benchmark.h>

#include <random>
#include <span>
#include <string>
#include <vector>

#include "dsl/compile/compiler.h"
#include "dsl/data/dataset.h"
#include "dsl/decision/decide.h"
#include "dsl/decision/dry_run.h"
#include "dsl/decision/in_memory_decision_state.h"

namespace leadrouter::dsl {
namespace {

std::shared_ptr<const Program> CompileText(const std::string& text) {
  const SourceFile source("bench.rules", text);
  CompileResult result = Compile(source);
  if (result.program == nullptr) std::abort();
  return result.program;
}

// The timed loop both decision benchmarks share: each iteration decides the next of `leads` (in
// turn) over the whole roster, one second and one sequence number after the last, and applies its
// delta, as the writer does.
void TimeDecisions(benchmark::State& state, const Program& program, std::span<const Record> leads,
                   const Roster& roster, bool explain, bool bounded = false) {
  InMemoryDecisionState decision_state;
  DecisionWorkspace workspace;
  const PeriodCalendar calendar;
  DecideOptions options;
  options.explain = explain;
  if (bounded) options.bound = ExplanationBound{};
  uint64_t sequence = 0;
  for (auto _ : state) {
    ++sequence;
    absl::StatusOr<Decision> d =
        Decide(program, leads[sequence % leads.size()], roster, decision_state,
               DecisionTime{1767603600 + static_cast<int64_t>(sequence), sequence}, calendar,
               options, workspace);
    if (!d.ok() || !d->delta) std::abort();
    decision_state.Apply(*d->delta);
    benchmark::DoNotOptimize(d->rep_index);
  }
  state.SetItemsProcessed(state.iterations());
}

// 100 rules on distinct sources; the lead matches the last one, so every `when` runs and one rule
// filters, ranks and picks among 1,000 reps.
void BM_Decide100Rules1000Reps(benchmark::State& state) {
  std::string rules;
  for (int r = 0; r < 100; ++r) {
    const std::string n = std::to_string(r);
    rules += "rule \"r";
    rules += n;
    rules += "\" when source == \"s";
    rules += n;
    rules +=
        "\" and quality >= 10 require level >= 2 and skill(\"tech\") >= 1 prefer skill(\"tech\") "
        "distribute least_loaded cap 1000000/day\n";
  }
  const auto program = CompileText(rules);
  std::vector<RepInfo> reps;
  std::mt19937 random(7);
  for (int i = 0; i < 1000; ++i) {
    RepInfo rep;
    rep.id = "rep";
    rep.id += std::to_string(i);
    rep.attributes = {{"level", static_cast<double>(1 + random() % 5)},
                      {"skills", SkillMap{{"tech", static_cast<double>(random() % 3)}}}};
    reps.push_back(std::move(rep));
  }
  const Roster roster = *Roster::Bind(program, std::move(reps));
  const Record leads[] = {program->BindLead({{"source", std::string("s99")}, {"quality", 50.0}})};
  TimeDecisions(state, *program, leads, roster, /*explain=*/state.range(0) != 0);
}
BENCHMARK(BM_Decide100Rules1000Reps)
    ->Arg(0)
    ->Arg(1)
    ->ArgNames({"explain"})
    ->Unit(benchmark::kMicrosecond);

// A roster of N reps in 10 teams and quick-start-shaped rules: a team rule, a skill rule with a
// prefer key, a threshold rule and an otherwise, all with a `require`, most with a cap. The leads
// take turns through the four rules, so each iteration is one decision (its delta applied) over
// the whole roster (the team rule over a tenth of it). Issue #13's targets: <= 60 us of CPU per
// decision at 1,000 reps, <= 0.5 ms at 10,000.
constexpr char kRosterRules[] = R"(rule "big deals"
  when value >= 1_000_000
  team "t0"
  require level >= 3
  distribute balanced(quality)
  cap 10/day
rule "tech"
  when industry == "tech"
  require skill("tech") >= 3
  prefer skill("tech")
  distribute least_loaded
  cap 30/day
rule "hot"
  when quality >= 80
  require level >= 2
  distribute balanced(quality)
  cap 30/day
otherwise
  require level >= 1
  distribute round_robin
)";

void BM_DecideRoster(benchmark::State& state) {
  const auto program = CompileText(kRosterRules);
  const int rep_count = static_cast<int>(state.range(0));
  std::vector<RepInfo> reps;
  std::mt19937 random(11);
  for (int i = 0; i < rep_count; ++i) {
    RepInfo rep;
    rep.id = "rep" + std::to_string(i);
    rep.team = "t" + std::to_string(i % 10);
    if (i % 50 == 7) rep.status = RepStatus::kAway;
    if (i % 20 == 3) rep.daily_cap = 40;
    rep.attributes = {{"level", static_cast<double>(1 + random() % 5)},
                      {"skills", SkillMap{{"tech", static_cast<double>(random() % 6)}}}};
    reps.push_back(std::move(rep));
  }
  const Roster roster = *Roster::Bind(program, std::move(reps));
  const Record leads[] = {
      program->BindLead({{"value", 2'000'000.0}, {"quality", 60.0}}),
      program->BindLead({{"industry", std::string("tech")}, {"quality", 50.0}}),
      program->BindLead({{"quality", 90.0}}),
      program->BindLead({{"quality", 30.0}}),
  };
  // explain: 0 none, 1 every candidate (dry runs), 2 bounded (what the server stores).
  TimeDecisions(state, *program, leads, roster, /*explain=*/state.range(1) != 0,
                /*bounded=*/state.range(1) == 2);
}
BENCHMARK(BM_DecideRoster)
    ->ArgsProduct({{12, 100, 1000, 10000}, {0, 1, 2}})
    ->ArgNames({"reps", "explain"})
    ->Unit(benchmark::kMicrosecond);

std::vector<LeadRow> SyntheticLeads(size_t n) {
  static const char* kIndustries[] = {"IT Projects Management", "Finance Management",
                                      "Marketing Management", "E-COMMERCE",
                                      "Healthcare Management"};
  static const char* kSources[] = {"Google", "Direct Traffic", "Olark Chat", "Organic Search",
                                   "Reference"};
  std::mt19937_64 random(42);
  std::vector<LeadRow> leads(n);
  for (size_t i = 0; i < n; ++i) {
    LeadRow& lead = leads[i];
    lead.id = "L";
    lead.id += std::to_string(i);
    lead.attributes = {{"id", lead.id},
                       {"source", std::string(kSources[random() % 5])},
                       {"industry", std::string(kIndustries[random() % 5])},
                       {"quality", static_cast<double>(random() % 101)},
                       {"value", static_cast<double>((random() % 40) * 100000)}};
  }
  return leads;
}

void BM_DryRunMillionLeads(benchmark::State& state) {
  const std::string root = LEADROUTER_SOURCE_DIR;
  absl::StatusOr<SourceFile> source = ReadSourceFile(root + "/examples/rules/quick-start.rules");
  if (!source.ok()) std::abort();
  const auto program = Compile(*source).program;
  const std::vector<RepInfo> reps = *ReadRepsFile(root + "/examples/reps.csv");
  const size_t n = static_cast<size_t>(state.range(0));
  const std::vector<LeadRow> leads = SyntheticLeads(n);
  DryRunOptions options;
  options.rate_per_hour = 3600;  // one a second: about 11.6 days for a million leads
  for (auto _ : state) {
    absl::StatusOr<DryRunResult> result = RunDryRun(program, reps, leads, options);
    if (!result.ok()) std::abort();
    benchmark::DoNotOptimize(result->summary.assigned);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(n));
}
BENCHMARK(BM_DryRunMillionLeads)->Arg(1000000)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace
}  // namespace leadrouter::dsl
BENCHMARK_MAIN();
