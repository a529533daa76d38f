// POSIX message queues as message channels. See posix_mq_channel.h.
#include "contend/ipc/posix_mq_channel.h"

#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>

namespace contend {

namespace {

long read_limit(const char* path, long fallback) {
  std::ifstream in(path);
  long value = 0;
  return (in >> value) && value > 0 ? value : fallback;
}

std::string unique_name() {
  static std::atomic<uint64_t> counter{0};
  std::random_device random;
  return "/contend-" + std::to_string(getpid()) + "-" + std::to_string(counter.fetch_add(1)) +
         "-" + std::to_string(random());
}

// mq_timed* take an absolute CLOCK_REALTIME deadline.
timespec realtime_deadline(std::chrono::nanoseconds timeout) {
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  const int64_t ns = now.tv_nsec + timeout.count() % 1'000'000'000;
  return {now.tv_sec + static_cast<time_t>(timeout.count() / 1'000'000'000 + ns / 1'000'000'000),
          static_cast<long>(ns % 1'000'000'000)};
}

}  // namespace

PosixMqChannel::PosixMqChannel(const ChannelOptions& options) : timeout_(options.timeout) {
  const long msgsize_max = read_limit("/proc/sys/fs/mqueue/msgsize_max", 8192);
  if (static_cast<long>(options.message_bytes) > msgsize_max)
    throw ChannelError("posix_mq: messages of " + std::to_string(options.message_bytes) +
                       " bytes exceed /proc/sys/fs/mqueue/msgsize_max (" +
                       std::to_string(msgsize_max) + ")");
  capacity_ = std::clamp<long>(static_cast<long>(options.capacity), 1,
                               read_limit("/proc/sys/fs/mqueue/msg_max", 10));
  mq_attr attr{};
  attr.mq_maxmsg = capacity_;
  attr.mq_msgsize = static_cast<long>(options.message_bytes);
  for (int attempt = 0;; ++attempt) {
    name_ = unique_name();
    queue_ = mq_open(name_.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600, &attr);
    if (queue_ != static_cast<mqd_t>(-1)) break;
    if (errno != EEXIST || attempt == 10)
      throw ChannelError("posix_mq: mq_open " + name_ + ": " + std::strerror(errno));
  }
  // Unlinked right away: the descriptor (inherited by forked workers) is
  // all that keeps the queue alive.
  if (mq_unlink(name_.c_str()) != 0) {
    const int error = errno;
    mq_close(queue_);
    throw ChannelError("posix_mq: mq_unlink " + name_ + ": " + std::strerror(error));
  }
}

PosixMqChannel::~PosixMqChannel() { mq_close(queue_); }

void PosixMqChannel::send(int, std::span<const std::byte> message) {
  const timespec deadline = realtime_deadline(timeout_);
  while (mq_timedsend(queue_, reinterpret_cast<const char*>(message.data()), message.size(), 0,
                      &deadline) != 0) {
    if (errno == EINTR) continue;
    throw ChannelError(std::string("posix_mq: mq_timedsend: ") +
                       (errno == ETIMEDOUT ? "timed out" : std::strerror(errno)));
  }
}

void PosixMqChannel::receive(int, std::span<std::byte> message) {
  const timespec deadline = realtime_deadline(timeout_);
  ssize_t n;
  while ((n = mq_timedreceive(queue_, reinterpret_cast<char*>(message.data()), message.size(),
                              nullptr, &deadline)) < 0) {
    if (errno == EINTR) continue;
    throw ChannelError(std::string("posix_mq: mq_timedreceive: ") +
                       (errno == ETIMEDOUT ? "timed out" : std::strerror(errno)));
  }
  if (static_cast<size_t>(n) != message.size())
    throw ChannelError("posix_mq: received " + std::to_string(n) + " bytes, expected " +
                       std::to_string(message.size()));
}

ChannelPair make_posix_mq_channels(const ChannelOptions& options) {
  return {std::make_unique<PosixMqChannel>(options), std::make_unique<PosixMqChannel>(options)};
}

}  // namespace contend
