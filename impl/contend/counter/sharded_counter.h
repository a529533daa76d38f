// ShardedCounter: one counter per worker, summed on read.
//
// Increments never contend, so throughput should scale with workers — if
// the shards sit on separate cache lines. The packed variant puts eight
// shards on one line on purpose: no data is shared, yet every increment
// invalidates the neighbours' copies (false sharing), and the difference
// between the two is the cost of that. Exact; read() is a racy snapshot
// while workers run, exact once they have stopped.
#pragma once

#include <atomic>
#include <cstdint>

#include "contend/counter/limits.h"

namespace contend {

template <bool Padded>
class ShardedCounter {
 public:
  static constexpr bool kExact = true;

  void increment(int worker) noexcept {
    auto& shard = shards_[worker].value;
    // Each shard has a single writer, so load + store is race-free and
    // cheaper than fetch_add; atomic only so read() may run concurrently.
    shard.store(shard.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  }
  // Relaxed: the shards are stored relaxed, so no order would make a read
  // beside the workers more than a snapshot; the exact read after an
  // episode is ordered by the harness (counter_workload.h).
  uint64_t read() const noexcept {
    uint64_t total = 0;
    for (const auto& shard : shards_) total += shard.value.load(std::memory_order_relaxed);
    return total;
  }
  void reset() noexcept {  // relaxed: see counter_workload.h
    for (auto& shard : shards_) shard.value.store(0, std::memory_order_relaxed);
  }

 private:
  struct PaddedShard {
    alignas(64) std::atomic<uint64_t> value{0};
  };
  struct PackedShard {
    std::atomic<uint64_t> value{0};
  };
  using Shard = std::conditional_t<Padded, PaddedShard, PackedShard>;
  static_assert(!Padded || sizeof(Shard) == 64);
  static_assert(Padded || sizeof(Shard) == 8);

  alignas(64) Shard shards_[kMaxWorkers];
};

}  // namespace contend
