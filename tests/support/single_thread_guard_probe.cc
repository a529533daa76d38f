// The single-thread guard's own check (tests/CMakeLists.txt runs this and
// expects the guard's failure for StartsAThread, and none for StartsNothing).
#include <gtest/gtest.h>

#include <thread>

TEST(SingleThreadGuardProbe, StartsNothing) { EXPECT_EQ(1 + 1, 2); }

TEST(SingleThreadGuardProbe, StartsAThread) {
  int ran = 0;
  std::thread([&ran] { ran = 1; }).join();
  EXPECT_EQ(ran, 1);  // the thread still runs: the guard only reports it
}
