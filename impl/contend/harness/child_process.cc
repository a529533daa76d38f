// Forking, waiting for and describing child processes. See child_process.h.
#include "contend/harness/child_process.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>

namespace contend {

namespace child_process_internal {

void die_with_parent(pid_t parent) noexcept {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  // Reparented already: the parent died before the prctl could take hold.
  if (getppid() != parent) _exit(1);
}

}  // namespace child_process_internal

int wait_child(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR)
      throw std::system_error(errno, std::generic_category(), "waitpid " + std::to_string(pid));
  }
  return status;
}

std::optional<int> try_reap_child(pid_t pid) noexcept {
  int status = 0;
  pid_t reaped;
  while ((reaped = waitpid(pid, &status, WNOHANG)) < 0 && errno == EINTR) {
  }
  if (reaped != pid) return std::nullopt;
  return status;
}

void kill_child(pid_t pid) noexcept {
  kill(pid, SIGKILL);
  while (waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
  }
}

bool exited_with(int status, int code) noexcept {
  return WIFEXITED(status) && WEXITSTATUS(status) == code;
}

std::string describe_wait_status(int status) {
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    const int signal = WTERMSIG(status);
    const char* description = sigdescr_np(signal);
    return "killed by signal " + std::to_string(signal) + " (" +
           (description ? description : "unknown signal") + ")";
  }
  return "ended with wait status " + std::to_string(status);
}

}  // namespace contend
