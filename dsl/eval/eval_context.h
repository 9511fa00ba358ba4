// What one evaluation reads: the bound lead, the bound rep, the time, and scratch memory.
//
// The rule language is pure: it has no clock, no I/O and no globals. Everything an expression may
// depend on arrives here, so the same context always gives the same answer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "dsl/base/record.h"

namespace leadrouter::dsl {

// Memory for the strings that evaluation makes (`lower(source)`), reused across evaluations so that
// the hot path does not allocate once the buffer has warmed up.
//
// Blocks never move: a string_view into the buffer stays valid until Reset(). The public evaluation
// functions (dsl/eval/eval.h, dsl/decision/rule_eval.h) call Reset() when they start, so a Value
// they return that views scratch memory lasts until the next evaluation with the same buffer. One
// buffer per thread.
class ScratchBuffer {
 public:
  // Default: 4 KiB blocks.
  explicit ScratchBuffer(size_t block_size = 4096) : block_size_(block_size) {}
  ScratchBuffer(const ScratchBuffer&) = delete;
  ScratchBuffer& operator=(const ScratchBuffer&) = delete;

  // Forgets every string handed out; keeps the memory for the next evaluation.
  void Reset() {
    current_ = 0;
    used_ = 0;
  }

  // `size` bytes, valid until Reset(). Allocates only when no kept block has room.
  char* Allocate(size_t size);

  // How many bytes the buffer holds (for tests and metrics).
  size_t capacity() const;

 private:
  struct Block {
    std::unique_ptr<char[]> data;
    size_t size = 0;
  };
  size_t block_size_;
  std::vector<Block> blocks_;
  size_t current_ = 0;  // the block being filled
  size_t used_ = 0;     // bytes used in blocks_[current_]
};

struct EvalContext {
  // The lead being routed. Null: lead fields read as null.
  const Record* lead = nullptr;
  // The rep being considered (require, prefer, distribute). Null: rep fields read as null, which is
  // how `when` conditions and segments run.
  const Record* rep = nullptr;
  // The decision's time, seconds since the Unix epoch (UTC): what hours_since() measures against.
  int64_t now = 0;
  // Where string functions put their results. Null: those functions give null.
  ScratchBuffer* scratch = nullptr;
};

}  // namespace leadrouter::dsl
