// LeadQueries::ExplainRep: one rep's trace of a past decision, recomputed from the decision's
// inputs (lead_queries.h says which and from where).
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "dsl/base/status_macros.h"
#include "dsl/decision/decide.h"
#include "server/api/dsl_binding.h"
#include "server/api/errors.h"
#include "server/api/explanation_proto.h"
#include "server/assign/lead_queries.h"
#include "server/rules/rule_registry.h"
#include "storage/counter_replay.h"
#include "storage/rep_store.h"
#include "storage/rule_version_store.h"

namespace leadrouter::server {

namespace v1 = leadrouter::v1;

absl::StatusOr<v1::Explanation> LeadQueries::ExplainRep(const storage::ReadView& view,
                                                        const storage::HistoryRecord& entry,
                                                        const v1::Explanation& stored,
                                                        const std::string& rep) const {
  const uint64_t sequence = entry.sequence();
  const std::string& name = entry.assignment().name();
  // The roster as the decision saw it.
  ASSIGN_OR_RETURN(const std::vector<v1::Rep> reps, storage::RepsAsOf(view, sequence));
  std::vector<dsl::RepInfo> infos;
  infos.reserve(reps.size());
  bool on_roster = false;
  for (const v1::Rep& r : reps) {
    on_roster = on_roster || r.name() == rep;
    infos.push_back(ToRepInfo(r));
  }
  if (!on_roster) {
    return NotFound(
        rep, absl::StrCat("rep: ", rep, " was not on the roster when ", name, " was decided"));
  }
  // The rule version's program, compiled as the registry compiles it.
  ASSIGN_OR_RETURN(std::optional<v1::RuleVersion> version,
                   storage::ReadRuleVersion(view, static_cast<uint64_t>(stored.rule_version())));
  if (!version.has_value()) {
    return absl::DataLossError(
        absl::StrCat(name, " names rule version ", stored.rule_version(), ", which is not stored"));
  }
  const RuleRegistry::Compiled compiled =
      RuleRegistry::CompileSource(version->file_name(), version->source());
  if (compiled.has_errors) {
    return Precondition("RULE_ERRORS", version->name(),
                        absl::StrCat(version->name(), " no longer compiles"));
  }
  ASSIGN_OR_RETURN(dsl::Roster roster, dsl::Roster::Bind(compiled.program, std::move(infos)));
  // The counters as the decision read them.
  ASSIGN_OR_RETURN(const std::unique_ptr<storage::CountersAsOf> counters,
                   storage::CountersAsOf::Replay(view, sequence));

  const dsl::Program& program = *compiled.program;
  const dsl::Record lead = program.BindLead(LeadAttributes(stored.lead_snapshot()));
  std::vector<std::string> excluded;
  for (const std::string& r : stored.excluded_reps()) excluded.push_back(IdOf(r));
  dsl::DecideOptions options;
  options.excluded_rep_ids = excluded;
  options.rule_version = stored.rule_version();
  options.lead_id = IdOf(stored.lead());
  options.max_explained_candidates = std::numeric_limits<size_t>::max();
  dsl::DecisionWorkspace workspace;
  ASSIGN_OR_RETURN(dsl::Decision decision, dsl::Decide(program, lead, roster, counters->state(),
                                                       {stored.decide_time().seconds(), sequence},
                                                       calendar_, options, workspace));
  // Determinism makes this the decision that was made; should an input have been lost (a
  // database restored without part of its history), say so rather than explain another one.
  const std::string picked = decision.rep_id.empty() ? "" : RepName(decision.rep_id);
  if (ToOutcomeProto(decision.outcome) != stored.outcome() || picked != stored.rep()) {
    return Precondition(
        "NOT_REPRODUCIBLE", name,
        absl::StrCat("recomputing ", name, " gives ", picked.empty() ? "no rep" : picked,
                     " instead of ", stored.rep().empty() ? "no rep" : stored.rep(),
                     ": its inputs are no longer all stored"));
  }
  // Only this rep's trace in each rule.
  dsl::Explanation& ex = decision.explanation;
  const std::optional<size_t> index = roster.Find(IdOf(rep));
  for (dsl::RuleTrace& rule : ex.rules) {
    std::erase_if(rule.candidates,
                  [&](const dsl::CandidateTrace& c) { return !index || c.rep != *index; });
  }
  ex.truncated = true;
  v1::Explanation out = ToExplanationProto(ex, *compiled.source);
  out.set_assignment(stored.assignment());
  *out.mutable_lead_snapshot() = stored.lead_snapshot();
  return out;
}

}  // namespace leadrouter::server
