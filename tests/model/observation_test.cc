// Hand-derived tests of the observation model (kinship/observation.h): P(O | G) for drop-out,
// drop-in, failed and silent alleles, and each element inside a likelihood ratio (pedigree
// engine with evidence, and the pairwise calculator), the expected values computed here from
// the formulas written beside them; the library is never asked for an expected value. Also the
// observation file reader's refusals.
//
// Notation: a locus with alleles a, b, c (indices 0, 1, 2) of frequencies pa, pb, pc, and for
// the silent-allele cases a fourth allele s = silent; drop-out d, drop-in γ; p̃ the frequencies
// of the alleles a profile can show, renormalised (p̃ = p without a silent allele).
#include <cmath>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "kinship/io.h"
#include "kinship/observation.h"
#include "kinship/pairwise.h"
#include "kinship/pedigree.h"
#include "kinship/pedigree_lr.h"
#include "test_util.h"

using namespace kinship;

namespace {

constexpr int a = 0, b = 1, c = 2, s = 3;
constexpr double pa = 0.2, pb = 0.3, pc = 0.5;

Locus Abc(double silent = 0) {
  Locus l("L");
  l.AddAllele("10", silent > 0 ? pa * (1 - silent) : pa);
  l.AddAllele("11", silent > 0 ? pb * (1 - silent) : pb);
  l.AddAllele("12", silent > 0 ? pc * (1 - silent) : pc);
  if (silent > 0) l.AddSilentAllele(silent);
  return l;
}

AlleleFreqTable TableOf(const Locus& l) {
  AlleleFreqTable t;
  t.AddLocus(l);
  return t;
}

PedigreeLocusModel ModelOf(const Locus& l) {
  auto m = BuildPedigreeModels(TableOf(l), MutationSpec{}, 0);
  REQUIRE(m.ok());
  return (*m)[0];
}

GenotypeIdx G(int x, int y) { return GenotypeIndex(x, y); }

// Father F (founder), mother M (founder, untyped), child X.
Pedigree Trio() {
  Pedigree ped("trio");
  Person f, m, x;
  f.id = "F", f.sex = Sex::kMale;
  m.id = "M", m.sex = Sex::kFemale;
  ped.Add(f);
  ped.Add(m);
  x.id = "X", x.father = 0, x.mother = 1;
  ped.Add(x);
  return ped;
}
// The unrelated pair F and X.
Pedigree Pair() {
  Pedigree ped("pair");
  Person f, x;
  f.id = "F", x.id = "X";
  ped.Add(f);
  ped.Add(x);
  return ped;
}

// LR of father F (observation `of`, parameters `pf`) and child X (`ox`, `px`) through the
// pedigree engine: the trio (mother untyped) against the unrelated pair.
double ParentChildLr(const Locus& l, GenotypeIdx of, ObservationParams pf, GenotypeIdx ox, ObservationParams px) {
  const PedigreeLocusModel model = ModelOf(l);
  MemberEvidence ev1(3), ev2(2);
  std::vector<GenotypeIdx> g1 = {EngineObservation(l, of, pf, &ev1[0]), kUntyped, EngineObservation(l, ox, px, &ev1[2])};
  std::vector<GenotypeIdx> g2 = {EngineObservation(l, of, pf, &ev2[0]), EngineObservation(l, ox, px, &ev2[1])};
  EngineLimits lim1, lim2;
  lim1.evidence = &ev1;
  lim2.evidence = &ev2;
  auto l1 = PedigreeLikelihood(Trio(), g1, model, lim1);
  auto l2 = PedigreeLikelihood(Pair(), g2, model, lim2);
  REQUIRE(l1.ok());
  REQUIRE(l2.ok());
  return *l1 / *l2;
}

// The same LR through the pairwise calculator (parent-child, weights over genotypes).
double PairwiseParentChildLr(const Locus& l, GenotypeIdx of, ObservationParams pf, GenotypeIdx ox,
                             ObservationParams px) {
  auto rel = ParseRelationship("parent-child");
  REQUIRE(rel.ok());
  auto calc = PairwiseCalculator::Create(TableOf(l), *rel, PairwiseOptions{});
  REQUIRE(calc.ok());
  std::vector<double> w1, w2;
  auto weights = [&](GenotypeIdx o, ObservationParams p, std::vector<double>* w) {
    if (EngineObservation(l, o, p, w) != kEvidence) {
      w->assign(l.genotype_ct(), 0.0);
      (*w)[o] = 1;
    }
  };
  weights(of, pf, &w1);
  weights(ox, px, &w2);
  bool inconsistent;
  return calc->EvidenceLocusLr(0, w1, w2, &inconsistent);
}

void Close(double got, double want) {
  INFO("got " << got << ", want " << want);
  CHECK(got == Approx(want).epsilon(1e-12).margin(0));
}

}  // namespace

TEST_CASE("Observation: P(O | G) by hand for drop-out and drop-in", "[observation][model]") {
  const Locus l = Abc();
  const double d = 0.1, y = 0.05;  // y: the drop-in probability γ
  const ObservationParams p{d, y};
  // O = {a, b}. G = a/b: (1-γ)(1-d)² + γ[(1-d)²(pa + pb) + D({b}|ab) pa + D({a}|ab) pb], D({x}|ab) = d(1-d).
  const std::vector<double> w = ObservationLikelihoods(l, G(a, b), p);
  Close(w[G(a, b)], (1 - y) * (1 - d) * (1 - d) + y * ((1 - d) * (1 - d) * (pa + pb) + d * (1 - d) * pa + d * (1 - d) * pb));
  // G = a/a: S = {a} (1 - d²) and b dropped in: γ (1 - d²) pb.
  Close(w[G(a, a)], y * (1 - d * d) * pb);
  // G = a/c: S = {a} (c dropped, d(1-d)) and b dropped in: γ d (1-d) pb.
  Close(w[G(a, c)], y * d * (1 - d) * pb);
  // G = c/c: a and b cannot both be explained (one drop-in at most): 0.
  CHECK(w[G(c, c)] == 0);
  // O = {a} (written a,a). G = a/a: (1-γ)(1-d²) + γ[(1-d²) pa + d² pa].
  const std::vector<double> h = ObservationLikelihoods(l, G(a, a), p);
  Close(h[G(a, a)], (1 - y) * (1 - d * d) + y * ((1 - d * d) * pa + d * d * pa));
  // G = a/b: S = {a}: d(1-d) [(1-γ) + γ pa] + S = ∅ then a dropped in: γ d² pa.
  Close(h[G(a, b)], d * (1 - d) * ((1 - y) + y * pa) + y * d * d * pa);
  // G = b/c: only S = ∅ and a dropped in: γ d² pa.
  Close(h[G(b, c)], y * d * d * pa);
  // Without drop-out and drop-in the observation is the genotype: not uncertain.
  CHECK(!ObservationUncertain(l, G(a, a), {}));
  CHECK(ObservationUncertain(l, G(a, a), {0.01, 0}));
  CHECK(ObservationUncertain(l, WildcardCode(a), {}));
}

TEST_CASE("Observation: Σ over all observed sets of P(O | G) is 1 for every G", "[observation][model]") {
  // Every O ⊆ visible alleles with |O| <= 3 (drop-in adds one allele to at most two
  // survivors), the empty set included: the model is a probability distribution.
  for (double silent : {0.0, 0.15}) {
    const Locus l = Abc(silent);
    const int n = l.allele_ct();
    std::vector<int> visible;
    for (int x = 0; x < n; ++x)
      if (x != l.silent_allele()) visible.push_back(x);
    for (ObservationParams p : {ObservationParams{0, 0}, ObservationParams{0.3, 0}, ObservationParams{0, 0.2},
                                ObservationParams{0.25, 0.1}, ObservationParams{0.9, 0.8}}) {
      for (int g2 = 0; g2 < n; ++g2)
        for (int g1 = 0; g1 <= g2; ++g1) {
          double total = 0;
          const int v = static_cast<int>(visible.size());
          for (int mask = 0; mask < (1 << v); ++mask) {
            std::vector<int> o;
            for (int i = 0; i < v; ++i)
              if (mask >> i & 1) o.push_back(visible[i]);
            total += ObservationProbability(l, o, g1, g2, p);
          }
          INFO("silent " << silent << " G " << g1 << "/" << g2 << " d " << p.dropout << " c " << p.dropin);
          CHECK(total == Approx(1).epsilon(1e-14));
        }
    }
  }
}

TEST_CASE("Observation: a failed allele at a parent-child locus", "[observation][model]") {
  // Father a/b, child `a,F` (a seen, the other allele unknown). H1: the child holds a when the
  // father passes a (1/2), or passes b (1/2) and the mother a (pa): (1 + pa)/2. H2: a random
  // person holds a with probability 1 - (1 - pa)² = 2pa - pa². LR = (1 + pa) / (2 (2pa - pa²)).
  const Locus l = Abc();
  const double want = (1 + pa) / (2 * (2 * pa - pa * pa));
  Close(ParentChildLr(l, G(a, b), {}, WildcardCode(a), {}), want);
  Close(PairwiseParentChildLr(l, G(a, b), {}, WildcardCode(a), {}), want);
  // Drop-out and drop-in do not apply to a failed allele's row.
  Close(ParentChildLr(l, G(a, b), {}, WildcardCode(a), {0.3, 0.2}), want);
}

TEST_CASE("Observation: an apparent homozygote child explained only by drop-out", "[observation][model]") {
  // Father a/b, child observed {c} with drop-out d: without drop-out an exclusion. The child's
  // true genotype holds a or b (from the father) and c: a/c or b/c, each with probability
  // pc/2, and P({c} | x/c) = d(1-d): H1 = pc d (1-d). H2 = Σ_G HW(G) P({c} | G) =
  // pc² (1 - d²) + Σ_{x≠c} 2 pc px d(1-d) = pc² (1-d²) + 2 pc (1-pc) d (1-d).
  const Locus l = Abc();
  CHECK(ParentChildLr(l, G(a, b), {}, G(c, c), {}) == 0);
  const double d = 0.2;
  const double want = pc * d * (1 - d) / (pc * pc * (1 - d * d) + 2 * pc * (1 - pc) * d * (1 - d));
  Close(ParentChildLr(l, G(a, b), {}, G(c, c), {d, 0}), want);
  Close(PairwiseParentChildLr(l, G(a, b), {}, G(c, c), {d, 0}), want);
}

TEST_CASE("Observation: an a/silent father and a b/silent child", "[observation][model]") {
  // Father observed {a}, child {b}, no drop-out: an exclusion unless both carry the silent
  // allele s. H1: father a/s (2 pa ps) passes s (1/2), mother passes b (pb): pa ps pb; a father
  // a/a passes a, which the child would show. H2 = (pa² + 2 pa ps)(pb² + 2 pb ps).
  // LR = ps / ((pa + 2ps)(pb + 2ps)) (pa, pb the table's frequencies with the silent row).
  const double ps = 0.15;
  const Locus l = Abc(ps);
  const double qa = l.freq(a), qb = l.freq(b);
  const double want = ps / ((qa + 2 * ps) * (qb + 2 * ps));
  Close(ParentChildLr(l, G(a, a), {}, G(b, b), {}), want);
  Close(PairwiseParentChildLr(l, G(a, a), {}, G(b, b), {}), want);
  // Without the silent allele it is an exclusion.
  CHECK(ParentChildLr(Abc(), G(a, a), {}, G(b, b), {}) == 0);
  // A heterozygous observation is certain even with a silent allele.
  CHECK(!ObservationUncertain(l, G(a, b), {}));
  CHECK(ObservationUncertain(l, G(a, a), {}));
  CHECK(l.silent_allele() == s);
}

TEST_CASE("Observation: an allele no reference carries, explained by drop-in", "[observation][model]") {
  // Father a/a and mother a/a typed, child observed {a, c} with drop-in γ (no drop-out): the
  // child is a/a and c dropped in, P({a, c} | a/a) = γ pc. H1 = HW(F) HW(M) γ pc. H2: the child
  // unrelated, Σ_G HW(G) P({a,c} | G) = 2 pa pc [(1-γ) + γ(pa + pc)] + pa² γ pc + pc² γ pa
  // (a/c shown whole or with a or c dropped in again; a/a with c in; c/c with a in).
  const Locus l = Abc();
  const PedigreeLocusModel model = ModelOf(l);
  const double y = 0.05;
  const double both = (1 - y) + y * (pa + pc);
  const double want = y * pc / (2 * pa * pc * both + pa * pa * y * pc + pc * pc * y * pa);
  Pedigree unrelated("three");
  for (const char* id : {"F", "M", "X"}) {
    Person p;
    p.id = id;
    unrelated.Add(p);
  }
  auto lr = [&](ObservationParams px) {
    MemberEvidence ev(3);
    std::vector<GenotypeIdx> g = {G(a, a), G(a, a), EngineObservation(l, G(a, c), px, &ev[2])};
    EngineLimits lim;
    lim.evidence = &ev;
    auto l1 = PedigreeLikelihood(Trio(), g, model, lim);
    auto l2 = PedigreeLikelihood(unrelated, g, model, lim);
    REQUIRE(l1.ok());
    REQUIRE(l2.ok());
    return *l1 / *l2;
  };
  CHECK(lr({}) == 0);  // without drop-in: an exclusion
  Close(lr({0, y}), want);
}

TEST_CASE("Observation file: rows, overrides and refusals naming file and line", "[observation][io]") {
  testing::TempDir tmp;
  AlleleFreqTable t;
  t.AddLocus(Locus("TH01"));
  t.AddLocus(Locus("VWA"));
  Diagnostics diag;
  auto ok = ReadObservations(tmp.Write("o.csv", "sample_id,dropout,dropin,locus\nS1,0.1,0.01,\nS1,0.5,0,th01\n"), t,
                             &diag);
  REQUIRE(ok.ok());
  CHECK(ok->Get("S1", 0) == ObservationParams{0.5, 0});
  CHECK(ok->Get("S1", 1) == ObservationParams{0.1, 0.01});
  CHECK(ok->Get("S2", 1) == ObservationParams{0, 0});
  CHECK(ok->any());
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"sample_id,dropout,dropin\nS1,1,0\n", ":2:"},           // not below 1
      {"sample_id,dropout,dropin\nS1,-0.1,0\n", ":2:"},        // negative
      {"sample_id,dropout,dropin\nS1,x,0\n", ":2:"},           // not a number
      {"sample_id,dropout,dropin\nS1,0.1,0\nS1,0.2,0\n", ":3:"},  // twice
      {"sample_id,dropout,dropin,locus\nS1,0.1,0,D99S1\n", ":2:"},  // unknown locus
      {"sample_id,dropout\nS1,0.1\n", ":1:"},                  // a missing column
      {"sample_id,dropout,dropin\nS1,0.1\n", ":2:"},           // a short row
  };
  for (const auto& [text, where] : bad) {
    INFO(text);
    auto r = ReadObservations(tmp.Write("bad.csv", text), t, &diag);
    REQUIRE(!r.ok());
    CHECK(r.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK_THAT(std::string(r.status().message()), Catch::Contains("bad.csv" + where));
  }
  // A sample in no profile set.
  ProfileSet profiles;
  profiles.Reset(2);
  profiles.AddSample("S2");
  auto st = CheckObservationSamples(*ok, {&profiles}, "o.csv");
  CHECK(st.code() == absl::StatusCode::kFailedPrecondition);
  CHECK_THAT(std::string(st.message()), Catch::Contains("o.csv:2") && Catch::Contains("S1"));
}

TEST_CASE("Frequency tables: a silent row, in the long and the wide layout", "[observation][io]") {
  testing::TempDir tmp;
  Diagnostics diag;
  auto lng = ReadAlleleFreqs(tmp.Write("l.csv", "locus,allele,frequency\nTH01,6,0.3\nTH01,Silent,0.1\nTH01,7,0.6\n"),
                             &diag);
  REQUIRE(lng.ok());
  const Locus& th01 = lng->locus(0);
  REQUIRE(th01.silent_allele() == 1);
  CHECK(th01.freq(1) == 0.1);
  CHECK(!th01.observable(1));
  CHECK(th01.observable(0));
  auto wide = ReadAlleleFreqs(tmp.Write("w.csv", "Allele,TH01,vWA\n6,0.3,0.5\nsilent,0.1,\n7,0.6,0.5\n"), &diag);
  REQUIRE(wide.ok());
  CHECK(wide->locus(0).silent_allele() == 1);
  CHECK(wide->locus(1).silent_allele() == -1);
  auto twice = ReadAlleleFreqs(tmp.Write("t.csv", "locus,allele,frequency\nTH01,silent,0.1\nTH01,SILENT,0.1\n"), &diag);
  REQUIRE(!twice.ok());
  CHECK_THAT(std::string(twice.status().message()), Catch::Contains("t.csv:3"));
  // The silent allele neither mutates nor is reached; the rest is built as without it.
  MutationParams mp;
  mp.model = MutationModel::kProportional;
  mp.rate = 0.01;
  auto m = BuildMutationMatrix(th01, mp);
  REQUIRE(m.ok());
  CHECK((*m)(1, 1) == 1);
  CHECK((*m)(0, 1) == 0);
  CHECK((*m)(1, 0) == 0);
  Locus plain("TH01");
  plain.AddAllele("6", 0.3 / 0.9);
  plain.AddAllele("7", 0.6 / 0.9);
  auto m2 = BuildMutationMatrix(plain, mp);
  REQUIRE(m2.ok());
  CHECK((*m)(0, 2) == Approx((*m2)(0, 1)).epsilon(1e-15));
  CHECK((*m)(2, 2) == Approx((*m2)(1, 1)).epsilon(1e-15));
}
