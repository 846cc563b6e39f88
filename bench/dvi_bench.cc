// Joint DVI (kinship/dvi.h): SolveDvi's time against the number of valid assignments.
//
//   cmake -S . -B build -DKINSHIP_BUILD_BENCHMARKS=ON && cmake --build build -j2
//   ./build/bench/dvi_bench
//
// Problems as a mutation model makes them: nothing excluded. n victims and n families of one
// missing person each, every victim possible at every missing person, so every partial
// matching is a valid assignment with LR > 0: Σ_j C(n, j)² j! of them (10^8 at n = 10,
// 4·10^13 at n = 16, 10^96 at n = 60). A third of the families have their true victim
// (log10 LR in [8, 20]); the other pairings' log10 LRs are drawn "realistic" (95 % in
// [-60, -10], 5 % in [-10, 2]: the unrelated pairs of exclusionExample's 15 loci have median
// -42 and 90 % below -22) or "worst" (all in [-12, 2], nothing negligible). `exact`: no
// pruning (the dynamic programme over all 2^n sets of victims); else pruned under the bound.
// Counters: log10 of the valid assignments, the states, the error bound.
#include <cmath>
#include <random>

#include <benchmark/benchmark.h>

#include "kinship/dvi.h"

namespace {

using namespace kinship;

DviProblem Dense(int n, bool worst, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0, 1), worst_d(-12, 2), far(-60, -10), near(-10, 2), high(8, 20);
  DviProblem p;
  p.victim_ct = n;
  p.families.resize(n);
  for (int f = 0; f < n; ++f)
    for (int v = 0; v < n; ++v) {
      double x = worst ? worst_d(rng) : u(rng) < 0.95 ? far(rng) : near(rng);
      if (v == f && f % 3 == 0) x = high(rng);
      p.families[f].options.push_back({{{0, v}}, x});
    }
  return p;
}

double ValidAssignments(int n) {  // Σ_j C(n, j)² j!
  double total = 0;
  for (int j = 0; j <= n; ++j) {
    double c = 1;
    for (int i = 0; i < j; ++i) c = c * (n - i) / (i + 1);
    double fact = 1;
    for (int i = 2; i <= j; ++i) fact *= i;
    total += c * c * fact;
  }
  return total;
}

void BM_SolveDvi(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const bool exact = state.range(1) != 0;
  const DviProblem p = Dense(n, state.range(2) != 0, 7);
  DviSolveOptions o;
  o.exact = exact;
  std::int64_t states = 0;
  double bound = 0;
  for (auto _ : state) {
    auto s = SolveDvi(p, o);
    if (!s.ok()) {
      state.SkipWithError(std::string(s.status().message()).c_str());
      return;
    }
    states = s->states;
    bound = s->error_bound;
    benchmark::DoNotOptimize(s->log10_total);
  }
  const double valid = ValidAssignments(n);
  state.counters["log10_valid_assignments"] = std::log10(valid);  // counters print past 10^24 badly
  state.counters["states"] = static_cast<double>(states);
  state.counters["error_bound"] = bound;
}
BENCHMARK(BM_SolveDvi)
    ->ArgsProduct({{8, 10, 12, 14, 16}, {1}, {0, 1}})
    ->ArgsProduct({{16, 24, 30}, {0}, {0}})
    ->ArgsProduct({{16}, {0}, {1}})
    ->ArgNames({"victims", "exact", "worst"})
    ->Unit(benchmark::kMillisecond);

}  // namespace
