// connect, send, receive, close. See connect_churn_load.h.
#include "contend/server/connect_churn_load.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "contend/harness/clock.h"
#include "contend/server/echo_client_load.h"
#include "contend/server/echo_pattern.h"

namespace contend {

struct ConnectChurnLoad::Worker {
  uint64_t index = 0;
  uint64_t requests = 0;  // ever made: the next request's stream number
  uint64_t completed = 0; // this episode
  int refused = 0;
  LatencyHistogram latencies;
  std::string error;
  std::vector<uint8_t> out, in;
};

ConnectChurnLoad::ConnectChurnLoad(const ChurnLoadConfig& config) : config_(config) {
  if (config.clients < 1 || config.bytes < 1)
    throw std::invalid_argument("connect_per_request: clients and bytes must be positive");
  for (int w = 0; w < config.clients; ++w) {
    auto worker = std::make_unique<Worker>();
    worker->index = static_cast<uint64_t>(w);
    worker->out.resize(config.bytes);
    worker->in.resize(config.bytes);
    workers_.push_back(std::move(worker));
  }
}

ConnectChurnLoad::~ConnectChurnLoad() = default;

void ConnectChurnLoad::prepare() {
  for (auto& worker : workers_) {
    worker->completed = 0;
    worker->latencies.clear();
    worker->error.clear();
  }
}

// One request; the error in words, or empty.
std::string ConnectChurnLoad::request(Worker& worker) {
  const EchoPattern& pattern = EchoPattern::instance();
  const uint64_t stream = (worker.index << 32) + worker.requests++;
  const size_t bytes = config_.bytes;
  pattern.fill(stream, 0, worker.out.data(), bytes);
  UniqueFd fd = connect_loopback(config_.port, config_.stall_timeout, &worker.refused);
  if (!write_all(fd.get(), reinterpret_cast<const char*>(worker.out.data()), bytes))
    return std::string("send: ") + std::strerror(errno);
  for (size_t got = 0; got < bytes;) {
    const ssize_t n = ::recv(fd.get(), worker.in.data() + got, bytes - got, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n == 0) return "closed by the server after " + std::to_string(got) + " of " +
                       std::to_string(bytes) + " bytes";
    if (n < 0) return errno == EAGAIN ? "no echo within " +
                                           std::to_string(config_.stall_timeout.count()) + " ms"
                                      : std::string("recv: ") + std::strerror(errno);
    got += static_cast<size_t>(n);
  }
  const size_t wrong = pattern.first_mismatch(stream, 0, worker.in.data(), bytes);
  if (wrong < bytes)
    return "wrong echoed byte at offset " + std::to_string(wrong) + ": got " +
           std::to_string(worker.in[wrong]) + ", sent " + std::to_string(worker.out[wrong]);
  return {};
}

uint64_t ConnectChurnLoad::run(const WorkerContext& context) {
  Worker& worker = *workers_[static_cast<size_t>(context.index)];
  for (uint64_t i = 0; i < config_.requests_per_client; ++i) {
    const int64_t begin = monotonic_ns();
    try {
      worker.error = request(worker);  // the socket closes at its end
    } catch (const std::exception& e) {
      worker.error = e.what();
    }
    if (!worker.error.empty()) {
      worker.error = "request " + std::to_string(worker.requests - 1) + ": " + worker.error;
      break;
    }
    worker.latencies.record(monotonic_ns() - begin);
    ++worker.completed;
  }
  return worker.completed;
}

EpisodeVerdict ConnectChurnLoad::judge(const EpisodeResult&) {
  EpisodeVerdict verdict;
  for (const auto& worker : workers_) {
    if (!worker->error.empty() && verdict.error.empty()) verdict.error = worker->error;
    latencies_.merge(worker->latencies);
    verdict.items += worker->completed;
  }
  completed_total_ += verdict.items;
  return verdict;
}

int ConnectChurnLoad::refused() const {
  int total = 0;
  for (const auto& worker : workers_) total += worker->refused;
  return total;
}

}  // namespace contend
