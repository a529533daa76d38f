// PosixMqChannel: a Channel over a POSIX message queue (mq_open), the
// `posix_mq` impl of bench_ipc.
//
// The queue is created under a unique name (pid, counter, random) with
// O_EXCL and unlinked at once, before anything else can fail: from then on
// it is reachable only through the inherited descriptor and vanishes with
// the last one, so no /dev/mqueue entry can outlive the benchmark — even a
// crash. Only a kill in the instant between mq_open and mq_unlink could
// leave a name behind.
//
// The kernel bounds a queue by /proc/sys/fs/mqueue/msg_max messages (10 by
// default; raising it needs CAP_SYS_RESOURCE) and msgsize_max bytes, so
// `capacity` is clamped to msg_max and a message larger than msgsize_max is
// a ChannelError at construction. Any number of senders and receivers;
// messages are FIFO (all are sent at one priority).
#pragma once

#include <mqueue.h>

#include <chrono>
#include <string>

#include "contend/ipc/channel.h"

namespace contend {

class PosixMqChannel : public Channel {
 public:
  explicit PosixMqChannel(const ChannelOptions& options);
  ~PosixMqChannel() override;
  PosixMqChannel(const PosixMqChannel&) = delete;
  PosixMqChannel& operator=(const PosixMqChannel&) = delete;

  void send(int client, std::span<const std::byte> message) override;
  void receive(int client, std::span<std::byte> message) override;

  // The name it was created under (already unlinked), for leak tests.
  const std::string& name() const { return name_; }
  long capacity() const { return capacity_; }

 private:
  mqd_t queue_;
  std::string name_;
  long capacity_ = 0;
  std::chrono::nanoseconds timeout_;
};

ChannelPair make_posix_mq_channels(const ChannelOptions& options);

}  // namespace contend
