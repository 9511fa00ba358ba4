#include "dsl/decision/rep_performance.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>

#include "dsl/base/percentile.h"

namespace leadrouter::dsl {
namespace {

constexpr double kMicrosPerHour = 3600.0 * 1'000'000;

// (count-weighted evidence + k * prior) / (n + k); the prior alone when there is no evidence.
double Toward(double evidence, double n, double prior, double strength) {
  if (n + strength <= 0) return prior;
  return (evidence + strength * prior) / (n + strength);
}

}  // namespace

void OutcomeTally::Add(const SpanOutcome& span, int64_t now_us) {
  if (span.converted.has_value()) {
    closed += 1;
    if (*span.converted) converted += 1;
  }
  if (span.first_contact_us.has_value()) {
    first_contact_us.push_back(std::max<int64_t>(0, *span.first_contact_us - span.start_us));
  }
  if (span.sla_deadline_us.has_value() && (span.sla_met || *span.sla_deadline_us <= now_us)) {
    sla_decided += 1;
    if (span.sla_met) sla_met += 1;
  }
}

void OutcomeTally::Add(const OutcomeTally& other) {
  converted += other.converted;
  closed += other.closed;
  sla_met += other.sla_met;
  sla_decided += other.sla_decided;
  first_contact_us.insert(first_contact_us.end(), other.first_contact_us.begin(),
                          other.first_contact_us.end());
}

RepPerformance Shrink(const OutcomeTally& own, const RepPerformance& prior, double strength) {
  RepPerformance shrunk;
  shrunk.conversion_rate = Toward(static_cast<double>(own.converted),
                                  static_cast<double>(own.closed), prior.conversion_rate, strength);
  shrunk.sla_compliance =
      Toward(static_cast<double>(own.sla_met), static_cast<double>(own.sla_decided),
             prior.sla_compliance, strength);
  if (own.first_contact_us.empty()) {
    shrunk.median_first_contact_hours = prior.median_first_contact_hours;
  } else {
    std::vector<int64_t> sorted = own.first_contact_us;
    std::sort(sorted.begin(), sorted.end());
    const double median = static_cast<double>(NearestRankPercentile(sorted, 0.5)) / kMicrosPerHour;
    const auto n = static_cast<double>(sorted.size());
    shrunk.median_first_contact_hours =
        Toward(n * median, n, prior.median_first_contact_hours, strength);
  }
  return shrunk;
}

std::vector<RepPerformance> PerformanceOf(std::span<const RepOutcomes> reps, double strength) {
  OutcomeTally organisation;
  std::map<std::string_view, OutcomeTally> teams;
  for (const RepOutcomes& rep : reps) {
    if (rep.tally == nullptr) continue;
    organisation.Add(*rep.tally);
    if (!rep.team.empty()) teams[rep.team].Add(*rep.tally);
  }
  const RepPerformance org = Shrink(organisation, kNeutralPerformance, strength);
  std::map<std::string_view, RepPerformance> team_figures;
  for (const auto& [team, tally] : teams) team_figures.emplace(team, Shrink(tally, org, strength));

  static const OutcomeTally kNoFacts;
  std::vector<RepPerformance> figures;
  figures.reserve(reps.size());
  for (const RepOutcomes& rep : reps) {
    const auto team = rep.team.empty() ? team_figures.end() : team_figures.find(rep.team);
    // A team none of whose members has facts has the organisation's figures.
    const RepPerformance& prior = team == team_figures.end() ? org : team->second;
    figures.push_back(Shrink(rep.tally == nullptr ? kNoFacts : *rep.tally, prior, strength));
  }
  return figures;
}

}  // namespace leadrouter::dsl
