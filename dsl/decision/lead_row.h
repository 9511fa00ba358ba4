// One lead as read from a file (dsl/data/dataset.h) and replayed by a dry run
// (dsl/decision/dry_run.h): a plain struct, so that the dry run does not depend on the file
// readers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dsl/base/record.h"

namespace leadrouter::dsl {

struct LeadRow {
  std::string id;
  // Absent when the file has no created_at for this lead (the dry run then spaces leads by rate).
  std::optional<int64_t> created_at;
  // Every field, the id and created_at included, ready for Program::BindLead.
  std::vector<Attribute> attributes;
  // Where the lead is in its file (1-based line).
  uint32_t line = 0;
};

}  // namespace leadrouter::dsl
