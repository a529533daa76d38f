// The hash-sum workload. See hash_work.h.
#include "contend/fanout/hash_work.h"

#include <map>
#include <mutex>

namespace contend {

uint64_t hash_sum(uint64_t begin, uint64_t end) {
  uint64_t sum = 0;
  for (uint64_t i = begin; i < end; ++i) sum += mix64(i);
  return sum;
}

uint64_t expected_hash_sum(uint64_t n) {
  static std::mutex mutex;
  static std::map<uint64_t, uint64_t> known;
  std::lock_guard lock(mutex);
  auto it = known.find(n);
  if (it == known.end()) it = known.emplace(n, hash_sum(0, n)).first;
  return it->second;
}

WorkRange split_work(uint64_t total, int parts, int index) {
  const auto n = static_cast<uint64_t>(parts);
  const auto i = static_cast<uint64_t>(index);
  const uint64_t base = total / n, extra = total % n;
  // The first `extra` parts get one more.
  const uint64_t begin = i * base + (i < extra ? i : extra);
  return {begin, begin + base + (i < extra ? 1 : 0)};
}

}  // namespace contend
