// Where temporary files go. See scratch_dir.h.
#include "contend/harness/scratch_dir.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <system_error>

namespace contend {

namespace {

std::string& fallback_dir() {
  static std::string dir;
  return dir;
}

void remove_fallback_dir() {
  std::error_code ignored;
  if (!fallback_dir().empty()) std::filesystem::remove_all(fallback_dir(), ignored);
}

}  // namespace

std::string scratch_directory(const BenchEnvironment& env) {
  if (!env.scratch_dir.empty()) return env.scratch_dir;
  static std::once_flag made;
  std::call_once(made, [] {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/contend_scratch.XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr)
      throw std::system_error(errno, std::generic_category(), "mkdtemp " + pattern);
    fallback_dir() = pattern;
    std::atexit(remove_fallback_dir);
  });
  return fallback_dir();
}

void check_scratch_directory(const std::string& dir) {
  struct stat info {};
  if (dir.empty() || ::stat(dir.c_str(), &info) != 0 || !S_ISDIR(info.st_mode) ||
      ::access(dir.c_str(), W_OK | X_OK) != 0)
    throw std::invalid_argument("--contend_scratch: '" + dir + "' is not a writable directory");
}

}  // namespace contend
