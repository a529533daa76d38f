// EchoServer: the contract every concurrency model of bench_server's echo
// server keeps, so that one load generator (echo_client_load.h) and one set
// of tests drive them all.
//
// A server listens on 127.0.0.1 only (never another address), on an
// ephemeral port chosen by the kernel (port 0) unless told one, and echoes
// every byte a client sends, in order, until the client closes.
//
// Every model is a ServerBase (server_base.h): it owns the listeners, the
// wake descriptor, start() and stop() in one order, and the task tally, so
// a model is its own tasks (launch) and how it ends its connections.
//
// Guaranteed by every model:
//  - start() returns once the listener accepts connections; port() is then
//    the bound port. A port in use is a std::system_error naming it
//    (except that epoll_per_core's SO_REUSEPORT listeners join another
//    SO_REUSEPORT listener of the same user on that port, as the kernel
//    allows; the bench asks for port 0 only).
//  - stop() closes the listener(s), wakes every handler (a blocked read, an
//    epoll_wait, a forked child), and joins every thread and reaps every
//    child before it returns, within kStopBound; after it, connecting to
//    the old port is refused and the process holds no descriptor or child
//    the server made. Clients may still be connected: their connections
//    are closed (they see EOF or a reset). stop() is idempotent and the
//    destructor calls it.
//  - Every thread the server runs, and every child it forks, is pinned to
//    ServerConfig::pus (inherited from the thread that creates it), so the
//    server and the load generator can sit on disjoint PUs.
//  - stats(): the tasks alive at peak and the server's CPU time (below).
// Not guaranteed: any fairness between connections, any bound on how many
// connections a model serves at once (thread_pool serves as many as it has
// workers; the others wait in its queue), or that a byte is echoed by the
// same read()/write() boundaries it was sent with (TCP is a byte stream).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace contend {

// stop() returns within this, or aborts with a message (a handler that cannot
// be woken is a bug: a leaked thread would outlive the object it uses).
inline constexpr std::chrono::seconds kStopBound{10};

struct ServerConfig {
  uint16_t port = 0;         // 0: ephemeral
  std::vector<int> pus = {}; // OS PU indices every server task runs on; empty: unpinned
  int pool_workers = 16;     // thread_pool only
  int loops = 1;             // epoll_per_core only: event loops (one per PU in the bench)
};

struct ServerStats {
  // Threads (acceptor, handlers, workers, loops) and child processes alive
  // at once, at most, since start().
  int peak_tasks = 0;
  // CPU time (user + system) of the server's threads that have ended plus
  // its reaped children (RUSAGE_CHILDREN's growth since start()); complete
  // only after stop(), when every thread has ended and every child is reaped.
  int64_t cpu_ns = 0;
  // Descriptors the model holds for connections right now (for tests).
  int live_connections = 0;
};

class EchoServer {
 public:
  virtual ~EchoServer() = default;
  virtual void start() = 0;
  virtual void stop() = 0;
  virtual uint16_t port() const = 0;
  virtual ServerStats stats() const = 0;
  // Resident memory the server holds outside this process (children's Pss),
  // bytes; 0 for the models that are threads of this process.
  virtual int64_t child_resident_bytes() const { return 0; }
};

enum class ServerModel {
  kThreadPerConnection,   // the tutorial's TCPServer: a thread per client
  kProcessPerConnection,  // fork per accepted connection
  kThreadPool,            // a fixed pool of blocking workers, fed by a BlockingQueue
  kEpollLoop,             // one thread, non-blocking sockets
  kEpollPerCore,          // one epoll loop per PU, SO_REUSEPORT listeners
  kIoUring,               // one thread, one io_uring (completions, not readiness)
};

inline constexpr ServerModel kAllServerModels[] = {
    ServerModel::kThreadPerConnection, ServerModel::kProcessPerConnection,
    ServerModel::kThreadPool, ServerModel::kEpollLoop, ServerModel::kEpollPerCore,
    ServerModel::kIoUring};

std::string_view to_string(ServerModel model);
// Throws std::invalid_argument naming the bad id.
ServerModel parse_server_model(std::string_view id);

std::unique_ptr<EchoServer> make_echo_server(ServerModel model, const ServerConfig& config);

}  // namespace contend
