// Worker threads and processes behind a start gate. See worker_group.h.
//
// The gate is three counters in one shared control block:
//   epoch    bumped by the parent to begin an episode; idle workers sleep on
//            it (futex), so an idle group costs no CPU;
//   arrived  each awake worker checks in, then spins on `go` — spinning, not
//            sleeping, so that release is one store and every worker sees it
//            within nanoseconds instead of a futex wake-up apart;
//   finished each worker checks out after recording its times and ops.
// The parent stamps the release time just before storing `go`; the
// makespan is the latest finish minus that stamp. CLOCK_MONOTONIC (the
// steady_clock) is system-wide, so stamps from child processes compare.
//
// Memory order: two hand-overs carry data, labelled at both ends.
//   (1) epoch, parent -> workers: the bump (release) pairs with the
//       workers' load (acquire); everything the parent did before it (the
//       workload's prepare(), the reset of the counters below, shutdown)
//       happens-before the episode's bodies.
//   (3) finished, workers -> parent: each check-out (release) pairs with
//       wait_for()'s load (acquire); a body's writes and its Slot happen-
//       before the parent reads them. The check-outs are RMWs, so the load
//       that sees the last one synchronizes with every one of them.
// (2), `go`, is the start signal: it is release/acquire, but the parent
// writes nothing between (1) and (2) for it to carry. `arrived` carries
// nothing either (pin_error is read after (3)), nor `stop`.
#include "contend/harness/clock.h"
#include "contend/harness/worker_group.h"

#include <algorithm>
#include <cstdio>
#include <optional>
#include <stdexcept>
#include <system_error>
#include <utility>

#include "contend/harness/child_process.h"
#include "contend/harness/fairness.h"
#include "contend/harness/futex.h"
#include "contend/sync/backoff.h"

namespace contend {

namespace {

// How often a waiting parent looks for dead children.
constexpr auto kLivenessPoll = std::chrono::milliseconds(20);

// fail_thread_start_for_test's countdown: threads to start before the one
// that fails; negative when disarmed.
std::atomic<int> thread_starts_before_failure{-1};

// True for the thread start the test seam picked. One relaxed RMW only
// when armed: the seam is off in every production run. Relaxed throughout:
// a countdown that publishes nothing, armed by fail_thread_start_for_test()
// on the thread that then starts the workers.
bool injected_thread_start_failure() {
  if (thread_starts_before_failure.load(std::memory_order_relaxed) < 0) return false;
  return thread_starts_before_failure.fetch_sub(1, std::memory_order_relaxed) == 0;
}

}  // namespace

struct WorkerGroup::Control {
  alignas(64) std::atomic<uint32_t> epoch{0};
  alignas(64) std::atomic<uint32_t> arrived{0};
  alignas(64) std::atomic<uint32_t> go{0};
  alignas(64) std::atomic<uint32_t> finished{0};
  alignas(64) std::atomic<uint32_t> stop{0};
  std::atomic<uint32_t> shutdown{0};
};

struct alignas(64) WorkerGroup::Slot {
  int64_t start_ns = 0;
  int64_t finish_ns = 0;
  int64_t work_done_ns = 0;  // set by the body (mark_work_done), 0 if not
  uint64_t ops = 0;
  char error[160] = {};      // a body that threw: its message, for the parent
  char pin_error[160] = {};  // set once if pinning failed: every episode is void
};

uint64_t EpisodeResult::total_ops() const {
  uint64_t total = 0;
  for (uint64_t ops : worker_ops) total += ops;
  return total;
}

double EpisodeResult::fairness() const { return jain_index(worker_ops); }

WorkerGroup::WorkerGroup(const Topology& topology, std::vector<Place> places,
                         WorkerBody body, WorkerMode mode)
    : topology_(topology),
      places_(std::move(places)),
      body_(std::move(body)),
      mode_(mode),
      region_(sizeof(Control) + places_.size() * sizeof(Slot)) {
  if (places_.empty()) throw std::invalid_argument("a worker group needs at least one worker");
  control_ = new (region_.data()) Control;
  slots_ = new (static_cast<char*>(region_.data()) + sizeof(Control)) Slot[places_.size()];
  if (mode_ == WorkerMode::kThread) {
    start_threads();
  } else {
    start_processes();
  }
}

WorkerGroup::~WorkerGroup() { stop_workers(); }

void fail_thread_start_for_test(int nth) {
  // Relaxed: see injected_thread_start_failure().
  thread_starts_before_failure.store(nth, std::memory_order_relaxed);
}

void WorkerGroup::start_thread(int index) {
  if (injected_thread_start_failure())
    throw std::system_error(std::make_error_code(std::errc::resource_unavailable_try_again),
                            "injected thread start failure");
  threads_.emplace_back([this, index] { worker_loop(index); });
}

// A thread that cannot be started (std::system_error: out of threads or
// memory) must not leave the ones already running joinable: destroying
// those would call std::terminate. They are stopped and joined, and the
// failure becomes an exception that skip_on_exception makes an error row.
void WorkerGroup::start_threads() {
  threads_.reserve(places_.size());
  for (int i = 0; i < size(); ++i) {
    try {
      start_thread(i);
    } catch (const std::exception& e) {
      stop_workers();
      throw std::runtime_error("could not start worker thread " + std::to_string(i) + " of " +
                               std::to_string(size()) + ": " + e.what());
    }
  }
}

void WorkerGroup::start_processes() {
  // A body may write to stdio: what the parent buffered must not be
  // written again by every child.
  std::fflush(nullptr);
  for (int i = 0; i < size(); ++i) {
    try {
      children_.push_back(fork_child([this, i] {
        worker_loop(i);
        return 0;
      }));
    } catch (const std::exception& e) {
      stop_workers();
      throw std::runtime_error(std::string("could not start worker process ") +
                               std::to_string(i) + ": " + e.what());
    }
  }
}

void WorkerGroup::pin_self(int index) {
  if (!topology_.can_pin()) return;
  try {
    if (mode_ == WorkerMode::kThread) {
      topology_.pin_current_thread(places_[index].pu);
    } else {
      topology_.pin_current_process(places_[index].pu);
    }
  } catch (const std::exception& e) {
    std::snprintf(slots_[index].pin_error, sizeof slots_[index].pin_error,
                  "worker %d: %s", index, e.what());
  }
}

void WorkerGroup::worker_loop(int index) {
  pin_self(index);
  Slot& slot = slots_[index];
  const WorkerContext context{index, size(), &control_->stop, &slot.work_done_ns};
  uint32_t seen = 0;
  for (;;) {
    uint32_t epoch;
    while ((epoch = control_->epoch.load(std::memory_order_acquire)) == seen)  // (1)
      futex_wait(control_->epoch, seen);
    seen = epoch;
    // Pairs with the release in stop_workers(), but (1) already orders it:
    // shutdown is stored before the bump that woke us.
    if (control_->shutdown.load(std::memory_order_acquire)) return;

    // acq_rel pairs with run_episode()'s wait_for(arrived), though no data
    // rides on it.
    if (control_->arrived.fetch_add(1, std::memory_order_acq_rel) + 1 ==
        static_cast<uint32_t>(size()))
      futex_wake_all(control_->arrived);
    SpinWait wait;
    while (control_->go.load(std::memory_order_acquire) != epoch) wait.pause();  // (2)

    slot.start_ns = monotonic_ns();
    slot.work_done_ns = 0;
    slot.error[0] = '\0';
    try {
      slot.ops = body_(context);
    } catch (const std::exception& e) {
      slot.ops = 0;
      std::snprintf(slot.error, sizeof slot.error, "worker %d threw: %s", index, e.what());
    }
    // A body that marked the end of its real work is timed to that mark.
    slot.finish_ns = slot.work_done_ns ? slot.work_done_ns : monotonic_ns();
    // (3): the release half publishes this slot and the body's writes; the
    // acquire half orders nothing (a worker reads no peer's results).
    if (control_->finished.fetch_add(1, std::memory_order_acq_rel) + 1 ==
        static_cast<uint32_t>(size()))
      futex_wake_all(control_->finished);
  }
}

std::string WorkerGroup::reap_dead_children() {
  for (size_t i = 0; i < children_.size(); ++i) {
    if (children_[i] <= 0) continue;
    const std::optional<int> status = try_reap_child(children_[i]);
    if (!status) continue;
    const pid_t pid = std::exchange(children_[i], -1);
    return "worker " + std::to_string(i) + " (pid " + std::to_string(pid) + ") " +
           describe_wait_status(*status);
  }
  return {};
}

// Waits until `counter` reaches the group size. In process mode it also
// watches for dead children, which would otherwise leave it waiting forever.
// The acquire loads are (3)'s parent end for `finished`.
bool WorkerGroup::wait_for(std::atomic<uint32_t>& counter, std::string& error) {
  const auto target = static_cast<uint32_t>(size());
  for (;;) {
    uint32_t value = counter.load(std::memory_order_acquire);
    if (value == target) return true;
    futex_wait(counter, value, kLivenessPoll);
    if (mode_ == WorkerMode::kProcess && counter.load(std::memory_order_acquire) != target) {
      error = reap_dead_children();
      if (!error.empty()) return false;
    }
  }
}

EpisodeResult WorkerGroup::run_episode(std::chrono::nanoseconds duration) {
  EpisodeResult result;
  if (!broken_.empty()) {
    result.error = broken_;
    return result;
  }
  Control& c = *control_;
  // Relaxed: no worker touches these before (1), which publishes them.
  c.arrived.store(0, std::memory_order_relaxed);
  c.finished.store(0, std::memory_order_relaxed);
  c.stop.store(0, std::memory_order_relaxed);
  const uint32_t epoch = c.epoch.fetch_add(1, std::memory_order_release) + 1;  // (1)
  futex_wake_all(c.epoch);

  if (!wait_for(c.arrived, broken_)) {
    result.error = broken_;
    return result;
  }
  const int64_t release_ns = monotonic_ns();
  c.go.store(epoch, std::memory_order_release);  // (2)
  if (duration.count() > 0) {
    std::this_thread::sleep_until(std::chrono::steady_clock::time_point(
        std::chrono::nanoseconds(release_ns) + duration));
    // Relaxed: a bare flag; what the bodies did comes back by (3).
    c.stop.store(1, std::memory_order_relaxed);
  }
  if (!wait_for(c.finished, broken_)) {
    result.error = broken_;
    return result;
  }

  int64_t last_finish = release_ns;
  for (int i = 0; i < size(); ++i) {
    const Slot& slot = slots_[i];
    if (slot.pin_error[0] && result.error.empty()) result.error = slot.pin_error;
    if (slot.error[0] && result.error.empty()) result.error = slot.error;
    last_finish = std::max(last_finish, slot.finish_ns);
    // A worker that started after the work it marked as done (it did none)
    // spent no time on it.
    result.worker_seconds.push_back(std::max<int64_t>(slot.finish_ns - slot.start_ns, 0) * 1e-9);
    result.worker_ops.push_back(slot.ops);
  }
  result.makespan_seconds = (last_finish - release_ns) * 1e-9;
  result.release_ns = release_ns;
  return result;
}

void WorkerGroup::stop_workers() {
  control_->shutdown.store(1, std::memory_order_release);  // redundant: (1) carries it
  control_->epoch.fetch_add(1, std::memory_order_release);  // (1)
  futex_wake_all(control_->epoch);
  for (std::thread& t : threads_) t.join();
  threads_.clear();
  for (pid_t& pid : children_) {
    if (pid <= 0) continue;
    // A child stuck in a body (a hung benchmark) would never see shutdown:
    // give it a second, then kill it. Either way it is reaped here.
    bool reaped = false;
    for (int tries = 0; tries < 100 && !reaped; ++tries) {
      reaped = try_reap_child(pid).has_value();
      if (!reaped) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (!reaped) kill_child(pid);
    pid = -1;
  }
}

}  // namespace contend
