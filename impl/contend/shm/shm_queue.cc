// The shared ring behind ShmQueue. See shm_queue.h.
//
// Layout of the mapping: one Header (lock, condition variables, counters),
// then `capacity` slots of [uint64 length | message bytes], each rounded up
// to 16 bytes. head/tail are running counts, so size = tail - head and the
// slot of a count is count % capacity.
#include "contend/shm/shm_queue.h"

#include <time.h>

#include <cerrno>
#include <cstring>
#include <new>
#include <stdexcept>
#include <string>

namespace contend {

struct ShmQueue::Header {
  pthread_mutex_t mutex;
  pthread_cond_t not_empty;
  pthread_cond_t not_full;
  uint64_t head = 0;  // messages popped so far
  uint64_t tail = 0;  // messages pushed so far
  // Waiter counts let push/pop skip the signal call when nobody sleeps.
  uint32_t waiting_consumers = 0;
  uint32_t waiting_producers = 0;
  bool closed = false;
  bool broken = false;
};

namespace {

constexpr size_t kSlotHeader = sizeof(uint64_t);

// How long a sleeper sleeps before it looks for a peer that died holding
// the lock. Its death does not wake a condition variable's sleepers (the
// robust mutex tells only the next one to lock it), so every wait is cut
// into slices this long, and each wake-up relocks the mutex, which reports
// a dead owner (EOWNERDEAD). An idle waiter costs ten wake-ups a second.
constexpr std::chrono::milliseconds kDeadPeerCheck{100};

size_t round_up(size_t n, size_t to) { return (n + to - 1) / to * to; }

void check(int rc, const char* what) {
  if (rc != 0) throw std::runtime_error(std::string("ShmQueue: ") + what + ": " + std::strerror(rc));
}

// The absolute CLOCK_MONOTONIC time `timeout` from now, saturating.
timespec deadline_after(std::chrono::nanoseconds timeout) {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  constexpr int64_t kMaxSeconds = int64_t{1} << 40;  // far beyond any run
  const int64_t secs = timeout.count() / 1'000'000'000;
  if (secs >= kMaxSeconds) return {static_cast<time_t>(kMaxSeconds), 0};
  timespec at{now.tv_sec + static_cast<time_t>(secs),
              now.tv_nsec + static_cast<long>(timeout.count() % 1'000'000'000)};
  if (at.tv_nsec >= 1'000'000'000) {
    at.tv_sec += 1;
    at.tv_nsec -= 1'000'000'000;
  }
  return at;
}

bool before(const timespec& a, const timespec& b) {
  return a.tv_sec < b.tv_sec || (a.tv_sec == b.tv_sec && a.tv_nsec < b.tv_nsec);
}

// Whether CLOCK_MONOTONIC has reached `at`.
bool reached(const timespec& at) {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return !before(now, at);
}

}  // namespace

std::string_view to_string(QueueStatus status) {
  switch (status) {
    case QueueStatus::kOk: return "ok";
    case QueueStatus::kTimeout: return "timeout";
    case QueueStatus::kClosed: return "closed";
    case QueueStatus::kBroken: return "broken";
  }
  return "?";
}

ShmQueue::ShmQueue(size_t capacity, size_t message_bytes)
    : capacity_(capacity),
      message_bytes_(message_bytes),
      slot_stride_(round_up(kSlotHeader + message_bytes, 16)),
      region_(round_up(sizeof(Header), 64) + (capacity ? capacity : 1) * slot_stride_) {
  if (capacity == 0 || message_bytes == 0)
    throw std::invalid_argument("ShmQueue needs a non-zero capacity and message size");
  header_ = new (region_.data()) Header;

  pthread_mutexattr_t mattr;
  pthread_mutexattr_init(&mattr);
  pthread_mutexattr_setpshared(&mattr, PTHREAD_PROCESS_SHARED);
  // Robust: a process killed while holding the lock hands the next locker
  // EOWNERDEAD instead of leaving it blocked forever.
  pthread_mutexattr_setrobust(&mattr, PTHREAD_MUTEX_ROBUST);
  const int mrc = pthread_mutex_init(&header_->mutex, &mattr);
  pthread_mutexattr_destroy(&mattr);
  check(mrc, "pthread_mutex_init");

  pthread_condattr_t cattr;
  pthread_condattr_init(&cattr);
  pthread_condattr_setpshared(&cattr, PTHREAD_PROCESS_SHARED);
  // Timeouts must not jump with the wall clock.
  pthread_condattr_setclock(&cattr, CLOCK_MONOTONIC);
  int crc = pthread_cond_init(&header_->not_empty, &cattr);
  if (crc == 0) crc = pthread_cond_init(&header_->not_full, &cattr);
  pthread_condattr_destroy(&cattr);
  check(crc, "pthread_cond_init");
}

// The condition variables and the mutex are not destroyed, on purpose:
// glibc's pthread_cond_destroy waits for every registered waiter to leave,
// and a waiter killed inside pthread_cond_timedwait (a crashed worker
// process) never does, so destroying would hang the parent. These objects
// own no resources beyond their bytes; unmapping the region is enough.
ShmQueue::~ShmQueue() = default;

std::byte* ShmQueue::slot(uint64_t index) const {
  return static_cast<std::byte*>(region_.data()) + round_up(sizeof(Header), 64) +
         (index % capacity_) * slot_stride_;
}

bool ShmQueue::lock() {
  const int rc = pthread_mutex_lock(&header_->mutex);
  if (rc == EOWNERDEAD) {
    // The dead owner may have left head/tail or a slot half-written: the
    // lock is usable again, the queue's contents are not.
    header_->broken = true;
    pthread_mutex_consistent(&header_->mutex);
  } else if (rc != 0) {
    return false;
  }
  if (header_->broken) {
    pthread_cond_broadcast(&header_->not_empty);
    pthread_cond_broadcast(&header_->not_full);
    pthread_mutex_unlock(&header_->mutex);
    return false;
  }
  return true;
}

template <class Ready>
QueueStatus ShmQueue::wait_locked(Ready ready, pthread_cond_t& cond, uint32_t& waiters,
                                  std::chrono::nanoseconds timeout) {
  Header& h = *header_;
  timespec deadline{};
  bool have_deadline = false;
  while (!ready()) {
    if (timeout.count() <= 0) {
      pthread_mutex_unlock(&h.mutex);
      return QueueStatus::kTimeout;
    }
    if (!have_deadline) {
      deadline = deadline_after(timeout);
      have_deadline = true;
    }
    // One slice (see kDeadPeerCheck), or what is left of the timeout.
    const timespec slice_end = deadline_after(kDeadPeerCheck);
    ++waiters;
    const int rc =
        pthread_cond_timedwait(&cond, &h.mutex, before(slice_end, deadline) ? &slice_end : &deadline);
    --waiters;
    if (rc == EOWNERDEAD) {
      h.broken = true;
      pthread_mutex_consistent(&h.mutex);
    }
    if (h.broken) {
      // Every sleeper must learn it too, or it would wait for ever.
      pthread_cond_broadcast(&h.not_empty);
      pthread_cond_broadcast(&h.not_full);
      pthread_mutex_unlock(&h.mutex);
      return QueueStatus::kBroken;
    }
    if (rc == ETIMEDOUT && !ready() && reached(deadline)) {
      pthread_mutex_unlock(&h.mutex);
      return QueueStatus::kTimeout;
    }
  }
  return QueueStatus::kOk;
}

QueueStatus ShmQueue::push(std::span<const std::byte> message, std::chrono::nanoseconds timeout) {
  if (message.size() > message_bytes_)
    throw std::invalid_argument("ShmQueue::push: message of " + std::to_string(message.size()) +
                                " bytes exceeds the queue's " + std::to_string(message_bytes_));
  if (!lock()) return QueueStatus::kBroken;
  Header& h = *header_;
  const auto room_or_closed = [&] { return h.closed || h.tail - h.head < capacity_; };
  if (QueueStatus s = wait_locked(room_or_closed, h.not_full, h.waiting_producers, timeout);
      s != QueueStatus::kOk)
    return s;
  if (h.closed) {
    pthread_mutex_unlock(&h.mutex);
    return QueueStatus::kClosed;
  }
  std::byte* s = slot(h.tail);
  const uint64_t length = message.size();
  std::memcpy(s, &length, kSlotHeader);
  if (!message.empty()) std::memcpy(s + kSlotHeader, message.data(), message.size());
  ++h.tail;
  if (h.waiting_consumers) pthread_cond_signal(&h.not_empty);
  pthread_mutex_unlock(&h.mutex);
  return QueueStatus::kOk;
}

QueueStatus ShmQueue::pop(std::span<std::byte> buffer, size_t* size,
                          std::chrono::nanoseconds timeout) {
  if (buffer.size() < message_bytes_)
    throw std::invalid_argument("ShmQueue::pop: buffer of " + std::to_string(buffer.size()) +
                                " bytes is smaller than the queue's messages (" +
                                std::to_string(message_bytes_) + ")");
  if (!lock()) return QueueStatus::kBroken;
  Header& h = *header_;
  const auto item_or_closed = [&] { return h.closed || h.tail != h.head; };
  if (QueueStatus s = wait_locked(item_or_closed, h.not_empty, h.waiting_consumers, timeout);
      s != QueueStatus::kOk)
    return s;
  // Closed and drained: what was pushed before close() is still delivered.
  if (h.tail == h.head) {
    pthread_mutex_unlock(&h.mutex);
    return QueueStatus::kClosed;
  }
  const std::byte* s = slot(h.head);
  uint64_t length = 0;
  std::memcpy(&length, s, kSlotHeader);
  if (length) std::memcpy(buffer.data(), s + kSlotHeader, length);
  *size = length;
  ++h.head;
  if (h.waiting_producers) pthread_cond_signal(&h.not_full);
  pthread_mutex_unlock(&h.mutex);
  return QueueStatus::kOk;
}

void ShmQueue::close() {
  if (!lock()) return;
  header_->closed = true;
  pthread_cond_broadcast(&header_->not_empty);
  pthread_cond_broadcast(&header_->not_full);
  pthread_mutex_unlock(&header_->mutex);
}

size_t ShmQueue::size() const {
  // Read under the lock so that the snapshot is a consistent pair.
  auto* self = const_cast<ShmQueue*>(this);
  if (!self->lock()) return 0;
  const size_t n = header_->tail - header_->head;
  pthread_mutex_unlock(&header_->mutex);
  return n;
}

void ShmQueue::lock_and_abandon_for_testing() { pthread_mutex_lock(&header_->mutex); }

}  // namespace contend
