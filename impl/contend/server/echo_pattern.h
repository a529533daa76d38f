// EchoPattern: the bytes every client sends, so that every echoed byte can
// be checked without remembering what was sent.
//
// Connection c's stream byte at offset o is table[(o + c * kStride) % kPeriod]
// for a fixed table of kPeriod pseudo-random bytes (kPeriod prime, so that
// no request size lines up with it). A byte lost, duplicated, reordered by
// less than kPeriod, or carried to another connection (whose stream is
// shifted by c * kStride) breaks the match. The table is stored twice over,
// so any kPeriod-long window is one contiguous slice: checking is memcmp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace contend {

class EchoPattern {
 public:
  static constexpr size_t kPeriod = 65521;  // the largest prime below 2^16
  static constexpr uint64_t kStride = 7919;

  static const EchoPattern& instance();

  // Up to kPeriod bytes of stream `stream` from `offset` on, contiguous.
  const uint8_t* at(uint64_t stream, uint64_t offset) const {
    return table_.data() + (offset + stream * kStride) % kPeriod;
  }
  // Copies `size` stream bytes from `offset` into `out`.
  void fill(uint64_t stream, uint64_t offset, uint8_t* out, size_t size) const;
  // The offset of the first byte of `data` that differs from the stream,
  // or `size` when all match.
  size_t first_mismatch(uint64_t stream, uint64_t offset, const uint8_t* data, size_t size) const;

 private:
  EchoPattern();
  std::vector<uint8_t> table_;  // 2 * kPeriod bytes
};

}  // namespace contend
