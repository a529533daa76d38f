// Writer design names and the factory. See chat_log.h.
#include "contend/chatlog/chat_log.h"

#include <stdexcept>

#include "contend/chatlog/batched_writer.h"
#include "contend/chatlog/direct_write.h"
#include "contend/chatlog/queue_writer.h"
#include "contend/chatlog/spdlog_async.h"

namespace contend::chatlog {

std::string_view to_string(WriterDesign design) {
  switch (design) {
    case WriterDesign::kDirectWrite: return "direct_write";
    case WriterDesign::kQueueWriter: return "queue_writer";
    case WriterDesign::kBatchedWriter: return "batched_writer";
    case WriterDesign::kSpdlogAsync: return "spdlog_async";
  }
  return "?";
}

WriterDesign parse_writer_design(std::string_view word) {
  for (WriterDesign d : kAllWriterDesigns)
    if (to_string(d) == word) return d;
  throw std::invalid_argument("unknown writer design '" + std::string(word) +
                              "' (direct_write, queue_writer, batched_writer, spdlog_async)");
}

std::unique_ptr<ChatLog> make_chat_log(WriterDesign design, LogFile& file) {
  switch (design) {
    case WriterDesign::kDirectWrite: return std::make_unique<DirectWrite>(file);
    case WriterDesign::kQueueWriter: return std::make_unique<QueueWriter>(file);
    case WriterDesign::kBatchedWriter: return std::make_unique<BatchedWriter>(file);
    case WriterDesign::kSpdlogAsync: return std::make_unique<SpdlogAsync>(file);
  }
  throw std::invalid_argument("unknown writer design");
}

}  // namespace contend::chatlog
