// Descriptors: how many a ladder point needs, and what the process may hold.
//
// A point of N persistent connections holds N client sockets and, in the
// thread models, N server sockets in this one process, plus a few dozen
// for listeners, epoll sets, eventfds, stdio and Google Benchmark's files:
// descriptors_needed(N) = 2N + kDescriptorSlack. The bench raises the soft
// RLIMIT_NOFILE to the hard limit once at start-up (allowed without
// privileges); a point that still does not fit is an error row saying
// "needs N descriptors, RLIMIT_NOFILE is M" (check_descriptors), never a
// run that fails half way with EMFILE.
#pragma once

#include <cstdint>
#include <string>

namespace contend {

inline constexpr int64_t kDescriptorSlack = 64;

int64_t descriptors_needed(int connections);

// Raises the soft limit to the hard one (once; later calls just read it)
// and returns the soft limit now in force.
int64_t raise_descriptor_limit();

// Throws std::runtime_error "needs N descriptors, RLIMIT_NOFILE is M" when
// `connections` do not fit `limit`.
void check_descriptors(int connections, int64_t limit);

}  // namespace contend
