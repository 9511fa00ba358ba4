// `leadctl score report --html`: one self-contained HTML page (inline CSS and SVG; no script, no
// web font, nothing fetched) with a model's held-out metrics and, for the leads given, the
// calibration curve and the lift chart.
#pragma once

#include <string>

#include "dsl/score/metrics.h"
#include "dsl/score/model.h"

namespace leadrouter::leadctl {

// `leads_label` names the leads `measured` was computed on (the file given to the command).
std::string ScoreReportHtml(const dsl::score::Model& model, const dsl::score::Metrics& measured,
                            const std::string& leads_label);

}  // namespace leadrouter::leadctl
