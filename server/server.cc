#include "server/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/resource_quota.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>
#include <spdlog/spdlog.h>

#include <cmath>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "dsl/base/escalation_target.h"
#include "dsl/base/status_macros.h"
#include "dsl/base/vocabulary.h"
#include "dsl/compile/compiler.h"
#include "dsl/decision/periods.h"
#include "dsl/decision/working_time.h"
#include "server/assign/assigner.h"
#include "server/assign/lead_queries.h"
#include "server/assign/unassigned_queue.h"
#include "server/events/event_feed.h"
#include "server/jobs/backup_taker.h"
#include "server/jobs/periodic_job.h"
#include "server/reports/report_scope.h"
#include "server/reps/rep_registry.h"
#include "server/roster/rep_performance_history.h"
#include "server/roster/roster_cache.h"
#include "server/rules/rule_registry.h"
#include "server/rules/rule_tester.h"
#include "server/services/admin_service.h"
#include "server/services/assignment_service.h"
#include "server/services/call_gate.h"
#include "server/services/event_service.h"
#include "server/services/followup_service.h"
#include "server/services/rep_service.h"
#include "server/services/report_service.h"
#include "server/services/rule_service.h"
#include "server/services/score_service.h"
#include "storage/idempotency_store.h"
#include "storage/read_view.h"
#include "storage/storage.h"

namespace leadrouter::server {

namespace {

// The SLA and working-time options into `assigner`: InvalidArgument naming the flag for a bad one.
absl::Status ReadAfterAssignmentOptions(const ServerOptions& options, AssignerOptions& assigner) {
  if (!options.work_schedule.empty()) {
    absl::StatusOr<dsl::WorkSchedule> schedule = dsl::ParseWorkScheduleJson(options.work_schedule);
    if (!schedule.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--work-schedule: ", schedule.status().message()));
    }
    assigner.default_schedule = *std::move(schedule);
  }
  absl::StatusOr<dsl::SlaPolicy> sla = dsl::CompileSlaPolicy(options.default_sla);
  if (!sla.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--default-sla \"", options.default_sla, "\": ", sla.status().message()));
  }
  assigner.default_sla = *std::move(sla);
  assigner.sla_stops_on = options.sla_stops_on;
  if (!options.escalation_target.empty()) {
    absl::StatusOr<dsl::EscalationTarget> target =
        dsl::ParseEscalationTarget(options.escalation_target);
    if (!target.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--escalation-target: ", target.status().message()));
    }
    assigner.escalation_target = *std::move(target);
  }
  return absl::OkStatus();
}

}  // namespace

class Server::Impl {
 public:
  Impl(ServerOptions options, std::unique_ptr<transport::ListenerSecurity> security,
       std::unique_ptr<storage::Storage> storage, dsl::PeriodCalendar calendar,
       AssignerOptions assigner_options)
      : options_(std::move(options)),
        security_(std::move(security)),
        storage_(std::move(storage)),
        gate_(options_.call_hook_for_testing,
              CallPolicy{options_.max_deadline, options_.max_metadata_bytes,
                         std::make_shared<RateLimiter>(options_.assign_rate), security_->auth()}),
        rules_(*storage_, *options_.clock),
        scores_(*storage_, *options_.clock, ScoreRegistryOptions{options_.score_minimums}),
        performance_(RepPerformanceOptions{absl::FromChrono(options_.performance_window),
                                           options_.performance_prior}),
        assigner_(*storage_, rules_, roster_, unassigned_,
                  WithScores(std::move(assigner_options), scores_, performance_)),
        reps_(*storage_, roster_, unassigned_, assigner_),
        queries_(storage_->database(), *options_.clock, calendar, &scores_),
        tester_(*storage_, rules_, roster_, calendar, &scores_),
        reports_(storage_->database(), roster_, *options_.clock,
                 ReportOptions{calendar, assigner_.default_schedule(), {}}),
        backups_(*storage_, rules_),
        events_(*storage_, FeedOptions(options_)) {}

  // Loads what the core keeps in memory, then serves.
  absl::Status Start() {
    RETURN_IF_ERROR(roster_.Reload(storage_->database()));
    RETURN_IF_ERROR(RebuildRepPerformance(storage::DatabaseView(storage_->database()),
                                          absl::ToUnixMicros(options_.clock->Now()), performance_));
    RETURN_IF_ERROR(rules_.Load(options_.rules_file));
    RETURN_IF_ERROR(scores_.Load());
    RETURN_IF_ERROR(unassigned_.Rebuild(storage_->database()));
    if (!options_.reps_file.empty()) {
      RETURN_IF_ERROR(reps_.LoadRosterFile(options_.reps_file));
    }
    rules_.OnActivated([this](int64_t version) {
      unassigned_.RequestRetry(absl::StrCat("rules version ", version, " published"));
    });
    retry_worker_ = std::thread([this] { RetryLoop(); });
    if (unassigned_.size() > 0) unassigned_.RequestRetry("server started");
    away_expiry_ = std::make_unique<PeriodicJob>(
        "away_expiry", options_.away_check_interval,
        [this] { return reps_.EndExpiredAway(options_.clock->Now()).status(); });
    idempotency_purge_ = std::make_unique<PeriodicJob>(
        "idempotency_purge", options_.idempotency_purge_interval, [this] { return PurgeKeys(); });
    if (options_.review_timeout.count() > 0) {
      review_expiry_ =
          std::make_unique<PeriodicJob>("review_expiry", options_.review_check_interval,
                                        [this] { return assigner_.ExpireReviews().status(); });
    }
    if (options_.sla_sweep_interval.count() > 0) {
      sla_sweep_ = std::make_unique<PeriodicJob>("sla_sweep", options_.sla_sweep_interval,
                                                 [this] { return assigner_.SweepDue().status(); });
    }
    if (options_.score_train_interval.count() > 0) {
      score_training_ = std::make_unique<PeriodicJob>(
          "score_train",
          std::chrono::duration_cast<std::chrono::milliseconds>(options_.score_train_interval),
          [this] { return TrainScoreModel(); });
    }
    if (options_.event_retention.count() > 0) {
      event_trim_ = std::make_unique<PeriodicJob>("event_trim", options_.event_trim_interval,
                                                  [this] { return TrimEvents(); });
    }
    if (options_.counter_checkpoint_interval.count() > 0) {
      counter_checkpoint_ = std::make_unique<PeriodicJob>(
          "counter_checkpoint",
          std::chrono::duration_cast<std::chrono::milliseconds>(
              options_.counter_checkpoint_interval),
          [this] { return storage_->AdvanceCounterCheckpoint().status(); });
    }

    grpc::EnableDefaultHealthCheckService(true);
    grpc::reflection::InitProtoReflectionServerBuilderPlugin();
    grpc::ServerBuilder builder;
    // gRPC enables SO_REUSEPORT by default: a second leadrouterd on the same port would then
    // silently share its traffic instead of failing to start.
    builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
    builder.AddListeningPort(options_.listen_address, security_->credentials(), &port_);
    builder.SetMaxReceiveMessageSize(static_cast<int>(options_.max_receive_message_bytes));
    AddTransportLimits(builder);
    grpc::ResourceQuota quota("leadrouterd");
    quota.SetMaxThreads(options_.max_threads);
    builder.SetResourceQuota(quota);
    // The synchronous server keeps at most MAX_POLLERS (gRPC's default: 2) threads waiting for
    // calls; a handler thread that finishes while that many wait exits, and the next call starts
    // a new one. Assign handlers wait for the decision writer, so under load almost every call
    // paid a thread start and exit (~60 us of server CPU, docs/performance.md). Threads the load
    // made are kept instead, up to the quota above.
    builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MAX_POLLERS,
                                options_.max_threads);

    services_.push_back(std::make_unique<AssignmentServiceImpl>(gate_, assigner_, queries_));
    services_.push_back(std::make_unique<FollowUpServiceImpl>(gate_, assigner_, queries_));
    services_.push_back(std::make_unique<RuleServiceImpl>(gate_, rules_, tester_));
    services_.push_back(std::make_unique<RepServiceImpl>(gate_, reps_));
    services_.push_back(std::make_unique<AdminServiceImpl>(gate_, backups_));
    services_.push_back(std::make_unique<EventServiceImpl>(gate_, events_));
    services_.push_back(std::make_unique<ReportServiceImpl>(gate_, reports_));
    services_.push_back(std::make_unique<ScoreServiceImpl>(gate_, scores_));
    for (const auto& service : services_) builder.RegisterService(service.get());

    server_ = builder.BuildAndStart();
    if (server_ == nullptr || port_ == 0) {
      StopBackgroundJobs();
      return absl::UnavailableError(absl::StrCat("cannot listen on ", options_.listen_address,
                                                 " (address in use, or not a valid host:port)"));
    }
    server_->GetHealthCheckService()->SetServingStatus(true);
    if (!security_->auth_enabled()) {
      spdlog::warn(
          "authentication is OFF: every caller may do everything (allowed only on a loopback "
          "listener or with --insecure; give --auth-tokens to turn it on)");
    }
    spdlog::info(
        "leadrouterd listening address={} port={} {} db={} durability={} timezone={} "
        "rules_version={} reps={} unassigned={}",
        options_.listen_address, port_, security_->Describe(), storage_->database().path(),
        options_.durability == storage::Durability::kSync ? "sync" : "async", options_.timezone,
        rules_.Active()->version, roster_.size(), unassigned_.size());
    return absl::OkStatus();
  }

  int port() const { return port_; }
  absl::StatusOr<int> SweepDue() { return assigner_.SweepDue(); }

  absl::Status ReloadSecurity() { return security_->Reload(); }

  void Shutdown() {
    {
      std::lock_guard lock(mu_);
      if (shutdown_started_) return;
      shutdown_started_ = true;
    }
    spdlog::info("leadrouterd shutting down grace_ms={}", options_.shutdown_grace.count());
    // New calls are refused first (UNAVAILABLE, so clients retry elsewhere), health probes told
    // next; calls in flight then get the grace period to finish before gRPC's own shutdown
    // cancels what is left.
    const auto deadline = std::chrono::system_clock::now() + options_.shutdown_grace;
    gate_.StartDraining();
    // Event streams would otherwise run until their deadline: end them now, so that they are
    // not what the grace period waits for.
    events_.Stop();
    if (server_ != nullptr) {
      server_->GetHealthCheckService()->SetServingStatus(false);
      if (!gate_.WaitIdle(deadline)) {
        spdlog::warn("shutdown grace period over; cancelling the calls still in flight");
      }
      server_->Shutdown(deadline);
      server_->Wait();
    }
    StopBackgroundJobs();
    if (absl::Status status = storage_->Close(); !status.ok()) {
      spdlog::error("closing the database failed: {}", status.ToString());
    }
    spdlog::info("leadrouterd stopped");
    {
      std::lock_guard lock(mu_);
      shutdown_done_ = true;
    }
    done_.notify_all();
  }

  void Wait() {
    std::unique_lock lock(mu_);
    done_.wait(lock, [this] { return shutdown_done_; });
  }

 private:
  static AssignerOptions WithScores(AssignerOptions options, const ScoreRegistry& scores,
                                    RepPerformanceTracker& performance) {
    options.scores = &scores;
    options.performance = &performance;
    return options;
  }

  // The scheduled training: a new model from the closed leads, made active when it does at least
  // as well as the active one on the leads it held out; a quiet skip while there are too few.
  absl::Status TrainScoreModel() {
    leadrouter::v1::TrainModelRequest request;
    request.set_actor("leadrouterd");
    request.set_activate_if_better(true);
    const absl::StatusOr<leadrouter::v1::TrainModelResponse> trained =
        scores_.Train(request, CallContext{});
    if (absl::IsFailedPrecondition(trained.status())) {
      spdlog::info("score_train skipped: {}", std::string(trained.status().message()));
      return absl::OkStatus();
    }
    return trained.status();
  }

  static EventFeedOptions FeedOptions(const ServerOptions& options) {
    EventFeedOptions feed;
    feed.max_watchers = options.max_event_watchers;
    return feed;
  }

  // The limits of docs/operations.md's Limits table that gRPC itself enforces.
  void AddTransportLimits(grpc::ServerBuilder& builder) const {
    const auto ms = [](std::chrono::milliseconds value) { return static_cast<int>(value.count()); };
    builder.AddChannelArgument(GRPC_ARG_MAX_METADATA_SIZE,
                               static_cast<int>(options_.max_metadata_bytes_hard));
    builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, options_.max_concurrent_streams);
    builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS,
                               ms(options_.min_client_ping_interval));
    builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PING_STRIKES, 2);
    builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 0);
    builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, ms(options_.keepalive_time));
    builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, ms(options_.keepalive_timeout));
    builder.AddChannelArgument(GRPC_ARG_SERVER_HANDSHAKE_TIMEOUT_MS,
                               ms(options_.handshake_timeout));
  }

  void RetryLoop() {
    std::string why;
    while (unassigned_.WaitForRetryRequest(why)) {
      absl::StatusOr<int> assigned = assigner_.RetryUnassigned(why);
      if (!assigned.ok()) {
        spdlog::error("retry_unassigned why=\"{}\" status={}", why, assigned.status().ToString());
      }
    }
  }

  absl::Status PurgeKeys() {
    const absl::Time cutoff =
        options_.clock->Now() - absl::FromChrono(options_.idempotency_retention);
    ASSIGN_OR_RETURN(int64_t purged,
                     storage::PurgeIdempotency(*storage_, absl::ToUnixMicros(cutoff)));
    if (purged > 0) spdlog::info("idempotency keys purged count={}", purged);
    return absl::OkStatus();
  }

  absl::Status TrimEvents() {
    const absl::Time cutoff = options_.clock->Now() - absl::FromChrono(options_.event_retention);
    ASSIGN_OR_RETURN(const int64_t trimmed,
                     events_.TrimOlderThan(cutoff, options_.event_trim_batch));
    if (trimmed > 0) spdlog::info("events trimmed count={}", trimmed);
    return absl::OkStatus();
  }

  void StopBackgroundJobs() {
    if (counter_checkpoint_ != nullptr) counter_checkpoint_->Stop();
    if (score_training_ != nullptr) score_training_->Stop();
    if (review_expiry_ != nullptr) review_expiry_->Stop();
    if (sla_sweep_ != nullptr) sla_sweep_->Stop();
    if (event_trim_ != nullptr) event_trim_->Stop();
    if (idempotency_purge_ != nullptr) idempotency_purge_->Stop();
    if (away_expiry_ != nullptr) away_expiry_->Stop();
    unassigned_.Stop();
    if (retry_worker_.joinable()) retry_worker_.join();
  }

  const ServerOptions options_;
  const std::unique_ptr<transport::ListenerSecurity> security_;
  std::unique_ptr<storage::Storage> storage_;
  CallGate gate_;
  RosterCache roster_;
  UnassignedQueue unassigned_;
  RuleRegistry rules_;
  ScoreRegistry scores_;
  RepPerformanceTracker performance_;
  Assigner assigner_;
  RepRegistry reps_;
  LeadQueries queries_;
  RuleTester tester_;
  Reports reports_;
  BackupTaker backups_;
  EventFeed events_;
  std::vector<std::unique_ptr<grpc::Service>> services_;
  std::unique_ptr<grpc::Server> server_;
  std::thread retry_worker_;
  std::unique_ptr<PeriodicJob> away_expiry_;
  std::unique_ptr<PeriodicJob> idempotency_purge_;
  std::unique_ptr<PeriodicJob> event_trim_;
  std::unique_ptr<PeriodicJob> review_expiry_;
  std::unique_ptr<PeriodicJob> sla_sweep_;
  std::unique_ptr<PeriodicJob> score_training_;
  std::unique_ptr<PeriodicJob> counter_checkpoint_;
  int port_ = 0;

  std::mutex mu_;
  std::condition_variable done_;
  bool shutdown_started_ = false;
  bool shutdown_done_ = false;
};

absl::StatusOr<std::unique_ptr<Server>> Server::Start(const ServerOptions& options) {
  if (options.clock == nullptr) return absl::InvalidArgumentError("ServerOptions.clock is null");
  absl::StatusOr<dsl::PeriodCalendar> calendar = dsl::PeriodCalendar::ForZone(options.timezone);
  if (!calendar.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--timezone ", options.timezone, ": ", calendar.status().message()));
  }
  if (absl::Status channels = dsl::CheckExtraChannels(options.channels); !channels.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("--channels: ", channels.message()));
  }
  if (options.performance_window.count() <= 0 ||
      options.performance_window > std::chrono::hours(24 * kMaxReportDays)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--performance-window must be more than 0 and at most ", kMaxReportDays, " days"));
  }
  if (!(options.performance_prior >= 0) || !std::isfinite(options.performance_prior)) {
    return absl::InvalidArgumentError("--performance-prior must be a finite number >= 0");
  }
  AssignerOptions assigner;
  assigner.calendar = *calendar;
  assigner.clock = options.clock;
  assigner.before_decide_for_testing = options.before_decide_for_testing;
  assigner.extra_channels = options.channels;
  assigner.review_timeout = absl::FromChrono(options.review_timeout);
  assigner.review_timeout_action = options.review_timeout_action;
  RETURN_IF_ERROR(ReadAfterAssignmentOptions(options, assigner));
  // Before the database: a listener that may not serve as configured opens nothing.
  absl::StatusOr<std::unique_ptr<transport::ListenerSecurity>> security =
      transport::ListenerSecurity::Create(options.listen_address, options.security);
  if (!security.ok()) return security.status();
  storage::StorageOptions storage_options;
  storage_options.database.durability = options.durability;
  if (options.encode_on_callers.has_value()) {
    storage_options.commits.encode_on_callers = *options.encode_on_callers;
  }
  storage_options.counter_check = options.counter_check;
  ASSIGN_OR_RETURN(std::unique_ptr<storage::Storage> storage,
                   storage::Storage::Open(options.db_path, storage_options));
  auto impl = std::make_unique<Impl>(options, *std::move(security), std::move(storage),
                                     *std::move(calendar), std::move(assigner));
  if (absl::Status status = impl->Start(); !status.ok()) {
    impl->Shutdown();
    return status;
  }
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() {
  Shutdown();
  Wait();  // another thread may be the one shutting down
}

int Server::port() const { return impl_->port(); }

void Server::Shutdown() { impl_->Shutdown(); }

absl::Status Server::ReloadSecurity() { return impl_->ReloadSecurity(); }

void Server::Wait() { impl_->Wait(); }

absl::StatusOr<int> Server::SweepDue() { return impl_->SweepDue(); }

}  // namespace leadrouter::server
