// ServerBase: what every EchoServer model shares, so that a model is only
// its own tasks: the loopback listener(s) and the wake descriptor, start()
// and stop() in one order for all, and the task tally behind stats().
//
// start() opens the listeners (one, or ListenerShape::count sharing a port
// through SO_REUSEPORT) and the wake descriptor, then calls the model's
// launch(), which starts the model's tasks with spawn(). When launch()
// throws (a thread, an epoll or a ring that cannot be made), start() stops
// what it had started, as below, and rethrows: no task outlives a failed
// start().
//
// stop(), in this order for every model:
//   1. signals the wake descriptor and joins every task spawned with
//      Stops::kOnWake (acceptors, event loops: they watch it, and an
//      event loop closes its connections before it returns);
//   2. closes the listeners: a connect is refused from here on;
//   3. calls the model's end_connections(): it ends what the tasks of
//      step 4 still serve (shuts connections down, kills and reaps
//      children, closes a queue) and waits for detached handlers;
//   4. joins every task spawned with Stops::kOnDrain (pool workers, which
//      end once step 3 took their work away);
//   5. closes the wake descriptor.
// stop() does nothing when the server is not running, so it is idempotent;
// a model's destructor calls it (this class's cannot: by then the model's
// end_connections() is gone). EchoServer's guarantees (echo_server.h) are
// the models'; this class supplies the order, the model the ending.
//
// stats(): every spawned task counts itself in the tally from before its
// thread exists until its last act (its CPU time added then); a model adds
// its own tasks (detached handlers, children) to tally() by hand.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <thread>
#include <vector>

#include "contend/server/echo_server.h"
#include "contend/server/server_support.h"

namespace contend {

class ServerBase : public EchoServer {
 public:
  void start() final;
  void stop() final;
  uint16_t port() const final { return port_; }
  ServerStats stats() const override;

 protected:
  struct ListenerShape {
    int count = 1;            // > 1 needs reuseport: they share the first one's port
    bool reuseport = false;   // SO_REUSEPORT (epoll_per_core)
    bool nonblocking = false; // for event loops
  };
  // How stop() ends a task: by the wake descriptor (step 1), or by the
  // model's end_connections() (step 4).
  enum class Stops { kOnWake, kOnDrain };

  ServerBase(const ServerConfig& config, ListenerShape shape);
  ServerBase(const ServerBase&) = delete;
  ServerBase& operator=(const ServerBase&) = delete;

  // Starts the model's tasks (spawn); the listeners and wake() exist.
  virtual void launch() = 0;
  // stop()'s step 3; nothing by default (event loops end their own).
  virtual void end_connections() {}
  // Descriptors the model holds for connections now (ServerStats).
  virtual int live_connections() const = 0;

  // Runs `body` on a new thread pinned to `pus` (empty: unpinned),
  // counted in tally() until it ends; stop() joins it as `stops` says.
  // Throws std::system_error when no thread can be made (the tally is
  // then as before).
  void spawn(Stops stops, std::vector<int> pus, std::function<void()> body);
  // The blocking models' acceptor: a Stops::kOnWake task on the config's
  // PUs running run_accept_loop (server_support.h) over listener(0).
  void spawn_acceptor(std::function<void(int)> on_accept, std::function<void()> on_idle,
                      std::chrono::milliseconds idle);

  const ServerConfig& config() const { return config_; }
  size_t listener_count() const { return listeners_.size(); }
  int listener(size_t index) const { return listeners_[index].get(); }
  int wake() const { return wake_.get(); }
  TaskTally& tally() { return tally_; }

 private:
  void open_listeners();

  const ServerConfig config_;
  const ListenerShape shape_;
  bool running_ = false;
  uint16_t port_ = 0;
  std::vector<UniqueFd> listeners_;
  UniqueFd wake_;
  TaskTally tally_;
  std::vector<std::thread> stop_on_wake_;
  std::vector<std::thread> stop_on_drain_;
};

}  // namespace contend
