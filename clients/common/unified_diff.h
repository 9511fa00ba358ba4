// A line diff of two texts in the unified format of `diff -u` / `git diff`.
//
// The shortest edit script comes from Debian's dtl (Diff Template Library, Wu's O(NP) algorithm);
// the hunks are composed here the way GNU diff does it: `context` lines around each change, hunks
// closer than 2 * context lines merged, `@@ -l,s +l,s @@` headers with `,s` left out when s is 1
// and `l` naming the line before an empty side, and `\ No newline at end of file` after a last
// line without one.
#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace leadrouter::client {

// Empty when the texts are equal; otherwise `--- old_label\n+++ new_label\n` and the hunks.
std::string UnifiedDiff(absl::string_view old_text, absl::string_view new_text,
                        absl::string_view old_label, absl::string_view new_label, int context = 3);

}  // namespace leadrouter::client
