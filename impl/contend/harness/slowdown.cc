#include "contend/harness/slowdown.h"

#include <charconv>
#include <cmath>
#include <stdexcept>
#include <string>
#include <system_error>

namespace contend {

namespace {

// Only the main thread writes and reads it (see set_current_slowdown).
double current_factor = 1.0;

[[noreturn]] void bad(std::string_view text) {
  throw std::invalid_argument(std::string(kSlowdownVariable) + "=" + std::string(text) +
                              ": expected IMPL=FACTOR with 0 < FACTOR <= 1 (e.g. ring_mpmc=0.8)");
}

}  // namespace

std::optional<Slowdown> parse_slowdown(std::string_view text) {
  if (text.empty()) return std::nullopt;
  const size_t eq = text.rfind('=');
  if (eq == std::string_view::npos || eq == 0 || eq + 1 == text.size()) bad(text);
  const std::string_view number = text.substr(eq + 1);
  double factor = 0;
  const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), factor);
  if (ec != std::errc() || end != number.data() + number.size() || !std::isfinite(factor) ||
      factor <= 0 || factor > 1) {
    bad(text);
  }
  return Slowdown{std::string(text.substr(0, eq)), factor};
}

double slowdown_factor(const std::optional<Slowdown>& slowdown, std::string_view impl) {
  return slowdown && slowdown->impl == impl ? slowdown->factor : 1.0;
}

void set_current_slowdown(double factor) { current_factor = factor; }

double current_slowdown() { return current_factor; }

double slowed_episode_seconds(double makespan_seconds) {
  return current_factor >= 1.0 ? makespan_seconds : makespan_seconds / current_factor;
}

}  // namespace contend
