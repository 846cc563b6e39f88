// Screen throughput (pairs per second): 24 loci of 20 alleles, random genotypes.
//
//   cmake -S . -B build -DKINSHIP_BUILD_BENCHMARKS=ON && cmake --build build -j2
//   ./build/bench/screen_bench
//
// Arguments: /kernel (0 scalar, 1 AVX-512 VBMI) /threads. Pairwise: parent-child without
// mutation, report threshold log10 LR >= 3, top 10 per victim. Pedigree: family tables of
// mother + sister families (the missing person is the sister's brother).
#include <random>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <tbb/global_control.h>

#include "kinship/screen.h"
#include "screen/kernels.h"

namespace {

using namespace kinship;

constexpr int kLoci = 24, kAlleles = 20;

const AlleleFreqTable& Table() {
  static const AlleleFreqTable* t = [] {
    auto* table = new AlleleFreqTable;
    std::mt19937_64 rng(1);
    for (int l = 0; l < kLoci; ++l) {
      Locus locus("L" + std::to_string(l));
      std::vector<double> w(kAlleles);
      double s = 0;
      for (double& x : w) s += (x = 0.2 + std::uniform_real_distribution<double>(0, 1)(rng));
      for (int a = 0; a < kAlleles; ++a) locus.AddAllele(std::to_string(5 + a), w[a] / s);
      table->AddLocus(locus);
    }
    return table;
  }();
  return *t;
}

ProfileSet Random(int n, std::uint64_t seed) {
  const AlleleFreqTable& t = Table();
  std::mt19937_64 rng(seed);
  ProfileSet p;
  p.Reset(kLoci);
  for (int s = 0; s < n; ++s) p.AddSample(std::to_string(s));
  for (int l = 0; l < kLoci; ++l) {
    std::discrete_distribution<int> draw(t.locus(l).freqs().begin(), t.locus(l).freqs().end());
    for (int s = 0; s < n; ++s) p.set_genotype(l, s, GenotypeIndex(draw(rng), draw(rng)));
  }
  return p;
}

void Run(benchmark::State& state, const ScoreTables& tables, const VictimColumns& victims) {
  ScreenOptions opts;
  opts.kernel = state.range(0) ? ScreenKernel::kAvx512 : ScreenKernel::kScalar;
  if (opts.kernel == ScreenKernel::kAvx512 && !internal::CpuHasAvx512Vbmi()) {
    state.SkipWithError("no AVX-512 VBMI");
    return;
  }
  opts.top_k = 10;
  opts.min_log10_lr = 3;
  tbb::global_control threads(tbb::global_control::max_allowed_parallelism, state.range(1));
  std::int64_t pairs = 0, rescored = 0;
  for (auto _ : state) {
    ScreenResult r = Screen(tables, victims, opts);
    pairs += r.pairs_screened;
    rescored += r.pairs_rescored;
    benchmark::DoNotOptimize(r.hits.data());
  }
  state.SetItemsProcessed(pairs);
  state.counters["rescored_per_M"] = 1e6 * rescored / std::max<std::int64_t>(1, pairs);
}

void BM_Screen_PairwiseParentChild(benchmark::State& state) {
  static const ScoreTables* tables = [] {
    ScoreTablesBuilder builder(Table());
    auto calc = PairwiseCalculator::Create(Table(), *ParseRelationship("parent-child"), {});
    AddPairwiseCandidates(*calc, Random(2000, 2), &builder);
    auto built = std::move(builder).Build();
    if (!built.ok()) std::abort();
    return new ScoreTables(std::move(*built));
  }();
  static const VictimColumns* victims = new VictimColumns(*tables, Random(50000, 3));
  Run(state, *tables, *victims);
}
BENCHMARK(BM_Screen_PairwiseParentChild)->Args({0, 1})->Args({1, 1})->Args({1, 2})->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_Screen_FamilyTables(benchmark::State& state) {
  static const ScoreTables* tables = [] {
    ScoreTablesBuilder builder(Table());
    Pedigree ped("F");
    auto person = [](const char* id, int f, int m, Sex s) {
      Person p;
      p.id = id;
      p.father = f;
      p.mother = m;
      p.sex = s;
      return p;
    };
    ped.Add(person("FA", -1, -1, Sex::kMale));
    ped.Add(person("MO", -1, -1, Sex::kFemale));
    ped.Add(person("S1", 0, 1, Sex::kFemale));
    const int mp = ped.Add(person("MP", 0, 1, Sex::kMale));
    auto models = *BuildPedigreeModels(Table(), {}, 0);
    ProfileSet refs = Random(2 * 500, 4);
    for (int f = 0; f < 500; ++f) {
      std::vector<std::vector<GenotypeIdx>> g(kLoci);
      for (int l = 0; l < kLoci; ++l) {
        AllelePair m = GenotypeAlleles(refs.genotype(l, 2 * f)), x = GenotypeAlleles(refs.genotype(l, 2 * f + 1));
        g[l] = {kUntyped, refs.genotype(l, 2 * f), GenotypeIndex(m.a, x.b), kUntyped};
      }
      (void)*AddFamilyCandidate(ped, g, mp, models, nullptr, &builder);
    }
    auto built = std::move(builder).Build();
    if (!built.ok()) std::abort();
    return new ScoreTables(std::move(*built));
  }();
  static const VictimColumns* victims = new VictimColumns(*tables, Random(200000, 5));
  Run(state, *tables, *victims);
}
BENCHMARK(BM_Screen_FamilyTables)->Args({0, 1})->Args({1, 1})->Args({1, 2})->Unit(benchmark::kMillisecond)->UseRealTime();

// Wide loci: 24 loci of 40 alleles (820 genotypes each, SE33-like), all through the
// byte-code kernel with the shared bucket code (docs/model.md).
void BM_Screen_WideLoci(benchmark::State& state) {
  static const AlleleFreqTable* wide = [] {
    auto* table = new AlleleFreqTable;
    std::mt19937_64 rng(9);
    for (int l = 0; l < kLoci; ++l) {
      Locus locus("W" + std::to_string(l));
      std::vector<double> w(40);
      double s = 0;
      for (double& x : w) s += (x = 0.1 + std::uniform_real_distribution<double>(0, 1)(rng));
      for (int a = 0; a < 40; ++a) locus.AddAllele(std::to_string(5 + a), w[a] / s);
      table->AddLocus(locus);
    }
    return table;
  }();
  auto random = [&](int n, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    ProfileSet p;
    p.Reset(kLoci);
    for (int s = 0; s < n; ++s) p.AddSample(std::to_string(s));
    for (int l = 0; l < kLoci; ++l) {
      std::discrete_distribution<int> draw(wide->locus(l).freqs().begin(), wide->locus(l).freqs().end());
      for (int s = 0; s < n; ++s) p.set_genotype(l, s, GenotypeIndex(draw(rng), draw(rng)));
    }
    return p;
  };
  static const ScoreTables* tables = [&] {
    ScoreTablesBuilder builder(*wide);
    auto calc = PairwiseCalculator::Create(*wide, *ParseRelationship("parent-child"), {});
    AddPairwiseCandidates(*calc, random(2000, 2), &builder);
    auto built = std::move(builder).Build();
    if (!built.ok()) std::abort();
    return new ScoreTables(std::move(*built));
  }();
  static const VictimColumns* victims = new VictimColumns(*tables, random(50000, 3));
  Run(state, *tables, *victims);
}
BENCHMARK(BM_Screen_WideLoci)->Args({0, 1})->Args({1, 1})->Args({1, 2})->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
