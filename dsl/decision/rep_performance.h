// Rep performance as rule fields: `conversion_rate`, `median_first_contact_hours` and
// `sla_compliance`, computed from the outcomes of the leads each rep received inside a window and
// shrunk toward the rep's team, the team toward the organisation, and the organisation toward a
// neutral value, so that a rep with two leads is neither 0% nor 100% (docs/language.md, "Rep
// performance").
//
// Pure: no clock and no storage. The caller collects the facts (performance_ledger.h keeps them
// as outcomes arrive) and hands in the time; the same facts give the same figures.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace leadrouter::dsl {

// The three figures a decision reads as rep fields.
struct RepPerformance {
  // Converted over closed (converted + lost) leads that closed in the rep's hands.
  double conversion_rate = 0;
  // Wall-clock hours from receiving a lead to its first contact (the median, nearest rank).
  double median_first_contact_hours = 0;
  // Met over decided SLAs (met, or the first deadline passed without a contact in time).
  double sla_compliance = 0;

  friend bool operator==(const RepPerformance&, const RepPerformance&) = default;
};

// What an organisation with no outcomes at all gets: nothing tells reps apart, so every rep has
// the same figures, and `require` thresholds in their natural direction (`sla_compliance > 0.8`,
// `median_first_contact_hours < 4`) hold, so a new installation routes as if they were absent.
// 0.5 for conversion is the mean of the uniform prior: no evidence either way.
inline constexpr RepPerformance kNeutralPerformance{0.5, 0.0, 1.0};

// Leads' worth of evidence the prior counts for (k in the formulas). Default of
// `--performance-prior`.
inline constexpr double kDefaultPerformancePrior = 10;

// One owner span: the time a lead stayed with one owner, with what the reports count of it
// (server/reports/: conversion and follow-ups reports).
struct SpanOutcome {
  // When the owner got the lead (the entry's decide time): the window reads this, as the reports'
  // time range does.
  int64_t start_us = 0;
  // Closed in the owner's hands: true converted, false lost; unset while open, or when the span
  // ended otherwise (reassigned, released, closed another way).
  std::optional<bool> converted;
  // The owner's first contact in the span (its contact time).
  std::optional<int64_t> first_contact_us;
  // The SLA's first deadline, when the assignment had one; met by a first contact within it.
  std::optional<int64_t> sla_deadline_us;
  bool sla_met = false;
};

// The counts of some spans at one instant.
struct OutcomeTally {
  int64_t converted = 0;
  int64_t closed = 0;  // converted + lost
  int64_t sla_met = 0;
  int64_t sla_decided = 0;  // met, or deadline passed without
  // Wall-clock µs from receiving each contacted lead to its first contact, as the reports count.
  std::vector<int64_t> first_contact_us;

  // Counts `span` as it stands at `now_us` (an SLA whose deadline is still ahead and not met is
  // not decided yet).
  void Add(const SpanOutcome& span, int64_t now_us);
  void Add(const OutcomeTally& other);
};

// `own` shrunk toward `prior` with `strength` (k) leads' worth of evidence:
//   conversion_rate            = (converted + k * prior) / (closed + k)
//   sla_compliance             = (met + k * prior) / (decided + k)
//   median_first_contact_hours = (n * median + k * prior) / (n + k), n contacted leads, the
//                                median the reports' nearest rank (dsl/base/percentile.h), in hours
// With no evidence (or k = infinity) the prior; k = 0 the raw figure (the prior where none).
RepPerformance Shrink(const OutcomeTally& own, const RepPerformance& prior, double strength);

// One rep's facts and team, as PerformanceOf reads them.
struct RepOutcomes {
  std::string_view team;                // empty: no team, the rep's prior is the organisation's
  const OutcomeTally* tally = nullptr;  // null: no facts
};

// The figures of each rep of `reps` (same order): the organisation is every rep's facts shrunk
// toward kNeutralPerformance, a team its members' facts shrunk toward the organisation, a rep
// its own facts shrunk toward its team. Include reps that are gone but had outcomes: they count
// for the organisation.
std::vector<RepPerformance> PerformanceOf(std::span<const RepOutcomes> reps, double strength);

}  // namespace leadrouter::dsl
