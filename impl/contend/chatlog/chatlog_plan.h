// What bench_chatlog measures on a machine.
//
//   chatlog/log/<design>    the pipeline end to end (log_episode.h), per
//                           writer design x durability policy; durability
//                           none at each sender count of the ladder, the
//                           fsync policies at the full machine's (threads =
//                           senders = producers, consumers = receivers = 1,
//                           the tutorial's one receiving socket).
//   chatlog/crash/<design>  full run only: the logging process SIGKILLed
//                           mid-episode (crash_episode.h), per design x
//                           policy, at the full machine's sender count.
//
// Messages per sender per episode (param `msgs`): fewer under the fsync
// policies, whose fsyncs cost milliseconds each, so that an episode stays
// near a second; items/s is per message, so rows of different sizes
// compare. Quick keeps durability none at the full machine's sender count,
// every design: the question (what the queue buys over writing directly)
// asked once, within the family's quick budget (an fsync policy would not
// fit in it: one fsync_each episode alone takes about a second here).
// `rcvbuf` (KiB asked for; the kernel caps it at net.core.rmem_max) is a
// parameter because the drops depend on it.
// The oversub mark counts senders, receivers and a writer thread where the
// design has one.
#pragma once

#include <vector>

#include "contend/chatlog/chatlog_config.h"
#include "contend/harness/benchmark_id.h"
#include "contend/harness/plan_input.h"
#include "contend/topology/placement.h"

namespace contend::chatlog {

struct ChatlogScenario {
  BenchmarkId id;
  ChatlogConfig config;       // scratch_dir left empty: the binary's flag fills it
  std::vector<Place> places;  // the senders'
  bool crash = false;
};

std::vector<ChatlogScenario> chatlog_plan(const PlanInput& input);

}  // namespace contend::chatlog
