// The draining writer. See batched_writer.h.
#include "contend/chatlog/batched_writer.h"

#include <vector>

namespace contend::chatlog {

namespace {

// The writer thread's step, with its buffers kept between batches.
class WriteBatch {
 public:
  WriteBatch() : batch_(BatchedWriter::kMaxBatch) { lines_.reserve(BatchedWriter::kMaxBatch); }

  bool operator()(QueueFedWriter::Queue& queue, LogFile& file) {
    // Blocks for the first line only; the rest are whatever is queued now.
    if (queue.get(batch_[0]) != QueueResult::kOk) return false;
    size_t n = 1;
    while (n < batch_.size() && queue.get_nowait(batch_[n]) == QueueResult::kOk) ++n;
    lines_.clear();
    for (size_t i = 0; i < n; ++i) lines_.push_back(&batch_[i]);
    file.write(lines_);
    return true;
  }

 private:
  std::vector<ChatMessage> batch_;
  std::vector<const ChatMessage*> lines_;
};

}  // namespace

BatchedWriter::BatchedWriter(LogFile& file) : QueueFedWriter(file, "batched_writer", WriteBatch()) {}

}  // namespace contend::chatlog
