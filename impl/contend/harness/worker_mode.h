// WorkerMode: whether a benchmark's workers are threads or processes.
//
// Every instance name carries it (mode:thread, mode:process), so whatever
// names an instance needs it; that is all this header holds. Starting and
// reaping the workers is worker_group.h's business.
#pragma once

#include <string_view>

namespace contend {

enum class WorkerMode { kThread, kProcess };

// The name in benchmark names, flags and the `mode` column.
std::string_view to_string(WorkerMode mode);
WorkerMode parse_worker_mode(std::string_view name);  // throws std::invalid_argument

}  // namespace contend
