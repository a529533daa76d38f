// DeliveryLedger: the record receivers keep of one episode's messages, in
// shared memory, so that the parent can judge what forked (or thread)
// workers delivered: nothing lost, nothing duplicated, each producer's
// messages in order, every message intact and from this episode.
//
// One bit per expected message (producers x per_producer), set by atomic
// fetch_or when it arrives: a set bit seen again is a duplicate, a clear
// bit at the end is a loss. Order is checked per receiver: every receiver
// must see each producer's sequence numbers increasing (true of any FIFO
// channel, whatever the number of receivers).
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
  DeliveryLedger(int producers, uint64_t per_producer);

  // Parent, before an episode: forgets the last one, starts a new number.
  void begin_episode();
  uint32_t episode() const;

  // Several receivers: each reserves a message before receiving it, and
  // stops when this returns false (all of the episode's are reserved).
  bool claim();

  // A receiver's own memory of the last sequence number per producer.
  struct Cursor {
    std::vector<int64_t> last;
  };
  Cursor new_cursor() const { return Cursor{std::vector<int64_t>(producers_, -1)}; }

  // Records one received message; false (and the reason noted) if wrong.
  bool record(std::span<const std::byte> message, Cursor& cursor);
  // Notes a failure found elsewhere (an echo that differs, say); the first
  // note of an episode is the one reported.
  void note_error(std::string_view what);

  uint64_t expected() const { return static_cast<uint64_t>(producers_) * per_producer_; }
  uint64_t received() const;  // distinct messages recorded
  // Empty when every expected message arrived exactly once, in order, intact.
  std::string verdict() const;

 private:
  struct State;
  State& state() const;

  int producers_;
  uint64_t per_producer_;
  size_t words_;
  SharedRegion region_;
};

}  // namespace contend
