// The child process of the crash test: opens the database (running the recovery check), then
// assigns leads from several threads as fast as it can and prints one line per acknowledged
// assignment the moment Assign returns:
//
//   ACK <lead id> <rep id or -> <assignment name>
//
// until it has assigned `count` leads or is killed. Usage:
//   storage_crash_child <db dir> <run> <count> <sync|async>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "assign_harness.h"
#include "storage/storage.h"

namespace {

using leadrouter::storage::Durability;
using leadrouter::storage::Storage;
using leadrouter::storage::StorageOptions;
using leadrouter::storage::testing::AssignHarness;

// The rules the crash test checks against: four reps, 25 leads each per day.
constexpr char kRules[] = R"(rule "capped"
  when true
  distribute round_robin
  cap 25/day
otherwise unassigned
)";
constexpr int kThreads = 8;

void WriteLine(const std::string& line) {
  // One write(2) per line: lines from several threads never interleave (shorter than PIPE_BUF).
  const ssize_t written = write(STDOUT_FILENO, line.data(), line.size());
  if (written != static_cast<ssize_t>(line.size())) std::_Exit(3);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: %s DB RUN COUNT sync|async\n", argv[0]);
    return 2;
  }
  const std::string path = argv[1];
  const int run = std::atoi(argv[2]);
  const int count = std::atoi(argv[3]);
  StorageOptions options;
  options.database.durability =
      std::string(argv[4]) == "async" ? Durability::kAsync : Durability::kSync;
  absl::StatusOr<std::unique_ptr<Storage>> storage = Storage::Open(path, options);
  if (!storage.ok()) {
    std::fprintf(stderr, "open: %s\n", std::string(storage.status().message()).c_str());
    return 1;
  }
  absl::StatusOr<std::unique_ptr<AssignHarness>> harness =
      AssignHarness::Create((*storage)->commits(), kRules, {"ana", "bo", "cy", "di"});
  if (!harness.ok()) {
    std::fprintf(stderr, "rules: %s\n", std::string(harness.status().message()).c_str());
    return 1;
  }
  // Two runs share each day, so a day's cap is reached across a crash and a restart.
  const int64_t now = 1'767'225'600 + int64_t{run / 2} * 86'400 + 3'600 + run % 2;
  WriteLine("READY\n");
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = t; i < count; i += kThreads) {
        const std::string lead = absl::StrCat("c", run, "-", i);
        absl::StatusOr<leadrouter::storage::testing::AssignResult> result =
            (*harness)->Assign(lead, now);
        if (!result.ok()) {
          std::fprintf(stderr, "assign %s: %s\n", lead.c_str(),
                       std::string(result.status().message()).c_str());
          std::_Exit(1);
        }
        WriteLine(absl::StrCat("ACK ", lead, " ", result->rep.empty() ? "-" : result->rep, " ",
                               result->assignment, "\n"));
      }
    });
  }
  for (std::thread& t : threads) t.join();
  return (*storage)->Close().ok() ? 0 : 1;
}
