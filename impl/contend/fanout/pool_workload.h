// PoolWorkload: the tutorial's Pool(n).apply_async(f, args) ... .get():
// a client submits many independent tasks to n workers and collects their
// results, measured as tasks per second and submit-to-result latency.
//
//   worker_pool     n workers started once (threads, or pre-forked
//                   processes) take tasks from a ShmQueue and put results
//                   on another — the queues live in shared memory, so the
//                   same code is a thread pool or a process pool.
//   spawn_per_task  the contrast: every task gets a fresh std::thread or
//                   fork()ed child, with at most n in flight.
//
// The client is worker 0 of the group and keeps at most 2n tasks
// submitted but not collected (worker_pool) or n running (spawn_per_task),
// so latency is measured under a steady load, not a burst of everything at
// once. Latency runs from submission to the result reaching the client
// (worker_pool) or to the spawned task's own completion stamp
// (spawn_per_task: the client only learns of it when it joins the task). A task is a hash_sum() over its own range; the client checks that
// every task came back exactly once and that the results add up.
// Pool workers and spawned tasks are pinned to places[1..n]; a spawned task
// that did not run on its place is an error, like a worker that could not
// be pinned.
#pragma once

#include <sched.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "contend/harness/episode_runner.h"
#include "contend/harness/latency_histogram.h"
#include "contend/harness/shared_memory.h"
#include "contend/harness/worker_group.h"
#include "contend/shm/shm_queue.h"
#include "contend/topology/placement.h"
#include "contend/topology/topology.h"

namespace contend {

enum class PoolKind { kWorkerPool, kSpawnPerTask };
inline constexpr PoolKind kAllPoolKinds[] = {PoolKind::kWorkerPool, PoolKind::kSpawnPerTask};
std::string_view to_string(PoolKind kind);  // the impl id

struct PoolShape {
  int workers = 2;              // n: pool size, or tasks in flight
  uint64_t tasks = 1000;        // per episode
  uint64_t task_items = 1000;   // hash_sum items per task
  std::chrono::nanoseconds timeout = std::chrono::seconds(30);  // any single wait
};

class PoolWorkload {
 public:
  // `places` has shape.workers + 1 entries: the client's, then the pool's.
  PoolWorkload(PoolKind kind, WorkerMode mode, const PoolShape& shape, const Topology& topology,
               std::vector<Place> places);
  ~PoolWorkload();

  // The places to start the WorkerGroup with: the client and the pool
  // workers, or the client alone for spawn_per_task.
  std::vector<Place> group_places() const;
  uint64_t run_worker(const WorkerContext& context);
  // prepare + judge; the judge collects latencies and pool fairness
  // (after_warmup forgets those of warm-up episodes).
  EpisodePlan plan();
  const LatencyHistogram& latencies() const { return latencies_; }
  // Mean Jain's index over the pool workers' task counts, worker_pool
  // only (negative before any judged episode).
  double pool_fairness() const;
  // Test seam: called by a spawn_per_task client just before it joins or
  // reaps each task (a delay here must not show in the task's latency).
  void set_before_join_for_test(std::function<void()> hook) { before_join_ = std::move(hook); }

 private:
  struct Report;
  struct Task;
  struct TaskResult;

  uint64_t run_client();
  void client_worker_pool(Report& report);
  void client_spawn_per_task(Report& report);
  uint64_t run_pool_worker(int index);
  // Pins a spawned task to its place; returns the PU it now runs on.
  uint32_t pin_task(int slot) const;
  void record(Report& report, uint64_t id, uint64_t sum, int64_t submit_ns, int64_t done_ns,
              std::vector<bool>& seen);

  PoolKind kind_;
  WorkerMode mode_;
  PoolShape shape_;
  std::vector<Place> places_;
  bool pin_;
  std::vector<cpu_set_t> task_cpus_;
  std::vector<int> task_pus_;  // this machine's PU of each task slot (Topology::host_pu)
  uint64_t expected_;
  SharedRegion region_;  // Report, then TaskResult[workers]
  std::unique_ptr<ShmQueue> tasks_;
  std::unique_ptr<ShmQueue> results_;
  LatencyHistogram episode_latencies_;  // recorded by the client (shared memory)
  LatencyHistogram latencies_;
  double fairness_sum_ = 0;
  int fairness_episodes_ = 0;
  std::function<void()> before_join_;
};

}  // namespace contend
