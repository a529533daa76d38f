// A brute-force linearizability check for small recorded histories of a
// FIFO queue or a LIFO stack (Wing and Gong's search): is there one order
// of the operations that keeps every operation that finished before
// another began ahead of it, and in which the pops return what a
// sequential queue (or stack) would? The search tries every operation that
// may come next, backtracking, and remembers the (done set, contents)
// states it has already ruled out; a few dozen operations take
// microseconds to milliseconds.
//
// Histories hold successful operations only: a push that stored its value,
// a pop that returned one. (A failed try_pop or try_push of contend's
// queues is not promised to be linearizable; see their headers.) Values
// must be distinct.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <deque>
#include <set>
#include <utility>
#include <vector>

namespace contend::testing_support {

struct RecordedOp {
  bool push = true;
  int value = 0;
  uint64_t invoked = 0;   // ticks of a HistoryClock, taken before the call
  uint64_t returned = 0;  // and after it
};

// A logical clock: one atomic counter that every thread ticks before and
// after each call. Seq_cst, so "returned before invoked" in ticks is
// "finished before began" in real time.
class HistoryClock {
 public:
  uint64_t tick() { return now_.fetch_add(1); }

 private:
  std::atomic<uint64_t> now_{0};
};

enum class Discipline { kFifo, kLifo };

namespace detail {

struct Search {
  const std::vector<RecordedOp>& ops;
  Discipline discipline;
  std::set<std::pair<std::vector<bool>, std::deque<int>>> ruled_out;

  // May `i` be the next operation once those in `done` are? Only if no
  // operation still to do returned before `i` was invoked.
  bool may_go_next(size_t i, const std::vector<bool>& done) const {
    for (size_t j = 0; j < ops.size(); ++j)
      if (!done[j] && j != i && ops[j].returned < ops[i].invoked) return false;
    return true;
  }

  // Applies `op` to the sequential object; false if it cannot happen there.
  bool apply(const RecordedOp& op, std::deque<int>& contents) const {
    if (op.push) {
      contents.push_back(op.value);
      return true;
    }
    if (contents.empty()) return false;
    const int next = discipline == Discipline::kFifo ? contents.front() : contents.back();
    if (next != op.value) return false;
    if (discipline == Discipline::kFifo) {
      contents.pop_front();
    } else {
      contents.pop_back();
    }
    return true;
  }

  bool linearize(std::vector<bool>& done, size_t left, const std::deque<int>& contents) {
    if (left == 0) return true;
    if (ruled_out.count({done, contents})) return false;
    for (size_t i = 0; i < ops.size(); ++i) {
      if (done[i] || !may_go_next(i, done)) continue;
      std::deque<int> after = contents;
      if (!apply(ops[i], after)) continue;
      done[i] = true;
      const bool found = linearize(done, left - 1, after);
      done[i] = false;
      if (found) return true;
    }
    ruled_out.insert({done, contents});
    return false;
  }
};

}  // namespace detail

// True if the history has a linearization as a FIFO queue or LIFO stack
// that starts empty.
inline bool linearizable(const std::vector<RecordedOp>& ops, Discipline discipline) {
  detail::Search search{ops, discipline, {}};
  std::vector<bool> done(ops.size(), false);
  return search.linearize(done, ops.size(), {});
}

}  // namespace contend::testing_support
