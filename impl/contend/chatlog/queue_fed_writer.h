// QueueFedWriter: what queue_writer and batched_writer share: receivers put
// lines on an unbounded BlockingQueue (Python's queue.Queue) and return; one
// writer thread takes them off and writes them. The two designs differ only
// in how that thread takes lines (WriteNext): one at a time, or everything
// queued at once.
//
// The receiver's hand-off is one lock round trip; what the writer has not
// written yet is user-space state a crash loses (the crash benchmark's
// `lost`). The queue is unbounded like the tutorial's, so a writer slower
// than the senders grows it for the length of an episode (bounded by the
// episode's message count).
// close(): closes the queue (the writer drains what is left, then sees
// kClosed), joins the writer, rethrows its failure, closes the file.
#pragma once

#include <functional>
#include <string>
#include <thread>

#include "contend/chatlog/chat_log.h"
#include "contend/queue/blocking_queue.h"

namespace contend::chatlog {

class QueueFedWriter : public ChatLog {
 public:
  using Queue = BlockingFifoQueue<ChatMessage>;
  // Takes the next line(s) off the queue, blocking for the first, and
  // writes them; false once the queue is closed and empty. Runs on the
  // writer thread only, so it may keep buffers between calls.
  using WriteNext = std::function<bool(Queue& queue, LogFile& file)>;

  ~QueueFedWriter() override;
  void append(ChatMessage&& message) override;
  void close() override;

 protected:
  // design: the impl id, for messages. Starts the writer thread.
  QueueFedWriter(LogFile& file, const char* design, WriteNext write_next);

 private:
  void write_loop();

  LogFile& file_;
  const char* const design_;
  WriteNext write_next_;  // set before writer_ starts (declaration order)
  Queue queue_;
  std::string error_;  // the writer's failure; read after join
  std::thread writer_;
};

}  // namespace contend::chatlog
