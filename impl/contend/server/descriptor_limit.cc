// See descriptor_limit.h.
#include "contend/server/descriptor_limit.h"

#include <sys/resource.h>

#include <stdexcept>

namespace contend {

int64_t descriptors_needed(int connections) { return 2 * int64_t{connections} + kDescriptorSlack; }

int64_t raise_descriptor_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  return limit.rlim_cur == RLIM_INFINITY ? INT64_MAX : static_cast<int64_t>(limit.rlim_cur);
}

void check_descriptors(int connections, int64_t limit) {
  const int64_t needed = descriptors_needed(connections);
  if (needed > limit)
    throw std::runtime_error(std::to_string(connections) + " connections need " +
                             std::to_string(needed) + " descriptors, RLIMIT_NOFILE is " +
                             std::to_string(limit));
}

}  // namespace contend
