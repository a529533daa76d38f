// ChatMessage: one chat line as it travels from a sender to the file, and
// the line format every part of the chatlog family agrees on.
//
// A line is `<sender> <seq> <payload>\n`: sender and seq in decimal, the
// payload a fixed-length string derived from (sender, seq) alone
// (expected_payload), so that the file checker can tell a whole line from a
// torn or garbled one without remembering what was sent. A datagram carries
// exactly one line. A sender ends its stream with a sentinel datagram
// `<sender> end\n`, which is never written to the file.
//
// Guaranteed: format_line and parse_datagram are inverses for senders and
// seqs below 2^32; parse_datagram rejects anything else (a wrong payload, a
// missing newline, trailing bytes) as kMalformed.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace contend::chatlog {

// Payload bytes per line: a short chat message (the tutorial's are typed
// by hand). Lines are then 50-60 bytes.
inline constexpr int kPayloadBytes = 40;

struct ChatMessage {
  uint32_t sender = 0;
  uint32_t seq = 0;
  std::string line;  // the whole line, newline included
};

std::string expected_payload(uint32_t sender, uint32_t seq);
std::string format_line(uint32_t sender, uint32_t seq);
std::string format_sentinel(uint32_t sender);

enum class DatagramKind { kMessage, kSentinel, kMalformed };

struct ParsedDatagram {
  DatagramKind kind = DatagramKind::kMalformed;
  uint32_t sender = 0;
  uint32_t seq = 0;  // kMessage only
};

// One datagram (or one file line, newline included) read back.
ParsedDatagram parse_datagram(std::string_view bytes);

}  // namespace contend::chatlog
