// Every IPC channel, between threads and between processes: everything
// sent arrives once, in order and intact; ping-pong echoes every message;
// and nothing (child, broker, queue name) is left behind.
#include <gtest/gtest.h>
#include <mqueue.h>

#include <cerrno>
#include <fstream>
#include <string>
#include <tuple>
#include <vector>

#include "contend/harness/worker_group.h"
#include "contend/ipc/channel_catalog.h"
#include "contend/ipc/ipc_workload.h"
#include "contend/ipc/posix_mq_channel.h"
#include "support/no_leftovers.h"
#include "support/test_machine.h"

namespace contend {
namespace {

using namespace std::chrono_literals;

ChannelOptions options(size_t bytes, int clients) {
  ChannelOptions o;
  o.message_bytes = bytes;
  o.capacity = 16;
  o.clients = clients;
  o.timeout = 60s;  // a safety net only: generous for a loaded machine under TSan
  return o;
}

// Runs `episodes` episodes of a workload and returns the first error ("" if none).
template <class Workload>
std::string run(Workload& work, int workers, WorkerMode mode, int episodes = 2) {
  WorkerGroup group(this_machine(), place_workers(this_machine(), PlacementPolicy::kCompact, workers),
                    [&work](const WorkerContext& c) { return work.run_worker(c); }, mode);
  EpisodePlan plan = work.plan();
  for (int e = 0; e < episodes; ++e) {
    plan.prepare();
    EpisodeResult result = group.run_episode();
    if (!result.ok()) return result.error;
    EpisodeVerdict verdict = plan.judge(result);
    if (!verdict.error.empty()) return verdict.error;
    if (verdict.lost != 0) return "lost reported without an error";
  }
  return {};
}

using ChannelCase = std::tuple<std::string, WorkerMode>;

class ChannelTest : public testing::NoLeftoversWithParam<ChannelCase> {
 protected:
  const ChannelKind& kind() const { return channel_kind(std::get<0>(GetParam())); }
  WorkerMode mode() const { return std::get<1>(GetParam()); }
};

TEST_P(ChannelTest, OneToOneDeliversEverythingOnceInOrder) {
  for (size_t bytes : {size_t{8}, size_t{64}, size_t{4096}}) {
    ChannelPair channels = kind().make(options(bytes, 2));
    ThroughputWorkload work(*channels.forward, {1, 1, 300, bytes});
    EXPECT_EQ(run(work, 2, mode()), "") << bytes << " bytes";
    EXPECT_EQ(work.ledger().received(), 300u);
  }
}

// Only for channels that allow several senders and receivers (a byte
// stream may interleave them, so pipe and socketpair are one to one).
class ManyToManyTest : public ChannelTest {};

TEST_P(ManyToManyTest, ManyToManyDeliversEverythingOnce) {
  ChannelPair channels = kind().make(options(64, 4));
  ThroughputWorkload work(*channels.forward, {2, 2, 300, 64});
  EXPECT_EQ(run(work, 4, mode()), "");
  EXPECT_EQ(work.ledger().received(), 600u);
}

TEST_P(ChannelTest, PingPongEchoesEveryMessage) {
  ChannelPair channels = kind().make(options(64, 2));
  PingPongWorkload work(*channels.forward, *channels.backward, 100, 64);
  EXPECT_EQ(run(work, 2, mode(), 3), "");
  EXPECT_EQ(work.latencies().count(), 300u);  // one round trip time each
  EXPECT_GT(work.latencies().value_at_percentile(0.5), 0);
}

std::vector<ChannelCase> cases(bool many_to_many_only) {
  std::vector<ChannelCase> cases;
  for (const ChannelKind& kind : channel_kinds())
    if (kind.many_to_many || !many_to_many_only)
      for (WorkerMode mode : {WorkerMode::kThread, WorkerMode::kProcess})
        cases.emplace_back(std::string(kind.id), mode);
  return cases;
}

std::string case_name(const ::testing::TestParamInfo<ChannelCase>& info) {
  return std::get<0>(info.param) + "_" + std::string(to_string(std::get<1>(info.param)));
}

INSTANTIATE_TEST_SUITE_P(Channels, ChannelTest, ::testing::ValuesIn(cases(false)), case_name);
INSTANTIATE_TEST_SUITE_P(Channels, ManyToManyTest, ::testing::ValuesIn(cases(true)), case_name);

using PosixMqTest = testing::NoLeftovers;

TEST_F(PosixMqTest, TheQueueNameIsGoneRightAfterCreation) {
  PosixMqChannel channel(options(64, 2));
  ASSERT_FALSE(channel.name().empty());
  const mqd_t again = mq_open(channel.name().c_str(), O_RDONLY);
  EXPECT_EQ(again, static_cast<mqd_t>(-1)) << channel.name() << " is still linked";
  EXPECT_EQ(errno, ENOENT);
  if (again != static_cast<mqd_t>(-1)) mq_close(again);
}

TEST_F(PosixMqTest, CapacityIsClampedToTheKernelLimit) {
  long msg_max = 10;
  std::ifstream("/proc/sys/fs/mqueue/msg_max") >> msg_max;
  ChannelOptions o = options(64, 2);
  o.capacity = 100000;
  PosixMqChannel channel(o);
  EXPECT_GE(channel.capacity(), 1);
  EXPECT_LE(channel.capacity(), msg_max);
}

TEST_F(PosixMqTest, MessagesBeyondTheKernelLimitAreAClearError) {
  try {
    PosixMqChannel channel(options(size_t{1} << 30, 2));
    FAIL() << "a 1 GiB message size was accepted";
  } catch (const ChannelError& e) {
    EXPECT_NE(std::string(e.what()).find("msgsize_max"), std::string::npos) << e.what();
  }
}

TEST(ChannelCatalog, IdsAreUniqueAndKnown) {
  std::vector<std::string> ids;
  for (const ChannelKind& kind : channel_kinds()) ids.emplace_back(kind.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"shm_queue", "pipe", "socketpair", "posix_mq", "broker"}));
  EXPECT_THROW(channel_kind("carrier_pigeon"), std::invalid_argument);
}

using ChannelTimeouts = testing::NoLeftovers;

TEST_F(ChannelTimeouts, AReceiveWithNoSenderIsAnErrorNotAHang) {
  for (const ChannelKind& kind : channel_kinds()) {
    ChannelOptions o = options(64, 2);
    o.timeout = 20ms;
    ChannelPair channels = kind.make(o);
    std::vector<std::byte> message(64);
    EXPECT_THROW(channels.forward->receive(1, message), ChannelError) << kind.id;
  }
}

}  // namespace
}  // namespace contend
