// DeliveryLedger. See delivery_ledger.h.
#include "contend/ipc/delivery_ledger.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <new>
#include <stdexcept>

#include "contend/harness/cache_line.h"
#include "contend/ipc/message.h"

namespace contend {

struct DeliveryLedger::State {
  std::atomic<uint32_t> episode{0};
  alignas(64) std::atomic<uint64_t> claimed{0};
  alignas(64) std::atomic<uint32_t> error_state{0};  // 0 none, 1 being written, 2 written
  char error[200] = {};
  // followed by one bitmap region per receiver
};

namespace {

// The receivers' regions start at this offset, on their own cache lines.
constexpr size_t kStateBytes = 512;

size_t whole_lines(size_t bytes) {
  return (bytes + kCacheLineBytes - 1) / kCacheLineBytes * kCacheLineBytes;
}

std::string describe(uint64_t bit, uint64_t per_producer) {
  return "producer " + std::to_string(bit / per_producer) + " seq " +
         std::to_string(bit % per_producer);
}

}  // namespace

DeliveryLedger::DeliveryLedger(int producers, uint64_t per_producer, int receivers)
    : producers_(producers),
      per_producer_(per_producer),
      receivers_(receivers),
      words_(std::max<size_t>((static_cast<uint64_t>(producers) * per_producer + 63) / 64, 1)),
      region_stride_(whole_lines(words_ * sizeof(uint64_t))),
      region_(kStateBytes + static_cast<size_t>(std::max(receivers, 1)) * region_stride_) {
  static_assert(sizeof(State) <= kStateBytes, "State must fit in front of the bitmaps");
  if (receivers < 1) throw std::invalid_argument("a delivery ledger needs a receiver");
  new (region_.data()) State;
  for (int r = 0; r < receivers_; ++r) std::fill_n(bits(r), words_, uint64_t{0});
}

DeliveryLedger::State& DeliveryLedger::state() const {
  return *std::launder(reinterpret_cast<State*>(region_.data()));
}

uint64_t* DeliveryLedger::bits(int receiver) const {
  return reinterpret_cast<uint64_t*>(static_cast<char*>(region_.data()) + kStateBytes +
                                     static_cast<size_t>(receiver) * region_stride_);
}

std::span<const uint64_t> DeliveryLedger::received_bits(int receiver) const {
  return {bits(receiver), words_};
}

void DeliveryLedger::begin_episode() {
  State& s = state();
  for (int r = 0; r < receivers_; ++r) std::fill_n(bits(r), words_, uint64_t{0});
  // Relaxed, like the plain resets: the bump below publishes them all (and
  // WorkerGroup's start gate orders this before the episode as well).
  s.claimed.store(0, std::memory_order_relaxed);
  s.error_state.store(0, std::memory_order_relaxed);
  s.error[0] = '\0';
  s.episode.fetch_add(1, std::memory_order_release);  // pairs with episode()
}

uint32_t DeliveryLedger::episode() const {
  return state().episode.load(std::memory_order_acquire);  // pairs with begin_episode()
}

DeliveryLedger::Cursor DeliveryLedger::new_cursor(int receiver) const {
  if (receiver < 0 || receiver >= receivers_)
    throw std::invalid_argument("receiver " + std::to_string(receiver) + " of " +
                                std::to_string(receivers_));
  return Cursor{receiver, std::vector<int64_t>(static_cast<size_t>(producers_), -1), 0};
}

bool DeliveryLedger::claim(Cursor& cursor) {
  if (cursor.claimed_left > 0) {
    --cursor.claimed_left;
    return true;
  }
  // Relaxed: the counter only divides a number between receivers; no data
  // is published through it.
  const uint64_t before = state().claimed.fetch_add(kClaimBatch, std::memory_order_relaxed);
  if (before >= expected()) return false;
  cursor.claimed_left = std::min(kClaimBatch, expected() - before) - 1;
  return true;
}

void DeliveryLedger::note_error(std::string_view what) {
  State& s = state();
  uint32_t none = 0;
  // Relaxed: the CAS only elects the one writer; nothing is published at 1.
  if (!s.error_state.compare_exchange_strong(none, 1, std::memory_order_relaxed)) return;
  const size_t n = std::min(what.size(), sizeof s.error - 1);
  std::memcpy(s.error, what.data(), n);
  s.error[n] = '\0';
  s.error_state.store(2, std::memory_order_release);  // the message, to verdict()
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
  // This receiver's own region: a plain read-modify-write, no atomic.
  uint64_t& word = bits(cursor.receiver)[bit / 64];
  if (word & mask) {
    note_error("duplicate: " + describe(bit, per_producer_) + " received twice");
    return false;
  }
  word |= mask;
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
  uint64_t n = 0;
  for (size_t i = 0; i < words_; ++i) {
    uint64_t any = 0;
    for (int r = 0; r < receivers_; ++r) any |= bits(r)[i];
    n += static_cast<uint64_t>(std::popcount(any));
  }
  return n;
}

// The first message two receivers both recorded, described; empty if none.
std::string DeliveryLedger::duplicate_between_receivers() const {
  for (size_t i = 0; i < words_; ++i) {
    uint64_t seen = 0;
    for (int r = 0; r < receivers_; ++r) {
      const uint64_t both = seen & bits(r)[i];
      if (both != 0) {
        const uint64_t bit = i * 64 + static_cast<uint64_t>(std::countr_zero(both));
        return "duplicate: " + describe(bit, per_producer_) + " received twice (by receiver " +
               std::to_string(r) + " and another)";
      }
      seen |= bits(r)[i];
    }
  }
  return {};
}

std::string DeliveryLedger::verdict() const {
  const State& s = state();
  // Acquire: pairs with note_error()'s store of 2 (the workers' check-out
  // from the WorkerGroup orders it too).
  if (s.error_state.load(std::memory_order_acquire) == 2) return s.error;
  if (s.error_state.load(std::memory_order_acquire) == 1) return "an error was being recorded";
  if (std::string duplicate = duplicate_between_receivers(); !duplicate.empty()) return duplicate;
  const uint64_t got = received();
  if (got != expected())
    return "lost " + std::to_string(expected() - got) + " of " + std::to_string(expected()) +
           " messages";
  return {};
}

}  // namespace contend
