// WorkerGroup: N pinned workers that run timed episodes on command.
//
// Google Benchmark's own Threads(n) spawns unpinned threads, gives every
// thread the same iteration count and cannot run processes, so contend owns
// its workers. A group is created once per benchmark instance; each call to
// run_episode() releases all workers through a start gate at one instant
// and measures the makespan: from that release to the last worker's finish.
//
// Workers are threads (WorkerMode::kThread) or forked processes
// (WorkerMode::kProcess). In process mode the body runs in a child that saw
// the parent's memory at fork time: anything the workers must share (and
// the parent must read back) has to live in a Shared<T> / SharedRegion.
// Children die with the parent (fork_child, child_process.h), are reaped
// by the destructor, and a child that dies mid-episode turns that episode
// into an error naming the signal.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "contend/harness/shared_memory.h"
#include "contend/harness/worker_mode.h"
#include "contend/topology/placement.h"
#include "contend/topology/topology.h"

namespace contend {

// What a worker body sees of its group.
struct WorkerContext {
  int index = 0;     // 0..workers-1, also the index into the group's places
  int workers = 1;
  const std::atomic<uint32_t>* stop = nullptr;
  int64_t* work_done_ns = nullptr;  // this worker's slot; see mark_work_done

  // True once a timed episode's duration has passed. Bodies of timed
  // episodes poll it (cheaply: every few dozen operations). Relaxed: a bare
  // flag; results reach the parent through the group's check-out.
  bool stop_requested() const noexcept {
    return stop->load(std::memory_order_relaxed) != 0;
  }

  // Declares when this worker's real work ended (a steady_clock /
  // monotonic_ns stamp), for bodies that stay in the episode after it
  // (a consumer still asleep until a stop pill wakes it): the makespan
  // then counts this stamp instead of the body's return. Unmarked, the
  // return counts.
  void mark_work_done(int64_t at_ns) const noexcept { *work_done_ns = at_ns; }
};

// A worker's body: does one episode's work and returns how many operations
// it completed (the per-worker counts behind the fairness index).
using WorkerBody = std::function<uint64_t(const WorkerContext&)>;

struct EpisodeResult {
  double makespan_seconds = 0;          // release -> last finish (of real work)
  int64_t release_ns = 0;               // the release, on monotonic_ns's clock
  std::vector<double> worker_seconds;   // each worker's own start -> finish
  std::vector<uint64_t> worker_ops;
  std::string error;                    // non-empty: no valid measurement

  bool ok() const { return error.empty(); }
  uint64_t total_ops() const;
  double fairness() const;              // Jain's index over worker_ops
};

class WorkerGroup {
 public:
  // Starts one worker per place, pinned there when the topology is this
  // machine's. Throws std::runtime_error when a worker cannot be started,
  // after stopping and joining (or reaping) the ones already started.
  WorkerGroup(const Topology& topology, std::vector<Place> places, WorkerBody body,
              WorkerMode mode = WorkerMode::kThread);
  ~WorkerGroup();
  WorkerGroup(const WorkerGroup&) = delete;
  WorkerGroup& operator=(const WorkerGroup&) = delete;

  // Runs one episode. With a zero duration every body runs to completion;
  // otherwise stop_requested() turns true `duration` after the release.
  EpisodeResult run_episode(std::chrono::nanoseconds duration = {});

  int size() const { return static_cast<int>(places_.size()); }
  WorkerMode mode() const { return mode_; }
  const std::vector<Place>& places() const { return places_; }

 private:
  struct Control;
  struct Slot;

  void start_threads();
  void start_thread(int index);
  void start_processes();
  void pin_self(int index);
  void worker_loop(int index);
  bool wait_for(std::atomic<uint32_t>& counter, std::string& error);
  std::string reap_dead_children();
  void stop_workers();

  const Topology& topology_;
  std::vector<Place> places_;
  WorkerBody body_;
  WorkerMode mode_;
  SharedRegion region_;
  Control* control_;
  Slot* slots_;
  std::vector<std::thread> threads_;
  std::vector<pid_t> children_;
  std::string broken_;  // set once a worker died: the group cannot continue
};

// Test seam: the `nth` worker thread started from now on (0 = the next
// one, in any group) fails to start as if std::thread's constructor had
// thrown; negative (the default) disarms it. Fires once.
void fail_thread_start_for_test(int nth);

}  // namespace contend
