// A stored lead's fields as the assign path reads and writes them: the input fields a request
// merges in, the snapshot of what the rules saw, and the states that keep a lead where it is.
#pragma once

#include "google/protobuf/field_mask.pb.h"
#include "leadrouter/v1/common.pb.h"

namespace leadrouter::server {

// The input fields (2..10, and `score` when the client sends it) of `input` copied onto `lead`: all
// of them when `mask` is empty, else those it names ("attributes.{key}" copies or erases one
// attribute).
void MergeLeadInput(const leadrouter::v1::Lead& input, const google::protobuf::FieldMask& mask,
                    leadrouter::v1::Lead& lead);

// The lead's name and input fields only: what the rules saw.
leadrouter::v1::Lead InputSnapshot(const leadrouter::v1::Lead& lead);

// CONVERTED or LOST: a closed lead is never moved.
bool IsClosed(const leadrouter::v1::Lead& lead);
// Pinned to its owner by someone: only an explicit override moves it.
bool IsPinned(const leadrouter::v1::Lead& lead);

}  // namespace leadrouter::server
