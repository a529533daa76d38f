// Model ids and the factory. See echo_server.h.
#include "contend/server/echo_server.h"

#include <stdexcept>
#include <string>

#include "contend/server/epoll_servers.h"
#include "contend/server/process_per_connection_server.h"
#include "contend/server/thread_per_connection_server.h"
#include "contend/server/thread_pool_server.h"
#include "contend/server/uring_server.h"

namespace contend {

std::string_view to_string(ServerModel model) {
  switch (model) {
    case ServerModel::kThreadPerConnection: return "thread_per_connection";
    case ServerModel::kProcessPerConnection: return "process_per_connection";
    case ServerModel::kThreadPool: return "thread_pool";
    case ServerModel::kEpollLoop: return "epoll_loop";
    case ServerModel::kEpollPerCore: return "epoll_per_core";
    case ServerModel::kIoUring: return "io_uring";
  }
  return "?";
}

ServerModel parse_server_model(std::string_view id) {
  for (ServerModel model : kAllServerModels)
    if (to_string(model) == id) return model;
  throw std::invalid_argument("unknown server model '" + std::string(id) + "'");
}

std::unique_ptr<EchoServer> make_echo_server(ServerModel model, const ServerConfig& config) {
  switch (model) {
    case ServerModel::kThreadPerConnection:
      return std::make_unique<ThreadPerConnectionServer>(config);
    case ServerModel::kProcessPerConnection:
      return std::make_unique<ProcessPerConnectionServer>(config);
    case ServerModel::kThreadPool: return std::make_unique<ThreadPoolServer>(config);
    case ServerModel::kEpollLoop: return std::make_unique<EpollServer>(config, false);
    case ServerModel::kEpollPerCore: return std::make_unique<EpollServer>(config, true);
    case ServerModel::kIoUring: return std::make_unique<UringServer>(config);
  }
  throw std::invalid_argument("unknown server model");
}

}  // namespace contend
