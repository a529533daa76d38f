// ResidentBallast: private memory with every page touched, to make the
// spawning process large. fork() copies the page tables of everything
// resident, so its cost grows with the parent; a thread's does not, and
// posix_spawn (vfork-style) skips the copy.
//
// The block is madvise(MADV_NOHUGEPAGE)'d so that it is mapped in 4 KiB
// pages — like a heap grown by malloc — whatever the machine's transparent
// huge page setting; with huge pages fork's copy would be 512 times
// smaller and the effect would depend on the machine, not the program.
#pragma once

#include <cstddef>

namespace contend {

class ResidentBallast {
 public:
  // Maps and touches `mib` MiB (nothing for 0). Throws std::runtime_error
  // if the memory cannot be mapped.
  explicit ResidentBallast(size_t mib);
  ~ResidentBallast();
  ResidentBallast(const ResidentBallast&) = delete;
  ResidentBallast& operator=(const ResidentBallast&) = delete;

  const void* data() const { return data_; }
  size_t bytes() const { return bytes_; }

 private:
  void* data_ = nullptr;
  size_t bytes_ = 0;
};

}  // namespace contend
