// Every writer design writes every appended line exactly once, whole, in
// each appending thread's order, and acknowledges each one, with several
// receivers appending at once (the designs' contract, chat_log.h).
#include "contend/chatlog/chat_log.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "chatlog/chatlog_test_support.h"
#include "contend/chatlog/chat_file_check.h"

namespace contend::chatlog {
namespace {

class ChatLogDesign : public ::testing::TestWithParam<WriterDesign> {};

// `appenders` threads, each the receiver of two senders (its own), append
// their lines interleaved.
void append_concurrently(ChatLog& log, MessageLedger& ledger, int appenders) {
  std::vector<std::thread> threads;
  for (int a = 0; a < appenders; ++a) {
    threads.emplace_back([&, a] {
      for (uint32_t q = 0; q < ledger.per_sender(); ++q) {
        for (uint32_t s : {uint32_t(2 * a), uint32_t(2 * a + 1)}) {
          ledger.mark(s, q, MessageLedger::kReceived);
          log.append(ChatMessage{s, q, format_line(s, q)});
          ledger.mark(s, q, MessageLedger::kAccepted);
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
}

TEST_P(ChatLogDesign, WritesEveryLineOnceInSenderOrder) {
  for (DurabilityPolicy policy : {DurabilityPolicy::kNone, DurabilityPolicy::kFsyncEveryN}) {
    SCOPED_TRACE(std::string(to_string(policy)));
    testing::ScratchDir dir;
    constexpr int kAppenders = 3;
    MessageLedger ledger(2 * kAppenders, 400);
    LogFile file(dir.file("chat.txt"), {policy, 256}, &ledger, [](int) { return 0; });
    auto log = make_chat_log(GetParam(), file);
    append_concurrently(*log, ledger, kAppenders);
    log->close();
    const ChatFile chat = read_chat_file_at(dir.file("chat.txt"), ledger.senders(), ledger.per_sender());
    EXPECT_EQ(chat.error, "");
    EXPECT_EQ(chat.lines, uint64_t(ledger.senders()) * ledger.per_sender());
    const LedgerComparison against = check_against_ledger(chat, ledger);
    EXPECT_EQ(against.error, "");
    EXPECT_EQ(against.missing, 0u);
    EXPECT_EQ(ledger.count_with(MessageLedger::kAcked), chat.lines);
  }
}

TEST_P(ChatLogDesign, CloseWithNothingAppendedLeavesAnEmptyFile) {
  testing::ScratchDir dir;
  LogFile file(dir.file("chat.txt"), {}, nullptr);
  auto log = make_chat_log(GetParam(), file);
  log->close();
  EXPECT_EQ(testing::read_text(dir.file("chat.txt")), "");
}

TEST_P(ChatLogDesign, AWriteErrorSurfacesFromClose) {
  testing::ScratchDir dir;
  MessageLedger ledger(1, 4);
  LogFile file(dir.file("chat.txt"), {DurabilityPolicy::kFsyncEach}, &ledger,
               [](int) { errno = EIO; return -1; });
  auto log = make_chat_log(GetParam(), file);
  // direct_write fails in append itself; the others in their writer thread,
  // reported by close().
  bool failed = false;
  try {
    log->append(ChatMessage{0, 0, format_line(0, 0)});
    log->close();
  } catch (const std::exception&) {
    failed = true;
  }
  EXPECT_TRUE(failed);
  EXPECT_EQ(ledger.count_with(MessageLedger::kAcked), 0u);
}

INSTANTIATE_TEST_SUITE_P(Designs, ChatLogDesign, ::testing::ValuesIn(kAllWriterDesigns),
                         [](const auto& info) { return std::string(to_string(info.param)); });

TEST(WriterDesign, NamesReadBack) {
  for (WriterDesign d : kAllWriterDesigns) EXPECT_EQ(parse_writer_design(to_string(d)), d);
  EXPECT_THROW(parse_writer_design("printf"), std::invalid_argument);
}

}  // namespace
}  // namespace contend::chatlog
