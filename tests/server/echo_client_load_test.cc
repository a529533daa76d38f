// The load generator's checks: a corrupted echo, a reset, a stall and a
// lost connection are each an error naming what went wrong, never a
// number; a wrong pattern cannot pass.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>

#include "contend/server/descriptor_limit.h"
#include "contend/server/echo_client_load.h"
#include "contend/server/echo_pattern.h"
#include "server/server_test_support.h"

namespace contend {
namespace {

using testing::FaultyServer;
using testing::run_load;

// Echoes, flipping one bit of stream byte `corrupt_at`.
void echo_corrupting(int fd, uint64_t corrupt_at) {
  char buffer[4096];
  uint64_t offset = 0;
  for (;;) {
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) return;
    for (ssize_t i = 0; i < n; ++i)
      if (offset + static_cast<uint64_t>(i) == corrupt_at) buffer[i] ^= 1;
    offset += static_cast<uint64_t>(n);
    if (!write_all(fd, buffer, static_cast<size_t>(n))) return;
  }
}

EpisodeVerdict one_connection_episode(uint16_t port, std::chrono::milliseconds stall) {
  EchoClientLoad load(EchoLoadConfig{.port = port, .connections = 1, .clients = 1, .bytes = 64,
                                     .requests_per_connection = 10, .stall_timeout = stall});
  load.connect_all();
  return run_load(load, 1, 1);
}

TEST(EchoClientLoad, ACorrectServerPasses) {
  FaultyServer server([](int fd) { echo_corrupting(fd, ~0ull); });
  const EpisodeVerdict verdict = one_connection_episode(server.port(), std::chrono::seconds(5));
  EXPECT_EQ(verdict.error, "");
  EXPECT_EQ(verdict.items, 10u);
}

TEST(EchoClientLoad, DetectsACorruptedEchoByte) {
  FaultyServer server([](int fd) { echo_corrupting(fd, 300); });
  const EpisodeVerdict verdict = one_connection_episode(server.port(), std::chrono::seconds(5));
  EXPECT_NE(verdict.error.find("wrong echoed byte at offset 300"), std::string::npos)
      << verdict.error;
}

TEST(EchoClientLoad, DetectsAReset) {
  FaultyServer server([](int fd) {
    char buffer[64];  // the first request, then a reset instead of its echo
    ::recv(fd, buffer, sizeof buffer, MSG_WAITALL);
    const linger abort{.l_onoff = 1, .l_linger = 0};  // close() sends a RST
    ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort, sizeof abort);
  });
  const EpisodeVerdict verdict = one_connection_episode(server.port(), std::chrono::seconds(5));
  EXPECT_NE(verdict.error.find("connection 0"), std::string::npos) << verdict.error;
  EXPECT_EQ(verdict.items, 0u);
}

TEST(EchoClientLoad, DetectsAServerThatCloses) {
  FaultyServer server([](int fd) {
    char buffer[64];
    ::recv(fd, buffer, sizeof buffer, MSG_WAITALL);
    write_all(fd, buffer, sizeof buffer);
    ::shutdown(fd, SHUT_WR);
  });
  const EpisodeVerdict verdict = one_connection_episode(server.port(), std::chrono::seconds(5));
  EXPECT_NE(verdict.error.find("closed by the server"), std::string::npos) << verdict.error;
}

TEST(EchoClientLoad, AStalledServerIsAnErrorWithinTheTimeout) {
  FaultyServer server([](int fd) {
    char buffer[4096];
    while (::recv(fd, buffer, sizeof buffer, 0) > 0) {  // reads, never answers
    }
  });
  const EpisodeVerdict verdict =
      one_connection_episode(server.port(), std::chrono::milliseconds(200));
  EXPECT_NE(verdict.error.find("no echo for 200 ms"), std::string::npos) << verdict.error;
}

TEST(EchoPattern, StreamsDifferAndMismatchesAreFound) {
  const EchoPattern& pattern = EchoPattern::instance();
  std::vector<uint8_t> a(5000), b(5000);
  pattern.fill(0, 0, a.data(), a.size());
  pattern.fill(1, 0, b.data(), b.size());
  EXPECT_NE(a, b);
  EXPECT_EQ(pattern.first_mismatch(0, 0, a.data(), a.size()), a.size());
  EXPECT_EQ(pattern.first_mismatch(0, 1, a.data(), a.size()), 0u);  // shifted by one byte
  a[4321] ^= 0x80;
  EXPECT_EQ(pattern.first_mismatch(0, 0, a.data(), a.size()), 4321u);
}

TEST(DescriptorLimit, APointBeyondTheLimitSaysWhatItNeeds) {
  EXPECT_EQ(descriptors_needed(1000), 2064);
  EXPECT_NO_THROW(check_descriptors(1000, 2064));
  try {
    check_descriptors(1000, 1024);
    FAIL() << "1000 connections fit 1024 descriptors";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "1000 connections need 2064 descriptors, RLIMIT_NOFILE is 1024");
  }
  EXPECT_GE(raise_descriptor_limit(), 64);
}

}  // namespace
}  // namespace contend
