// Rule diagnostics sent by the server (leadrouter.v1.Diagnostic, line / column based) turned back
// into dsl::Diagnostic (byte spans) against the source the client sent, so that leadctl renders
// them with dsl/base/diagnostics.h exactly as `leadctl check` does: same text, same carets.
#pragma once

#include <vector>

#include "dsl/base/diagnostics.h"
#include "dsl/base/source.h"
#include "leadrouter/v1/common.pb.h"

namespace leadrouter::client {

// Positions outside `source` are clamped to it; a missing range becomes the start of the file.
dsl::Diagnostic FromProto(const dsl::SourceFile& source, const v1::Diagnostic& diagnostic);

template <typename Container>
std::vector<dsl::Diagnostic> FromProto(const dsl::SourceFile& source,
                                       const Container& diagnostics) {
  std::vector<dsl::Diagnostic> out;
  for (const v1::Diagnostic& diagnostic : diagnostics) out.push_back(FromProto(source, diagnostic));
  return out;
}

}  // namespace leadrouter::client
