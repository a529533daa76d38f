// DeliveryLedger: the record receivers keep of one episode's messages, in
// shared memory, so that the parent can judge what forked (or thread)
// workers delivered: nothing lost, nothing duplicated, each producer's
// messages in order, every message intact and from this episode.
//
// Each receiver records what it received in a region of its own (whole
// cache lines, so receivers never write to each other's lines): one bit
// per expected message (producers x per_producer), set with a plain store
// when the message arrives; a bit the same receiver already set is a
// duplicate. After the episode the judge merges the regions: a bit set by
// two receivers is a duplicate, a bit set by none a loss. The WorkerGroup's
// gate orders the parent's reset before the episode and the workers'
// stores before the judge. Order is checked per receiver: every receiver
// must see each producer's sequence numbers increasing (true of any FIFO
// channel, whatever the number of receivers).
//
// Several receivers share the messages by claiming them before receiving,
// a batch at a time (kClaimBatch per shared fetch_add, not one per
// message): the claims add up to exactly the expected count, so every
// receive a receiver makes is matched by a message still to come.
#pragma once

#include <atomic>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "contend/harness/shared_memory.h"

namespace contend {

class DeliveryLedger {
 public:
  static constexpr uint64_t kClaimBatch = 64;

  DeliveryLedger(int producers, uint64_t per_producer, int receivers = 1);

  // Parent, before an episode: forgets the last one, starts a new number.
  void begin_episode();
  uint32_t episode() const;

  // A receiver's own state: which region it records into, its last
  // sequence number per producer, and what is left of its claimed batch.
  struct Cursor {
    int receiver = 0;
    std::vector<int64_t> last;
    uint64_t claimed_left = 0;
  };
  // `receiver` < receivers; no two concurrent receivers may share one.
  Cursor new_cursor(int receiver = 0) const;

  // Several receivers: each reserves a message before receiving it, and
  // stops when this returns false (all of the episode's are reserved).
  bool claim(Cursor& cursor);

  // Records one received message; false (and the reason noted) if wrong.
  bool record(std::span<const std::byte> message, Cursor& cursor);
  // Notes a failure found elsewhere (an echo that differs, say); the first
  // note of an episode is the one reported.
  void note_error(std::string_view what);

  uint64_t expected() const { return static_cast<uint64_t>(producers_) * per_producer_; }
  int receivers() const { return receivers_; }
  // After the episode (parent): distinct messages recorded, all receivers.
  uint64_t received() const;
  // Empty when every expected message arrived exactly once, in order, intact.
  std::string verdict() const;
  // One receiver's bitmap (tests look at where it lies).
  std::span<const uint64_t> received_bits(int receiver) const;

 private:
  struct State;
  State& state() const;
  uint64_t* bits(int receiver) const;
  std::string duplicate_between_receivers() const;

  int producers_;
  uint64_t per_producer_;
  int receivers_;
  size_t words_;          // bitmap words per receiver
  size_t region_stride_;  // bytes per receiver's region, whole cache lines
  SharedRegion region_;
};

}  // namespace contend
