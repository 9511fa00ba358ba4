// A rule file held in memory, with the line index that diagnostics need.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace leadrouter::dsl {

// A half-open byte range [begin, end) into a SourceFile's text.
struct SourceSpan {
  uint32_t begin = 0;
  uint32_t end = 0;

  friend bool operator==(const SourceSpan&, const SourceSpan&) = default;
};

// 1-based line and column (column counts bytes, as compilers and editors do for `file:line:col`).
struct LineColumn {
  uint32_t line = 1;
  uint32_t column = 1;
};

// Immutable after construction; safe to share between threads.
class SourceFile {
 public:
  SourceFile(std::string name, std::string text);

  const std::string& name() const { return name_; }
  const std::string& text() const { return text_; }

  LineColumn Locate(uint32_t offset) const;
  // The text of 1-based line `line`, without its line terminator.
  std::string_view Line(uint32_t line) const;
  std::string_view Slice(SourceSpan span) const;

 private:
  std::string name_;
  std::string text_;
  std::vector<uint32_t> line_starts_;  // byte offset of each line's first character
};

// Reads the whole file at `path` into a SourceFile named `path`.
// NotFound when it does not exist, PermissionDenied when it cannot be opened, InvalidArgument when
// it is a directory or larger than kMaxSourceFileBytes (the language's file-size limit), Internal
// on a read failure. The message always names the path.
inline constexpr uint64_t kMaxSourceFileBytes = 16u << 20;  // 16 MiB: far above any real rule file
[[nodiscard]] absl::StatusOr<SourceFile> ReadSourceFile(const std::string& path);

}  // namespace leadrouter::dsl
