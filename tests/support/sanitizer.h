// How big a stress test may be: ThreadSanitizer runs code 5-15x slower and
// keeps a shadow of every access, so each stress test scales its counts
// down under it by the same rule, here, rather than an #if in every file.
#pragma once

namespace contend::testing_support {

inline constexpr bool kUnderThreadSanitizer =
#if defined(__SANITIZE_THREAD__)
    true;
#else
    false;
#endif

// `plain` in a normal build, `tsan` under ThreadSanitizer.
template <class T>
constexpr T scaled_for_tsan(T plain, T tsan) {
  return kUnderThreadSanitizer ? tsan : plain;
}

}  // namespace contend::testing_support
