// The tutorial's queue-fed writer. See queue_writer.h.
#include "contend/chatlog/queue_writer.h"

#include <exception>
#include <stdexcept>

namespace contend::chatlog {

QueueWriter::QueueWriter(LogFile& file) : file_(file), writer_([this] { write_loop(); }) {}

QueueWriter::~QueueWriter() {
  if (writer_.joinable()) {
    queue_.close(true);
    writer_.join();
  }
}

void QueueWriter::append(ChatMessage&& message) {
  if (queue_.put(std::move(message)) != QueueResult::kOk)
    throw std::logic_error("queue_writer: append after close");
}

void QueueWriter::write_loop() {
  ChatMessage message;
  try {
    while (queue_.get(message) == QueueResult::kOk) file_.write(message);
  } catch (const std::exception& e) {
    error_ = e.what();
    queue_.close(true);  // receivers' later puts fail instead of growing a dead queue
  }
}

void QueueWriter::close() {
  queue_.close();
  writer_.join();  // orders error_'s write before the read below
  if (!error_.empty()) throw std::runtime_error("queue_writer: " + error_);
  file_.close();
}

}  // namespace contend::chatlog
