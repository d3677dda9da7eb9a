// main.cpp — the `sfq` executable.
#include <malloc.h>

#include "cli/app.hpp"

int main(int argc, char** argv) {
  // Partitions are inflated and decoded in buffers of up to tens of megabytes on the decode
  // workers' threads. glibc raises its mmap threshold after the first such buffer is freed, and
  // later ones then come from per-thread arenas that keep the memory: streaming a large result
  // grew RSS with the row count (docs/BENCHMARKS.md, memory). A fixed threshold keeps every large
  // buffer mmapped, so it goes back to the system when freed.
  mallopt(M_MMAP_THRESHOLD, 256 * 1024);
  return sfq::cli::run(argc, argv);
}
