// What bench_ipc measures on a machine: every channel of channel_catalog.h,
// throughput and ping-pong, between processes and between threads.
//
// Modes: every channel runs in process mode; thread mode runs shm_queue
// always (the same queue between threads) and every other channel in a full
// run only.
// Splits (producers:consumers, throughput): always 1:1; in a full run,
// channels that allow several senders and receivers (many_to_many) also
// get n/2:n/2 at each ladder point n >= 4. Ping-pong is two workers.
// Payloads: 8, 64 and 4096 bytes; quick: 64 only.
// Placements: each distinct map; quick: compact's only (which may stand for
// scatter too).
//
// Channels are given comparable buffering (IpcScenario::channel), since
// how often a full or empty channel puts a side to sleep decides
// throughput: every channel we size gets what a pipe has by default, 64 KiB
// (at least 16 messages); posix_mq is held to the kernel's msg_max (10) and
// the socketpair keeps its own default (about 200 KiB).
//
// Messages per producer and episode: several times the channel's buffer,
// sized for tens of milliseconds even through a broker or posix_mq on a VM;
// posix_mq (10 messages of buffer) and the broker (two round trips per
// message) are slower, so they send fewer. Round trips: a thousand (the
// broker 250); quick: an eighth, since a sleeping end can take tens of
// microseconds to wake on a VM (p99.9 then goes unreported: too few
// samples), and a quarter of the messages.
#pragma once

#include <cstdint>
#include <variant>
#include <vector>

#include "contend/harness/benchmark_id.h"
#include "contend/harness/plan_input.h"
#include "contend/ipc/channel.h"
#include "contend/ipc/ipc_workload.h"
#include "contend/topology/placement.h"

namespace contend {

struct PingPongShape {
  uint64_t round_trips = 1000;
  size_t message_bytes = 64;
};

struct IpcScenario {
  BenchmarkId id;          // impl: the channel (channel_kind(id.impl))
  ChannelOptions channel;  // what the channel pair is made with
  std::variant<ThroughputShape, PingPongShape> shape;  // throughput or pingpong
  std::vector<Place> places;
};

// In channel_kinds() order, then mode, payload, split (ping-pong after the
// throughput splits of its payload), placement.
std::vector<IpcScenario> ipc_plan(const PlanInput& input);

}  // namespace contend
