// The loopback receiving sockets. See udp_inbox.h.
#include "contend/chatlog/udp_inbox.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <system_error>

namespace contend::chatlog {

namespace {

[[noreturn]] void fail(const char* what) {
  throw std::system_error(errno, std::generic_category(), what);
}

int bound_socket(uint16_t port, int rcvbuf_bytes) {
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) fail("udp socket");
  const int on = 1;
  timeval poll{};
  poll.tv_usec = std::chrono::microseconds(UdpInbox::kPollInterval).count();
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  if (::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof on) != 0 ||
      ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf_bytes, sizeof rcvbuf_bytes) != 0 ||
      ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &poll, sizeof poll) != 0 ||
      ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    const int saved = errno;
    ::close(fd);
    errno = saved;
    fail("udp bind 127.0.0.1");
  }
  return fd;
}

}  // namespace

UdpInbox::UdpInbox(int receivers, int rcvbuf_bytes) {
  if (receivers < 1) throw std::invalid_argument("a udp inbox needs at least one receiver");
  if (rcvbuf_bytes < 1) throw std::invalid_argument("SO_RCVBUF must be positive");
  try {
    for (int i = 0; i < receivers; ++i) {
      fds_.push_back(bound_socket(port_, rcvbuf_bytes));
      if (i == 0) {
        sockaddr_in addr{};
        socklen_t len = sizeof addr;
        if (::getsockname(fds_[0], reinterpret_cast<sockaddr*>(&addr), &len) != 0)
          fail("getsockname");
        port_ = ntohs(addr.sin_port);
        len = sizeof rcvbuf_granted_;
        if (::getsockopt(fds_[0], SOL_SOCKET, SO_RCVBUF, &rcvbuf_granted_, &len) != 0)
          fail("getsockopt SO_RCVBUF");
      }
    }
  } catch (...) {
    for (int fd : fds_) ::close(fd);
    throw;
  }
}

UdpInbox::~UdpInbox() {
  for (int fd : fds_) ::close(fd);
}

}  // namespace contend::chatlog
