// Spawning and reaping tasks. See spawn.h.
#include "contend/fanout/spawn.h"

#include <spawn.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <climits>
#include <cstring>
#include <exception>
#include <memory>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "contend/harness/child_process.h"

extern char** environ;

namespace contend {

namespace {

// The exit status task `i` must end with: never 0, so that a task that
// exited without being told what to say is caught too.
int task_code(uint64_t i) { return static_cast<int>(1 + i % 100); }

// Waits for one child; "" if it exited with `code`.
std::string reap(pid_t pid, int code) {
  int status = 0;
  try {
    status = wait_child(pid);
  } catch (const std::system_error& e) {
    return e.what();
  }
  if (exited_with(status, code)) return {};
  return "task pid " + std::to_string(pid) + " " + describe_wait_status(status) +
         ", expected status " + std::to_string(code);
}

// Reaps every started child of a batch, keeping the first error.
std::string reap_all(const std::vector<pid_t>& pids, uint64_t first, std::string error) {
  for (size_t j = 0; j < pids.size(); ++j) {
    std::string e = reap(pids[j], task_code(first + j));
    if (error.empty()) error = std::move(e);
  }
  return error;
}

std::string spawn_threads(uint64_t tasks, int batch) {
  std::vector<int> ran(static_cast<size_t>(batch));
  std::vector<std::thread> threads;
  threads.reserve(static_cast<size_t>(batch));
  for (uint64_t first = 0; first < tasks; first += static_cast<uint64_t>(batch)) {
    const auto n = static_cast<size_t>(std::min<uint64_t>(static_cast<uint64_t>(batch), tasks - first));
    std::string error;
    for (size_t j = 0; j < n; ++j) {
      ran[j] = 0;
      try {
        threads.emplace_back([&ran, j, code = task_code(first + j)] { ran[j] = code; });
      } catch (const std::exception& e) {
        error = std::string("std::thread: ") + e.what();
        break;
      }
    }
    for (std::thread& t : threads) t.join();
    for (size_t j = 0; j < threads.size() && error.empty(); ++j)
      if (ran[j] != task_code(first + j)) error = "thread task " + std::to_string(first + j) + " did not run";
    threads.clear();
    if (!error.empty()) return error;
  }
  return {};
}

std::string spawn_forks(uint64_t tasks, int batch) {
  std::vector<pid_t> pids;
  pids.reserve(static_cast<size_t>(batch));
  for (uint64_t first = 0; first < tasks; first += static_cast<uint64_t>(batch)) {
    const auto n = std::min<uint64_t>(static_cast<uint64_t>(batch), tasks - first);
    std::string error;
    pids.clear();
    for (uint64_t j = 0; j < n; ++j) {
      const int code = task_code(first + j);
      // A bare fork, not fork_child(): this fork and the child's immediate
      // _exit are what the `fork` impl measures. Nothing else: no atexit,
      // no stdio flush, no PR_SET_PDEATHSIG (the child is gone at once).
      const pid_t pid = fork();
      if (pid == 0) _exit(code);
      if (pid < 0) {
        error = std::string("fork: ") + std::strerror(errno);
        break;
      }
      pids.push_back(pid);
    }
    error = reap_all(pids, first, std::move(error));
    if (!error.empty()) return error;
  }
  return {};
}

std::string spawn_programs(uint64_t tasks, int batch, const std::string& path) {
  std::vector<pid_t> pids;
  pids.reserve(static_cast<size_t>(batch));
  // The argument strings, made once: nothing but spawning is timed.
  static const std::vector<std::string> codes = [] {
    std::vector<std::string> all;
    for (int c = 0; c <= 100; ++c) all.push_back(std::to_string(c));
    return all;
  }();
  for (uint64_t first = 0; first < tasks; first += static_cast<uint64_t>(batch)) {
    const auto n = std::min<uint64_t>(static_cast<uint64_t>(batch), tasks - first);
    std::string error;
    pids.clear();
    for (uint64_t j = 0; j < n; ++j) {
      char* argv[] = {const_cast<char*>(path.c_str()),
                      const_cast<char*>(codes[task_code(first + j)].c_str()), nullptr};
      pid_t pid = -1;
      // glibc reports a failed exec here (not as exit status 127).
      const int rc = posix_spawn(&pid, path.c_str(), nullptr, nullptr, argv, environ);
      if (rc != 0) {
        error = "posix_spawn " + path + ": " + std::strerror(rc);
        break;
      }
      pids.push_back(pid);
    }
    error = reap_all(pids, first, std::move(error));
    if (!error.empty()) return error;
  }
  return {};
}

}  // namespace

std::string_view to_string(SpawnKind kind) {
  switch (kind) {
    case SpawnKind::kStdThread: return "std_thread";
    case SpawnKind::kFork: return "fork";
    case SpawnKind::kPosixSpawn: return "posix_spawn";
  }
  return "?";
}

WorkerMode spawn_mode(SpawnKind kind) {
  return kind == SpawnKind::kStdThread ? WorkerMode::kThread : WorkerMode::kProcess;
}

std::string spawn_child_path() {
  char exe[PATH_MAX];
  const ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0) return "contend_spawn_child";
  std::string path(exe, static_cast<size_t>(n));
  return path.substr(0, path.rfind('/') + 1) + "contend_spawn_child";
}

std::string spawn_tasks(SpawnKind kind, uint64_t tasks, int batch, const std::string& child_path) {
  if (batch < 1) return "spawn batch must be at least 1";
  switch (kind) {
    case SpawnKind::kStdThread: return spawn_threads(tasks, batch);
    case SpawnKind::kFork: return spawn_forks(tasks, batch);
    case SpawnKind::kPosixSpawn: return spawn_programs(tasks, batch, child_path);
  }
  return "unknown spawn kind";
}

}  // namespace contend
