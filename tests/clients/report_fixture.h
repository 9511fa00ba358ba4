// Reports as a server would answer them for a realistic month: a dozen reps over 30 days, leads
// from five sources decided by four rules, one new rep who received nothing yet. Every total is
// the sum of its rows, as the reports define it, so the page's figures can be checked against
// numbers computed here.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "clients/leadctl/report_html.h"

namespace leadrouter::testing {

// 1 Nov 2026, 00:00 UTC: the first day of the fixture's range.
inline constexpr int64_t kFixtureStart = 1793491200;
inline constexpr int kFixtureDays = 30;

// The rep names; the last one joined at the end of the range and has no leads.
inline const std::vector<std::string>& FixtureReps() {
  static const std::vector<std::string> reps = {
      "Ana Souza", "Ben Okafor", "Chloé Martin", "Dev Patel",  "Emma Larsen", "Farid Haddad",
      "Grace Kim", "Hugo Weber", "Inês Duarte",  "Jonas Berg", "Kai Müller",  "Lena Novak"};
  return reps;
}

inline double FixtureGini(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  double sum = 0;
  double weighted = 0;
  for (size_t i = 0; i < values.size(); ++i) {
    sum += values[i];
    weighted += static_cast<double>(2 * i + 1) * values[i];
  }
  const double n = static_cast<double>(values.size());
  return values.size() < 2 || sum == 0 ? 0 : weighted / (n * sum) - 1;
}

inline v1::GroupKey FixtureKey(v1::GroupBy by, const std::string& value, const std::string& label) {
  v1::GroupKey key;
  key.set_group_by(by);
  key.set_value(value);
  key.set_label(label);
  return key;
}

inline leadctl::ReportPage FixtureReportPage() {
  leadctl::ReportPage page;
  page.title = "Leads 1–30 Nov 2026";
  const std::vector<std::string>& reps = FixtureReps();

  // Distribution: uneven on purpose (rep 4 gets a lot, rep 9 few), quality in between.
  v1::DistributionResponse& distribution = page.distribution;
  distribution.set_high_quality_threshold(80);
  int64_t total_leads = 0;
  std::vector<double> counts;
  std::vector<double> qualities;
  for (size_t i = 0; i < reps.size(); ++i) {
    const bool new_hire = i + 1 == reps.size();
    const int64_t leads =
        new_hire ? 0 : 28 + static_cast<int64_t>((i * 7) % 13) + (i == 3 ? 25 : 0);
    const int64_t high = new_hire ? 0 : leads * static_cast<int64_t>(20 + (i * 11) % 30) / 100;
    v1::DistributionRow& row = *distribution.add_rows();
    std::string slug = "reps/rep" + std::to_string(i + 1);
    *row.mutable_key() = FixtureKey(v1::GROUP_BY_REP, slug, reps[i]);
    row.set_leads(leads);
    row.set_high_quality_leads(high);
    row.set_quality_sum(static_cast<double>(high) * 88 + static_cast<double>(leads - high) * 55);
    row.set_quality_mean(leads > 0 ? row.quality_sum() / static_cast<double>(leads) : 0);
    row.set_high_quality_share(leads > 0 ? static_cast<double>(high) / static_cast<double>(leads)
                                         : 0);
    row.set_value_sum(static_cast<double>(leads) * 1200);
    row.set_reassigned_away(static_cast<int64_t>(i % 3));
    total_leads += leads;
    counts.push_back(static_cast<double>(leads));
    qualities.push_back(row.quality_sum());
  }
  v1::DistributionRow& total = *distribution.mutable_total();
  for (v1::DistributionRow& row : *distribution.mutable_rows()) {
    row.set_share(static_cast<double>(row.leads()) / static_cast<double>(total_leads));
    total.set_leads(total.leads() + row.leads());
    total.set_high_quality_leads(total.high_quality_leads() + row.high_quality_leads());
    total.set_quality_sum(total.quality_sum() + row.quality_sum());
    total.set_value_sum(total.value_sum() + row.value_sum());
    total.set_reassigned_away(total.reassigned_away() + row.reassigned_away());
  }
  total.set_share(1);
  total.set_quality_mean(total.quality_sum() / static_cast<double>(total.leads()));
  total.set_high_quality_share(static_cast<double>(total.high_quality_leads()) /
                               static_cast<double>(total.leads()));
  distribution.set_gini_count(FixtureGini(counts));
  distribution.set_gini_quality(FixtureGini(qualities));

  // The fairness per day: calm, with a bad week in the middle.
  page.distribution_by_day.set_high_quality_threshold(80);
  for (int day = 0; day < kFixtureDays; ++day) {
    v1::BucketFairness& bucket = *page.distribution_by_day.add_fairness_by_bucket();
    bucket.mutable_bucket_start()->set_seconds(kFixtureStart + int64_t{day} * 86400);
    const double bad_week = day >= 12 && day < 19 ? 0.25 : 0;
    bucket.set_gini_count(0.08 + 0.04 * std::sin(day * 0.9) + bad_week);
    bucket.set_gini_quality(0.12 + 0.05 * std::cos(day * 0.7) + bad_week * 1.2);
  }
  *page.distribution_by_day.mutable_total() = total;

  // Follow-ups: most reps contact within hours; rep 7 is slow and misses its SLAs.
  v1::FollowUpsRow& followups_total = *page.followups.mutable_total();
  for (size_t i = 0; i < reps.size(); ++i) {
    const v1::DistributionRow& received = distribution.rows(static_cast<int>(i));
    const int64_t leads = received.leads();
    const int64_t contacted = leads - static_cast<int64_t>(i % 4);
    v1::FollowUpsRow& row = *page.followups.add_rows();
    *row.mutable_key() = received.key();
    row.set_leads(leads);
    if (leads == 0) {
      row.set_sla_compliance(1);
      continue;
    }
    row.set_contacted(contacted);
    row.set_contact_rate(static_cast<double>(contacted) / static_cast<double>(leads));
    const bool slow = i == 6;
    const int64_t under_1h = slow ? contacted / 10 : contacted / 2;
    const int64_t to_8h = slow ? contacted / 5 : contacted / 3;
    const int64_t to_24h = slow ? contacted / 3 : contacted / 10;
    row.set_first_contact_under_1h(under_1h);
    row.set_first_contact_1h_to_8h(to_8h);
    row.set_first_contact_8h_to_24h(to_24h);
    row.set_first_contact_24h_or_more(contacted - under_1h - to_8h - to_24h);
    row.mutable_first_contact_median()->set_seconds(slow ? 11 * 3600
                                                         : 2400 + 300 * static_cast<int64_t>(i));
    row.mutable_first_contact_p90()->set_seconds(slow ? 40 * 3600 : 9 * 3600);
    row.mutable_first_contact_mean()->set_seconds(slow ? 15 * 3600 : 3 * 3600);
    row.mutable_first_contact_working_median()->set_seconds(slow ? 5 * 3600 : 1800);
    row.mutable_first_contact_working_p90()->set_seconds(slow ? 16 * 3600 : 4 * 3600);
    row.set_sla_leads(leads * 3 / 4);
    row.set_sla_met(slow ? row.sla_leads() / 2 : row.sla_leads() - static_cast<int64_t>(i % 3));
    row.set_sla_compliance(static_cast<double>(row.sla_met()) /
                           static_cast<double>(row.sla_leads()));
    row.set_breaches(row.sla_leads() - row.sla_met());
    row.set_breaches_reassigned(row.breaches() / 2);
    row.set_breaches_escalated(row.breaches() - row.breaches() / 2);
    row.set_followups(contacted * 2);
    row.set_tasks_overdue(slow ? 6 : static_cast<int64_t>(i % 2));

    followups_total.set_leads(followups_total.leads() + row.leads());
    followups_total.set_contacted(followups_total.contacted() + row.contacted());
    followups_total.set_first_contact_under_1h(followups_total.first_contact_under_1h() + under_1h);
    followups_total.set_first_contact_1h_to_8h(followups_total.first_contact_1h_to_8h() + to_8h);
    followups_total.set_first_contact_8h_to_24h(followups_total.first_contact_8h_to_24h() + to_24h);
    followups_total.set_first_contact_24h_or_more(followups_total.first_contact_24h_or_more() +
                                                  row.first_contact_24h_or_more());
    followups_total.set_sla_leads(followups_total.sla_leads() + row.sla_leads());
    followups_total.set_sla_met(followups_total.sla_met() + row.sla_met());
    followups_total.set_breaches(followups_total.breaches() + row.breaches());
  }
  followups_total.set_contact_rate(static_cast<double>(followups_total.contacted()) /
                                   static_cast<double>(followups_total.leads()));
  followups_total.set_sla_compliance(static_cast<double>(followups_total.sla_met()) /
                                     static_cast<double>(followups_total.sla_leads()));
  // Recomputed over all leads, as the server does: here simply chosen.
  followups_total.mutable_first_contact_median()->set_seconds(3900);  // 1 h 5 min
  followups_total.mutable_first_contact_p90()->set_seconds(14 * 3600);
  followups_total.mutable_first_contact_working_median()->set_seconds(2700);
  followups_total.mutable_first_contact_working_p90()->set_seconds(6 * 3600);

  // Conversion by source and by rule: the same leads split two ways.
  struct Group {
    const char* value;
    const char* label;
    int64_t leads;
    int64_t converted;
    int64_t lost;
  };
  const auto fill = [total_leads](v1::ConversionResponse& report, v1::GroupBy by,
                                  const std::vector<Group>& groups) {
    v1::ConversionRow& sum = *report.mutable_total();
    int64_t rest = total_leads;
    for (size_t g = 0; g < groups.size(); ++g) {
      const Group& group = groups[g];
      v1::ConversionRow& row = *report.add_rows();
      *row.mutable_key() = FixtureKey(by, group.value, group.label);
      // The last group takes what is left, so that the rows add up to the distribution's leads.
      const int64_t leads = g + 1 == groups.size() ? rest : group.leads;
      rest -= leads;
      row.set_leads(leads);
      row.set_converted(group.converted);
      row.set_lost(group.lost);
      row.set_open(leads - group.converted - group.lost);
      row.set_conversion_rate(static_cast<double>(group.converted) / static_cast<double>(leads));
      row.set_win_rate(static_cast<double>(group.converted) /
                       static_cast<double>(group.converted + group.lost));
      row.set_converted_value(static_cast<double>(group.converted) * 4800);
      row.mutable_time_to_convert_mean()->set_seconds(9 * 86400 + 3600 * static_cast<int64_t>(g));
      if (by == v1::GROUP_BY_SOURCE) row.set_predicted_rate(row.conversion_rate() * 0.9 + 0.02);
      sum.set_leads(sum.leads() + row.leads());
      sum.set_converted(sum.converted() + row.converted());
      sum.set_lost(sum.lost() + row.lost());
      sum.set_open(sum.open() + row.open());
      sum.set_converted_value(sum.converted_value() + row.converted_value());
    }
    sum.set_conversion_rate(static_cast<double>(sum.converted()) /
                            static_cast<double>(sum.leads()));
    sum.set_win_rate(static_cast<double>(sum.converted()) /
                     static_cast<double>(sum.converted() + sum.lost()));
    sum.mutable_time_to_convert_mean()->set_seconds(9 * 86400);
  };
  fill(page.conversion_by_source, v1::GROUP_BY_SOURCE,
       {{"web_form", "", 140, 21, 60},
        {"referral", "", 70, 19, 20},
        {"trade_show", "", 60, 9, 25},
        {"partner", "", 50, 11, 15},
        {"", "", 0, 3, 10}});
  fill(page.conversion_by_rule, v1::GROUP_BY_RULE,
       {{"enterprise", "enterprise", 90, 22, 30},
        {"inbound-web", "inbound-web", 180, 27, 70},
        {"manual", "manual", 12, 2, 4},
        {"otherwise", "otherwise", 0, 12, 26}});
  return page;
}

// A backtest of the same month: the candidate rules spread the leads more evenly.
inline v1::BacktestResponse FixtureBacktest() {
  v1::BacktestResponse backtest;
  const leadctl::ReportPage page = FixtureReportPage();
  backtest.set_version(7);
  backtest.mutable_actual()->set_high_quality_threshold(80);
  backtest.mutable_candidate()->set_high_quality_threshold(80);
  const int64_t leads = page.distribution.total().leads();
  const auto& rows = page.distribution.rows();
  std::vector<double> actual_counts;
  std::vector<double> candidate_counts;
  std::vector<double> candidate_qualities;
  for (int i = 0; i < rows.size(); ++i) {
    v1::RepTally& actual = *backtest.mutable_actual()->add_reps();
    actual.set_rep(rows[i].key().value());
    actual.set_display_name(rows[i].key().label());
    actual.set_count(static_cast<int32_t>(rows[i].leads()));
    actual.set_high_quality_count(static_cast<int32_t>(rows[i].high_quality_leads()));
    actual.set_quality_sum(rows[i].quality_sum());
    actual.set_quality_mean(rows[i].quality_mean());
    v1::RepTally candidate = actual;
    candidate.set_count(
        static_cast<int32_t>(leads / rows.size() + (i < leads % rows.size() ? 1 : 0)));
    candidate.set_high_quality_count(candidate.count() / 3);
    candidate.set_quality_sum(candidate.high_quality_count() * 88.0 +
                              (candidate.count() - candidate.high_quality_count()) * 55.0);
    candidate.set_quality_mean(candidate.quality_sum() / candidate.count());
    candidate_qualities.push_back(candidate.quality_sum());
    *backtest.mutable_candidate()->add_reps() = candidate;
    actual_counts.push_back(actual.count());
    candidate_counts.push_back(candidate.count());
  }
  backtest.set_leads(static_cast<int32_t>(leads));
  backtest.mutable_actual()->set_leads(backtest.leads());
  backtest.mutable_candidate()->set_leads(backtest.leads());
  backtest.mutable_actual()->set_gini_count(FixtureGini(actual_counts));
  backtest.mutable_candidate()->set_gini_count(FixtureGini(candidate_counts));
  backtest.mutable_actual()->set_gini_quality(page.distribution.gini_quality());
  backtest.mutable_candidate()->set_gini_quality(FixtureGini(candidate_qualities));
  for (int i = 0; i < 40; ++i) {
    v1::BacktestChange& change = *backtest.add_changes();
    change.set_lead("leads/L" + std::to_string(1000 + i));
    change.set_actual_rep("reps/rep4");
    change.set_candidate_rep("reps/rep" + std::to_string(12 - i % 3));
    change.set_candidate_outcome(v1::OUTCOME_ASSIGNED);
    change.mutable_candidate_rule()->set_name("inbound-web");
    change.mutable_candidate_rule()->set_index(2);
  }
  backtest.set_changed(40);
  return backtest;
}

}  // namespace leadrouter::testing
