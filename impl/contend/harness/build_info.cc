// Values come from compile definitions set in impl/contend/harness/CMakeLists.txt.
#include "contend/harness/build_info.h"

#include <cstdlib>

#include "contend/topology/topology.h"

namespace contend {

namespace {

std::string git_sha() {
  // The configure-time sha goes stale after a commit without reconfiguring;
  // bench_all exports the current one.
  if (const char* sha = std::getenv("CONTEND_GIT_SHA"); sha && *sha) return sha;
  return CONTEND_CONFIGURE_GIT_SHA;
}

std::string compiler() {
#if defined(__clang__)
  return "clang " __clang_version__;
#elif defined(__GNUC__)
  return "gcc " __VERSION__;
#else
  return "unknown";
#endif
}

}  // namespace

std::vector<std::pair<std::string, std::string>> BuildInfo::fields() const {
  return {{"build_type", build_type},
          {"compiler", compiler},
          {"cxx_flags", cxx_flags},
          {"benchmark_version", benchmark_version},
          {"hwloc_version", hwloc_version},
          {"boost_version", boost_version},
          {"moodycamel_version", moodycamel_version},
          {"tbb_version", tbb_version},
          {"git_sha", git_sha}};
}

const BuildInfo& build_info() {
  static const BuildInfo info{CONTEND_BUILD_TYPE,
                              compiler(),
                              CONTEND_CXX_FLAGS,
                              CONTEND_BENCHMARK_VERSION,
                              Topology::hwloc_version(),
                              CONTEND_BOOST_VERSION,
                              CONTEND_MOODYCAMEL_VERSION,
                              CONTEND_TBB_VERSION,
                              git_sha()};
  return info;
}

}  // namespace contend
