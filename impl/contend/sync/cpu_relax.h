// cpu_relax: the pause hint for spin-wait loops.
//
// On x86 `pause` tells the core a spin is in progress: it frees pipeline
// resources for an SMT sibling and avoids the memory-order mis-speculation
// penalty when the awaited line finally changes.
#pragma once

namespace contend {

inline void cpu_relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield" ::: "memory");
#else
  asm volatile("" ::: "memory");
#endif
}

}  // namespace contend
