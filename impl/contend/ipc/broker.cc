// The broker process and its client side. See broker.h.
//
// Wire format, one SOCK_SEQPACKET packet each way per call:
//   request  [op:u32 | queue:u32 | payload (put only)]
//   reply    put: one byte (the acknowledgement); get: the payload.
// A client has at most one request outstanding, so the broker can park a
// get (queue empty) or a put (queue full) and answer it later without any
// per-client queueing.
#include "contend/ipc/broker.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <string>

#include "contend/harness/child_process.h"

namespace contend {

namespace {

constexpr uint32_t kPut = 1;
constexpr uint32_t kGet = 2;
constexpr const char* kGone = "broker: connection lost (the broker process is gone)";

struct RequestHeader {
  uint32_t op;
  uint32_t queue;
};

std::string errno_text(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

// The broker's side: plain memory, one thread, one request at a time.
class Server {
 public:
  Server(const Broker::Options& options, std::vector<int> fds)
      : options_(options), fds_(std::move(fds)), queues_(options.queues),
        stash_(fds_.size(), std::vector<std::byte>(options.message_bytes)),
        buffer_(options.message_bytes) {
    for (Queue& q : queues_) q.ring.resize(options.capacity * options.message_bytes);
  }

  // Serves until every client has closed its connection.
  int run() {
    std::vector<pollfd> polled;
    for (;;) {
      polled.clear();
      for (int fd : fds_)
        if (fd >= 0) polled.push_back({fd, POLLIN, 0});
      if (polled.empty()) return 0;
      if (poll(polled.data(), polled.size(), -1) < 0) {
        if (errno == EINTR) continue;
        return 1;
      }
      for (const pollfd& p : polled) {
        if (!p.revents) continue;
        const int client = client_of(p.fd);
        if (!serve_one(client)) {
          close(fds_[client]);
          fds_[client] = -1;
        }
      }
    }
  }

 private:
  struct Queue {
    std::vector<std::byte> ring;
    size_t head = 0, count = 0;
    std::deque<int> parked_gets;  // clients waiting for an item
    std::deque<int> parked_puts;  // clients waiting for room (payload in stash_)
  };

  int client_of(int fd) const {
    for (size_t i = 0; i < fds_.size(); ++i)
      if (fds_[i] == fd) return static_cast<int>(i);
    return -1;
  }

  std::byte* slot(Queue& q, size_t index) {
    return q.ring.data() + (index % options_.capacity) * options_.message_bytes;
  }

  void reply(int client, const void* data, size_t bytes) {
    // A client that vanished meanwhile is no reason to stop serving others.
    while (send(fds_[client], data, bytes, MSG_NOSIGNAL) < 0 && errno == EINTR) {
    }
  }
  void acknowledge(int client) {
    const char ack = 1;
    reply(client, &ack, 1);
  }

  // False when the connection is finished (closed by the client, or sent
  // something that is not a request).
  bool serve_one(int client) {
    RequestHeader header{};
    iovec parts[2] = {{&header, sizeof header}, {buffer_.data(), buffer_.size()}};
    msghdr msg{};
    msg.msg_iov = parts;
    msg.msg_iovlen = 2;
    ssize_t n;
    while ((n = recvmsg(fds_[client], &msg, 0)) < 0 && errno == EINTR) {
    }
    if (n <= 0 || (msg.msg_flags & MSG_TRUNC)) return false;
    if (static_cast<size_t>(n) < sizeof header || header.queue >= queues_.size()) return false;
    Queue& q = queues_[header.queue];
    const size_t payload = static_cast<size_t>(n) - sizeof header;
    if (header.op == kPut && payload == options_.message_bytes) {
      if (!q.parked_gets.empty()) {
        // Only possible while the queue is empty: hand it straight over.
        const int getter = q.parked_gets.front();
        q.parked_gets.pop_front();
        reply(getter, buffer_.data(), payload);
        acknowledge(client);
      } else if (q.count < options_.capacity) {
        std::memcpy(slot(q, q.head + q.count), buffer_.data(), payload);
        ++q.count;
        acknowledge(client);
      } else {
        std::memcpy(stash_[client].data(), buffer_.data(), payload);
        q.parked_puts.push_back(client);
      }
      return true;
    }
    if (header.op == kGet && payload == 0) {
      if (q.count == 0) {
        q.parked_gets.push_back(client);
        return true;
      }
      reply(client, slot(q, q.head), options_.message_bytes);
      ++q.head;
      --q.count;
      if (!q.parked_puts.empty()) {
        const int putter = q.parked_puts.front();
        q.parked_puts.pop_front();
        std::memcpy(slot(q, q.head + q.count), stash_[putter].data(), options_.message_bytes);
        ++q.count;
        acknowledge(putter);
      }
      return true;
    }
    return false;
  }

  Broker::Options options_;
  std::vector<int> fds_;
  std::vector<Queue> queues_;
  std::vector<std::vector<std::byte>> stash_;
  std::vector<std::byte> buffer_;
};

void set_timeout(int fd, int option, std::chrono::nanoseconds timeout) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout.count() / 1'000'000'000);
  tv.tv_usec = static_cast<suseconds_t>(timeout.count() % 1'000'000'000 / 1000);
  setsockopt(fd, SOL_SOCKET, option, &tv, sizeof tv);
}

}  // namespace

Broker::Broker(const Options& options) : options_(options) {
  if (options.queues < 1 || options.clients < 1 || options.capacity == 0 ||
      options.message_bytes == 0)
    throw ChannelError("broker: needs at least one queue, one client, room and bytes");
  std::vector<int> server_fds;
  auto close_all = [&] {
    for (int fd : server_fds) close(fd);
    for (int fd : client_fds_) close(fd);
    client_fds_.clear();
  };
  for (int i = 0; i < options.clients; ++i) {
    int fds[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) != 0) {
      const std::string error = errno_text("broker: socketpair");
      close_all();
      throw ChannelError(error);
    }
    client_fds_.push_back(fds[0]);
    server_fds.push_back(fds[1]);
    // Kernel-side timeouts: the fast path stays one send and one recv.
    set_timeout(fds[0], SO_RCVTIMEO, options.timeout);
    set_timeout(fds[0], SO_SNDTIMEO, options.timeout);
  }
  try {
    pid_ = fork_child([&] {
      for (int fd : client_fds_) close(fd);
      return Server(options, server_fds).run();
    });
  } catch (const std::system_error& e) {
    close_all();
    throw ChannelError(std::string("broker: ") + e.what());
  }
  for (int fd : server_fds) close(fd);
}

Broker::~Broker() {
  for (int fd : client_fds_) close(fd);
  // Forked workers may still hold client connections, so end of stream
  // cannot be relied on to stop the broker: it has no state worth saving.
  kill_child(pid_);
}

void Broker::request(int client, int queue, uint32_t op, std::span<const std::byte> payload,
                     std::span<std::byte> reply) {
  if (client < 0 || client >= static_cast<int>(client_fds_.size()))
    throw ChannelError("broker: client " + std::to_string(client) + " has no connection");
  const int fd = client_fds_[client];
  RequestHeader header{op, static_cast<uint32_t>(queue)};
  iovec parts[2] = {{&header, sizeof header},
                    {const_cast<std::byte*>(payload.data()), payload.size()}};
  msghdr msg{};
  msg.msg_iov = parts;
  msg.msg_iovlen = payload.empty() ? 1 : 2;
  ssize_t n;
  while ((n = sendmsg(fd, &msg, MSG_NOSIGNAL)) < 0 && errno == EINTR) {
  }
  if (n < 0 && (errno == EPIPE || errno == ECONNRESET)) throw ChannelError(kGone);
  if (n < 0)
    throw ChannelError(errno == EAGAIN ? std::string("broker: request timed out")
                                       : errno_text("broker: send"));
  while ((n = recv(fd, reply.data(), reply.size(), 0)) < 0 && errno == EINTR) {
  }
  // A dead peer shows as end of stream, or as a reset when it died with
  // our request unread.
  if (n == 0 || (n < 0 && errno == ECONNRESET)) throw ChannelError(kGone);
  if (n < 0)
    throw ChannelError(errno == EAGAIN ? std::string("broker: no reply before the timeout")
                                       : errno_text("broker: recv"));
  if (static_cast<size_t>(n) != reply.size())
    throw ChannelError("broker: reply of " + std::to_string(n) + " bytes, expected " +
                       std::to_string(reply.size()));
}

void Broker::put(int client, int queue, std::span<const std::byte> message) {
  if (message.size() != options_.message_bytes)
    throw ChannelError("broker: put of " + std::to_string(message.size()) +
                       " bytes, the broker's messages have " +
                       std::to_string(options_.message_bytes));
  std::byte ack{};
  request(client, queue, kPut, message, std::span<std::byte>(&ack, 1));
}

void Broker::get(int client, int queue, std::span<std::byte> message) {
  if (message.size() != options_.message_bytes)
    throw ChannelError("broker: get into " + std::to_string(message.size()) +
                       " bytes, the broker's messages have " +
                       std::to_string(options_.message_bytes));
  request(client, queue, kGet, {}, message);
}

ChannelPair make_broker_channels(const ChannelOptions& options) {
  auto broker = std::make_shared<Broker>(Broker::Options{
      2, options.capacity, options.message_bytes, options.clients, options.timeout});
  return {std::make_unique<BrokerChannel>(broker, 0), std::make_unique<BrokerChannel>(broker, 1)};
}

}  // namespace contend
