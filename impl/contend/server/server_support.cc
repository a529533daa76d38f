// Listeners, descriptors, pinning and tallies. See server_support.h.
#include "contend/server/server_support.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sched.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <system_error>

namespace contend {

namespace {

[[noreturn]] void throw_errno(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), what);
}

int64_t timeval_ns(const timeval& t) {
  return static_cast<int64_t>(t.tv_sec) * 1'000'000'000 + static_cast<int64_t>(t.tv_usec) * 1000;
}

}  // namespace

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
  if (this != &other) reset(other.release());
  return *this;
}

void UniqueFd::reset(int fd) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
}

UniqueFd listen_loopback(uint16_t port, bool reuseport, bool nonblocking) {
  const int flags = SOCK_STREAM | SOCK_CLOEXEC | (nonblocking ? SOCK_NONBLOCK : 0);
  UniqueFd fd(::socket(AF_INET, flags, 0));
  if (!fd) throw_errno("socket");
  const int one = 1;
  ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (reuseport && ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0)
    throw_errno("SO_REUSEPORT");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0)
    throw_errno("bind 127.0.0.1:" + std::to_string(port));
  // SOMAXCONN (4096 on this kernel): a ladder point opens its connections
  // in a burst, and a short backlog would turn the burst into SYN retries.
  if (::listen(fd.get(), SOMAXCONN) != 0) throw_errno("listen 127.0.0.1:" + std::to_string(port));
  return fd;
}

uint16_t bound_port(int fd) {
  sockaddr_in address{};
  socklen_t size = sizeof address;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) != 0)
    throw_errno("getsockname");
  return ntohs(address.sin_port);
}

void set_nonblocking(int fd) {
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0) throw_errno("O_NONBLOCK");
}

void set_nodelay(int fd) {
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

UniqueFd make_wake_fd() {
  UniqueFd fd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!fd) throw_errno("eventfd");
  return fd;
}

void signal_wake_fd(int fd) {
  const uint64_t one = 1;
  [[maybe_unused]] const ssize_t written = ::write(fd, &one, sizeof one);
}

void pin_current_thread_to(const std::vector<int>& pus) {
  if (pus.empty()) return;
  cpu_set_t set;
  CPU_ZERO(&set);
  for (int pu : pus) CPU_SET(pu, &set);
  if (::sched_setaffinity(0, sizeof set, &set) != 0) throw_errno("sched_setaffinity");
}

bool write_all(int fd, const char* data, size_t size) {
  while (size > 0) {
    const ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

void echo_until_closed(int fd) {
  char buffer[16 * 1024];
  for (;;) {
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    if (!write_all(fd, buffer, static_cast<size_t>(n))) return;
  }
}

void TaskTally::enter() {
  const int now = live_.fetch_add(1, std::memory_order_relaxed) + 1;
  int peak = peak_.load(std::memory_order_relaxed);
  while (now > peak && !peak_.compare_exchange_weak(peak, now, std::memory_order_relaxed)) {
  }
}

void TaskTally::leave(int64_t cpu_ns) {
  cpu_ns_.fetch_add(cpu_ns, std::memory_order_relaxed);
  live_.fetch_sub(1, std::memory_order_relaxed);
}

void TaskTally::leave_child() { live_.fetch_sub(1, std::memory_order_relaxed); }

int64_t children_cpu_ns() {
  rusage usage{};
  ::getrusage(RUSAGE_CHILDREN, &usage);
  return timeval_ns(usage.ru_utime) + timeval_ns(usage.ru_stime);
}

}  // namespace contend

namespace contend {

bool ConnectionSet::adopt(int fd) {
  std::lock_guard lock(mutex_);
  if (stopping_) return false;
  fds_.insert(fd);
  return true;
}

void ConnectionSet::release(int fd) {
  std::lock_guard lock(mutex_);
  fds_.erase(fd);
  ::close(fd);
  if (fds_.empty()) empty_.notify_all();
}

void ConnectionSet::shutdown_all() {
  std::lock_guard lock(mutex_);
  stopping_ = true;
  for (int fd : fds_) ::shutdown(fd, SHUT_RDWR);
}

bool ConnectionSet::wait_empty(std::chrono::nanoseconds bound) {
  std::unique_lock lock(mutex_);
  return empty_.wait_for(lock, bound, [this] { return fds_.empty(); });
}

int ConnectionSet::size() const {
  std::lock_guard lock(mutex_);
  return static_cast<int>(fds_.size());
}

void run_accept_loop(int listener, int wake, const std::function<void(int)>& on_accept,
                     const std::function<void()>& on_idle, std::chrono::milliseconds idle) {
  for (;;) {
    pollfd fds[2] = {{listener, POLLIN, 0}, {wake, POLLIN, 0}};
    const int ready = ::poll(fds, 2, static_cast<int>(idle.count()));
    on_idle();
    if (ready < 0 && errno != EINTR) return;
    if (fds[1].revents != 0) return;
    if (ready <= 0 || fds[0].revents == 0) continue;
    const int fd = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      // EMFILE/ENFILE: the client's connect stalls and the load generator
      // reports it; pausing keeps this loop from spinning meanwhile.
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
        ::poll(nullptr, 0, 1);
      continue;
    }
    set_nodelay(fd);
    on_accept(fd);
  }
}

}  // namespace contend
