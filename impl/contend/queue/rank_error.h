// Rank error: how far a relaxed priority queue's pops are from the true
// minimum, measured the way the k-LSM and MultiQueue papers measure it:
// log every push and pop with a timestamp while the queue runs, then
// replay the merged log into an exact order-statistic structure.
//
// The rank of a pop is the number of keys present, at its place in the
// replayed order, that are smaller than the key it returned: 0 means it
// returned the minimum. Keys must be unique within one log (QueueItem
// words are: they carry the producer and sequence number).
//
// Timestamps bracket each operation from the safe side: a push is stamped
// just before the call (its item cannot be in the queue earlier), a pop
// just after it returns (its item was taken by then). So every pop replays
// after its item's push, on one system-wide clock (monotonic_ns). What the
// stamps cannot order is operations that overlapped in time: a push that
// was invoked but not yet done, or a pop done but not yet stamped, may be
// counted as present when it was not. A strict priority queue therefore
// shows a rank error of 0 when one thread runs, and near 0 (from such
// overlaps only) when several do: that is what validates the method, and
// the floor under every relaxed queue's figure.
//
// The replay sorts by stamp (pushes before pops on a tie, the order the
// bracketing implies), maps keys to their place among all pushed keys, and
// keeps the present ones in a Fenwick tree: O(log n) per event, exact.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace contend {

struct RankEvent {
  int64_t ns = 0;      // monotonic_ns: before a push, after a pop
  uint64_t key = 0;    // unique per pushed item
  bool pop = false;    // false: a push
};

// Rank errors over a set of pops; adds up across episodes.
struct RankErrors {
  uint64_t pops = 0;
  uint64_t sum = 0;  // of ranks
  uint64_t max = 0;
  std::string error = {};  // non-empty: the log does not describe a queue (below)

  double mean() const { return pops == 0 ? 0.0 : static_cast<double>(sum) / static_cast<double>(pops); }
  void add(const RankErrors& other);
};

// Replays the events (any order: they are sorted here) and returns the
// rank of every pop, summed. An error, instead, when the log cannot come
// from a queue that loses nothing and invents nothing: a key pushed twice,
// or a pop of a key not present (never pushed, or already popped).
// `present_after`, when given, receives the keys still present at the end.
RankErrors replay_rank_errors(std::vector<RankEvent> events,
                              std::vector<uint64_t>* present_after = nullptr);

}  // namespace contend
