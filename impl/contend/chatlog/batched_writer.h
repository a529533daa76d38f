// BatchedWriter: the tutorial's queue, with a writer that drains. It waits
// for one line, then takes every line already queued (up to kMaxBatch) and
// writes the batch with one writev(2), so under load the system calls (and
// under fsync_each the fsyncs) are per batch, not per line.
//
// Receivers see the same hand-off as QueueWriter's. A crash loses the
// batch being gathered as well as the queue. close() as QueueWriter's.
#pragma once

#include <cstddef>
#include <string>
#include <thread>

#include "contend/chatlog/chat_log.h"
#include "contend/queue/blocking_queue.h"

namespace contend::chatlog {

class BatchedWriter final : public ChatLog {
 public:
  // IOV_MAX on Linux: one writev call per full batch.
  static constexpr size_t kMaxBatch = 1024;

  explicit BatchedWriter(LogFile& file);
  ~BatchedWriter() override;
  void append(ChatMessage&& message) override;
  void close() override;

 private:
  void write_loop();

  LogFile& file_;
  BlockingFifoQueue<ChatMessage> queue_;
  std::string error_;  // the writer's failure; read after join
  std::thread writer_;
};

}  // namespace contend::chatlog
