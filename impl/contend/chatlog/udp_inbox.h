// UdpInbox: the receiving end of the chat, bound on loopback.
//
// `receivers` UDP sockets bound to one ephemeral port of 127.0.0.1 with
// SO_REUSEPORT, one per receiver thread. The kernel spreads datagrams over
// them by a hash of the source address and port, so all of one sender's
// datagrams (one socket, one source port) reach the same receiver: each
// sender's order survives as far as the hand-off, which is what lets the
// file check demand per-sender order. With one receiver this is the
// tutorial's single socket.
//
// Each socket asks for SO_RCVBUF of `rcvbuf_bytes`; the kernel caps the
// request at net.core.rmem_max and doubles it for its bookkeeping;
// rcvbuf_granted() is what the first socket got (getsockopt), the figure a
// row's drops depend on. A datagram arriving at a full buffer is dropped by
// the kernel: that is the `dropped` measurement, not an error.
// Sockets have a receive timeout (kPollInterval) so that a receiver can
// notice that the episode is over without a datagram arriving.
// Only 127.0.0.1, never another address. The sockets close with the inbox
// (and with the process: nothing of it outlives a crash).
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

namespace contend::chatlog {

class UdpInbox {
 public:
  static constexpr std::chrono::milliseconds kPollInterval{2};

  // Throws std::system_error when a socket cannot be made or bound.
  UdpInbox(int receivers, int rcvbuf_bytes);
  ~UdpInbox();
  UdpInbox(const UdpInbox&) = delete;
  UdpInbox& operator=(const UdpInbox&) = delete;

  uint16_t port() const { return port_; }
  int receivers() const { return static_cast<int>(fds_.size()); }
  int fd(int receiver) const { return fds_[static_cast<size_t>(receiver)]; }
  int rcvbuf_granted() const { return rcvbuf_granted_; }

 private:
  std::vector<int> fds_;
  uint16_t port_ = 0;
  int rcvbuf_granted_ = 0;
};

}  // namespace contend::chatlog
