// Durability: when the log writer calls fsync, and so when it may
// acknowledge a line.
//
//   none            never: a line is acknowledged when write()/writev()
//                   returned (it is in the page cache).
//   fsync_every_n   once at least `every_n` lines were written since the
//                   last fsync, and when the log closes; a line is
//                   acknowledged after the fsync that covers it.
//   fsync_each      after every write call: no line is acknowledged before
//                   an fsync covers it. A batching writer (one writev per
//                   batch) pays one fsync per batch, not per line: that is
//                   what batching buys.
//
// What a policy protects against is a power loss or a kernel crash: the
// page cache survives the death of the writing process (SIGKILL included),
// so the crash benchmark, which can only kill a process, sees no difference
// between the policies in what the file holds; it sees their cost, and the
// acknowledgements they delay.
#pragma once

#include <string>
#include <string_view>

namespace contend::chatlog {

enum class DurabilityPolicy { kNone, kFsyncEveryN, kFsyncEach };

struct Durability {
  DurabilityPolicy policy = DurabilityPolicy::kNone;
  int every_n = 64;  // fsync_every_n only
};

std::string_view to_string(DurabilityPolicy policy);
// Throws std::invalid_argument naming the accepted words.
DurabilityPolicy parse_durability_policy(std::string_view word);

}  // namespace contend::chatlog
