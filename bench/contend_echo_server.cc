// contend_echo_server MODEL SECONDS [PU]: one of bench_server's echo server
// models (echo_server.h) on 127.0.0.1, standalone, for a client that no one
// here wrote: it prints "port N" on stdout, serves for SECONDS, stops the
// server (every connection closed, every task joined) and exits 0. Pinned to
// PU when given. Bad arguments or a server that cannot start: one line on
// stderr, exit 2 or 1. A tool run on purpose (docs/server.md's cross-check
// with wrk), not a benchmark: it measures nothing itself.
#include <chrono>
#include <cstdio>
#include <exception>
#include <string>
#include <thread>

#include "contend/server/echo_server.h"

int main(int argc, char** argv) {
  using namespace contend;
  if (argc < 3 || argc > 4) {
    std::fprintf(stderr, "usage: contend_echo_server MODEL SECONDS [PU]\n");
    return 2;
  }
  try {
    const ServerModel model = parse_server_model(argv[1]);
    const int seconds = std::stoi(argv[2]);
    ServerConfig config;
    if (argc == 4) config.pus = {std::stoi(argv[3])};
    auto server = make_echo_server(model, config);
    server->start();
    std::printf("port %u\n", static_cast<unsigned>(server->port()));
    std::fflush(stdout);
    std::this_thread::sleep_for(std::chrono::seconds(seconds));
    server->stop();
    const ServerStats stats = server->stats();
    std::printf("peak_tasks %d cpu_ns %lld\n", stats.peak_tasks,
                static_cast<long long>(stats.cpu_ns));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "contend_echo_server: %s\n", e.what());
    return 1;
  }
  return 0;
}
