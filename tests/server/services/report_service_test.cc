// ReportService through real gRPC on an in-process server with a simulated clock. Each test keeps
// its own ledger of what it did (which rep each Assign returned, the quality and value it sent,
// when it followed up or closed) and computes the figures it expects from that ledger alone, with
// its own Gini and percentile, never by calling the code under test.
#include <google/protobuf/util/time_util.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/message_differencer.h"
#include "leadrouter/v1/reports.grpc.pb.h"
#include "rocksdb/write_batch.h"
#include "server/api/clock.h"
#include "status_matchers.h"
#include "storage/keys.h"
#include "storage/layout.h"
#include "storage/lead_store.h"
#include "storage/span_facts.h"
#include "storage/storage.h"
#include "storage/value_codec.h"
#include "tests/server/server_harness.h"
#include "tests/server/test_fixtures.h"

namespace leadrouter::testing {
namespace {

using google::protobuf::util::TimeUtil;

// Every lead round robin among the ACTIVE reps; first contact due within 4 hours (then the lead
// is reassigned), and a phone task due within 2 hours.
constexpr char kRules[] = R"(rule "web"
  when source == "web"
  distribute round_robin
  sla 4h then reassign
  followup phone within 2h

rule "other"
  when source != "web"
  distribute round_robin
  sla 4h then reassign
  followup phone within 2h
)";
// dee is OFF: she receives nothing and is left out of fairness.
constexpr char kReps[] =
    "id,name,team,status,level\nana,Ana,north,active,3\nben,Ben,north,active,1\n"
    "cy,Cy,south,active,2\ndee,Dee,south,off,2\n";

// Monday 2026-11-02 09:00 UTC.
const absl::Time kStart = absl::FromUnixSeconds(1'793'610'000);

// The pairwise definition, sum |x_i - x_j| / (2 n^2 mean): 0 for fewer than two or all zero.
double ExpectedGini(const std::vector<double>& values) {
  const double n = static_cast<double>(values.size());
  double sum = 0;
  for (const double v : values) sum += v;
  if (values.size() < 2 || sum <= 0) return 0;
  double differences = 0;
  for (const double a : values) {
    for (const double b : values) differences += std::abs(a - b);
  }
  return differences / (2 * n * n * (sum / n));
}

// Nearest rank: the smallest value with at least p of the values at or below it.
absl::Duration ExpectedPercentile(std::vector<absl::Duration> values, double p) {
  std::sort(values.begin(), values.end());
  const size_t rank = static_cast<size_t>(std::ceil(p * static_cast<double>(values.size())));
  return values[std::max<size_t>(rank, 1) - 1];
}

absl::Duration FromProto(const google::protobuf::Duration& duration) {
  return absl::Microseconds(TimeUtil::DurationToMicroseconds(duration));
}

// One span of the ledger: a lead given to a rep.
struct Span {
  std::string lead;
  std::string rep;
  std::string source;
  double quality = 0;
  double value = 0;
  absl::Time at;
  bool reassigned_away = false;
};

class ReportTest : public ::testing::Test {
 protected:
  ReportTest()
      : clock_(kStart),
        server_({.rules = kRules, .reps_csv = kReps, .configure = [this](server::ServerOptions& o) {
                   o.clock = &clock_;
                   o.sla_sweep_interval = std::chrono::milliseconds(0);  // the test sweeps
                 }}) {}
  void SetUp() override {
    ASSERT_OK(server_.status());
    reports_ = v1::ReportService::NewStub(
        grpc::CreateChannel(server_.address(), grpc::InsecureChannelCredentials()));
  }

  // Assigns a new lead now and records the span.
  Span& Assign(const std::string& id, const std::string& source, double quality, double value) {
    v1::Lead lead = MakeLead(id, source, quality);
    lead.set_value(value);
    v1::AssignResponse response;
    const grpc::Status status = server_.Call([&](grpc::ClientContext* c) {
      return server_.assignments().Assign(c, AssignOf(lead), &response);
    });
    EXPECT_TRUE(status.ok()) << status.error_message();
    EXPECT_FALSE(response.assignment().rep().empty());
    spans_.push_back(
        Span{lead.name(), response.assignment().rep(), source, quality, value, clock_.Now()});
    return spans_.back();
  }
  // The current span of `lead`.
  Span& Current(const std::string& lead) {
    for (auto it = spans_.rbegin(); it != spans_.rend(); ++it) {
      if (it->lead == lead) return *it;
    }
    ADD_FAILURE() << "no span of " << lead;
    return spans_.front();
  }
  // Moves `lead` to `rep` by hand now; the old span was reassigned away.
  void MoveTo(const std::string& lead, const std::string& rep) {
    v1::ReassignRequest request;
    request.set_lead(lead);
    request.set_rep(rep);
    request.set_actor("manager");
    request.set_reason("moved by hand");
    request.set_force(true);
    v1::ReassignResponse response;
    const grpc::Status status = server_.Call([&](grpc::ClientContext* c) {
      return server_.assignments().Reassign(c, request, &response);
    });
    ASSERT_TRUE(status.ok()) << status.error_message();
    Span moved = Current(lead);
    Current(lead).reassigned_away = true;
    moved.rep = rep;
    moved.at = clock_.Now();
    spans_.push_back(moved);
  }
  void FollowUp(const std::string& lead, v1::Channel channel, v1::FollowUpOutcome outcome) {
    v1::RecordFollowUpRequest request;
    request.mutable_followup()->set_lead(lead);
    request.mutable_followup()->set_channel(channel);
    request.mutable_followup()->set_outcome(outcome);
    v1::RecordFollowUpResponse response;
    const grpc::Status status = server_.Call([&](grpc::ClientContext* c) {
      return server_.followups().RecordFollowUp(c, request, &response);
    });
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  void Close(const std::string& lead, v1::CloseResolution resolution) {
    v1::CloseLeadRequest request;
    request.set_lead(lead);
    request.set_resolution(resolution);
    request.set_actor("crm");
    request.set_reason("done");
    v1::CloseLeadResponse response;
    const grpc::Status status = server_.Call([&](grpc::ClientContext* c) {
      return server_.assignments().CloseLead(c, request, &response);
    });
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  // A filter over [kStart - 1h, kStart + days).
  static v1::ReportFilter Range(int days = 7) {
    v1::ReportFilter filter;
    *filter.mutable_time_range()->mutable_start_time() =
        TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(kStart - absl::Hours(1)));
    *filter.mutable_time_range()->mutable_end_time() =
        TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(kStart + absl::Hours(24 * days)));
    return filter;
  }

  grpc::Status Distribution(const v1::DistributionRequest& request,
                            v1::DistributionResponse* response) {
    return server_.Call(
        [&](grpc::ClientContext* c) { return reports_->Distribution(c, request, response); });
  }
  v1::DistributionResponse MustDistribution(const v1::DistributionRequest& request) {
    v1::DistributionResponse response;
    const grpc::Status status = Distribution(request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }
  v1::FollowUpsResponse MustFollowUps(const v1::FollowUpsRequest& request) {
    v1::FollowUpsResponse response;
    const grpc::Status status = server_.Call(
        [&](grpc::ClientContext* c) { return reports_->FollowUps(c, request, &response); });
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }
  v1::ConversionResponse MustConversion(const v1::ConversionRequest& request) {
    v1::ConversionResponse response;
    const grpc::Status status = server_.Call(
        [&](grpc::ClientContext* c) { return reports_->Conversion(c, request, &response); });
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  // Six leads on Monday, an hour apart, and three on Tuesday.
  void SeedTwoDays() {
    const double quality[] = {90, 50, 85, 20, 70, 100, 80, 10, 95};
    const double value[] = {1000, 200, 0, 50, 75, 5000, 10, 20, 30};
    for (int i = 0; i < 9; ++i) {
      if (i == 6) clock_.Set(kStart + absl::Hours(24));
      Assign(absl::StrCat("l", i), i % 2 == 0 ? "web" : "ads", quality[i], value[i]);
      clock_.Advance(absl::Hours(1));
    }
  }

  server::SimulatedClock clock_;
  ServerHarness server_;
  std::unique_ptr<v1::ReportService::Stub> reports_;
  std::vector<Span> spans_;
};

TEST_F(ReportTest, DistributionByRepCountsEveryFigureAndGiniOverEligibleReps) {
  SeedTwoDays();
  const std::string target = Current("leads/l0").rep == "reps/cy" ? "reps/ana" : "reps/cy";
  MoveTo("leads/l0", target);

  v1::DistributionRequest request;
  *request.mutable_filter() = Range();
  const v1::DistributionResponse response = MustDistribution(request);

  // ana, ben, cy; dee is OFF and received nothing.
  const std::vector<std::string> reps = {"reps/ana", "reps/ben", "reps/cy"};
  ASSERT_EQ(response.rows_size(), 3);
  std::vector<double> counts;
  std::vector<double> quality_sums;
  const auto total = static_cast<int64_t>(spans_.size());
  for (size_t i = 0; i < reps.size(); ++i) {
    int64_t leads = 0, high = 0, away = 0;
    double quality = 0, value = 0;
    for (const Span& span : spans_) {
      if (span.rep != reps[i]) continue;
      leads += 1;
      quality += span.quality;
      value += span.value;
      high += span.quality >= 80 ? 1 : 0;
      away += span.reassigned_away ? 1 : 0;
    }
    const v1::DistributionRow& row = response.rows(static_cast<int>(i));
    SCOPED_TRACE(reps[i]);
    EXPECT_EQ(row.key().value(), reps[i]);
    EXPECT_EQ(row.key().group_by(), v1::GROUP_BY_REP);
    EXPECT_FALSE(row.key().has_bucket_start());
    EXPECT_EQ(row.leads(), leads);
    EXPECT_DOUBLE_EQ(row.share(), static_cast<double>(leads) / static_cast<double>(total));
    EXPECT_DOUBLE_EQ(row.quality_sum(), quality);
    EXPECT_DOUBLE_EQ(row.quality_mean(), leads == 0 ? 0 : quality / static_cast<double>(leads));
    EXPECT_EQ(row.high_quality_leads(), high);
    EXPECT_DOUBLE_EQ(row.value_sum(), value);
    EXPECT_EQ(row.reassigned_away(), away);
    counts.push_back(static_cast<double>(leads));
    quality_sums.push_back(quality);
  }
  EXPECT_EQ(response.rows(0).key().label(), "Ana");
  EXPECT_EQ(response.total().leads(), total);
  EXPECT_EQ(response.total().leads(), 10);  // nine assignments and the manual move
  EXPECT_EQ(response.total().reassigned_away(), 1);
  EXPECT_NEAR(response.gini_count(), ExpectedGini(counts), 1e-12);
  EXPECT_NEAR(response.gini_quality(), ExpectedGini(quality_sums), 1e-12);
  EXPECT_DOUBLE_EQ(response.high_quality_threshold(), 80);
  EXPECT_EQ(response.fairness_by_bucket_size(), 0);
}

TEST_F(ReportTest, DistributionFiltersGroupsAndBucketsByDay) {
  SeedTwoDays();

  // Only web leads, grouped by source: one row.
  v1::DistributionRequest by_source;
  *by_source.mutable_filter() = Range();
  by_source.mutable_filter()->add_sources("web");
  by_source.set_group_by(v1::GROUP_BY_SOURCE);
  by_source.set_high_quality_threshold(90);
  const v1::DistributionResponse web = MustDistribution(by_source);
  ASSERT_EQ(web.rows_size(), 1);
  EXPECT_EQ(web.rows(0).key().value(), "web");
  EXPECT_EQ(web.rows(0).leads(), 5);  // l0, l2, l4, l6, l8
  EXPECT_DOUBLE_EQ(web.rows(0).quality_sum(), 90 + 85 + 70 + 80 + 95);
  EXPECT_EQ(web.rows(0).high_quality_leads(), 2);  // 90 and 95
  EXPECT_EQ(web.gini_count(), 0);                  // one group

  // By team: north (ana, ben) and south (cy).
  v1::DistributionRequest by_team;
  *by_team.mutable_filter() = Range();
  by_team.set_group_by(v1::GROUP_BY_TEAM);
  const v1::DistributionResponse teams = MustDistribution(by_team);
  ASSERT_EQ(teams.rows_size(), 2);
  int64_t north = 0;
  for (const Span& span : spans_) north += span.rep != "reps/cy" ? 1 : 0;
  EXPECT_EQ(teams.rows(0).key().value(), "north");
  EXPECT_EQ(teams.rows(0).leads(), north);
  EXPECT_EQ(teams.rows(1).leads(), 9 - north);

  // One rep, by day: Monday's and Tuesday's rows, and fairness per day over the three reps.
  v1::DistributionRequest by_day;
  *by_day.mutable_filter() = Range();
  by_day.set_interval(v1::INTERVAL_DAY);
  const v1::DistributionResponse days = MustDistribution(by_day);
  std::map<int64_t, std::map<std::string, double>> per_day;
  for (const Span& span : spans_) {
    const absl::Time day =
        absl::FromCivil(absl::ToCivilDay(span.at, absl::UTCTimeZone()), absl::UTCTimeZone());
    per_day[absl::ToUnixSeconds(day)][span.rep] += 1;
  }
  int expected_rows = 0;
  for (const auto& [day, reps] : per_day) expected_rows += static_cast<int>(reps.size());
  EXPECT_EQ(days.rows_size(), expected_rows);
  ASSERT_EQ(days.fairness_by_bucket_size(), 2);
  int bucket = 0;
  for (const auto& [day, reps] : per_day) {
    std::vector<double> counts;
    for (const char* rep : {"reps/ana", "reps/ben", "reps/cy"}) {
      counts.push_back(reps.contains(rep) ? reps.at(rep) : 0);
    }
    const v1::BucketFairness& fairness = days.fairness_by_bucket(bucket++);
    EXPECT_EQ(fairness.bucket_start().seconds(), day);
    EXPECT_NEAR(fairness.gini_count(), ExpectedGini(counts), 1e-12);
  }
  for (const v1::DistributionRow& row : days.rows()) EXPECT_TRUE(row.key().has_bucket_start());

  // Only ben's leads.
  v1::DistributionRequest ben;
  *ben.mutable_filter() = Range();
  ben.mutable_filter()->add_reps("reps/ben");
  const v1::DistributionResponse bens = MustDistribution(ben);
  ASSERT_EQ(bens.rows_size(), 1);
  int64_t ben_leads = 0;
  for (const Span& span : spans_) ben_leads += span.rep == "reps/ben" ? 1 : 0;
  EXPECT_EQ(bens.rows(0).leads(), ben_leads);
  EXPECT_EQ(bens.total().leads(), ben_leads);
}

TEST_F(ReportTest, FollowUpsMeasuresFirstContactSlaBreachesAndTasks) {
  // l0 contacted after 30 min (phone: its task on time), l1 after 3 h (the task late), l2 after
  // 10 h by e-mail (SLA missed, the phone task left open and overdue), l3 never: at 30 h the
  // sweeper reassigns it, a breach of its first owner's SLA.
  const absl::Duration delays[] = {absl::Minutes(30), absl::Hours(3), absl::Hours(10)};
  for (int i = 0; i < 4; ++i) Assign(absl::StrCat("l", i), "web", 50, 0);
  const Span first_owner_of_l3 = Current("leads/l3");
  // All four were assigned at kStart.
  clock_.Set(kStart + delays[0]);
  FollowUp("leads/l0", v1::CHANNEL_PHONE, v1::FOLLOW_UP_OUTCOME_REACHED);
  clock_.Set(kStart + delays[1]);
  FollowUp("leads/l1", v1::CHANNEL_PHONE, v1::FOLLOW_UP_OUTCOME_NO_ANSWER);
  FollowUp("leads/l1", v1::CHANNEL_PHONE, v1::FOLLOW_UP_OUTCOME_REACHED);
  clock_.Set(kStart + delays[2]);
  FollowUp("leads/l2", v1::CHANNEL_EMAIL, v1::FOLLOW_UP_OUTCOME_REACHED);
  clock_.Set(kStart + absl::Hours(30));
  absl::StatusOr<int> swept = server_.server().SweepDue();
  ASSERT_TRUE(swept.ok()) << swept.status();

  v1::FollowUpsRequest request;
  *request.mutable_filter() = Range();
  request.set_group_by(v1::GROUP_BY_SOURCE);
  v1::FollowUpsResponse response = MustFollowUps(request);
  ASSERT_EQ(response.rows_size(), 1);
  const v1::FollowUpsRow& row = response.rows(0);
  EXPECT_EQ(row.leads(), 5);  // four assignments and l3's reassignment
  EXPECT_EQ(row.contacted(), 3);
  EXPECT_DOUBLE_EQ(row.contact_rate(), 3.0 / 5.0);
  const std::vector<absl::Duration> contact(std::begin(delays), std::end(delays));
  EXPECT_EQ(FromProto(row.first_contact_mean()), (delays[0] + delays[1] + delays[2]) / 3);
  EXPECT_EQ(FromProto(row.first_contact_median()), ExpectedPercentile(contact, 0.5));
  EXPECT_EQ(FromProto(row.first_contact_p90()), ExpectedPercentile(contact, 0.9));
  // Nobody has a schedule and the server has none: working time is wall-clock time.
  EXPECT_EQ(FromProto(row.first_contact_working_median()), ExpectedPercentile(contact, 0.5));
  EXPECT_EQ(FromProto(row.first_contact_working_p90()), ExpectedPercentile(contact, 0.9));
  EXPECT_EQ(row.first_contact_under_1h(), 1);
  EXPECT_EQ(row.first_contact_1h_to_8h(), 1);
  EXPECT_EQ(row.first_contact_8h_to_24h(), 1);
  EXPECT_EQ(row.first_contact_24h_or_more(), 0);
  // l0, l1 met the 4 h SLA; l2 and l3 missed it; l3's new owner is not due yet.
  EXPECT_EQ(row.sla_leads(), 4);
  EXPECT_EQ(row.sla_met(), 2);
  EXPECT_DOUBLE_EQ(row.sla_compliance(), 0.5);
  EXPECT_EQ(row.breaches(), 1);
  EXPECT_EQ(row.breaches_reassigned(), 1);
  EXPECT_EQ(row.breaches_escalated(), 0);
  EXPECT_EQ(row.followups(), 4);
  EXPECT_EQ(row.tasks_done_on_time(), 1);
  EXPECT_EQ(row.tasks_done_late(), 1);
  EXPECT_EQ(row.tasks_overdue(), 1);  // l2's phone task; l3's was cancelled by the move

  // By rep: the breach is the first owner's.
  request.set_group_by(v1::GROUP_BY_REP);
  response = MustFollowUps(request);
  int64_t breaches = 0;
  for (const v1::FollowUpsRow& rep_row : response.rows()) {
    breaches += rep_row.breaches();
    if (rep_row.key().value() == first_owner_of_l3.rep) {
      EXPECT_EQ(rep_row.breaches(), 1);
    }
  }
  EXPECT_EQ(breaches, 1);
  EXPECT_EQ(response.total().contacted(), 3);
  EXPECT_EQ(FromProto(response.total().first_contact_median()), ExpectedPercentile(contact, 0.5));
}

TEST_F(ReportTest, ConversionCountsOutcomesWithTheOwnerTheLeadClosedWith) {
  for (int i = 0; i < 4; ++i) Assign(absl::StrCat("l", i), "web", 50, 100.0 * (i + 1));
  clock_.Advance(absl::Hours(2));
  FollowUp("leads/l0", v1::CHANNEL_PHONE, v1::FOLLOW_UP_OUTCOME_QUALIFIED);
  clock_.Advance(absl::Hours(1));
  FollowUp("leads/l0", v1::CHANNEL_PHONE, v1::FOLLOW_UP_OUTCOME_CONVERTED);  // at +3 h
  Close("leads/l1", v1::CLOSE_RESOLUTION_LOST);
  const std::string target = Current("leads/l3").rep == "reps/cy" ? "reps/ana" : "reps/cy";
  MoveTo("leads/l3", target);
  clock_.Advance(absl::Hours(3));
  Close("leads/l3", v1::CLOSE_RESOLUTION_WON);  // at +6 h, 3 h after the move

  v1::ConversionRequest request;
  *request.mutable_filter() = Range();
  request.set_group_by(v1::GROUP_BY_RULE);
  const v1::ConversionResponse response = MustConversion(request);
  ASSERT_EQ(response.rows_size(), 2);
  // The manual move has no rule.
  EXPECT_EQ(response.rows(0).key().value(), "manual");
  EXPECT_EQ(response.rows(0).leads(), 1);
  EXPECT_EQ(response.rows(0).converted(), 1);
  EXPECT_DOUBLE_EQ(response.rows(0).converted_value(), 400);
  EXPECT_EQ(FromProto(response.rows(0).time_to_convert_mean()), absl::Hours(3));
  const v1::ConversionRow& web = response.rows(1);
  EXPECT_EQ(web.key().value(), "web");
  EXPECT_EQ(web.leads(), 4);
  EXPECT_EQ(web.converted(), 1);  // l0; l3 converted after it was moved
  EXPECT_EQ(web.lost(), 1);
  EXPECT_EQ(web.open(), 2);
  EXPECT_DOUBLE_EQ(web.conversion_rate(), 0.25);
  EXPECT_DOUBLE_EQ(web.win_rate(), 0.5);
  EXPECT_DOUBLE_EQ(web.converted_value(), 100);
  EXPECT_EQ(FromProto(web.time_to_convert_mean()), absl::Hours(3));
  EXPECT_FALSE(web.has_predicted_rate());  // no lead had a score
  EXPECT_EQ(response.total().leads(), 5);
  EXPECT_EQ(response.total().converted(), 2);
  EXPECT_DOUBLE_EQ(response.total().win_rate(), 2.0 / 3.0);
  EXPECT_EQ(FromProto(response.total().time_to_convert_mean()), absl::Hours(3));
}

TEST_F(ReportTest, BadRequestsNameTheirField) {
  Assign("l0", "web", 50, 0);
  const auto expect_invalid = [&](v1::DistributionRequest request, const std::string& field) {
    v1::DistributionResponse response;
    const grpc::Status status = Distribution(request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << field;
    EXPECT_EQ(BadField(status), field) << status.error_message();
  };
  v1::DistributionRequest request;
  *request.mutable_filter() = Range();
  v1::DistributionRequest no_start = request;
  no_start.mutable_filter()->mutable_time_range()->clear_start_time();
  expect_invalid(no_start, "filter.time_range.start_time");
  v1::DistributionRequest too_long = request;
  *too_long.mutable_filter()->mutable_time_range()->mutable_end_time() =
      TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(kStart + absl::Hours(24 * 401)));
  expect_invalid(too_long, "filter.time_range");
  v1::DistributionRequest bad_group = request;
  bad_group.set_group_by(static_cast<v1::GroupBy>(99));
  expect_invalid(bad_group, "group_by");
  v1::DistributionRequest bad_interval = request;
  bad_interval.set_interval(static_cast<v1::Interval>(99));
  expect_invalid(bad_interval, "interval");
  v1::DistributionRequest unknown_rep = request;
  unknown_rep.mutable_filter()->add_reps("reps/zed");
  expect_invalid(unknown_rep, "filter.reps[0]");
  v1::DistributionRequest bad_kind = request;
  bad_kind.mutable_filter()->add_kinds(v1::ASSIGNMENT_KIND_CLOSE);
  expect_invalid(bad_kind, "filter.kinds[0]");
}

TEST_F(ReportTest, MoreThanTenThousandRowsIsResourceExhausted) {
  // 10,001 leads of distinct sources, by source: one row too many.
  for (int batch = 0; batch < 21; ++batch) {
    v1::AssignBatchRequest request;
    for (int i = batch * 500; i < std::min(10'001, (batch + 1) * 500); ++i) {
      *request.add_items()->mutable_lead() =
          MakeLead(absl::StrCat("b", i), absl::StrCat("s", i), 50);
    }
    v1::AssignBatchResponse response;
    ASSERT_TRUE(server_
                    .Call([&](grpc::ClientContext* c) {
                      return server_.assignments().AssignBatch(c, request, &response);
                    })
                    .ok());
  }
  v1::DistributionRequest request;
  *request.mutable_filter() = Range();
  request.set_group_by(v1::GROUP_BY_SOURCE);
  v1::DistributionResponse response;
  const grpc::Status status = Distribution(request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(ErrorReason(status), "TOO_MANY_ROWS");
  EXPECT_EQ(BadField(status), "group_by");
  // Narrower, it answers.
  request.mutable_filter()->add_sources("s7");
  EXPECT_EQ(MustDistribution(request).total().leads(), 1);
}

TEST_F(ReportTest, TeamAndLevelAreTheOwnersAtTheDecision) {
  for (int i = 0; i < 6; ++i) Assign(absl::StrCat("l", i), "web", 50, 0);
  // ana moves from north (level 3) to south (level 5) after her leads were decided.
  v1::UpsertRepRequest move;
  move.mutable_rep()->set_name("reps/ana");
  move.mutable_rep()->set_team("south");
  move.mutable_rep()->set_level(5);
  move.mutable_update_mask()->add_paths("team");
  move.mutable_update_mask()->add_paths("level");
  move.set_actor("manager");
  v1::UpsertRepResponse moved;
  ASSERT_TRUE(
      server_.Call([&](grpc::ClientContext* c) { return server_.reps().Upsert(c, move, &moved); })
          .ok());
  ASSERT_EQ(moved.rep().team(), "south");

  int64_t ana = 0, ben = 0, cy = 0;
  for (const Span& span : spans_) {
    ana += span.rep == "reps/ana" ? 1 : 0;
    ben += span.rep == "reps/ben" ? 1 : 0;
    cy += span.rep == "reps/cy" ? 1 : 0;
  }
  ASSERT_GT(ana, 0);
  v1::DistributionRequest by_team;
  *by_team.mutable_filter() = Range();
  by_team.set_group_by(v1::GROUP_BY_TEAM);
  const v1::DistributionResponse teams = MustDistribution(by_team);
  ASSERT_EQ(teams.rows_size(), 2);
  EXPECT_EQ(teams.rows(0).key().value(), "north");
  EXPECT_EQ(teams.rows(0).leads(), ana + ben);
  EXPECT_EQ(teams.rows(1).key().value(), "south");
  EXPECT_EQ(teams.rows(1).leads(), cy);

  v1::DistributionRequest by_level = by_team;
  by_level.set_group_by(v1::GROUP_BY_REP_LEVEL);
  const v1::DistributionResponse levels = MustDistribution(by_level);
  std::map<std::string, int64_t> per_level;
  for (const v1::DistributionRow& row : levels.rows()) per_level[row.key().value()] = row.leads();
  EXPECT_EQ(per_level, (std::map<std::string, int64_t>{{"1", ben}, {"2", cy}, {"3", ana}}));

  // The team filter is the team at the decision too.
  v1::DistributionRequest north = by_team;
  north.mutable_filter()->set_team("north");
  EXPECT_EQ(MustDistribution(north).total().leads(), ana + ben);
}

TEST_F(ReportTest, FollowUpsByChannelCountEachFollowUpInItsOwnChannel) {
  Assign("l0", "web", 50, 0);
  clock_.Advance(absl::Minutes(10));
  FollowUp("leads/l0", v1::CHANNEL_PHONE, v1::FOLLOW_UP_OUTCOME_REACHED);  // the first contact
  clock_.Advance(absl::Minutes(10));
  FollowUp("leads/l0", v1::CHANNEL_EMAIL, v1::FOLLOW_UP_OUTCOME_NO_ANSWER);
  FollowUp("leads/l0", v1::CHANNEL_EMAIL, v1::FOLLOW_UP_OUTCOME_REACHED);

  v1::FollowUpsRequest request;
  *request.mutable_filter() = Range();
  request.set_group_by(v1::GROUP_BY_CHANNEL);
  const v1::FollowUpsResponse response = MustFollowUps(request);
  ASSERT_EQ(response.rows_size(), 2);
  // The lead is in its first contact's row; each follow-up in its own channel's.
  EXPECT_EQ(response.rows(0).key().value(), "email");
  EXPECT_EQ(response.rows(0).leads(), 0);
  EXPECT_EQ(response.rows(0).followups(), 2);
  EXPECT_EQ(response.rows(1).key().value(), "phone");
  EXPECT_EQ(response.rows(1).leads(), 1);
  EXPECT_EQ(response.rows(1).contacted(), 1);
  EXPECT_EQ(response.rows(1).followups(), 1);
  EXPECT_EQ(FromProto(response.rows(1).first_contact_median()), absl::Minutes(10));
  EXPECT_EQ(response.total().leads(), 1);
  EXPECT_EQ(response.total().followups(), 3);
}

TEST_F(ReportTest, APinnedLeadsSlaBreachIsCounted) {
  const Span span = Assign("l0", "web", 50, 0);
  v1::SetPinRequest pin;
  pin.set_lead("leads/l0");
  pin.set_pinned(true);
  pin.set_actor("manager");
  pin.set_reason("key account");
  v1::SetPinResponse pinned;
  ASSERT_TRUE(server_
                  .Call([&](grpc::ClientContext* c) {
                    return server_.assignments().SetPin(c, pin, &pinned);
                  })
                  .ok());
  // Past the 4 h SLA: the step comes due, the pin keeps the lead with its owner.
  clock_.Advance(absl::Hours(5));
  absl::StatusOr<int> swept = server_.server().SweepDue();
  ASSERT_TRUE(swept.ok()) << swept.status();

  v1::FollowUpsRequest request;
  *request.mutable_filter() = Range();
  const v1::FollowUpsResponse response = MustFollowUps(request);
  ASSERT_EQ(response.rows_size(), 1);
  EXPECT_EQ(response.rows(0).key().value(), span.rep);
  EXPECT_EQ(response.rows(0).leads(), 1);  // not moved: still one span
  EXPECT_EQ(response.rows(0).breaches(), 1);
  EXPECT_EQ(response.rows(0).breaches_reassigned(), 1);
  EXPECT_EQ(response.rows(0).sla_leads(), 1);
  EXPECT_EQ(response.rows(0).sla_met(), 0);
}

// Every span fact row and each lead's last span, as the store holds them.
struct StoredSpans {
  std::vector<storage::SpanFact> rows;
  std::map<std::string, std::pair<int64_t, uint64_t>> last_span_of_lead;
};

StoredSpans ReadSpans(storage::Database& db) {
  StoredSpans spans;
  storage::DatabaseView view(db);
  EXPECT_OK(storage::ForEachSpanFact(view, std::numeric_limits<int64_t>::min(),
                                     std::numeric_limits<int64_t>::max(),
                                     [&](const storage::SpanFact& fact) {
                                       spans.rows.push_back(fact);
                                       return absl::OkStatus();
                                     }));
  EXPECT_OK(storage::ListLeads(view, "", [&](const storage::LeadRecord& record) {
    spans.last_span_of_lead[record.lead().name()] = {record.open_span_decide_us(),
                                                     record.open_span_sequence()};
    return true;
  }));
  return spans;
}

// Makes the store look written by a build without span facts: no rows, no marker, leads that
// name no span.
void ForgetSpans(storage::Database& db) {
  rocksdb::WriteBatch batch;
  storage::DatabaseView view(db);
  ASSERT_OK(view.Scan(storage::ColumnFamily::kSpanFacts, "", "", storage::ScanOrder::kAscending,
                      [&](absl::string_view key, absl::string_view) -> absl::StatusOr<bool> {
                        (void)batch.Delete(db.handle(storage::ColumnFamily::kSpanFacts),
                                           rocksdb::Slice(key.data(), key.size()));
                        return true;
                      }));
  ASSERT_OK(storage::ListLeads(view, "", [&](const storage::LeadRecord& record) {
    storage::LeadRecord old = record;
    old.clear_open_span_decide_us();
    old.clear_open_span_sequence();
    (void)batch.Put(db.handle(storage::ColumnFamily::kLeads),
                    storage::keys::Lead(old.lead().name()), storage::EncodeProto(old));
    return true;
  }));
  (void)batch.Delete(db.handle(storage::ColumnFamily::kMeta),
                     std::string(storage::meta_key::kSpanFactsBuilt));
  ASSERT_TRUE(db.raw().Write(rocksdb::WriteOptions(), &batch).ok());
}

TEST_F(ReportTest, SpanFactsBuiltFromHistoryAtOpenEqualTheLiveRows) {
  // Assignments, contacts on two channels, done, late and open tasks, an SLA breach that moved a
  // lead, a manual move, a loss and a win.
  for (int i = 0; i < 5; ++i) Assign(absl::StrCat("l", i), i % 2 == 0 ? "web" : "ads", 60, 100);
  clock_.Advance(absl::Minutes(30));
  FollowUp("leads/l0", v1::CHANNEL_PHONE, v1::FOLLOW_UP_OUTCOME_REACHED);
  clock_.Advance(absl::Hours(3));
  FollowUp("leads/l1", v1::CHANNEL_EMAIL, v1::FOLLOW_UP_OUTCOME_NO_ANSWER);
  FollowUp("leads/l1", v1::CHANNEL_PHONE, v1::FOLLOW_UP_OUTCOME_REACHED);
  const std::string target = Current("leads/l2").rep == "reps/cy" ? "reps/ana" : "reps/cy";
  MoveTo("leads/l2", target);
  Close("leads/l0", v1::CLOSE_RESOLUTION_WON);
  clock_.Advance(absl::Hours(30));
  absl::StatusOr<int> swept = server_.server().SweepDue();
  ASSERT_TRUE(swept.ok()) << swept.status();
  Close("leads/l1", v1::CLOSE_RESOLUTION_LOST);

  v1::FollowUpsRequest followups;
  *followups.mutable_filter() = Range();
  const v1::FollowUpsResponse followups_live = MustFollowUps(followups);
  v1::ConversionRequest conversion;
  *conversion.mutable_filter() = Range();
  const v1::ConversionResponse conversion_live = MustConversion(conversion);

  server_.Stop();
  StoredSpans live;
  {
    absl::StatusOr<std::unique_ptr<storage::Storage>> store =
        storage::Storage::Open(server_.db_path(), storage::StorageOptions());
    ASSERT_OK(store);
    live = ReadSpans((*store)->database());
    ForgetSpans((*store)->database());
    EXPECT_TRUE(ReadSpans((*store)->database()).rows.empty());
  }
  StoredSpans rebuilt;
  {
    absl::StatusOr<std::unique_ptr<storage::Storage>> store =
        storage::Storage::Open(server_.db_path(), storage::StorageOptions());
    ASSERT_OK(store);
    rebuilt = ReadSpans((*store)->database());
  }
  // Five assignments, the move, the breach's reassignment.
  EXPECT_GE(live.rows.size(), 7u);
  ASSERT_EQ(rebuilt.rows.size(), live.rows.size());
  for (size_t i = 0; i < live.rows.size(); ++i) {
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(rebuilt.rows[i], live.rows[i]))
        << "live:\n"
        << live.rows[i].DebugString() << "rebuilt:\n"
        << rebuilt.rows[i].DebugString();
  }
  EXPECT_EQ(rebuilt.last_span_of_lead, live.last_span_of_lead);

  server_.Start();
  ASSERT_OK(server_.status());
  reports_ = v1::ReportService::NewStub(
      grpc::CreateChannel(server_.address(), grpc::InsecureChannelCredentials()));
  EXPECT_TRUE(
      google::protobuf::util::MessageDifferencer::Equals(MustFollowUps(followups), followups_live));
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(MustConversion(conversion),
                                                                 conversion_live));
}

}  // namespace
}  // namespace leadrouter::testing
