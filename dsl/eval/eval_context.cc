#include "dsl/eval/eval_context.h"

#include <algorithm>

namespace leadrouter::dsl {

char* ScratchBuffer::Allocate(size_t size) {
  if (size == 0) size = 1;  // a distinct, valid pointer even for empty strings
  while (current_ < blocks_.size()) {
    Block& block = blocks_[current_];
    if (block.size - used_ >= size) {
      char* out = block.data.get() + used_;
      used_ += size;
      return out;
    }
    ++current_;
    used_ = 0;
  }
  // No kept block has room: add one (large enough for oversized requests) and keep it for later.
  const size_t block_size = std::max(block_size_, size);
  blocks_.push_back(Block{std::make_unique<char[]>(block_size), block_size});
  current_ = blocks_.size() - 1;
  used_ = size;
  return blocks_.back().data.get();
}

size_t ScratchBuffer::capacity() const {
  size_t total = 0;
  for (const Block& block : blocks_) total += block.size;
  return total;
}

}  // namespace leadrouter::dsl
