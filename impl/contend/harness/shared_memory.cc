// Anonymous shared mappings. See shared_memory.h.
#include "contend/harness/shared_memory.h"

#include <sys/mman.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace contend {

SharedRegion::SharedRegion(size_t bytes) : size_(bytes) {
  data_ = mmap(nullptr, size_, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (data_ == MAP_FAILED)
    throw std::runtime_error("mmap of " + std::to_string(bytes) +
                             " shared bytes failed: " + std::strerror(errno));
}

SharedRegion::~SharedRegion() { munmap(data_, size_); }

}  // namespace contend
