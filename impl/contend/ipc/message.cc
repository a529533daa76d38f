// Stamped messages. See message.h.
#include "contend/ipc/message.h"

#include <cstring>

namespace contend {

namespace {

constexpr uint64_t kStep = 0x9E3779B97F4A7C15ull;  // odd: i * kStep is a bijection

uint64_t pack(const MessageStamp& s) {
  return (uint64_t{s.episode & 0xFFFF} << 48) | (uint64_t{s.producer & 0xFF} << 40) |
         (s.seq & ((uint64_t{1} << 40) - 1));
}

}  // namespace

void write_message(std::span<std::byte> out, const MessageStamp& stamp) {
  const uint64_t head = pack(stamp);
  std::memcpy(out.data(), &head, 8);
  const size_t words = out.size() / 8;
  uint64_t mask = kStep;
  for (size_t i = 1; i < words; ++i, mask += kStep) {
    const uint64_t word = head ^ mask;
    std::memcpy(out.data() + 8 * i, &word, 8);
  }
  if (const size_t tail = out.size() % 8) {
    const uint64_t word = head ^ mask;
    std::memcpy(out.data() + 8 * words, &word, tail);
  }
}

std::optional<MessageStamp> read_message(std::span<const std::byte> in) {
  if (in.size() < kMinMessageBytes) return std::nullopt;
  uint64_t head;
  std::memcpy(&head, in.data(), 8);
  const size_t words = in.size() / 8;
  uint64_t mask = kStep, diff = 0;
  for (size_t i = 1; i < words; ++i, mask += kStep) {
    uint64_t word;
    std::memcpy(&word, in.data() + 8 * i, 8);
    diff |= word ^ head ^ mask;
  }
  if (const size_t tail = in.size() % 8) {
    uint64_t word = 0, want = head ^ mask;
    std::memcpy(&word, in.data() + 8 * words, tail);
    uint64_t expected = 0;
    std::memcpy(&expected, &want, tail);
    diff |= word ^ expected;
  }
  if (diff != 0) return std::nullopt;
  return MessageStamp{static_cast<uint32_t>(head >> 48), static_cast<uint32_t>((head >> 40) & 0xFF),
                      head & ((uint64_t{1} << 40) - 1)};
}

}  // namespace contend
