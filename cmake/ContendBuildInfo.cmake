# Facts about this build that every result must carry: a number without its
# compiler, flags and library versions cannot be compared with another one.
# They reach the binaries as compile definitions of build_info.cc, set in
# impl/contend/harness/CMakeLists.txt.

string(TOUPPER "${CMAKE_BUILD_TYPE}" _contend_bt)
set(CONTEND_CXX_FLAGS_EFFECTIVE "${CMAKE_CXX_FLAGS} ${CMAKE_CXX_FLAGS_${_contend_bt}}")
string(STRIP "${CONTEND_CXX_FLAGS_EFFECTIVE}" CONTEND_CXX_FLAGS_EFFECTIVE)
if(CONTEND_TSAN)
  string(APPEND CONTEND_CXX_FLAGS_EFFECTIVE " -fsanitize=thread")
endif()

set(CONTEND_BENCHMARK_VERSION "${benchmark_VERSION}")
set(CONTEND_HWLOC_VERSION "${HWLOC_VERSION}")
set(CONTEND_TBB_VERSION "${TBB_VERSION}")

file(STRINGS "${BOOST_VERSION_HPP}" _boost_line REGEX "define BOOST_LIB_VERSION")
string(REGEX REPLACE ".*\"([0-9_]+)\".*" "\\1" CONTEND_BOOST_VERSION "${_boost_line}")
string(REPLACE "_" "." CONTEND_BOOST_VERSION "${CONTEND_BOOST_VERSION}")

# moodycamel headers carry no version macro; the Debian package version is the
# honest answer, asked of dpkg at configure time.
execute_process(COMMAND dpkg-query -W "-f=\${Version}" libconcurrentqueue-dev
                OUTPUT_VARIABLE CONTEND_MOODYCAMEL_VERSION ERROR_QUIET
                OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT CONTEND_MOODYCAMEL_VERSION)
  set(CONTEND_MOODYCAMEL_VERSION "unknown")
endif()

# The commit configured; build_info.cc prefers CONTEND_GIT_SHA at run time,
# since this one goes stale after a commit without reconfiguring.
set(CONTEND_CONFIGURE_GIT_SHA "unknown")
find_package(Git QUIET)
if(GIT_FOUND)
  execute_process(COMMAND ${GIT_EXECUTABLE} rev-parse --short HEAD
                  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
                  OUTPUT_VARIABLE _contend_sha OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(_contend_sha)
    set(CONTEND_CONFIGURE_GIT_SHA "${_contend_sha}")
  endif()
endif()
