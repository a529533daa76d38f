// The chat's senders. See chat_senders.h.
#include "contend/chatlog/chat_senders.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>

#include "contend/harness/cpu_time.h"

#include "contend/chatlog/chat_message.h"

namespace contend::chatlog {

namespace {

int connected_socket(uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

struct SenderResult {
  SendTally tally;
  int error = 0;  // errno of a socket that could not be made
};

void run_sender(uint16_t port, uint32_t sender, uint32_t per_sender, SenderResult& out) {
  const int fd = connected_socket(port);
  if (fd < 0) {
    out.error = errno;
    return;
  }
  for (uint32_t seq = 0; seq < per_sender; ++seq) {
    const std::string line = format_line(sender, seq);
    if (::send(fd, line.data(), line.size(), 0) == static_cast<ssize_t>(line.size()))
      ++out.tally.sent;
    else
      ++out.tally.failed;
  }
  const std::string sentinel = format_sentinel(sender);
  for (int i = 0; i < kSentinelCopies; ++i) {
    if (i > 0) std::this_thread::yield();  // a chance for the receiver to make room
    (void)::send(fd, sentinel.data(), sentinel.size(), 0);
  }
  ::close(fd);
}

}  // namespace

SendTally send_chat(uint16_t port, int senders, uint32_t per_sender, const Topology& topology,
                    const std::vector<Place>& places) {
  std::vector<SenderResult> results(static_cast<size_t>(senders));
  std::vector<std::thread> threads;
  for (int s = 0; s < senders; ++s) {
    threads.emplace_back([&, s] {
      SenderResult& out = results[static_cast<size_t>(s)];
      if (!places.empty() && topology.can_pin()) {
        try {
          topology.pin_current_thread(places[static_cast<size_t>(s) % places.size()].pu);
        } catch (const std::exception&) {
          // Unpinned is still a correct sender; the plan's placement is a wish.
        }
      }
      run_sender(port, static_cast<uint32_t>(s), per_sender, out);
      out.tally.cpu_ns = thread_cpu_ns();  // the thread's last act: all it spent
    });
  }
  for (std::thread& t : threads) t.join();
  SendTally total;
  for (const SenderResult& r : results) {
    if (r.error != 0) throw std::system_error(r.error, std::generic_category(), "udp sender socket");
    total.sent += r.tally.sent;
    total.failed += r.tally.failed;
    total.cpu_ns += r.tally.cpu_ns;
  }
  return total;
}

}  // namespace contend::chatlog
