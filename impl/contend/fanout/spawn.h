// Spawning tasks: what it costs to start a unit of concurrency and wait
// for it, the tutorial's Thread(...).start()/join() against
// Process(...).start()/join(), measured by bench_fanout's `spawn` family.
//
//   std_thread   std::thread that records it ran, then join
//   fork         fork(); the child _exit()s at once; waitpid
//   posix_spawn  posix_spawn of the tiny contend_spawn_child program, which
//                exits at once; waitpid (glibc spawns with CLONE_VFORK, so
//                no page tables are copied, but the program is exec'd)
//
// Tasks are trivial on purpose: the time is the spawn and the reaping.
// Each task proves it ran (a flag, or an exit status derived from its
// number), so a task that did not run is an error. Whatever happens, every
// child is reaped before spawn_tasks() returns.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "contend/harness/worker_mode.h"

namespace contend {

enum class SpawnKind { kStdThread, kFork, kPosixSpawn };
inline constexpr SpawnKind kAllSpawnKinds[] = {SpawnKind::kStdThread, SpawnKind::kFork,
                                               SpawnKind::kPosixSpawn};
std::string_view to_string(SpawnKind kind);  // the impl id
// thread for std_thread, process for the others.
WorkerMode spawn_mode(SpawnKind kind);

// The helper program posix_spawn runs: contend_spawn_child in the directory
// of the running executable (found through /proc/self/exe).
std::string spawn_child_path();

// Spawns `tasks` tasks, `batch` at a time (start `batch`, then wait for all
// of them), and returns "" when every task ran and ended as it should, or
// what went wrong. `child_path` is used by kPosixSpawn only.
std::string spawn_tasks(SpawnKind kind, uint64_t tasks, int batch,
                        const std::string& child_path = spawn_child_path());

}  // namespace contend
