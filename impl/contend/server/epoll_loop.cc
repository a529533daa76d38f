// One thread, non-blocking sockets. See epoll_loop.h.
#include "contend/server/epoll_loop.h"

#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace contend {

namespace {
constexpr int kMaxEvents = 256;
constexpr size_t kReadChunk = 64 * 1024;
}  // namespace

EpollLoop::EpollLoop(int listener, int wake)
    : listener_(listener), wake_(wake), epoll_(::epoll_create1(EPOLL_CLOEXEC)) {
  if (!epoll_) throw std::system_error(errno, std::generic_category(), "epoll_create1");
  watch(listener_, EPOLLIN, EPOLL_CTL_ADD);
  watch(wake_, EPOLLIN, EPOLL_CTL_ADD);
}

void EpollLoop::watch(int fd, uint32_t events, int op) {
  epoll_event event{};
  event.events = events;
  event.data.fd = fd;
  if (::epoll_ctl(epoll_.get(), op, fd, &event) != 0)
    throw std::system_error(errno, std::generic_category(), "epoll_ctl");
}

void EpollLoop::run() {
  epoll_event events[kMaxEvents];
  for (;;) {
    const int ready = ::epoll_wait(epoll_.get(), events, kMaxEvents, -1);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) break;
    bool woken = false;
    for (int i = 0; i < ready; ++i) {
      const int fd = events[i].data.fd;
      if (fd == wake_) {
        woken = true;
      } else if (fd == listener_) {
        accept_all();
      } else {
        auto it = pending_.find(fd);
        if (it == pending_.end()) continue;  // closed earlier in this batch
        if (events[i].events & (EPOLLERR | EPOLLHUP)) {
          close_connection(fd);
        } else if (events[i].events & EPOLLOUT) {
          on_writable(fd, it->second);
        } else if (events[i].events & EPOLLIN) {
          on_readable(fd, it->second);
        }
      }
    }
    if (woken) break;
  }
  while (!pending_.empty()) close_connection(pending_.begin()->first);
}

void EpollLoop::accept_all() {
  for (;;) {
    const int fd = ::accept4(listener_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;  // EAGAIN: none left; EMFILE & co: the client's connect stalls
    set_nodelay(fd);
    pending_.emplace(fd, std::string());
    watch(fd, EPOLLIN, EPOLL_CTL_ADD);
    live_.fetch_add(1, std::memory_order_relaxed);
  }
}

void EpollLoop::on_readable(int fd, std::string& pending) {
  char buffer[kReadChunk];
  const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
  if (n <= 0) {
    close_connection(fd);
    return;
  }
  ssize_t sent = ::send(fd, buffer, static_cast<size_t>(n), MSG_NOSIGNAL);
  if (sent < 0) {
    if (errno != EAGAIN) {
      close_connection(fd);
      return;
    }
    sent = 0;
  }
  if (sent < n) {
    pending.assign(buffer + sent, static_cast<size_t>(n - sent));
    watch(fd, EPOLLOUT, EPOLL_CTL_MOD);
  }
}

void EpollLoop::on_writable(int fd, std::string& pending) {
  const ssize_t sent = ::send(fd, pending.data(), pending.size(), MSG_NOSIGNAL);
  if (sent < 0) {
    if (errno != EAGAIN) close_connection(fd);
    return;
  }
  pending.erase(0, static_cast<size_t>(sent));
  if (pending.empty()) watch(fd, EPOLLIN, EPOLL_CTL_MOD);
}

void EpollLoop::close_connection(int fd) {
  ::close(fd);  // also leaves the epoll set
  pending_.erase(fd);
  live_.fetch_sub(1, std::memory_order_relaxed);
}

}  // namespace contend
