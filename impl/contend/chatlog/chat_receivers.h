// ChatReceivers: one thread per inbox socket, each receiving datagrams and
// handing each message to the ChatLog, as the tutorial's receiving thread.
//
// Per datagram: recv() returns -> mark kReceived -> parse -> append() (the
// hand-off) -> mark kAccepted. The time from recv() returning to append()
// returning is the receive_to_handoff latency (schema.LATENCY_OF["log"]):
// how long the receiver is away from its socket per message, during which
// its buffer fills. Every message is timed, into the receiver's own
// histogram (merged by latencies() after join), so recording takes no lock.
//
// A sentinel datagram (chat_message.h) says a sender is done; senders send
// it several times, and a receiver counts each sender's first one.
// wait_for_sentinels() returns when every sender's sentinel came or at the
// deadline (lost sentinels: UDP may drop them too), never later.
// stop() tells the threads to finish: each one reads what its socket still
// holds, then sees a receive timeout and ends; stop() joins them.
// A malformed datagram, or an append() that throws, is the set's error()
// (the thread stops receiving).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "contend/chatlog/chat_log.h"
#include "contend/chatlog/message_ledger.h"
#include "contend/chatlog/udp_inbox.h"
#include "contend/harness/latency_histogram.h"

namespace contend::chatlog {

class ChatReceivers {
 public:
  // Starts inbox.receivers() threads. `log`, `ledger` and `inbox` must
  // outlive the set.
  ChatReceivers(const UdpInbox& inbox, ChatLog& log, MessageLedger& ledger);
  ~ChatReceivers();  // stop()s if still running
  ChatReceivers(const ChatReceivers&) = delete;
  ChatReceivers& operator=(const ChatReceivers&) = delete;

  // True when every sender's sentinel arrived before `deadline`.
  bool wait_for_sentinels(std::chrono::steady_clock::time_point deadline) const;
  void stop();

  // After stop(): every receiver's figures.
  std::string error() const;
  int64_t last_message_ns() const;  // monotonic_ns of the last hand-off; 0: none
  void merge_latencies_into(LatencyHistogram& out) const;

 private:
  struct Receiver {
    LatencyHistogram latencies;
    int64_t last_message_ns = 0;
    std::string error;
    std::thread thread;
  };
  void receive_loop(int fd, Receiver& self);
  void handle_sentinel(uint32_t sender);

  ChatLog& log_;
  MessageLedger& ledger_;
  std::vector<std::unique_ptr<Receiver>> receivers_;
  std::unique_ptr<std::atomic<bool>[]> sentinel_seen_;  // per sender
  std::atomic<int> senders_done_{0};
  // Set by stop(); each receiver reads it (acquire, pairing with stop()'s
  // release store) only after a receive timed out.
  std::atomic<bool> stopping_{false};
};

}  // namespace contend::chatlog
