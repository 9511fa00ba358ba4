#include "server/api/score_trace_proto.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace leadrouter::server {

leadrouter::v1::ScoreTrace ToScoreTraceProto(const dsl::score::ScoreExplanation& explanation,
                                             int64_t model_version) {
  leadrouter::v1::ScoreTrace trace;
  trace.set_score(explanation.score);
  trace.set_model_version(model_version);
  for (const dsl::score::Contribution& c : explanation.contributions) {
    // Largest first: the first zero means nothing after it moved the score either.
    if (trace.factors_size() == kScoreFactorsShown || c.log_odds == 0) break;
    leadrouter::v1::ScoreFactor* factor = trace.add_factors();
    factor->set_feature(c.feature);
    factor->set_value(c.value);
    factor->set_log_odds(c.log_odds);
  }
  return trace;
}

std::string RenderScoreTrace(const leadrouter::v1::ScoreTrace& trace) {
  std::string out = absl::StrFormat("score %.3f (model %d):", trace.score(), trace.model_version());
  const char* separator = " ";
  for (const leadrouter::v1::ScoreFactor& factor : trace.factors()) {
    absl::StrAppend(&out, separator, factor.feature(), "=", factor.value(), " ",
                    absl::StrFormat("%+.2f", factor.log_odds()));
    separator = "; ";
  }
  return absl::StrCat(out, "\n");
}

}  // namespace leadrouter::server
