// FanoutWorkload: a fixed amount of CPU-bound work (hash_work.h) split over
// the workers of a group, each worker's partial result sent back to the
// parent, which checks that the parts add up to the known total.
//
// Results come back through shared memory (`shared_memory`, threads or
// processes) or, for processes, through a pipe (`pipe`): one 16-byte
// record per worker, written atomically (well under PIPE_BUF) and read by
// the parent after the episode. Items = the total work, the same for every
// worker count, so items/s across the ladder gives speedup and efficiency.
#pragma once

#include <cstdint>
#include <string_view>

#include "contend/harness/episode_runner.h"
#include "contend/harness/shared_memory.h"
#include "contend/harness/worker_group.h"

namespace contend {

enum class ResultPath { kSharedMemory, kPipe };
std::string_view to_string(ResultPath path);  // the impl id

class FanoutWorkload {
 public:
  // Throws std::runtime_error if the pipe cannot be created.
  FanoutWorkload(uint64_t total_items, int workers, ResultPath path);
  ~FanoutWorkload();
  FanoutWorkload(const FanoutWorkload&) = delete;
  FanoutWorkload& operator=(const FanoutWorkload&) = delete;

  uint64_t run_worker(const WorkerContext& context);
  // prepare + judge for run_episodes(); valid while this object lives.
  EpisodePlan plan();
  uint64_t expected_sum() const { return expected_; }

 private:
  struct Control;
  std::string collect(uint64_t& sum);  // "" or what is wrong with the results

  uint64_t total_;
  int workers_;
  ResultPath path_;
  uint64_t expected_;
  SharedRegion region_;
  Control* control_;
  int pipe_[2] = {-1, -1};
};

}  // namespace contend
