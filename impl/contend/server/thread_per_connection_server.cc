// The tutorial's design. See thread_per_connection_server.h.
#include "contend/server/thread_per_connection_server.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <system_error>

namespace contend {

void echo_until_closed(int fd) {
  char buffer[16 * 1024];
  for (;;) {
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    if (!write_all(fd, buffer, static_cast<size_t>(n))) return;
  }
}

void ThreadPerConnectionServer::start() {
  listener_ = listen_loopback(config_.port);
  port_ = bound_port(listener_.get());
  wake_ = make_wake_fd();
  tally_.enter();
  acceptor_ = std::thread([this] { accept_loop(); });
}

void ThreadPerConnectionServer::accept_loop() {
  TallyScope scope(tally_);
  pin_current_thread_to(config_.pus);  // handlers inherit the mask
  run_accept_loop(
      listener_.get(), wake_.get(),
      [this](int fd) {
        if (!connections_.adopt(fd)) {
          ::close(fd);
          return;
        }
        tally_.enter();
        try {
          std::thread([this, fd] { handle(fd); }).detach();
        } catch (const std::system_error&) {  // no thread: the client sees EOF
          tally_.leave(0);
          connections_.release(fd);
        }
      },
      [] {}, std::chrono::milliseconds(100));
}

void ThreadPerConnectionServer::handle(int fd) {
  echo_until_closed(fd);
  tally_.leave(thread_cpu_ns());
  connections_.release(fd);  // last: stop() may destroy this object after it
}

void ThreadPerConnectionServer::stop() {
  if (!acceptor_.joinable()) return;
  signal_wake_fd(wake_.get());
  acceptor_.join();
  listener_.reset();
  connections_.shutdown_all();
  if (!connections_.wait_empty(kStopBound)) {
    std::fprintf(stderr, "thread_per_connection: handlers still running after stop's bound\n");
    std::abort();
  }
  wake_.reset();
}

ServerStats ThreadPerConnectionServer::stats() const {
  return {.peak_tasks = tally_.peak(), .cpu_ns = tally_.cpu_ns(),
          .live_connections = connections_.size()};
}

}  // namespace contend
