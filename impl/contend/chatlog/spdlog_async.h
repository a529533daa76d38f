// SpdlogAsync: spdlog's async logger as the library peer of queue_writer.
//
// append() hands the line (without its newline) to an spdlog::async_logger
// whose own thread pool (one thread, a bounded queue of kQueueSlots,
// overflow policy `block`: a full queue makes the receiver wait, it never
// drops) formats nothing: its one sink is a LogFileSink that writes each
// record's text plus '\n' through the same LogFile as the other designs, so
// the durability policies and acknowledgements are the same code for all
// four. What differs is the queue (spdlog's MPMC ring of preallocated
// records, which copies the text into the record) and the handing over.
//
// Not used: spdlog's own basic_file_sink, whose stdio buffer is flushed
// only on flush_on() levels or a periodic flusher. With it no fsync policy
// could be applied per line, and a crash would also lose the stdio buffer;
// here a crash loses spdlog's queue, as queue_writer loses its queue.
//
// Every episode builds its own logger and thread pool, registered nowhere
// (not in spdlog's global registry); close() destroys the pool, whose
// destructor lets its thread drain the queue and joins it, then drops the
// logger, so no spdlog thread outlives close(). A sink error (spdlog catches
// exceptions from sinks and calls the error handler) is kept and rethrown
// from close().
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>

#include "contend/chatlog/chat_log.h"

namespace spdlog {
class async_logger;
namespace details {
class thread_pool;
}
}  // namespace spdlog

namespace contend::chatlog {

class SpdlogAsync final : public ChatLog {
 public:
  static constexpr size_t kQueueSlots = 8192;

  explicit SpdlogAsync(LogFile& file);
  ~SpdlogAsync() override;
  void append(ChatMessage&& message) override;
  void close() override;

 private:
  void stop();

  LogFile& file_;
  std::shared_ptr<spdlog::details::thread_pool> pool_;
  std::shared_ptr<spdlog::async_logger> logger_;
  std::mutex error_mutex_;  // the pool thread's error handler writes error_
  std::string error_;
};

}  // namespace contend::chatlog
