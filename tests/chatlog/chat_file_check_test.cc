// The file check catches each kind of bad file it promises to (torn line,
// duplicate, reorder, missing, phantom) and passes a good one.
#include "contend/chatlog/chat_file_check.h"

#include <gtest/gtest.h>

#include <string>

#include "contend/chatlog/chat_message.h"

namespace contend::chatlog {
namespace {

// Two senders, three messages each; every one received and accepted.
void accept_all(MessageLedger& ledger) {
  for (uint32_t s = 0; s < 2; ++s)
    for (uint32_t q = 0; q < 3; ++q) {
      ledger.mark(s, q, MessageLedger::kReceived);
      ledger.mark(s, q, MessageLedger::kAccepted);
    }
}

std::string good_file() {
  // Senders interleaved, each in order.
  return format_line(0, 0) + format_line(1, 0) + format_line(0, 1) + format_line(1, 1) +
         format_line(1, 2) + format_line(0, 2);
}

TEST(ChatFileCheck, AcceptsEveryMessageOnceInSenderOrder) {
  const ChatFile file = read_chat_file(good_file(), 2, 3);
  EXPECT_EQ(file.error, "");
  EXPECT_EQ(file.lines, 6u);
  MessageLedger ledger(2, 3);
  accept_all(ledger);
  const LedgerComparison against = check_against_ledger(file, ledger);
  EXPECT_EQ(against.error, "");
  EXPECT_EQ(against.missing, 0u);
}

TEST(ChatFileCheck, FindsATornLine) {
  std::string torn = format_line(0, 1);
  torn.erase(torn.size() - 10, 5);  // a piece of the payload gone, newline kept
  const ChatFile file = read_chat_file(format_line(0, 0) + torn + format_line(0, 2), 2, 3);
  EXPECT_NE(file.error.find("torn line 2"), std::string::npos) << file.error;
}

TEST(ChatFileCheck, FindsTwoLinesGluedTogether) {
  std::string first = format_line(0, 0);
  first.pop_back();  // no newline: the next line's bytes follow on the same line
  const ChatFile file = read_chat_file(first + format_line(0, 1), 2, 3);
  EXPECT_NE(file.error.find("torn line 1"), std::string::npos) << file.error;
}

TEST(ChatFileCheck, FindsAMissingFinalNewlineUnlessATornTailIsAllowed) {
  std::string text = format_line(0, 0) + format_line(0, 1);
  text.resize(text.size() - 7);
  EXPECT_NE(read_chat_file(text, 2, 3).error.find("torn line 2"), std::string::npos);
  const ChatFile crashed = read_chat_file(text, 2, 3, TornTail::kAllowed);
  EXPECT_EQ(crashed.error, "");
  EXPECT_TRUE(crashed.torn_tail);
  EXPECT_EQ(crashed.lines, 1u);
  EXPECT_FALSE(crashed.present[0][1]);  // the cut-off message is not in the file
}

TEST(ChatFileCheck, FindsADuplicate) {
  const ChatFile file = read_chat_file(good_file() + format_line(1, 1), 2, 3);
  EXPECT_NE(file.error.find("duplicate line 7"), std::string::npos) << file.error;
}

TEST(ChatFileCheck, FindsAReorderWithinOneSender) {
  const ChatFile file =
      read_chat_file(format_line(1, 0) + format_line(0, 1) + format_line(0, 0), 2, 3);
  EXPECT_NE(file.error.find("sender 0 out of order at line 3"), std::string::npos) << file.error;
}

TEST(ChatFileCheck, CountsAnAcceptedMessageMissingFromTheFile) {
  const std::string text =
      format_line(0, 0) + format_line(1, 0) + format_line(0, 1) + format_line(1, 2) + format_line(0, 2);
  const ChatFile file = read_chat_file(text, 2, 3);
  ASSERT_EQ(file.error, "");
  MessageLedger ledger(2, 3);
  accept_all(ledger);
  ledger.mark(1, 1, MessageLedger::kAcked);
  const LedgerComparison against = check_against_ledger(file, ledger);
  EXPECT_EQ(against.missing, 1u);        // (1, 1)
  EXPECT_EQ(against.acked_missing, 1u);  // and it had been acknowledged
}

TEST(ChatFileCheck, FindsALineNoReceiverReceived) {
  MessageLedger ledger(2, 3);
  ledger.mark(0, 0, MessageLedger::kReceived);
  const ChatFile file = read_chat_file(format_line(0, 0) + format_line(1, 2), 2, 3);
  ASSERT_EQ(file.error, "");
  EXPECT_NE(check_against_ledger(file, ledger).error.find("message 1 2"), std::string::npos);
}

TEST(ChatFileCheck, RejectsAMessageOutsideTheEpisode) {
  EXPECT_NE(read_chat_file(format_line(2, 0), 2, 3).error.find("names no message"),
            std::string::npos);
  EXPECT_NE(read_chat_file(format_line(0, 3), 2, 3).error.find("names no message"),
            std::string::npos);
}

TEST(ChatMessage, LinesAndSentinelsReadBack) {
  const ParsedDatagram line = parse_datagram(format_line(7, 123));
  EXPECT_EQ(line.kind, DatagramKind::kMessage);
  EXPECT_EQ(line.sender, 7u);
  EXPECT_EQ(line.seq, 123u);
  const ParsedDatagram end = parse_datagram(format_sentinel(4));
  EXPECT_EQ(end.kind, DatagramKind::kSentinel);
  EXPECT_EQ(end.sender, 4u);
  // Another message's payload under this message's numbers is not a line.
  EXPECT_EQ(parse_datagram("7 124 " + expected_payload(7, 123) + "\n").kind,
            DatagramKind::kMalformed);
}

}  // namespace
}  // namespace contend::chatlog
