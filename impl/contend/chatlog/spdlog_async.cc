// spdlog's async logger over the LogFile. See spdlog_async.h.
#include "contend/chatlog/spdlog_async.h"

#include <spdlog/async.h>
#include <spdlog/async_logger.h>
#include <spdlog/details/null_mutex.h>
#include <spdlog/sinks/base_sink.h>

#include <stdexcept>
#include <string_view>
#include <utility>

namespace contend::chatlog {

namespace {

// spdlog's sink interface onto the LogFile: one record, one line. Only the
// pool's single thread calls it, so it needs no mutex of its own.
class LogFileSink final : public spdlog::sinks::base_sink<spdlog::details::null_mutex> {
 public:
  explicit LogFileSink(LogFile& file) : file_(file) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    line_.line.assign(msg.payload.data(), msg.payload.size());
    line_.line.push_back('\n');
    // The ledger needs the message's identity; the line carries it.
    const ParsedDatagram parsed = parse_datagram(line_.line);
    line_.sender = parsed.sender;
    line_.seq = parsed.seq;
    file_.write(line_);
  }
  void flush_() override {}

 private:
  LogFile& file_;
  ChatMessage line_;  // reused: no allocation per record once grown
};

}  // namespace

SpdlogAsync::SpdlogAsync(LogFile& file) : file_(file) {
  pool_ = std::make_shared<spdlog::details::thread_pool>(kQueueSlots, 1);
  logger_ = std::make_shared<spdlog::async_logger>("chatlog", std::make_shared<LogFileSink>(file),
                                                   pool_, spdlog::async_overflow_policy::block);
  logger_->set_level(spdlog::level::info);
  logger_->set_error_handler([this](const std::string& message) {
    std::lock_guard lock(error_mutex_);
    if (error_.empty()) error_ = message;
  });
}

SpdlogAsync::~SpdlogAsync() { stop(); }

void SpdlogAsync::append(ChatMessage&& message) {
  if (!logger_) throw std::logic_error("spdlog_async: append after close");
  std::string_view text(message.line);
  if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  logger_->log(spdlog::level::info, spdlog::string_view_t(text.data(), text.size()));
}

void SpdlogAsync::stop() {
  // The pool first: its destructor posts a terminate message behind the
  // queued records (which hold the logger) and joins its thread once they
  // are written. The logger (and the sink the pool thread used) then dies
  // here, after that join, which orders the sink's last use before its
  // destruction even for ThreadSanitizer, which cannot see the reference
  // counts inside the uninstrumented libspdlog. (The logger holds the pool
  // only weakly: pool_ is its one owner.)
  pool_.reset();
  logger_.reset();
}

void SpdlogAsync::close() {
  stop();
  {
    std::lock_guard lock(error_mutex_);
    if (!error_.empty()) throw std::runtime_error("spdlog_async: " + error_);
  }
  file_.close();
}

}  // namespace contend::chatlog
