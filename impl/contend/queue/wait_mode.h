// WaitMode: how a benchmark worker waits when its queue cannot serve it.
//
//   kSpin   poll try_pop / try_push: pause, then sched_yield once a wait
//           gets long (so an oversubscribed run lets the peer it waits
//           for run); never sleeps in the kernel.
//   kBlock  the queue's own blocking pop() / push(): the waiter sleeps.
//           Only for queues whose traits say `blocking`.
#pragma once

#include <string_view>

#include "contend/sync/backoff.h"

namespace contend {

enum class WaitMode { kSpin, kBlock };

std::string_view to_string(WaitMode mode);

// Pushes `item` through a queue handle, waiting while it is full the way
// `mode` says: the handle's own blocking push() for kBlock where it has one,
// else try_push with pause-then-yield.
template <class Handle, class Item>
void push_waiting(Handle& handle, const Item& item, WaitMode mode) {
  if constexpr (requires(Handle& h, const Item& v) { h.push(v); }) {
    if (mode == WaitMode::kBlock) {
      handle.push(item);
      return;
    }
  }
  SpinWait spin;
  while (!handle.try_push(item)) spin.pause();
}

}  // namespace contend
