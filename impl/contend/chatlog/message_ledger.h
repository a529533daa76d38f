// MessageLedger: what happened to each message of an episode, in memory a
// forked logging process shares with its parent.
//
// One byte of flags per (sender, seq):
//   kReceived  a receiver's recv() returned it (before the hand-off).
//   kAccepted  the receiver's hand-off returned (queued, or written under
//              the mutex): the receiver considers the message delivered.
//   kAcked     the writer acknowledged it: written, and fsynced where the
//              durability policy says (durability.h).
// Flags are set with fetch_or, so the writer acknowledging a message before
// the receiver marks it accepted (a queue's writer can be that fast) loses
// neither flag.
//
// Guaranteed: the ledger lives in an anonymous MAP_SHARED mapping made
// before any fork (shared_memory.h), so a child's marks are the parent's.
// The parent reads it only after the child is dead and reaped (crash
// episode) or after every receiver and writer thread joined (log episode);
// waitpid() and thread join order every mark before those reads, so the
// marks themselves are relaxed.
// Not guaranteed: a consistent snapshot while marks are still being made.
#pragma once

#include <atomic>
#include <cstdint>

#include "contend/harness/shared_memory.h"

namespace contend::chatlog {

class MessageLedger {
 public:
  static constexpr uint8_t kReceived = 1;
  static constexpr uint8_t kAccepted = 2;
  static constexpr uint8_t kAcked = 4;

  MessageLedger(int senders, uint32_t per_sender);

  int senders() const { return senders_; }
  uint32_t per_sender() const { return per_sender_; }
  bool contains(uint32_t sender, uint32_t seq) const {
    return sender < static_cast<uint32_t>(senders_) && seq < per_sender_;
  }

  void mark(uint32_t sender, uint32_t seq, uint8_t flag) noexcept {
    slot(sender, seq).fetch_or(flag, std::memory_order_relaxed);
  }
  uint8_t flags(uint32_t sender, uint32_t seq) const noexcept {
    return slot(sender, seq).load(std::memory_order_relaxed);
  }
  uint64_t count_with(uint8_t flag) const noexcept;
  void clear() noexcept;  // before each episode

 private:
  std::atomic<uint8_t>& slot(uint32_t sender, uint32_t seq) const noexcept {
    return slots_[static_cast<uint64_t>(sender) * per_sender_ + seq];
  }

  int senders_;
  uint32_t per_sender_;
  SharedRegion region_;
  std::atomic<uint8_t>* slots_;
};

}  // namespace contend::chatlog
