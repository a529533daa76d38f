// StdAtomics: what contend's own lock-free templates run on, std::atomic
// and SpinWait. They take it as a template parameter (Platform) so that a
// test can instantiate the same code over Relacy's model of the C++ memory
// model (tests/support/relacy_platform.h: RelacyAtomics), and what the
// model checks is the code that runs, not a copy that could drift from it.
//
// A Platform has:
//   template <class U> using Atomic = ...;  // std::atomic<U>'s interface
//   using Spin = ...;                       // pause(): one step of a spin wait
//   using Backoff = ...;                    // pause(): one step of a contended retry
#pragma once

#include <atomic>

#include "contend/sync/backoff.h"

namespace contend {

struct StdAtomics {
  template <class U>
  using Atomic = std::atomic<U>;
  using Spin = SpinWait;
  using Backoff = ExponentialBackoff;
};

}  // namespace contend
