// ServerBase: the order of stop() that every model relies on, and a
// launch() that fails half-way leaves nothing running. A test model
// records what happens when, so the order is seen, not assumed.
#include "contend/server/server_base.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "server/server_test_support.h"
#include "support/no_leftovers.h"

namespace contend {
namespace {

using testing::open_descriptors;

// One connect to 127.0.0.1:port, no retry: refused (nothing listens)?
bool connect_is_refused(uint16_t port) {
  const UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return ::connect(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0 &&
         errno == ECONNREFUSED;
}

// A model of two tasks: one watches the wake descriptor (an acceptor's or
// event loop's role), one waits until end_connections() lets it go (a pool
// worker's). Every event is logged in the order it happened.
class RecordingServer final : public ServerBase {
 public:
  explicit RecordingServer(bool launch_fails) : ServerBase({}, {}), launch_fails_(launch_fails) {}
  ~RecordingServer() override { stop(); }

  std::vector<std::string> log() const {
    std::lock_guard lock(mutex_);
    return log_;
  }

 private:
  void launch() override {
    spawn(Stops::kOnWake, {}, [this] {
      pollfd woken{wake(), POLLIN, 0};
      // Bounded only so that a broken stop() fails the test instead of
      // hanging it: 60 s is far beyond any stop here.
      ::poll(&woken, 1, 60'000);
      record("wake task ends");
    });
    spawn(Stops::kOnDrain, {}, [this] {
      std::unique_lock lock(mutex_);
      drained_.wait_for(lock, std::chrono::seconds(60), [this] { return drain_; });
      log_.push_back("drain task ends");
    });
    if (launch_fails_) throw std::runtime_error("launch failed half-way");
  }

  void end_connections() override {
    // The listener must be closed by now: a connect is refused.
    const bool refused = connect_is_refused(port());
    std::lock_guard lock(mutex_);
    log_.push_back(refused ? "end_connections, port refused" : "end_connections, port open");
    drain_ = true;
    drained_.notify_all();
  }

  int live_connections() const override { return 0; }

  void record(const std::string& event) {
    std::lock_guard lock(mutex_);
    log_.push_back(event);
  }

  const bool launch_fails_;
  mutable std::mutex mutex_;
  std::condition_variable drained_;
  bool drain_ = false;
  std::vector<std::string> log_;
};

using ServerBaseTest = testing::NoLeftovers;

const std::vector<std::string> kStopOrder = {"wake task ends", "end_connections, port refused",
                                             "drain task ends"};

TEST_F(ServerBaseTest, StopWakesThenClosesTheListenerThenEndsConnectionsThenDrains) {
  const int descriptors_before = open_descriptors();
  RecordingServer server(false);
  server.start();
  EXPECT_NE(server.port(), 0);
  EXPECT_EQ(server.stats().peak_tasks, 2);
  EXPECT_TRUE(server.log().empty());
  server.stop();
  EXPECT_EQ(server.log(), kStopOrder);
  EXPECT_GT(server.stats().cpu_ns, 0);  // both tasks added theirs when they ended
  server.stop();  // idempotent: nothing runs twice
  EXPECT_EQ(server.log().size(), kStopOrder.size());
  EXPECT_EQ(open_descriptors(), descriptors_before);  // listener and wake closed
}

TEST_F(ServerBaseTest, ALaunchThatThrowsIsStoppedBeforeStartRethrows) {
  const int descriptors_before = open_descriptors();
  {
    RecordingServer server(true);
    try {
      server.start();
      FAIL() << "start() returned although launch() threw";
    } catch (const std::runtime_error& e) {
      EXPECT_STREQ(e.what(), "launch failed half-way");
    }
    // Both tasks were stopped and joined inside start(), in stop's order.
    EXPECT_EQ(server.log(), kStopOrder);
  }  // a joinable std::thread left behind would have terminated here
  EXPECT_EQ(open_descriptors(), descriptors_before);
}

}  // namespace
}  // namespace contend
