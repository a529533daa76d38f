// The checked byte stream. See echo_pattern.h.
#include "contend/server/echo_pattern.h"

#include <algorithm>
#include <cstring>

namespace contend {

EchoPattern::EchoPattern() : table_(2 * kPeriod) {
  uint64_t state = 0x9E3779B97F4A7C15ull;  // xorshift64: fixed, so runs compare
  for (size_t i = 0; i < kPeriod; ++i) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    table_[i] = table_[i + kPeriod] = static_cast<uint8_t>(state >> 56);
  }
}

const EchoPattern& EchoPattern::instance() {
  static const EchoPattern pattern;
  return pattern;
}

void EchoPattern::fill(uint64_t stream, uint64_t offset, uint8_t* out, size_t size) const {
  while (size > 0) {
    const size_t chunk = std::min(size, kPeriod);
    std::memcpy(out, at(stream, offset), chunk);
    out += chunk;
    offset += chunk;
    size -= chunk;
  }
}

size_t EchoPattern::first_mismatch(uint64_t stream, uint64_t offset, const uint8_t* data,
                                   size_t size) const {
  for (size_t done = 0; done < size;) {
    const size_t chunk = std::min(size - done, kPeriod);
    const uint8_t* expected = at(stream, offset + done);
    if (std::memcmp(data + done, expected, chunk) != 0) {
      for (size_t i = 0; i < chunk; ++i)
        if (data[done + i] != expected[i]) return done + i;
    }
    done += chunk;
  }
  return size;
}

}  // namespace contend
