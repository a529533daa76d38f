// Capacity of per-worker state that must live inside a shared mapping.
//
// Counters that keep a slot per worker (shards, MCS queue nodes) use fixed
// arrays rather than heap vectors so the whole object can sit in one
// Shared<T> that forked workers see; 1024 slots of one cache line each is
// 64 KiB, and 1024 workers is past any ladder contend builds today.
#pragma once

namespace contend {

inline constexpr int kMaxWorkers = 1024;

}  // namespace contend
