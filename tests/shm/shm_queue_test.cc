// ShmQueue: FIFO, bounds, timeouts, close, and that all of it holds across
// forked processes — blocking and waking, timing out, a dead lock holder.
#include "contend/shm/shm_queue.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "contend/harness/child_process.h"
#include "contend/harness/shared_memory.h"
#include "support/asleep.h"
#include "support/no_leftovers.h"

namespace contend {
namespace {

using namespace std::chrono_literals;
using ShmQueueTest = testing::NoLeftovers;

std::span<const std::byte> bytes_of(const uint64_t& value) {
  return {reinterpret_cast<const std::byte*>(&value), sizeof value};
}

// Pushes/pops one uint64_t.
QueueStatus push_value(ShmQueue& q, uint64_t value, std::chrono::nanoseconds timeout = kWaitForever) {
  return q.push(bytes_of(value), timeout);
}
QueueStatus pop_value(ShmQueue& q, uint64_t* value, std::chrono::nanoseconds timeout = kWaitForever) {
  std::vector<std::byte> buffer(q.message_bytes());
  size_t size = 0;
  const QueueStatus status = q.pop(buffer, &size, timeout);
  if (status == QueueStatus::kOk) std::memcpy(value, buffer.data(), sizeof *value);
  return status;
}

// Runs `fn` in a forked child that dies with the test; the child exits 0
// when fn returns true. Children never touch gtest.
template <class Fn>
pid_t start_child(Fn fn) {
  return fork_child([&fn] { return fn() ? 0 : 1; });
}

// How the child ended: "exited with status 0" when all was well.
std::string outcome(pid_t child) { return describe_wait_status(wait_child(child)); }

constexpr const char* kPassed = "exited with status 0";

// Waits until a flag another process sets turns non-zero.
void await(const std::atomic<int>& flag) {
  while (flag.load() == 0) std::this_thread::sleep_for(1ms);
}

TEST_F(ShmQueueTest, KeepsFifoOrderAndMessageSizes) {
  ShmQueue q(8, 32);
  for (int i = 0; i < 8; ++i) {
    std::vector<std::byte> message(static_cast<size_t>(i * 4), std::byte(i));
    ASSERT_EQ(q.push(message, 0ns), QueueStatus::kOk);
  }
  EXPECT_EQ(q.size(), 8u);
  for (int i = 0; i < 8; ++i) {
    std::vector<std::byte> buffer(32);
    size_t size = 99;
    ASSERT_EQ(q.pop(buffer, &size, 0ns), QueueStatus::kOk);
    EXPECT_EQ(size, static_cast<size_t>(i * 4));
    for (size_t b = 0; b < size; ++b) EXPECT_EQ(buffer[b], std::byte(i));
  }
  EXPECT_EQ(q.size(), 0u);
}

TEST_F(ShmQueueTest, WrapsAroundItsRingManyTimes) {
  ShmQueue q(3, sizeof(uint64_t));
  uint64_t next_out = 0;
  for (uint64_t i = 0; i < 100; ++i) {
    ASSERT_EQ(push_value(q, i, 0ns), QueueStatus::kOk);
    if (i % 2 == 1) {
      uint64_t v = 0;
      ASSERT_EQ(pop_value(q, &v, 0ns), QueueStatus::kOk);
      ASSERT_EQ(v, next_out++);
      ASSERT_EQ(pop_value(q, &v, 0ns), QueueStatus::kOk);
      ASSERT_EQ(v, next_out++);
    }
  }
}

TEST_F(ShmQueueTest, FullAndEmptyQueuesTimeOut) {
  ShmQueue q(2, sizeof(uint64_t));
  uint64_t v = 0;
  EXPECT_EQ(pop_value(q, &v, 0ns), QueueStatus::kTimeout);
  ASSERT_EQ(push_value(q, 1, 0ns), QueueStatus::kOk);
  ASSERT_EQ(push_value(q, 2, 0ns), QueueStatus::kOk);
  EXPECT_EQ(push_value(q, 3, 0ns), QueueStatus::kTimeout);
  // A timed wait never ends before its timeout.
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(push_value(q, 3, 20ms), QueueStatus::kTimeout);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 20ms);
  EXPECT_EQ(q.size(), 2u);
}

TEST_F(ShmQueueTest, CloseRejectsPushesButDrainsWhatIsQueued) {
  ShmQueue q(4, sizeof(uint64_t));
  ASSERT_EQ(push_value(q, 7), QueueStatus::kOk);
  q.close();
  EXPECT_EQ(push_value(q, 8), QueueStatus::kClosed);
  uint64_t v = 0;
  ASSERT_EQ(pop_value(q, &v), QueueStatus::kOk);
  EXPECT_EQ(v, 7u);
  EXPECT_EQ(pop_value(q, &v), QueueStatus::kClosed);  // not a wait forever
}

TEST_F(ShmQueueTest, RejectsOversizedMessagesAndSmallBuffers) {
  ShmQueue q(2, 8);
  std::vector<std::byte> big(9), small(7);
  size_t size = 0;
  EXPECT_THROW(q.push(big), std::invalid_argument);
  EXPECT_THROW(q.pop(small, &size), std::invalid_argument);
  EXPECT_THROW(ShmQueue(0, 8), std::invalid_argument);
}

TEST_F(ShmQueueTest, APopBlockedInAnotherProcessIsWokenByAPush) {
  ShmQueue q(4, sizeof(uint64_t));
  Shared<std::atomic<int>> waiting(0);
  const pid_t child = start_child([&] {
    waiting->store(1);
    uint64_t v = 0;
    return pop_value(q, &v, 60s) == QueueStatus::kOk && v == 42;
  });
  await(*waiting);
  // The child's one thread: asleep in the queue's wait, so the push wakes it.
  ASSERT_TRUE(testing_support::wait_until_asleep_in_futex(child, child));
  ASSERT_EQ(push_value(q, 42), QueueStatus::kOk);
  EXPECT_EQ(outcome(child), kPassed);
}

TEST_F(ShmQueueTest, AFullQueueBlocksAProducerProcessUntilItIsDrained) {
  constexpr uint64_t kMessages = 200;
  ShmQueue q(4, sizeof(uint64_t));
  const pid_t child = start_child([&] {
    for (uint64_t i = 0; i < kMessages; ++i)
      if (push_value(q, i, 60s) != QueueStatus::kOk) return false;
    return true;
  });
  for (uint64_t i = 0; i < kMessages; ++i) {
    uint64_t v = ~0ull;
    ASSERT_EQ(pop_value(q, &v, 60s), QueueStatus::kOk);
    ASSERT_EQ(v, i);  // FIFO across the process boundary, nothing lost
  }
  EXPECT_EQ(outcome(child), kPassed);
  EXPECT_EQ(q.size(), 0u);
}

TEST_F(ShmQueueTest, APopInAnotherProcessTimesOut) {
  ShmQueue q(4, sizeof(uint64_t));
  const pid_t child = start_child([&] {
    uint64_t v = 0;
    const auto start = std::chrono::steady_clock::now();
    const bool timed_out = pop_value(q, &v, 20ms) == QueueStatus::kTimeout;
    return timed_out && std::chrono::steady_clock::now() - start >= 20ms;
  });
  EXPECT_EQ(outcome(child), kPassed);
}

TEST_F(ShmQueueTest, ClosingWakesAProcessBlockedOnAnEmptyQueue) {
  ShmQueue q(4, sizeof(uint64_t));
  Shared<std::atomic<int>> waiting(0);
  const pid_t child = start_child([&] {
    waiting->store(1);
    uint64_t v = 0;
    return pop_value(q, &v, 60s) == QueueStatus::kClosed;
  });
  await(*waiting);
  ASSERT_TRUE(testing_support::wait_until_asleep_in_futex(child, child));  // as above
  q.close();
  EXPECT_EQ(outcome(child), kPassed);
}

TEST_F(ShmQueueTest, ManyProducerAndConsumerProcessesLoseAndDuplicateNothing) {
  constexpr int kProducers = 2, kConsumers = 2;
  constexpr uint64_t kPerProducer = 2000;
  ShmQueue q(8, sizeof(uint64_t));
  // One counter per value: every value must be received exactly once.
  SharedRegion seen(kProducers * kPerProducer * sizeof(std::atomic<uint32_t>));
  auto* counts = new (seen.data()) std::atomic<uint32_t>[kProducers * kPerProducer]();
  Shared<std::atomic<uint64_t>> claimed(0);
  std::vector<pid_t> children;
  for (int p = 0; p < kProducers; ++p)
    children.push_back(start_child([&, p] {
      for (uint64_t i = 0; i < kPerProducer; ++i)
        if (push_value(q, p * kPerProducer + i, 60s) != QueueStatus::kOk) return false;
      return true;
    }));
  for (int c = 0; c < kConsumers; ++c)
    children.push_back(start_child([&] {
      std::vector<int64_t> last(kProducers, -1);
      while (claimed->fetch_add(1) < kProducers * kPerProducer) {
        uint64_t v = 0;
        if (pop_value(q, &v, 60s) != QueueStatus::kOk || v >= kProducers * kPerProducer)
          return false;
        counts[v].fetch_add(1);
        // Each producer's values reach each consumer in increasing order.
        const auto producer = v / kPerProducer;
        if (static_cast<int64_t>(v) <= last[producer]) return false;
        last[producer] = static_cast<int64_t>(v);
      }
      return true;
    }));
  for (pid_t child : children) EXPECT_EQ(outcome(child), kPassed);
  for (uint64_t v = 0; v < kProducers * kPerProducer; ++v)
    ASSERT_EQ(counts[v].load(), 1u) << "value " << v;
}

TEST_F(ShmQueueTest, AProcessThatDiesHoldingTheLockBreaksTheQueueInsteadOfHangingIt) {
  ShmQueue q(4, sizeof(uint64_t));
  ASSERT_EQ(push_value(q, 1), QueueStatus::kOk);
  const pid_t child = start_child([&] {
    q.lock_and_abandon_for_testing();
    return true;  // exits with the lock held
  });
  ASSERT_EQ(outcome(child), kPassed);
  uint64_t v = 0;
  EXPECT_EQ(pop_value(q, &v, 1s), QueueStatus::kBroken);
  EXPECT_EQ(push_value(q, 2, 1s), QueueStatus::kBroken);
  EXPECT_EQ(pop_value(q, &v, 0ns), QueueStatus::kBroken);  // and stays broken
}

// A consumer already asleep in pop (waiting for ever) when another process
// dies holding the lock: the death wakes nobody, yet the sleeper must learn
// it and return kBroken, not sleep on until some other call locks the queue.
TEST_F(ShmQueueTest, AProcessThatDiesHoldingTheLockBreaksAPopAlreadyAsleep) {
  ShmQueue q(4, sizeof(uint64_t));
  std::atomic<pid_t> sleeper_tid{0};
  auto sleeper = std::async(std::launch::async, [&] {
    sleeper_tid.store(gettid());
    uint64_t v = 0;
    return pop_value(q, &v);  // for ever
  });
  while (sleeper_tid.load() == 0) std::this_thread::yield();
  ASSERT_TRUE(testing_support::wait_until_asleep_in_futex(getpid(), sleeper_tid.load()));
  const pid_t child = start_child([&] {
    q.lock_and_abandon_for_testing();
    return true;  // exits with the lock held
  });
  ASSERT_EQ(outcome(child), kPassed);
  // A hang guard, 600 times the 0.1 s in which a sleeper looks again. If it
  // never learns, close() (which finds the dead owner) releases it.
  const bool told = sleeper.wait_for(60s) == std::future_status::ready;
  if (!told) q.close();
  EXPECT_TRUE(told) << "the sleeper in pop() was not told of the dead lock holder";
  EXPECT_EQ(sleeper.get(), QueueStatus::kBroken);
}

}  // namespace
}  // namespace contend
