// The chat line format. See chat_message.h.
#include "contend/chatlog/chat_message.h"

#include <charconv>

namespace contend::chatlog {

namespace {

// Reads a decimal uint32 ending at `stop`; advances `text` past it.
bool take_number(std::string_view& text, char stop, uint32_t& out) {
  const size_t end = text.find(stop);
  if (end == 0 || end == std::string_view::npos) return false;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + end, out);
  if (ec != std::errc() || ptr != text.data() + end) return false;
  text.remove_prefix(end + 1);
  return true;
}

}  // namespace

std::string expected_payload(uint32_t sender, uint32_t seq) {
  // Letters that change with every (sender, seq), so a line torn and glued
  // to another one's tail does not read back as a whole line.
  std::string payload(kPayloadBytes, 'a');
  uint32_t state = sender * 2654435761u ^ (seq + 0x9e3779b9u);
  for (char& c : payload) {
    state = state * 1664525u + 1013904223u;
    c = static_cast<char>('a' + (state >> 24) % 26);
  }
  return payload;
}

std::string format_line(uint32_t sender, uint32_t seq) {
  return std::to_string(sender) + ' ' + std::to_string(seq) + ' ' + expected_payload(sender, seq) +
         '\n';
}

std::string format_sentinel(uint32_t sender) { return std::to_string(sender) + " end\n"; }

ParsedDatagram parse_datagram(std::string_view bytes) {
  ParsedDatagram parsed;
  if (bytes.empty() || bytes.back() != '\n') return parsed;
  bytes.remove_suffix(1);
  if (!take_number(bytes, ' ', parsed.sender)) return parsed;
  if (bytes == "end") {
    parsed.kind = DatagramKind::kSentinel;
    return parsed;
  }
  if (!take_number(bytes, ' ', parsed.seq)) return parsed;
  if (bytes != expected_payload(parsed.sender, parsed.seq)) return parsed;
  parsed.kind = DatagramKind::kMessage;
  return parsed;
}

}  // namespace contend::chatlog
