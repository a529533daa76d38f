// The draining writer. See batched_writer.h.
#include "contend/chatlog/batched_writer.h"

#include <exception>
#include <stdexcept>
#include <vector>

namespace contend::chatlog {

BatchedWriter::BatchedWriter(LogFile& file) : file_(file), writer_([this] { write_loop(); }) {}

BatchedWriter::~BatchedWriter() {
  if (writer_.joinable()) {
    queue_.close(true);
    writer_.join();
  }
}

void BatchedWriter::append(ChatMessage&& message) {
  if (queue_.put(std::move(message)) != QueueResult::kOk)
    throw std::logic_error("batched_writer: append after close");
}

void BatchedWriter::write_loop() {
  std::vector<ChatMessage> batch(kMaxBatch);
  std::vector<const ChatMessage*> lines;
  lines.reserve(kMaxBatch);
  try {
    // Blocks for the first line only; the rest are whatever is queued now.
    while (queue_.get(batch[0]) == QueueResult::kOk) {
      size_t n = 1;
      while (n < kMaxBatch && queue_.get_nowait(batch[n]) == QueueResult::kOk) ++n;
      lines.clear();
      for (size_t i = 0; i < n; ++i) lines.push_back(&batch[i]);
      file_.write(lines);
    }
  } catch (const std::exception& e) {
    error_ = e.what();
    queue_.close(true);
  }
}

void BatchedWriter::close() {
  queue_.close();
  writer_.join();  // orders error_'s write before the read below
  if (!error_.empty()) throw std::runtime_error("batched_writer: " + error_);
  file_.close();
}

}  // namespace contend::chatlog
