// CONTEND_SLOWDOWN's parsing and the episode padding (harness/slowdown.h).
#include "contend/harness/slowdown.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace contend {
namespace {

TEST(Slowdown, EmptyIsOff) { EXPECT_FALSE(parse_slowdown("").has_value()); }

TEST(Slowdown, ParsesImplAndFactor) {
  const auto s = parse_slowdown("ring_mpmc=0.8");
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->impl, "ring_mpmc");
  EXPECT_DOUBLE_EQ(s->factor, 0.8);
  EXPECT_DOUBLE_EQ(parse_slowdown("atomic=1")->factor, 1.0);
}

TEST(Slowdown, RefusesMalformedValues) {
  for (const char* bad : {"ring_mpmc", "=0.8", "ring_mpmc=", "ring_mpmc=0", "ring_mpmc=-0.5",
                          "ring_mpmc=1.5", "ring_mpmc=0.8x", "ring_mpmc=nan", "ring_mpmc=inf"}) {
    EXPECT_THROW(parse_slowdown(bad), std::invalid_argument) << bad;
  }
}

TEST(Slowdown, ErrorNamesTheVariable) {
  try {
    parse_slowdown("oops");
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("CONTEND_SLOWDOWN=oops"), std::string::npos) << e.what();
  }
}

TEST(Slowdown, AppliesToTheNamedImplOnly) {
  const auto s = parse_slowdown("ring_mpmc=0.7");
  EXPECT_DOUBLE_EQ(slowdown_factor(s, "ring_mpmc"), 0.7);
  EXPECT_DOUBLE_EQ(slowdown_factor(s, "ring_mpmc_fast"), 1.0);
  EXPECT_DOUBLE_EQ(slowdown_factor(std::nullopt, "ring_mpmc"), 1.0);
}

TEST(Slowdown, PadsAnEpisodeToMakespanOverFactor) {
  set_current_slowdown(1.0);
  EXPECT_DOUBLE_EQ(slowed_episode_seconds(0.002), 0.002);
  set_current_slowdown(0.5);
  EXPECT_DOUBLE_EQ(slowed_episode_seconds(0.002), 0.004);
  EXPECT_DOUBLE_EQ(slowed_episode_seconds(0.0), 0.0);
  set_current_slowdown(1.0);
}

}  // namespace
}  // namespace contend
