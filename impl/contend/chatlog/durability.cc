// Durability policy names. See durability.h.
#include "contend/chatlog/durability.h"

#include <stdexcept>

namespace contend::chatlog {

std::string_view to_string(DurabilityPolicy policy) {
  switch (policy) {
    case DurabilityPolicy::kNone: return "none";
    case DurabilityPolicy::kFsyncEveryN: return "fsync_every_n";
    case DurabilityPolicy::kFsyncEach: return "fsync_each";
  }
  return "?";
}

DurabilityPolicy parse_durability_policy(std::string_view word) {
  for (DurabilityPolicy p : {DurabilityPolicy::kNone, DurabilityPolicy::kFsyncEveryN,
                             DurabilityPolicy::kFsyncEach})
    if (to_string(p) == word) return p;
  throw std::invalid_argument("unknown durability '" + std::string(word) +
                              "' (none, fsync_every_n, fsync_each)");
}

}  // namespace contend::chatlog
