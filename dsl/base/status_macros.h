// Small status helpers that Abseil 20220623 (Debian 12) does not ship yet.
//
// Errors cross module boundaries as absl::Status / absl::StatusOr values; these macros keep the
// propagation readable without hiding it.
#pragma once

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define LEADROUTER_STATUS_CONCAT_INNER(a, b) a##b
#define LEADROUTER_STATUS_CONCAT(a, b) LEADROUTER_STATUS_CONCAT_INNER(a, b)

// Returns from the enclosing function when `expr` (an absl::Status) is not OK. The status is
// named after the line so that `expr` may hold a lambda that uses the macro too (a mutation
// passed to CommitQueue::Commit) without -Wshadow.
#define RETURN_IF_ERROR(expr) \
  RETURN_IF_ERROR_IMPL(LEADROUTER_STATUS_CONCAT(_status_, __LINE__), expr)

#define RETURN_IF_ERROR_IMPL(status, expr)                         \
  do {                                                             \
    if (absl::Status status = (expr); !status.ok()) return status; \
  } while (false)

// Evaluates `rexpr` (an absl::StatusOr<T>); on error returns its status, otherwise moves the value
// into `lhs`, which may be a declaration: ASSIGN_OR_RETURN(auto db, Database::Open(path));
#define ASSIGN_OR_RETURN(lhs, rexpr) \
  ASSIGN_OR_RETURN_IMPL(LEADROUTER_STATUS_CONCAT(_status_or_, __LINE__), lhs, rexpr)

#define ASSIGN_OR_RETURN_IMPL(statusor, lhs, rexpr)        \
  auto statusor = (rexpr);                                 \
  if (!statusor.ok()) return std::move(statusor).status(); \
  lhs = std::move(statusor).value()
