// The durability policies call fsync when they promise to, and a line is
// acknowledged only after the fsync that covers it (fsync counted through
// the injectable hook).
#include "contend/chatlog/log_file.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <vector>

#include "chatlog/chatlog_test_support.h"

namespace contend::chatlog {
namespace {

struct CountingFsync {
  int calls = 0;
  FsyncHook hook() {
    return [this](int fd) {
      ++calls;
      return ::fsync(fd);
    };
  }
};

ChatMessage message(uint32_t seq) { return ChatMessage{0, seq, format_line(0, seq)}; }

uint64_t acked(const MessageLedger& ledger) { return ledger.count_with(MessageLedger::kAcked); }

TEST(LogFile, NoneNeverFsyncsAndAcknowledgesEachWrite) {
  testing::ScratchDir dir;
  MessageLedger ledger(1, 10);
  CountingFsync fsync;
  LogFile file(dir.file("chat.txt"), {DurabilityPolicy::kNone}, &ledger, fsync.hook());
  for (uint32_t q = 0; q < 10; ++q) {
    file.write(message(q));
    EXPECT_EQ(acked(ledger), q + 1);
  }
  file.close();
  EXPECT_EQ(fsync.calls, 0);
  EXPECT_EQ(testing::read_text(dir.file("chat.txt")).size(), 10 * format_line(0, 0).size());
}

TEST(LogFile, FsyncEachSyncsEveryWriteCallBeforeAcknowledging) {
  testing::ScratchDir dir;
  MessageLedger ledger(1, 10);
  CountingFsync fsync;
  LogFile file(dir.file("chat.txt"), {DurabilityPolicy::kFsyncEach}, &ledger, fsync.hook());
  file.write(message(0));
  file.write(message(1));
  EXPECT_EQ(fsync.calls, 2);
  // A batch of five lines in one write call: one fsync covers all five.
  std::vector<ChatMessage> batch;
  for (uint32_t q = 2; q < 7; ++q) batch.push_back(message(q));
  std::vector<const ChatMessage*> lines;
  for (const ChatMessage& m : batch) lines.push_back(&m);
  file.write(lines);
  EXPECT_EQ(fsync.calls, 3);
  EXPECT_EQ(acked(ledger), 7u);
  file.close();
  EXPECT_EQ(fsync.calls, 3);  // nothing left uncovered
}

TEST(LogFile, FsyncEveryNAcknowledgesOnlyWhatAnFsyncCovered) {
  testing::ScratchDir dir;
  MessageLedger ledger(1, 10);
  CountingFsync fsync;
  LogFile file(dir.file("chat.txt"), {DurabilityPolicy::kFsyncEveryN, 4}, &ledger, fsync.hook());
  for (uint32_t q = 0; q < 3; ++q) file.write(message(q));
  EXPECT_EQ(fsync.calls, 0);
  EXPECT_EQ(acked(ledger), 0u);  // written, not yet covered
  file.write(message(3));
  EXPECT_EQ(fsync.calls, 1);
  EXPECT_EQ(acked(ledger), 4u);
  for (uint32_t q = 4; q < 10; ++q) file.write(message(q));
  EXPECT_EQ(fsync.calls, 2);     // at 8
  EXPECT_EQ(acked(ledger), 8u);
  file.close();                  // covers 8 and 9
  EXPECT_EQ(fsync.calls, 3);
  EXPECT_EQ(acked(ledger), 10u);
}

TEST(LogFile, AFailedFsyncIsAnErrorAndAcknowledgesNothing) {
  testing::ScratchDir dir;
  MessageLedger ledger(1, 10);
  LogFile file(dir.file("chat.txt"), {DurabilityPolicy::kFsyncEach}, &ledger,
               [](int) { errno = EIO; return -1; });
  EXPECT_THROW(file.write(message(0)), std::system_error);
  EXPECT_EQ(acked(ledger), 0u);
}

TEST(Durability, NamesReadBack) {
  for (DurabilityPolicy p : {DurabilityPolicy::kNone, DurabilityPolicy::kFsyncEveryN,
                             DurabilityPolicy::kFsyncEach})
    EXPECT_EQ(parse_durability_policy(to_string(p)), p);
  EXPECT_THROW(parse_durability_policy("sometimes"), std::invalid_argument);
}

}  // namespace
}  // namespace contend::chatlog
