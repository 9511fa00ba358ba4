// Kills a process in the middle of committing assignments, again and again, and checks after each
// kill that what was acknowledged is stored exactly once, that counters equal the history, that no
// rep is over its cap, that the audit log has one record per change and that the span facts are
// exactly the history's owner spans.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "google/protobuf/util/time_util.h"
#include "status_matchers.h"
#include "storage/assignment_store.h"
#include "storage/audit_log.h"
#include "storage/counter_keys.h"
#include "storage/counter_store.h"
#include "storage/lead_store.h"
#include "storage/records.h"
#include "storage/span_facts.h"
#include "storage/storage.h"
#include "stress_scale.h"
#include "temp_dir.h"

extern char** environ;

namespace leadrouter::storage {
namespace {

using ::leadrouter::storage::testing::ScaledIterations;
using ::leadrouter::testing::TempDir;

constexpr int kCap = 25;

struct Ack {
  std::string rep;
  std::string assignment;
};

// Runs the child, kills it with SIGKILL `delay` after it is ready (or lets it finish), and returns
// the acknowledgements it printed.
std::map<std::string, Ack> RunAndKill(const std::string& db, int run, int count,
                                      const char* durability, std::chrono::milliseconds delay,
                                      bool* killed) {
  const std::string child =
      std::string(LEADROUTER_BINARY_DIR) + "/tests/storage/storage_crash_child";
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) return {};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
  const std::string run_text = std::to_string(run);
  const std::string count_text = std::to_string(count);
  std::vector<char*> args = {
      const_cast<char*>(child.c_str()),    const_cast<char*>(db.c_str()),
      const_cast<char*>(run_text.c_str()), const_cast<char*>(count_text.c_str()),
      const_cast<char*>(durability),       nullptr};
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, child.c_str(), &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(pipe_fds[1]);
  EXPECT_EQ(spawned, 0) << "cannot start " << child;
  if (spawned != 0) {
    close(pipe_fds[0]);
    return {};
  }

  std::string output;
  char buffer[4096];
  auto read_some = [&] {
    const ssize_t n = read(pipe_fds[0], buffer, sizeof buffer);
    if (n > 0) output.append(buffer, static_cast<size_t>(n));
    return n > 0;
  };
  // Wait until the child is ready (opened, recovered), then let it run for `delay` and kill it.
  while (output.find("READY\n") == std::string::npos && read_some()) {
  }
  std::thread killer([&] {
    std::this_thread::sleep_for(delay);
    *killed = kill(pid, SIGKILL) == 0;
  });
  while (read_some()) {
  }
  killer.join();
  close(pipe_fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  // Killed means killed by our SIGKILL: a child that died of any other signal (a crash, an abort)
  // before the kill landed failed, and must not pass as a simulated power cut.
  *killed = *killed && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
  if (!*killed) {
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << output;
  }

  std::map<std::string, Ack> acks;
  std::istringstream lines(output);
  std::string line;
  while (std::getline(lines, line)) {
    if (lines.eof()) break;  // a last line without '\n' was cut by the kill: not acknowledged
    std::istringstream fields(line);
    std::string tag, lead, rep, assignment;
    if (!(fields >> tag >> lead >> rep >> assignment) || tag != "ACK") continue;
    EXPECT_EQ(acks.count(lead), 0u) << "acknowledged twice: " << lead;
    acks[lead] = Ack{rep == "-" ? "" : rep, assignment};
  }
  return acks;
}

void VerifyContents(Database& db, const std::map<std::string, Ack>& acked);

void VerifyDatabase(const std::string& path, const std::map<std::string, Ack>& acked) {
  StorageOptions options;
  options.check_counters_at_open = false;  // checked below, without repairing
  absl::StatusOr<std::unique_ptr<Storage>> storage = Storage::Open(path, options);
  ASSERT_OK(storage);
  Database& db = (*storage)->database();

  // Counters equal what the history implies, every one of them.
  absl::StatusOr<CounterCheckReport> check = CheckCounters(db, /*repair=*/false);
  ASSERT_OK(check);
  EXPECT_EQ(check->disagreements, 0);

  VerifyContents(db, acked);
  ASSERT_OK((*storage)->Close());
}

void VerifyContents(Database& db, const std::map<std::string, Ack>& acked) {
  DatabaseView view(db);
  // History: one entry per lead; per (rep, day) counts within the cap and equal to the counter.
  std::map<std::string, int> entries_per_lead;
  std::map<std::pair<std::string, int64_t>, int> per_rep_day;
  std::map<std::string, std::string> rep_of_lead;
  std::map<std::string, std::string> entry_of_lead;
  ASSERT_OK(ListAllHistory(view, [&](const HistoryRecord& record) {
    ++entries_per_lead[record.assignment().lead()];
    rep_of_lead[record.assignment().lead()] = record.assignment().rep();
    entry_of_lead[record.assignment().lead()] = record.assignment().name();
    if (!record.assignment().rep().empty()) {
      ++per_rep_day[{record.assignment().rep(),
                     record.assignment().decide_time().seconds() / 86'400}];
    }
    return true;
  }));
  for (const auto& [lead, n] : entries_per_lead) EXPECT_EQ(n, 1) << lead;
  for (const auto& [lead, ack] : acked) {
    const std::string name = "leads/" + lead;
    ASSERT_EQ(entries_per_lead.count(name), 1u) << "acknowledged but not stored: " << lead;
    EXPECT_EQ(rep_of_lead[name], ack.rep) << lead;
    EXPECT_EQ(entry_of_lead[name], ack.assignment) << lead;
    absl::StatusOr<std::optional<LeadRecord>> stored = ReadLead(view, name);
    ASSERT_OK(stored);
    ASSERT_TRUE(stored->has_value());
    EXPECT_EQ((*stored)->lead().owner(), ack.rep);
    if (!ack.rep.empty()) {
      EXPECT_EQ((*stored)->lead().current_assignment(), ack.assignment);
    }
  }
  for (const auto& [rep_day, n] : per_rep_day) {
    EXPECT_LE(n, kCap) << rep_day.first << " over its cap on day " << rep_day.second;
    for (const CounterKey& key :
         {CounterKey{CounterScope::kRep, "", rep_day.first, CounterKind::kDay, rep_day.second},
          CounterKey{CounterScope::kRuleRep, "capped", rep_day.first, CounterKind::kDay,
                     rep_day.second}}) {
      absl::StatusOr<std::optional<CounterValue>> counter = ReadMessage<CounterValue>(
          view, ColumnFamily::kCounters, EncodeCounterKey(key), "counter");
      ASSERT_OK(counter);
      ASSERT_TRUE(counter->has_value()) << DescribeCounterKey(key);
      EXPECT_EQ((*counter)->count(), n) << DescribeCounterKey(key);
    }
  }

  // Span facts: written in the commit of their entry, so after any kill exactly one row per
  // entry that gave a lead an owner, and the lead's record names it.
  std::map<std::string, std::pair<int64_t, uint64_t>> span_of_lead;
  ASSERT_OK(ListAllHistory(view, [&](const HistoryRecord& record) {
    if (MadeOwner(record.assignment())) {
      span_of_lead[record.assignment().lead()] = {
          google::protobuf::util::TimeUtil::TimestampToMicroseconds(
              record.assignment().decide_time()),
          record.sequence()};
    }
    return true;
  }));
  size_t span_rows = 0;
  ASSERT_OK(ForEachSpanFact(view, std::numeric_limits<int64_t>::min(),
                            std::numeric_limits<int64_t>::max(), [&](const SpanFact& fact) {
                              ++span_rows;
                              const auto it = span_of_lead.find(fact.lead());
                              EXPECT_TRUE(it != span_of_lead.end()) << "row without entry";
                              if (it != span_of_lead.end()) {
                                EXPECT_EQ(it->second,
                                          std::make_pair(fact.decide_us(), fact.sequence()));
                                EXPECT_EQ(fact.rep(), rep_of_lead[fact.lead()]);
                              }
                              return absl::OkStatus();
                            }));
  EXPECT_EQ(span_rows, span_of_lead.size());
  for (const auto& [lead, span] : span_of_lead) {
    absl::StatusOr<std::optional<LeadRecord>> stored = ReadLead(view, lead);
    ASSERT_OK(stored);
    ASSERT_TRUE(stored->has_value());
    EXPECT_EQ(std::make_pair((*stored)->open_span_decide_us(), (*stored)->open_span_sequence()),
              span)
        << lead;
  }

  // Audit: one record per stored change, naming its assignment.
  std::map<std::string, int> audits_per_lead;
  ASSERT_OK(ReadAudit(view, 0, [&](const AuditRecord& record) {
    ++audits_per_lead[record.entity()];
    EXPECT_EQ(record.action(), "lead.assign");
    return true;
  }));
  EXPECT_EQ(audits_per_lead.size(), entries_per_lead.size());
  for (const auto& [lead, n] : audits_per_lead) {
    EXPECT_EQ(n, 1) << lead;
    EXPECT_EQ(entries_per_lead.count(lead), 1u) << "audit record without history: " << lead;
  }
}

class CrashTest : public ::testing::TestWithParam<const char*> {};

TEST_P(CrashTest, KilledWhileAssigningLosesNothingAcknowledged) {
  TempDir dir;
  const std::string db = dir.Child("db");
  std::mt19937 random(12345);
  std::uniform_int_distribution<int> delay_ms(5, 120);
  const int kills_wanted = std::max(30, ScaledIterations(30));
  std::map<std::string, Ack> all_acked;
  int kills = 0;
  for (int run = 0; kills < kills_wanted && run < kills_wanted * 3; ++run) {
    bool killed = false;
    const std::map<std::string, Ack> acked =
        RunAndKill(db, run, 1500, GetParam(), std::chrono::milliseconds(delay_ms(random)), &killed);
    if (::testing::Test::HasFailure()) return;
    if (killed) ++kills;
    all_acked.insert(acked.begin(), acked.end());
    VerifyDatabase(db, all_acked);
    if (::testing::Test::HasFailure()) return;
  }
  EXPECT_GE(kills, 30);
  EXPECT_GT(all_acked.size(), 100u);
}

INSTANTIATE_TEST_SUITE_P(Durability, CrashTest, ::testing::Values("sync", "async"),
                         [](const ::testing::TestParamInfo<const char*>& param_info) {
                           return std::string(param_info.param);
                         });

}  // namespace
}  // namespace leadrouter::storage
