// CONTEND_LIBRARY_CALL: marks an adapter method whose body is one call into
// a third-party queue (Boost.Lockfree, moodycamel, oneTBB).
//
// Under ThreadSanitizer it keeps the method out of line. The library queues
// race by design in places TSan cannot model, and those reports are
// suppressed by the library's function names (tests/queue/tsan_suppressions.txt
// says which and why). GCC's sanitizer runtime names only functions that
// were not inlined (its in-process symbolizer shows no inlined frames), so
// library code the compiler inlined into *our* code (a workload's produce
// or consume loop) would be reported under our names, where a suppression
// would also hide our own races. Out of line, the adapter is the boundary:
// a library race shows in the library's functions, or at worst in the
// adapter's, whose body is the library call alone, and never in ours.
// (Seen when ItemExchange's loops took boost::lockfree::stack's push and
// pop inline.) Elsewhere the macro is empty: the benchmarks measure inlined
// calls.
#pragma once

#if defined(__SANITIZE_THREAD__)
#define CONTEND_LIBRARY_CALL [[gnu::noinline]]
#else
#define CONTEND_LIBRARY_CALL
#endif
