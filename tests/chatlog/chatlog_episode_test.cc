// The pipeline over loopback UDP (log episodes) and the crash test's
// accounting (crash episodes): small counts, bounded times, and nothing
// left in the scratch directory afterwards.
#include <gtest/gtest.h>

#include <string>

#include "chatlog/chatlog_test_support.h"
#include "contend/chatlog/crash_episode.h"
#include "contend/chatlog/log_episode.h"
#include "contend/chatlog/udp_inbox.h"

namespace contend::chatlog {
namespace {

ChatlogConfig small_config(WriterDesign design, const std::string& dir) {
  ChatlogConfig config;
  config.design = design;
  config.senders = 2;
  config.per_sender = 300;
  config.rcvbuf_bytes = 1 << 20;
  config.scratch_dir = dir;
  return config;
}

class Episode : public ::testing::TestWithParam<WriterDesign> {};

TEST_P(Episode, EveryAcceptedMessageIsInTheFileOnceAndInOrder) {
  testing::ScratchDir dir;
  const Topology machine = Topology::synthetic("core:2 pu:1");  // not this system: unpinned
  LogEpisodes episodes(small_config(GetParam(), dir.path()), machine, {});
  EpisodePlan plan = episodes.plan();
  for (int i = 0; i < 2; ++i) {
    const EpisodeResult result = episodes.run_episode();
    ASSERT_EQ(result.error, "");
    EXPECT_GT(result.makespan_seconds, 0.0);
    const EpisodeVerdict verdict = plan.judge(result);
    EXPECT_EQ(verdict.error, "");
    EXPECT_GT(verdict.items, 0u);  // loss is possible, total loss is not
    EXPECT_LE(verdict.items, 600u);
  }
  EXPECT_GT(episodes.latencies().count(), 0u);
  // The receivers and the writer spent CPU on every line they logged.
  EXPECT_GT(episodes.cpu_ns_per_item(), 0.0);
  EXPECT_TRUE(dir.empty());  // every episode deleted its file
}

TEST_P(Episode, CrashLosesNoAcknowledgedMessage) {
  testing::ScratchDir dir;
  const Topology machine = Topology::synthetic("core:2 pu:1");
  CrashEpisodes episodes(small_config(GetParam(), dir.path()), machine, {});
  const CrashCount count = episodes.crash_once();
  EXPECT_EQ(count.error, "");
  // Every design writes before it acknowledges, and a SIGKILL leaves the
  // page cache alone: nothing acknowledged can be missing.
  EXPECT_EQ(count.acked_missing, 0u);
  EXPECT_LE(count.acked, count.in_file);
  EXPECT_LE(count.in_file + count.lost, count.accepted + 1);  // + a torn tail's message
  if (GetParam() == WriterDesign::kDirectWrite) {
    EXPECT_EQ(count.lost, 0u);  // no user-space queue
  }
  EXPECT_TRUE(dir.empty());
}

INSTANTIATE_TEST_SUITE_P(Designs, Episode, ::testing::ValuesIn(kAllWriterDesigns),
                         [](const auto& info) { return std::string(to_string(info.param)); });

TEST(UdpInbox, BindsLoopbackReceiversToOnePort) {
  UdpInbox inbox(2, 64 * 1024);
  EXPECT_NE(inbox.port(), 0);
  EXPECT_EQ(inbox.receivers(), 2);
  EXPECT_GT(inbox.rcvbuf_granted(), 0);
  EXPECT_THROW(UdpInbox(0, 1024), std::invalid_argument);
}

}  // namespace
}  // namespace contend::chatlog
