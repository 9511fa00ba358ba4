// leadctl score on a server (ScoreService, docs/scoring.md "In the server"): train from the
// server's closed leads, list the model versions, activate one, roll back.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>

#include "clients/common/server_args.h"

namespace leadrouter::leadctl {

// Whether `score train --server` makes the new version active: `--activate` (always) or
// `--activate-if-better` (when it does at least as well as the active one on its held-out leads).
struct TrainActivation {
  bool always = false;
  bool if_better = false;
};

// `score train --server`: trains on the server's closed leads and prints the held-out evaluation
// (AUC, log loss, calibration by decile, lift). Returns the exit code.
int TrainOnServer(const client::ServerArgs& server, const TrainActivation& activation,
                  uint64_t seed);

// `score models`, `score activate VERSION`, `score rollback [VERSION]` under `score`.
void AddScoreServerCommands(CLI::App& score, int& exit_code);

}  // namespace leadrouter::leadctl
