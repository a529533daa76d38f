// The replay behind rank errors. See rank_error.h.
#include "contend/queue/rank_error.h"

#include <algorithm>
#include <cstddef>
#include <string>

namespace contend {

namespace {

// Counts of present keys by their place among all keys; prefix sums in
// O(log n). Places are 0-based outside, 1-based inside.
class FenwickTree {
 public:
  explicit FenwickTree(size_t size) : counts_(size + 1, 0) {}

  void add(size_t place, int64_t delta) {
    for (size_t i = place + 1; i < counts_.size(); i += i & (~i + 1)) counts_[i] += delta;
  }
  // Present keys at places below `place`.
  int64_t count_below(size_t place) const {
    int64_t sum = 0;
    for (size_t i = place; i > 0; i -= i & (~i + 1)) sum += counts_[i];
    return sum;
  }

 private:
  std::vector<int64_t> counts_;
};

std::string hex(uint64_t key) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out = "0x";
  for (int shift = 60; shift >= 0; shift -= 4) out += kDigits[(key >> shift) & 0xf];
  return out;
}

}  // namespace

void RankErrors::add(const RankErrors& other) {
  pops += other.pops;
  sum += other.sum;
  max = std::max(max, other.max);
  if (error.empty()) error = other.error;
}

RankErrors replay_rank_errors(std::vector<RankEvent> events, std::vector<uint64_t>* present_after) {
  // Pushes before pops on equal stamps: a push is stamped before its call
  // and a pop after its return, so a tie cannot mean the pop came first.
  std::sort(events.begin(), events.end(), [](const RankEvent& a, const RankEvent& b) {
    return a.ns != b.ns ? a.ns < b.ns : (!a.pop && b.pop);
  });
  std::vector<uint64_t> keys;
  for (const RankEvent& e : events)
    if (!e.pop) keys.push_back(e.key);
  std::sort(keys.begin(), keys.end());
  RankErrors result;
  if (auto twice = std::adjacent_find(keys.begin(), keys.end()); twice != keys.end()) {
    result.error = "key " + hex(*twice) + " pushed twice";
    return result;
  }
  auto place_of = [&keys](uint64_t key) {
    return static_cast<size_t>(std::lower_bound(keys.begin(), keys.end(), key) - keys.begin());
  };
  FenwickTree tree(keys.size());
  std::vector<uint8_t> present(keys.size(), 0);
  for (const RankEvent& e : events) {
    const size_t place = place_of(e.key);
    if (!e.pop) {
      present[place] = 1;
      tree.add(place, 1);
      continue;
    }
    if (place == keys.size() || keys[place] != e.key || !present[place]) {
      result.error = "popped key " + hex(e.key) + ", which was not in the queue";
      return result;
    }
    const auto rank = static_cast<uint64_t>(tree.count_below(place));
    present[place] = 0;
    tree.add(place, -1);
    ++result.pops;
    result.sum += rank;
    result.max = std::max(result.max, rank);
  }
  if (present_after != nullptr) {
    present_after->clear();
    for (size_t place = 0; place < keys.size(); ++place)
      if (present[place]) present_after->push_back(keys[place]);
  }
  return result;
}

}  // namespace contend
