// The CPU-bound work bench_fanout distributes: the sum of a 64-bit hash
// (splitmix64's finalizer) over a range of integers.
//
// Deterministic and checkable: any split of [0, n) into ranges sums to
// hash_sum(0, n), whatever the number of workers. Pure arithmetic on
// registers — no memory traffic — so it scales with cores, not bandwidth.
#pragma once

#include <cstdint>

namespace contend {

inline uint64_t mix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// Sum (mod 2^64) of mix64(i) for i in [begin, end).
uint64_t hash_sum(uint64_t begin, uint64_t end);

// hash_sum(0, n), computed once per n and process, then remembered.
uint64_t expected_hash_sum(uint64_t n);

struct WorkRange {
  uint64_t begin = 0;
  uint64_t end = 0;
  uint64_t size() const { return end - begin; }
};

// Part `index` of [0, total) cut into `parts` contiguous ranges whose sizes
// differ by at most one.
WorkRange split_work(uint64_t total, int parts, int index);

}  // namespace contend
