// Writing under a mutex. See direct_write.h.
#include "contend/chatlog/direct_write.h"

namespace contend::chatlog {

void DirectWrite::append(ChatMessage&& message) {
  std::lock_guard lock(mutex_);
  file_.write(message);
}

void DirectWrite::close() {
  std::lock_guard lock(mutex_);
  file_.close();
}

}  // namespace contend::chatlog
