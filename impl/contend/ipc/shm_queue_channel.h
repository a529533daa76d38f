// ShmQueueChannel: a Channel over one ShmQueue, the `shm_queue` impl of
// bench_ipc; the same object serves threads and forked processes.
//
// Any number of senders and receivers may share it (the queue is MPMC).
// A timeout, a closed or a broken queue is a ChannelError.
#pragma once

#include "contend/ipc/channel.h"
#include "contend/shm/shm_queue.h"

namespace contend {

class ShmQueueChannel : public Channel {
 public:
  explicit ShmQueueChannel(const ChannelOptions& options);

  void send(int client, std::span<const std::byte> message) override;
  void receive(int client, std::span<std::byte> message) override;

  ShmQueue& queue() { return queue_; }

 private:
  ShmQueue queue_;
  std::chrono::nanoseconds timeout_;
};

ChannelPair make_shm_queue_channels(const ChannelOptions& options);

}  // namespace contend
