// Helpers for decision tests: compile rules, make reps and leads, run leads through Decide with an
// in-memory state, one second apart.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "dsl/base/diagnostics.h"
#include "dsl/compile/compiler.h"
#include "dsl/decision/decide.h"
#include "dsl/decision/in_memory_decision_state.h"
#include "dsl/decision/roster.h"

namespace leadrouter::dsl::testing {

inline std::shared_ptr<const Program> CompileOrDie(const std::string& text) {
  const SourceFile source("test.rules", text);
  CompileResult result = Compile(source);
  if (result.program == nullptr) {
    ADD_FAILURE() << "rules do not compile:\n" << RenderText(source, result.diagnostics);
  }
  return result.program;
}

inline RepInfo Rep(std::string id, std::vector<Attribute> attributes = {}) {
  RepInfo rep;
  rep.id = std::move(id);
  rep.attributes = std::move(attributes);
  return rep;
}

// A program, a roster bound to it, an in-memory state and a clock that the test advances.
class Router {
 public:
  Router(const std::string& rules, std::vector<RepInfo> reps,
         PeriodCalendar calendar = PeriodCalendar())
      : program_(CompileOrDie(rules)), calendar_(std::move(calendar)) {
    Rebind(std::move(reps));
  }

  void Rebind(std::vector<RepInfo> reps) {
    if (program_ == nullptr) return;
    absl::StatusOr<Roster> roster = Roster::Bind(program_, std::move(reps));
    ASSERT_TRUE(roster.ok()) << roster.status();
    roster_ = std::make_unique<Roster>(*std::move(roster));
  }

  // Decides and commits. Returns the picked rep id, or "" when unassigned.
  std::string Assign(const std::vector<Attribute>& lead, int64_t at = -1,
                     const std::vector<std::string>& excluded = {}) {
    Decision d = DecideOnly(lead, at, excluded);
    if (d.delta) state_.Apply(*d.delta);
    return d.rep_id;
  }

  Decision DecideOnly(const std::vector<Attribute>& lead, int64_t at = -1,
                      const std::vector<std::string>& excluded = {}, bool explain = true) {
    if (program_ == nullptr || roster_ == nullptr) return Decision{};
    if (at >= 0) now_ = at;
    const Record bound = program_->BindLead(lead);
    DecideOptions options;
    options.excluded_rep_ids = excluded;
    options.explain = explain;
    absl::StatusOr<Decision> d =
        Decide(*program_, bound, *roster_, state_, DecisionTime{now_, ++sequence_}, calendar_,
               options, workspace_);
    if (!d.ok()) {
      ADD_FAILURE() << d.status();
      return Decision{};
    }
    ++now_;
    return *std::move(d);
  }

  std::vector<std::string> AssignMany(int n, const std::vector<Attribute>& lead = {}) {
    std::vector<std::string> picks;
    for (int i = 0; i < n; ++i) picks.push_back(Assign(lead));
    return picks;
  }

  const Program& program() const { return *program_; }
  const Roster& roster() const { return *roster_; }
  InMemoryDecisionState& state() { return state_; }
  int64_t now() const { return now_; }
  void set_now(int64_t now) { now_ = now; }

 private:
  std::shared_ptr<const Program> program_;
  PeriodCalendar calendar_;
  std::unique_ptr<Roster> roster_;
  InMemoryDecisionState state_;
  DecisionWorkspace workspace_;
  int64_t now_ = 1767261600;  // 2026-01-01T10:00:00Z, a Thursday
  uint64_t sequence_ = 0;
};

inline std::vector<Attribute> Lead(double quality) { return {{"quality", quality}}; }

// Three reps with no attributes: a, b, c.
inline std::vector<RepInfo> ThreeReps() { return {Rep("a"), Rep("b"), Rep("c")}; }

inline RepInfo WithStatus(RepInfo rep, RepStatus status) {
  rep.status = status;
  return rep;
}

// How many leads each rep received.
inline std::map<std::string, int> Count(const std::vector<std::string>& picks) {
  std::map<std::string, int> counts;
  for (const std::string& p : picks) ++counts[p];
  return counts;
}

}  // namespace leadrouter::dsl::testing
