// Persistent connections, closed or open loop, every byte checked.
// See echo_client_load.h.
#include "contend/server/echo_client_load.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>

#include "contend/harness/clock.h"
#include "contend/queue/open_loop_workload.h"
#include "contend/server/echo_pattern.h"

namespace contend {

// One persistent connection. Offsets are positions in the connection's
// byte stream, which runs on across episodes.
struct EchoClientLoad::Connection {
  UniqueFd fd;
  uint64_t stream = 0;     // EchoPattern stream id: the connection's index
  uint64_t base = 0;       // stream offset of this episode's first request
  uint64_t scheduled = 0;  // bytes this episode's issued requests end at
  uint64_t sent = 0;
  uint64_t received = 0;
  uint64_t issued = 0;     // requests of this episode sent or due
  uint64_t completed = 0;  // requests whose echo is complete and checked
  std::vector<int64_t> due_ns;  // per request of the episode: due (open) or sent (closed)
};

// One client thread's share: its connections' epoll set, its latencies,
// and the error that ended its episode.
struct EchoClientLoad::Worker {
  UniqueFd epoll;
  size_t first = 0, last = 0;  // connections [first, last)
  LatencyHistogram latencies;
  int64_t last_completion_ns = 0;
  std::string error;
};

namespace {

[[noreturn]] void fail_errno(const std::string& what, int error) {
  throw std::runtime_error(what + ": " + std::strerror(error));
}

void set_timeouts(int fd, std::chrono::milliseconds timeout) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);  // bounds connect() too
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

}  // namespace

UniqueFd connect_loopback(uint16_t port, std::chrono::milliseconds timeout, int* refused) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  for (int attempt = 0;; ++attempt) {
    UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd) fail_errno("socket", errno);
    set_timeouts(fd.get(), timeout);
    if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0) {
      set_nodelay(fd.get());
      return fd;
    }
    const int error = errno;
    if (error == ECONNREFUSED && attempt < kConnectRetries) {
      if (refused) ++*refused;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      continue;
    }
    if (error == EADDRNOTAVAIL)
      throw std::runtime_error(
          "connect 127.0.0.1:" + std::to_string(port) +
          ": out of ephemeral ports (EADDRNOTAVAIL: too many connections in TIME_WAIT)");
    if (error == EINPROGRESS || error == EAGAIN)
      throw std::runtime_error("connect 127.0.0.1:" + std::to_string(port) + ": no answer within " +
                               std::to_string(timeout.count()) + " ms");
    fail_errno("connect 127.0.0.1:" + std::to_string(port), error);
  }
}

EchoClientLoad::EchoClientLoad(const EchoLoadConfig& config) : config_(config) {
  if (config.connections < 1 || config.clients < 1 || config.bytes < 1 || config.depth < 1)
    throw std::invalid_argument("echo load: connections, clients, bytes and depth must be positive");
  set_pace(config.offered_per_second, config.requests_per_connection);
  const auto n = static_cast<size_t>(config.connections);
  const auto w = static_cast<size_t>(config.clients);
  for (size_t i = 0; i < w; ++i) {
    auto worker = std::make_unique<Worker>();
    worker->first = i * n / w;
    worker->last = (i + 1) * n / w;
    workers_.push_back(std::move(worker));
  }
}

EchoClientLoad::~EchoClientLoad() = default;

void EchoClientLoad::set_pace(double offered_per_second, uint64_t requests_per_connection) {
  config_.offered_per_second = offered_per_second;
  config_.requests_per_connection = std::max<uint64_t>(1, requests_per_connection);
  ns_per_request_ = offered_per_second > 0 ? 1e9 / offered_per_second : 0.0;
}

void EchoClientLoad::connect_all() {
  for (int c = 0; c < config_.connections; ++c) {
    auto connection = std::make_unique<Connection>();
    connection->fd = connect_loopback(config_.port, config_.stall_timeout, &refused_);
    set_nonblocking(connection->fd.get());
    connection->stream = static_cast<uint64_t>(c);
    connections_.push_back(std::move(connection));
  }
  for (auto& worker : workers_) {
    worker->epoll = UniqueFd(::epoll_create1(EPOLL_CLOEXEC));
    if (!worker->epoll) fail_errno("epoll_create1", errno);
    for (size_t c = worker->first; c < worker->last; ++c) {
      epoll_event event{};
      event.events = EPOLLIN;
      event.data.u64 = c;
      if (::epoll_ctl(worker->epoll.get(), EPOLL_CTL_ADD, connections_[c]->fd.get(), &event) != 0)
        fail_errno("epoll_ctl", errno);
    }
  }
}

void EchoClientLoad::close_all() {
  connections_.clear();
  for (auto& worker : workers_) worker->epoll.reset();
}

void EchoClientLoad::prepare() {
  start_ns_.store(0, std::memory_order_relaxed);
  for (auto& connection : connections_) {
    Connection& c = *connection;
    c.base = c.scheduled = c.sent = c.received;
    c.issued = c.completed = 0;
    c.due_ns.assign(config_.requests_per_connection, 0);
  }
  for (auto& worker : workers_) {
    worker->latencies.clear();
    worker->last_completion_ns = 0;
    worker->error.clear();
  }
}

uint64_t EchoClientLoad::run(const WorkerContext& context) {
  Worker& worker = *workers_[static_cast<size_t>(context.index)];
  if (worker.first == worker.last) return 0;
  const EchoPattern& pattern = EchoPattern::instance();
  const uint64_t quota = config_.requests_per_connection;
  const uint64_t bytes = config_.bytes;
  const bool open = ns_per_request_ > 0;
  const auto n = static_cast<uint64_t>(config_.connections);

  int64_t start = 0;
  {
    const int64_t now = monotonic_ns();
    if (start_ns_.compare_exchange_strong(start, now, std::memory_order_relaxed)) start = now;
  }
  std::vector<size_t> backlog;  // connections with scheduled bytes not yet sent
  uint8_t buffer[64 * 1024];

  auto flush = [&](Connection& c) -> bool {  // false: a send error (worker.error set)
    while (c.sent < c.scheduled) {
      const size_t chunk = static_cast<size_t>(std::min<uint64_t>(c.scheduled - c.sent, sizeof buffer));
      pattern.fill(c.stream, c.sent, buffer, chunk);
      const ssize_t n_sent = ::send(c.fd.get(), buffer, chunk, MSG_NOSIGNAL);
      if (n_sent < 0) {
        if (errno == EAGAIN || errno == EINTR) return true;
        worker.error = "connection " + std::to_string(c.stream) + ": send: " + std::strerror(errno);
        return false;
      }
      c.sent += static_cast<uint64_t>(n_sent);
    }
    return true;
  };
  auto issue = [&](size_t index, int64_t due) -> bool {
    Connection& c = *connections_[index];
    c.due_ns[c.issued++] = due;
    c.scheduled += bytes;
    const bool ok = flush(c);
    if (ok && c.sent < c.scheduled) backlog.push_back(index);
    return ok;
  };

  size_t done = 0;
  int64_t last_progress = monotonic_ns();
  const size_t mine = worker.last - worker.first;
  uint64_t completed = 0;
  // Open loop: the next request in due order among this worker's connections.
  uint64_t cursor_k = 0;
  size_t cursor_c = worker.first;
  if (!open) {
    const int64_t now = monotonic_ns();
    const uint64_t first_requests = std::min(config_.depth, quota);
    for (size_t c = worker.first; c < worker.last; ++c)
      for (uint64_t k = 0; k < first_requests; ++k)
        if (!issue(c, now)) return completed;
  }
  const int64_t stall_ns = std::chrono::nanoseconds(config_.stall_timeout).count();
  epoll_event events[64];
  while (done < mine) {
    if (open) {
      const int64_t now = monotonic_ns();
      while (cursor_k < quota) {
        const double slot = static_cast<double>(cursor_k * n + cursor_c);
        const int64_t due = start + static_cast<int64_t>(slot * ns_per_request_);
        if (due > now) break;
        if (!issue(cursor_c, due)) return completed;
        last_progress = now;  // a stall is silence with requests out, not a slow schedule
        if (++cursor_c == worker.last) {
          cursor_c = worker.first;
          ++cursor_k;
        }
      }
    }
    if (!backlog.empty()) {
      std::vector<size_t> still;
      for (size_t index : backlog) {
        Connection& c = *connections_[index];
        if (!flush(c)) return completed;
        if (c.sent < c.scheduled) still.push_back(index);
      }
      backlog.swap(still);
    }
    const int timeout_ms = (open || !backlog.empty()) ? 0 : 50;
    const int ready = ::epoll_wait(worker.epoll.get(), events, 64, timeout_ms);
    const int64_t now = monotonic_ns();
    if (ready <= 0) {
      if (now - last_progress > stall_ns) {
        uint64_t outstanding = 0;
        for (size_t c = worker.first; c < worker.last; ++c)
          outstanding += connections_[c]->issued - connections_[c]->completed;
        worker.error = "no echo for " + std::to_string(config_.stall_timeout.count()) +
                       " ms with " + std::to_string(outstanding) + " requests outstanding";
        return completed;
      }
      continue;
    }
    for (int e = 0; e < ready; ++e) {
      Connection& c = *connections_[events[e].data.u64];
      const ssize_t got = ::recv(c.fd.get(), buffer, sizeof buffer, 0);
      if (got < 0 && (errno == EAGAIN || errno == EINTR)) continue;
      if (got <= 0) {
        worker.error = "connection " + std::to_string(c.stream) +
                       (got == 0 ? std::string(": closed by the server")
                                 : ": recv: " + std::string(std::strerror(errno))) +
                       " after " + std::to_string(c.received - c.base) + " of " +
                       std::to_string(quota * bytes) + " bytes this episode";
        return completed;
      }
      const auto size = static_cast<size_t>(got);
      if (c.received + size > c.sent) {
        worker.error = "connection " + std::to_string(c.stream) + ": echoed " +
                       std::to_string(c.received + size - c.sent) + " bytes more than sent";
        return completed;
      }
      const size_t wrong = pattern.first_mismatch(c.stream, c.received, buffer, size);
      if (wrong < size) {
        const uint8_t expected = *pattern.at(c.stream, c.received + wrong);
        worker.error = "connection " + std::to_string(c.stream) + ": wrong echoed byte at offset " +
                       std::to_string(c.received + wrong) + ": got " +
                       std::to_string(buffer[wrong]) + ", sent " + std::to_string(expected);
        return completed;
      }
      c.received += size;
      last_progress = now;
      while (c.completed < c.issued && c.received >= c.base + (c.completed + 1) * bytes) {
        worker.latencies.record(now - c.due_ns[c.completed]);
        ++c.completed;
        ++completed;
        worker.last_completion_ns = now;
        if (c.completed == quota) {
          ++done;
        } else if (!open && c.issued < quota && c.issued - c.completed < config_.depth) {
          if (!issue(events[e].data.u64, monotonic_ns())) return completed;
        }
      }
    }
  }
  return completed;
}

EpisodeVerdict EchoClientLoad::judge(const EpisodeResult& result) {
  EpisodeVerdict verdict;
  for (const auto& worker : workers_) {
    if (!worker->error.empty() && verdict.error.empty()) verdict.error = worker->error;
    latencies_.merge(worker->latencies);
  }
  uint64_t completed = 0;
  for (const auto& connection : connections_) completed += connection->completed;
  const uint64_t expected = config_.requests_per_connection * connections_.size();
  if (verdict.error.empty() && completed != expected)
    verdict.error = std::to_string(expected - completed) + " of " + std::to_string(expected) +
                    " requests never completed";
  verdict.items = completed;
  completed_total_ += completed;
  if (verdict.error.empty()) {
    // Relaxed: the group's check-out orders the workers' stores before this.
    const int64_t start = start_ns_.load(std::memory_order_relaxed);
    int64_t end = 0;
    for (const auto& worker : workers_) end = std::max(end, worker->last_completion_ns);
    windows_.add(completed, (start > 0 && end > start) ? static_cast<double>(end - start) * 1e-9
                                                       : result.makespan_seconds);
  }
  return verdict;
}

void EchoClientLoad::forget() {
  latencies_.clear();
  windows_.clear();
}

double EchoClientLoad::achieved_per_second() const {
  return windows_.achieved_per_second();
}

bool EchoClientLoad::kept_up() const {
  return windows_.kept_up(config_.offered_per_second);
}

}  // namespace contend
