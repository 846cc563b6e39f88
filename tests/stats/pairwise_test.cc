#include <catch2/catch.hpp>

// Exact pairwise LRs (kinship/pairwise.h) against textbook formulas. Every expected
// value is written out from the frequencies with plain arithmetic, with its derivation
// beside it; none is computed by the library.
//
// Notation: id1 has genotype A, id2 has genotype B (A/B in the test names, e.g.
// "AB/AC": id1 is heterozygous A,B and id2 heterozygous A,C). Alleles A, B, C, D are
// indices 0..3 of a 4-allele locus with frequencies pA, pB, pC, pD. The LR of a
// relationship with IBD coefficients (k0, k1, k2) is
//   LR = k0 + k1 R1 + k2 R2,  Ri = P(B | A, IBD = i) / P(B | A, IBD = 0)
// (Thompson 1975). Without theta (Hardy-Weinberg, e.g. Evett & Weir 1998 table 7.x):
//   A = B = AB:  R1 = (pA + pB)/(4 pA pB)   R2 = 1/(2 pA pB)
//   A = B = AA:  R1 = 1/pA                  R2 = 1/pA^2
//   AB/AC:       R1 = 1/(4 pA)              R2 = 0
//   AA/AB, AB/AA R1 = 1/(2 pA)              R2 = 0
//   no allele shared: R1 = R2 = 0.
#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "kinship/io.h"
#include "kinship/locus.h"
#include "kinship/mutation.h"
#include "kinship/pairwise.h"
#include "kinship/profile.h"

using namespace kinship;
using Catch::Matchers::Contains;

namespace {

constexpr double kEps = 1e-12;

// The 4-allele locus of most tests.
constexpr double pA = 0.11, pB = 0.23, pC = 0.29, pD = 0.37;
constexpr int A = 0, B = 1, C = 2, D = 3;

Locus MakeLocus(const std::string& name,
                const std::vector<std::pair<std::string, double>>& alleles) {
  Locus locus(name);
  for (const auto& [label, f] : alleles) locus.AddAllele(label, f);
  return locus;
}

AlleleFreqTable OneLocusTable() {
  AlleleFreqTable t;
  t.AddLocus(MakeLocus("L1", {{"10", pA}, {"11", pB}, {"12", pC}, {"13", pD}}));
  return t;
}

Relationship Rel(const std::string& name) {
  auto r = ParseRelationship(name);
  REQUIRE(r.ok());
  return *r;
}

PairwiseCalculator Calc(const AlleleFreqTable& table, const std::string& rel, double theta = 0,
                        const MutationSpec& mutation = {}, Sex sex1 = Sex::kUnknown) {
  PairwiseOptions opts;
  opts.theta = theta;
  opts.mutation = mutation;
  opts.sex1 = sex1;
  auto calc = PairwiseCalculator::Create(table, Rel(rel), opts);
  INFO(calc.status().ToString());
  REQUIRE(calc.ok());
  return *std::move(calc);
}

// LR at locus 0 for id1 = {a1, a2}, id2 = {b1, b2}.
double Lr(const PairwiseCalculator& calc, int a1, int a2, int b1, int b2,
          bool* inconsistent = nullptr) {
  bool inc = false;
  double lr = calc.LocusLr(0, GenotypeIndex(a1, a2), GenotypeIndex(b1, b2), &inc);
  if (inconsistent) *inconsistent = inc;
  return lr;
}

MutationSpec EqualMutation(double rate) {
  MutationSpec spec;
  spec.male.model = spec.female.model = MutationModel::kEqual;
  spec.male.rate = spec.female.rate = rate;
  return spec;
}

// ---------------------------------------------------------------------------------
// Independent brute-force reference: the joint probability of the unordered
// genotypes A = {a1, a2}, B = {b1, b2} given IBD state k, by summing over ordered
// allele sequences drawn from a Balding-Nichols urn (the n-th draw, after n-1 draws of
// which c are x, is x with probability (c theta + (1 - theta) p_x)/(1 + (n - 2) theta)).
//   IBD0: the four alleles u1 u2 v1 v2 are four draws;
//   IBD1: v1 is a copy of u1 or u2 (1/2 each), v2 is the 3rd draw;
//   IBD2: (v1, v2) is (u1, u2) or (u2, u1) (1/2 each).
double UrnProb(const std::vector<int>& seq, const std::vector<double>& p, double th) {
  std::vector<int> cnt(p.size(), 0);
  double prob = 1;
  for (size_t n = 0; n < seq.size(); ++n) {
    const int x = seq[n];
    prob *= (cnt[x] * th + (1 - th) * p[x]) / (1 + (static_cast<double>(n) - 1) * th);
    ++cnt[x];
  }
  return prob;
}

std::vector<std::pair<int, int>> Orderings(int x, int y) {
  if (x == y) return {{x, x}};
  return {{x, y}, {y, x}};
}

double JointProb(int ibd, int a1, int a2, int b1, int b2, const std::vector<double>& p,
                 double th) {
  double total = 0;
  for (auto [u1, u2] : Orderings(a1, a2))
    for (auto [v1, v2] : Orderings(b1, b2)) {
      if (ibd == 0) {
        total += UrnProb({u1, u2, v1, v2}, p, th);
      } else if (ibd == 1) {
        total += 0.5 * ((v1 == u1) + (v1 == u2)) * UrnProb({u1, u2, v2}, p, th);
      } else {
        const double same = 0.5 * ((v1 == u1 && v2 == u2) + (v1 == u2 && v2 == u1));
        total += same * UrnProb({u1, u2}, p, th);
      }
    }
  return total;
}

double BruteForceLr(const Relationship& r, int a1, int a2, int b1, int b2,
                    const std::vector<double>& p, double th) {
  const double j0 = JointProb(0, a1, a2, b1, b2, p, th);
  return (r.k0 * j0 + r.k1 * JointProb(1, a1, a2, b1, b2, p, th) +
          r.k2 * JointProb(2, a1, a2, b1, b2, p, th)) /
         j0;
}

}  // namespace

// =================================================================================
// ParseRelationship
// =================================================================================

TEST_CASE("ParseRelationship: named relationships", "[stats][pairwise]") {
  struct Want {
    const char* name;
    double k0, k1, k2;
    bool parent_child;
  };
  // Textbook IBD coefficients (e.g. Weir, Anderson & Hepler 2006, table 1).
  const Want want[] = {{"parent-child", 0, 1, 0, true},
                       {"full-siblings", 0.25, 0.5, 0.25, false},
                       {"half-siblings", 0.5, 0.5, 0, false},
                       {"grandparent", 0.5, 0.5, 0, false},
                       {"avuncular", 0.5, 0.5, 0, false},
                       {"first-cousins", 0.75, 0.25, 0, false},
                       {"unrelated", 1, 0, 0, false}};
  for (const Want& w : want) {
    INFO(w.name);
    auto r = ParseRelationship(w.name);
    REQUIRE(r.ok());
    REQUIRE(r->name == w.name);
    REQUIRE(r->k0 == w.k0);
    REQUIRE(r->k1 == w.k1);
    REQUIRE(r->k2 == w.k2);
    REQUIRE(r->parent_child == w.parent_child);
  }
}

TEST_CASE("ParseRelationship: ibd:k0:k1:k2", "[stats][pairwise]") {
  auto r = ParseRelationship("ibd:0.25:0.5:0.25");
  REQUIRE(r.ok());
  REQUIRE(r->name == "ibd:0.25:0.5:0.25");
  REQUIRE(r->k0 == 0.25);
  REQUIRE(r->k1 == 0.5);
  REQUIRE(r->k2 == 0.25);
  REQUIRE_FALSE(r->parent_child);

  // k1 = 1 written as ibd is an IBD relationship, not the transmission model.
  auto po = ParseRelationship("ibd:0:1:0");
  REQUIRE(po.ok());
  REQUIRE(po->k1 == 1);
  REQUIRE_FALSE(po->parent_child);

  auto match = ParseRelationship("ibd:0:0:1");
  REQUIRE(match.ok());
  REQUIRE(match->k2 == 1);

  // Sums within 1e-9 of 1 are accepted.
  REQUIRE(ParseRelationship("ibd:0.3:0.3:0.4").ok());
  REQUIRE(ParseRelationship("ibd:0.3333333333:0.3333333333:0.3333333334").ok());
}

TEST_CASE("ParseRelationship: rejections", "[stats][pairwise]") {
  for (const char* bad :
       {"ibd:0.5:0.6:0",      // sums to 1.1
        "ibd:0.5:0.4:0",      // sums to 0.9
        "ibd:a:b:c",          // not numbers
        "ibd:1:0",            // two coefficients
        "ibd:1:0:0:0",        // four coefficients
        "ibd:-0.5:1:0.5",     // negative
        "ibd:nan:0.5:0.5",    // not finite
        "ibd:",               // nothing
        "siblings",           // unknown name
        "Parent-Child",       // names are case-sensitive
        "parent-offspring",
        ""}) {
    INFO("'" << bad << "'");
    auto r = ParseRelationship(bad);
    REQUIRE(r.status().code() == absl::StatusCode::kInvalidArgument);
    REQUIRE_THAT(std::string(r.status().message()), Contains(std::string("'") + bad + "'"));
  }
}

// =================================================================================
// Without theta
// =================================================================================

TEST_CASE("Without theta: every relationship over the classic genotype configurations",
          "[stats][pairwise]") {
  const AlleleFreqTable table = OneLocusTable();
  struct Config {
    const char* what;
    int a1, a2, b1, b2;
    double r1, r2;  // P(B|A,IBD1)/P(B|A,IBD0), P(B|A,IBD2)/P(B|A,IBD0) (see file comment)
  };
  const Config configs[] = {
      {"identical het AB/AB", A, B, A, B, (pA + pB) / (4 * pA * pB), 1 / (2 * pA * pB)},
      {"identical het CD/CD", C, D, C, D, (pC + pD) / (4 * pC * pD), 1 / (2 * pC * pD)},
      {"identical hom AA/AA", A, A, A, A, 1 / pA, 1 / (pA * pA)},
      {"identical hom CC/CC", C, C, C, C, 1 / pC, 1 / (pC * pC)},
      {"one shared het/het AB/AC", A, B, A, C, 1 / (4 * pA), 0},
      {"one shared het/het BD/CD", B, D, C, D, 1 / (4 * pD), 0},
      {"one shared het/het AC/BC", A, C, B, C, 1 / (4 * pC), 0},
      {"hom/het AA/AB", A, A, A, B, 1 / (2 * pA), 0},
      {"het/hom AB/BB", A, B, B, B, 1 / (2 * pB), 0},
      {"hom/het DD/BD", D, D, B, D, 1 / (2 * pD), 0},
      {"no shared het/het AB/CD", A, B, C, D, 0, 0},
      {"no shared hom/hom AA/BB", A, A, B, B, 0, 0},
      {"no shared hom/het AA/BC", A, A, B, C, 0, 0},
      {"no shared het/hom BC/AA", B, C, A, A, 0, 0},
  };
  struct RelK {
    const char* name;
    double k0, k1, k2;
  };
  const RelK rels[] = {{"parent-child", 0, 1, 0},      {"full-siblings", 0.25, 0.5, 0.25},
                       {"half-siblings", 0.5, 0.5, 0}, {"grandparent", 0.5, 0.5, 0},
                       {"avuncular", 0.5, 0.5, 0},     {"first-cousins", 0.75, 0.25, 0},
                       {"unrelated", 1, 0, 0}};
  for (const RelK& rel : rels) {
    const PairwiseCalculator calc = Calc(table, rel.name);
    for (const Config& c : configs) {
      INFO(rel.name << ", " << c.what);
      const double want = rel.k0 + rel.k1 * c.r1 + rel.k2 * c.r2;
      bool inconsistent = true;
      const double got = Lr(calc, c.a1, c.a2, c.b1, c.b2, &inconsistent);
      if (want == 0) {
        REQUIRE(got == 0.0);
      } else {
        REQUIRE(got == Approx(want).epsilon(kEps));
      }
      // Inconsistent exactly when the relationship excludes the pair (only
      // parent-child here, when no allele is shared).
      REQUIRE(inconsistent == (want == 0));
    }
  }
}

TEST_CASE("Paternity index (parent-child, no theta): classic formulas", "[stats][pairwise]") {
  const PairwiseCalculator pc = Calc(OneLocusTable(), "parent-child");
  // PI = P(child | alleged parent) / P(child | random man) with the child's other allele
  // from the population (Essen-Moller; e.g. Evett & Weir table 7.1):
  //   AB/AC: 1/2 pC / (2 pA pC)                 = 1/(4 pA)
  //   AA/AB: 1 pB / (2 pA pB)                   = 1/(2 pA)
  //   AB/AA: 1/2 pA / pA^2                      = 1/(2 pA)
  //   AB/AB: (1/2 pB + 1/2 pA) / (2 pA pB)      = (pA + pB)/(4 pA pB)
  //   AA/AA: pA / pA^2                          = 1/pA
  REQUIRE(Lr(pc, A, B, A, C) == Approx(1 / (4 * pA)).epsilon(kEps));
  REQUIRE(Lr(pc, A, A, A, B) == Approx(1 / (2 * pA)).epsilon(kEps));
  REQUIRE(Lr(pc, A, B, A, A) == Approx(1 / (2 * pA)).epsilon(kEps));
  REQUIRE(Lr(pc, A, B, A, B) == Approx((pA + pB) / (4 * pA * pB)).epsilon(kEps));
  REQUIRE(Lr(pc, A, A, A, A) == Approx(1 / pA).epsilon(kEps));
  REQUIRE(Lr(pc, C, D, B, D) == Approx(1 / (4 * pD)).epsilon(kEps));
  // Exclusions.
  bool inconsistent = false;
  REQUIRE(Lr(pc, A, B, C, D, &inconsistent) == 0.0);
  REQUIRE(inconsistent);
  REQUIRE(Lr(pc, A, A, B, B, &inconsistent) == 0.0);
  REQUIRE(inconsistent);
  REQUIRE(Lr(pc, A, B, A, C, &inconsistent) > 0);
  REQUIRE_FALSE(inconsistent);
}

TEST_CASE("Full-sibling index and other relatives (no theta): closed forms", "[stats][pairwise]") {
  const AlleleFreqTable table = OneLocusTable();
  const PairwiseCalculator fs = Calc(table, "full-siblings");
  // FSI = 1/4 + 1/2 R1 + 1/4 R2:
  //   AA/AA: 1/4 + 1/(2 pA) + 1/(4 pA^2)                  = (1 + pA)^2 / (4 pA^2)
  //   AB/AB: 1/4 + (pA+pB)/(8 pA pB) + 1/(8 pA pB)        = (1 + pA + pB + 2 pA pB)/(8 pA pB)
  //   AB/AC: 1/4 + 1/(8 pA)                               = (1 + 2 pA)/(8 pA)
  //   AA/AB: 1/4 + 1/(4 pA)                               = (1 + pA)/(4 pA)
  //   AB/CD: 1/4
  REQUIRE(Lr(fs, A, A, A, A) == Approx((1 + pA) * (1 + pA) / (4 * pA * pA)).epsilon(kEps));
  REQUIRE(Lr(fs, A, B, A, B) ==
          Approx((1 + pA + pB + 2 * pA * pB) / (8 * pA * pB)).epsilon(kEps));
  REQUIRE(Lr(fs, A, B, A, C) == Approx((1 + 2 * pA) / (8 * pA)).epsilon(kEps));
  REQUIRE(Lr(fs, A, A, A, B) == Approx((1 + pA) / (4 * pA)).epsilon(kEps));
  REQUIRE(Lr(fs, A, B, C, D) == Approx(0.25).epsilon(kEps));

  // Half-siblings, grandparent, avuncular (k = 1/2, 1/2, 0):
  //   AB/AC: 1/2 + 1/(8 pA) = (1 + 4 pA)/(8 pA);  AA/AA: 1/2 + 1/(2 pA) = (1 + pA)/(2 pA);
  //   AB/CD: 1/2.
  for (const char* name : {"half-siblings", "grandparent", "avuncular"}) {
    INFO(name);
    const PairwiseCalculator hs = Calc(table, name);
    REQUIRE(Lr(hs, A, B, A, C) == Approx((1 + 4 * pA) / (8 * pA)).epsilon(kEps));
    REQUIRE(Lr(hs, A, A, A, A) == Approx((1 + pA) / (2 * pA)).epsilon(kEps));
    REQUIRE(Lr(hs, A, B, C, D) == Approx(0.5).epsilon(kEps));
  }
  // First cousins (3/4, 1/4, 0): AA/AA: 3/4 + 1/(4 pA) = (1 + 3 pA)/(4 pA);
  //   AB/AC: 3/4 + 1/(16 pA) = (1 + 12 pA)/(16 pA); AB/CD: 3/4.
  const PairwiseCalculator fc = Calc(table, "first-cousins");
  REQUIRE(Lr(fc, A, A, A, A) == Approx((1 + 3 * pA) / (4 * pA)).epsilon(kEps));
  REQUIRE(Lr(fc, A, B, A, C) == Approx((1 + 12 * pA) / (16 * pA)).epsilon(kEps));
  REQUIRE(Lr(fc, A, B, C, D) == Approx(0.75).epsilon(kEps));
}

TEST_CASE("Unrelated is exactly 1 for every genotype pair, with or without theta",
          "[stats][pairwise]") {
  const AlleleFreqTable table = OneLocusTable();
  for (double theta : {0.0, 0.01, 0.2}) {
    const PairwiseCalculator un = Calc(table, "unrelated", theta);
    const PairwiseCalculator ibd100 = Calc(table, "ibd:1:0:0", theta);
    for (int g1 = 0; g1 < GenotypeCount(4); ++g1)
      for (int g2 = 0; g2 < GenotypeCount(4); ++g2) {
        bool inconsistent = true;
        REQUIRE(un.LocusLr(0, g1, g2, &inconsistent) == 1.0);
        REQUIRE_FALSE(inconsistent);
        REQUIRE(ibd100.LocusLr(0, g1, g2, &inconsistent) == 1.0);
      }
  }
}

TEST_CASE("Parent-child exclusion: LR 0, log10 -inf, counted inconsistent", "[stats][pairwise]") {
  AlleleFreqTable table;
  table.AddLocus(MakeLocus("L1", {{"10", pA}, {"11", pB}, {"12", pC}, {"13", pD}}));
  table.AddLocus(MakeLocus("L2", {{"7", 0.4}, {"8", 0.6}}));
  ProfileSet set;
  set.Reset(2);
  const int f = set.AddSample("father"), c = set.AddSample("child");
  set.set_genotype(0, f, GenotypeIndex(A, B));  // L1 father AB, child AC: PI = 1/(4 pA)
  set.set_genotype(0, c, GenotypeIndex(A, C));
  set.set_genotype(1, f, GenotypeIndex(0, 0));  // L2 father 7/7, child 8/8: excluded
  set.set_genotype(1, c, GenotypeIndex(1, 1));
  for (double theta : {0.0, 0.03}) {
    INFO("theta " << theta);
    const PairwiseCalculator pc = Calc(table, "parent-child", theta);
    std::vector<double> per_locus;
    PairResult r = pc.Compute(set, f, set, c, &per_locus);
    REQUIRE(r.loci_compared == 2);
    REQUIRE(r.loci_inconsistent == 1);
    REQUIRE(r.log10_lr == -std::numeric_limits<double>::infinity());
    REQUIRE(per_locus.size() == 2);
    REQUIRE(std::isfinite(per_locus[0]));
    REQUIRE(per_locus[1] == -std::numeric_limits<double>::infinity());
    // Full siblings are never excluded: every locus finite, none inconsistent.
    const PairwiseCalculator fs = Calc(table, "full-siblings", theta);
    PairResult rs = fs.Compute(set, f, set, c, nullptr);
    REQUIRE(rs.loci_compared == 2);
    REQUIRE(rs.loci_inconsistent == 0);
    REQUIRE(std::isfinite(rs.log10_lr));
  }
  // At theta 0 the consistent locus is the plain PI.
  std::vector<double> per_locus;
  Calc(table, "parent-child").Compute(set, f, set, c, &per_locus);
  REQUIRE(per_locus[0] == Approx(std::log10(1 / (4 * pA))).epsilon(kEps));
}

// =================================================================================
// With theta (Balding-Nichols)
// =================================================================================

TEST_CASE("Match (ibd:0:0:1) with theta is NRC II 4.10", "[stats][pairwise][theta]") {
  // LR = P2/P0 = 1/P(B = A | A), with B's alleles the 3rd and 4th draws:
  //   AA: (2θ + (1-θ)p)/(1+θ) · (3θ + (1-θ)p)/(1+2θ)
  //   AB: 2 (θ + (1-θ)pA)/(1+θ) · (θ + (1-θ)pB)/(1+2θ)
  // (NRC II 1996, eq. 4.10a/b). At θ = 0: p^2 and 2 pA pB.
  const AlleleFreqTable table = OneLocusTable();
  const double p[] = {pA, pB, pC, pD};
  for (double th : {0.0, 0.01, 0.03, 0.1}) {
    INFO("theta " << th);
    const PairwiseCalculator match = Calc(table, "ibd:0:0:1", th);
    for (int x = 0; x < 4; ++x) {
      const double hom = (2 * th + (1 - th) * p[x]) * (3 * th + (1 - th) * p[x]) /
                         ((1 + th) * (1 + 2 * th));
      REQUIRE(Lr(match, x, x, x, x) == Approx(1 / hom).epsilon(kEps));
      for (int y = x + 1; y < 4; ++y) {
        const double het = 2 * (th + (1 - th) * p[x]) * (th + (1 - th) * p[y]) /
                           ((1 + th) * (1 + 2 * th));
        REQUIRE(Lr(match, x, y, x, y) == Approx(1 / het).epsilon(kEps));
      }
    }
    // Different genotypes are excluded under a match.
    bool inconsistent = false;
    REQUIRE(Lr(match, A, B, A, C, &inconsistent) == 0.0);
    REQUIRE(inconsistent);
  }
  // The θ = 0 values spelled out.
  const PairwiseCalculator match0 = Calc(table, "ibd:0:0:1");
  REQUIRE(Lr(match0, A, A, A, A) == Approx(1 / (pA * pA)).epsilon(kEps));
  REQUIRE(Lr(match0, A, B, A, B) == Approx(1 / (2 * pA * pB)).epsilon(kEps));
  // θ = 0.03, AA with pA = 0.11: (0.06 + 0.97·0.11)(0.09 + 0.97·0.11)/(1.03·1.06).
  const PairwiseCalculator match3 = Calc(table, "ibd:0:0:1", 0.03);
  REQUIRE(Lr(match3, A, A, A, A) ==
          Approx(1.03 * 1.06 / ((0.06 + 0.97 * 0.11) * (0.09 + 0.97 * 0.11))).epsilon(kEps));
}

TEST_CASE("Parent-child with theta (Balding-Nichols)", "[stats][pairwise][theta]") {
  // Model of pairwise.h: A's alleles are draws 1-2. Under IBD0 B's alleles are draws 3
  // and 4; under IBD1 one of B's alleles is a copy of one of A's (1/2 each) and the
  // other is draw 3. Writing q(x | c, n) = (c θ + (1-θ) p_x)/(1 + (n-1) θ):
  //
  //   AB/AC: P1 = 1/2 · q(C|0,2) = 1/2 (1-θ)pC/(1+θ)
  //          P0 = 2 q(A|1,2) q(C|0,3) = 2 (θ+(1-θ)pA)/(1+θ) · (1-θ)pC/(1+2θ)
  //          PI = (1+2θ) / (4 (θ + (1-θ) pA))
  //   AA/AB: P1 = 1 · q(B|0,2) = (1-θ)pB/(1+θ)
  //          P0 = 2 q(A|2,2) q(B|0,3) = 2 (2θ+(1-θ)pA)/(1+θ) · (1-θ)pB/(1+2θ)
  //          PI = (1+2θ) / (2 (2θ + (1-θ) pA))
  //   AB/AA: P1 = 1/2 · q(A|1,2) = 1/2 (θ+(1-θ)pA)/(1+θ)
  //          P0 = q(A|1,2) q(A|2,3) = (θ+(1-θ)pA)/(1+θ) · (2θ+(1-θ)pA)/(1+2θ)
  //          PI = (1+2θ) / (2 (2θ + (1-θ) pA))          (same as AA/AB)
  //   AA/AA: P1 = 1 · q(A|2,2) = (2θ+(1-θ)pA)/(1+θ)
  //          P0 = q(A|2,2) q(A|3,3) = (2θ+(1-θ)pA)/(1+θ) · (3θ+(1-θ)pA)/(1+2θ)
  //          PI = (1+2θ) / (3θ + (1-θ) pA)
  //   AB/AB: P1 = 1/2 q(B|1,2) + 1/2 q(A|1,2) = (2θ + (1-θ)(pA+pB)) / (2(1+θ))
  //          P0 = 2 (θ+(1-θ)pA)/(1+θ) · (θ+(1-θ)pB)/(1+2θ)
  //          PI = (1+2θ)(2θ + (1-θ)(pA+pB)) / (4 (θ+(1-θ)pA)(θ+(1-θ)pB))
  // These are the formulas of Fung & Hu (2008) and Evett & Weir (1998, table 7.4);
  // at θ = 0 they reduce to the classic PIs.
  const AlleleFreqTable table = OneLocusTable();
  for (double th : {0.0, 0.01, 0.05}) {
    INFO("theta " << th);
    const PairwiseCalculator pc = Calc(table, "parent-child", th);
    const double sA = th + (1 - th) * pA, sB = th + (1 - th) * pB;
    REQUIRE(Lr(pc, A, B, A, C) == Approx((1 + 2 * th) / (4 * sA)).epsilon(kEps));
    REQUIRE(Lr(pc, A, A, A, B) == Approx((1 + 2 * th) / (2 * (2 * th + (1 - th) * pA))).epsilon(kEps));
    REQUIRE(Lr(pc, A, B, A, A) == Approx((1 + 2 * th) / (2 * (2 * th + (1 - th) * pA))).epsilon(kEps));
    REQUIRE(Lr(pc, A, A, A, A) == Approx((1 + 2 * th) / (3 * th + (1 - th) * pA)).epsilon(kEps));
    REQUIRE(Lr(pc, A, B, A, B) ==
            Approx((1 + 2 * th) * (2 * th + (1 - th) * (pA + pB)) / (4 * sA * sB)).epsilon(kEps));
    // Shared allele D, the largest index (exercises allele order within genotypes).
    const double sD = th + (1 - th) * pD;
    REQUIRE(Lr(pc, C, D, B, D) == Approx((1 + 2 * th) / (4 * sD)).epsilon(kEps));
    bool inconsistent = false;
    REQUIRE(Lr(pc, A, B, C, D, &inconsistent) == 0.0);
    REQUIRE(inconsistent);
  }
  // θ = 0.01, AB/AC with pA = 0.11: 1.02 / (4 (0.01 + 0.99·0.11)).
  REQUIRE(Lr(Calc(table, "parent-child", 0.01), A, B, A, C) ==
          Approx(1.02 / (4 * (0.01 + 0.99 * 0.11))).epsilon(kEps));
}

TEST_CASE("Full siblings and half siblings with theta", "[stats][pairwise][theta]") {
  // Same P0, P1, P2 as in the parent-child and match cases above:
  //   AA/AA: R1 = (1+2θ)/(3θ+(1-θ)pA);
  //          R2 = (1+θ)(1+2θ) / ((2θ+(1-θ)pA)(3θ+(1-θ)pA))
  //   AB/AB: R1 = (1+2θ)(2θ+(1-θ)(pA+pB)) / (4 sA sB),  R2 = (1+θ)(1+2θ)/(2 sA sB)
  //          with sX = θ + (1-θ) pX
  //   AB/AC: R1 = (1+2θ)/(4 sA), R2 = 0
  //   AB/CD: R1 = R2 = 0
  // FSI = 1/4 + R1/2 + R2/4; HSI = 1/2 + R1/2.
  const AlleleFreqTable table = OneLocusTable();
  for (double th : {0.01, 0.03}) {
    INFO("theta " << th);
    const PairwiseCalculator fs = Calc(table, "full-siblings", th);
    const PairwiseCalculator hs = Calc(table, "half-siblings", th);
    const double sA = th + (1 - th) * pA, sB = th + (1 - th) * pB;
    const double hA2 = 2 * th + (1 - th) * pA, hA3 = 3 * th + (1 - th) * pA;

    const double r1_aa = (1 + 2 * th) / hA3;
    const double r2_aa = (1 + th) * (1 + 2 * th) / (hA2 * hA3);
    REQUIRE(Lr(fs, A, A, A, A) == Approx(0.25 + 0.5 * r1_aa + 0.25 * r2_aa).epsilon(kEps));
    REQUIRE(Lr(hs, A, A, A, A) == Approx(0.5 + 0.5 * r1_aa).epsilon(kEps));

    const double r1_ab = (1 + 2 * th) * (2 * th + (1 - th) * (pA + pB)) / (4 * sA * sB);
    const double r2_ab = (1 + th) * (1 + 2 * th) / (2 * sA * sB);
    REQUIRE(Lr(fs, A, B, A, B) == Approx(0.25 + 0.5 * r1_ab + 0.25 * r2_ab).epsilon(kEps));

    const double r1_ac = (1 + 2 * th) / (4 * sA);
    REQUIRE(Lr(fs, A, B, A, C) == Approx(0.25 + 0.5 * r1_ac).epsilon(kEps));
    REQUIRE(Lr(hs, A, B, A, C) == Approx(0.5 + 0.5 * r1_ac).epsilon(kEps));

    REQUIRE(Lr(fs, A, B, C, D) == Approx(0.25).epsilon(kEps));
    REQUIRE(Lr(hs, A, B, C, D) == Approx(0.5).epsilon(kEps));
  }
}

TEST_CASE("All genotype pairs match a brute-force urn enumeration", "[stats][pairwise][theta]") {
  // Independent check of every configuration (see BruteForceLr): ordered allele
  // sequences of the Balding-Nichols urn summed by hand, for all 10 x 10 genotype pairs.
  const AlleleFreqTable table = OneLocusTable();
  const std::vector<double> p = {pA, pB, pC, pD};
  for (double th : {0.0, 0.02, 0.25}) {
    for (const char* name : {"parent-child", "full-siblings", "half-siblings", "first-cousins",
                             "unrelated", "ibd:0:0:1", "ibd:0.1:0.6:0.3"}) {
      const Relationship rel = Rel(name);
      const PairwiseCalculator calc = Calc(table, name, th);
      for (int a1 = 0; a1 < 4; ++a1)
        for (int a2 = a1; a2 < 4; ++a2)
          for (int b1 = 0; b1 < 4; ++b1)
            for (int b2 = b1; b2 < 4; ++b2) {
              INFO(name << " theta " << th << " " << a1 << a2 << "/" << b1 << b2);
              const double want = BruteForceLr(rel, a1, a2, b1, b2, p, th);
              const double got = Lr(calc, a1, a2, b1, b2);
              if (want == 0)
                REQUIRE(got == 0.0);
              else
                REQUIRE(got == Approx(want).epsilon(kEps));
            }
    }
  }
}

TEST_CASE("Theta outside 0 to 1 (exclusive) is rejected", "[stats][pairwise][theta]") {
  const AlleleFreqTable table = OneLocusTable();
  for (double th : {-0.01, 1.0, 1.5, std::nan("")}) {
    PairwiseOptions opts;
    opts.theta = th;
    auto calc = PairwiseCalculator::Create(table, Rel("full-siblings"), opts);
    REQUIRE(calc.status().code() == absl::StatusCode::kInvalidArgument);
  }
}

// =================================================================================
// Parent-child with mutation
// =================================================================================

TEST_CASE("Parent-child with the equal mutation model (theta 0)", "[stats][pairwise][mutation]") {
  // Equal model, n = 4 alleles, rate r: M[i][i] = 1 - r, M[i][j] = r/3.
  // The child receives x from the parent A = {a1, a2} with T1(x) = (M[a1][x] + M[a2][x])/2
  // and y from the untyped other parent with T2(y) = (p M)(y) = p_y (1 - r) + (1 - p_y) r/3
  // (θ = 0). P(B | A, H1) = T1(c) T2(e) + T1(e) T2(c) (c != e), T1(c) T2(c) (c == e);
  // P(B | A, H2) = 2 pc pe or pc^2.
  const double r = 0.005;
  const double m_same = 1 - r, m_diff = r / 3;
  auto pm = [&](double py) { return py * (1 - r) + (1 - py) * r / 3; };
  const AlleleFreqTable table = OneLocusTable();
  const PairwiseCalculator pc = Calc(table, "parent-child", 0, EqualMutation(r));
  bool inconsistent = false;

  SECTION("parent AA, child BB") {
    // T1(B) = M[A][B] = r/3; T2(B) = (pM)(B). LR = (r/3)(pM)(B) / pB^2.
    const double want = m_diff * pm(pB) / (pB * pB);
    REQUIRE(Lr(pc, A, A, B, B, &inconsistent) == Approx(want).epsilon(kEps));
    REQUIRE(inconsistent);  // inconsistent without mutation, explained by it
  }
  SECTION("parent AB, child CD") {
    // T1(C) = T1(D) = (r/3 + r/3)/2 = r/3.
    // LR = [r/3 (pM)(D) + r/3 (pM)(C)] / (2 pC pD).
    const double want = (m_diff * pm(pD) + m_diff * pm(pC)) / (2 * pC * pD);
    REQUIRE(Lr(pc, A, B, C, D, &inconsistent) == Approx(want).epsilon(kEps));
    REQUIRE(inconsistent);
  }
  SECTION("parent AA, child BC") {
    // T1(B) = T1(C) = r/3. LR = r/3 [(pM)(C) + (pM)(B)] / (2 pB pC).
    const double want = m_diff * (pm(pC) + pm(pB)) / (2 * pB * pC);
    REQUIRE(Lr(pc, A, A, B, C, &inconsistent) == Approx(want).epsilon(kEps));
    REQUIRE(inconsistent);
  }
  SECTION("parent AB, child AC: consistent, slightly below the PI") {
    // T1(A) = (1 - r + r/3)/2, T1(C) = r/3.
    // LR = [T1(A) (pM)(C) + T1(C) (pM)(A)] / (2 pA pC).
    const double t1a = (m_same + m_diff) / 2, t1c = m_diff;
    const double want = (t1a * pm(pC) + t1c * pm(pA)) / (2 * pA * pC);
    const double got = Lr(pc, A, B, A, C, &inconsistent);
    REQUIRE(got == Approx(want).epsilon(kEps));
    REQUIRE_FALSE(inconsistent);
    // Versus the PI 1/(4 pA) = 2.2727...: the loss to mutation is of order r.
    const double pi = 1 / (4 * pA);
    REQUIRE(got < pi);
    REQUIRE(got > pi * (1 - 2 * r));
  }
  SECTION("parent AA, child AA") {
    // T1(A) = 1 - r; LR = (1 - r)(pM)(A) / pA^2 (PI 1/pA without mutation).
    const double want = m_same * pm(pA) / (pA * pA);
    REQUIRE(Lr(pc, A, A, A, A, &inconsistent) == Approx(want).epsilon(kEps));
    REQUIRE_FALSE(inconsistent);
  }
}

TEST_CASE("Parent-child with mutation and theta", "[stats][pairwise][mutation][theta]") {
  // Equal model, rate r, θ > 0, parent AA, child BB.
  //  T1(B) = M[A][B] = r/3.
  //  The other parent's allele z is draw 3 given A's AA: P(z | AA) = (2θ[z=A] + (1-θ)p_z)/(1+θ);
  //  it becomes B with M[z][B]: T2(B) = ((1-θ)(pM)(B) + θ (M[A][B] + M[A][B])) / (1+θ)
  //                                   = ((1-θ)(pM)(B) + 2θ r/3) / (1+θ).
  //  P(B | A, unrelated): draws 3 and 4 both B: (1-θ)pB/(1+θ) · (θ + (1-θ)pB)/(1+2θ).
  const double r = 0.004, th = 0.02;
  const double pmB = pB * (1 - r) + (1 - pB) * r / 3;
  const double t1 = r / 3;
  const double t2 = ((1 - th) * pmB + 2 * th * r / 3) / (1 + th);
  const double p0 = (1 - th) * pB / (1 + th) * (th + (1 - th) * pB) / (1 + 2 * th);
  const PairwiseCalculator pc = Calc(OneLocusTable(), "parent-child", th, EqualMutation(r));
  REQUIRE(Lr(pc, A, A, B, B) == Approx(t1 * t2 / p0).epsilon(kEps));

  // Parent AB, child AC:
  //  T1(A) = (1 - r + r/3)/2, T1(C) = r/3;
  //  T2(C) = ((1-θ)(pM)(C) + θ (M[A][C] + M[B][C]))/(1+θ) = ((1-θ)(pM)(C) + 2θ r/3)/(1+θ);
  //  T2(A) = ((1-θ)(pM)(A) + θ (M[A][A] + M[B][A]))/(1+θ) = ((1-θ)(pM)(A) + θ(1 - r + r/3))/(1+θ);
  //  P0 = 2 (θ + (1-θ)pA)/(1+θ) · (1-θ)pC/(1+2θ).
  const double pmA = pA * (1 - r) + (1 - pA) * r / 3, pmC = pC * (1 - r) + (1 - pC) * r / 3;
  const double t1a = (1 - r + r / 3) / 2, t1c = r / 3;
  const double t2c = ((1 - th) * pmC + 2 * th * r / 3) / (1 + th);
  const double t2a = ((1 - th) * pmA + th * (1 - r + r / 3)) / (1 + th);
  const double p0ac = 2 * (th + (1 - th) * pA) / (1 + th) * (1 - th) * pC / (1 + 2 * th);
  REQUIRE(Lr(pc, A, B, A, C) == Approx((t1a * t2c + t1c * t2a) / p0ac).epsilon(kEps));
}

TEST_CASE("Parent-child with the stepwise model", "[stats][pairwise][mutation]") {
  // Locus 9, 10, 11, 9.3 (p = 0.2, 0.3, 0.4, 0.1); stepwise rate 0.004, rate2 0.0005,
  // range 0.5 (matrix derived in mutation_test.cc):
  //   M[9][11] = rate/3, M[10][11] = rate/2, M[11][11] = 1 - rate - rate2,
  //   M[9.3][11] = rate2/3.
  // Parent 10/10, child 11/11 (θ = 0): LR = M[10][11] (pM)(11) / p11^2 with
  //   (pM)(11) = p9 rate/3 + p10 rate/2 + p11 (1 - rate - rate2) + p9.3 rate2/3.
  const double p9 = 0.2, p10 = 0.3, p11 = 0.4, p93 = 0.1;
  const double rate = 0.004, rate2 = 0.0005;
  AlleleFreqTable table;
  table.AddLocus(MakeLocus("TH01", {{"9", p9}, {"10", p10}, {"11", p11}, {"9.3", p93}}));
  MutationSpec spec;
  spec.male.model = spec.female.model = MutationModel::kStepwise;
  spec.male.rate = spec.female.rate = rate;
  spec.male.rate2 = spec.female.rate2 = rate2;
  spec.male.range = spec.female.range = 0.5;
  const PairwiseCalculator pc = Calc(table, "parent-child", 0, spec);
  const double pm11 = p9 * rate / 3 + p10 * rate / 2 + p11 * (1 - rate - rate2) + p93 * rate2 / 3;
  REQUIRE(Lr(pc, 1, 1, 2, 2) == Approx(rate / 2 * pm11 / (p11 * p11)).epsilon(kEps));

  // A stepwise model on a locus with a non-numeric allele fails in Create.
  AlleleFreqTable bad;
  bad.AddLocus(MakeLocus("FGA", {{"20", 0.5}, {"OL", 0.5}}));
  PairwiseOptions opts;
  opts.mutation = spec;
  auto calc = PairwiseCalculator::Create(bad, Rel("parent-child"), opts);
  REQUIRE(calc.status().code() == absl::StatusCode::kInvalidArgument);
  REQUIRE_THAT(std::string(calc.status().message()), Contains("OL"));
}

TEST_CASE("A mutation model with rate 0 gives exactly the no-mutation values",
          "[stats][pairwise][mutation]") {
  // With M = I: T1(x) = c_A(x)/2 and T2(y) = (c_A(y) θ + (1-θ) p_y)/(1+θ), i.e. the
  // IBD1 probability of the IBD formula term by term. Bit-identical at θ = 0; with
  // θ > 0 equal to rounding (see below).
  const AlleleFreqTable table = OneLocusTable();
  for (double th : {0.0, 0.02}) {
    for (MutationModel model : {MutationModel::kEqual, MutationModel::kProportional,
                                MutationModel::kStepwise}) {
      MutationSpec spec;
      spec.male.model = spec.female.model = model;
      const PairwiseCalculator mut = Calc(table, "parent-child", th, spec);
      const PairwiseCalculator plain = Calc(table, "parent-child", th);
      for (int g1 = 0; g1 < GenotypeCount(4); ++g1)
        for (int g2 = 0; g2 < GenotypeCount(4); ++g2) {
          INFO("theta " << th << " model " << MutationModelName(model) << " " << g1 << "/" << g2);
          bool inc_mut = false, inc_plain = false;
          const double lr_mut = mut.LocusLr(0, g1, g2, &inc_mut);
          const double lr_plain = plain.LocusLr(0, g1, g2, &inc_plain);
          if (th == 0) {
            REQUIRE(lr_mut == lr_plain);
          } else {
            // Same terms, but P0 is evaluated with a different association
            // ((2 q3) q4)/(1+2θ) versus 2 q3 (q4/(1+2θ)), so the last bit may differ.
            REQUIRE(lr_mut == Approx(lr_plain).epsilon(1e-14));
          }
          REQUIRE(inc_mut == inc_plain);
        }
    }
  }
}

TEST_CASE("Sex-specific mutation rates", "[stats][pairwise][mutation]") {
  // Male rate rm, female rate rf (equal model). Parent AA, child BB (θ = 0):
  //   LR = (r_parent/3) (p M_other)(B) / pB^2, (p M)(B) = pB (1 - r) + (1 - pB) r/3,
  // with the parent's rate for its transmission and the other sex's for the other parent.
  const double rm = 0.006, rf = 0.0015;
  MutationSpec spec;
  spec.male.model = spec.female.model = MutationModel::kEqual;
  spec.male.rate = rm;
  spec.female.rate = rf;
  auto pm = [&](double r) { return pB * (1 - r) + (1 - pB) * r / 3; };
  const AlleleFreqTable table = OneLocusTable();

  const PairwiseCalculator father = Calc(table, "parent-child", 0, spec, Sex::kMale);
  REQUIRE(Lr(father, A, A, B, B) == Approx(rm / 3 * pm(rf) / (pB * pB)).epsilon(kEps));
  const PairwiseCalculator mother = Calc(table, "parent-child", 0, spec, Sex::kFemale);
  REQUIRE(Lr(mother, A, A, B, B) == Approx(rf / 3 * pm(rm) / (pB * pB)).epsilon(kEps));

  // Without sex1 the rates' difference cannot be resolved.
  PairwiseOptions opts;
  opts.mutation = spec;
  auto unknown = PairwiseCalculator::Create(table, Rel("parent-child"), opts);
  REQUIRE(unknown.status().code() == absl::StatusCode::kFailedPrecondition);

  // Per-locus rates that differ between the sexes need sex1 as well.
  MutationSpec per_locus = EqualMutation(0.002);
  per_locus.per_locus_rates["L1"] = LocusRates{0.003, 0.001};
  opts.mutation = per_locus;
  auto unknown2 = PairwiseCalculator::Create(table, Rel("parent-child"), opts);
  REQUIRE(unknown2.status().code() == absl::StatusCode::kFailedPrecondition);

  // Equal rates need no sex: LR = (r/3)(pM)(B)/pB^2 with one r.
  const PairwiseCalculator same = Calc(table, "parent-child", 0, EqualMutation(rm));
  REQUIRE(Lr(same, A, A, B, B) == Approx(rm / 3 * pm(rm) / (pB * pB)).epsilon(kEps));

  // Per-locus rates replace the global ones at that locus (father: 0.003, other 0.001).
  const PairwiseCalculator pl = Calc(table, "parent-child", 0, per_locus, Sex::kMale);
  REQUIRE(Lr(pl, A, A, B, B) == Approx(0.003 / 3 * pm(0.001) / (pB * pB)).epsilon(kEps));
}

TEST_CASE("Mutation with ibd: relationships or sex-specific rates off parent-child is refused",
          "[stats][pairwise][mutation]") {
  const AlleleFreqTable table = OneLocusTable();
  PairwiseOptions opts;
  opts.mutation = EqualMutation(0.002);
  auto ibd = PairwiseCalculator::Create(table, Rel("ibd:0:1:0"), opts);
  REQUIRE(ibd.status().code() == absl::StatusCode::kFailedPrecondition);
  opts.mutation.female.rate = 0.001;
  for (const char* name : {"full-siblings", "half-siblings", "grandparent", "avuncular", "first-cousins"}) {
    INFO(name);
    auto calc = PairwiseCalculator::Create(table, Rel(name), opts);
    REQUIRE(calc.status().code() == absl::StatusCode::kFailedPrecondition);
  }
}

TEST_CASE("Relationships through the pedigree engine agree with the IBD formulas to 1e-12",
          "[stats][pairwise][mutation]") {
  // With mutation rate 0 the engine's relationship pedigree (paternal line) must give the
  // IBD-coefficient LR k0 + k1 P1/P0 + k2 P2/P0, with and without theta, for every pair
  // of genotypes; and "unrelated" with mutation is exactly 1.
  const AlleleFreqTable table = OneLocusTable();
  const int gc = table.locus(0).genotype_ct();
  for (double theta : {0.0, 0.03}) {
    for (const char* name : {"full-siblings", "half-siblings", "grandparent", "avuncular", "first-cousins",
                             "unrelated"}) {
      INFO(name << " theta " << theta);
      PairwiseOptions plain;
      plain.theta = theta;
      PairwiseOptions engine = plain;
      engine.mutation = EqualMutation(0.0);
      auto c1 = PairwiseCalculator::Create(table, Rel(name), plain);
      auto c2 = PairwiseCalculator::Create(table, Rel(name), engine);
      REQUIRE(c1.ok());
      REQUIRE(c2.ok());
      // theta > 0 runs the engine's set-partition expansion (slow): a third of the rows.
      for (int g1 = 0; g1 < gc; g1 += theta > 0 ? 3 : 1)
        for (int g2 = 0; g2 < gc; ++g2) {
          bool i1, i2;
          const double want = c1->LocusLr(0, g1, g2, &i1);
          const double got = c2->LocusLr(0, g1, g2, &i2);
          REQUIRE(got == Approx(want).epsilon(1e-12));
        }
    }
  }
}

TEST_CASE("Compute with mutation: explained exclusions are finite but counted",
          "[stats][pairwise][mutation]") {
  const double r = 0.005;
  const AlleleFreqTable table = OneLocusTable();
  ProfileSet set;
  set.Reset(1);
  const int f = set.AddSample("F"), c = set.AddSample("C");
  set.set_genotype(0, f, GenotypeIndex(A, A));
  set.set_genotype(0, c, GenotypeIndex(B, B));
  const PairwiseCalculator pc = Calc(table, "parent-child", 0, EqualMutation(r));
  std::vector<double> per_locus;
  PairResult res = pc.Compute(set, f, set, c, &per_locus);
  // LR = (r/3)(pM)(B)/pB^2 as in the equal-model test.
  const double want = r / 3 * (pB * (1 - r) + (1 - pB) * r / 3) / (pB * pB);
  REQUIRE(res.loci_compared == 1);
  REQUIRE(res.loci_inconsistent == 1);
  REQUIRE(res.log10_lr == Approx(std::log10(want)).epsilon(kEps));
  REQUIRE(per_locus.size() == 1);
  REQUIRE(per_locus[0] == res.log10_lr);
}

// =================================================================================
// Compute()
// =================================================================================

TEST_CASE("Compute skips untyped loci and sums per-locus log10 LRs", "[stats][pairwise]") {
  // Four loci with alleles 10..13. F = alleged father, C = child:
  //   L1: F 10/11, C 10/12  -> PI = 1/(4 p10)   (p10 = 0.1 at L1)
  //   L2: F 12/12, C 12/13  -> PI = 1/(2 p12)   (p12 = 0.25 at L2)
  //   L3: F 10/13, C untyped (empty alleles)   -> skipped
  //   L4: F has no row (untyped), C 11/11      -> skipped
  // total log10 = log10(1/(4·0.1)) + log10(1/(2·0.25)) = log10(2.5) + log10(2).
  AlleleFreqTable table;
  table.AddLocus(MakeLocus("L1", {{"10", 0.1}, {"11", 0.2}, {"12", 0.3}, {"13", 0.4}}));
  table.AddLocus(MakeLocus("L2", {{"10", 0.35}, {"11", 0.15}, {"12", 0.25}, {"13", 0.25}}));
  table.AddLocus(MakeLocus("L3", {{"10", 0.25}, {"11", 0.25}, {"12", 0.25}, {"13", 0.25}}));
  table.AddLocus(MakeLocus("L4", {{"10", 0.4}, {"11", 0.3}, {"12", 0.2}, {"13", 0.1}}));
  auto rec = [](const char* sample, const char* locus, const char* a1, const char* a2) {
    GenotypeRecord r;
    r.sample_id = sample;
    r.locus = locus;
    r.allele1 = a1;
    r.allele2 = a2;
    return r;
  };
  const std::vector<GenotypeRecord> records = {
      rec("F", "L1", "10", "11"), rec("C", "L1", "12", "10"),
      rec("F", "L2", "12", "12"), rec("C", "L2", "12", "13"),
      rec("F", "L3", "10", "13"), rec("C", "L3", "", ""),
      rec("C", "L4", "11", "11")};
  Diagnostics diag;
  auto set = BuildProfileSet(records, ProfileBuildOptions{}, &table, &diag);
  REQUIRE(set.ok());
  REQUIRE(set->locus_ct() == 4);
  const int f = set->FindSample("F"), c = set->FindSample("C");
  REQUIRE(f >= 0);
  REQUIRE(c >= 0);
  REQUIRE(set->genotype(2, c) == kUntyped);
  REQUIRE(set->genotype(3, f) == kUntyped);

  const PairwiseCalculator pc = Calc(table, "parent-child");
  std::vector<double> per_locus;
  PairResult r = pc.Compute(*set, f, *set, c, &per_locus);
  REQUIRE(r.loci_compared == 2);
  REQUIRE(r.loci_inconsistent == 0);
  REQUIRE(per_locus.size() == 4);
  REQUIRE(per_locus[0] == Approx(std::log10(1 / (4 * 0.1))).epsilon(kEps));
  REQUIRE(per_locus[1] == Approx(std::log10(1 / (2 * 0.25))).epsilon(kEps));
  REQUIRE(per_locus[2] == 0.0);
  REQUIRE(per_locus[3] == 0.0);
  REQUIRE(r.log10_lr == Approx(std::log10(2.5) + std::log10(2.0)).epsilon(kEps));
  REQUIRE(r.log10_lr == Approx(per_locus[0] + per_locus[1] + per_locus[2] + per_locus[3]).epsilon(kEps));

  // Without the per-locus vector, the same totals.
  PairResult r2 = pc.Compute(*set, f, *set, c, nullptr);
  REQUIRE(r2.log10_lr == r.log10_lr);
  REQUIRE(r2.loci_compared == 2);

  // Full siblings on the same data: FSI(AB/AC) = (1 + 2 p10)/(8 p10) at L1,
  // FSI(AA/AB) = (1 + p12)/(4 p12) at L2.
  const PairwiseCalculator fs = Calc(table, "full-siblings");
  PairResult rs = fs.Compute(*set, f, *set, c, &per_locus);
  REQUIRE(rs.loci_compared == 2);
  REQUIRE(rs.log10_lr == Approx(std::log10((1 + 2 * 0.1) / (8 * 0.1)) +
                                std::log10((1 + 0.25) / (4 * 0.25)))
                             .epsilon(kEps));
  REQUIRE(per_locus[2] == 0.0);
  REQUIRE(per_locus[3] == 0.0);

  // id1 and id2 may come from different profile sets (references vs. questioned).
  ProfileSet refs;
  refs.Reset(4);
  refs.AddSample("other");
  const int rf = refs.AddSample("F2");
  refs.set_genotype(0, rf, GenotypeIndex(0, 1));  // L1 10/11
  refs.set_genotype(3, rf, GenotypeIndex(1, 2));  // L4 11/12; C is 11/11: PI = 1/(2 p11) = 1/0.6
  PairResult rx = pc.Compute(refs, rf, *set, c, &per_locus);
  REQUIRE(rx.loci_compared == 2);
  REQUIRE(per_locus[0] == Approx(std::log10(2.5)).epsilon(kEps));
  REQUIRE(per_locus[1] == 0.0);
  REQUIRE(per_locus[2] == 0.0);
  REQUIRE(per_locus[3] == Approx(std::log10(1 / (2 * 0.3))).epsilon(kEps));
  REQUIRE(rx.log10_lr == Approx(std::log10(2.5) + std::log10(1 / 0.6)).epsilon(kEps));

  // Nothing typed in common: LR 1, nothing compared.
  ProfileSet empty;
  empty.Reset(4);
  const int e = empty.AddSample("E");
  PairResult rn = pc.Compute(empty, e, *set, c, &per_locus);
  REQUIRE(rn.loci_compared == 0);
  REQUIRE(rn.log10_lr == 0.0);
  REQUIRE(per_locus == std::vector<double>(4, 0.0));
}

// =================================================================================
// Properties
// =================================================================================

TEST_CASE("IBD LRs are symmetric and positive when k0 > 0 (random genotypes)",
          "[stats][pairwise][property]") {
  // For an IBD relationship the LR is P(A, B | rel) / P(A, B | unrelated), a ratio of
  // joint probabilities that do not depend on which person is called id1 (with θ as
  // well: P(B | A) P(A) is the joint probability of the four draws). With k0 > 0 the
  // numerator has the positive term k0 P(A, B | IBD0).
  AlleleFreqTable table;
  table.AddLocus(MakeLocus("L6", {{"8", 0.05}, {"9", 0.10}, {"10", 0.15}, {"11", 0.20},
                                  {"12", 0.22}, {"13", 0.28}}));
  const std::vector<double> p = {0.05, 0.10, 0.15, 0.20, 0.22, 0.28};
  std::mt19937 rng(20240611);
  std::uniform_int_distribution<int> allele(0, 5);
  for (double th : {0.0, 0.015}) {
    for (const char* name : {"full-siblings", "half-siblings", "grandparent", "avuncular",
                             "first-cousins", "unrelated", "ibd:0.1:0.6:0.3", "ibd:0:0.5:0.5"}) {
      const Relationship rel = Rel(name);
      const PairwiseCalculator calc = Calc(table, name, th);
      for (int trial = 0; trial < 300; ++trial) {
        const int a1 = allele(rng), a2 = allele(rng), b1 = allele(rng), b2 = allele(rng);
        INFO(name << " theta " << th << " " << a1 << "," << a2 << " / " << b1 << "," << b2);
        bool inc12 = false, inc21 = false;
        const double lr12 = Lr(calc, a1, a2, b1, b2, &inc12);
        const double lr21 = Lr(calc, b1, b2, a1, a2, &inc21);
        REQUIRE_FALSE(std::isnan(lr12));
        REQUIRE(inc12 == inc21);
        if (lr12 == 0) {
          REQUIRE(lr21 == 0.0);
        } else {
          REQUIRE(lr12 == Approx(lr21).epsilon(kEps));
        }
        if (rel.k0 > 0) {
          REQUIRE(lr12 > 0);
          REQUIRE_FALSE(inc12);
        }
        // And both agree with the brute-force enumeration.
        const double want = BruteForceLr(rel, a1, a2, b1, b2, p, th);
        if (want == 0)
          REQUIRE(lr12 == 0.0);
        else
          REQUIRE(lr12 == Approx(want).epsilon(kEps));
      }
    }
  }
}

// =================================================================================
// ComparePair(): one relationship against another
// =================================================================================

TEST_CASE("ComparePair: parent-child against full siblings, by hand", "[stats][pairwise][alternative]") {
  // id1 = A/B, id2 = A/C. Against unrelated: LR_PO = 1/(4 pA) (R1 above; k1 = 1), and
  // LR_FS = 1/4 + (1/2)(1/(4 pA)) + (1/4)·0 = 1/4 + 1/(8 pA). Their ratio is
  // P(data | PO) / P(data | FS) = (1/(4 pA)) / (1/4 + 1/(8 pA)) = 2 / (2 pA + 1).
  // id1 = A/A, id2 = C/D excludes PO but not FS: log10 LR(PO : FS) = -inf, and +inf the
  // other way round.
  const AlleleFreqTable table = OneLocusTable();
  ProfileSet set;
  set.Reset(1);
  const int x = set.AddSample("X"), y = set.AddSample("Y"), z = set.AddSample("Z");
  set.set_genotype(0, x, GenotypeIndex(A, B));
  set.set_genotype(0, y, GenotypeIndex(A, C));
  set.set_genotype(0, z, GenotypeIndex(C, D));
  const PairwiseCalculator po = Calc(table, "parent-child"), fs = Calc(table, "full-siblings");
  std::vector<double> per_locus;
  auto r = ComparePair(table, po, fs, set, x, set, y, &per_locus);
  REQUIRE(r.ok());
  CHECK(r->log10_lr == Approx(std::log10(2 / (2 * pA + 1))).epsilon(kEps));
  CHECK(per_locus[0] == r->log10_lr);
  CHECK(r->loci_compared == 1);
  set.set_genotype(0, x, GenotypeIndex(A, A));
  auto excl = ComparePair(table, po, fs, set, x, set, z, nullptr);
  REQUIRE(excl.ok());
  CHECK(excl->log10_lr == -std::numeric_limits<double>::infinity());
  CHECK(excl->loci_inconsistent == 1);
  auto inf = ComparePair(table, fs, po, set, x, set, z, nullptr);
  REQUIRE(inf.ok());
  CHECK(inf->log10_lr == std::numeric_limits<double>::infinity());
  // Excluded under both (parent-child and grandparent... both zero only for PO vs PO-like
  // relationships): parent-child against itself is 0/0 and must be an error, never NaN.
  auto both = ComparePair(table, po, po, set, x, set, z, nullptr);
  REQUIRE_FALSE(both.ok());
  CHECK(both.status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK_THAT(std::string(both.status().message()), Contains("locus L1 excludes both"));
}

TEST_CASE("ComparePair equals the ratio of the two relationship pedigrees' likelihoods",
          "[stats][pairwise][alternative]") {
  // P(data | h1) / P(data | h2) straight from the pedigree engine on explicit pedigrees, for
  // genotype pairs of the 4-allele locus, with theta and the equal mutation model:
  //   h1 parent-child: F (male, id1) and M founders, C = child of F and M (id2);
  //   h2 full siblings: F, M founders, S1 (id1) and S2 (id2) their children;
  //   h2 half siblings: F, M1, M2 founders, S1 child of F and M1 (id1), S2 of F and M2 (id2).
  const AlleleFreqTable table = OneLocusTable();
  const int gc = table.locus(0).genotype_ct();
  MutationSpec mutation = EqualMutation(0.003);
  const double theta = 0.02;
  auto models = BuildPedigreeModels(table, mutation, theta);
  REQUIRE(models.ok());
  auto person = [](const char* id, int f, int m, Sex s) {
    Person p;
    p.id = id;
    p.father = f;
    p.mother = m;
    p.sex = s;
    return p;
  };
  Pedigree po("PO"), fs("FS"), hs("HS");
  po.Add(person("F", -1, -1, Sex::kMale));
  po.Add(person("M", -1, -1, Sex::kFemale));
  po.Add(person("C", 0, 1, Sex::kMale));
  fs.Add(person("F", -1, -1, Sex::kMale));
  fs.Add(person("M", -1, -1, Sex::kFemale));
  fs.Add(person("S1", 0, 1, Sex::kMale));
  fs.Add(person("S2", 0, 1, Sex::kMale));
  hs.Add(person("F", -1, -1, Sex::kMale));
  hs.Add(person("M1", -1, -1, Sex::kFemale));
  hs.Add(person("M2", -1, -1, Sex::kFemale));
  hs.Add(person("S1", 0, 1, Sex::kMale));
  hs.Add(person("S2", 0, 2, Sex::kMale));
  PairwiseOptions opts;
  opts.theta = theta;
  opts.mutation = mutation;
  opts.sex1 = Sex::kMale;
  auto h1 = PairwiseCalculator::Create(table, Rel("parent-child"), opts);
  REQUIRE(h1.ok());
  ProfileSet set;
  set.Reset(1);
  const int a = set.AddSample("A"), b = set.AddSample("B");
  struct Alt {
    const char* name;
    const Pedigree* ped;
    int id1, id2;
  };
  for (const Alt& alt : {Alt{"full-siblings", &fs, 2, 3}, Alt{"half-siblings", &hs, 3, 4}}) {
    auto h2 = PairwiseCalculator::Create(table, Rel(alt.name), opts);
    REQUIRE(h2.ok());
    for (int g1 = 0; g1 < gc; g1 += 2)
      for (int g2 = 1; g2 < gc; g2 += 3) {
        set.set_genotype(0, a, static_cast<GenotypeIdx>(g1));
        set.set_genotype(0, b, static_cast<GenotypeIdx>(g2));
        std::vector<GenotypeIdx> gpo(3, kUntyped), galt(alt.ped->size(), kUntyped);
        gpo[0] = galt[alt.id1] = static_cast<GenotypeIdx>(g1);
        gpo[2] = galt[alt.id2] = static_cast<GenotypeIdx>(g2);
        auto l1 = PedigreeLikelihood(po, gpo, (*models)[0]);
        auto l2 = PedigreeLikelihood(*alt.ped, galt, (*models)[0]);
        REQUIRE(l1.ok());
        REQUIRE(l2.ok());
        auto r = ComparePair(table, *h1, *h2, set, a, set, b, nullptr);
        REQUIRE(r.ok());
        INFO(alt.name << " " << g1 << " " << g2);
        CHECK(r->log10_lr == Approx(std::log10(*l1 / *l2)).epsilon(1e-10));
      }
  }
}
