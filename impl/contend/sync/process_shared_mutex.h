// ProcessSharedMutex: a pthread mutex usable by forked worker processes.
//
// std::mutex is a private pthread mutex: its futex is keyed on the virtual
// address in one process, so a waiter in another process is never woken.
// PTHREAD_PROCESS_SHARED keys it on the physical page instead. This is the
// `std_mutex` strategy of process mode; it sleeps when contended, like
// std::mutex, with the same glibc implementation underneath.
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
