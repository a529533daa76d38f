// contend_spawn_child: the tiny program bench_fanout's posix_spawn tasks
// run. It exits at once with the status given as its only argument, so the
// spawner can tell that this program ran and got its argument. Kept to the
// C library: what is timed is exec and process start-up, not C++ start-up.
#include <stdlib.h>

int main(int argc, char** argv) { return argc == 2 ? atoi(argv[1]) & 0x7f : 127; }
