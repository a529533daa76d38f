#include "contend/queue/queue_traits.h"

namespace contend {

std::string_view to_string(QueueOrder order) {
  switch (order) {
    case QueueOrder::kFifo: return "fifo";
    case QueueOrder::kLifo: return "lifo";
    case QueueOrder::kPriority: return "priority";
    case QueueOrder::kRelaxedPriority: return "relaxed_priority";
    case QueueOrder::kNone: return "none";
  }
  return "?";
}

std::string_view to_string(QueueCapacity capacity) {
  switch (capacity) {
    case QueueCapacity::kUnbounded: return "unbounded";
    case QueueCapacity::kBounded: return "bounded";
    case QueueCapacity::kOptional: return "optional";
  }
  return "?";
}

std::string_view to_string(QueueConcurrency concurrency) {
  switch (concurrency) {
    case QueueConcurrency::kSpsc: return "spsc";
    case QueueConcurrency::kMpsc: return "mpsc";
    case QueueConcurrency::kMpmc: return "mpmc";
  }
  return "?";
}

std::string_view queue_family(const QueueTraits& traits) {
  if (traits.concurrency == QueueConcurrency::kSpsc) return "spsc";
  switch (traits.order) {
    case QueueOrder::kLifo: return "lifo";
    case QueueOrder::kPriority:
    case QueueOrder::kRelaxedPriority: return "priority";
    case QueueOrder::kFifo:
    case QueueOrder::kNone: return "fifo";
  }
  return "fifo";
}

}  // namespace contend
