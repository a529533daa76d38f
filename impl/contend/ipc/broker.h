// Broker: a separate process that owns bounded FIFO queues and serves
// put/get requests to its clients over Unix-domain sockets — the `broker`
// impl of bench_ipc, multiprocessing's Manager().Queue() in C++.
//
// Every message crosses two sockets and the broker's memory: the client's
// put is a request/acknowledge round trip, its get a request/reply round
// trip that the broker answers only once an item is there. Each client
// (worker index) has its own SOCK_SEQPACKET connection, so requests never
// interleave; the broker serves them one at a time in a poll() loop.
//
// Guaranteed: FIFO per queue, each item delivered once, puts block (no
// acknowledgement) while the queue is full. The broker dies with the
// process that created it (fork_child) and the destructor kills and
// reaps it. If the broker dies, every client call fails with ChannelError
// (connection lost) instead of hanging; after any ChannelError a client's
// connection is in an unknown state and must not be used again.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <span>
#include <vector>

#include "contend/ipc/channel.h"

namespace contend {

class Broker {
 public:
  struct Options {
    int queues = 1;
    size_t capacity = 64;
    size_t message_bytes = 64;
    int clients = 2;
    std::chrono::nanoseconds timeout = std::chrono::seconds(30);
  };

  // Forks the broker process. Throws ChannelError if it cannot.
  explicit Broker(const Options& options);
  ~Broker();
  Broker(const Broker&) = delete;
  Broker& operator=(const Broker&) = delete;

  void put(int client, int queue, std::span<const std::byte> message);
  void get(int client, int queue, std::span<std::byte> message);

  pid_t pid() const { return pid_; }

 private:
  void request(int client, int queue, uint32_t op, std::span<const std::byte> payload,
               std::span<std::byte> reply);

  Options options_;
  std::vector<int> client_fds_;
  pid_t pid_ = -1;
};

// One queue of a shared Broker as a Channel.
class BrokerChannel : public Channel {
 public:
  BrokerChannel(std::shared_ptr<Broker> broker, int queue)
      : broker_(std::move(broker)), queue_(queue) {}
  void send(int client, std::span<const std::byte> message) override {
    broker_->put(client, queue_, message);
  }
  void receive(int client, std::span<std::byte> message) override {
    broker_->get(client, queue_, message);
  }

 private:
  std::shared_ptr<Broker> broker_;
  int queue_;
};

// One broker process with two queues: forward is queue 0, backward queue 1.
ChannelPair make_broker_channels(const ChannelOptions& options);

}  // namespace contend
