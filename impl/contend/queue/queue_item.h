// QueueItem<Bytes>: what bench_queue's producers push, 8 or 64 bytes.
//
// Every item names itself in one 64-bit word, so a consumer can check what
// it got without any side channel:
//   bits 63..40  key       pseudo-random per (producer, seq): the priority
//   bits 39..30  producer  0..kMaxProducers-1
//   bits 29..0   seq       0..kMaxItemsPerProducer-1, the producer's count
// Comparing items compares the word, so priority queues order by key (and
// then by producer and seq, which makes every word unique). The rest of a
// 64-byte item is padding: it is copied like real payload, never read.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <string>

namespace contend {

inline constexpr int kItemSeqBits = 30;
inline constexpr int kItemProducerBits = 10;
// The all-ones producer id is reserved for kStopWord.
inline constexpr uint32_t kMaxProducers = (1u << kItemProducerBits) - 1;
inline constexpr uint64_t kMaxItemsPerProducer = uint64_t{1} << kItemSeqBits;

// A word no producer makes: the "stop" pill blocked consumers are woken with.
inline constexpr uint64_t kStopWord = ~uint64_t{0};

// splitmix64's finalizer: a bijective mix, for keys and multiset checksums.
constexpr uint64_t item_hash(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

constexpr uint64_t make_item_word(uint32_t producer, uint64_t seq) {
  const uint64_t id = (uint64_t{producer} << kItemSeqBits) | seq;
  const uint64_t key = item_hash(id) >> 40;  // top 24 bits of the mix
  return (key << (kItemSeqBits + kItemProducerBits)) | id;
}
constexpr uint32_t item_producer(uint64_t word) {
  return static_cast<uint32_t>(word >> kItemSeqBits) & ((1u << kItemProducerBits) - 1);
}
constexpr uint64_t item_seq(uint64_t word) { return word & (kMaxItemsPerProducer - 1); }

// "producer 3 item 17", or "a stop pill": how judges name a word.
inline std::string describe_item(uint64_t word) {
  if (word == kStopWord) return "a stop pill";
  return "producer " + std::to_string(item_producer(word)) + " item " +
         std::to_string(item_seq(word));
}

template <size_t Bytes>
struct QueueItem {
  static_assert(Bytes > sizeof(uint64_t), "payloads are 8 bytes or more");
  uint64_t word = 0;
  unsigned char padding[Bytes - sizeof(uint64_t)] = {};

  friend bool operator==(const QueueItem& a, const QueueItem& b) { return a.word == b.word; }
  friend auto operator<=>(const QueueItem& a, const QueueItem& b) { return a.word <=> b.word; }
};

template <>
struct QueueItem<8> {
  uint64_t word = 0;

  friend bool operator==(const QueueItem& a, const QueueItem& b) { return a.word == b.word; }
  friend auto operator<=>(const QueueItem& a, const QueueItem& b) { return a.word <=> b.word; }
};

static_assert(sizeof(QueueItem<8>) == 8 && sizeof(QueueItem<64>) == 64);

}  // namespace contend
