// ChatLog: the one interface of the four writer designs, and the factory
// that names them.
//
//   direct_write    each receiver writes its line itself, under a mutex
//                   (direct_write.h): no queue, no extra thread.
//   queue_writer    the tutorial's SaveChat: receivers put lines on a
//                   BlockingQueue (Python's queue.Queue), one writer thread
//                   gets them one by one and writes each (queue_writer.h).
//   batched_writer  the same queue, but the writer takes everything queued
//                   and writes it with one writev (batched_writer.h).
//   spdlog_async    spdlog's async logger (its thread pool and queue) as the
//                   library peer, writing through the same LogFile
//                   (spdlog_async.h).
//
// Contract, for every design:
//  - append() may be called from several threads at once. Lines appended
//    by one thread reach the file in the order that thread appended them;
//    lines of different threads interleave in some order, whole.
//  - append() returning is the receiver's hand-off: the line is written
//    (direct_write) or queued (the others) and will be written unless the
//    process dies first.
//  - close() (once, after every append returned) writes everything still
//    queued, applies the policy's final fsync (LogFile::close), stops any
//    thread the design started and returns only then. A write error in a
//    writer thread is rethrown from close() as std::runtime_error.
//  - Every line is acknowledged in the LogFile's ledger after it is written
//    (and fsynced where the policy says), never before.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "contend/chatlog/chat_message.h"
#include "contend/chatlog/log_file.h"

namespace contend::chatlog {

class ChatLog {
 public:
  virtual ~ChatLog() = default;
  virtual void append(ChatMessage&& message) = 0;
  virtual void close() = 0;
};

enum class WriterDesign { kDirectWrite, kQueueWriter, kBatchedWriter, kSpdlogAsync };

inline constexpr WriterDesign kAllWriterDesigns[] = {
    WriterDesign::kDirectWrite, WriterDesign::kQueueWriter, WriterDesign::kBatchedWriter,
    WriterDesign::kSpdlogAsync};

std::string_view to_string(WriterDesign design);
// Throws std::invalid_argument naming the known designs.
WriterDesign parse_writer_design(std::string_view word);

// The design writing to `file`, which must outlive it; close() closes `file`.
std::unique_ptr<ChatLog> make_chat_log(WriterDesign design, LogFile& file);

}  // namespace contend::chatlog
