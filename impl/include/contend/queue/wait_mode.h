// WaitMode: how a benchmark worker waits when its queue cannot serve it.
//
//   kSpin   poll try_pop / try_push: pause, then sched_yield once a wait
//           gets long (so an oversubscribed run lets the peer it waits
//           for run); never sleeps in the kernel.
//   kBlock  the queue's own blocking pop() / push(): the waiter sleeps.
//           Only for queues whose traits say `blocking`.
#pragma once

#include <string_view>

namespace contend {

enum class WaitMode { kSpin, kBlock };

std::string_view to_string(WaitMode mode);

}  // namespace contend
