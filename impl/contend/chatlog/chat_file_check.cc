// The chat file check. See chat_file_check.h.
#include "contend/chatlog/chat_file_check.h"

#include <cerrno>
#include <fstream>
#include <sstream>
#include <system_error>

#include "contend/chatlog/chat_message.h"

namespace contend::chatlog {

namespace {

std::string quoted(std::string_view line) {
  std::string shown(line.substr(0, 80));
  if (!shown.empty() && shown.back() == '\n') shown.pop_back();
  return "'" + shown + "'";
}

}  // namespace

ChatFile read_chat_file(std::string_view text, int senders, uint32_t per_sender,
                        TornTail torn_tail) {
  ChatFile file;
  file.present.assign(static_cast<size_t>(senders), std::vector<bool>(per_sender, false));
  std::vector<int64_t> last_seq(static_cast<size_t>(senders), -1);
  size_t start = 0;
  while (start < text.size() && file.error.empty()) {
    const size_t newline = text.find('\n', start);
    const size_t end = newline == std::string_view::npos ? text.size() : newline + 1;
    const std::string_view line = text.substr(start, end - start);
    const uint64_t number = file.lines + 1;
    start = end;
    if (newline == std::string_view::npos && torn_tail == TornTail::kAllowed) {
      file.torn_tail = true;
      break;
    }
    const ParsedDatagram parsed = parse_datagram(line);
    if (parsed.kind != DatagramKind::kMessage) {
      file.error = "torn line " + std::to_string(number) + " in the chat file: " + quoted(line);
      break;
    }
    if (parsed.sender >= static_cast<uint32_t>(senders) || parsed.seq >= per_sender) {
      file.error = "line " + std::to_string(number) + " names no message of the episode: " +
                   quoted(line);
      break;
    }
    if (file.present[parsed.sender][parsed.seq]) {
      file.error = "duplicate line " + std::to_string(number) + ": " + quoted(line);
      break;
    }
    if (static_cast<int64_t>(parsed.seq) <= last_seq[parsed.sender]) {
      file.error = "sender " + std::to_string(parsed.sender) + " out of order at line " +
                   std::to_string(number) + ": seq " + std::to_string(parsed.seq) + " after " +
                   std::to_string(last_seq[parsed.sender]);
      break;
    }
    last_seq[parsed.sender] = parsed.seq;
    file.present[parsed.sender][parsed.seq] = true;
    ++file.lines;
  }
  return file;
}

ChatFile read_chat_file_at(const std::string& path, int senders, uint32_t per_sender,
                           TornTail torn_tail) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::system_error(errno, std::generic_category(), "read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return read_chat_file(text.str(), senders, per_sender, torn_tail);
}

LedgerComparison check_against_ledger(const ChatFile& file, const MessageLedger& ledger) {
  LedgerComparison result;
  for (uint32_t s = 0; s < static_cast<uint32_t>(ledger.senders()); ++s) {
    for (uint32_t q = 0; q < ledger.per_sender(); ++q) {
      const uint8_t flags = ledger.flags(s, q);
      const bool in_file = s < file.present.size() && q < file.present[s].size() &&
                           file.present[s][q];
      if (in_file && !(flags & MessageLedger::kReceived) && result.error.empty())
        result.error = "message " + std::to_string(s) + " " + std::to_string(q) +
                       " is in the file but no receiver received it";
      if (!in_file && (flags & MessageLedger::kAccepted)) ++result.missing;
      if (!in_file && (flags & MessageLedger::kAcked)) ++result.acked_missing;
    }
  }
  return result;
}

}  // namespace contend::chatlog
