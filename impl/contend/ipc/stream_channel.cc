// Pipes and socketpairs as fixed-size message channels. See stream_channel.h.
#include "contend/ipc/stream_channel.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace contend {

namespace {

[[noreturn]] void fail(const std::string& name, const char* what, int error) {
  throw ChannelError(name + ": " + what + ": " + std::strerror(error));
}

}  // namespace

StreamChannel::StreamChannel(int read_fd, int write_fd, bool socket,
                             std::chrono::nanoseconds timeout, std::string name)
    : read_fd_(read_fd), write_fd_(write_fd), socket_(socket), timeout_(timeout),
      name_(std::move(name)) {}

StreamChannel::~StreamChannel() {
  close(read_fd_);
  close(write_fd_);
}

std::unique_ptr<StreamChannel> StreamChannel::make_pipe(const ChannelOptions& options) {
  int fds[2];
  if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) != 0) fail("pipe", "pipe2", errno);
  return std::unique_ptr<StreamChannel>(
      new StreamChannel(fds[0], fds[1], false, options.timeout, "pipe"));
}

std::unique_ptr<StreamChannel> StreamChannel::make_socketpair(const ChannelOptions& options) {
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) != 0)
    fail("socketpair", "socketpair", errno);
  // fds[0] sends, fds[1] receives: one direction per channel, like a pipe.
  return std::unique_ptr<StreamChannel>(
      new StreamChannel(fds[1], fds[0], true, options.timeout, "socketpair"));
}

void StreamChannel::wait_ready(int fd, short events,
                               std::chrono::steady_clock::time_point& deadline,
                               bool& have_deadline) const {
  using namespace std::chrono;
  const auto now = steady_clock::now();
  if (!have_deadline) {
    deadline = now + timeout_;
    have_deadline = true;
  }
  if (now >= deadline)
    throw ChannelError(name_ + ": timed out after " +
                       std::to_string(duration_cast<milliseconds>(timeout_).count()) + " ms");
  const auto left = ceil<milliseconds>(deadline - now).count();
  pollfd p{fd, events, 0};
  if (poll(&p, 1, static_cast<int>(std::min<int64_t>(left, 1 << 30))) < 0 && errno != EINTR)
    fail(name_, "poll", errno);
}

void StreamChannel::send(int, std::span<const std::byte> message) {
  const std::byte* p = message.data();
  size_t left = message.size();
  std::chrono::steady_clock::time_point deadline;
  bool have_deadline = false;
  while (left > 0) {
    // MSG_NOSIGNAL: a vanished reader is an error here, not a SIGPIPE.
    const ssize_t n = socket_ ? ::send(write_fd_, p, left, MSG_NOSIGNAL) : write(write_fd_, p, left);
    if (n > 0) {
      p += n;
      left -= static_cast<size_t>(n);
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      wait_ready(write_fd_, POLLOUT, deadline, have_deadline);
    } else if (n < 0 && errno != EINTR) {
      fail(name_, "write", errno);
    }
  }
}

void StreamChannel::receive(int, std::span<std::byte> message) {
  std::byte* p = message.data();
  size_t left = message.size();
  std::chrono::steady_clock::time_point deadline;
  bool have_deadline = false;
  while (left > 0) {
    const ssize_t n = read(read_fd_, p, left);
    if (n > 0) {
      p += n;
      left -= static_cast<size_t>(n);
    } else if (n == 0) {
      throw ChannelError(name_ + ": end of stream (every writer closed it)");
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      wait_ready(read_fd_, POLLIN, deadline, have_deadline);
    } else if (errno != EINTR) {
      fail(name_, "read", errno);
    }
  }
}

ChannelPair make_pipe_channels(const ChannelOptions& options) {
  return {StreamChannel::make_pipe(options), StreamChannel::make_pipe(options)};
}

ChannelPair make_socketpair_channels(const ChannelOptions& options) {
  return {StreamChannel::make_socketpair(options), StreamChannel::make_socketpair(options)};
}

}  // namespace contend
