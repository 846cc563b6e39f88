// Exact pairwise LR throughput (pairs per second, one thread).
//
//   cmake -S . -B build -DKINSHIP_BUILD_BENCHMARKS=ON && cmake --build build -j2
//   ./build/bench/lr_bench
//
// 22 loci of the Norwegian table (tests/data/validation/freqs.csv), genotypes drawn
// from the frequencies with a fixed seed; pairs are (random reference, random victim).
#include <random>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "kinship/io.h"
#include "kinship/pairwise.h"
#include "kinship/profile.h"

namespace {

using namespace kinship;

struct Data {
  AlleleFreqTable table;
  ProfileSet profiles;
};

const Data& GetData() {
  static const Data* data = [] {
    auto* d = new Data;
    Diagnostics diag;
    d->table = *ReadAlleleFreqs(std::string(KINSHIP_SOURCE_DIR) + "/tests/data/validation/freqs.csv", &diag);
    std::mt19937_64 rng(42);
    const int n = 4096;
    d->profiles.Reset(d->table.locus_ct());
    for (int s = 0; s < n; ++s) d->profiles.AddSample("S" + std::to_string(s));
    for (int l = 0; l < d->table.locus_ct(); ++l) {
      const Locus& locus = d->table.locus(l);
      std::discrete_distribution<int> draw(locus.freqs().begin(), locus.freqs().end());
      for (int s = 0; s < n; ++s) d->profiles.set_genotype(l, s, GenotypeIndex(draw(rng), draw(rng)));
    }
    return d;
  }();
  return *data;
}

void RunPairs(benchmark::State& state, const PairwiseCalculator& calc) {
  const Data& d = GetData();
  const int n = d.profiles.sample_ct();
  std::int64_t pairs = 0;
  int i = 0, j = 1;
  for (auto _ : state) {
    PairResult r = calc.Compute(d.profiles, i, d.profiles, j, nullptr);
    benchmark::DoNotOptimize(r);
    ++pairs;
    i = (i + 1) & (n - 1);
    j = (j + 7) & (n - 1);
  }
  state.SetItemsProcessed(pairs);
  state.counters["loci"] = d.table.locus_ct();
}

void BM_PairwiseLr_ParentChildStepwiseTheta(benchmark::State& state) {
  PairwiseOptions opts;
  opts.theta = 0.01;
  MutationParams p{MutationModel::kStepwise, 0.002, 1e-6, 0.1};
  opts.mutation.male = opts.mutation.female = p;
  auto calc = PairwiseCalculator::Create(GetData().table, *ParseRelationship("parent-child"), opts);
  RunPairs(state, *calc);
}
BENCHMARK(BM_PairwiseLr_ParentChildStepwiseTheta);

void BM_PairwiseLr_FullSiblingsTheta(benchmark::State& state) {
  PairwiseOptions opts;
  opts.theta = 0.01;
  auto calc = PairwiseCalculator::Create(GetData().table, *ParseRelationship("full-siblings"), opts);
  RunPairs(state, *calc);
}
BENCHMARK(BM_PairwiseLr_FullSiblingsTheta);

void BM_PairwiseLr_ParentChildHardyWeinberg(benchmark::State& state) {
  auto calc = PairwiseCalculator::Create(GetData().table, *ParseRelationship("parent-child"), {});
  RunPairs(state, *calc);
}
BENCHMARK(BM_PairwiseLr_ParentChildHardyWeinberg);

}  // namespace
