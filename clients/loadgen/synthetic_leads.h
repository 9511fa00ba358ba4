// Synthetic leads for load tests: distinct ids (Assign decides a lead only once, so a repeated id
// would measure the cheap "already assigned" path) and realistic fields: a skewed quality, deal
// values with a long tail (about 2% are million-plus "big deals"), the industries, regions and
// channels of examples/, accounts shared by several leads, and a custom attribute.
//
// Lead i is a pure function of (prefix, i): generators on several threads need no locking and a
// run is reproducible.
#pragma once

#include <cstdint>
#include <string>

#include "leadrouter/v1/common.pb.h"

namespace leadrouter::loadgen {

class SyntheticLeads {
 public:
  // Ids are `<prefix>-<i>`; give each run its own prefix (leadrouter-loadgen uses the time and
  // pid) so that runs against the same database never collide.
  explicit SyntheticLeads(std::string prefix) : prefix_(std::move(prefix)) {}

  // Fills `lead` (cleared first) with lead number `index`.
  void Fill(uint64_t index, v1::Lead& lead) const;

 private:
  std::string prefix_;
};

}  // namespace leadrouter::loadgen
