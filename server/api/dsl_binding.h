// The API's leads and reps as the rule language sees them: leadrouter.v1.Lead -> lead attributes,
// leadrouter.v1.Rep <-> dsl::RepInfo.
//
// Ids: the decision and the counters use the bare id ("ana"); the API and the history use the
// resource name ("reps/ana"). RepName / RepIdOf convert between them.
#pragma once

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "dsl/base/record.h"
#include "dsl/decision/roster.h"
#include "leadrouter/v1/common.pb.h"

namespace leadrouter::server {

std::string LeadName(absl::string_view id);  // "leads/" + id
std::string RepName(absl::string_view id);   // "reps/" + id
// The id of a resource name ("reps/ana" -> "ana"); the text itself when it has no '/'.
std::string IdOf(absl::string_view name);

// Every input field of `lead` by the name rules use (id, source, quality, value, region,
// industry, created_at, channel, account, score and the custom attributes).
std::vector<dsl::Attribute> LeadAttributes(const leadrouter::v1::Lead& lead);

// A stored rep as the decision sees it.
dsl::RepInfo ToRepInfo(const leadrouter::v1::Rep& rep);

// A rep read from a roster file (dsl/data/dataset.h) as the API stores it. Attributes whose type
// the API cannot hold (durations) are dropped.
leadrouter::v1::Rep FromRepInfo(const dsl::RepInfo& info);

}  // namespace leadrouter::server
