// StreamChannel: a Channel over a kernel byte stream, either an anonymous
// pipe (`pipe`) or one direction of a Unix-domain socketpair
// (`socketpair`, what multiprocessing.Pipe() uses on Linux).
//
// Messages are framed by their fixed size: a receive reads exactly
// message_bytes. The descriptors are non-blocking; a call that would block
// waits in poll() for the rest of the timeout, so the common path is one
// system call per message. Both ends are close-on-exec and closed by the
// destructor (forked workers drop theirs when they exit).
//
// Not guaranteed: framing with several concurrent senders or receivers
// (a byte stream may interleave their bytes), so use it one to one.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "contend/ipc/channel.h"

namespace contend {

class StreamChannel : public Channel {
 public:
  static std::unique_ptr<StreamChannel> make_pipe(const ChannelOptions& options);
  static std::unique_ptr<StreamChannel> make_socketpair(const ChannelOptions& options);
  ~StreamChannel() override;
  StreamChannel(const StreamChannel&) = delete;
  StreamChannel& operator=(const StreamChannel&) = delete;

  void send(int client, std::span<const std::byte> message) override;
  void receive(int client, std::span<std::byte> message) override;

 private:
  StreamChannel(int read_fd, int write_fd, bool socket, std::chrono::nanoseconds timeout,
                std::string name);
  void wait_ready(int fd, short events, std::chrono::steady_clock::time_point& deadline,
                  bool& have_deadline) const;

  int read_fd_;
  int write_fd_;
  bool socket_;
  std::chrono::nanoseconds timeout_;
  std::string name_;
};

ChannelPair make_pipe_channels(const ChannelOptions& options);
ChannelPair make_socketpair_channels(const ChannelOptions& options);

}  // namespace contend
