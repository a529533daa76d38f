// The receiving threads. See chat_receivers.h.
#include "contend/chatlog/chat_receivers.h"

#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <string_view>
#include <utility>

#include "contend/harness/clock.h"

namespace contend::chatlog {

ChatReceivers::ChatReceivers(const UdpInbox& inbox, ChatLog& log, MessageLedger& ledger)
    : log_(log),
      ledger_(ledger),
      sentinel_seen_(new std::atomic<bool>[static_cast<size_t>(ledger.senders())]) {
  for (int s = 0; s < ledger.senders(); ++s) sentinel_seen_[s].store(false);
  for (int r = 0; r < inbox.receivers(); ++r) receivers_.push_back(std::make_unique<Receiver>());
  try {
    for (int r = 0; r < inbox.receivers(); ++r) {
      Receiver& self = *receivers_[static_cast<size_t>(r)];
      self.thread = std::thread([this, fd = inbox.fd(r), &self] { receive_loop(fd, self); });
    }
  } catch (...) {
    stop();
    throw;
  }
}

ChatReceivers::~ChatReceivers() { stop(); }

void ChatReceivers::receive_loop(int fd, Receiver& self) {
  char buffer[512];
  for (;;) {
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) {
        self.error = std::string("recv: ") + std::strerror(errno);
        return;
      }
      if (stopping_.load(std::memory_order_acquire)) return;  // drained, and done
      continue;
    }
    const int64_t received_ns = monotonic_ns();
    const std::string_view bytes(buffer, static_cast<size_t>(n));
    const ParsedDatagram parsed = parse_datagram(bytes);
    if (parsed.kind == DatagramKind::kSentinel && parsed.sender < uint32_t(ledger_.senders())) {
      handle_sentinel(parsed.sender);
      continue;
    }
    if (parsed.kind != DatagramKind::kMessage || !ledger_.contains(parsed.sender, parsed.seq)) {
      self.error = "malformed datagram: '" + std::string(bytes.substr(0, 60)) + "'";
      return;
    }
    ledger_.mark(parsed.sender, parsed.seq, MessageLedger::kReceived);
    try {
      log_.append(ChatMessage{parsed.sender, parsed.seq, std::string(bytes)});
    } catch (const std::exception& e) {
      self.error = e.what();
      return;
    }
    const int64_t handed_off_ns = monotonic_ns();
    ledger_.mark(parsed.sender, parsed.seq, MessageLedger::kAccepted);
    self.latencies.record(handed_off_ns - received_ns);
    self.last_message_ns = handed_off_ns;
  }
}

void ChatReceivers::handle_sentinel(uint32_t sender) {
  // exchange: of the repeated sentinels, only the first one counts.
  if (!sentinel_seen_[sender].exchange(true, std::memory_order_relaxed))
    senders_done_.fetch_add(1, std::memory_order_relaxed);
}

bool ChatReceivers::wait_for_sentinels(std::chrono::steady_clock::time_point deadline) const {
  // Polls: an episode ends a few times per second at most, and a condition
  // variable would put a lock on the receivers' path.
  while (senders_done_.load(std::memory_order_relaxed) < ledger_.senders()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::microseconds(100));
  }
  return true;
}

void ChatReceivers::stop() {
  stopping_.store(true, std::memory_order_release);  // pairs with receive_loop's acquire
  for (auto& r : receivers_)
    if (r->thread.joinable()) r->thread.join();
}

std::string ChatReceivers::error() const {
  for (const auto& r : receivers_)
    if (!r->error.empty()) return r->error;
  return {};
}

int64_t ChatReceivers::last_message_ns() const {
  int64_t last = 0;
  for (const auto& r : receivers_) last = std::max(last, r->last_message_ns);
  return last;
}

void ChatReceivers::merge_latencies_into(LatencyHistogram& out) const {
  for (const auto& r : receivers_) out.merge(r->latencies);
}

}  // namespace contend::chatlog
