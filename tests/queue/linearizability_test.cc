// Linearizability of contend's own FIFO queue (RingMpmc) and LIFO stack
// (TreiberStack), checked by brute force on small recorded histories
// (support/linearizability.h): three threads make a few pushes and pops at
// once, every call timed on one logical clock, and some order of the
// calls must respect both real time and the sequential queue (or stack).
// The checker is checked first, on hand-written histories it must reject.
#include <gtest/gtest.h>

#include <atomic>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "contend/queue/ring_mpmc.h"
#include "contend/queue/treiber_stack.h"
#include "support/linearizability.h"
#include "support/sanitizer.h"

namespace contend {
namespace {

using testing_support::Discipline;
using testing_support::HistoryClock;
using testing_support::linearizable;
using testing_support::RecordedOp;

RecordedOp op(bool push, int value, uint64_t invoked, uint64_t returned) {
  return {push, value, invoked, returned};
}

TEST(LinearizabilityCheck, SequentialHistoriesFollowTheirDiscipline) {
  // push 1, push 2, pop 2, pop 1, one after another.
  const std::vector<RecordedOp> lifo = {op(true, 1, 0, 1), op(true, 2, 2, 3), op(false, 2, 4, 5),
                                        op(false, 1, 6, 7)};
  EXPECT_TRUE(linearizable(lifo, Discipline::kLifo));
  EXPECT_FALSE(linearizable(lifo, Discipline::kFifo));
  const std::vector<RecordedOp> fifo = {op(true, 1, 0, 1), op(true, 2, 2, 3), op(false, 1, 4, 5),
                                        op(false, 2, 6, 7)};
  EXPECT_TRUE(linearizable(fifo, Discipline::kFifo));
  EXPECT_FALSE(linearizable(fifo, Discipline::kLifo));
}

TEST(LinearizabilityCheck, OverlappingCallsMayTakeEitherOrder) {
  // push 1 spans push 2, so 2 may have gone in first.
  const std::vector<RecordedOp> ops = {op(true, 1, 0, 3), op(true, 2, 1, 2), op(false, 2, 4, 5),
                                       op(false, 1, 6, 7)};
  EXPECT_TRUE(linearizable(ops, Discipline::kFifo));
}

TEST(LinearizabilityCheck, RejectsAPopBeforeItsPushOrOfNothing) {
  EXPECT_FALSE(linearizable({op(false, 1, 0, 1), op(true, 1, 2, 3)}, Discipline::kFifo));
  EXPECT_FALSE(linearizable({op(true, 1, 0, 1), op(false, 7, 2, 3)}, Discipline::kFifo));
  EXPECT_FALSE(linearizable({op(true, 1, 0, 1), op(false, 1, 2, 3), op(false, 1, 4, 5)},
                            Discipline::kLifo));
}

std::string describe(const std::vector<RecordedOp>& ops) {
  std::ostringstream out;
  for (const RecordedOp& o : ops)
    out << (o.push ? "push " : "pop ") << o.value << " [" << o.invoked << ", " << o.returned
        << "]\n";
  return out.str();
}

constexpr int kThreads = 3;
constexpr int kCallsPerThread = 6;
constexpr int kRounds = testing_support::scaled_for_tsan(300, 30);

// Rounds of kThreads threads, each making three pushes of values of its own
// and then three pops (so that FIFO and LIFO differ), released together; each round's history (successful calls
// only) must be linearizable. Push(q, v) and Pop(q, &v) return whether the
// call took effect.
template <class Queue, class Push, class Pop>
void check_recorded_histories(Discipline discipline, Push push, Pop pop) {
  for (int round = 0; round < kRounds; ++round) {
    Queue queue(kThreads * kCallsPerThread);
    HistoryClock clock;
    std::atomic<int> ready{0};
    std::vector<std::vector<RecordedOp>> recorded(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
      threads.emplace_back([&, t] {
        ready.fetch_add(1);
        while (ready.load() < kThreads) std::this_thread::yield();
        for (int call = 0; call < kCallsPerThread; ++call) {
          RecordedOp o;
          o.push = call < kCallsPerThread / 2;
          o.value = t * kCallsPerThread + call + 1;
          o.invoked = clock.tick();
          const bool took = o.push ? push(queue, o.value) : pop(queue, &o.value);
          o.returned = clock.tick();
          if (took) recorded[t].push_back(o);
        }
      });
    for (auto& t : threads) t.join();
    std::vector<RecordedOp> history;
    for (const auto& r : recorded) history.insert(history.end(), r.begin(), r.end());
    ASSERT_TRUE(linearizable(history, discipline)) << "round " << round << ":\n" << describe(history);
  }
}

TEST(Linearizability, RingMpmcIsALinearizableFifo) {
  check_recorded_histories<RingMpmc<int>>(
      Discipline::kFifo,
      [](RingMpmc<int>& q, int v) {
        q.push(v);  // never waits: room for every push of the round
        return true;
      },
      [](RingMpmc<int>& q, int* v) { return q.try_pop(*v); });
}

TEST(Linearizability, TreiberStackIsALinearizableLifo) {
  check_recorded_histories<TreiberStack<int>>(
      Discipline::kLifo, [](TreiberStack<int>& s, int v) { return s.try_push(v); },
      [](TreiberStack<int>& s, int* v) { return s.try_pop(*v); });
}

}  // namespace
}  // namespace contend
