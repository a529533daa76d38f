#include "contend/harness/stall_watch.h"

namespace contend {

std::string StallFlag::error(std::string_view what, std::chrono::nanoseconds limit) const {
  if (!raised()) return "";
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(limit).count();
  return std::string(what) + " stalled: no progress for " + std::to_string(ms) + " ms";
}

}  // namespace contend
