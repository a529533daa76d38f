// NoLeftovers: a test fixture that fails a test which leaves anything
// behind: a child process (running or zombie), or a new entry in /dev/shm
// or /dev/mqueue (where mounted). Shared by the tests that fork or open
// kernel objects.
//
// Another process's entries are not this test's leftovers: contend names
// its kernel objects "contend-<pid of the creator>-..." (ipc/), so a new
// entry named for another pid was made by another test running alongside
// (ctest -j2) or another run on the machine, and is left out.
#pragma once

#include <dirent.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <set>
#include <string>

namespace contend::testing {

// The names in a directory; empty when it does not exist (no /dev/mqueue
// mounted, say — then POSIX queues are checked by name instead).
inline std::set<std::string> directory_entries(const char* path) {
  std::set<std::string> names;
  if (DIR* dir = opendir(path)) {
    while (const dirent* entry = readdir(dir)) {
      const std::string name = entry->d_name;
      if (name != "." && name != "..") names.insert(name);
    }
    closedir(dir);
  }
  return names;
}

// True when this process has no child left, running or zombie.
inline bool no_children_left() { return waitpid(-1, nullptr, WNOHANG) == -1 && errno == ECHILD; }

struct KernelObjects {
  std::set<std::string> shm = directory_entries("/dev/shm");
  std::set<std::string> mqueue = directory_entries("/dev/mqueue");
};

// Whether `name` is a contend object made by a process other than this one.
inline bool another_process_made(const std::string& name) {
  const std::string prefix = "contend-";
  if (name.compare(0, prefix.size(), prefix) != 0) return false;
  const size_t dash = name.find('-', prefix.size());
  if (dash == std::string::npos) return false;
  return name.substr(prefix.size(), dash - prefix.size()) != std::to_string(getpid());
}

inline std::string new_entries(const std::set<std::string>& before,
                               const std::set<std::string>& after) {
  std::string added;
  for (const std::string& name : after)
    if (!before.count(name) && !another_process_made(name)) added += " " + name;
  return added;
}

inline void expect_nothing_left_since(const KernelObjects& before) {
  EXPECT_TRUE(no_children_left()) << "a child process was left behind";
  const KernelObjects after;
  EXPECT_EQ(new_entries(before.shm, after.shm), "") << "left in /dev/shm";
  EXPECT_EQ(new_entries(before.mqueue, after.mqueue), "") << "left in /dev/mqueue";
}

class NoLeftovers : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(no_children_left()) << "children before the test"; }
  void TearDown() override { expect_nothing_left_since(before_); }
  KernelObjects before_;
};

template <class Param>
class NoLeftoversWithParam : public ::testing::TestWithParam<Param> {
 protected:
  void SetUp() override { ASSERT_TRUE(no_children_left()) << "children before the test"; }
  void TearDown() override { expect_nothing_left_since(before_); }
  KernelObjects before_;
};

}  // namespace contend::testing
