#include "server/roster/rep_performance_tracker.h"

#include <unordered_set>
#include <utility>

#include "dsl/base/schema.h"
#include "google/protobuf/util/time_util.h"
#include "server/api/dsl_binding.h"
#include "storage/span_facts.h"

namespace leadrouter::server {

namespace v1 = leadrouter::v1;
using google::protobuf::util::TimeUtil;

EntryFacts FactsOf(const v1::Assignment& entry, const v1::Lead& lead) {
  EntryFacts facts;
  facts.lead = entry.lead();
  if (entry.kind() == v1::ASSIGNMENT_KIND_CLOSE) {
    facts.kind = lead.state() == v1::LEAD_STATE_CONVERTED ? EntryFacts::Kind::kConverted
                 : lead.state() == v1::LEAD_STATE_LOST    ? EntryFacts::Kind::kLost
                                                          : EntryFacts::Kind::kEnded;
    return facts;
  }
  // The span rules of the reports' rows (storage/span_facts.h).
  if (storage::MadeOwner(entry)) {
    facts.kind = EntryFacts::Kind::kNewOwner;
    facts.rep = IdOf(entry.rep());
    facts.start_us = TimeUtil::TimestampToMicroseconds(entry.decide_time());
    if (entry.has_sla_deadline()) {
      facts.sla_deadline_us = TimeUtil::TimestampToMicroseconds(entry.sla_deadline());
    }
  } else if (storage::EndsOwnership(entry, entry.previous_rep())) {
    facts.kind = EntryFacts::Kind::kEnded;
  }
  return facts;
}

void RepPerformanceTracker::Record(const EntryFacts& facts) {
  const std::lock_guard lock(mu_);
  switch (facts.kind) {
    case EntryFacts::Kind::kNone:
      return;
    case EntryFacts::Kind::kNewOwner:
      ledger_.Assigned(facts.lead, facts.rep, facts.start_us, facts.sla_deadline_us);
      return;
    case EntryFacts::Kind::kEnded:
      ledger_.Ended(facts.lead);
      return;
    case EntryFacts::Kind::kConverted:
    case EntryFacts::Kind::kLost:
      ledger_.Closed(facts.lead, facts.kind == EntryFacts::Kind::kConverted);
      return;
  }
}

void RepPerformanceTracker::RecordFollowUp(const v1::FollowUp& followup) {
  if (!followup.first_contact()) return;
  const std::lock_guard lock(mu_);
  ledger_.FirstContact(followup.lead(), IdOf(followup.rep()),
                       TimeUtil::TimestampToMicroseconds(followup.contact_time()),
                       followup.within_sla());
}

void RepPerformanceTracker::Fill(absl::FunctionRef<void(dsl::PerformanceLedger&)> fill) {
  const std::lock_guard lock(mu_);
  fill(ledger_);
}

std::shared_ptr<const std::vector<dsl::RepPerformance>> RepPerformanceTracker::Figures(
    const dsl::Roster& roster, int64_t now_us) {
  const std::lock_guard lock(mu_);
  const dsl::RepIdList ids = roster.id_list();
  if (figures_ != nullptr && figures_generation_ == ids.generation &&
      figures_version_ == ledger_.version() && now_us >= figures_from_us_ &&
      now_us < figures_until_us_) {
    return figures_;
  }
  if (now_us > latest_us_) {
    latest_us_ = now_us;
    ledger_.Forget(now_us - window_us());
  }
  const auto tallies = ledger_.TalliesAt(now_us, window_us());
  std::vector<dsl::RepOutcomes> reps;
  reps.reserve(ids.ids.size() + tallies.size());
  std::unordered_set<const dsl::OutcomeTally*> in_roster;
  for (size_t i = 0; i < ids.ids.size(); ++i) {
    const auto it = tallies.find(ids.ids[i]);
    const dsl::OutcomeTally* tally = it == tallies.end() ? nullptr : &it->second;
    if (tally != nullptr) in_roster.insert(tally);
    reps.push_back({roster.record(i).Get(dsl::rep_slot::kTeam).string_value(), tally});
  }
  // Reps no longer in the roster still count for the organisation.
  for (const auto& [rep, tally] : tallies) {
    if (!in_roster.contains(&tally)) reps.push_back({"", &tally});
  }
  std::vector<dsl::RepPerformance> figures = dsl::PerformanceOf(reps, options_.prior);
  figures.resize(ids.ids.size());
  figures_ = std::make_shared<const std::vector<dsl::RepPerformance>>(std::move(figures));
  figures_generation_ = ids.generation;
  figures_version_ = ledger_.version();
  figures_from_us_ = now_us;
  figures_until_us_ = ledger_.NextChangeAfter(now_us, window_us());
  return figures_;
}

}  // namespace leadrouter::server
