// leadctl score on a server (ScoreService, docs/scoring.md "In the server"): train from the
// server's closed leads, list the model versions, activate one, roll back.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>

#include "clients/common/server_args.h"

namespace leadrouter::leadctl {

// `score train --server`: trains on the server's closed leads and prints the held-out evaluation
// (AUC, log loss, calibration by decile, lift). Returns the exit code.
int TrainOnServer(const client::ServerArgs& server, bool activate, uint64_t seed);

// `score models`, `score activate VERSION`, `score rollback [VERSION]` under `score`.
void AddScoreServerCommands(CLI::App& score, int& exit_code);

}  // namespace leadrouter::leadctl
