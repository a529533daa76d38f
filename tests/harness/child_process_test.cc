// fork_child, wait_child, try_reap_child, kill_child and the wait-status
// text: exit statuses and signals come back as they happened, a child dies
// with its parent, waits survive signals, and nothing is left behind.
#include "contend/harness/child_process.h"

#include <gtest/gtest.h>
#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>

#include "contend/harness/shared_memory.h"
#include "support/asleep.h"
#include "support/no_leftovers.h"

namespace contend {
namespace {

using namespace std::chrono_literals;
using ChildProcess = testing::NoLeftovers;

std::string outcome(pid_t child) { return describe_wait_status(wait_child(child)); }

TEST_F(ChildProcess, TheBodysResultIsTheExitStatus) {
  const int status = wait_child(fork_child([] { return 3; }));
  EXPECT_TRUE(exited_with(status, 3));
  EXPECT_FALSE(exited_with(status, 0));
  EXPECT_EQ(describe_wait_status(status), "exited with status 3");
}

TEST_F(ChildProcess, ABodyThatThrowsExitsWithStatusOne) {
  EXPECT_EQ(outcome(fork_child([]() -> int { throw std::runtime_error("in the child"); })),
            "exited with status 1");
}

// SIGTERM and SIGKILL, not SIGSEGV: sanitizers catch SIGSEGV and exit instead.
TEST_F(ChildProcess, ASignalIsNamedWithItsNumberAndDescription) {
  EXPECT_EQ(outcome(fork_child([] { return raise(SIGTERM); })),
            "killed by signal 15 (Terminated)");
  EXPECT_EQ(describe_wait_status(W_EXITCODE(0, SIGSEGV)),
            "killed by signal 11 (Segmentation fault)");
}

TEST_F(ChildProcess, TryReapLeavesARunningChildAndReapsAnEndedOne) {
  Shared<std::atomic<int>> release(0);
  const pid_t child = fork_child([&release] {
    while (release->load() == 0) std::this_thread::sleep_for(1ms);
    return 5;
  });
  EXPECT_EQ(try_reap_child(child), std::nullopt);
  release->store(1);
  std::optional<int> status;
  while (!(status = try_reap_child(child))) std::this_thread::sleep_for(1ms);
  EXPECT_TRUE(exited_with(*status, 5));
  EXPECT_EQ(try_reap_child(child), std::nullopt);  // reaped: nothing left to reap
}

TEST_F(ChildProcess, KillChildEndsAndReapsAChildThatWouldRunForever) {
  const pid_t child = fork_child([] {
    for (;;) pause();
    return 0;
  });
  kill_child(child);
  EXPECT_EQ(try_reap_child(child), std::nullopt);
}

TEST_F(ChildProcess, WaitingForAProcessThatIsNoChildThrows) {
  EXPECT_THROW(wait_child(getpid()), std::system_error);
}

std::atomic<int> signals_handled{0};
void count_signal(int) { signals_handled.fetch_add(1); }

// waitpid returns EINTR when a signal with a handler (without SA_RESTART)
// arrives while it sleeps; wait_child waits on. The child runs until it is
// released, and it is released only after three signals have each found
// the waiting thread asleep in waitpid (support/asleep.h) and been handled:
// each of them interrupted the wait, for certain, however busy the machine.
TEST_F(ChildProcess, WaitingSurvivesSignals) {
  struct sigaction action {}, before{};
  action.sa_handler = count_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: an interrupted waitpid fails with EINTR
  ASSERT_EQ(sigaction(SIGUSR1, &action, &before), 0);
  signals_handled.store(0);
  Shared<std::atomic<int>> release(0);
  const pid_t child = fork_child([&release] {
    while (release->load() == 0) std::this_thread::sleep_for(1ms);
    return 7;
  });
  const pid_t waiter_tid = gettid();
  const pthread_t waiter = pthread_self();
  int interrupted = 0;
  std::thread interrupter([&] {
    for (int i = 1; i <= 3; ++i) {
      if (!testing_support::wait_until_asleep_in(getpid(), waiter_tid, {SYS_wait4, SYS_waitid}))
        break;
      pthread_kill(waiter, SIGUSR1);
      // The handler runs as the signal ends the sleep; a bound for a lost signal.
      for (int polls = 0; signals_handled.load() < i && polls < 600'000; ++polls)
        std::this_thread::sleep_for(100us);
      if (signals_handled.load() < i) break;
      interrupted = i;
    }
    release->store(1);  // also when it failed: the test ends either way
  });
  const int status = wait_child(child);
  interrupter.join();
  sigaction(SIGUSR1, &before, nullptr);
  EXPECT_EQ(interrupted, 3) << "signals that found wait_child asleep and were handled";
  EXPECT_TRUE(exited_with(status, 7)) << describe_wait_status(status);
}

// The parent (here a middle process) dies; its child is SIGKILLed with it.
// As a subreaper, this test inherits the orphan and can see how it ended.
// (The middle process waits until its child runs its body: had it died
// before, the child would have exited with status 1 at its getppid check.)
TEST_F(ChildProcess, AChildDiesWithItsParent) {
  ASSERT_EQ(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
  Shared<std::atomic<pid_t>> grandchild(0);
  Shared<std::atomic<int>> running(0);
  const pid_t middle = fork_child([&grandchild, &running] {
    grandchild->store(fork_child([&running] {
      running->store(1);
      for (;;) pause();
      return 0;
    }));
    while (running->load() == 0) std::this_thread::sleep_for(1ms);
    return 0;  // ends, leaving its child behind
  });
  EXPECT_EQ(outcome(middle), "exited with status 0");
  ASSERT_NE(grandchild->load(), 0);
  EXPECT_EQ(outcome(grandchild->load()), "killed by signal 9 (Killed)");
  prctl(PR_SET_CHILD_SUBREAPER, 0);
}

}  // namespace
}  // namespace contend
