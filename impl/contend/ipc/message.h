// The messages IPC benchmarks send: a stamp (episode, producer, sequence
// number) in the first 8 bytes, then a body derived from the stamp, so that
// a receiver recognises a torn, stale, reordered or corrupted message.
//
// Writing and checking touch every byte once (8 bytes at a time): the cost
// a real receiver pays to use its data, the same for every channel.
// The stamp keeps the episode modulo 2^16, producers < 256, seq < 2^40.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace contend {

inline constexpr size_t kMinMessageBytes = 8;

struct MessageStamp {
  uint32_t episode = 0;
  uint32_t producer = 0;
  uint64_t seq = 0;
  friend bool operator==(const MessageStamp&, const MessageStamp&) = default;
};

// `out` must be at least kMinMessageBytes long.
void write_message(std::span<std::byte> out, const MessageStamp& stamp);
// The stamp, or nullopt when the body does not match it (or it is too short).
std::optional<MessageStamp> read_message(std::span<const std::byte> in);

}  // namespace contend
