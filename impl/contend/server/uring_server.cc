// The io_uring model. See uring_server.h.
#include "contend/server/uring_server.h"

#include <future>
#include <exception>
#include <system_error>

namespace contend {

void UringServer::launch() {
  loop_ = std::make_unique<UringLoop>(listener(0), wake());
  // Shared: spawn takes a copyable body, and the thread may still be inside
  // set_value when launch() has its answer.
  auto opened = std::make_shared<std::promise<void>>();
  std::future<void> answer = opened->get_future();
  UringLoop* loop = loop_.get();
  spawn(Stops::kOnWake, config().pus, [loop, opened] {
    try {
      loop->open();  // this thread makes the ring and is its single issuer
    } catch (const std::system_error&) {
      opened->set_exception(std::current_exception());
      return;
    }
    opened->set_value();
    loop->serve();
  });
  answer.get();  // rethrows the refusal: start() stops and rethrows it
}

}  // namespace contend
