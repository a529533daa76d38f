// One thread, one ring. See uring_loop.h.
#include "contend/server/uring_loop.h"

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <string>
#include <thread>
#include <system_error>

namespace contend {

namespace {
constexpr unsigned kSqEntries = 1024;
// Every connection has one operation in flight, so a CQ this deep takes a
// completion from each of the ladder's 4096 connections at once (the
// kernel also keeps overflowed completions: IORING_FEAT_NODROP).
constexpr unsigned kCqEntries = 16384;
// Tags of the loop's own operations. A connection's tag is its address,
// 8-byte aligned, so never one of these.
constexpr uint64_t kAcceptTag = 1;
constexpr uint64_t kWakeTag = 2;
constexpr uint64_t kRetryTag = 3;
constexpr uint64_t kCancelTag = 4;
}  // namespace

struct UringLoop::Connection {
  UniqueFd fd;
  std::unique_ptr<char[]> buffer{new char[kUringBuffer]};  // not zeroed: untouched pages stay unmapped
  size_t length = 0;  // bytes received, to echo
  size_t sent = 0;    // of them, echoed
  bool receiving = false;
};

namespace {
constexpr const char* kSetupWhat = "io_uring_setup (SINGLE_ISSUER, DEFER_TASKRUN)";

// The loop's ring; 0 or -errno. Made by the thread that uses it, which
// becomes its single issuer.
int make_ring(io_uring* ring) {
  io_uring_params params{};
  params.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_CQSIZE;
  params.cq_entries = kCqEntries;
  return io_uring_queue_init_params(kSqEntries, ring, &params);
}
}  // namespace

std::string uring_refusal() {
  std::string refusal;
  // On a thread of its own: a thread that made a ring is sent task work
  // (TWA_SIGNAL) when the ring is torn down, as uring_loop.h says.
  std::thread([&refusal] {
    io_uring ring{};
    const int rc = make_ring(&ring);
    if (rc == 0)
      io_uring_queue_exit(&ring);
    else
      refusal = std::system_error(-rc, std::generic_category(), kSetupWhat).what();
  }).join();
  return refusal;
}

UringLoop::UringLoop(int listener, int wake) : listener_(listener), wake_(wake) {
  retry_after_.tv_nsec = 10'000'000;
}

UringLoop::~UringLoop() {
  if (ring_open_) io_uring_queue_exit(&ring_);
}

void UringLoop::open() {
  const int rc = make_ring(&ring_);
  if (rc < 0) throw std::system_error(-rc, std::generic_category(), kSetupWhat);
  ring_open_ = true;
  arm_accept();
  io_uring_sqe* sqe = next_sqe();
  io_uring_prep_poll_add(sqe, wake_, POLLIN);
  io_uring_sqe_set_data64(sqe, kWakeTag);
  const int submitted = io_uring_submit(&ring_);
  if (submitted < 0)
    throw std::system_error(-submitted, std::generic_category(), "io_uring: arming the accept");
}

io_uring_sqe* UringLoop::next_sqe() {
  io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
  if (sqe == nullptr) {  // the SQ is full: hand it to the kernel, which frees it
    io_uring_submit(&ring_);
    sqe = io_uring_get_sqe(&ring_);
  }
  return sqe;
}

void UringLoop::arm_accept() {
  io_uring_sqe* sqe = next_sqe();
  io_uring_prep_multishot_accept(sqe, listener_, nullptr, nullptr, SOCK_CLOEXEC);
  io_uring_sqe_set_data64(sqe, kAcceptTag);
  accept_armed_ = true;
}

void UringLoop::arm_retry() {
  io_uring_sqe* sqe = next_sqe();
  io_uring_prep_timeout(sqe, &retry_after_, 0, 0);
  io_uring_sqe_set_data64(sqe, kRetryTag);
  retry_armed_ = true;
}

void UringLoop::serve() {
  while (!woken_) {
    const int rc = io_uring_submit_and_wait(&ring_, 1);
    if (rc < 0 && rc != -EINTR && rc != -EBUSY) break;  // EBUSY: completions to reap first
    reap();
  }
  cancel_and_drain();
}

void UringLoop::reap() {
  unsigned head = 0;
  unsigned seen = 0;
  io_uring_cqe* cqe = nullptr;
  io_uring_for_each_cqe(&ring_, head, cqe) {
    on_completion(cqe->user_data, cqe->res, cqe->flags);
    ++seen;
  }
  io_uring_cq_advance(&ring_, seen);
}

void UringLoop::on_completion(uint64_t tag, int result, uint32_t flags) {
  switch (tag) {
    case kAcceptTag: on_accept(result, flags); return;
    case kWakeTag: woken_ = true; return;
    case kRetryTag:
      retry_armed_ = false;
      if (!stopping_) arm_accept();
      return;
    case kCancelTag: return;
    default: on_connection(reinterpret_cast<Connection*>(tag), result);
  }
}

void UringLoop::on_accept(int result, uint32_t flags) {
  if (result >= 0) {
    if (stopping_)
      UniqueFd late(result);  // accepted as the loop stops: closed at once
    else
      adopt(result);
  }
  if (flags & IORING_CQE_F_MORE) return;
  accept_armed_ = false;  // the kernel ended the multishot accept
  if (stopping_) return;
  if (result < 0)
    arm_retry();  // EMFILE & co: the connect waits in the backlog, the loop does not spin
  else
    arm_accept();
}

void UringLoop::adopt(int fd) {
  set_nodelay(fd);
  auto connection = std::make_unique<Connection>();
  connection->fd.reset(fd);
  Connection* raw = connection.get();
  connections_.emplace(raw, std::move(connection));
  live_.fetch_add(1, std::memory_order_relaxed);
  post_recv(raw);
}

void UringLoop::on_connection(Connection* connection, int result) {
  // Its one operation is over: nothing of the ring refers to it now.
  if (stopping_ || result <= 0) {  // stop, EOF, reset, error (a send of 0 bytes: gone)
    close_connection(connection);
    return;
  }
  if (connection->receiving) {
    connection->length = static_cast<size_t>(result);
    connection->sent = 0;
  } else {
    connection->sent += static_cast<size_t>(result);
  }
  if (connection->sent < connection->length)
    post_send(connection);
  else
    post_recv(connection);
}

void UringLoop::post_recv(Connection* connection) {
  io_uring_sqe* sqe = next_sqe();
  io_uring_prep_recv(sqe, connection->fd.get(), connection->buffer.get(), kUringBuffer, 0);
  io_uring_sqe_set_data(sqe, connection);
  connection->receiving = true;
}

void UringLoop::post_send(Connection* connection) {
  io_uring_sqe* sqe = next_sqe();
  io_uring_prep_send(sqe, connection->fd.get(), connection->buffer.get() + connection->sent,
                     connection->length - connection->sent, MSG_NOSIGNAL);
  io_uring_sqe_set_data(sqe, connection);
  connection->receiving = false;
}

void UringLoop::close_connection(Connection* connection) {
  connections_.erase(connection);  // closes the descriptor: the client sees EOF
  live_.fetch_sub(1, std::memory_order_relaxed);
}

void UringLoop::cancel_and_drain() {
  stopping_ = true;
  io_uring_sqe* sqe = next_sqe();
  io_uring_prep_cancel64(sqe, 0, IORING_ASYNC_CANCEL_ANY);
  io_uring_sqe_set_data64(sqe, kCancelTag);
  // Every connection has one operation in flight until its final
  // completion closes it; the accept and the retry timer end likewise.
  while (!connections_.empty() || accept_armed_ || retry_armed_) {
    const int rc = io_uring_submit_and_wait(&ring_, 1);
    if (rc < 0 && rc != -EINTR && rc != -EBUSY) break;
    reap();
  }
  while (!connections_.empty()) close_connection(connections_.begin()->second.get());
  io_uring_queue_exit(&ring_);  // on the issuer's thread, nothing in flight
  ring_open_ = false;
}

}  // namespace contend
