// The io_uring model beyond what every model is tested for
// (echo_server_test.cc): a kernel or seccomp filter that refuses io_uring
// is one clear line from start(), and fresh clients are never reset, amid
// connection churn (descriptor numbers reused) or across server restarts
// (the first attempt's ECONNRESET, issue 24; uring_loop.h says why).
#include <gtest/gtest.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstddef>
#include <string>
#include <system_error>
#include <thread>

#include "contend/server/connect_churn_load.h"
#include "contend/server/echo_client_load.h"
#include "contend/server/uring_loop.h"
#include "contend/server/uring_server.h"
#include "server/server_test_support.h"
#include "support/no_leftovers.h"

namespace contend {
namespace {

using testing::run_load;

// In a forked child: io_uring_setup fails with EPERM from here on, as
// under Docker's default seccomp profile. (x86-64 and arm64 number it the
// same; a 32-bit caller would not be filtered, and this test has none.)
bool refuse_io_uring() {
  sock_filter filter[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_io_uring_setup, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  sock_fprog program{.len = sizeof filter / sizeof filter[0], .filter = filter};
  return ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 &&
         ::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program) == 0;
}

// The child's start() under the filter: what it threw, written to `out`.
[[noreturn]] void start_refused(int out) {
  if (!refuse_io_uring()) ::_exit(2);
  std::string message = "start() threw nothing";
  try {
    UringServer server(ServerConfig{});
    server.start();
  } catch (const std::system_error& e) {
    message = e.what();
  }
  const bool written =
      ::write(out, message.data(), message.size()) == static_cast<ssize_t>(message.size());
  ::_exit(written ? 0 : 3);  // a pipe takes a short line whole
}

TEST(UringRefusal, ARefusedRingIsOneLineFromStart) {
  int pipe_fds[2];
  ASSERT_EQ(::pipe2(pipe_fds, O_CLOEXEC), 0);
  UniqueFd in(pipe_fds[0]);
  UniqueFd out(pipe_fds[1]);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) start_refused(out.get());
  out.reset();
  std::string message;
  char chunk[256];
  for (ssize_t n; (n = ::read(in.get(), chunk, sizeof chunk)) > 0;) message.append(chunk, n);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "child status " << status;
  EXPECT_EQ(message, "io_uring_setup (SINGLE_ISSUER, DEFER_TASKRUN): Operation not permitted");
}

class UringServerTest : public testing::NoLeftovers {
 protected:
  void SetUp() override {
    NoLeftovers::SetUp();
    const std::string refusal = uring_refusal();
    if (!refusal.empty()) GTEST_SKIP() << "io_uring refused: " << refusal;
  }
};

// Churn clients connect, echo and close 600 times while pipelined
// connections stay busy: descriptor numbers are reused all along, and a
// completion landing on the wrong connection would reset or close a fresh
// client (an error, not a count).
TEST_F(UringServerTest, FreshClientsAmidChurnAreNeverReset) {
  UringServer server(ServerConfig{});
  server.start();
  EchoClientLoad steady(EchoLoadConfig{.port = server.port(), .connections = 4, .clients = 1,
                                       .bytes = 300, .requests_per_connection = 200,
                                       .offered_per_second = 40000});
  steady.connect_all();
  EpisodeVerdict steady_verdict;
  std::thread busy([&] { steady_verdict = run_load(steady, 1, 3); });
  ConnectChurnLoad churn(ChurnLoadConfig{.port = server.port(), .clients = 2, .bytes = 100,
                                         .requests_per_client = 100});
  const EpisodeVerdict churn_verdict = run_load(churn, 2, 3);
  busy.join();
  EXPECT_EQ(churn_verdict.error, "");
  EXPECT_EQ(churn_verdict.items, 200u);
  EXPECT_EQ(steady_verdict.error, "");
  EXPECT_EQ(steady_verdict.items, 800u);
}

// A bench repetition's life, 20 times over: a fresh server, fresh clients,
// a stop with the clients still connected. Every one is served.
TEST_F(UringServerTest, EveryRestartServesItsFreshClients) {
  for (int round = 0; round < 20; ++round) {
    UringServer server(ServerConfig{});
    server.start();
    EchoClientLoad load(EchoLoadConfig{.port = server.port(), .connections = 16, .clients = 2,
                                       .bytes = 64, .requests_per_connection = 10});
    load.connect_all();
    const EpisodeVerdict verdict = run_load(load, 2, 1);
    ASSERT_EQ(verdict.error, "") << "round " << round;
    ASSERT_EQ(verdict.items, 160u) << "round " << round;
    server.stop();
    EXPECT_EQ(server.stats().live_connections, 0);
  }
}

}  // namespace
}  // namespace contend
