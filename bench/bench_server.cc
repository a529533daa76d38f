// bench_server: concurrency models of an echo server on 127.0.0.1, the
// tutorial's TCPServer (a thread per client) against its alternatives;
// what runs where, with how many connections, is server_plan.h, and how a
// repetition measures is server_benchmark.h.
//
//   server/echo                 closed loop, persistent connections:
//                               requests/s, round trip of every request
//   server/latency              open loop at load_pct% of the capacity:
//                               latency since the intended send
//   server/connect_per_request  connect, send, receive, close per request
//
// impl ids (echo_server.h): thread_per_connection, process_per_connection,
// thread_pool, epoll_loop, epoll_per_core.
#include "contend/harness/bench_main.h"
#include "contend/server/server_benchmark.h"
#include "contend/server/server_plan.h"

namespace contend {
namespace {

void register_server(const BenchEnvironment& env) {
  register_plan(env, server_plan(env), run_server_scenario);
}

}  // namespace
}  // namespace contend

int main(int argc, char** argv) { return contend::bench_main(argc, argv, contend::register_server); }
