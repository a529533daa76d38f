// Stamped messages and the DeliveryLedger: every way a channel can get it
// wrong (loss, duplication, reordering, corruption, a stale message) is
// caught — directly, and through a whole episode with a faulty channel
// between threads and between processes, where it must become an error.
#include "contend/ipc/delivery_ledger.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "contend/harness/worker_group.h"
#include "contend/ipc/ipc_workload.h"
#include "contend/ipc/message.h"
#include "contend/ipc/shm_queue_channel.h"
#include "support/no_leftovers.h"

namespace contend {
namespace {

using namespace std::chrono_literals;

std::vector<std::byte> message(size_t bytes, MessageStamp stamp) {
  std::vector<std::byte> m(bytes);
  write_message(m, stamp);
  return m;
}

TEST(Message, StampsRoundTripForEverySize) {
  for (size_t bytes : {8, 9, 15, 16, 64, 100, 4096}) {
    const MessageStamp stamp{7, 3, 123456789};
    EXPECT_EQ(read_message(message(bytes, stamp)), stamp) << bytes;
  }
  EXPECT_EQ(read_message(std::vector<std::byte>(4)), std::nullopt);
}

TEST(Message, AnyCorruptedByteIsDetected) {
  for (size_t bytes : {16, 61, 4096}) {
    for (size_t at = 8; at < bytes; at += (bytes > 100 ? 97 : 1)) {
      auto m = message(bytes, {1, 2, 3});
      m[at] ^= std::byte{0x10};
      EXPECT_EQ(read_message(m), std::nullopt) << bytes << " bytes, flipped at " << at;
    }
  }
}

TEST(DeliveryLedger, AcceptsACompleteOrderedEpisode) {
  DeliveryLedger ledger(2, 5);
  ledger.begin_episode();
  auto cursor = ledger.new_cursor();
  for (uint32_t p = 0; p < 2; ++p)
    for (uint64_t s = 0; s < 5; ++s)
      ASSERT_TRUE(ledger.record(message(16, {ledger.episode(), p, s}), cursor));
  EXPECT_EQ(ledger.received(), 10u);
  EXPECT_EQ(ledger.verdict(), "");
  // A new episode forgets the last one.
  ledger.begin_episode();
  EXPECT_EQ(ledger.received(), 0u);
  EXPECT_NE(ledger.verdict(), "");
}

TEST(DeliveryLedger, CatchesLossDuplicationReorderingCorruptionAndStaleMessages) {
  auto verdict_of = [](auto&& deliver) {
    DeliveryLedger ledger(1, 4);
    ledger.begin_episode();
    auto cursor = ledger.new_cursor();
    deliver(ledger, cursor, ledger.episode());
    return ledger.verdict();
  };
  EXPECT_EQ(verdict_of([](DeliveryLedger& l, auto& c, uint32_t e) {
              for (uint64_t s : {0, 1, 3}) l.record(message(16, {e, 0, s}), c);
            }),
            "lost 1 of 4 messages");
  EXPECT_NE(verdict_of([](DeliveryLedger& l, auto& c, uint32_t e) {
              for (uint64_t s : {0, 1, 1, 2, 3}) l.record(message(16, {e, 0, s}), c);
            }).find("duplicate"),
            std::string::npos);
  EXPECT_NE(verdict_of([](DeliveryLedger& l, auto& c, uint32_t e) {
              for (uint64_t s : {0, 2, 1, 3}) l.record(message(16, {e, 0, s}), c);
            }).find("out of order"),
            std::string::npos);
  EXPECT_NE(verdict_of([](DeliveryLedger& l, auto& c, uint32_t e) {
              for (uint64_t s : {0, 1, 2, 3}) {
                auto m = message(16, {e, 0, s});
                if (s == 2) m[12] ^= std::byte{1};
                l.record(m, c);
              }
            }).find("corrupt"),
            std::string::npos);
  EXPECT_NE(verdict_of([](DeliveryLedger& l, auto& c, uint32_t e) {
              for (uint64_t s : {0, 1, 2, 3}) l.record(message(16, {s == 1 ? e - 1 : e, 0, s}), c);
            }).find("stale"),
            std::string::npos);
  EXPECT_NE(verdict_of([](DeliveryLedger& l, auto& c, uint32_t e) {
              for (uint64_t s : {0, 1, 2, 9}) l.record(message(16, {e, 0, s}), c);
            }).find("unknown"),
            std::string::npos);
}

// Receivers record into regions of their own; the judge merges them.
TEST(DeliveryLedger, ReceiversRecordApartAndAreMergedAfterwards) {
  DeliveryLedger ledger(2, 100, 3);
  ledger.begin_episode();
  std::vector<DeliveryLedger::Cursor> cursors;
  for (int r = 0; r < 3; ++r) cursors.push_back(ledger.new_cursor(r));
  // Producer 0's messages to receivers round robin, producer 1's all to one.
  for (uint64_t s = 0; s < 100; ++s) {
    ASSERT_TRUE(ledger.record(message(16, {ledger.episode(), 0, s}), cursors[s % 3]));
    ASSERT_TRUE(ledger.record(message(16, {ledger.episode(), 1, s}), cursors[2]));
  }
  EXPECT_EQ(ledger.received(), 200u);
  EXPECT_EQ(ledger.verdict(), "");
}

TEST(DeliveryLedger, EachReceiversRegionHasCacheLinesOfItsOwn) {
  DeliveryLedger ledger(3, 1000, 4);  // 3000 bits: 47 words, not whole lines
  for (int r = 0; r < ledger.receivers(); ++r) {
    const auto bits = ledger.received_bits(r);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(bits.data()) % 64, 0u) << "receiver " << r;
    if (r == 0) continue;
    // The previous receiver's last line ends before this one's first.
    const auto previous = ledger.received_bits(r - 1);
    const auto previous_end = reinterpret_cast<uintptr_t>(previous.data() + previous.size());
    EXPECT_LE((previous_end + 63) / 64 * 64, reinterpret_cast<uintptr_t>(bits.data()));
  }
  EXPECT_THROW(ledger.new_cursor(4), std::invalid_argument);
}

TEST(DeliveryLedger, AMessageTwoReceiversGotIsADuplicate) {
  DeliveryLedger ledger(1, 4, 2);
  ledger.begin_episode();
  auto first = ledger.new_cursor(0), second = ledger.new_cursor(1);
  for (uint64_t s : {0, 1, 2}) ASSERT_TRUE(ledger.record(message(16, {ledger.episode(), 0, s}), first));
  // Each receiver alone saw nothing wrong: only the merge can tell.
  ASSERT_TRUE(ledger.record(message(16, {ledger.episode(), 0, 1}), second));
  ASSERT_TRUE(ledger.record(message(16, {ledger.episode(), 0, 3}), second));
  EXPECT_NE(ledger.verdict().find("duplicate: producer 0 seq 1"), std::string::npos)
      << ledger.verdict();
}

TEST(DeliveryLedger, LossAndOrderAreJudgedAcrossReceivers) {
  DeliveryLedger ledger(1, 6, 2);
  ledger.begin_episode();
  auto first = ledger.new_cursor(0), second = ledger.new_cursor(1);
  for (uint64_t s : {0, 2, 4}) ledger.record(message(16, {ledger.episode(), 0, s}), first);
  for (uint64_t s : {1, 5}) ledger.record(message(16, {ledger.episode(), 0, s}), second);
  EXPECT_EQ(ledger.verdict(), "lost 1 of 6 messages");
  ledger.begin_episode();
  first = ledger.new_cursor(0);
  second = ledger.new_cursor(1);
  ledger.record(message(16, {ledger.episode(), 0, 0}), first);
  ledger.record(message(16, {ledger.episode(), 0, 2}), second);
  ledger.record(message(16, {ledger.episode(), 0, 1}), second);  // after 2, same receiver
  EXPECT_NE(ledger.verdict().find("out of order"), std::string::npos) << ledger.verdict();
}

// Claims come in batches, but add up to exactly the expected count, however
// the receivers interleave.
TEST(DeliveryLedger, ClaimsAddUpToTheExpectedCount) {
  DeliveryLedger ledger(2, 150, 3);
  for (int episode = 0; episode < 2; ++episode) {
    ledger.begin_episode();
    std::vector<DeliveryLedger::Cursor> cursors;
    for (int r = 0; r < 3; ++r) cursors.push_back(ledger.new_cursor(r));
    uint64_t claimed = 0;
    std::vector<bool> done(3, false);
    for (int turn = 0; !(done[0] && done[1] && done[2]); turn = (turn + 1) % 3) {
      if (done[turn]) continue;
      if (ledger.claim(cursors[turn])) {
        ++claimed;
      } else {
        done[turn] = true;
      }
    }
    EXPECT_EQ(claimed, ledger.expected());
  }
}

// A channel that gets one message of an episode wrong, on the send side.
class FaultyChannel : public Channel {
 public:
  enum class Fault { kDuplicate, kSwap, kCorrupt };
  FaultyChannel(Fault fault, size_t bytes) : fault_(fault), inner_(options(bytes)) {}

  void send(int client, std::span<const std::byte> message) override {
    const uint64_t n = sent_++;
    if (fault_ == Fault::kDuplicate && n == 10) {
      inner_.send(client, message);  // message 10 twice, message 11 never
      skip_next_ = true;
      return inner_.send(client, message);
    }
    if (skip_next_) {
      skip_next_ = false;
      return;
    }
    if (fault_ == Fault::kSwap && n == 10) {
      held_.assign(message.begin(), message.end());  // send 10 after 11
      return;
    }
    if (fault_ == Fault::kCorrupt && n == 10) {
      std::vector<std::byte> bad(message.begin(), message.end());
      bad.back() ^= std::byte{0x80};
      return inner_.send(client, bad);
    }
    inner_.send(client, message);
    if (!held_.empty()) {
      inner_.send(client, held_);
      held_.clear();
    }
  }
  void receive(int client, std::span<std::byte> message) override {
    inner_.receive(client, message);
  }

 private:
  static ChannelOptions options(size_t bytes) {
    ChannelOptions o;
    o.message_bytes = bytes;
    o.timeout = 60s;
    return o;
  }
  Fault fault_;
  ShmQueueChannel inner_;
  // Send-side state: private to the producer (its own copy in a process).
  uint64_t sent_ = 0;
  bool skip_next_ = false;
  std::vector<std::byte> held_;
};

std::string fault_name(FaultyChannel::Fault fault) {
  switch (fault) {
    case FaultyChannel::Fault::kDuplicate: return "duplicate";
    case FaultyChannel::Fault::kSwap: return "swap";
    case FaultyChannel::Fault::kCorrupt: return "corrupt";
  }
  return "?";
}

class FaultyEpisodeTest
    : public testing::NoLeftoversWithParam<std::tuple<FaultyChannel::Fault, WorkerMode>> {};

TEST_P(FaultyEpisodeTest, AWrongDeliveryIsAnEpisodeError) {
  const auto [fault, mode] = GetParam();
  static const Topology machine = Topology::discover();
  FaultyChannel channel(fault, 64);
  ThroughputWorkload work(channel, {1, 1, 100, 64});
  WorkerGroup group(machine, place_workers(machine, PlacementPolicy::kCompact, 2),
                    [&work](const WorkerContext& c) { return work.run_worker(c); }, mode);
  EpisodePlan plan = work.plan();
  plan.prepare();
  EpisodeResult result = group.run_episode();
  ASSERT_TRUE(result.ok()) << result.error;
  const std::string error = plan.judge(result).error;
  const char* expected = fault == FaultyChannel::Fault::kDuplicate ? "duplicate"
                         : fault == FaultyChannel::Fault::kSwap    ? "out of order"
                                                                   : "corrupt";
  EXPECT_NE(error.find(expected), std::string::npos) << error;
}

INSTANTIATE_TEST_SUITE_P(
    Faults, FaultyEpisodeTest,
    ::testing::Combine(::testing::Values(FaultyChannel::Fault::kDuplicate,
                                         FaultyChannel::Fault::kSwap,
                                         FaultyChannel::Fault::kCorrupt),
                       ::testing::Values(WorkerMode::kThread, WorkerMode::kProcess)),
    [](const auto& info) {
      return fault_name(std::get<0>(info.param)) + "_" +
             std::string(to_string(std::get<1>(info.param)));
    });

}  // namespace
}  // namespace contend
