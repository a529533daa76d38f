// scratch_directory: where a benchmark may write its temporary files (the
// chatlog family's chat files).
//
// With --contend_scratch=DIR (bench_main.h) it is DIR, which bench_all makes
// inside the run's folder and removes after the instance, whatever way the
// instance ended (success, failure, timeout, Ctrl-C). Without it (a binary
// run by hand) it is a fresh directory made with mkdtemp under $TMPDIR (or
// /tmp), made on first use only, and removed with everything in it when
// the process exits normally. A process killed by a signal cannot remove
// it: a by-hand run that is killed may leave contend_scratch.XXXXXX behind,
// which is why bench_all always passes the flag.
// Benchmarks delete their own files as they go either way.
#pragma once

#include <string>

#include "contend/harness/bench_main.h"

namespace contend {

// Throws std::system_error when the fallback directory cannot be made.
std::string scratch_directory(const BenchEnvironment& env);

// Throws std::invalid_argument unless `dir` is a directory this process may
// create files in (bench_main's check of --contend_scratch).
void check_scratch_directory(const std::string& dir);

}  // namespace contend
