#include "server/assign/lead_fields.h"

#include <string>

#include "server/api/field_mask.h"
#include "server/assign/lead_lifecycle.h"

namespace leadrouter::server {

namespace v1 = leadrouter::v1;

void MergeLeadInput(const v1::Lead& input, const google::protobuf::FieldMask& mask,
                    v1::Lead& lead) {
  if (mask.paths().empty()) {
    lead.set_source(input.source());
    if (input.has_quality()) {
      lead.set_quality(input.quality());
    } else {
      lead.clear_quality();
    }
    if (input.has_value()) {
      lead.set_value(input.value());
    } else {
      lead.clear_value();
    }
    lead.set_region(input.region());
    lead.set_industry(input.industry());
    if (input.has_create_time()) *lead.mutable_create_time() = input.create_time();
    lead.set_preferred_channel(input.preferred_channel());
    lead.set_account(input.account());
    input.has_score() ? lead.set_score(input.score()) : lead.clear_score();
    *lead.mutable_attributes() = input.attributes();
    return;
  }
  for (const std::string& path : mask.paths()) {
    if (path == "source") {
      lead.set_source(input.source());
    } else if (path == "quality") {
      input.has_quality() ? lead.set_quality(input.quality()) : lead.clear_quality();
    } else if (path == "value") {
      input.has_value() ? lead.set_value(input.value()) : lead.clear_value();
    } else if (path == "region") {
      lead.set_region(input.region());
    } else if (path == "industry") {
      lead.set_industry(input.industry());
    } else if (path == "create_time") {
      *lead.mutable_create_time() = input.create_time();
    } else if (path == "preferred_channel") {
      lead.set_preferred_channel(input.preferred_channel());
    } else if (path == "account") {
      lead.set_account(input.account());
    } else if (path == "score") {
      input.has_score() ? lead.set_score(input.score()) : lead.clear_score();
    } else if (path == "attributes") {
      *lead.mutable_attributes() = input.attributes();
    } else {
      MergeMapEntry(path, "attributes", input.attributes(), *lead.mutable_attributes());
    }
  }
}

v1::Lead InputSnapshot(const v1::Lead& lead) {
  v1::Lead snapshot;
  snapshot.set_name(lead.name());
  MergeLeadInput(lead, google::protobuf::FieldMask(), snapshot);
  return snapshot;
}

bool IsClosed(const v1::Lead& lead) { return IsClosedState(lead.state()); }

bool IsPinned(const v1::Lead& lead) { return lead.has_pin() && !lead.pin().actor().empty(); }

}  // namespace leadrouter::server
