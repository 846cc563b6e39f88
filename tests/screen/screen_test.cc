// The screen's properties: the prefilter never falls below the exact score, SIMD == scalar,
// 1 thread == N threads bit for bit, no candidate that exact computation would report is
// missed, and every reported number equals the exact pairwise / pedigree computation.
#include "kinship/screen.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>

#include <catch2/catch.hpp>
#include <tbb/global_control.h>
#include <tbb/task_arena.h>

#include "kinship/io.h"
#include "screen/kernels.h"

using namespace kinship;

namespace {

// 6 loci: five narrow (4..22 alleles) and one wide (30 alleles, 465 genotypes).
AlleleFreqTable TestTable() {
  AlleleFreqTable t;
  std::mt19937_64 rng(11);
  const int sizes[] = {4, 9, 15, 22, 30, 12};
  for (int l = 0; l < 6; ++l) {
    Locus locus("L" + std::to_string(l));
    std::vector<double> w(sizes[l]);
    double s = 0;
    for (double& x : w) s += (x = 0.05 + std::uniform_real_distribution<double>(0, 1)(rng));
    for (int a = 0; a < sizes[l]; ++a) locus.AddAllele(std::to_string(8 + a), w[a] / s);
    t.AddLocus(locus);
  }
  return t;
}

ProfileSet RandomProfiles(const AlleleFreqTable& t, int n, std::uint64_t seed, double untyped_rate) {
  std::mt19937_64 rng(seed);
  ProfileSet p;
  p.Reset(t.locus_ct());
  for (int s = 0; s < n; ++s) p.AddSample("S" + std::to_string(s));
  for (int l = 0; l < t.locus_ct(); ++l) {
    std::discrete_distribution<int> draw(t.locus(l).freqs().begin(), t.locus(l).freqs().end());
    for (int s = 0; s < n; ++s) {
      if (std::uniform_real_distribution<double>(0, 1)(rng) < untyped_rate) continue;
      p.set_genotype(l, s, GenotypeIndex(draw(rng), draw(rng)));
    }
  }
  return p;
}

// Victims that include true relatives of the references (children: one allele of the
// reference, one random), so that the screen has real hits.
ProfileSet VictimsWithChildren(const AlleleFreqTable& t, const ProfileSet& refs, int n, std::uint64_t seed,
                               double untyped_rate = 0.1) {
  ProfileSet v = RandomProfiles(t, n, seed, untyped_rate);
  std::mt19937_64 rng(seed + 1);
  for (int s = 0; s < n; s += 3) {
    const int r = s % refs.sample_ct();
    for (int l = 0; l < t.locus_ct(); ++l) {
      if (refs.genotype(l, r) == kUntyped) continue;
      AllelePair ab = GenotypeAlleles(refs.genotype(l, r));
      std::discrete_distribution<int> draw(t.locus(l).freqs().begin(), t.locus(l).freqs().end());
      v.set_genotype(l, s, GenotypeIndex(rng() & 1 ? ab.a : ab.b, draw(rng)));
    }
  }
  return v;
}

struct Setup {
  AlleleFreqTable table = TestTable();
  ProfileSet refs, victims;
  std::unique_ptr<PairwiseCalculator> calc;
  std::unique_ptr<ScoreTables> tables;
  std::unique_ptr<VictimColumns> columns;
};

std::unique_ptr<Setup> MakeSetup(const std::string& rel, bool mutation, double theta, int n_refs, int n_victims,
                                 double ref_untyped = 0.05, double victim_untyped = 0.1,
                                 MutationModel model = MutationModel::kStepwise) {
  auto s = std::make_unique<Setup>();
  s->refs = RandomProfiles(s->table, n_refs, 1, ref_untyped);
  s->victims = VictimsWithChildren(s->table, s->refs, n_victims, 2, victim_untyped);
  PairwiseOptions opts;
  opts.theta = theta;
  if (mutation) opts.mutation.male = opts.mutation.female = {model, 0.003, 1e-5, 0.2};
  auto calc = PairwiseCalculator::Create(s->table, *ParseRelationship(rel), opts);
  REQUIRE(calc.ok());
  s->calc = std::make_unique<PairwiseCalculator>(std::move(*calc));
  ScoreTablesBuilder builder(s->table);
  AddPairwiseCandidates(*s->calc, s->refs, &builder);
  auto tables = std::move(builder).Build();
  REQUIRE(tables.ok());
  s->tables = std::make_unique<ScoreTables>(std::move(*tables));
  s->columns = std::make_unique<VictimColumns>(*s->tables, s->victims);
  return s;
}

bool SameHits(const ScreenResult& a, const ScreenResult& b) {
  if (a.hits.size() != b.hits.size()) return false;
  for (size_t v = 0; v < a.hits.size(); ++v) {
    if (a.hits[v].size() != b.hits[v].size()) return false;
    for (size_t i = 0; i < a.hits[v].size(); ++i) {
      const ScreenHit &x = a.hits[v][i], &y = b.hits[v][i];
      if (x.candidate != y.candidate || std::memcmp(&x.log10_lr, &y.log10_lr, sizeof(double)) != 0 ||
          x.loci_compared != y.loci_compared || x.loci_inconsistent != y.loci_inconsistent)
        return false;
    }
  }
  return true;
}

}  // namespace

TEST_CASE("Prefilter bound is never below the exact score", "[screen][property]") {
  for (auto [rel, mut, theta] : {std::tuple{"parent-child", false, 0.0}, std::tuple{"parent-child", true, 0.02},
                                 std::tuple{"full-siblings", false, 0.01}, std::tuple{"half-siblings", false, 0.0}}) {
    INFO(rel << " mutation " << mut << " theta " << theta);
    auto s = MakeSetup(rel, mut, theta, 60, 200);
    const ScoreTables& t = *s->tables;
    int checked = 0, bucketed_pairs = 0;
    for (int c = 0; c < t.candidate_ct(); ++c)
      for (int v = 0; v < s->columns->victim_ct(); ++v) {
        const ScreenHit h = ExactPair(t, *s->columns, c, v);
        const double bound = PrefilterSum(t, *s->columns, c, v) / t.scale() + t.candidate_offset(c);
        REQUIRE(bound >= h.log10_lr - 1e-9);
        // The bound is not vacuous: for relationships with k0 > 0 and no mutation no
        // entry is clamped, so it exceeds the exact score by less than one step per
        // typed locus of the candidate.
        // (Genotypes of a wide locus that share kOtherCode take the bucket's largest entry,
        // so victims with one are left out of this check.)
        bool bucketed = false;
        for (int l = 0; l < t.locus_ct(); ++l) bucketed |= s->columns->codes(l)[v] == kOtherCode && t.wide(l);
        if (std::string(rel) != "parent-child" && !bucketed)
          REQUIRE(bound <= h.log10_lr + t.locus_ct() / t.scale() + 1e-9);
        bucketed_pairs += bucketed;
        ++checked;
      }
    REQUIRE(checked == 60 * 200);
    REQUIRE(bucketed_pairs > 0);  // the wide locus' shared code was exercised
  }
}

TEST_CASE("Exact screen scores equal kinship lr's pairwise computation", "[screen]") {
  // parent-child with mutation and theta (closed form); full siblings with mutation (rows
  // from the pedigree engine, one elimination per reference genotype).
  for (auto [rel, theta, n_refs, n_vic] : {std::tuple{"parent-child", 0.01, 40, 100}, std::tuple{"full-siblings", 0.0, 8, 40}}) {
  INFO(rel);
  auto s = MakeSetup(rel, true, theta, n_refs, n_vic);
  for (int c = 0; c < n_refs; ++c)
    for (int v = 0; v < n_vic; ++v) {
      const ScreenHit h = ExactPair(*s->tables, *s->columns, c, v);
      const PairResult r = s->calc->Compute(s->refs, c, s->victims, v, nullptr);
      // Same table entries (log10 of the same LocusLr), same locus order: identical.
      REQUIRE(std::memcmp(&h.log10_lr, &r.log10_lr, sizeof(double)) == 0);
      REQUIRE(h.loci_compared == r.loci_compared);
      REQUIRE(h.loci_inconsistent == r.loci_inconsistent);
    }
  }
}

TEST_CASE("SIMD kernel equals the scalar kernel", "[screen][simd]") {
  if (!internal::CpuHasAvx512Vbmi()) {
    WARN("no AVX-512 VBMI on this CPU: the SIMD kernel is not exercised");
    return;
  }
  std::mt19937_64 rng(5);
  for (int n : {64, 128, 256, 320, 1024}) {
    const int n_loci = 24;
    std::vector<std::vector<std::int8_t>> rows(n_loci, std::vector<std::int8_t>(256));
    std::vector<std::vector<std::uint8_t>> codes(n_loci, std::vector<std::uint8_t>(n));
    for (auto& r : rows)
      for (auto& x : r) x = static_cast<std::int8_t>(rng() & 0xFF);
    for (auto& c : codes)
      for (auto& x : c) x = static_cast<std::uint8_t>(rng() & 0xFF);
    std::vector<const std::int8_t*> rp;
    std::vector<const std::uint8_t*> cp;
    for (int i = 0; i < n_loci; ++i) rp.push_back(rows[i].data()), cp.push_back(codes[i].data());
    std::vector<std::int16_t> a(n), b(n), thr(n);
    for (auto& x : thr) x = static_cast<std::int16_t>(static_cast<int>(rng() % 801) - 400);
    std::vector<std::uint64_t> ma(n / 64), mb(n / 64);
    for (std::int16_t offset : {0, -37, 250}) {
      internal::PrefilterScalar(rp.data(), cp.data(), n_loci, n, offset, thr.data(), ma.data(), a.data());
      internal::PrefilterAvx512(rp.data(), cp.data(), n_loci, n, offset, thr.data(), mb.data(), b.data());
      REQUIRE(a == b);
      REQUIRE(ma == mb);
      // The scalar sums are the plain sums; each mask bit is the pass test.
      for (int v = 0; v < n; ++v) {
        int want = 0;
        for (int i = 0; i < n_loci; ++i) want += rows[i][codes[i][v]];
        REQUIRE(a[v] == want);
        REQUIRE(((ma[v / 64] >> (v % 64)) & 1) == static_cast<std::uint64_t>(want + offset >= thr[v]));
      }
    }
  }
}

TEST_CASE("Screen finds every pair the exact computation would report", "[screen][property]") {
  for (auto [rel, mut] : {std::pair{"parent-child", true}, std::pair{"full-siblings", false}}) {
    auto s = MakeSetup(rel, mut, 0.0, 50, 300);
    for (double min_lr : {-HUGE_VAL, 0.0, 2.0}) {
      for (int k : {1, 3, 1000}) {
        INFO(rel << " k " << k << " min " << min_lr);
        ScreenOptions opts;
        opts.top_k = k;
        opts.min_log10_lr = min_lr;
        opts.victim_block = 128;
        ScreenResult r = Screen(*s->tables, *s->columns, opts);
        REQUIRE(r.pairs_screened == 50 * 300);
        for (int v = 0; v < 300; ++v) {
          // Brute force: every exact score, best first, ties to the lower candidate.
          std::vector<ScreenHit> all;
          for (int c = 0; c < 50; ++c) {
            ScreenHit h = ExactPair(*s->tables, *s->columns, c, v);
            if (h.log10_lr >= min_lr) all.push_back(h);
          }
          std::sort(all.begin(), all.end(), [](const ScreenHit& a, const ScreenHit& b) {
            return a.log10_lr != b.log10_lr ? a.log10_lr > b.log10_lr : a.candidate < b.candidate;
          });
          if (static_cast<int>(all.size()) > k) all.resize(k);
          REQUIRE(r.hits[v].size() == all.size());
          for (size_t i = 0; i < all.size(); ++i) {
            REQUIRE(r.hits[v][i].candidate == all[i].candidate);
            REQUIRE(r.hits[v][i].log10_lr == all[i].log10_lr);
          }
        }
      }
    }
  }
}

TEST_CASE("Screen results are identical for any thread count and kernel", "[screen][property]") {
  auto s = MakeSetup("parent-child", true, 0.01, 80, 700);
  ScreenOptions opts;
  opts.top_k = 5;
  opts.victim_block = 64;
  opts.kernel = ScreenKernel::kScalar;
  ScreenResult one;
  {
    tbb::task_arena arena(1);
    arena.execute([&] { one = Screen(*s->tables, *s->columns, opts); });
  }
  for (int threads : {2}) {
    tbb::task_arena arena(threads);
    ScreenResult many;
    arena.execute([&] { many = Screen(*s->tables, *s->columns, opts); });
    REQUIRE(SameHits(one, many));
    REQUIRE(one.pairs_rescored == many.pairs_rescored);
  }
  opts.kernel = ScreenKernel::kAvx512;  // falls back to scalar where unsupported
  ScreenResult simd = Screen(*s->tables, *s->columns, opts);
  REQUIRE(SameHits(one, simd));
  opts.victim_block = 512;
  REQUIRE(SameHits(one, Screen(*s->tables, *s->columns, opts)));
}

TEST_CASE("Family candidates: screen scores equal the pedigree engine", "[screen][pedigree]") {
  AlleleFreqTable table = TestTable();
  // Mother and sister typed; the missing person is the sister's full brother.
  Pedigree ped("F1");
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
  ProfileSet refs = RandomProfiles(table, 2, 3, 0.0);
  MutationSpec mut;
  mut.male = mut.female = {MutationModel::kEqual, 0.002, 0, 0.5};
  auto models = *BuildPedigreeModels(table, mut, 0);
  auto plain = *BuildPedigreeModels(table, {}, 0);
  std::vector<std::vector<GenotypeIdx>> g(table.locus_ct());
  for (int l = 0; l < table.locus_ct(); ++l) {
    // Sister = child of mother (one maternal allele) and a random father.
    AllelePair m = GenotypeAlleles(refs.genotype(l, 0));
    AllelePair x = GenotypeAlleles(refs.genotype(l, 1));
    g[l] = {kUntyped, refs.genotype(l, 0), GenotypeIndex(m.a, x.b), kUntyped};
  }
  ScoreTablesBuilder builder(table);
  auto c = AddFamilyCandidate(ped, g, mp, models, &plain, &builder);
  REQUIRE(c.ok());
  auto built = std::move(builder).Build();
  REQUIRE(built.ok());
  const ScoreTables& tables = *built;
  ProfileSet victims = RandomProfiles(table, 130, 9, 0.1);
  VictimColumns cols(tables, victims);
  ScreenOptions opts;
  opts.top_k = 200;
  ScreenResult r = Screen(tables, cols, opts);
  for (int v = 0; v < 130; ++v) {
    REQUIRE(r.hits[v].size() == 1);
    double want = 0;
    for (int l = 0; l < table.locus_ct(); ++l) {
      GenotypeIdx gv = victims.genotype(l, v);
      if (gv == kUntyped) continue;
      want += std::log10(*MissingPersonLocusLr(ped, g[l], mp, gv, models[l]));
    }
    REQUIRE(r.hits[v][0].log10_lr == Approx(want).epsilon(1e-12));
    const double bound = PrefilterSum(tables, cols, 0, v) / tables.scale() + tables.candidate_offset(0);
    REQUIRE(bound >= r.hits[v][0].log10_lr - 1e-9);
  }
}

TEST_CASE("Byte codes: identity on narrow loci, the 254 most frequent genotypes on wide ones",
          "[screen]") {
  AlleleFreqTable table = TestTable();
  auto built = ScoreTablesBuilder(table).Build();
  REQUIRE(built.ok());
  const ScoreTables& t = *built;
  for (int l = 0; l < table.locus_ct(); ++l) {
    const Locus& locus = table.locus(l);
    const int gc = locus.genotype_ct();
    REQUIRE(t.code(l, kUntyped) == kUntypedCode);
    if (!t.wide(l)) {
      for (int g = 0; g < gc; ++g) REQUIRE(t.code(l, static_cast<GenotypeIdx>(g)) == g);
      continue;
    }
    // Every genotype with its own code is at least as frequent as every genotype in the
    // shared bucket, and the own codes are distinct and below kOtherCode.
    auto hw = [&](int g) {
      AllelePair ab = GenotypeAlleles(static_cast<GenotypeIdx>(g));
      return (ab.a == ab.b ? 1 : 2) * locus.freq(ab.a) * locus.freq(ab.b);
    };
    double min_coded = 1, max_other = 0;
    std::vector<int> seen(256, 0);
    for (int g = 0; g < gc; ++g) {
      const std::uint8_t c = t.code(l, static_cast<GenotypeIdx>(g));
      if (c == kOtherCode) {
        max_other = std::max(max_other, hw(g));
      } else {
        REQUIRE(c < kOtherCode);
        REQUIRE(++seen[c] == 1);
        min_coded = std::min(min_coded, hw(g));
      }
    }
    REQUIRE(std::count(seen.begin(), seen.end(), 1) == kOtherCode);
    REQUIRE(min_coded >= max_other);
  }
}

TEST_CASE("Extreme per-locus LRs take the exact wide path and are still found", "[screen]") {
  // 60 loci where allele "1" has frequency 1e-9 (the smallest accepted): full siblings
  // both 1/1 have a per-locus LR near (1/4)/p^2 = 2.5e17, so the candidate's offset term
  // exceeds the int16 headroom and the pass test runs in int64 for that candidate.
  AlleleFreqTable table;
  for (int l = 0; l < kMaxScreenLoci; ++l) {
    Locus locus("X" + std::to_string(l));
    locus.AddAllele("1", 1e-9);
    locus.AddAllele("2", 1 - 1e-9);
    table.AddLocus(locus);
  }
  ProfileSet refs, victims;
  refs.Reset(table.locus_ct());
  victims.Reset(table.locus_ct());
  refs.AddSample("R");
  for (int v = 0; v < 70; ++v) victims.AddSample("V" + std::to_string(v));
  for (int l = 0; l < table.locus_ct(); ++l) {
    refs.set_genotype(l, 0, GenotypeIndex(0, 0));
    for (int v = 0; v < 70; ++v) victims.set_genotype(l, v, v == 37 ? GenotypeIndex(0, 0) : GenotypeIndex(1, (v + l) % 2));
  }
  auto calc = PairwiseCalculator::Create(table, *ParseRelationship("full-siblings"), {});
  REQUIRE(calc.ok());
  ScoreTablesBuilder builder(table);
  AddPairwiseCandidates(*calc, refs, &builder);
  auto built = std::move(builder).Build();
  REQUIRE(built.ok());
  const ScoreTables& tables = *built;
  VictimColumns cols(tables, victims);
  REQUIRE(std::fabs(tables.candidate_offset(0) * tables.scale()) + 128.0 * table.locus_ct() > 16000);
  for (ScreenKernel k : {ScreenKernel::kScalar, ScreenKernel::kAvx512}) {
    ScreenOptions opts;
    opts.kernel = k;
    opts.top_k = 1;
    opts.min_log10_lr = 500;
    ScreenResult r = Screen(tables, cols, opts);
    for (int v = 0; v < 70; ++v) {
      const ScreenHit h = ExactPair(tables, cols, 0, v);
      INFO("victim " << v << " exact " << h.log10_lr);
      REQUIRE(r.hits[v].size() == (h.log10_lr >= 500 ? 1u : 0u));
    }
    REQUIRE(r.hits[37].size() == 1);
    REQUIRE(r.hits[37][0].log10_lr > 1000);
  }
}

TEST_CASE("One-sided loci: screen scores equal PairwiseCalculator::Compute, bound and determinism hold",
          "[screen][property][onesided]") {
  // 30% of references' and victims' loci untyped, so that many pairs have loci typed on one
  // side only; stepwise (parent-child: closed form rows; avuncular: engine rows) and equal
  // mutation with theta (full siblings).
  struct Case {
    const char* rel;
    double theta;
    MutationModel model;
  };
  for (const Case& k : {Case{"parent-child", 0.0, MutationModel::kStepwise}, Case{"avuncular", 0.0, MutationModel::kStepwise},
                        Case{"full-siblings", 0.01, MutationModel::kEqual}}) {
    INFO(k.rel << " theta " << k.theta);
    const int n_refs = 12, n_vic = 150;
    auto s = MakeSetup(k.rel, true, k.theta, n_refs, n_vic, 0.3, 0.3, k.model);
    REQUIRE(s->calc->one_sided());
    const ScoreTables& t = *s->tables;
    int onesided_pairs = 0;
    for (int c = 0; c < n_refs; ++c)
      for (int v = 0; v < n_vic; ++v) {
        const ScreenHit h = ExactPair(t, *s->columns, c, v);
        std::vector<double> values;
        const PairResult r = s->calc->Compute(s->refs, c, s->victims, v, &values);
        REQUIRE(std::memcmp(&h.log10_lr, &r.log10_lr, sizeof(double)) == 0);
        REQUIRE(h.loci_compared == r.loci_compared);
        REQUIRE(h.loci_inconsistent == r.loci_inconsistent);
        bool onesided = false;
        for (int l = 0; l < t.locus_ct(); ++l)
          onesided |= ((s->refs.genotype(l, c) == kUntyped) != (s->victims.genotype(l, v) == kUntyped)) &&
                      values[l] != 0;
        onesided_pairs += onesided;
        const double bound = PrefilterSum(t, *s->columns, c, v) / t.scale() + t.candidate_offset(c);
        REQUIRE(bound >= h.log10_lr - 1e-9);
      }
    REQUIRE(onesided_pairs > n_refs * n_vic / 2);
    // Brute force top-k, and 1 thread == 2 threads == the other kernel.
    for (double min_lr : {-HUGE_VAL, 0.0}) {
      ScreenOptions opts;
      opts.top_k = 3;
      opts.min_log10_lr = min_lr;
      opts.victim_block = 64;
      opts.kernel = ScreenKernel::kScalar;
      ScreenResult one;
      {
        tbb::task_arena arena(1);
        arena.execute([&] { one = Screen(t, *s->columns, opts); });
      }
      {
        tbb::task_arena arena(2);
        ScreenResult many;
        arena.execute([&] { many = Screen(t, *s->columns, opts); });
        REQUIRE(SameHits(one, many));
      }
      opts.kernel = ScreenKernel::kAvx512;  // falls back to scalar where unsupported
      REQUIRE(SameHits(one, Screen(t, *s->columns, opts)));
      for (int v = 0; v < n_vic; ++v) {
        std::vector<ScreenHit> all;
        for (int c = 0; c < n_refs; ++c) {
          ScreenHit h = ExactPair(t, *s->columns, c, v);
          if (h.loci_compared > 0 && h.log10_lr >= min_lr) all.push_back(h);
        }
        std::sort(all.begin(), all.end(), [](const ScreenHit& a, const ScreenHit& b) {
          return a.log10_lr != b.log10_lr ? a.log10_lr > b.log10_lr : a.candidate < b.candidate;
        });
        if (all.size() > 3) all.resize(3);
        REQUIRE(one.hits[v].size() == all.size());
        for (size_t i = 0; i < all.size(); ++i) {
          REQUIRE(one.hits[v][i].candidate == all[i].candidate);
          REQUIRE(one.hits[v][i].log10_lr == all[i].log10_lr);
        }
      }
    }
  }
}

namespace {

// Two narrow loci of 4 alleles (10 genotypes each).
AlleleFreqTable SmallTable() {
  AlleleFreqTable t;
  for (const char* name : {"A", "B"}) {
    Locus locus(name);
    for (int a = 0; a < 4; ++a) locus.AddAllele(std::to_string(10 + a), 0.25);
    t.AddLocus(locus);
  }
  return t;
}

}  // namespace

TEST_CASE("A +inf row entry is quantized to +127 and its pair is always reported", "[screen]") {
  AlleleFreqTable table = SmallTable();
  ScoreTablesBuilder builder(table);
  const std::vector<std::uint8_t> no_flags(10, 0);
  // Candidate 3: +inf for victim genotype 3 at locus A, 0 elsewhere. Candidates 0-2: 50 at
  // every genotype of both loci (they fill the top-1 slot first with a high finite score).
  std::vector<double> inf_row(10, 0.0);
  inf_row[3] = HUGE_VAL;
  const int r_inf = builder.AddRow(0, inf_row, no_flags);
  const int r_zero = builder.AddRow(1, std::vector<double>(10, 0.0), no_flags);
  const int r_hi_a = builder.AddRow(0, std::vector<double>(10, 50.0), no_flags);
  const int r_hi_b = builder.AddRow(1, std::vector<double>(10, 50.0), no_flags);
  for (int c = 0; c < 4; ++c) builder.AddCandidate(c == 3 ? std::vector<int>{r_inf, r_zero} : std::vector<int>{r_hi_a, r_hi_b});
  auto built = std::move(builder).Build();
  REQUIRE(built.ok());
  const ScoreTables& tables = *built;
  REQUIRE(tables.prefilter_row(0, r_inf)[3] == 127);
  REQUIRE(tables.candidate_has_inf(3));
  REQUIRE(!tables.candidate_has_inf(0));
  ProfileSet victims;
  victims.Reset(2);
  for (int v = 0; v < 3; ++v) {
    victims.AddSample("V" + std::to_string(v));
    victims.set_genotype(0, v, static_cast<GenotypeIdx>(v == 1 ? 3 : 5));
    victims.set_genotype(1, v, 0);
  }
  VictimColumns cols(tables, victims);
  for (ScreenKernel kernel : {ScreenKernel::kScalar, ScreenKernel::kAvx512}) {
    for (double min_lr : {-HUGE_VAL, 1e300}) {
      INFO("min " << min_lr);
      ScreenOptions opts;
      opts.top_k = 1;
      opts.min_log10_lr = min_lr;
      opts.kernel = kernel;
      ScreenResult r = Screen(tables, cols, opts);
      // Victim 1 has genotype 3 at A: candidate 3's exact score is +inf, the best.
      REQUIRE(r.hits[1].size() == 1);
      REQUIRE(r.hits[1][0].candidate == 3);
      REQUIRE(r.hits[1][0].log10_lr == HUGE_VAL);
      // The others: 100 from candidate 0 (unless above the threshold).
      REQUIRE(r.hits[0].size() == (min_lr < 0 ? 1u : 0u));
      if (min_lr < 0) REQUIRE(r.hits[0][0].log10_lr == 100.0);
    }
  }
}

TEST_CASE("A NaN row entry is an Internal error, never a silent drop", "[screen]") {
  AlleleFreqTable table = SmallTable();
  const std::vector<std::uint8_t> no_flags(10, 0);
  {
    ScoreTablesBuilder builder(table);
    std::vector<double> row(10, 0.0);
    row[4] = std::nan("");
    builder.AddCandidate({builder.AddRow(0, row, no_flags), -1});
    const absl::Status st = std::move(builder).Build().status();
    REQUIRE(st.code() == absl::StatusCode::kInternal);
    REQUIRE(std::string(st.message()).find("NaN") != std::string::npos);
  }
  {
    ScoreTablesBuilder builder(table);  // NaN as the untyped-victim entry
    builder.AddCandidate({builder.AddRow(1, std::vector<double>(10, 0.0), no_flags, std::nan("")), -1});
    REQUIRE(std::move(builder).Build().status().code() == absl::StatusCode::kInternal);
  }
  {
    ScoreTablesBuilder builder(table);  // -inf is fine (an exclusion)
    std::vector<double> row(10, 0.0);
    row[4] = -HUGE_VAL;
    builder.AddCandidate({builder.AddRow(0, row, no_flags), -1});
    auto tables = std::move(builder).Build();
    REQUIRE(tables.ok());
    REQUIRE(tables->prefilter_row(0, 0)[4] == -128);
  }
}

TEST_CASE("Uncertain victims and references: observation columns keep the bound, equal Compute, any threads",
          "[screen][property][observation]") {
  // Victims degraded at random: single-allele observations (a,a) of one of their alleles,
  // failed alleles (a,F), with drop-out and drop-in that differ by victim (so that the
  // observation columns outnumber the free byte codes of the larger narrow loci and share
  // kOtherCode); some references with failed alleles or drop-out (their evidence rows).
  for (auto [rel, mut, theta] : {std::tuple{"parent-child", true, 0.0}, std::tuple{"full-siblings", false, 0.02}}) {
    INFO(rel << " mutation " << mut << " theta " << theta);
    AlleleFreqTable table = TestTable();
    ProfileSet refs = RandomProfiles(table, 30, 1, 0.05);
    ProfileSet victims = VictimsWithChildren(table, refs, 150, 2);
    std::mt19937_64 rng(17);
    std::uniform_real_distribution<double> u(0, 1);
    auto degrade = [&](ProfileSet* p, double single, double failed) {
      for (int l = 0; l < table.locus_ct(); ++l)
        for (int s = 0; s < p->sample_ct(); ++s) {
          const GenotypeIdx g = p->genotype(l, s);
          if (g == kUntyped) continue;
          const AllelePair ab = GenotypeAlleles(g);
          const double x = u(rng);
          if (x < single) p->set_genotype(l, s, GenotypeIndex(ab.b, ab.b));
          else if (x < single + failed) p->set_genotype(l, s, WildcardCode(ab.a));
        }
    };
    degrade(&victims, 0.3, 0.1);
    degrade(&refs, 0.0, 0.1);
    ObservationTable obs;
    const double dropouts[] = {0.05, 0.1, 0.2, 0.3};
    for (int v = 0; v < victims.sample_ct(); ++v)
      obs.SetSample(victims.sample_id(v), {dropouts[v % 4], v % 3 == 0 ? 0.02 : 0.0});
    obs.SetSample(refs.sample_id(0), {0.1, 0.0});
    PairwiseOptions opts;
    opts.theta = theta;
    if (mut) opts.mutation.male = opts.mutation.female = {MutationModel::kStepwise, 0.003, 1e-5, 0.2};
    auto calc = PairwiseCalculator::Create(table, *ParseRelationship(rel), opts);
    REQUIRE(calc.ok());
    ScoreTablesBuilder builder(table, &victims, &obs);
    AddPairwiseCandidates(*calc, refs, &builder, &obs);
    auto tables = std::move(builder).Build();
    REQUIRE(tables.ok());
    const VictimColumns columns(*tables, victims, &obs);
    int shared = 0, own = 0;
    for (int l = 0; l < tables->locus_ct(); ++l)
      for (int v = 0; v < victims.sample_ct(); ++v) {
        const GenotypeIdx c = columns.genotype(l, v);
        if (c == kUntyped || c < tables->genotype_ct(l)) continue;
        (columns.codes(l)[v] == kOtherCode ? shared : own) += 1;
      }
    CHECK(shared > 0);  // kOtherCode shared by observation columns
    CHECK(own > 0);     // and columns with a code of their own
    for (int c = 0; c < tables->candidate_ct(); ++c)
      for (int v = 0; v < victims.sample_ct(); ++v) {
        const ScreenHit h = ExactPair(*tables, columns, c, v);
        const double bound = PrefilterSum(*tables, columns, c, v) / tables->scale() + tables->candidate_offset(c);
        REQUIRE(bound >= h.log10_lr - 1e-9);
        const PairResult r = calc->Compute(refs, c, victims, v, nullptr, &obs);
        REQUIRE(h.log10_lr == Approx(r.log10_lr).margin(1e-12).epsilon(1e-14));
        REQUIRE(h.loci_compared == r.loci_compared);
        REQUIRE(h.loci_inconsistent == r.loci_inconsistent);
      }
    ScreenOptions sopts;
    sopts.top_k = 4;
    sopts.victim_block = 64;
    sopts.kernel = ScreenKernel::kScalar;
    ScreenResult one;
    {
      tbb::task_arena arena(1);
      arena.execute([&] { one = Screen(*tables, columns, sopts); });
    }
    tbb::task_arena arena(2);
    ScreenResult two;
    arena.execute([&] { two = Screen(*tables, columns, sopts); });
    REQUIRE(SameHits(one, two));
    sopts.kernel = ScreenKernel::kAvx512;  // falls back to scalar where unsupported
    REQUIRE(SameHits(one, Screen(*tables, columns, sopts)));
  }
}
