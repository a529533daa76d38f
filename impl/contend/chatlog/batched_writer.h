// BatchedWriter: the tutorial's queue, with a writer that drains. It waits
// for one line, then takes every line already queued (up to kMaxBatch) and
// writes the batch with one writev(2), so under load the system calls (and
// under fsync_each the fsyncs) are per batch, not per line.
//
// Receivers see the same hand-off as QueueWriter's (QueueFedWriter). A
// crash loses the batch being gathered as well as the queue.
#pragma once

#include <cstddef>

#include "contend/chatlog/queue_fed_writer.h"

namespace contend::chatlog {

class BatchedWriter final : public QueueFedWriter {
 public:
  // IOV_MAX on Linux: one writev call per full batch.
  static constexpr size_t kMaxBatch = 1024;

  explicit BatchedWriter(LogFile& file);
};

}  // namespace contend::chatlog
