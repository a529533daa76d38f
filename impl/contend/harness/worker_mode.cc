// WorkerMode's names. See worker_mode.h.
#include "contend/harness/worker_mode.h"

#include <stdexcept>
#include <string>

namespace contend {

std::string_view to_string(WorkerMode mode) {
  return mode == WorkerMode::kThread ? "thread" : "process";
}

WorkerMode parse_worker_mode(std::string_view name) {
  if (name == "thread") return WorkerMode::kThread;
  if (name == "process") return WorkerMode::kProcess;
  throw std::invalid_argument("unknown mode '" + std::string(name) +
                              "' (expected thread or process)");
}

}  // namespace contend
