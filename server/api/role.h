// The four roles a caller can have (docs/security.md). Here, below the auth layer, so that a core
// call can see its caller's role in its CallContext; server/auth/roles.h says what each may call.
#pragma once

#include <cstdint>

namespace leadrouter::server {

enum class Role : uint8_t {
  kAdmin,    // rules, reps, backups: everything
  kManager,  // people's decisions: reassign, pin, review, close; reports and dry runs
  kService,  // the systems that feed leads: assign, follow-ups, reads
  kViewer,   // reads only
};

}  // namespace leadrouter::server
