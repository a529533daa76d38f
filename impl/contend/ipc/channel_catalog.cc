// The table of channel kinds. See channel_catalog.h.
#include "contend/ipc/channel_catalog.h"

#include <stdexcept>
#include <string>

#include "contend/ipc/broker.h"
#include "contend/ipc/posix_mq_channel.h"
#include "contend/ipc/shm_queue_channel.h"
#include "contend/ipc/stream_channel.h"

namespace contend {

namespace {
constexpr ChannelKind kKinds[] = {
    {"shm_queue", true, make_shm_queue_channels},
    {"pipe", false, make_pipe_channels},
    {"socketpair", false, make_socketpair_channels},
    {"posix_mq", true, make_posix_mq_channels},
    {"broker", true, make_broker_channels},
};
}  // namespace

std::span<const ChannelKind> channel_kinds() { return kKinds; }

const ChannelKind& channel_kind(std::string_view id) {
  for (const ChannelKind& kind : kKinds)
    if (kind.id == id) return kind;
  throw std::invalid_argument("unknown channel '" + std::string(id) + "'");
}

}  // namespace contend
