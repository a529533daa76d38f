// The IPC mechanisms bench_ipc compares, under their stable impl ids.
//
// shm_queue   ShmQueue in shared memory (threads or processes alike)
// pipe        anonymous pipe
// socketpair  Unix-domain stream socketpair (multiprocessing.Pipe)
// posix_mq    POSIX message queue, unlinked at creation
// broker      a server process owning the queue (Manager().Queue())
#pragma once

#include <span>
#include <string_view>

#include "contend/ipc/channel.h"

namespace contend {

struct ChannelKind {
  std::string_view id;
  bool many_to_many;  // safe with several concurrent senders and receivers
  ChannelPair (*make)(const ChannelOptions& options);
};

std::span<const ChannelKind> channel_kinds();
// Throws std::invalid_argument naming the unknown id.
const ChannelKind& channel_kind(std::string_view id);

}  // namespace contend
