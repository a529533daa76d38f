// The FIFO spinlocks under Relacy: BasicMcsLock and BasicTicketLock (the
// real templates of mcs_lock.h and ticket_lock.h) over Relacy's atomics
// (RelacyAtomics, support/relacy_platform.h). Three threads take the lock
// twice each around a plain counter that Relacy checks for data races: a
// hand-over that does not order one holder's critical section before the
// next one's is reported as a race, one that lets two in at once as a race
// or a lost increment, one that loses a waiter as a deadlock or livelock.
// Each model runs a fixed number of interleavings of Relacy's random
// scheduler (the same ones every run).
#include <gtest/gtest.h>

#include <optional>

#include "contend/sync/mcs_lock.h"
#include "contend/sync/ticket_lock.h"
#include "support/relacy_platform.h"  // last: see there

namespace contend {
namespace {

using testing_support::RelacyAtomics;

constexpr int kThreads = 3;
constexpr int kRounds = 2;

template <class Lock>
struct Guarded {
  Lock lock;
  rl::var<int> counter{0};
};

// Acquire / release of either lock, as LockedCounter calls them.
void take(BasicMcsLock<RelacyAtomics>& lock, BasicMcsLock<RelacyAtomics>::Node& node) { lock.lock(node); }
void give(BasicMcsLock<RelacyAtomics>& lock, BasicMcsLock<RelacyAtomics>::Node& node) { lock.unlock(node); }
struct NoNode {};
void take(BasicTicketLock<RelacyAtomics>& lock, NoNode&) { lock.lock(); }
void give(BasicTicketLock<RelacyAtomics>& lock, NoNode&) { lock.unlock(); }

template <class Lock, class Node>
struct MutualExclusion : rl::test_suite<MutualExclusion<Lock, Node>, kThreads> {
  // Not new/delete: Relacy replaces operator new but not the sized delete
  // the compiler calls.
  std::optional<Guarded<Lock>> guarded;
  Node nodes[kThreads];
  void before() { guarded.emplace(); }
  void thread(unsigned index) {
    for (int round = 0; round < kRounds; ++round) {
      take(guarded->lock, nodes[index]);
      const int seen = guarded->counter(RL_INFO);
      guarded->counter(RL_INFO) = seen + 1;
      give(guarded->lock, nodes[index]);
    }
  }
  void after() {
    RL_ASSERT(guarded->counter(RL_INFO) == kThreads * kRounds);
    guarded.reset();
  }
};

using McsModel = MutualExclusion<BasicMcsLock<RelacyAtomics>, BasicMcsLock<RelacyAtomics>::Node>;
using TicketModel = MutualExclusion<BasicTicketLock<RelacyAtomics>, NoNode>;

TEST(McsLockModel, HandsOverToOneWaiterAtATime) { CONTEND_EXPECT_MODEL_HOLDS(McsModel, 20000); }
TEST(TicketLockModel, HandsOverToOneWaiterAtATime) { CONTEND_EXPECT_MODEL_HOLDS(TicketModel, 20000); }

}  // namespace
}  // namespace contend
