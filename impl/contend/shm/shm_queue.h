// ShmQueue: a bounded, blocking FIFO of fixed-size messages that forked
// processes (and threads) share, with timeouts on every wait.
//
// This is the project's own `multiprocessing.Queue`: the ring and its lock
// live in one anonymous MAP_SHARED mapping, so a queue built before fork()
// works in every child at the same address and leaves no /dev/shm name
// behind. The lock is a process-shared, robust pthread mutex with two
// condition variables on CLOCK_MONOTONIC; messages are copied in and out
// under the lock.
//
// Guaranteed: FIFO order of successful pushes, every message popped at most
// once, whole messages only, waits that end at the timeout (kTimeout) or on
// close() (kClosed). A process that dies while holding the lock (in the
// middle of a push or pop) marks the queue broken: every later call returns
// kBroken instead of hanging on the orphaned lock, and so does every call
// already asleep in the queue, within about 0.1 s (a sleeper wakes that
// often to relock and look: a dead owner does not wake it).
// Not guaranteed: fairness among blocked waiters; progress of anything
// still waiting when a peer process is killed outside the lock (that waiter
// waits for its timeout: kWaitForever is for ever, unless some other
// process pushes, pops or closes); or a usable queue after a process was
// killed while waiting in it (glibc's condition variables keep per-waiter
// state): after a worker crash the queue is to be discarded, which is what
// the benchmarks do.
#pragma once

#include <pthread.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "contend/harness/shared_memory.h"

namespace contend {

enum class QueueStatus { kOk, kTimeout, kClosed, kBroken };
std::string_view to_string(QueueStatus status);

inline constexpr std::chrono::nanoseconds kWaitForever = std::chrono::nanoseconds::max();

class ShmQueue {
 public:
  // Room for `capacity` messages of up to `message_bytes` each. Throws
  // std::invalid_argument on zero sizes, std::runtime_error if the mapping
  // or the pthread objects cannot be created.
  ShmQueue(size_t capacity, size_t message_bytes);
  ~ShmQueue();
  ShmQueue(const ShmQueue&) = delete;
  ShmQueue& operator=(const ShmQueue&) = delete;

  // Appends a copy of `message` (at most message_bytes() long), waiting up
  // to `timeout` for room. A zero timeout never waits.
  QueueStatus push(std::span<const std::byte> message,
                   std::chrono::nanoseconds timeout = kWaitForever);

  // Removes the oldest message into `buffer` (which must hold
  // message_bytes()), setting *size to its length; waits up to `timeout`.
  // After close(), messages already queued are still delivered, then kClosed.
  QueueStatus pop(std::span<std::byte> buffer, size_t* size,
                  std::chrono::nanoseconds timeout = kWaitForever);

  // Wakes every waiter; later pushes fail with kClosed.
  void close();

  size_t size() const;  // a snapshot: queued messages
  size_t capacity() const { return capacity_; }
  size_t message_bytes() const { return message_bytes_; }

  // For tests of the robustness promise: takes the lock and returns with it
  // held, as a process killed in the middle of push() would leave it.
  void lock_and_abandon_for_testing();

 private:
  struct Header;

  // Locks; false (queue broken) if the previous owner died holding the lock.
  bool lock();
  // With the lock held: sleeps on `cond` (counted in `waiters`) until
  // ready() or the timeout. kOk keeps the lock; any other status has
  // released it.
  template <class Ready>
  QueueStatus wait_locked(Ready ready, pthread_cond_t& cond, uint32_t& waiters,
                          std::chrono::nanoseconds timeout);
  std::byte* slot(uint64_t index) const;

  size_t capacity_;
  size_t message_bytes_;
  size_t slot_stride_;
  SharedRegion region_;
  Header* header_;
};

}  // namespace contend
