#include "contend/queue/blocking_queue.h"

namespace contend {

std::string_view to_string(QueueResult status) {
  switch (status) {
    case QueueResult::kOk: return "ok";
    case QueueResult::kFull: return "full";
    case QueueResult::kEmpty: return "empty";
    case QueueResult::kClosed: return "closed";
  }
  return "?";
}

}  // namespace contend
