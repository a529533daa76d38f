// DeliveryLedger. See delivery_ledger.h.
#include "contend/ipc/delivery_ledger.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <new>

#include "contend/ipc/message.h"

namespace contend {

struct DeliveryLedger::State {
  std::atomic<uint32_t> episode{0};
  alignas(64) std::atomic<uint64_t> claimed{0};
  alignas(64) std::atomic<uint32_t> error_state{0};  // 0 none, 1 being written, 2 written
  char error[200] = {};
  // followed by the bitmap: std::atomic<uint64_t>[words_]
};

namespace {
// The bitmap starts at this offset, on its own cache lines.
constexpr size_t kStateBytes = 512;
}  // namespace

DeliveryLedger::DeliveryLedger(int producers, uint64_t per_producer)
    : producers_(producers),
      per_producer_(per_producer),
      words_((static_cast<uint64_t>(producers) * per_producer + 63) / 64),
      region_(kStateBytes + std::max<size_t>(words_, 1) * sizeof(uint64_t)) {
  static_assert(sizeof(State) <= 512, "State must fit in front of the bitmap");
  static_assert(std::atomic<uint64_t>::is_always_lock_free);
  new (region_.data()) State;
  auto* bits = reinterpret_cast<std::atomic<uint64_t>*>(static_cast<char*>(region_.data()) +
                                                        kStateBytes);
  for (size_t i = 0; i < words_; ++i) new (&bits[i]) std::atomic<uint64_t>(0);
}

DeliveryLedger::State& DeliveryLedger::state() const {
  return *std::launder(reinterpret_cast<State*>(region_.data()));
}

namespace {
std::atomic<uint64_t>* bitmap(const SharedRegion& region) {
  return reinterpret_cast<std::atomic<uint64_t>*>(static_cast<char*>(region.data()) +
                                                  kStateBytes);
}
}  // namespace

void DeliveryLedger::begin_episode() {
  State& s = state();
  std::atomic<uint64_t>* bits = bitmap(region_);
  for (size_t i = 0; i < words_; ++i) bits[i].store(0, std::memory_order_relaxed);
  s.claimed.store(0, std::memory_order_relaxed);
  s.error_state.store(0, std::memory_order_relaxed);
  s.error[0] = '\0';
  s.episode.fetch_add(1, std::memory_order_release);
}

uint32_t DeliveryLedger::episode() const {
  return state().episode.load(std::memory_order_acquire);
}

bool DeliveryLedger::claim() {
  return state().claimed.fetch_add(1, std::memory_order_relaxed) < expected();
}

void DeliveryLedger::note_error(std::string_view what) {
  State& s = state();
  uint32_t none = 0;
  if (!s.error_state.compare_exchange_strong(none, 1, std::memory_order_acq_rel)) return;
  const size_t n = std::min(what.size(), sizeof s.error - 1);
  std::memcpy(s.error, what.data(), n);
  s.error[n] = '\0';
  s.error_state.store(2, std::memory_order_release);
}

bool DeliveryLedger::record(std::span<const std::byte> message, Cursor& cursor) {
  const std::optional<MessageStamp> stamp = read_message(message);
  if (!stamp) {
    note_error("corrupt message: its body does not match its stamp");
    return false;
  }
  if (stamp->episode != (episode() & 0xFFFF)) {
    note_error("stale message from episode " + std::to_string(stamp->episode) +
               " (now " + std::to_string(episode() & 0xFFFF) + ")");
    return false;
  }
  if (stamp->producer >= static_cast<uint32_t>(producers_) || stamp->seq >= per_producer_) {
    note_error("message from unknown producer " + std::to_string(stamp->producer) + " seq " +
               std::to_string(stamp->seq));
    return false;
  }
  const uint64_t bit = stamp->producer * per_producer_ + stamp->seq;
  const uint64_t mask = uint64_t{1} << (bit % 64);
  if (bitmap(region_)[bit / 64].fetch_or(mask, std::memory_order_relaxed) & mask) {
    note_error("duplicate: producer " + std::to_string(stamp->producer) + " seq " +
               std::to_string(stamp->seq) + " received twice");
    return false;
  }
  int64_t& last = cursor.last[stamp->producer];
  const auto seq = static_cast<int64_t>(stamp->seq);
  if (seq <= last) {
    note_error("out of order: producer " + std::to_string(stamp->producer) + " seq " +
               std::to_string(seq) + " arrived after seq " + std::to_string(last));
    return false;
  }
  last = seq;
  return true;
}

uint64_t DeliveryLedger::received() const {
  const std::atomic<uint64_t>* bits = bitmap(region_);
  uint64_t n = 0;
  for (size_t i = 0; i < words_; ++i)
    n += static_cast<uint64_t>(std::popcount(bits[i].load(std::memory_order_relaxed)));
  return n;
}

std::string DeliveryLedger::verdict() const {
  const State& s = state();
  if (s.error_state.load(std::memory_order_acquire) == 2) return s.error;
  if (s.error_state.load(std::memory_order_acquire) == 1) return "an error was being recorded";
  const uint64_t got = received();
  if (got != expected())
    return "lost " + std::to_string(expected() - got) + " of " + std::to_string(expected()) +
           " messages";
  return {};
}

}  // namespace contend
