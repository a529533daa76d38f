// Pools and spawn-per-task. See pool_workload.h.
#include "contend/fanout/pool_workload.h"

#include <atomic>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>

#include "contend/fanout/hash_work.h"
#include "contend/harness/child_process.h"
#include "contend/harness/clock.h"
#include "contend/harness/fairness.h"

namespace contend {

namespace {


size_t align64(size_t n) { return (n + 63) / 64 * 64; }

[[noreturn]] void fail(const std::string& what) { throw std::runtime_error(what); }

}  // namespace

struct PoolWorkload::Report {
  std::atomic<uint32_t> episode{0};
  uint64_t sum = 0;        // of every collected result
  uint64_t collected = 0;
};

struct PoolWorkload::Task {
  uint64_t id;
  uint64_t begin;
  uint64_t items;
  int64_t submit_ns;
  uint32_t episode;
  uint32_t stop;  // 1: no more tasks this episode
};

struct PoolWorkload::TaskResult {
  uint64_t id;
  uint64_t sum;
  int64_t submit_ns;
  uint32_t episode;
  uint32_t worker;  // pool worker index; for a spawned task, the PU it ran on
  int64_t done_ns;  // spawned task: when it finished (stamped by the task itself)
};

std::string_view to_string(PoolKind kind) {
  return kind == PoolKind::kWorkerPool ? "worker_pool" : "spawn_per_task";
}

PoolWorkload::PoolWorkload(PoolKind kind, WorkerMode mode, const PoolShape& shape,
                           const Topology& topology, std::vector<Place> places)
    : kind_(kind),
      mode_(mode),
      shape_(shape),
      places_(std::move(places)),
      pin_(topology.can_pin()),
      expected_(expected_hash_sum(shape.tasks * shape.task_items)),
      region_(align64(sizeof(Report)) + static_cast<size_t>(shape.workers) * sizeof(TaskResult)) {
  if (shape.workers < 1 || shape.tasks < 1)
    throw std::invalid_argument("a pool needs at least one worker and one task");
  if (places_.size() != static_cast<size_t>(shape.workers) + 1)
    throw std::invalid_argument("a pool needs a place for its client and each worker");
  new (region_.data()) Report;
  for (int i = 1; i <= shape.workers; ++i) {
    cpu_set_t set;
    CPU_ZERO(&set);
    // A raw affinity call names this machine's PU (emulation maps it).
    task_pus_.push_back(topology.host_pu(places_[i].pu));
    CPU_SET(task_pus_.back(), &set);
    task_cpus_.push_back(set);
  }
  if (kind == PoolKind::kWorkerPool) {
    // Room for every task the client lets be outstanding, and for the
    // stop messages: neither push ever has to wait for space.
    const size_t window = 2 * static_cast<size_t>(shape.workers);
    tasks_ = std::make_unique<ShmQueue>(window, sizeof(Task));
    results_ = std::make_unique<ShmQueue>(window, sizeof(TaskResult));
  }
}

PoolWorkload::~PoolWorkload() = default;

std::vector<Place> PoolWorkload::group_places() const {
  if (kind_ == PoolKind::kSpawnPerTask) return {places_[0]};
  return places_;
}

uint64_t PoolWorkload::run_worker(const WorkerContext& context) {
  return context.index == 0 ? run_client() : run_pool_worker(context.index);
}

uint32_t PoolWorkload::pin_task(int slot) const {
  // sched_setaffinity(0) binds the calling thread (or the forked child) and
  // moves it there before returning, so sched_getcpu() then tells the PU.
  if (!pin_) return 0;
  if (sched_setaffinity(0, sizeof(cpu_set_t), &task_cpus_[static_cast<size_t>(slot)]) != 0)
    return ~uint32_t{0};
  return static_cast<uint32_t>(sched_getcpu());
}

void PoolWorkload::record(Report& report, uint64_t id, uint64_t sum, int64_t submit_ns,
                          int64_t done_ns, std::vector<bool>& seen) {
  if (id >= shape_.tasks) fail("result for unknown task " + std::to_string(id));
  if (seen[id]) fail("task " + std::to_string(id) + " came back twice");
  seen[id] = true;
  episode_latencies_.record(done_ns - submit_ns);
  report.sum += sum;
  ++report.collected;
}

uint64_t PoolWorkload::run_client() {
  Report& report = *static_cast<Report*>(region_.data());
  report.sum = 0;
  report.collected = 0;
  if (kind_ == PoolKind::kWorkerPool) {
    try {
      client_worker_pool(report);
    } catch (...) {
      // Release the pool workers at once instead of letting them wait
      // out their timeout: this episode is an error either way.
      tasks_->close();
      results_->close();
      throw;
    }
  } else {
    client_spawn_per_task(report);
  }
  return report.collected;
}

void PoolWorkload::client_worker_pool(Report& report) {
  // Acquire: pairs with the bump in plan()'s prepare (which WorkerGroup's
  // start gate orders before this body as well).
  const uint32_t episode = report.episode.load(std::memory_order_acquire);
  const uint64_t window = 2 * static_cast<uint64_t>(shape_.workers);
  std::vector<bool> seen(shape_.tasks);
  uint64_t submitted = 0;
  auto as_bytes = [](const auto& record) {
    return std::span<const std::byte>(reinterpret_cast<const std::byte*>(&record), sizeof record);
  };
  while (report.collected < shape_.tasks) {
    while (submitted < shape_.tasks && submitted - report.collected < window) {
      const Task task{submitted, submitted * shape_.task_items, shape_.task_items, monotonic_ns(),
                      episode, 0};
      const QueueStatus status = tasks_->push(as_bytes(task), shape_.timeout);
      if (status != QueueStatus::kOk)
        fail("client: task queue push: " + std::string(to_string(status)));
      ++submitted;
    }
    TaskResult result;
    size_t size = 0;
    const QueueStatus status = results_->pop(
        std::span<std::byte>(reinterpret_cast<std::byte*>(&result), sizeof result), &size,
        shape_.timeout);
    if (status != QueueStatus::kOk)
      fail("client: waiting for results (" + std::to_string(report.collected) + " of " +
           std::to_string(shape_.tasks) + "): " + std::string(to_string(status)));
    if (size != sizeof result || result.episode != episode) fail("client: a stray result");
    // A pool task is done for the client when its result arrives.
    record(report, result.id, result.sum, result.submit_ns, monotonic_ns(), seen);
  }
  const Task stop{0, 0, 0, 0, episode, 1};
  for (int i = 0; i < shape_.workers; ++i)
    if (tasks_->push(as_bytes(stop), shape_.timeout) != QueueStatus::kOk)
      fail("client: could not stop the pool");
}

uint64_t PoolWorkload::run_pool_worker(int index) {
  uint64_t done = 0;
  for (;;) {
    Task task;
    size_t size = 0;
    const QueueStatus status =
        tasks_->pop(std::span<std::byte>(reinterpret_cast<std::byte*>(&task), sizeof task), &size,
                    shape_.timeout);
    if (status == QueueStatus::kClosed) return done;  // the client gave up
    if (status != QueueStatus::kOk)
      fail("pool worker " + std::to_string(index) + ": " + std::string(to_string(status)));
    if (task.stop) return done;
    const TaskResult result{task.id, hash_sum(task.begin, task.begin + task.items), task.submit_ns,
                            task.episode, static_cast<uint32_t>(index), 0};
    const QueueStatus pushed = results_->push(
        std::span<const std::byte>(reinterpret_cast<const std::byte*>(&result), sizeof result),
        shape_.timeout);
    if (pushed == QueueStatus::kClosed) return done;
    if (pushed != QueueStatus::kOk)
      fail("pool worker " + std::to_string(index) + ": " + std::string(to_string(pushed)));
    ++done;
  }
}

void PoolWorkload::client_spawn_per_task(Report& report) {
  const auto n = static_cast<uint64_t>(shape_.workers);
  auto* out = reinterpret_cast<TaskResult*>(static_cast<char*>(region_.data()) +
                                            align64(sizeof(Report)));
  std::vector<bool> seen(shape_.tasks);
  std::vector<std::thread> threads(n);
  std::vector<pid_t> pids(n, -1);
  std::vector<int64_t> submitted(n);
  std::string error;

  auto start = [&](uint64_t id) {
    const auto slot = static_cast<size_t>(id % n);
    out[slot] = TaskResult{~uint64_t{0}, 0, 0, 0, 0, 0};
    submitted[slot] = monotonic_ns();
    const uint64_t begin = id * shape_.task_items, end = begin + shape_.task_items;
    if (mode_ == WorkerMode::kThread) {
      threads[slot] = std::thread([this, out, slot, id, begin, end] {
        const uint32_t cpu = pin_task(static_cast<int>(slot));
        const uint64_t sum = hash_sum(begin, end);
        out[slot] = TaskResult{id, sum, 0, 0, cpu, monotonic_ns()};
      });
      return;
    }
    pids[slot] = fork_child([this, out, slot, id, begin, end] {
      const uint32_t cpu = pin_task(static_cast<int>(slot));
      const uint64_t sum = hash_sum(begin, end);
      out[slot] = TaskResult{id, sum, 0, 0, cpu, monotonic_ns()};
      return 0;
    });
  };
  // Joins the task, then records its result; a failure is remembered, not
  // thrown, so that every other task is still joined or reaped. The latency
  // ends at the task's own completion stamp, not at the join: the client
  // joins tasks oldest first, whenever it gets to them.
  auto finish = [&](uint64_t id) {
    const auto slot = static_cast<size_t>(id % n);
    if (before_join_) before_join_();
    if (mode_ == WorkerMode::kThread) {
      if (!threads[slot].joinable()) return;
      threads[slot].join();
    } else {
      if (pids[slot] < 0) return;
      const pid_t pid = std::exchange(pids[slot], -1);
      const int status = wait_child(pid);
      if (!exited_with(status, 0)) {
        if (error.empty())
          error = "task " + std::to_string(id) + " (pid " + std::to_string(pid) + ") " +
                  describe_wait_status(status);
        return;
      }
    }
    if (!error.empty()) return;
    if (out[slot].id != id) {
      error = "task " + std::to_string(id) + " left no result";
      return;
    }
    // A task not on its place would make the numbers mean something else.
    const int expected_pu = task_pus_[static_cast<size_t>(slot)];
    if (pin_ && out[slot].worker != static_cast<uint32_t>(expected_pu)) {
      error = "task " + std::to_string(id) + " ran on PU " +
              std::to_string(static_cast<int32_t>(out[slot].worker)) + ", not on its place's PU " +
              std::to_string(expected_pu);
      return;
    }
    try {
      record(report, id, out[slot].sum, submitted[slot], out[slot].done_ns, seen);
    } catch (const std::exception& e) {
      error = e.what();
    }
  };

  uint64_t id = 0;
  try {
    for (; id < shape_.tasks && error.empty(); ++id) {
      if (id >= n) finish(id - n);
      start(id);
    }
  } catch (const std::exception& e) {
    if (error.empty()) error = e.what();
  }
  // Join or reap whatever is still running, oldest first.
  for (uint64_t done = id > n ? id - n : 0; done < id; ++done) finish(done);
  if (!error.empty()) fail(error);
}

EpisodePlan PoolWorkload::plan() {
  EpisodePlan plan;
  plan.prepare = [this] {
    // Release: pairs with the acquire in client_worker_pool().
    static_cast<Report*>(region_.data())->episode.fetch_add(1, std::memory_order_release);
    episode_latencies_.clear();
  };
  plan.after_warmup = [this] {
    latencies_.clear();
    fairness_sum_ = 0;
    fairness_episodes_ = 0;
  };
  plan.judge = [this](const EpisodeResult& result) {
    const Report& report = *static_cast<const Report*>(region_.data());
    EpisodeVerdict verdict{shape_.tasks, static_cast<double>(shape_.tasks - report.collected), ""};
    if (report.collected != shape_.tasks)
      verdict.error = std::to_string(report.collected) + " of " + std::to_string(shape_.tasks) +
                      " results collected";
    else if (report.sum != expected_)
      verdict.error = "the results add up to " + std::to_string(report.sum) + ", expected " +
                      std::to_string(expected_);
    if (!verdict.error.empty()) return verdict;
    latencies_.merge(episode_latencies_);
    if (kind_ == PoolKind::kWorkerPool && result.worker_ops.size() > 1) {
      fairness_sum_ += jain_index(std::span<const uint64_t>(result.worker_ops).subspan(1));
      ++fairness_episodes_;
    }
    return verdict;
  };
  return plan;
}

double PoolWorkload::pool_fairness() const {
  return fairness_episodes_ ? fairness_sum_ / fairness_episodes_ : -1.0;
}

}  // namespace contend
