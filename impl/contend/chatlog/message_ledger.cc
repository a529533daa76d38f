// The per-message ledger. See message_ledger.h.
#include "contend/chatlog/message_ledger.h"

#include <new>
#include <stdexcept>

namespace contend::chatlog {

MessageLedger::MessageLedger(int senders, uint32_t per_sender)
    : senders_(senders),
      per_sender_(per_sender),
      region_(static_cast<size_t>(senders > 0 ? senders : 1) * (per_sender ? per_sender : 1)),
      slots_(nullptr) {
  if (senders < 1 || per_sender < 1)
    throw std::invalid_argument("a message ledger needs at least one sender and one message");
  static_assert(sizeof(std::atomic<uint8_t>) == 1 && std::atomic<uint8_t>::is_always_lock_free,
                "ledger slots are single lock-free bytes, shareable across processes");
  slots_ = new (region_.data()) std::atomic<uint8_t>[static_cast<size_t>(senders) * per_sender];
  clear();
}

uint64_t MessageLedger::count_with(uint8_t flag) const noexcept {
  uint64_t n = 0;
  const uint64_t total = static_cast<uint64_t>(senders_) * per_sender_;
  for (uint64_t i = 0; i < total; ++i) n += (slots_[i].load(std::memory_order_relaxed) & flag) != 0;
  return n;
}

void MessageLedger::clear() noexcept {
  const uint64_t total = static_cast<uint64_t>(senders_) * per_sender_;
  for (uint64_t i = 0; i < total; ++i) slots_[i].store(0, std::memory_order_relaxed);
}

}  // namespace contend::chatlog
