// QueueWriter: the tutorial's SaveChat. Receivers put each line on an
// unbounded BlockingQueue (queue.Queue) and return; one writer thread gets
// lines one at a time and writes each with its own write(2) (and fsync, per
// the policy).
//
// The receiver's hand-off is one lock round trip, so it goes back to the
// socket at once; the cost moves to the writer, and what the writer has not
// written yet is user-space state a crash loses (the crash benchmark's
// `lost`). The queue is unbounded like the tutorial's, so a writer slower
// than the senders grows it for the length of an episode (bounded by the
// episode's message count).
// close(): closes the queue (the writer drains what is left, then sees
// kClosed), joins the writer, closes the file.
#pragma once

#include <string>
#include <thread>

#include "contend/chatlog/chat_log.h"
#include "contend/queue/blocking_queue.h"

namespace contend::chatlog {

class QueueWriter final : public ChatLog {
 public:
  explicit QueueWriter(LogFile& file);
  ~QueueWriter() override;
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
