// Family-table precomputation (one table per locus for a family's missing person, 22
// loci; theta 0 and 0.01, with and without stepwise mutation), and LRs through the tables.
//
//   cmake -S . -B build -DKINSHIP_BUILD_BENCHMARKS=ON && cmake --build build -j2
//   ./build/bench/pedigree_bench
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "kinship/io.h"
#include "kinship/pedigree.h"
#include "kinship/pedigree_lr.h"
#include "stats/peeling_theta.h"

namespace {

using namespace kinship;

const AlleleFreqTable& Table() {
  static const AlleleFreqTable* t = [] {
    Diagnostics diag;
    return new AlleleFreqTable(
        *ReadAlleleFreqs(std::string(KINSHIP_SOURCE_DIR) + "/tests/data/validation/freqs.csv", &diag));
  }();
  return *t;
}

struct Family {
  Pedigree ped;
  int mp;
  std::vector<std::string> typed;  // ids of typed references
};

Family Shape(int shape) {
  Family f;
  auto add = [&](const char* id, const char* fa, const char* mo, Sex sex) {
    Person p;
    p.id = id;
    p.father = fa ? f.ped.Find(fa) : -1;
    p.mother = mo ? f.ped.Find(mo) : -1;
    p.sex = sex;
    return f.ped.Add(p);
  };
  const Sex M = Sex::kMale, F = Sex::kFemale;
  switch (shape) {
    case 0:  // trio: both parents typed (3 members)
      add("FA", nullptr, nullptr, M), add("MO", nullptr, nullptr, F);
      f.mp = add("MP", "FA", "MO", M);
      f.typed = {"FA", "MO"};
      break;
    case 1:  // mother and a full sister (4 members)
      add("FA", nullptr, nullptr, M), add("MO", nullptr, nullptr, F), add("S1", "FA", "MO", F);
      f.mp = add("MP", "FA", "MO", M);
      f.typed = {"MO", "S1"};
      break;
    case 2:  // the missing man's wife and two children (4 members)
      f.mp = add("MP", nullptr, nullptr, M);
      add("W", nullptr, nullptr, F), add("C1", "MP", "W", M), add("C2", "MP", "W", F);
      f.typed = {"W", "C1", "C2"};
      break;
    case 3:  // paternal grandparents and an aunt (6 members)
      add("GF", nullptr, nullptr, M), add("GM", nullptr, nullptr, F), add("FA", "GF", "GM", M);
      add("AU", "GF", "GM", F), add("MO", nullptr, nullptr, F);
      f.mp = add("MP", "FA", "MO", M);
      f.typed = {"GF", "GM", "AU"};
      break;
    case 5:  // two siblings, untyped parents (5 members)
      add("FA", nullptr, nullptr, M), add("MO", nullptr, nullptr, F), add("S1", "FA", "MO", F);
      add("S2", "FA", "MO", M);
      f.mp = add("MP", "FA", "MO", M);
      f.typed = {"S1", "S2"};
      break;
    default:  // 10 members: grandparents, parents, uncle, aunt, two siblings, a cousin
      add("GF", nullptr, nullptr, M), add("GM", nullptr, nullptr, F), add("FA", "GF", "GM", M);
      add("UN", "GF", "GM", M), add("MO", nullptr, nullptr, F), add("AW", nullptr, nullptr, F);
      add("S1", "FA", "MO", F), add("S2", "FA", "MO", M), add("CO", "UN", "AW", M);
      f.mp = add("MP", "FA", "MO", M);
      f.typed = {"GM", "MO", "S1", "S2", "CO"};
      break;
  }
  return f;
}

// Reference genotypes by gene dropping (no mutation), fixed seed.
std::vector<std::vector<GenotypeIdx>> Simulate(const Family& fam, const AlleleFreqTable& t, std::mt19937_64& rng) {
  std::vector<std::vector<GenotypeIdx>> out(t.locus_ct());
  for (int l = 0; l < t.locus_ct(); ++l) {
    std::discrete_distribution<int> draw(t.locus(l).freqs().begin(), t.locus(l).freqs().end());
    std::vector<std::pair<int, int>> al(fam.ped.size());
    for (int i = 0; i < fam.ped.size(); ++i) {
      const Person& p = fam.ped.person(i);
      if (p.father < 0) {
        al[i] = {draw(rng), draw(rng)};
      } else {
        auto pick = [&](std::pair<int, int> x) { return rng() & 1 ? x.first : x.second; };
        al[i] = {pick(al[p.father]), pick(al[p.mother])};
      }
    }
    out[l].assign(fam.ped.size(), kUntyped);
    for (const std::string& id : fam.typed) {
      int i = fam.ped.Find(id);
      out[l][i] = GenotypeIndex(al[i].first, al[i].second);
    }
  }
  return out;
}

// Family tables of one shape for 22 loci, families per second: theta, stepwise mutation
// (rate 0.002, range 0.1) or none, and (by_genotype) the genotype-by-genotype tables at
// theta > 0 (two exact likelihoods per genotype) that the one-pass tables replaced, for the
// ratio. 16 simulated reference sets, taken in turn.
void BM_FamilyTables(benchmark::State& state, double theta, bool stepwise, bool by_genotype) {
  const AlleleFreqTable& t = Table();
  MutationSpec mut;
  if (stepwise) mut.male = mut.female = {MutationModel::kStepwise, 0.002, 1e-6, 0.1};
  auto models = *BuildPedigreeModels(t, mut, theta);
  Family fam = Shape(static_cast<int>(state.range(0)));
  std::mt19937_64 rng(7);
  std::vector<std::vector<std::vector<GenotypeIdx>>> refs;
  for (int k = 0; k < 16; ++k) refs.push_back(Simulate(fam, t, rng));
  std::int64_t families = 0;
  size_t k = 0;
  for (auto _ : state) {
    const auto& g = refs[k++ % refs.size()];
    for (int l = 0; l < t.locus_ct(); ++l) {
      auto table = by_genotype ? internal::FamilyTableByGenotype(fam.ped, g[l], fam.mp, models[l])
                               : FamilyTable(fam.ped, g[l], fam.mp, models[l]);
      if (!table.ok()) state.SkipWithError(std::string(table.status().message()).c_str());
      benchmark::DoNotOptimize(table);
    }
    ++families;
  }
  state.SetItemsProcessed(families);
  state.counters["members"] = fam.ped.size();
}
BENCHMARK_CAPTURE(BM_FamilyTables, Stepwise, 0.0, true, false)
    ->DenseRange(0, 5)->ArgName("shape")->Name("BM_FamilyTables_Stepwise");
BENCHMARK_CAPTURE(BM_FamilyTables, NoMutation, 0.0, false, false)
    ->DenseRange(0, 5)->ArgName("shape")->Name("BM_FamilyTables_NoMutation");
BENCHMARK_CAPTURE(BM_FamilyTables, Theta001, 0.01, false, false)
    ->DenseRange(0, 5)->ArgName("shape")->Name("BM_FamilyTables_Theta001");
BENCHMARK_CAPTURE(BM_FamilyTables, Theta001_Stepwise, 0.01, true, false)
    ->DenseRange(0, 5)->ArgName("shape")->Name("BM_FamilyTables_Theta001_Stepwise");
BENCHMARK_CAPTURE(BM_FamilyTables, Theta001_ByGenotype, 0.01, false, true)
    ->DenseRange(0, 5)->ArgName("shape")->Name("BM_FamilyTables_Theta001_ByGenotype")
    ->Unit(benchmark::kMillisecond);
// Seconds per family genotype by genotype with stepwise mutation: the shapes with few free
// founder alleles only (the others take minutes per family).
BENCHMARK_CAPTURE(BM_FamilyTables, Theta001_Stepwise_ByGenotype, 0.01, true, true)
    ->DenseRange(0, 3)->ArgName("shape")->Name("BM_FamilyTables_Theta001_Stepwise_ByGenotype")
    ->Unit(benchmark::kMillisecond)->Iterations(2);

// LRs through precomputed tables: one victim = one table lookup per locus, summed in log10.
void BM_LrThroughFamilyTables(benchmark::State& state) {
  const AlleleFreqTable& t = Table();
  MutationSpec mut;
  mut.male = mut.female = {MutationModel::kStepwise, 0.002, 1e-6, 0.1};
  auto models = *BuildPedigreeModels(t, mut, 0);
  Family fam = Shape(1);
  std::mt19937_64 rng(7);
  auto g = Simulate(fam, t, rng);
  std::vector<std::vector<double>> log10_table(t.locus_ct());
  for (int l = 0; l < t.locus_ct(); ++l) {
    auto table = *FamilyTable(fam.ped, g[l], fam.mp, models[l]);
    for (double x : table) log10_table[l].push_back(std::log10(x));
  }
  const int n_victims = 4096;
  std::vector<std::vector<GenotypeIdx>> victims(t.locus_ct(), std::vector<GenotypeIdx>(n_victims));
  for (int l = 0; l < t.locus_ct(); ++l) {
    std::discrete_distribution<int> draw(t.locus(l).freqs().begin(), t.locus(l).freqs().end());
    for (auto& v : victims[l]) v = GenotypeIndex(draw(rng), draw(rng));
  }
  std::vector<double> score(n_victims);
  for (auto _ : state) {
    std::fill(score.begin(), score.end(), 0.0);
    for (int l = 0; l < t.locus_ct(); ++l) {
      const double* row = log10_table[l].data();
      const GenotypeIdx* col = victims[l].data();
      for (int v = 0; v < n_victims; ++v) score[v] += row[col[v]];
    }
    benchmark::DoNotOptimize(score.data());
  }
  state.SetItemsProcessed(state.iterations() * n_victims);
}
BENCHMARK(BM_LrThroughFamilyTables);

}  // namespace
