// QueueWriter: the tutorial's SaveChat. Receivers put each line on the queue
// and return; the writer thread gets lines one at a time and writes each
// with its own write(2) (and fsync, per the policy). The queue, the
// hand-off and close() are QueueFedWriter's.
#pragma once

#include "contend/chatlog/queue_fed_writer.h"

namespace contend::chatlog {

class QueueWriter final : public QueueFedWriter {
 public:
  explicit QueueWriter(LogFile& file);
};

}  // namespace contend::chatlog
