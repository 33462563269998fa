// The one Google Benchmark main for every bench/*.cpp file.
#include <benchmark/benchmark.h>

BENCHMARK_MAIN();
