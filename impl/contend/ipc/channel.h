// Channel: one direction of a link that carries fixed-size messages between
// workers, the common face of every IPC mechanism bench_ipc compares.
//
// A channel is built in the parent before the workers are started, so that
// forked workers inherit it (descriptors, mappings, broker connections) and
// thread workers share it. Every blocking call gives up after the channel's
// timeout and throws ChannelError: a dead or stuck peer becomes an error
// row, never a hung benchmark.
//
// Guaranteed by every channel: a message arrives whole, at most once, and
// messages from one sender to one receiver arrive in send order.
// Not guaranteed: more than one concurrent sender or receiver on a byte-
// stream channel (pipe, socketpair) — ChannelKind::many_to_many says which
// channels allow it — or any order between different senders.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>

namespace contend {

class ChannelError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ChannelOptions {
  size_t message_bytes = 64;   // every message has exactly this size
  size_t capacity = 64;        // messages in flight, where the mechanism has a bound to set
  int clients = 2;             // distinct callers (worker indices 0..clients-1)
  std::chrono::nanoseconds timeout = std::chrono::seconds(30);
};

class Channel {
 public:
  virtual ~Channel() = default;

  // `client` is the caller's worker index, < ChannelOptions::clients.
  // Channels with one connection per caller (the broker) use it; no two
  // concurrent callers may pass the same index.
  virtual void send(int client, std::span<const std::byte> message) = 0;
  // Receives exactly message.size() (== message_bytes) bytes.
  virtual void receive(int client, std::span<std::byte> message) = 0;
};

// Both directions of a link: `forward` (0 -> 1) for throughput, plus
// `backward` for ping-pong replies. They may share resources (one broker).
struct ChannelPair {
  std::unique_ptr<Channel> forward;
  std::unique_ptr<Channel> backward;
};

}  // namespace contend
