// send_chat: the chat's senders, one thread each, blasting lines at the
// inbox's port on 127.0.0.1.
//
// Sender s has its own UDP socket, connected to 127.0.0.1:port, and sends
// format_line(s, 0 .. per_sender-1) as fast as send() returns, then its
// sentinel kSentinelCopies times (a lost sentinel only makes the episode
// wait for its deadline). There is no pacing and no flow control, as in
// the tutorial: a receiver that falls behind loses datagrams in the kernel.
// Sender s is pinned to places[s % places.size()] when the topology is this
// machine's (none pinned for an empty `places`).
//
// Returns once every sender has finished; `sent` counts the send() calls
// that succeeded (loopback send() does not block on a full receiver: the
// datagram is dropped at the receiving socket). A socket that cannot be
// made is a std::system_error, after the other senders are joined.
#pragma once

#include <cstdint>
#include <vector>

#include "contend/topology/placement.h"
#include "contend/topology/topology.h"

namespace contend::chatlog {

inline constexpr int kSentinelCopies = 3;

struct SendTally {
  uint64_t sent = 0;    // messages (sentinels not counted)
  uint64_t failed = 0;  // send() errors (ENOBUFS, say): never reached the receiver
  int64_t cpu_ns = 0;   // the sender threads' own CPU time, user + system
};

SendTally send_chat(uint16_t port, int senders, uint32_t per_sender, const Topology& topology,
                    const std::vector<Place>& places);

}  // namespace contend::chatlog
