// BuildInfo: the compiler, flags and library versions this binary was built
// with. Every result carries them (Google Benchmark custom context), since
// a number without its build cannot be compared with another.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace contend {

struct BuildInfo {
  std::string build_type;
  std::string compiler;
  std::string cxx_flags;
  std::string benchmark_version;
  std::string hwloc_version;  // the library actually loaded at run time
  std::string boost_version;
  std::string moodycamel_version;
  std::string tbb_version;
  std::string git_sha;        // CONTEND_GIT_SHA from the environment if set

  // (key, value) pairs in a fixed order, keys without a prefix.
  std::vector<std::pair<std::string, std::string>> fields() const;
};

const BuildInfo& build_info();

}  // namespace contend
