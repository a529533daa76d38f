// ShmQueueChannel. See shm_queue_channel.h.
#include "contend/ipc/shm_queue_channel.h"

#include <string>

namespace contend {

ShmQueueChannel::ShmQueueChannel(const ChannelOptions& options)
    : queue_(options.capacity, options.message_bytes), timeout_(options.timeout) {}

void ShmQueueChannel::send(int, std::span<const std::byte> message) {
  const QueueStatus status = queue_.push(message, timeout_);
  if (status != QueueStatus::kOk)
    throw ChannelError("shm_queue: push failed: " + std::string(to_string(status)));
}

void ShmQueueChannel::receive(int, std::span<std::byte> message) {
  size_t size = 0;
  const QueueStatus status = queue_.pop(message, &size, timeout_);
  if (status != QueueStatus::kOk)
    throw ChannelError("shm_queue: pop failed: " + std::string(to_string(status)));
  if (size != message.size())
    throw ChannelError("shm_queue: popped " + std::to_string(size) + " bytes, expected " +
                       std::to_string(message.size()));
}

ChannelPair make_shm_queue_channels(const ChannelOptions& options) {
  return {std::make_unique<ShmQueueChannel>(options), std::make_unique<ShmQueueChannel>(options)};
}

}  // namespace contend
