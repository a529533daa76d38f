// ProcessSharedMutex: a pthread mutex usable by forked worker processes.
//
// std::mutex is a private pthread mutex: its futex is keyed on the virtual
// address in one process, so a waiter in another process is never woken.
// PTHREAD_PROCESS_SHARED keys it on the physical page instead. This is the
// `std_mutex` strategy of process mode; it sleeps when contended, like
// std::mutex, with the same glibc implementation underneath.
//
// Not robust: a process that dies holding it leaves every other process
// blocked in lock() for ever. It is not made robust on purpose: a robust
// mutex takes another glibc path (the robust list, a different futex
// protocol), so the `std_mutex` row would no longer measure what std::mutex
// does. Where it is used (the counter benchmark's process mode, through
// InProcessMode in counter/counter_strategies.h) a worker holds it only
// across one increment, and a worker that dies there is a crashed episode:
// the WorkerGroup sees the dead child, reports the episode as an error
// naming the signal, and kills the peers stuck in lock() when it stops its
// workers (harness/worker_group.h); they are never woken. Code that must
// survive a dead holder uses ShmQueue's robust mutex instead.
#pragma once

#include <pthread.h>

namespace contend {

class ProcessSharedMutex {
 public:
  ProcessSharedMutex() {
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
    pthread_mutex_init(&mutex_, &attr);
    pthread_mutexattr_destroy(&attr);
  }
  ~ProcessSharedMutex() { pthread_mutex_destroy(&mutex_); }
  ProcessSharedMutex(const ProcessSharedMutex&) = delete;
  ProcessSharedMutex& operator=(const ProcessSharedMutex&) = delete;

  void lock() noexcept { pthread_mutex_lock(&mutex_); }
  bool try_lock() noexcept { return pthread_mutex_trylock(&mutex_) == 0; }
  void unlock() noexcept { pthread_mutex_unlock(&mutex_); }

 private:
  pthread_mutex_t mutex_;
};

}  // namespace contend
