// ResidentBallast. See resident_ballast.h.
#include "contend/fanout/resident_ballast.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace contend {

ResidentBallast::ResidentBallast(size_t mib) : bytes_(mib << 20) {
  if (bytes_ == 0) return;
  data_ = mmap(nullptr, bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (data_ == MAP_FAILED) {
    data_ = nullptr;
    throw std::runtime_error("ballast of " + std::to_string(mib) + " MiB: mmap failed: " +
                             std::strerror(errno));
  }
  madvise(data_, bytes_, MADV_NOHUGEPAGE);
  // A write per page makes it resident and private (not the shared zero page).
  const auto page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  auto* bytes = static_cast<volatile unsigned char*>(data_);
  for (size_t offset = 0; offset < bytes_; offset += page) bytes[offset] = 1;
}

ResidentBallast::~ResidentBallast() {
  if (data_) munmap(data_, bytes_);
}

}  // namespace contend
