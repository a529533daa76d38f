// The models' shared lifecycle. See server_base.h.
#include "contend/server/server_base.h"

#include <exception>
#include <system_error>
#include <utility>

namespace contend {

ServerBase::ServerBase(const ServerConfig& config, ListenerShape shape)
    : config_(config), shape_(shape) {}

void ServerBase::open_listeners() {
  listeners_.push_back(listen_loopback(config_.port, shape_.reuseport, shape_.nonblocking));
  port_ = bound_port(listeners_.front().get());
  for (int i = 1; i < shape_.count; ++i)
    listeners_.push_back(listen_loopback(port_, shape_.reuseport, shape_.nonblocking));
}

void ServerBase::start() {
  open_listeners();  // a port in use throws here, before anything runs
  wake_ = make_wake_fd();
  running_ = true;
  try {
    launch();
  } catch (...) {
    stop();
    throw;
  }
}

void ServerBase::stop() {
  if (!running_) return;
  running_ = false;
  signal_wake_fd(wake_.get());
  for (std::thread& task : stop_on_wake_) task.join();
  stop_on_wake_.clear();
  listeners_.clear();
  end_connections();
  for (std::thread& task : stop_on_drain_) task.join();
  stop_on_drain_.clear();
  wake_.reset();
}

ServerStats ServerBase::stats() const {
  return {.peak_tasks = tally_.peak(), .cpu_ns = tally_.cpu_ns(),
          .live_connections = live_connections()};
}

void ServerBase::spawn(Stops stops, std::vector<int> pus, std::function<void()> body) {
  std::vector<std::thread>& tasks = stops == Stops::kOnWake ? stop_on_wake_ : stop_on_drain_;
  tasks.reserve(tasks.size() + 1);  // emplace_back below cannot throw after the thread runs
  tally_.enter();
  try {
    tasks.emplace_back([this, pus = std::move(pus), body = std::move(body)] {
      TallyScope scope(tally_);
      pin_current_thread_to(pus);  // threads it creates and children it forks inherit the mask
      body();
    });
  } catch (const std::system_error&) {
    tally_.leave(0);
    throw;
  }
}

void ServerBase::spawn_acceptor(std::function<void(int)> on_accept, std::function<void()> on_idle,
                                std::chrono::milliseconds idle) {
  spawn(Stops::kOnWake, config_.pus,
        [this, on_accept = std::move(on_accept), on_idle = std::move(on_idle), idle] {
          run_accept_loop(listener(0), wake(), on_accept, on_idle, idle);
        });
}

}  // namespace contend
