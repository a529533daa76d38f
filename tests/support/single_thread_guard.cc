// Linked into every test executable that tests/CMakeLists.txt declares
// SINGLE_THREADED, and only there: fails any test of it that starts a thread
// or a process.
//
// Why: the ThreadSanitizer build leaves single-threaded test executables out
// (a race needs two threads), so the label decides what TSan never sees.
// This guard keeps the label true as tests change: a test that starts a
// thread in a target labelled single-threaded fails with the advice to
// label the target CONCURRENT, instead of silently escaping TSan.
//
// How: this executable's own definitions of pthread_create, fork, vfork and
// posix_spawn[p] interpose glibc's for every caller in the process
// (libstdc++'s std::thread included); each fails the running test, then
// calls the real one (dlsym RTLD_NEXT), so the test goes on as written.
// Not built under ThreadSanitizer, which interposes the same calls.
#include <dlfcn.h>
#include <gtest/gtest.h>
#include <pthread.h>
#include <spawn.h>
#include <unistd.h>

namespace {

template <class Fn>
Fn real(const char* name) {
  return reinterpret_cast<Fn>(dlsym(RTLD_NEXT, name));
}

void fail_the_running_test(const char* what) {
  ADD_FAILURE() << "this test calls " << what
                << ", in a test executable labelled SINGLE_THREADED: label it CONCURRENT in "
                   "tests/CMakeLists.txt, so that the ThreadSanitizer build runs it";
}

// posix_spawn and posix_spawnp: the same signature, the real one by name.
int spawn_through(const char* name, pid_t* pid, const char* program,
                  const posix_spawn_file_actions_t* actions, const posix_spawnattr_t* attr,
                  char* const argv[], char* const envp[]) {
  fail_the_running_test(name);
  using Fn = int (*)(pid_t*, const char*, const posix_spawn_file_actions_t*,
                     const posix_spawnattr_t*, char* const[], char* const[]);
  return real<Fn>(name)(pid, program, actions, attr, argv, envp);
}

}  // namespace

extern "C" {

int pthread_create(pthread_t* thread, const pthread_attr_t* attr, void* (*start)(void*),
                   void* arg) {
  fail_the_running_test("pthread_create (a thread)");
  using Fn = int (*)(pthread_t*, const pthread_attr_t*, void* (*)(void*), void*);
  static const Fn next = real<Fn>("pthread_create");
  return next(thread, attr, start, arg);
}

pid_t fork() {
  fail_the_running_test("fork");
  static const auto next = real<pid_t (*)()>("fork");
  return next();
}

pid_t vfork() {  // as fork: a vfork cannot be forwarded from a wrapper's frame
  fail_the_running_test("vfork");
  static const auto next = real<pid_t (*)()>("fork");
  return next();
}

int posix_spawn(pid_t* pid, const char* path, const posix_spawn_file_actions_t* actions,
                const posix_spawnattr_t* attr, char* const argv[], char* const envp[]) {
  return spawn_through("posix_spawn", pid, path, actions, attr, argv, envp);
}

int posix_spawnp(pid_t* pid, const char* file, const posix_spawn_file_actions_t* actions,
                 const posix_spawnattr_t* attr, char* const argv[], char* const envp[]) {
  return spawn_through("posix_spawnp", pid, file, actions, attr, argv, envp);
}

}  // extern "C"
