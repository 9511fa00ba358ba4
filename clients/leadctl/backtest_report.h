// `leadctl backtest`'s output from a BacktestResponse (the server's, or the one the offline run
// builds): tables of actual vs candidate per rep, per rule and per unassigned reason, the changed
// leads with both explanations, and a summary line; or the response as JSON.
#pragma once

#include <ostream>

#include "absl/time/time.h"
#include "leadrouter/v1/rules.pb.h"

namespace leadrouter::leadctl {

void PrintBacktestTables(std::ostream& out, const leadrouter::v1::BacktestResponse& response);

// The one line that closes the tables: leads, changed, unassigned and Gini on both sides, and how
// long the replay took.
void PrintBacktestSummaryLine(std::ostream& out, const leadrouter::v1::BacktestResponse& response,
                              absl::Duration took);

}  // namespace leadrouter::leadctl
