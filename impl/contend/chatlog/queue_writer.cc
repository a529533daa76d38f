// The tutorial's queue-fed writer. See queue_writer.h.
#include "contend/chatlog/queue_writer.h"

namespace contend::chatlog {

namespace {

bool write_one_line(QueueFedWriter::Queue& queue, LogFile& file) {
  ChatMessage message;
  if (queue.get(message) != QueueResult::kOk) return false;
  file.write(message);
  return true;
}

}  // namespace

QueueWriter::QueueWriter(LogFile& file) : QueueFedWriter(file, "queue_writer", write_one_line) {}

}  // namespace contend::chatlog
