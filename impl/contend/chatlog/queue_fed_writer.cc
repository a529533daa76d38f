// The queue-fed writers' shared machinery. See queue_fed_writer.h.
#include "contend/chatlog/queue_fed_writer.h"

#include <exception>
#include <stdexcept>
#include <utility>

namespace contend::chatlog {

QueueFedWriter::QueueFedWriter(LogFile& file, const char* design, WriteNext write_next)
    : file_(file), design_(design), write_next_(std::move(write_next)),
      writer_([this] { write_loop(); }) {}

QueueFedWriter::~QueueFedWriter() {
  if (writer_.joinable()) {
    queue_.close(true);
    writer_.join();
  }
}

void QueueFedWriter::append(ChatMessage&& message) {
  if (queue_.put(std::move(message)) != QueueResult::kOk)
    throw std::logic_error(std::string(design_) + ": append after close");
}

void QueueFedWriter::write_loop() {
  try {
    while (write_next_(queue_, file_)) {
    }
  } catch (const std::exception& e) {
    error_ = e.what();
    queue_.close(true);  // receivers' later puts fail instead of growing a dead queue
  }
}

void QueueFedWriter::close() {
  queue_.close();
  writer_.join();  // orders error_'s write before the read below
  if (!error_.empty()) throw std::runtime_error(std::string(design_) + ": " + error_);
  file_.close();
}

}  // namespace contend::chatlog
