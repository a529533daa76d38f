# Finds every dependency as a Debian 12 system package. A missing one is a
# configure error naming the package, because "Could not find hwloc" sends a
# user searching while "apt-get install libhwloc-dev" does not.

function(contend_missing what package)
  message(FATAL_ERROR
    "contend: ${what} not found; install it with: apt-get install -y ${package}")
endfunction()

find_package(Threads REQUIRED)

find_package(benchmark QUIET)
if(NOT benchmark_FOUND)
  contend_missing("Google Benchmark" libbenchmark-dev)
endif()

if(CONTEND_BUILD_TESTS)
  find_package(GTest QUIET)
  if(NOT GTest_FOUND)
    contend_missing("GoogleTest" "libgtest-dev libgmock-dev")
  endif()
  # Relacy (header-only): the model checks of tests/*/*_model.cc.
  find_path(RELACY_INCLUDE relacy/relacy.hpp)
  if(NOT RELACY_INCLUDE)
    contend_missing("Relacy" relacy-dev)
  endif()
endif()

find_package(PkgConfig QUIET)
if(NOT PkgConfig_FOUND)
  contend_missing("pkg-config" pkg-config)
endif()
pkg_check_modules(HWLOC QUIET IMPORTED_TARGET hwloc>=2.0)
if(NOT HWLOC_FOUND)
  contend_missing("hwloc >= 2.0" libhwloc-dev)
endif()

# Boost.Lockfree is header-only: look for the header rather than a component.
find_path(BOOST_LOCKFREE_INCLUDE boost/lockfree/queue.hpp)
find_file(BOOST_VERSION_HPP boost/version.hpp)
if(NOT BOOST_LOCKFREE_INCLUDE OR NOT BOOST_VERSION_HPP)
  contend_missing("Boost.Lockfree" libboost-dev)
endif()

find_path(MOODYCAMEL_INCLUDE concurrentqueue/concurrentqueue.h)
if(NOT MOODYCAMEL_INCLUDE)
  contend_missing("moodycamel ConcurrentQueue" libconcurrentqueue-dev)
endif()
find_path(READERWRITERQUEUE_INCLUDE readerwriterqueue/readerwriterqueue.h)
if(NOT READERWRITERQUEUE_INCLUDE)
  contend_missing("moodycamel ReaderWriterQueue" libreaderwriterqueue-dev)
endif()

find_package(TBB QUIET)
if(NOT TBB_FOUND)
  contend_missing("oneTBB" libtbb-dev)
endif()

pkg_check_modules(URING QUIET IMPORTED_TARGET liburing>=2.3)
if(NOT URING_FOUND)
  contend_missing("liburing >= 2.3" liburing-dev)
endif()

# The layering check (cmake/ContendLayering.cmake) runs on Debian's python3,
# the one scripts/ use.
find_program(CONTEND_PYTHON python3 PATHS /usr/bin NO_DEFAULT_PATH)
if(NOT CONTEND_PYTHON)
  contend_missing("python3" python3)
endif()

# spdlog (Debian's compiled library, on Debian's fmt): chatlog's library peer.
find_package(spdlog QUIET)
if(NOT spdlog_FOUND)
  contend_missing("spdlog" libspdlog-dev)
endif()
