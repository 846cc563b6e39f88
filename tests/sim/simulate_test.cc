#include <catch2/catch.hpp>

// Tests of Simulate (kinship/simulate.h): reproducibility for a seed, Mendel's laws in every
// family, victim dropout, the truth table, the CSV writers and the option errors.

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "kinship/diagnostics.h"
#include "kinship/io.h"
#include "kinship/locus.h"
#include "kinship/simulate.h"

using namespace kinship;
using Catch::Matchers::Contains;

namespace {

const AlleleFreqTable& Freqs() {
  static const AlleleFreqTable table = [] {
    Diagnostics diag;
    auto t = ReadAlleleFreqs(std::string(KINSHIP_TEST_DATA_DIR) + "/validation/freqs.csv", &diag);
    REQUIRE(t.ok());
    return *std::move(t);
  }();
  return table;
}

// What a writer writes, as a string.
template <typename Write>
std::string Written(Write write) {
  char* buf = nullptr;
  size_t size = 0;
  std::FILE* f = open_memstream(&buf, &size);
  REQUIRE(f != nullptr);
  write(f);
  std::fclose(f);
  std::string s(buf, size);
  std::free(buf);
  return s;
}

// The four files, concatenated.
std::string Dump(const Simulation& sim) {
  return Written([&](std::FILE* f) {
    WriteSimulatedPedigreesCsv(sim, f);
    WriteSimulatedProfilesCsv(sim.references, Freqs(), f);
    WriteSimulatedProfilesCsv(sim.victims, Freqs(), f);
    WriteSimulatedTruthCsv(sim, f);
  });
}

Simulation Run(const SimulateOptions& opts) {
  auto sim = Simulate(Freqs(), opts);
  INFO(sim.status().ToString());
  REQUIRE(sim.ok());
  return *std::move(sim);
}

SimulateOptions Options(int family_ct, int unrelated_ct, std::uint64_t seed, double dropout) {
  SimulateOptions opts;
  opts.family_ct = family_ct;
  opts.unrelated_ct = unrelated_ct;
  opts.seed = seed;
  opts.dropout = dropout;
  return opts;
}

bool Carries(GenotypeIdx g, int allele) {
  const AllelePair ab = GenotypeAlleles(g);
  return ab.a == allele || ab.b == allele;
}

}  // namespace

TEST_CASE("Simulate: the same seed gives the same simulation, another seed another", "[sim]") {
  const SimulateOptions opts = Options(40, 10, 7, 0.1);
  const Simulation a = Run(opts), b = Run(opts);
  CHECK(Dump(a) == Dump(b));
  CHECK(a.members.size() == b.members.size());
  for (size_t i = 0; i < a.members.size(); ++i) CHECK(a.members[i].genotypes == b.members[i].genotypes);
  SimulateOptions other = opts;
  other.seed = 8;
  CHECK(Dump(Run(other)) != Dump(a));
}

TEST_CASE("Simulate: every family obeys Mendel's laws; references and victims are its members", "[sim]") {
  const Simulation sim = Run(Options(60, 5, 11, 0));  // 10 families of each shape
  const int locus_ct = Freqs().locus_ct();
  std::map<std::pair<std::string, std::string>, const SimulatedMember*> by_id;
  std::map<std::string, const SimulatedMember*> by_sample, missing;
  for (const SimulatedMember& m : sim.members) {
    REQUIRE(static_cast<int>(m.genotypes.size()) == locus_ct);
    by_id[{m.family, m.id}] = &m;
    if (!m.sample_id.empty()) by_sample[m.sample_id] = &m;
    if (m.missing) missing[m.family] = &m;
  }
  CHECK(missing.size() == 60);
  int child_ct = 0;
  for (const SimulatedMember& m : sim.members) {
    for (GenotypeIdx g : m.genotypes) CHECK(g != kUntyped);
    if (m.father.empty()) {
      CHECK(m.mother.empty());
      continue;
    }
    ++child_ct;
    const SimulatedMember* fa = by_id.at({m.family, m.father});
    const SimulatedMember* mo = by_id.at({m.family, m.mother});
    CHECK(fa->sex == 1);
    CHECK(mo->sex == 2);
    for (int l = 0; l < locus_ct; ++l) {
      // One allele from each parent.
      const AllelePair ab = GenotypeAlleles(m.genotypes[l]);
      const bool mendel = (Carries(fa->genotypes[l], ab.a) && Carries(mo->genotypes[l], ab.b)) ||
                          (Carries(fa->genotypes[l], ab.b) && Carries(mo->genotypes[l], ab.a));
      INFO(m.family << " " << m.id << " locus " << l);
      CHECK(mendel);
    }
  }
  CHECK(child_ct > 0);
  // Each reference is a typed member's genotype; the missing persons are never references.
  for (const SimulatedProfile& p : sim.references) {
    const SimulatedMember* m = by_sample.at(p.sample_id);
    CHECK(p.genotypes == m->genotypes);
    CHECK_FALSE(m->missing);
  }
  CHECK(sim.references.size() == by_sample.size());
  // Each related victim is its family's missing person (dropout 0: every locus).
  REQUIRE(sim.victims.size() == 65);
  REQUIRE(sim.truth.size() == 65);
  int unrelated_ct = 0;
  for (size_t i = 0; i < sim.victims.size(); ++i) {
    CHECK(sim.truth[i].victim_id == sim.victims[i].sample_id);
    if (sim.truth[i].family.empty()) {
      ++unrelated_ct;
      CHECK(sim.truth[i].missing_id.empty());
      CHECK(sim.truth[i].shape.empty());
      continue;
    }
    CHECK(sim.truth[i].missing_id == "MP");
    CHECK(sim.victims[i].genotypes == missing.at(sim.truth[i].family)->genotypes);
  }
  CHECK(unrelated_ct == 5);
  // Shapes used in turn.
  const std::vector<std::string> shapes = SimulationShapeNames();
  for (const SimulatedTruth& t : sim.truth)
    if (!t.family.empty()) CHECK(t.shape == shapes[(std::stoi(t.family.substr(1)) - 1) % shapes.size()]);
}

TEST_CASE("Simulate: dropout 0 keeps every locus; each victim keeps at least one", "[sim]") {
  for (const SimulatedProfile& v : Run(Options(20, 20, 3, 0)).victims)
    for (GenotypeIdx g : v.genotypes) CHECK(g != kUntyped);
  int dropped_ct = 0;
  for (const SimulatedProfile& v : Run(Options(100, 100, 3, 0.99)).victims) {
    int kept_ct = 0;
    for (GenotypeIdx g : v.genotypes) {
      kept_ct += g != kUntyped;
      dropped_ct += g == kUntyped;
    }
    CHECK(kept_ct >= 1);
  }
  CHECK(dropped_ct > 0);
  // References are never partial.
  for (const SimulatedProfile& r : Run(Options(20, 0, 3, 0.5)).references)
    for (GenotypeIdx g : r.genotypes) CHECK(g != kUntyped);
}

TEST_CASE("Simulate: the writers' formats", "[sim]") {
  SimulateOptions opts = Options(1, 1, 5, 0);
  opts.shapes = {"parents"};
  const Simulation sim = Run(opts);
  const std::string peds = Written([&](std::FILE* f) { WriteSimulatedPedigreesCsv(sim, f); });
  CHECK(peds ==
        "family,id,father,mother,sex,sample_id,missing\n"
        "F000001,FA,0,0,1,F000001_FA,0\n"
        "F000001,MO,0,0,2,F000001_MO,0\n"
        "F000001,MP,FA,MO,1,,1\n");
  const std::string refs = Written([&](std::FILE* f) { WriteSimulatedProfilesCsv(sim.references, Freqs(), f); });
  CHECK_THAT(refs, Catch::Matchers::StartsWith("sample_id,locus,allele1,allele2\nF000001_FA," +
                                               Freqs().locus(0).name() + ","));
  const std::string truth = Written([&](std::FILE* f) { WriteSimulatedTruthCsv(sim, f); });
  CHECK_THAT(truth, Catch::Matchers::StartsWith("victim_id,family,missing_id,shape\nV0000001,"));
  CHECK_THAT(truth, Contains(",F000001,MP,parents\n"));
  CHECK_THAT(truth, Contains(",,,\n"));
}

TEST_CASE("Simulate: errors", "[sim]") {
  SimulateOptions opts = Options(3, 0, 1, 0);
  opts.shapes = {"parents", "cousins"};
  auto sim = Simulate(Freqs(), opts);
  REQUIRE_FALSE(sim.ok());
  CHECK(sim.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK_THAT(std::string(sim.status().message()),
             Contains("unknown shape 'cousins'; expected one of parents, mother-sister, wife-children, "
                      "grandparents-aunt, siblings, father"));
  for (const SimulateOptions& bad : {Options(0, 0, 1, 0), Options(-1, 5, 1, 0), Options(kMaxSimulated + 1, 0, 1, 0),
                                     Options(1, 0, 1, 1.0), Options(1, 0, 1, -0.1)}) {
    auto r = Simulate(Freqs(), bad);
    CHECK(r.status().code() == absl::StatusCode::kInvalidArgument);
  }
  SimulateOptions no_shapes = Options(1, 0, 1, 0);
  no_shapes.shapes.clear();
  CHECK(Simulate(Freqs(), no_shapes).status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(Simulate(AlleleFreqTable(), Options(1, 0, 1, 0)).status().code() == absl::StatusCode::kFailedPrecondition);
}

TEST_CASE("Simulate: allelic drop-out and drop-in at their rates; observations are recorded", "[sim][observation]") {
  // Without drop-in every observation is a subset of the true genotype; a heterozygote's
  // alleles fail independently with probability d, a homozygote shows nothing with d². The
  // rates are checked within 5 binomial standard deviations (seeded: deterministic).
  SimulateOptions opts = Options(0, 3000, 11, 0);
  const Simulation truth = Run(opts);
  opts.allele_dropout = 0.2;
  const Simulation sim = Run(opts);
  REQUIRE(sim.victims.size() == truth.victims.size());
  std::int64_t het_alleles = 0, het_lost = 0, hom = 0, hom_lost = 0, changed = 0;
  for (size_t v = 0; v < sim.victims.size(); ++v)
    for (size_t l = 0; l < sim.victims[v].genotypes.size(); ++l) {
      const GenotypeIdx t = truth.victims[v].genotypes[l], o = sim.victims[v].genotypes[l];
      const AllelePair ab = GenotypeAlleles(t);
      changed += o != t;
      if (ab.a == ab.b) {
        ++hom;
        hom_lost += o == kUntyped;
        if (o != kUntyped) CHECK(o == t);
        continue;
      }
      het_alleles += 2;
      if (o == kUntyped) {
        het_lost += 2;
        continue;
      }
      const AllelePair s = GenotypeAlleles(o);
      CHECK(Carries(t, s.a));
      CHECK(Carries(t, s.b));
      het_lost += s.a == s.b;
    }
  auto within = [](std::int64_t k, std::int64_t n, double p) {
    const double sd = std::sqrt(n * p * (1 - p));
    INFO(k << " of " << n << ", expected " << n * p << " ± " << 5 * sd);
    CHECK(std::fabs(static_cast<double>(k) - n * p) < 5 * sd);
  };
  within(het_lost, het_alleles, 0.2);
  within(hom_lost, hom, 0.04);
  CHECK(static_cast<std::int64_t>(sim.observations.size()) == changed);
  for (const SimulatedObservation& o : sim.observations) {
    CHECK(o.truth == truth.victims[o.victim].genotypes[o.locus]);
    CHECK(o.observed == sim.victims[o.victim].genotypes[o.locus]);
  }
  // Drop-in: a locus gains an allele with probability c (seen as a change unless the allele
  // was already there, or a third allele made the locus untyped).
  SimulateOptions in = Options(0, 3000, 11, 0);
  in.dropin = 0.1;
  const Simulation with_in = Run(in);
  std::int64_t loci = 0, grown = 0;
  for (size_t v = 0; v < with_in.victims.size(); ++v)
    for (size_t l = 0; l < with_in.victims[v].genotypes.size(); ++l) {
      const GenotypeIdx t = truth.victims[v].genotypes[l], o = with_in.victims[v].genotypes[l];
      ++loci;
      if (o == t) continue;
      ++grown;
      if (o == kUntyped) continue;  // a third allele
      const AllelePair ab = GenotypeAlleles(t), s = GenotypeAlleles(o);
      CHECK(ab.a == ab.b);  // only a homozygote can show a new allele and stay a two-allele row
      CHECK((s.a == ab.a || s.b == ab.a));
    }
  CHECK(grown > 0);
  CHECK(static_cast<double>(grown) < 0.1 * loci + 5 * std::sqrt(loci * 0.09));
  // The same seed: the same output; 0 and 0: the output of a run without them.
  CHECK(Dump(Run(opts)) == Dump(sim));
  SimulateOptions zero = Options(0, 3000, 11, 0);
  CHECK(Dump(Run(zero)) == Dump(truth));
  SimulateOptions bad = Options(1, 0, 1, 0);
  bad.allele_dropout = 1;
  CHECK(Simulate(Freqs(), bad).status().code() == absl::StatusCode::kInvalidArgument);
  bad.allele_dropout = 0;
  bad.dropin = -0.1;
  CHECK(Simulate(Freqs(), bad).status().code() == absl::StatusCode::kInvalidArgument);
}

TEST_CASE("Simulate --dvi: several missing persons per family, named across families, victims with sexes", "[sim][dvi]") {
  SimulateOptions o = Options(40, 10, 5, 0);
  o.dvi = true;
  o.shapes = SimulationDviShapeNames();
  const Simulation sim = Run(o);
  std::map<std::pair<std::string, std::string>, const SimulatedMember*> by_id;
  std::map<std::string, const SimulatedMember*> missing;  // by id: unique across families
  std::map<std::string, int> per_family;
  for (const SimulatedMember& m : sim.members) {
    by_id[{m.family, m.id}] = &m;
    if (!m.missing) continue;
    CHECK(m.id.rfind(m.family + "_", 0) == 0);
    CHECK(missing.emplace(m.id, &m).second);
    ++per_family[m.family];
  }
  // Parents named as their members are (a missing parent by its qualified id).
  for (const SimulatedMember& m : sim.members)
    if (!m.father.empty()) CHECK((by_id.count({m.family, m.father}) && by_id.count({m.family, m.mother})));
  // 1, 2, 2, 3 missing persons in the four shapes, in turn: 10 of each.
  CHECK(missing.size() == 10 * (1 + 2 + 2 + 3));
  for (const auto& [fam, n] : per_family) {
    const int shape = (std::stoi(fam.substr(1)) - 1) % 4;
    CHECK(n == std::vector<int>{1, 2, 2, 3}[shape]);
  }
  // Every missing person is a victim with its genotypes and its sex; unrelated ones have a sex too.
  REQUIRE(sim.victims.size() == missing.size() + 10);
  int female = 0;
  for (size_t i = 0; i < sim.victims.size(); ++i) {
    const SimulatedTruth& t = sim.truth[i];
    CHECK((t.sex == 1 || t.sex == 2));
    female += t.sex == 2;
    if (t.family.empty()) continue;
    const SimulatedMember* m = missing.at(t.missing_id);
    CHECK(m->family == t.family);
    CHECK(m->sex == t.sex);
    CHECK(sim.victims[i].genotypes == m->genotypes);
  }
  CHECK(female > 0);
  const std::string sexes = Written([&](std::FILE* f) { WriteSimulatedVictimSexCsv(sim, f); });
  CHECK_THAT(sexes, Contains("sample_id,sex\nV0000001,"));
  // Without dvi: the missing persons keep their short ids and no sex is drawn for the
  // unrelated (the random stream, hence every file, is that of a run before --dvi existed).
  SimulateOptions plain = o;
  plain.dvi = false;
  const Simulation p = Run(plain);
  for (const SimulatedTruth& t : p.truth) {
    if (t.family.empty()) CHECK(t.sex == 0);
    else CHECK(t.missing_id.find('_') == std::string::npos);
  }
}
