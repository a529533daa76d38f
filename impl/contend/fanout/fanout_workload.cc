// Fan-out episodes. See fanout_workload.h.
#include "contend/fanout/fanout_workload.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

#include "contend/fanout/hash_work.h"

namespace contend {

namespace {

struct alignas(64) ResultSlot {
  uint32_t episode = 0;
  uint64_t sum = 0;
};

struct PipeRecord {
  uint32_t episode;
  uint32_t worker;
  uint64_t sum;
};

// The slots follow the control block, one cache line each.
ResultSlot* slots_of(const SharedRegion& region) {
  return reinterpret_cast<ResultSlot*>(static_cast<char*>(region.data()) + sizeof(ResultSlot));
}

}  // namespace

struct FanoutWorkload::Control {
  std::atomic<uint32_t> episode{0};
  // followed by ResultSlot[workers]
};

std::string_view to_string(ResultPath path) {
  return path == ResultPath::kSharedMemory ? "shared_memory" : "pipe";
}

FanoutWorkload::FanoutWorkload(uint64_t total_items, int workers, ResultPath path)
    : total_(total_items),
      workers_(workers),
      path_(path),
      expected_(expected_hash_sum(total_items)),
      region_(sizeof(ResultSlot) * (static_cast<size_t>(workers) + 1)) {
  static_assert(sizeof(Control) <= sizeof(ResultSlot));
  if (workers < 1) throw std::invalid_argument("fan-out needs at least one worker");
  control_ = new (region_.data()) Control;
  ResultSlot* slots = slots_of(region_);
  for (int i = 0; i < workers; ++i) new (&slots[i]) ResultSlot;
  if (path == ResultPath::kPipe) {
    if (pipe2(pipe_, O_CLOEXEC) != 0)
      throw std::runtime_error(std::string("fan-out pipe: ") + std::strerror(errno));
    // The parent drains without blocking; writers block (they never have to:
    // all records together are far below the pipe's capacity).
    fcntl(pipe_[0], F_SETFL, fcntl(pipe_[0], F_GETFL) | O_NONBLOCK);
  }
}

FanoutWorkload::~FanoutWorkload() {
  if (pipe_[0] >= 0) close(pipe_[0]);
  if (pipe_[1] >= 0) close(pipe_[1]);
}

uint64_t FanoutWorkload::run_worker(const WorkerContext& context) {
  const WorkRange range = split_work(total_, workers_, context.index);
  const uint64_t sum = hash_sum(range.begin, range.end);
  // Acquire: pairs with the bump in plan()'s prepare (which WorkerGroup's
  // start gate orders before this body as well).
  const uint32_t episode = control_->episode.load(std::memory_order_acquire);
  if (path_ == ResultPath::kSharedMemory) {
    ResultSlot* slots = slots_of(region_);
    slots[context.index].sum = sum;
    slots[context.index].episode = episode;
  } else {
    const PipeRecord record{episode, static_cast<uint32_t>(context.index), sum};
    ssize_t n;
    while ((n = write(pipe_[1], &record, sizeof record)) < 0 && errno == EINTR) {
    }
    if (n != static_cast<ssize_t>(sizeof record))
      throw std::runtime_error(std::string("fan-out pipe write: ") + std::strerror(errno));
  }
  return range.size();
}

std::string FanoutWorkload::collect(uint64_t& sum) {
  // Relaxed: the parent reads back its own bump. The slots are plain: the
  // workers' check-out from the WorkerGroup orders them before this.
  const uint32_t episode = control_->episode.load(std::memory_order_relaxed);
  sum = 0;
  if (path_ == ResultPath::kSharedMemory) {
    ResultSlot* slots = slots_of(region_);
    for (int i = 0; i < workers_; ++i) {
      if (slots[i].episode != episode)
        return "worker " + std::to_string(i) + " reported no result this episode";
      sum += slots[i].sum;
    }
    return {};
  }
  std::vector<bool> seen(workers_);
  int records = 0;
  std::string error;
  for (;;) {
    PipeRecord record;
    const ssize_t n = read(pipe_[0], &record, sizeof record);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // drained (EAGAIN)
    if (n != static_cast<ssize_t>(sizeof record)) return "a torn record in the result pipe";
    ++records;
    if (!error.empty()) continue;  // keep draining: the next episode starts clean
    if (record.episode != episode || record.worker >= static_cast<uint32_t>(workers_)) {
      error = "a stray record in the result pipe (episode " + std::to_string(record.episode) +
              ", worker " + std::to_string(record.worker) + ")";
    } else if (seen[record.worker]) {
      error = "worker " + std::to_string(record.worker) + " reported twice";
    } else {
      seen[record.worker] = true;
      sum += record.sum;
    }
  }
  if (error.empty() && records != workers_)
    error = std::to_string(records) + " results in the pipe for " + std::to_string(workers_) +
            " workers";
  return error;
}

EpisodePlan FanoutWorkload::plan() {
  EpisodePlan plan;
  // Release: pairs with the acquire in run_worker().
  plan.prepare = [this] { control_->episode.fetch_add(1, std::memory_order_release); };
  plan.judge = [this](const EpisodeResult&) {
    uint64_t sum = 0;
    std::string error = collect(sum);
    if (error.empty() && sum != expected_)
      error = "the parts add up to " + std::to_string(sum) + ", expected " +
              std::to_string(expected_);
    return EpisodeVerdict{total_, 0, error};
  };
  return plan;
}

}  // namespace contend
