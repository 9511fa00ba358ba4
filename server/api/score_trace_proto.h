// A lead's score explanation (dsl::score::Model::Explain) as Explain shows it: the score, the
// model version and the three largest contributions (those that moved it: zeros are left out).
#pragma once

#include <cstdint>
#include <string>

#include "dsl/score/model.h"
#include "leadrouter/v1/explanation.pb.h"

namespace leadrouter::server {

// How many contributions an explanation keeps: enough to say why, few enough to read.
inline constexpr int kScoreFactorsShown = 3;

leadrouter::v1::ScoreTrace ToScoreTraceProto(const dsl::score::ScoreExplanation& explanation,
                                             int64_t model_version);

// "score 0.82 (model 3): source=ads +1.20; visits=2 -0.38; region=eu -0.10\n".
std::string RenderScoreTrace(const leadrouter::v1::ScoreTrace& trace);

}  // namespace leadrouter::server
