// Faults of the whole leadrouterd process, through real gRPC (issue #14, point 6): SIGKILL in the
// middle of the load, again and again on the same database, must lose no acknowledged change and
// duplicate none; an SLA step due while the server was killed is applied once after it; a full
// disk must refuse changes as UNAVAILABLE, half-write none, keep serving reads, and take changes
// again by itself when space returns.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/mount.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "daemon.h"
#include "files.h"
#include "leadrouter/v1/assignment.grpc.pb.h"
#include "leadrouter/v1/events.grpc.pb.h"
#include "leadrouter/v1/reps.grpc.pb.h"
#include "sanitizers.h"
#include "status_matchers.h"
#include "storage/counter_recovery.h"
#include "storage/database.h"
#include "temp_dir.h"
#include "test_fixtures.h"

namespace leadrouter::testing {
namespace {

constexpr char kRules[] = "rule \"all\"\n  when true\n  distribute round_robin\n";
constexpr char kReps[] = "id,name\nana,Ana\nben,Ben\ncara,Cara\n";
const std::vector<std::string> kRepNames = {"reps/ana", "reps/ben", "reps/cara"};

// The flags of every start: the rules and roster above; sync durability, so that an acknowledged
// change is one the server has made durable; the info log, which names a start.
std::vector<std::string> ServerFlags(const TempDir& dir) {
  std::ofstream(dir.Child("rules.rules"), std::ios::trunc) << kRules;
  std::ofstream(dir.Child("reps.csv"), std::ios::trunc) << kReps;
  return {"--rules",      dir.Child("rules.rules"),
          "--reps",       dir.Child("reps.csv"),
          "--durability", "sync",
          "--log-level",  "info"};
}

// Stubs on one channel to a running server.
struct Client {
  explicit Client(const std::string& address)
      : channel(grpc::CreateChannel(address, grpc::InsecureChannelCredentials())),
        assignments(v1::AssignmentService::NewStub(channel)),
        reps(v1::RepService::NewStub(channel)) {}

  // Before a SIGTERM: while a client holds its connection open, the server's graceful stop waits
  // out the whole grace period (5 s).
  void Close() {
    assignments.reset();
    reps.reset();
    channel.reset();
  }

  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<v1::AssignmentService::Stub> assignments;
  std::unique_ptr<v1::RepService::Stub> reps;
};

grpc::ClientContext* WithDeadline(grpc::ClientContext& context, std::chrono::seconds timeout) {
  context.set_deadline(std::chrono::system_clock::now() + timeout);
  return &context;
}

grpc::Status Assign(Client& client, const std::string& lead, v1::AssignResponse* response) {
  grpc::ClientContext context;
  return client.assignments->Assign(WithDeadline(context, std::chrono::seconds(10)),
                                    AssignOf(MakeLead(lead, "web", 50), "leads/" + lead), response);
}

// Every history entry's rep, by lead (`leads/{id}`).
std::map<std::string, std::vector<std::string>> HistoryByLead(Client& client) {
  std::map<std::string, std::vector<std::string>> history;
  v1::ListAssignmentsRequest request;
  request.set_page_size(1000);
  for (;;) {
    grpc::ClientContext context;
    v1::ListAssignmentsResponse response;
    const grpc::Status status = client.assignments->ListAssignments(
        WithDeadline(context, std::chrono::seconds(30)), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    if (!status.ok()) break;
    for (const v1::Assignment& entry : response.assignments()) {
      history[entry.lead()].push_back(entry.rep());
    }
    if (response.next_page_token().empty()) break;
    request.set_page_token(response.next_page_token());
  }
  return history;
}

// Each rep's open leads as the server's counters have them.
std::map<std::string, int> OpenLeadsByRep(Client& client) {
  std::map<std::string, int> open;
  for (const std::string& rep : kRepNames) {
    grpc::ClientContext context;
    v1::GetRepRequest request;
    request.set_name(rep);
    v1::GetRepResponse response;
    const grpc::Status status =
        client.reps->Get(WithDeadline(context, std::chrono::seconds(10)), request, &response);
    EXPECT_TRUE(status.ok()) << rep << ": " << status.error_message();
    open[rep] = response.rep().load().open_leads();
  }
  return open;
}

// The start-up counter check (storage/counter_recovery.h) logs a warning when a counter disagreed
// with the history and was rewritten: after a crash with every change in one batch, it never may.
void ExpectCounterCheckPassed(const std::string& log_file) {
  const std::string log = ReadFile(log_file);
  ASSERT_NE(log.find("leadrouterd listening"), std::string::npos) << "no log in " << log_file;
  EXPECT_EQ(log.find("counter check"), std::string::npos) << log_file << ":\n" << log;
}

// One round of load: callers Assign new leads (`k{round}-{caller}-{n}`, the lead name as
// idempotency key) until the server goes away.
struct Load {
  explicit Load(int number) : round(number) {}
  std::string LeadId(int caller, int n) const {
    return "k" + std::to_string(round) + "-" + std::to_string(caller) + "-" + std::to_string(n);
  }

  const int round;
  std::mutex mutex;
  std::map<std::string, std::string> acknowledged;  // lead name -> rep the reply named
  std::vector<std::string> unknown;                 // lead ids whose call failed: outcome unknown
  std::atomic<int> acks{0};
  std::atomic<bool> killed{false};
};

void RunCaller(Client& client, int caller, Load& load) {
  for (int n = 0;; ++n) {
    const std::string lead = load.LeadId(caller, n);
    v1::AssignResponse response;
    const grpc::Status status = Assign(client, lead, &response);
    std::lock_guard<std::mutex> lock(load.mutex);
    if (!status.ok()) {
      // Only the kill may fail a call, and only as UNAVAILABLE (the connection went away).
      EXPECT_TRUE(load.killed.load())
          << lead << " failed before the kill: " << status.error_message();
      EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
      load.unknown.push_back(lead);
      return;
    }
    EXPECT_EQ(response.assignment().outcome(), v1::OUTCOME_ASSIGNED) << lead;
    EXPECT_FALSE(response.replayed()) << lead;
    load.acknowledged["leads/" + lead] = response.assignment().rep();
    ++load.acks;
  }
}

// Every lead of `owners` readable, owned by the rep the acknowledgement named.
void ExpectOwners(Client& client, const std::map<std::string, std::string>& owners) {
  for (const auto& [lead, rep] : owners) {
    grpc::ClientContext context;
    v1::GetLeadRequest request;
    request.set_name(lead);
    v1::GetLeadResponse response;
    const grpc::Status status = client.assignments->GetLead(
        WithDeadline(context, std::chrono::seconds(10)), request, &response);
    EXPECT_TRUE(status.ok()) << lead << " acknowledged, then lost: " << status.error_message();
    EXPECT_EQ(response.lead().owner(), rep) << lead;
  }
}

// What the restart after a kill must show of the killed round: every acknowledged assign stored
// with its owner, and its retry a replay; every call the kill cut off stored at most once, and its
// retry either a replay of that decision or the first decision. The retried calls join
// `acknowledged`, with every previous round's.
void CheckRoundAfterKill(Client& client, Load& round, int callers,
                         const std::map<std::string, std::vector<std::string>>& history,
                         std::map<std::string, std::string>& acknowledged, int& replayed_unknowns) {
  ExpectOwners(client, round.acknowledged);
  // Each caller's first and last acknowledged lead (the last is the one nearest the kill).
  std::set<std::string> retried;
  for (int thread = 0; thread < callers; ++thread) {
    std::string first;
    std::string last;
    for (int n = 0;; ++n) {
      const std::string lead = "leads/" + round.LeadId(thread, n);
      if (round.acknowledged.count(lead) == 0) break;
      if (first.empty()) first = lead;
      last = lead;
    }
    if (!first.empty()) retried.insert({first, last});
  }
  for (const std::string& lead : retried) {
    v1::AssignResponse response;
    const grpc::Status status = Assign(client, lead.substr(6), &response);
    ASSERT_TRUE(status.ok()) << lead << ": " << status.error_message();
    EXPECT_TRUE(response.replayed()) << lead << "'s retry was decided again";
    EXPECT_EQ(response.assignment().rep(), round.acknowledged[lead]) << lead;
  }
  for (const std::string& id : round.unknown) {
    const std::string lead = "leads/" + id;
    const auto stored = history.find(lead);
    v1::AssignResponse response;
    const grpc::Status status = Assign(client, id, &response);
    ASSERT_TRUE(status.ok()) << lead << ": " << status.error_message();
    if (stored != history.end()) {
      EXPECT_TRUE(response.replayed()) << lead << " was committed, its retry decided again";
      EXPECT_EQ(response.assignment().rep(), stored->second.front()) << lead;
      ++replayed_unknowns;
    } else {
      EXPECT_FALSE(response.replayed()) << lead;
    }
    round.acknowledged[lead] = response.assignment().rep();
  }
  acknowledged.insert(round.acknowledged.begin(), round.acknowledged.end());
}

TEST(FaultsTest, EveryAcknowledgedAssignSurvivesTwentySigkillsExactlyOnce) {
  // Sanitized builds run the server several times slower: fewer callers, the same kills.
  constexpr int kKills = 20;
  constexpr int kCallers = kUnderSanitizer ? 2 : 3;
  const char* seed_text = std::getenv("LEADROUTER_FAULT_SEED");
  const unsigned seed = seed_text != nullptr ? static_cast<unsigned>(std::stoul(seed_text)) : 614u;
  std::printf("seed %u (set LEADROUTER_FAULT_SEED for another)\n", seed);
  std::mt19937 random(seed);
  // The kill comes this long after the round's first acknowledgement: from one to a few hundred
  // assigns into the load.
  std::uniform_int_distribution<int> kill_after_ms(1, kUnderSanitizer ? 100 : 150);

  TempDir dir;
  const std::vector<std::string> flags = ServerFlags(dir);
  std::map<std::string, std::string> acknowledged;  // every round's, lead name -> rep
  std::unique_ptr<Load> killed;                     // the round the last kill ended
  int unknown_outcomes = 0;
  int replayed_unknowns = 0;

  // Each start but the first is the restart after a kill, on the same database.
  for (int round = 0; round <= kKills; ++round) {
    SCOPED_TRACE("start " + std::to_string(round));
    const std::string log_file = dir.Child("start-" + std::to_string(round) + ".log");
    Daemon daemon(dir, flags, log_file);
    const std::string address = daemon.WaitUntilServing();
    ASSERT_FALSE(address.empty()) << "leadrouterd did not start:\n" << ReadFile(log_file);
    Client client(address);
    ExpectCounterCheckPassed(log_file);

    // History: one entry per acknowledged lead, with its owner; the cut-off calls at most once.
    const std::map<std::string, std::vector<std::string>> history = HistoryByLead(client);
    size_t cut_off_stored = 0;
    for (const auto& [lead, reps] : history) {
      ASSERT_EQ(reps.size(), 1u) << lead << " has " << reps.size() << " history entries";
      // Acknowledged before the last kill, or in the round it ended.
      const auto known = acknowledged.find(lead);
      const auto last = killed ? killed->acknowledged.find(lead) : known;
      if (known != acknowledged.end()) {
        EXPECT_EQ(reps.front(), known->second) << lead;
      } else if (killed != nullptr && last != killed->acknowledged.end()) {
        EXPECT_EQ(reps.front(), last->second) << lead;
      } else {
        ASSERT_TRUE(killed != nullptr &&
                    std::count(killed->unknown.begin(), killed->unknown.end(), lead.substr(6)) == 1)
            << lead << " is stored but was never sent";
        ++cut_off_stored;
      }
    }
    if (killed != nullptr) {
      for (const auto& [lead, rep] : killed->acknowledged) {
        ASSERT_EQ(history.count(lead), 1u) << lead << " acknowledged, then lost";
      }
      CheckRoundAfterKill(client, *killed, kCallers, history, acknowledged, replayed_unknowns);
      std::printf("kill %2d: %3zu acknowledged, %zu cut off (%zu of them committed)\n", round,
                  killed->acknowledged.size() - killed->unknown.size(), killed->unknown.size(),
                  cut_off_stored);
    }
    ASSERT_EQ(history.size() + (killed ? killed->unknown.size() - cut_off_stored : 0),
              acknowledged.size())
        << "acknowledged leads are missing";

    // Counters: each rep's open leads are the leads its history gave it.
    std::map<std::string, int> expected_open;
    for (const auto& [lead, rep] : acknowledged) ++expected_open[rep];
    for (const auto& [rep, open] : OpenLeadsByRep(client)) {
      EXPECT_EQ(open, expected_open[rep]) << rep << "'s open_leads counter";
    }
    if (round == kKills) {
      client.Close();
      EXPECT_EQ(daemon.Stop(), 0);
      break;
    }

    // Load, and a kill at a seeded moment in it.
    killed = std::make_unique<Load>(round);
    std::vector<std::thread> callers;
    for (int thread = 0; thread < kCallers; ++thread) {
      callers.emplace_back(RunCaller, std::ref(client), thread, std::ref(*killed));
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (killed->acks.load() == 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(kill_after_ms(random)));
    killed->killed = true;
    const bool by_sigkill = daemon.Kill();
    for (std::thread& caller : callers) caller.join();
    ASSERT_TRUE(by_sigkill);
    ASSERT_GT(killed->acks.load(), 0) << "no Assign was acknowledged in 30 s";
    unknown_outcomes += static_cast<int>(killed->unknown.size());
  }
  std::printf("%zu leads acknowledged over %d kills; %d calls cut off, %d of them committed\n",
              acknowledged.size(), kKills, unknown_outcomes, replayed_unknowns);
  EXPECT_GT(unknown_outcomes, 0) << "no kill came while a call was in flight";

  // Last, the counter check itself on the final database, without repairing.
  absl::StatusOr<std::unique_ptr<storage::Database>> db =
      storage::Database::Open(dir.Child("data"));
  ASSERT_OK(db);
  absl::StatusOr<storage::CounterCheckReport> report = storage::CheckCounters(**db, false);
  ASSERT_OK(report);
  EXPECT_EQ(report->disagreements, 0);
  EXPECT_EQ(report->history_entries, static_cast<int64_t>(acknowledged.size()));
}

// A tmpfs mounted on `path` for as long as the object lives, unmounted when it goes (also when an
// assertion ends the test early).
class TmpfsMount {
 public:
  // `size` as mount(8) takes it, e.g. "8m". error() is the errno of a refused mount, 0 when
  // mounted.
  TmpfsMount(std::string path, const std::string& size) : path_(std::move(path)) {
    std::filesystem::create_directories(path_);
    if (mount("tmpfs", path_.c_str(), "tmpfs", 0, ("size=" + size).c_str()) != 0) error_ = errno;
  }
  TmpfsMount(const TmpfsMount&) = delete;
  TmpfsMount& operator=(const TmpfsMount&) = delete;
  ~TmpfsMount() {
    // Lazily: a server still holding files in it must not keep the mount (or the test) alive.
    if (error_ == 0) umount2(path_.c_str(), MNT_DETACH);
  }

  int error() const { return error_; }

  // Changes the size in place, keeping the files: how the test frees space.
  int Resize(const std::string& size) {
    return mount("tmpfs", path_.c_str(), "tmpfs", MS_REMOUNT, ("size=" + size).c_str()) == 0
               ? 0
               : errno;
  }

 private:
  std::string path_;
  int error_ = 0;
};

// A lead of about 32 KB (eight attributes of 4,000 random letters, which do not compress): a few
// dozen fill the write-ahead log on an 8 MB disk.
v1::Lead BulkyLead(const std::string& id, std::mt19937& random) {
  static constexpr char kAlphabet[] =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::uniform_int_distribution<int> letter(0, sizeof(kAlphabet) - 2);
  v1::Lead lead = MakeLead(id, "web", 50);
  for (int i = 0; i < 8; ++i) {
    std::string text(4000, ' ');
    for (char& c : text) c = kAlphabet[letter(random)];
    (*lead.mutable_attributes())["note_" + std::to_string(i)].set_string_value(text);
  }
  return lead;
}

grpc::Status AssignLead(Client& client, const v1::Lead& lead, v1::AssignResponse* response) {
  grpc::ClientContext context;
  return client.assignments->Assign(WithDeadline(context, std::chrono::seconds(10)),
                                    AssignOf(lead, lead.name()), response);
}

// Every acknowledged lead readable with its owner, one history entry each, the counters equal to
// the history: nothing a failed write touched is half there.
void ExpectExactly(Client& client, const std::map<std::string, std::string>& acknowledged) {
  ExpectOwners(client, acknowledged);
  const std::map<std::string, std::vector<std::string>> history = HistoryByLead(client);
  EXPECT_EQ(history.size(), acknowledged.size());
  std::map<std::string, int> expected_open;
  for (const auto& [lead, reps] : history) {
    EXPECT_EQ(reps.size(), 1u) << lead;
    EXPECT_EQ(acknowledged.count(lead), 1u) << lead << " is stored but was never acknowledged";
    for (const std::string& rep : reps) ++expected_open[rep];
  }
  for (const auto& [rep, open] : OpenLeadsByRep(client)) {
    EXPECT_EQ(open, expected_open[rep]) << rep << "'s open_leads counter";
  }
}

// The lead's SLA_WARNING events, as the server lists them.
int SlaWarnings(const std::string& address, const std::string& lead) {
  auto events =
      v1::EventService::NewStub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  v1::ListLeadEventsRequest request;
  request.set_lead(lead);
  request.set_page_size(100);
  v1::ListLeadEventsResponse response;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  if (!events->ListLeadEvents(&context, request, &response).ok()) return -1;
  return static_cast<int>(std::count_if(
      response.events().begin(), response.events().end(),
      [](const v1::Event& event) { return event.kind() == v1::EVENT_KIND_SLA_WARNING; }));
}

TEST(FaultsTest, AnSlaStepDueWhileTheServerWasKilledIsAppliedOnceAfterIt) {
  TempDir dir;
  std::vector<std::string> flags = ServerFlags(dir);
  flags.insert(flags.end(), {"--default-sla", "1s then notify"});
  const std::string log_file = dir.Child("leadrouterd.log");
  {
    // A sweeper that never comes round: the step falls due and the server dies before it.
    std::vector<std::string> idle = flags;
    idle.insert(idle.end(), {"--sla-sweep-interval-ms", "3600000"});
    Daemon daemon(dir, idle, log_file);
    const std::string address = daemon.WaitUntilServing();
    ASSERT_FALSE(address.empty());
    Client client(address);
    v1::AssignResponse assigned;
    grpc::ClientContext context;
    ASSERT_TRUE(
        client.assignments->Assign(&context, AssignOf(MakeLead("k1", "web", 50)), &assigned).ok());
    ASSERT_FALSE(assigned.lead().owner().empty());
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    EXPECT_EQ(SlaWarnings(address, "leads/k1"), 0);
    ASSERT_TRUE(daemon.Kill());
  }
  for (int start = 0; start < 2; ++start) {
    std::vector<std::string> sweeping = flags;
    sweeping.insert(sweeping.end(), {"--sla-sweep-interval-ms", "50"});
    Daemon daemon(dir, sweeping, log_file);
    const std::string address = daemon.WaitUntilServing();
    ASSERT_FALSE(address.empty());
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (SlaWarnings(address, "leads/k1") < 1 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // several more sweeps
    EXPECT_EQ(SlaWarnings(address, "leads/k1"), 1) << "start " << start;
    ASSERT_TRUE(daemon.Kill());  // and again right after the step
  }
}

TEST(FaultsTest, AFullDiskRefusesChangesAsUnavailableServesReadsAndRecoversByItself) {
  TempDir dir;
  // The whole database on an 8 MB disk of its own; the log and port file outside it.
  TmpfsMount disk(dir.Child("data"), "8m");
  if (disk.error() != 0) {
    GTEST_SKIP() << "cannot mount a tmpfs on " << dir.Child("data") << ": "
                 << std::strerror(disk.error())
                 << (disk.error() == EPERM ? " (mounting needs CAP_SYS_ADMIN, e.g. root)" : "");
  }
  const std::string log_file = dir.Child("leadrouterd.log");
  Daemon daemon(dir, ServerFlags(dir), log_file);
  const std::string address = daemon.WaitUntilServing();
  ASSERT_FALSE(address.empty()) << "leadrouterd did not start:\n" << ReadFile(log_file);
  Client client(address);

  // Fill the disk until a change fails.
  std::mt19937 random(614);
  std::map<std::string, std::string> acknowledged;
  v1::Lead refused;
  grpc::Status failure;
  for (int n = 0; n < 1000 && failure.ok(); ++n) {
    const v1::Lead lead = BulkyLead("full-" + std::to_string(n), random);
    v1::AssignResponse response;
    failure = AssignLead(client, lead, &response);
    if (failure.ok()) {
      acknowledged[lead.name()] = response.assignment().rep();
    } else {
      refused = lead;
    }
  }
  ASSERT_FALSE(failure.ok()) << "1000 leads of 32 KB fit on an 8 MB disk";
  std::printf("the disk was full after %zu leads: %s\n", acknowledged.size(),
              failure.error_message().c_str());
  EXPECT_EQ(failure.error_code(), grpc::StatusCode::UNAVAILABLE) << failure.error_message();
  EXPECT_THAT(failure.error_message(), ::testing::HasSubstr("no space left on the disk"));

  // While it is full: changes, small ones too, are refused the same way; reads are served.
  v1::AssignResponse small_response;
  const grpc::Status small = AssignLead(client, MakeLead("small", "web", 50), &small_response);
  EXPECT_EQ(small.error_code(), grpc::StatusCode::UNAVAILABLE) << small.error_message();
  EXPECT_THAT(small.error_message(), ::testing::HasSubstr("no space left on the disk"));
  grpc::health::v1::HealthCheckResponse health;
  const grpc::Status health_status = CheckHealth(address, &health);
  EXPECT_TRUE(health_status.ok()) << health_status.error_message();
  EXPECT_EQ(health.status(), grpc::health::v1::HealthCheckResponse::SERVING);
  ExpectExactly(client, acknowledged);
  for (const std::string& lead : {refused.name(), std::string("leads/small")}) {
    grpc::ClientContext context;
    v1::GetLeadRequest request;
    request.set_name(lead);
    v1::GetLeadResponse response;
    EXPECT_EQ(client.assignments
                  ->GetLead(WithDeadline(context, std::chrono::seconds(10)), request, &response)
                  .error_code(),
              grpc::StatusCode::NOT_FOUND)
        << lead << " was refused, yet stored";
  }

  // Space returns: the same server takes changes again by itself, the refused lead's retry
  // deciding it for the first time. RocksDB clears its error once the free space is at least a
  // memtable (64 MB; it checks every 5 s), so the disk grows to 160 MB.
  ASSERT_EQ(disk.Resize("160m"), 0);
  const auto freed = std::chrono::steady_clock::now();
  v1::AssignResponse retried;
  grpc::Status retry;
  do {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    retry = AssignLead(client, refused, &retried);
  } while (!retry.ok() && retry.error_code() == grpc::StatusCode::UNAVAILABLE &&
           std::chrono::steady_clock::now() - freed < std::chrono::seconds(30));
  if (!retry.ok()) {
    const std::string rocksdb_log = ReadFile(dir.Child("data") + "/LOG");
    FAIL() << "no write 30 s after space was freed: " << retry.error_message() << "\n"
           << ReadFile(log_file) << "\nthe end of RocksDB's LOG:\n"
           << rocksdb_log.substr(rocksdb_log.size() > 4000 ? rocksdb_log.size() - 4000 : 0);
  }
  std::printf("writes accepted again %lld ms after space was freed\n",
              static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                         std::chrono::steady_clock::now() - freed)
                                         .count()));
  EXPECT_FALSE(retried.replayed());
  acknowledged[refused.name()] = retried.assignment().rep();
  for (int n = 0; n < 20; ++n) {
    const v1::Lead lead = BulkyLead("after-" + std::to_string(n), random);
    v1::AssignResponse response;
    const grpc::Status status = AssignLead(client, lead, &response);
    ASSERT_TRUE(status.ok()) << lead.name() << ": " << status.error_message();
    acknowledged[lead.name()] = response.assignment().rep();
  }
  ExpectExactly(client, acknowledged);

  // And the disk holds it all: a clean stop, a start with a passing counter check.
  client.Close();
  EXPECT_EQ(daemon.Stop(), 0);
  const std::string restart_log = dir.Child("restart.log");
  Daemon restarted(dir, ServerFlags(dir), restart_log);
  const std::string again = restarted.WaitUntilServing();
  ASSERT_FALSE(again.empty()) << "leadrouterd did not restart:\n" << ReadFile(restart_log);
  ExpectCounterCheckPassed(restart_log);
  Client after(again);
  ExpectExactly(after, acknowledged);
  after.Close();
  EXPECT_EQ(restarted.Stop(), 0);
}

}  // namespace
}  // namespace leadrouter::testing
