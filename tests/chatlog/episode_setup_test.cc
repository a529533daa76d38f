// EpisodeSetup: what both chatlog benchmarks' episodes rely on: a fresh
// chat file name per episode in the scratch directory, and a check that
// compares the file with the ledger and always deletes it. PerEpisodeMean:
// the per-episode counters' arithmetic.
#include "contend/chatlog/episode_setup.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <system_error>

#include "chatlog/chatlog_test_support.h"
#include "contend/chatlog/chat_message.h"

namespace contend::chatlog {
namespace {

EpisodeSetup setup_in(const testing::ScratchDir& dir) {
  static const Topology machine = Topology::synthetic("core:2 pu:1");
  ChatlogConfig config;
  config.senders = 2;
  config.per_sender = 3;
  config.scratch_dir = dir.path();
  return EpisodeSetup(config, machine, {});
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

void accept_all(MessageLedger& ledger) {
  for (uint32_t s = 0; s < 2; ++s)
    for (uint32_t q = 0; q < 3; ++q) ledger.mark(s, q, MessageLedger::kAccepted);
}

TEST(EpisodeSetup, EachEpisodeGetsAFreshFileInTheScratchDirectory) {
  testing::ScratchDir dir;
  const EpisodeSetup setup = setup_in(dir);
  const std::string first = setup.new_file_path();
  const std::string second = setup.new_file_path();
  EXPECT_NE(first, second);
  EXPECT_EQ(first.rfind(dir.path() + "/chat.", 0), 0u) << first;
  EXPECT_EQ(setup.total_messages(), 6u);
}

TEST(EpisodeSetup, CheckComparesTheFileWithTheLedgerAndDeletesIt) {
  testing::ScratchDir dir;
  EpisodeSetup setup = setup_in(dir);
  accept_all(setup.ledger());
  setup.ledger().mark(1, 1, MessageLedger::kAcked);
  const std::string path = setup.new_file_path();
  write_file(path, format_line(0, 0) + format_line(1, 0) + format_line(0, 1) + format_line(1, 2) +
                       format_line(0, 2));  // (1, 1) missing
  const CheckedChatFile checked = setup.check_and_remove(path, TornTail::kError);
  EXPECT_EQ(checked.file.error, "");
  EXPECT_EQ(checked.file.lines, 5u);
  EXPECT_EQ(checked.against.missing, 1u);
  EXPECT_EQ(checked.against.acked_missing, 1u);
  EXPECT_TRUE(dir.empty());
}

TEST(EpisodeSetup, ATornTailIsTheCrashChecksToAllow) {
  testing::ScratchDir dir;
  EpisodeSetup setup = setup_in(dir);
  accept_all(setup.ledger());
  std::string text = format_line(0, 0) + format_line(1, 0);
  text.pop_back();  // the kill cut the last line's newline
  for (TornTail torn : {TornTail::kAllowed, TornTail::kError}) {
    const std::string path = setup.new_file_path();
    write_file(path, text);
    const CheckedChatFile checked = setup.check_and_remove(path, torn);
    EXPECT_EQ(checked.file.torn_tail, torn == TornTail::kAllowed);
    EXPECT_EQ(checked.file.error.empty(), torn == TornTail::kAllowed) << checked.file.error;
    EXPECT_TRUE(dir.empty());
  }
}

TEST(EpisodeSetup, AFileThatCannotBeReadIsAnErrorNamingIt) {
  testing::ScratchDir dir;
  const EpisodeSetup setup = setup_in(dir);
  const std::string path = setup.new_file_path();  // never written
  try {
    setup.check_and_remove(path, TornTail::kError);
    FAIL() << "a missing chat file was read";
  } catch (const std::system_error& e) {
    EXPECT_NE(std::string(e.what()).find("read " + path), std::string::npos) << e.what();
  }
}

TEST(PerEpisodeMean, IsTheMeanOfWhatWasAddedSinceTheLastClear) {
  PerEpisodeMean mean;
  EXPECT_EQ(mean.mean(), 0.0);  // no episode judged: 0, not NaN
  mean.add(3);
  mean.add(0);
  EXPECT_EQ(mean.mean(), 1.5);
  mean.clear();
  EXPECT_EQ(mean.mean(), 0.0);
  mean.add(2);
  EXPECT_EQ(mean.mean(), 2.0);
}

}  // namespace
}  // namespace contend::chatlog
