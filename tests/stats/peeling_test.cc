// Hand-derived tests of the pedigree likelihood engine (kinship/pedigree_lr.h):
// PedigreeLikelihood, JointWithTarget, FamilyTable and MissingPersonLocusLr.
//
// Every expected value below is derived by hand from textbook formulas (Mendelian
// transmission, IBD coefficients k0/k1/k2 (Thompson 1975), inbreeding coefficients,
// the Balding-Nichols sampling formula) and computed in the test with plain arithmetic
// from the allele frequencies; the library is never asked for an expected value. The
// derivation of each case is written beside it.
//
// Notation: alleles A, B, C, D, E are indices 0, 1, 2, 3, 4 of a locus with
// frequencies pA, pB, ...; HW(g) = pa^2 or 2 pa pb; "LR(g)" is the missing-person LR
//   LR(g) = P(refs, MP = g) / (P(refs) P(V = g)),
// which at theta = 0 is P(MP = g | refs) / HW(g).
#include <cmath>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "kinship/locus.h"
#include "kinship/mutation.h"
#include "kinship/pedigree.h"
#include "kinship/pedigree_lr.h"

using namespace kinship;

namespace {

constexpr int A = 0, B = 1, C = 2, D = 3, E = 4;

// One locus "L" with alleles labelled 10, 11, ... and the given frequencies.
AlleleFreqTable OneLocus(const std::vector<double>& freqs) {
  AlleleFreqTable t;
  Locus l("L");
  for (size_t i = 0; i < freqs.size(); ++i) l.AddAllele(std::to_string(10 + i), freqs[i]);
  t.AddLocus(std::move(l));
  return t;
}

PedigreeLocusModel Model(const std::vector<double>& freqs, const MutationSpec& mutation = {},
                         double theta = 0) {
  auto models = BuildPedigreeModels(OneLocus(freqs), mutation, theta);
  REQUIRE(models.ok());
  REQUIRE(models->size() == 1);
  return (*models)[0];
}

MutationSpec Equal(double male_rate, double female_rate) {
  MutationSpec m;
  m.male.model = MutationModel::kEqual;
  m.male.rate = male_rate;
  m.female.model = MutationModel::kEqual;
  m.female.rate = female_rate;
  return m;
}

GenotypeIdx G(int a, int b) { return GenotypeIndex(a, b); }

int Child(Pedigree* ped, const std::string& id, int father, int mother, Sex sex) {
  Person p;
  p.id = id;
  p.father = father;
  p.mother = mother;
  p.sex = sex;
  return ped->Add(p);
}
int Founder(Pedigree* ped, const std::string& id, Sex sex) { return Child(ped, id, -1, -1, sex); }

std::vector<GenotypeIdx> Untyped(const Pedigree& ped) {
  return std::vector<GenotypeIdx>(ped.size(), kUntyped);
}

void Close(double got, double want, double rel = 1e-12) {
  INFO("got " << got << ", want " << want);
  REQUIRE(std::isfinite(got));
  REQUIRE(got == Approx(want).epsilon(rel).margin(0));
}

double Lik(const Pedigree& ped, const std::vector<GenotypeIdx>& g, const PedigreeLocusModel& m,
           const EngineLimits& limits = {}) {
  auto r = PedigreeLikelihood(ped, g, m, limits);
  INFO(r.status().ToString());
  REQUIRE(r.ok());
  return *r;
}

std::vector<double> Table(const Pedigree& ped, const std::vector<GenotypeIdx>& g, int target,
                          const PedigreeLocusModel& m) {
  auto r = FamilyTable(ped, g, target, m);
  INFO(r.status().ToString());
  REQUIRE(r.ok());
  REQUIRE(static_cast<int>(r->size()) == GenotypeCount(m.allele_ct()));
  return *r;
}

std::vector<double> Joint(const Pedigree& ped, const std::vector<GenotypeIdx>& g, int target,
                          const PedigreeLocusModel& m) {
  auto r = JointWithTarget(ped, g, target, m);
  INFO(r.status().ToString());
  REQUIRE(r.ok());
  REQUIRE(static_cast<int>(r->size()) == GenotypeCount(m.allele_ct()));
  return *r;
}

double Lr(const Pedigree& ped, const std::vector<GenotypeIdx>& g, int target, GenotypeIdx victim,
          const PedigreeLocusModel& m) {
  auto r = MissingPersonLocusLr(ped, g, target, victim, m);
  INFO(r.status().ToString());
  REQUIRE(r.ok());
  return *r;
}

// ---- Test-side textbook formulas (plain arithmetic on the frequencies) ----

double Hw(const std::vector<double>& p, int a, int b) {
  return a == b ? p[a] * p[a] : 2 * p[a] * p[b];
}

// Mendel: probability that a parent of genotype {x, y} transmits allele z.
double Transmit(int x, int y, int z) { return 0.5 * ((x == z) + (y == z)); }

// P(child = {c1, c2} | father {f1, f2}, mother {m1, m2}), no mutation: one ordered
// assignment per phase (paternal allele from the father, maternal from the mother).
double ChildGivenParents(int f1, int f2, int m1, int m2, int c1, int c2) {
  double v = Transmit(f1, f2, c1) * Transmit(m1, m2, c2);
  if (c1 != c2) v += Transmit(f1, f2, c2) * Transmit(m1, m2, c1);
  return v;
}

// P(child = {c1, c2} | one parent {m1, m2}, other parent random from p):
// the random parent transmits allele z with probability p_z.
double ChildGivenOneParent(const std::vector<double>& p, int m1, int m2, int c1, int c2) {
  double v = Transmit(m1, m2, c1) * p[c2];
  if (c1 != c2) v += Transmit(m1, m2, c2) * p[c1];
  return v;
}

// Thompson (1975): LR of a pair (S, V) with IBD coefficients (k0, k1, k2) against
// unrelated, theta = 0:
//   LR = k0 + k1 P(V | S, IBD=1) / P(V) + k2 [V == S] / P(V),
//   P(V | S, IBD=1) = 1/2 sum over the shared allele x in S of P(V = {x, new}),
// the new allele drawn from p.
double IbdLr(const std::vector<double>& p, double k0, double k1, double k2, int s1, int s2, int v1,
             int v2) {
  const double pv = Hw(p, v1, v2);
  double ibd1 = 0;
  for (int x : {s1, s2}) {
    if (v1 == v2) ibd1 += 0.5 * (x == v1) * p[v1];
    else ibd1 += 0.5 * ((x == v1) * p[v2] + (x == v2) * p[v1]);
  }
  const bool same = (s1 == v1 && s2 == v2) || (s1 == v2 && s2 == v1);
  return k0 + k1 * ibd1 / pv + k2 * (same ? 1.0 : 0.0) / pv;
}

// Trio: father F, mother M, child X. Returns indices through the out-parameters.
Pedigree Trio(int* f, int* m, int* x) {
  Pedigree ped("trio");
  *f = Founder(&ped, "F", Sex::kMale);
  *m = Founder(&ped, "M", Sex::kFemale);
  *x = Child(&ped, "X", *f, *m, Sex::kMale);
  return ped;
}

// Full siblings S (typed reference) and X (missing), untyped parents F, M.
Pedigree FullSibs(int* s, int* x) {
  Pedigree ped("sibs");
  int f = Founder(&ped, "F", Sex::kMale);
  int m = Founder(&ped, "M", Sex::kFemale);
  *s = Child(&ped, "S", f, m, Sex::kFemale);
  *x = Child(&ped, "X", f, m, Sex::kMale);
  return ped;
}

// Paternal half siblings: H1 = child(F, M1), H2 = child(F, M2).
Pedigree HalfSibs(int* h1, int* h2) {
  Pedigree ped("half");
  int f = Founder(&ped, "F", Sex::kMale);
  int m1 = Founder(&ped, "M1", Sex::kFemale);
  int m2 = Founder(&ped, "M2", Sex::kFemale);
  *h1 = Child(&ped, "H1", f, m1, Sex::kMale);
  *h2 = Child(&ped, "H2", f, m2, Sex::kMale);
  return ped;
}

// First cousins C1 (child of S1 and W1) and C2 (child of H2 and S2), where S1 and S2
// are the full-sibling children of GF and GM.
struct Cousins {
  Pedigree ped{"cousins"};
  int gf, gm, s1, s2, w1, h2, c1, c2;
};
Cousins FirstCousins() {
  Cousins c;
  c.gf = Founder(&c.ped, "GF", Sex::kMale);
  c.gm = Founder(&c.ped, "GM", Sex::kFemale);
  c.s1 = Child(&c.ped, "S1", c.gf, c.gm, Sex::kMale);
  c.s2 = Child(&c.ped, "S2", c.gf, c.gm, Sex::kFemale);
  c.w1 = Founder(&c.ped, "W1", Sex::kFemale);
  c.h2 = Founder(&c.ped, "H2", Sex::kMale);
  c.c1 = Child(&c.ped, "C1", c.s1, c.w1, Sex::kMale);
  c.c2 = Child(&c.ped, "C2", c.h2, c.s2, Sex::kFemale);
  return c;
}

// Double first cousins: brothers B1, B2 (children of GF1, GM1) married sisters S1, S2
// (children of GF2, GM2); C1 = child(B1, S1), C2 = child(B2, S2).
Cousins DoubleFirstCousins() {
  Cousins c;
  Pedigree& p = c.ped;
  int gf1 = Founder(&p, "GF1", Sex::kMale);
  int gm1 = Founder(&p, "GM1", Sex::kFemale);
  int gf2 = Founder(&p, "GF2", Sex::kMale);
  int gm2 = Founder(&p, "GM2", Sex::kFemale);
  int b1 = Child(&p, "B1", gf1, gm1, Sex::kMale);
  int b2 = Child(&p, "B2", gf1, gm1, Sex::kMale);
  int s1 = Child(&p, "S1", gf2, gm2, Sex::kFemale);
  int s2 = Child(&p, "S2", gf2, gm2, Sex::kFemale);
  c.gf = gf1, c.gm = gm1, c.s1 = b1, c.s2 = b2, c.w1 = s1, c.h2 = s2;
  c.c1 = Child(&p, "C1", b1, s1, Sex::kMale);
  c.c2 = Child(&p, "C2", b2, s2, Sex::kFemale);
  return c;
}

}  // namespace

// ===================================================================================
// (a) Trio with both parents typed, missing child.
// ===================================================================================

TEST_CASE("PedigreeLocusModel::Create: derived quantities and refusals", "[pedigree][peeling][model]") {
  // pA = 0.2, pB = 0.8; fathers' matrix M = [[0.9, 0.1], [0.3, 0.7]], mothers' the identity.
  //   p M = (0.2*0.9 + 0.8*0.3, 0.2*0.1 + 0.8*0.7) = (0.42, 0.58);
  //   Q[x][y] = Σ_a p_a M[a][x] M[a][y]: Q[A][A] = 0.2*0.81 + 0.8*0.09 = 0.234,
  //   Q[A][B] = Q[B][A] = 0.2*0.09 + 0.8*0.21 = 0.186, Q[B][B] = 0.2*0.01 + 0.8*0.49 = 0.394;
  //   with the identity: p M = p and Q = diag(p).
  MutationMatrix male(2, 2), female(2, 2);
  male(0, 0) = 0.9, male(0, 1) = 0.1, male(1, 0) = 0.3, male(1, 1) = 0.7;
  female(0, 0) = 1, female(0, 1) = 0, female(1, 0) = 0, female(1, 1) = 1;
  auto m = PedigreeLocusModel::Create({0.2, 0.8}, male, female, 0.01, UntypedFounders::kFamilias);
  REQUIRE(m.ok());
  CHECK(m->allele_ct() == 2);
  CHECK(m->mutation());
  CHECK(m->theta() == 0.01);
  CHECK(m->untyped_founders() == UntypedFounders::kFamilias);
  Close(m->freq_sum(), 1.0);
  Close(m->p_m(0)[A], 0.42);
  Close(m->p_m(0)[B], 0.58);
  Close(m->pair_moment(0)(A, A), 0.234);
  Close(m->pair_moment(0)(A, B), 0.186);
  Close(m->pair_moment(0)(B, A), 0.186);
  Close(m->pair_moment(0)(B, B), 0.394);
  CHECK(m->p_m(1) == std::vector<double>{0.2, 0.8});
  CHECK(m->pair_moment(1)(A, A) == 0.2);
  CHECK(m->pair_moment(1)(A, B) == 0);
  CHECK(m->pair_moment(1)(B, B) == 0.8);
  // Without mutation: the same as the identity.
  auto plain = PedigreeLocusModel::Create({0.2, 0.8}, {}, {}, 0);
  REQUIRE(plain.ok());
  CHECK(!plain->mutation());
  CHECK(plain->untyped_founders() == UntypedFounders::kExact);
  for (int side = 0; side < 2; ++side) {
    CHECK(plain->p_m(side) == std::vector<double>{0.2, 0.8});
    CHECK(plain->pair_moment(side)(A, A) == 0.2);
    CHECK(plain->pair_moment(side)(B, A) == 0);
  }
  // BuildPedigreeModels gives the same model as Create.
  MutationSpec equal = Equal(0.01, 0.002);
  const PedigreeLocusModel built = Model({0.2, 0.8}, equal, 0.01);
  auto made = PedigreeLocusModel::Create({0.2, 0.8}, built.male(), built.female(), 0.01);
  REQUIRE(made.ok());
  CHECK(made->p_m(0) == built.p_m(0));
  CHECK(made->p_m(1) == built.p_m(1));
  CHECK(made->pair_moment(1)(A, B) == built.pair_moment(1)(A, B));
  // Refusals.
  CHECK(PedigreeLocusModel::Create({0.2, 0.8}, {}, {}, 1).status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(PedigreeLocusModel::Create({0.2, 0.8}, {}, {}, -0.1).status().code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(PedigreeLocusModel::Create({0.2, 0.8}, male, {}, 0).status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(PedigreeLocusModel::Create({0.2, 0.3, 0.5}, male, female, 0).status().code() ==
        absl::StatusCode::kInvalidArgument);
}

TEST_CASE("PedigreeLocusModel::Create: p M and Q are the allele-order sums, bit for bit",
          "[pedigree][peeling][model]") {
  // The engine's numbers depend on the last bits of p M and Q: both must be the plain sums
  // over the alleles a in order (0 + t_0 + t_1 + ...), as the engine has always computed
  // them, whatever library computes them.
  std::mt19937_64 rng(8);
  std::uniform_real_distribution<double> u(0, 1);
  for (int n : {1, 2, 5, 13, 30, 64}) {
    std::vector<double> p(n);
    double sum = 0;
    for (double& x : p) sum += x = u(rng) < 0.1 ? 0 : u(rng);
    for (double& x : p) x /= sum;
    MutationMatrix m(n, n);
    for (int a = 0; a < n; ++a) {
      double row = 0;
      for (int x = 0; x < n; ++x) row += m(a, x) = u(rng) < 0.2 ? 0 : u(rng);
      for (int x = 0; x < n; ++x) m(a, x) /= row;
    }
    auto model = PedigreeLocusModel::Create(p, m, m, 0);
    REQUIRE(model.ok());
    for (int x = 0; x < n; ++x) {
      double pm = 0;
      for (int a = 0; a < n; ++a) pm += p[a] * m(a, x);
      INFO("n " << n << " x " << x);
      CHECK(model->p_m(0)[x] == pm);
      for (int y = 0; y < n; ++y) {
        double q = 0;
        for (int a = 0; a < n; ++a) q += p[a] * m(a, x) * m(a, y);
        CHECK(model->pair_moment(1)(x, y) == q);
      }
    }
  }
}

TEST_CASE("Peeling: trio with typed parents, missing child", "[pedigree][peeling]") {
  const std::vector<double> p = {0.1, 0.2, 0.3, 0.25, 0.15};  // A..E, sums to 1
  const PedigreeLocusModel model = Model(p);
  int f, m, x;
  Pedigree ped = Trio(&f, &m, &x);

  SECTION("parents AB x CD") {
    std::vector<GenotypeIdx> g = Untyped(ped);
    g[f] = G(A, B);
    g[m] = G(C, D);
    // The child gets A or B (1/2 each) from the father and C or D (1/2 each) from the
    // mother: P(child = AC | parents) = 1/4, so LR(AC) = (1/4) / (2 pA pC).
    Close(Lr(ped, g, x, G(A, C), model), 0.25 / (2 * p[A] * p[C]));
    Close(Lr(ped, g, x, G(B, D), model), 0.25 / (2 * p[B] * p[D]));
    // Excluded victims: AB (no allele of the mother), CC, AE (E in neither parent).
    REQUIRE(Lr(ped, g, x, G(A, B), model) == 0.0);
    REQUIRE(Lr(ped, g, x, G(C, C), model) == 0.0);
    REQUIRE(Lr(ped, g, x, G(A, E), model) == 0.0);

    // The whole family table: 1/4 / HW(g) for g in {AC, AD, BC, BD}, 0 otherwise.
    std::vector<double> table = Table(ped, g, x, model);
    for (int b = 0; b < 5; ++b)
      for (int a = 0; a <= b; ++a) {
        const bool ok = (a == A || a == B) && (b == C || b == D);
        INFO("genotype " << a << "/" << b);
        if (ok) Close(table[G(a, b)], 0.25 / Hw(p, a, b));
        else REQUIRE(table[G(a, b)] == 0.0);
      }

    // Joint: P(F = AB, M = CD, X = AC) = 2 pA pB * 2 pC pD * 1/4.
    std::vector<double> joint = Joint(ped, g, x, model);
    Close(joint[G(A, C)], 2 * p[A] * p[B] * 2 * p[C] * p[D] * 0.25);
    // The fully typed trio: same number.
    std::vector<GenotypeIdx> all = g;
    all[x] = G(A, C);
    Close(Lik(ped, all, model), 2 * p[A] * p[B] * 2 * p[C] * p[D] * 0.25);
    // References alone: two independent founders.
    Close(Lik(ped, g, model), 2 * p[A] * p[B] * 2 * p[C] * p[D]);
  }

  SECTION("parents AA x AB") {
    std::vector<GenotypeIdx> g = Untyped(ped);
    g[f] = G(A, A);
    g[m] = G(A, B);
    // Father transmits A; mother A or B (1/2 each): P(AA) = P(AB) = 1/2.
    // LR(AA) = (1/2) / pA^2, LR(AB) = (1/2) / (2 pA pB); everything else 0.
    std::vector<double> table = Table(ped, g, x, model);
    Close(table[G(A, A)], 0.5 / (p[A] * p[A]));
    Close(table[G(A, B)], 0.5 / (2 * p[A] * p[B]));
    REQUIRE(table[G(B, B)] == 0.0);
    REQUIRE(table[G(A, C)] == 0.0);
    REQUIRE(table[G(D, E)] == 0.0);
  }

  SECTION("every parental pair on three alleles against Mendel") {
    // P(child | parents) by ChildGivenParents (Mendel), LR = that / HW.
    const std::vector<double> q = {0.5, 0.3, 0.2};
    const PedigreeLocusModel m3 = Model(q);
    for (int f2 = 0; f2 < 3; ++f2)
      for (int f1 = 0; f1 <= f2; ++f1)
        for (int m2 = 0; m2 < 3; ++m2)
          for (int m1 = 0; m1 <= m2; ++m1) {
            std::vector<GenotypeIdx> g = Untyped(ped);
            g[f] = G(f1, f2);
            g[m] = G(m1, m2);
            std::vector<double> table = Table(ped, g, x, m3);
            for (int c2 = 0; c2 < 3; ++c2)
              for (int c1 = 0; c1 <= c2; ++c1) {
                INFO("father " << f1 << f2 << " mother " << m1 << m2 << " child " << c1 << c2);
                const double want = ChildGivenParents(f1, f2, m1, m2, c1, c2) / Hw(q, c1, c2);
                if (want == 0) REQUIRE(table[G(c1, c2)] == 0.0);
                else Close(table[G(c1, c2)], want);
              }
          }
  }
}

// ===================================================================================
// (b) One full sibling typed: the full-sibling index.
// ===================================================================================

TEST_CASE("Peeling: one typed full sibling gives the full-sibling index", "[pedigree][peeling]") {
  // Full siblings: k0 = 1/4, k1 = 1/2, k2 = 1/4. With untyped parents,
  // LR(g) = P(X = g | S) / HW(g) = 1/4 + 1/2 P(g | S, IBD1)/HW(g) + 1/4 [g == S]/HW(g).
  const std::vector<double> p = {0.1, 0.2, 0.3, 0.4};
  const PedigreeLocusModel model = Model(p);
  int s, x;
  Pedigree ped = FullSibs(&s, &x);
  const double pa = p[A], pb = p[B];

  SECTION("sibling AA") {
    std::vector<GenotypeIdx> g = Untyped(ped);
    g[s] = G(A, A);
    std::vector<double> t = Table(ped, g, x, model);
    // AA: IBD1 ratio pA/pA^2 = 1/pA, IBD2 ratio 1/pA^2: (1 + pA)^2 / (4 pA^2).
    Close(t[G(A, A)], (1 + pa) * (1 + pa) / (4 * pa * pa));
    // AB: IBD1 P = pB, ratio pB/(2 pA pB) = 1/(2 pA): 1/4 + 1/(4 pA).
    Close(t[G(A, B)], 0.25 + 1 / (4 * pa));
    // BB, BC: nothing shared: k0 = 1/4.
    Close(t[G(B, B)], 0.25);
    Close(t[G(B, C)], 0.25);
    Close(Lr(ped, g, x, G(A, B), model), 0.25 + 1 / (4 * pa));
  }
  SECTION("sibling AB") {
    std::vector<GenotypeIdx> g = Untyped(ped);
    g[s] = G(A, B);
    std::vector<double> t = Table(ped, g, x, model);
    // AB: IBD1 P = (pA + pB)/2, IBD2 ratio 1/(2 pA pB):
    //   1/4 + (pA + pB)/(8 pA pB) + 1/(8 pA pB).
    Close(t[G(A, B)], 0.25 + (pa + pb) / (8 * pa * pb) + 1 / (8 * pa * pb));
    // AA: IBD1 P = pA/2: 1/4 + 1/(4 pA).  BB likewise with pB.
    Close(t[G(A, A)], 0.25 + 1 / (4 * pa));
    Close(t[G(B, B)], 0.25 + 1 / (4 * pb));
    // AC: IBD1 P = pC/2, ratio 1/(4 pA): 1/4 + 1/(8 pA).
    Close(t[G(A, C)], 0.25 + 1 / (8 * pa));
    Close(t[G(B, D)], 0.25 + 1 / (8 * pb));
    // CD, CC: 1/4.
    Close(t[G(C, D)], 0.25);
    Close(t[G(C, C)], 0.25);
  }
  SECTION("every sibling genotype against the k0, k1, k2 formula") {
    for (int s2 = 0; s2 < 4; ++s2)
      for (int s1 = 0; s1 <= s2; ++s1) {
        std::vector<GenotypeIdx> g = Untyped(ped);
        g[s] = G(s1, s2);
        std::vector<double> t = Table(ped, g, x, model);
        for (int v2 = 0; v2 < 4; ++v2)
          for (int v1 = 0; v1 <= v2; ++v1) {
            INFO("sib " << s1 << s2 << " victim " << v1 << v2);
            Close(t[G(v1, v2)], IbdLr(p, 0.25, 0.5, 0.25, s1, s2, v1, v2));
          }
      }
  }
}

// ===================================================================================
// (c) Mother and child typed, the missing person is the child's father.
// ===================================================================================

TEST_CASE("Peeling: missing father with typed mother and child is the paternity index",
          "[pedigree][peeling]") {
  // LR(g) = P(M, C, F = g) / (P(M, C) HW(g)) = P(C | M, F = g) / P(C | M, F random),
  // with P(C | M, F random) = sum over phases of P(mother transmits c_m) p_{c_f}.
  const std::vector<double> p = {0.1, 0.2, 0.3, 0.4};
  const PedigreeLocusModel model = Model(p);
  int f, m, c;
  Pedigree ped = Trio(&f, &m, &c);
  const double pa = p[A], pb = p[B], pc = p[C];

  std::vector<GenotypeIdx> g = Untyped(ped);
  g[m] = G(A, B);
  g[c] = G(A, C);
  // Mother AB, child AC: the mother gave A (1/2), the father C.
  //   P(C | M, F random) = 1/2 pC.
  //   Father CD: transmits C with 1/2: P = 1/4, LR = (1/4)/(pC/2) = 1/(2 pC).
  //   Father CC: P = 1/2, LR = 1/pC.  Father AC: P = 1/4, LR = 1/(2 pC).
  //   Father AB or AA or DD: 0.
  Close(Lr(ped, g, f, G(C, D), model), 1 / (2 * pc));
  Close(Lr(ped, g, f, G(C, C), model), 1 / pc);
  Close(Lr(ped, g, f, G(A, C), model), 1 / (2 * pc));
  REQUIRE(Lr(ped, g, f, G(A, B), model) == 0.0);
  REQUIRE(Lr(ped, g, f, G(D, D), model) == 0.0);

  // Mother AB, child AB: P(C | M, random) = 1/2 pB + 1/2 pA.
  //   Father AB: 1/4 + 1/4 = 1/2, LR = 1/(pA + pB).  Father AA: 1/2, same LR.
  //   Father AC: 1/4 (mother B, father A), LR = (1/4)/((pA+pB)/2) = 1/(2 (pA + pB)).
  g[c] = G(A, B);
  std::vector<double> t = Table(ped, g, f, model);
  Close(t[G(A, B)], 1 / (pa + pb));
  Close(t[G(A, A)], 1 / (pa + pb));
  Close(t[G(A, C)], 1 / (2 * (pa + pb)));
  REQUIRE(t[G(C, D)] == 0.0);

  // Every mother/child pair (both orders of who is typed do not matter): Mendel.
  for (int m2 = 0; m2 < 4; ++m2)
    for (int m1 = 0; m1 <= m2; ++m1)
      for (int c2 = 0; c2 < 4; ++c2)
        for (int c1 = 0; c1 <= c2; ++c1) {
          const double denom = ChildGivenOneParent(p, m1, m2, c1, c2);
          if (denom == 0) continue;  // references inconsistent (tested elsewhere)
          std::vector<GenotypeIdx> gg = Untyped(ped);
          gg[m] = G(m1, m2);
          gg[c] = G(c1, c2);
          std::vector<double> tab = Table(ped, gg, f, model);
          for (int f2 = 0; f2 < 4; ++f2)
            for (int f1 = 0; f1 <= f2; ++f1) {
              INFO("mother " << m1 << m2 << " child " << c1 << c2 << " father " << f1 << f2);
              const double want = ChildGivenParents(f1, f2, m1, m2, c1, c2) / denom;
              if (want == 0) REQUIRE(tab[G(f1, f2)] == 0.0);
              else Close(tab[G(f1, f2)], want);
            }
        }
}

// ===================================================================================
// (d) Pedigrees with loops, on a two-allele locus.
// ===================================================================================

TEST_CASE("Peeling: inbred child of half siblings, first cousins, double first cousins",
          "[pedigree][peeling][loop]") {
  // Two alleles 1 (A, frequency p) and 2 (B, frequency q = 1 - p). A child with
  // inbreeding coefficient F (= kinship of its parents):
  //   P(AA) = p^2 + F p q,  P(AB) = 2 p q (1 - F),  P(BB) = q^2 + F p q.
  // Parents half siblings: F = 1/8; first cousins: F = 1/16; double first cousins:
  // F = 1/8 (their IBD coefficients are 9/16, 6/16, 1/16: F = k1/4 + k2/2).
  const double p = 0.3, q = 0.7;
  const PedigreeLocusModel model = Model({p, q});

  auto check = [&](const Pedigree& ped, int x, double F) {
    std::vector<GenotypeIdx> g = Untyped(ped);
    g[x] = G(A, A);
    Close(Lik(ped, g, model), p * p + F * p * q);
    g[x] = G(A, B);
    Close(Lik(ped, g, model), 2 * p * q * (1 - F));
    g[x] = G(B, B);
    Close(Lik(ped, g, model), q * q + F * p * q);
    // The same numbers as the joint with X as the target of an otherwise untyped pedigree.
    std::vector<double> j = Joint(ped, Untyped(ped), x, model);
    Close(j[G(A, A)], p * p + F * p * q);
    Close(j[G(A, B)], 2 * p * q * (1 - F));
    Close(j[G(B, B)], q * q + F * p * q);
  };

  SECTION("parents half siblings") {
    Pedigree ped("hs");
    int gf = Founder(&ped, "G", Sex::kMale);
    int w1 = Founder(&ped, "W1", Sex::kFemale);
    int w2 = Founder(&ped, "W2", Sex::kFemale);
    int fa = Child(&ped, "F", gf, w1, Sex::kMale);
    int mo = Child(&ped, "M", gf, w2, Sex::kFemale);
    int x = Child(&ped, "X", fa, mo, Sex::kMale);
    check(ped, x, 1.0 / 8);

    // With the common grandfather G typed. X's paternal allele is F's paternal
    // allele (from G, each of G's alleles 1/2) with 1/2, or F's maternal allele (W1,
    // A with p) with 1/2; likewise the maternal allele through M and W2. The two
    // transmissions from G are independent meioses, so given G the two alleles of X
    // are independent:
    //   G = AA: P(X allele = A) = a = 1/2 + p/2 = (1 + p)/2;
    //   G = AB: a = 1/2 * 1/2 + p/2 = (1 + 2p)/4.
    // P(G = AA, X = AA) = p^2 a^2, P(G = AA, X = AB) = p^2 2 a (1 - a), etc.
    std::vector<GenotypeIdx> g = Untyped(ped);
    g[gf] = G(A, A);
    g[x] = G(A, A);
    double a = (1 + p) / 2;
    Close(Lik(ped, g, model), p * p * a * a);
    g[x] = G(A, B);
    Close(Lik(ped, g, model), p * p * 2 * a * (1 - a));
    g[gf] = G(A, B);
    g[x] = G(A, A);
    a = (1 + 2 * p) / 4;
    Close(Lik(ped, g, model), 2 * p * q * a * a);
    g[x] = G(B, B);
    Close(Lik(ped, g, model), 2 * p * q * (1 - a) * (1 - a));

    // As a missing-person LR: X missing, G typed AA: LR(AA) = a^2 / p^2, a = (1 + p)/2.
    std::vector<GenotypeIdx> refs = Untyped(ped);
    refs[gf] = G(A, A);
    a = (1 + p) / 2;
    std::vector<double> t = Table(ped, refs, x, model);
    Close(t[G(A, A)], a * a / (p * p));
    Close(t[G(A, B)], 2 * a * (1 - a) / (2 * p * q));
    Close(t[G(B, B)], (1 - a) * (1 - a) / (q * q));
  }

  SECTION("parents first cousins") {
    Cousins c = FirstCousins();
    int x = Child(&c.ped, "X", c.c1, c.c2, Sex::kMale);
    check(c.ped, x, 1.0 / 16);

    // With the common grandfather GF typed AA. X's paternal allele comes from GF with
    // 1/4 (X <- C1 <- S1 <- GF: 1/2 * 1/2; C1's paternal allele is S1's), from GM with
    // 1/4, from W1 with 1/2; the maternal allele from GF 1/4, GM 1/4, H2 1/2. GF's
    // alleles are both A. Marginally P(allele = A) = 1/4 + 3p/4 = (1 + 3p)/4 each;
    // the two alleles are dependent only when both come from GM (probability 1/16),
    // and then they are the same GM allele with 1/2: P(AA) = p/2 + p^2/2 instead of
    // p^2, a correction of (1/16)(1/2)(p - p^2) = p q / 32. So
    //   P(GF = AA, X = AA) = p^2 [((1 + 3p)/4)^2 + p q / 32].
    std::vector<GenotypeIdx> g = Untyped(c.ped);
    g[c.gf] = G(A, A);
    g[x] = G(A, A);
    const double a = (1 + 3 * p) / 4;
    Close(Lik(c.ped, g, model), p * p * (a * a + p * q / 32));
    // X missing: LR(AA) = [a^2 + pq/32] / p^2; LR(BB) likewise with (1 - a) and the
    // same correction (q/2 + q^2/2 - q^2 = pq/2 per GM-GM case).
    std::vector<GenotypeIdx> refs = Untyped(c.ped);
    refs[c.gf] = G(A, A);
    std::vector<double> t = Table(c.ped, refs, x, model);
    Close(t[G(A, A)], (a * a + p * q / 32) / (p * p));
    Close(t[G(B, B)], ((1 - a) * (1 - a) + p * q / 32) / (q * q));
    // AB takes the rest: 1 - both homozygote probabilities.
    Close(t[G(A, B)], (1 - (a * a + p * q / 32) - ((1 - a) * (1 - a) + p * q / 32)) / (2 * p * q));
  }

  SECTION("parents double first cousins (two brothers married two sisters)") {
    Cousins c = DoubleFirstCousins();
    int x = Child(&c.ped, "X", c.c1, c.c2, Sex::kMale);
    check(c.ped, x, 1.0 / 8);
  }
}

TEST_CASE("Peeling: relatives through loops and without, pairwise IBD formulas",
          "[pedigree][peeling][loop]") {
  // One typed relative S, missing person X, everyone else untyped: the family table is
  // the pairwise LR of Thompson's formula with the relationship's (k0, k1, k2):
  //   double first cousins (9/16, 6/16, 1/16) - a pedigree with two loops;
  //   first cousins (3/4, 1/4, 0); half siblings (1/2, 1/2, 0); full siblings.
  const std::vector<double> p = {0.15, 0.25, 0.6};
  const PedigreeLocusModel model = Model(p);
  struct Case {
    const char* name;
    Pedigree ped;
    int s, x;
    double k0, k1, k2;
  };
  std::vector<Case> cases;
  {
    Cousins c = DoubleFirstCousins();
    cases.push_back({"double first cousins", c.ped, c.c1, c.c2, 9.0 / 16, 6.0 / 16, 1.0 / 16});
  }
  {
    Cousins c = FirstCousins();
    cases.push_back({"first cousins", c.ped, c.c2, c.c1, 0.75, 0.25, 0});
  }
  {
    int h1, h2;
    Pedigree ped = HalfSibs(&h1, &h2);
    cases.push_back({"half siblings", ped, h1, h2, 0.5, 0.5, 0});
  }
  {
    int s, x;
    Pedigree ped = FullSibs(&s, &x);
    cases.push_back({"full siblings", ped, s, x, 0.25, 0.5, 0.25});
  }
  for (const Case& cs : cases)
    for (int s2 = 0; s2 < 3; ++s2)
      for (int s1 = 0; s1 <= s2; ++s1) {
        std::vector<GenotypeIdx> g = Untyped(cs.ped);
        g[cs.s] = G(s1, s2);
        std::vector<double> t = Table(cs.ped, g, cs.x, model);
        for (int v2 = 0; v2 < 3; ++v2)
          for (int v1 = 0; v1 <= v2; ++v1) {
            INFO(cs.name << ": reference " << s1 << s2 << " victim " << v1 << v2);
            Close(t[G(v1, v2)], IbdLr(p, cs.k0, cs.k1, cs.k2, s1, s2, v1, v2));
          }
      }
}

// ===================================================================================
// (e) Mutation.
// ===================================================================================

TEST_CASE("Peeling: trio with an inconsistent child under the equal mutation model",
          "[pedigree][peeling][mutation]") {
  // Equal model on n = 3 alleles: M[i][i] = 1 - r, M[i][j] = r/2. Fathers' rate rm,
  // mothers' rf (different, so a mix-up of the sexes shows).
  // P(child = {c1, c2} | F, M) = sum over phases of TF(c_pat) TM(c_mat), with
  // TF(z) = (Mm[f1][z] + Mm[f2][z]) / 2.
  const std::vector<double> p = {0.2, 0.3, 0.5};
  const double rm = 0.02, rf = 0.005;
  const PedigreeLocusModel model = Model(p, Equal(rm, rf));
  auto mm = [&](int i, int j) { return i == j ? 1 - rm : rm / 2; };
  auto mf = [&](int i, int j) { return i == j ? 1 - rf : rf / 2; };
  int f, m, x;
  Pedigree ped = Trio(&f, &m, &x);

  std::vector<GenotypeIdx> g = Untyped(ped);
  g[f] = G(A, A);
  g[m] = G(B, B);

  // Child AC: (father A unmutated, mother B -> C) + (father A -> C, mother B -> A):
  //   (1 - rm)(rf/2) + (rm/2)(rf/2).
  const double p_ac = (1 - rm) * (rf / 2) + (rm / 2) * (rf / 2);
  std::vector<GenotypeIdx> all = g;
  all[x] = G(A, C);
  Close(Lik(ped, all, model), p[A] * p[A] * p[B] * p[B] * p_ac);
  Close(Lr(ped, g, x, G(A, C), model), p_ac / (2 * p[A] * p[C]));
  // Child BB: father A -> B (rm/2), mother B kept (1 - rf).
  const double p_bb = (rm / 2) * (1 - rf);
  all[x] = G(B, B);
  Close(Lik(ped, all, model), p[A] * p[A] * p[B] * p[B] * p_bb);
  // Child CC: both mutate to C: (rm/2)(rf/2).
  const double p_cc = (rm / 2) * (rf / 2);
  // Child AB (consistent): (1 - rm)(1 - rf) + (rm/2)(rf/2) (father -> B, mother -> A).
  const double p_ab = (1 - rm) * (1 - rf) + (rm / 2) * (rf / 2);

  std::vector<double> t = Table(ped, g, x, model);
  Close(t[G(A, C)], p_ac / (2 * p[A] * p[C]));
  Close(t[G(B, B)], p_bb / (p[B] * p[B]));
  Close(t[G(C, C)], p_cc / (p[C] * p[C]));
  Close(t[G(A, B)], p_ab / (2 * p[A] * p[B]));
  // Every genotype, with the transmission formula written out.
  for (int c2 = 0; c2 < 3; ++c2)
    for (int c1 = 0; c1 <= c2; ++c1) {
      double want = mm(A, c1) * mf(B, c2);
      if (c1 != c2) want += mm(A, c2) * mf(B, c1);
      INFO("child " << c1 << c2);
      Close(t[G(c1, c2)], want / Hw(p, c1, c2));
      Close(Lr(ped, g, x, G(c1, c2), model), want / Hw(p, c1, c2));
    }

  // Heterozygous father AB, mother BB, child CC: the father transmits C with
  // (Mm[A][C] + Mm[B][C])/2 = rm/2, the mother with rf/2.
  g[f] = G(A, B);
  all = g;
  all[x] = G(C, C);
  Close(Lik(ped, all, model), 2 * p[A] * p[B] * p[B] * p[B] * (rm / 2) * (rf / 2));
}

TEST_CASE("Peeling: an untyped founder parent transmits p M, not p (non-stationary model)",
          "[pedigree][peeling][mutation]") {
  // Equal model with non-uniform frequencies is not stationary: the allele an untyped
  // founder parent passes on is distributed as (p M)_z = sum_y p_y M[y][z]
  //   = p_z (1 - r) + (1 - p_z) r/2   (n = 3),
  // which differs from p_z. Child X of a typed parent T and an untyped parent U:
  //   P(T = t, X = {c1, c2}) = HW(t) * sum over phases of TT(c_from_T) U(c_from_U).
  const std::vector<double> p = {0.2, 0.3, 0.5};
  const double rm = 0.04, rf = 0.01;
  const PedigreeLocusModel model = Model(p, Equal(rm, rf));
  auto mat = [](double r, int i, int j) { return i == j ? 1 - r : r / 2; };
  auto pm = [&](double r, int z) {
    double s = 0;
    for (int y = 0; y < 3; ++y) s += p[y] * mat(r, y, z);
    return s;
  };
  // Sanity of the premise (test arithmetic only): p M != p.
  REQUIRE(std::abs(pm(rf, A) - p[A]) > 1e-4);

  int f, m, x;
  Pedigree ped = Trio(&f, &m, &x);
  SECTION("typed father AB, untyped mother") {
    std::vector<GenotypeIdx> g = Untyped(ped);
    g[f] = G(A, B);
    std::vector<double> j = Joint(ped, g, x, model);
    std::vector<double> t = Table(ped, g, x, model);
    auto tf = [&](int z) { return 0.5 * (mat(rm, A, z) + mat(rm, B, z)); };
    for (int c2 = 0; c2 < 3; ++c2)
      for (int c1 = 0; c1 <= c2; ++c1) {
        double child = tf(c1) * pm(rf, c2);  // paternal c1 from the father, maternal c2
        if (c1 != c2) child += tf(c2) * pm(rf, c1);
        INFO("child " << c1 << c2);
        Close(j[G(c1, c2)], 2 * p[A] * p[B] * child);
        Close(t[G(c1, c2)], child / Hw(p, c1, c2));
      }
  }
  SECTION("typed mother CC, untyped father") {
    std::vector<GenotypeIdx> g = Untyped(ped);
    g[m] = G(C, C);
    std::vector<double> j = Joint(ped, g, x, model);
    for (int c2 = 0; c2 < 3; ++c2)
      for (int c1 = 0; c1 <= c2; ++c1) {
        // Paternal allele from the untyped father through the male matrix.
        double child = pm(rm, c1) * mat(rf, C, c2);
        if (c1 != c2) child += pm(rm, c2) * mat(rf, C, c1);
        INFO("child " << c1 << c2);
        Close(j[G(c1, c2)], p[C] * p[C] * child);
      }
  }
}

// ===================================================================================
// (f) theta > 0: parent-child through the engine equals the closed-form theta PI.
// ===================================================================================

TEST_CASE("Peeling: parent-child with theta is the Balding-Nichols paternity index",
          "[pedigree][peeling][theta]") {
  // Balding-Nichols: after n draws of which c are x, the next is x with probability
  //   (c θ + (1-θ) p_x) / (1 + (n-1) θ).
  // Pedigree: F (the missing person), M untyped, C = child(F, M) typed. H1 draws F's two
  // alleles, then M's transmitted allele (M's other allele sums out); H2 draws the child
  // and the unrelated victim (4 alleles) from one subpopulation.
  //  * C = AB, V = AC: H1 = 2 pA (1-θ)pC * 1/2 (1-θ)pB/(1+θ);
  //    H2 = 4 pA (1-θ)pB (θ+(1-θ)pA)/(1+θ) (1-θ)pC/(1+2θ)  (draw order A, B, A, C)
  //    LR = (1+2θ) / (4 (θ + (1-θ)pA)).
  //  * C = AA, V = AA: H1 = pA (θ+(1-θ)pA) (2θ+(1-θ)pA)/(1+θ); H2 adds
  //    (3θ+(1-θ)pA)/(1+2θ): LR = (1+2θ)/(3θ+(1-θ)pA).
  //  * C = AB, V = AB: H1 = 2 pA(1-θ)pB [2θ+(1-θ)(pA+pB)] / (2(1+θ));
  //    H2 = 4 pA(1-θ)pB (θ+(1-θ)pA)(θ+(1-θ)pB)/((1+θ)(1+2θ)):
  //    LR = (1+2θ)[2θ+(1-θ)(pA+pB)] / (4 (θ+(1-θ)pA)(θ+(1-θ)pB)).
  //  * C = AA, V = AB: H1 = 2 pA(1-θ)pB (θ+(1-θ)pA)/(2(1+θ));
  //    H2 = 2 pA (θ+(1-θ)pA) (2θ+(1-θ)pA)/(1+θ) (1-θ)pB/(1+2θ):
  //    LR = (1+2θ) / (2 (2θ+(1-θ)pA)).
  //  * C = AB, V = CC: excluded, 0.
  // The LR is symmetric in who is the missing person (H1 and H2 are the same joint
  // probabilities), so the child as the missing person with F typed gives the same.
  // The same numbers come from the no-mutation path (sum over inheritance vectors) and
  // from a mutation model of rate 0 (set-partition expansion).
  const std::vector<double> p = {0.2, 0.3, 0.5};
  const double th = 0.03;
  const double pa = p[A], pb = p[B];
  struct Cfg {
    GenotypeIdx child, victim;
    double lr;
  };
  const std::vector<Cfg> cfgs = {
      {G(A, B), G(A, C), (1 + 2 * th) / (4 * (th + (1 - th) * pa))},
      {G(A, A), G(A, A), (1 + 2 * th) / (3 * th + (1 - th) * pa)},
      {G(A, B), G(A, B),
       (1 + 2 * th) * (2 * th + (1 - th) * (pa + pb)) /
           (4 * (th + (1 - th) * pa) * (th + (1 - th) * pb))},
      {G(A, A), G(A, B), (1 + 2 * th) / (2 * (2 * th + (1 - th) * pa))},
      {G(A, B), G(C, C), 0.0},
  };
  const PedigreeLocusModel plain = Model(p, {}, th);
  const PedigreeLocusModel rate0 = Model(p, Equal(0, 0), th);
  REQUIRE_FALSE(plain.mutation());
  REQUIRE(rate0.mutation());
  int f, m, c;
  Pedigree ped = Trio(&f, &m, &c);
  for (const PedigreeLocusModel* model : {&plain, &rate0})
    for (const Cfg& cfg : cfgs) {
      INFO("mutation matrices " << model->mutation() << " child " << cfg.child << " victim "
                                << cfg.victim);
      std::vector<GenotypeIdx> g = Untyped(ped);
      g[c] = cfg.child;
      const double lr = Lr(ped, g, f, cfg.victim, *model);
      const double tab = Table(ped, g, f, *model)[cfg.victim];
      std::vector<GenotypeIdx> g2 = Untyped(ped);
      g2[f] = cfg.child;  // the same genotypes with the roles swapped
      const double swapped = Lr(ped, g2, c, cfg.victim, *model);
      if (cfg.lr == 0) {
        REQUIRE(lr == 0.0);
        REQUIRE(tab == 0.0);
        REQUIRE(swapped == 0.0);
      } else {
        Close(lr, cfg.lr);
        Close(tab, cfg.lr);
        Close(swapped, cfg.lr);
      }
    }
  // theta = 0 limits of the same formulas: 1/(4pA), 1/pA, (pA+pB)/(4pApB), 1/(2pA).
  const PedigreeLocusModel hw = Model(p);
  std::vector<GenotypeIdx> g = Untyped(ped);
  g[c] = G(A, B);
  Close(Lr(ped, g, f, G(A, C), hw), 1 / (4 * pa));
  Close(Lr(ped, g, f, G(A, B), hw), (pa + pb) / (4 * pa * pb));
}

TEST_CASE("Peeling: parent-child with theta and the equal mutation model",
          "[pedigree][peeling][theta][mutation]") {
  // Trio F, M, C; C = AB typed, M untyped, the victim V = AC. Equal model on 3 alleles
  // (M[i][i] = 1 - r, M[i][j] = r/2), fathers' rate rm, mothers' rf. Balding-Nichols
  // draws; an untyped founder's transmitted allele is a draw (its other allele sums out
  // by exchangeability) and then passes through the parent's mutation matrix.
  // H1 (V is F): P(F = AC) = 2 pA (1-θ)pC; M's transmitted allele y is the 3rd draw,
  //   d(y) = (c_y θ + (1-θ) p_y)/(1+θ) with c counting A and C; the child's maternal
  //   allele is z with u(z) = sum_y d(y) Mf[y][z]; the father transmits z with
  //   tf(z) = (Mm[A][z] + Mm[C][z])/2:
  //   H1 = P(F = AC) [tf(A) u(B) + tf(B) u(A)].
  // H2 (V an unrelated founder, F untyped): V's alleles drawn first (2 pA (1-θ)pC), then
  //   F's transmitted y1 (3rd draw) and M's y2 (4th draw, (c θ + (1-θ)p)/(1+2θ) with c
  //   counting A, C, y1):
  //   H2 = P(V = AC) sum_{y1,y2} P(y1) P(y2 | y1) [Mm[y1][A] Mf[y2][B] + Mm[y1][B] Mf[y2][A]].
  const std::vector<double> p = {0.2, 0.3, 0.5};
  const double th = 0.02, rm = 0.01, rf = 0.003;
  const PedigreeLocusModel model = Model(p, Equal(rm, rf), th);
  auto mat = [](double r, int i, int j) { return i == j ? 1 - r : r / 2; };
  const int cnt[3] = {1, 0, 1};  // A and C drawn
  auto d = [&](int y) { return (cnt[y] * th + (1 - th) * p[y]) / (1 + th); };
  auto u = [&](int z) {
    double s = 0;
    for (int y = 0; y < 3; ++y) s += d(y) * mat(rf, y, z);
    return s;
  };
  auto tf = [&](int z) { return 0.5 * (mat(rm, A, z) + mat(rm, C, z)); };
  const double pv = 2 * p[A] * (1 - th) * p[C];
  const double h1 = pv * (tf(A) * u(B) + tf(B) * u(A));
  double h2 = 0;
  for (int y1 = 0; y1 < 3; ++y1)
    for (int y2 = 0; y2 < 3; ++y2) {
      const double d2 = ((cnt[y2] + (y1 == y2)) * th + (1 - th) * p[y2]) / (1 + 2 * th);
      h2 += d(y1) * d2 * (mat(rm, y1, A) * mat(rf, y2, B) + mat(rm, y1, B) * mat(rf, y2, A));
    }
  h2 *= pv;
  int f, m, c;
  Pedigree ped = Trio(&f, &m, &c);
  std::vector<GenotypeIdx> g = Untyped(ped);
  g[c] = G(A, B);
  std::vector<GenotypeIdx> all = g;
  all[f] = G(A, C);
  Close(Lik(ped, all, model), h1);
  Close(Lr(ped, g, f, G(A, C), model), h1 / h2);
  Close(Table(ped, g, f, model)[G(A, C)], h1 / h2);
}

TEST_CASE("Peeling: half siblings with theta, both theta paths", "[pedigree][peeling][theta]") {
  // Half siblings: LR = 1/2 + 1/2 R1, R1 = P(V | S, IBD1)/P(V | S, IBD0) with every
  // founder allele from one subpopulation (the non-shared allele is a new draw after
  // the reference's two):
  //  * S = AA, V = AA: P(IBD1) = (2θ+(1-θ)pA)/(1+θ), P(IBD0) adds (3θ+(1-θ)pA)/(1+2θ):
  //    R1 = (1+2θ)/(3θ+(1-θ)pA).
  //  * S = AB, V = AC: P(IBD1) = 1/2 (1-θ)pC/(1+θ);
  //    P(IBD0) = 2 (θ+(1-θ)pA)/(1+θ) (1-θ)pC/(1+2θ): R1 = (1+2θ)/(4(θ+(1-θ)pA)).
  //  * S = AB, V = CC: R1 = 0, LR = 1/2.
  const std::vector<double> p = {0.2, 0.3, 0.5};
  const double th = 0.03, pa = p[A];
  int h1, h2;
  Pedigree ped = HalfSibs(&h1, &h2);
  for (const PedigreeLocusModel& model : {Model(p, {}, th), Model(p, Equal(0, 0), th)}) {
    INFO("mutation matrices " << model.mutation());
    std::vector<GenotypeIdx> g = Untyped(ped);
    g[h1] = G(A, A);
    Close(Lr(ped, g, h2, G(A, A), model), 0.5 + 0.5 * (1 + 2 * th) / (3 * th + (1 - th) * pa));
    g[h1] = G(A, B);
    Close(Lr(ped, g, h2, G(A, C), model), 0.5 + 0.5 * (1 + 2 * th) / (4 * (th + (1 - th) * pa)));
    Close(Lr(ped, g, h2, G(C, C), model), 0.5);
  }
}

// ===================================================================================
// (g) Properties.
// ===================================================================================

TEST_CASE("Peeling: the joint with the target sums to the likelihood without it",
          "[pedigree][peeling][property]") {
  // sum_g P(refs, X = g) = P(refs) when the frequencies (and mutation rows) sum to 1.
  const std::vector<double> p = {0.1, 0.2, 0.3, 0.4};
  for (const PedigreeLocusModel& model : {Model(p), Model(p, Equal(0.01, 0.002))}) {
    INFO("mutation " << model.mutation());
    {
      int s, x;
      Pedigree ped = FullSibs(&s, &x);
      std::vector<GenotypeIdx> g = Untyped(ped);
      g[s] = G(A, C);
      std::vector<double> j = Joint(ped, g, x, model);
      double sum = 0;
      for (double v : j) sum += v;
      Close(sum, Lik(ped, g, model));
    }
    {
      Cousins c = FirstCousins();
      int x = Child(&c.ped, "X", c.c1, c.c2, Sex::kMale);
      int y = Child(&c.ped, "Y", c.c1, c.c2, Sex::kFemale);
      std::vector<GenotypeIdx> g = Untyped(c.ped);
      g[c.gf] = G(A, B);
      g[y] = G(B, D);
      g[c.w1] = G(C, C);
      for (int target : {x, c.gm, c.s2, c.c1}) {
        INFO("target " << target);
        std::vector<double> j = Joint(c.ped, g, target, model);
        double sum = 0;
        for (double v : j) sum += v;
        Close(sum, Lik(c.ped, g, model));
      }
    }
  }
}

TEST_CASE("Peeling: the family table equals the direct LR for every genotype",
          "[pedigree][peeling][property]") {
  const std::vector<double> p4 = {0.1, 0.2, 0.3, 0.4};
  const std::vector<double> p3 = {0.25, 0.35, 0.4};
  std::vector<PedigreeLocusModel> models = {Model(p4), Model(p4, Equal(0.005, 0.002)),
                                            Model(p3, {}, 0.02), Model(p3, Equal(0.005, 0.002), 0.02)};
  for (const PedigreeLocusModel& model : models) {
    INFO("alleles " << model.allele_ct() << " theta " << model.theta() << " mutation "
                    << model.mutation());
    Cousins c = FirstCousins();
    int x = Child(&c.ped, "X", c.c1, c.c2, Sex::kMale);
    int y = Child(&c.ped, "Y", c.c1, c.c2, Sex::kFemale);
    std::vector<GenotypeIdx> g = Untyped(c.ped);
    g[y] = G(A, B);
    g[c.s2] = G(B, C);
    std::vector<int> targets = {x, c.c1};
    if (model.theta() > 0 && model.mutation()) {
      // The set-partition expansion costs Bell(untyped founder alleles) eliminations per
      // likelihood: type the grandparents to keep it fast (Bell(4) = 15).
      g[c.gf] = G(A, C);
      g[c.gm] = G(B, B);
    }
    for (int target : targets) {
      std::vector<double> t = Table(c.ped, g, target, model);
      for (int v = 0; v < GenotypeCount(model.allele_ct()); ++v) {
        INFO("target " << target << " genotype " << v);
        const double direct = Lr(c.ped, g, target, static_cast<GenotypeIdx>(v), model);
        if (direct == 0) REQUIRE(t[v] == 0.0);
        else Close(t[v], direct);
      }
    }
  }
}

TEST_CASE("Peeling: untyped leaves and unrelated untyped families change nothing",
          "[pedigree][peeling][property]") {
  // Untyped members without typed descendants sum to 1 and are pruned: the result is
  // the same computation, so it must be identical.
  const std::vector<double> p = {0.1, 0.2, 0.3, 0.4};
  std::vector<PedigreeLocusModel> models = {Model(p), Model(p, Equal(0.01, 0.004)),
                                            Model(p, {}, 0.02), Model(p, Equal(0.01, 0.004), 0.02)};
  int s, x;
  Pedigree base = FullSibs(&s, &x);
  // Extended: untyped leaves below both siblings and an unrelated untyped family.
  Pedigree big = base;
  int sp = Founder(&big, "Spouse", Sex::kMale);
  Child(&big, "Kid1", sp, s, Sex::kMale);
  Child(&big, "Kid2", sp, s, Sex::kFemale);
  int w = Founder(&big, "Wife", Sex::kFemale);
  int k3 = Child(&big, "Kid3", x, w, Sex::kMale);
  Child(&big, "GrandKid", k3, Founder(&big, "InLaw", Sex::kFemale), Sex::kFemale);
  int u1 = Founder(&big, "U1", Sex::kMale);
  int u2 = Founder(&big, "U2", Sex::kFemale);
  Child(&big, "U3", u1, u2, Sex::kMale);
  // And an unrelated untyped family placed before everyone (indices shift).
  Pedigree front("front");
  int v1 = Founder(&front, "V1", Sex::kMale);
  int v2 = Founder(&front, "V2", Sex::kFemale);
  Child(&front, "V3", v1, v2, Sex::kMale);
  const int off = front.size();
  for (const Person& per : base.persons()) {
    Person q = per;
    if (q.father >= 0) q.father += off, q.mother += off;
    front.Add(q);
  }

  for (const PedigreeLocusModel& model : models) {
    INFO("theta " << model.theta() << " mutation " << model.mutation());
    std::vector<GenotypeIdx> g = Untyped(base);
    g[s] = G(A, B);
    std::vector<GenotypeIdx> gb = Untyped(big);
    gb[s] = G(A, B);
    std::vector<GenotypeIdx> gf = Untyped(front);
    gf[s + off] = G(A, B);
    const double l0 = Lik(base, g, model);
    REQUIRE(Lik(big, gb, model) == l0);
    REQUIRE(Lik(front, gf, model) == l0);
    std::vector<double> t0 = Table(base, g, x, model);
    std::vector<double> tb = Table(big, gb, x, model);
    std::vector<double> tf = Table(front, gf, x + off, model);
    for (size_t i = 0; i < t0.size(); ++i) {
      INFO("genotype " << i);
      REQUIRE(std::abs(tb[i] - t0[i]) <= 1e-15 * std::abs(t0[i]));
      REQUIRE(std::abs(tf[i] - t0[i]) <= 1e-15 * std::abs(t0[i]));
    }
  }
}

TEST_CASE("Peeling: theta with rate-0 mutation matrices equals the inheritance-vector path",
          "[pedigree][peeling][theta][property]") {
  // The set-partition expansion (used when mutation matrices are present) and the sum
  // over inheritance vectors (no mutation) are two exact computations of the same
  // Balding-Nichols likelihood; with rate 0 they must agree.
  const std::vector<double> p = {0.15, 0.25, 0.6};
  const double th = 0.05;
  const PedigreeLocusModel plain = Model(p, {}, th);
  const PedigreeLocusModel rate0 = Model(p, Equal(0, 0), th);
  auto agree = [&](const Pedigree& ped, int ref, int mp) {
    for (int s2 = 0; s2 < 3; ++s2)
      for (int s1 = 0; s1 <= s2; ++s1)
        for (int v = 0; v < 6; ++v) {
          std::vector<GenotypeIdx> g = Untyped(ped);
          g[ref] = G(s1, s2);
          g[mp] = static_cast<GenotypeIdx>(v);
          INFO("reference " << s1 << s2 << " other " << v);
          const double a = Lik(ped, g, plain), b = Lik(ped, g, rate0);
          REQUIRE(std::abs(a - b) <= 1e-12 * std::abs(a));
          REQUIRE(a > 0);
        }
  };
  {
    int h1, h2;
    Pedigree ped = HalfSibs(&h1, &h2);
    agree(ped, h1, h2);
  }
  {
    // Both cousins typed, everyone else untyped: 4 untyped founders (8 alleles, Bell(8)
    // = 4140 eliminations per likelihood on the partition path), so only two pairs.
    Cousins c = FirstCousins();
    for (auto [g1, g2] : {std::pair{G(A, B), G(A, C)}, std::pair{G(C, C), G(B, C)}}) {
      std::vector<GenotypeIdx> g = Untyped(c.ped);
      g[c.c1] = g1;
      g[c.c2] = g2;
      const double a = Lik(c.ped, g, plain), b = Lik(c.ped, g, rate0);
      REQUIRE(std::abs(a - b) <= 1e-12 * std::abs(a));
      REQUIRE(a > 0);
    }
    // With the grandmother typed AB (6 untyped founder alleles): every pair of cousins.
    for (int s2 = 0; s2 < 3; ++s2)
      for (int s1 = 0; s1 <= s2; ++s1)
        for (int v = 0; v < 6; ++v) {
          std::vector<GenotypeIdx> g = Untyped(c.ped);
          g[c.gm] = G(A, B);
          g[c.c1] = G(s1, s2);
          g[c.c2] = static_cast<GenotypeIdx>(v);
          INFO("cousin " << s1 << s2 << " other " << v);
          const double a = Lik(c.ped, g, plain), b = Lik(c.ped, g, rate0);
          REQUIRE(std::abs(a - b) <= 1e-12 * std::abs(a));
          REQUIRE(a > 0);
        }
  }
  {
    // Half-sibling parents (a loop), child typed and the common grandfather typed.
    Pedigree ped("hs-loop");
    int gf = Founder(&ped, "G", Sex::kMale);
    int w1 = Founder(&ped, "W1", Sex::kFemale);
    int w2 = Founder(&ped, "W2", Sex::kFemale);
    int fa = Child(&ped, "F", gf, w1, Sex::kMale);
    int mo = Child(&ped, "M", gf, w2, Sex::kFemale);
    int x = Child(&ped, "X", fa, mo, Sex::kMale);
    agree(ped, gf, x);
  }
  {
    // An inbred child X (all others untyped) under theta: its two alleles are copies of
    // one founder allele with probability F, else two distinct founder alleles, i.e. two
    // Balding-Nichols draws (the second A with (θ + (1-θ)pA)/(1 + 0 θ)):
    //   P(X = AA) = pA [F + (1-F)(θ + (1-θ) pA)],  P(X = AB) = (1-F) 2 pA (1-θ) pB.
    // Parents half siblings (F = 1/8): both paths. First cousins (F = 1/16): the
    // inheritance-vector path (the partition path would need Bell(8) eliminations).
    const double pa = p[A], pb = p[B];
    auto want_aa = [&](double F) { return pa * (F + (1 - F) * (th + (1 - th) * pa)); };
    auto want_ab = [&](double F) { return (1 - F) * 2 * pa * (1 - th) * pb; };
    Pedigree ped("hs-loop2");
    int gf = Founder(&ped, "G", Sex::kMale);
    int w1 = Founder(&ped, "W1", Sex::kFemale);
    int w2 = Founder(&ped, "W2", Sex::kFemale);
    int fa = Child(&ped, "F", gf, w1, Sex::kMale);
    int mo = Child(&ped, "M", gf, w2, Sex::kFemale);
    int x = Child(&ped, "X", fa, mo, Sex::kMale);
    std::vector<GenotypeIdx> g = Untyped(ped);
    for (const PedigreeLocusModel* model : {&plain, &rate0}) {
      g[x] = G(A, A);
      Close(Lik(ped, g, *model), want_aa(1.0 / 8));
      g[x] = G(A, B);
      Close(Lik(ped, g, *model), want_ab(1.0 / 8));
    }
    Cousins c = FirstCousins();
    int xc = Child(&c.ped, "X", c.c1, c.c2, Sex::kMale);
    std::vector<GenotypeIdx> gc = Untyped(c.ped);
    gc[xc] = G(A, A);
    Close(Lik(c.ped, gc, plain), want_aa(1.0 / 16));
    gc[xc] = G(A, B);
    Close(Lik(c.ped, gc, plain), want_ab(1.0 / 16));
  }
}

TEST_CASE("Peeling: two missing brothers in one family", "[pedigree][peeling]") {
  SECTION("untyped parents, a typed sister, two-allele locus") {
    // Three full siblings S, B1, B2 of untyped parents. A parent transmits A with
    // t = 1 (AA, p^2), 1/2 (AB, 2pq), 0 (BB): given the parents the children are
    // independent, so P(n children all AA) = (E[t^n])^2:
    //   E[t] = p, E[t^2] = p^2 + pq/2 = p(1+p)/2, E[t^3] = p^2 + pq/4.
    // LR of a victim AA as B1 (B2 untyped) = P(S, B1 = AA)/(P(S) p^2)
    //   = (p(1+p)/2)^2 / p^4 = (1+p)^2/(4p^2), the full-sibling index, and the same
    //   for B2 with B1 untyped.
    // With B1 identified as AA, the LR of a second victim AA as B2:
    //   P(S, B1, B2 all AA) / (P(S, B1) p^2) = (p^2 + pq/4)^2 / ((p(1+p)/2)^2 p^2).
    // Both together: (p^2 + pq/4)^2 / (p^2 p^2 p^2), the product of the two.
    const double p = 0.3, q = 0.7;
    const PedigreeLocusModel model = Model({p, q});
    Pedigree ped("brothers");
    int f = Founder(&ped, "F", Sex::kMale);
    int m = Founder(&ped, "M", Sex::kFemale);
    int s = Child(&ped, "S", f, m, Sex::kFemale);
    int b1 = Child(&ped, "B1", f, m, Sex::kMale);
    int b2 = Child(&ped, "B2", f, m, Sex::kMale);
    REQUIRE(b1 != b2);
    std::vector<GenotypeIdx> g = Untyped(ped);
    g[s] = G(A, A);
    const double e2 = p * (1 + p) / 2, e3 = p * p + p * q / 4;
    const double first = (1 + p) * (1 + p) / (4 * p * p);
    Close(Table(ped, g, b1, model)[G(A, A)], first);
    Close(Table(ped, g, b2, model)[G(A, A)], first);
    Close(Lr(ped, g, b1, G(A, A), model), first);
    std::vector<GenotypeIdx> g1 = g;
    g1[b1] = G(A, A);
    const double second = e3 * e3 / (e2 * e2 * p * p);
    Close(Table(ped, g1, b2, model)[G(A, A)], second);
    Close(Lr(ped, g1, b2, G(A, A), model), second);
    std::vector<GenotypeIdx> both = g1;
    both[b2] = G(A, A);
    Close(Lik(ped, both, model) / (Lik(ped, g, model) * p * p * p * p), e3 * e3 / (p * p * p * p * p * p));
    Close(first * second, e3 * e3 / (p * p * p * p * p * p));
  }
  SECTION("typed parents: the brothers are independent given them") {
    // Father AB, mother CD: each brother's table is 1/4/HW on {AC, AD, BC, BD}, whether
    // or not the other brother is typed (children are independent given the parents).
    const std::vector<double> p = {0.1, 0.2, 0.3, 0.4};
    const PedigreeLocusModel model = Model(p);
    Pedigree ped("brothers2");
    int f = Founder(&ped, "F", Sex::kMale);
    int m = Founder(&ped, "M", Sex::kFemale);
    int b1 = Child(&ped, "B1", f, m, Sex::kMale);
    int b2 = Child(&ped, "B2", f, m, Sex::kMale);
    std::vector<GenotypeIdx> g = Untyped(ped);
    g[f] = G(A, B);
    g[m] = G(C, D);
    std::vector<double> t1 = Table(ped, g, b1, model);
    Close(t1[G(A, C)], 0.25 / (2 * p[A] * p[C]));
    Close(t1[G(B, D)], 0.25 / (2 * p[B] * p[D]));
    REQUIRE(t1[G(A, B)] == 0.0);
    std::vector<GenotypeIdx> g1 = g;
    g1[b1] = G(A, C);
    std::vector<double> t2 = Table(ped, g1, b2, model);
    Close(t2[G(A, C)], 0.25 / (2 * p[A] * p[C]));
    Close(t2[G(B, D)], 0.25 / (2 * p[B] * p[D]));
    REQUIRE(t2[G(C, D)] == 0.0);
    // Both victims at once: the product.
    std::vector<GenotypeIdx> both = g1;
    both[b2] = G(B, D);
    Close(Lik(ped, both, model) / (Lik(ped, g, model) * 2 * p[A] * p[C] * 2 * p[B] * p[D]),
          (0.25 / (2 * p[A] * p[C])) * (0.25 / (2 * p[B] * p[D])));
  }
}

TEST_CASE("Peeling: engine limits give ResourceExhausted, never a number",
          "[pedigree][peeling][limits]") {
  const std::vector<double> p = {0.1, 0.2, 0.3, 0.4};
  int s, x;
  Pedigree ped = FullSibs(&s, &x);
  std::vector<GenotypeIdx> g = Untyped(ped);
  g[s] = G(A, B);
  auto exhausted = [](const absl::Status& st) {
    INFO(st.ToString());
    REQUIRE_FALSE(st.ok());
    REQUIRE(st.code() == absl::StatusCode::kResourceExhausted);
  };

  SECTION("max_factor_entries") {
    EngineLimits tiny;
    tiny.max_factor_entries = 1;
    for (const PedigreeLocusModel& model : {Model(p), Model(p, Equal(0.01, 0.01))}) {
      exhausted(PedigreeLikelihood(ped, g, model, tiny).status());
      exhausted(JointWithTarget(ped, g, x, model, tiny).status());
      exhausted(MissingPersonLocusLr(ped, g, x, G(A, A), model, tiny).status());
      // A nuclear family's table needs no factor (stats/nuclear.h): the same numbers.
      auto small_table = FamilyTable(ped, g, x, model, tiny);
      auto table = FamilyTable(ped, g, x, model);
      REQUIRE(small_table.ok());
      REQUIRE(table.ok());
      CHECK(*small_table == *table);
    }
    // A loop (first-cousin parents) with a limit just under what it needs.
    Cousins c = FirstCousins();
    int xx = Child(&c.ped, "X", c.c1, c.c2, Sex::kMale);
    std::vector<GenotypeIdx> gc = Untyped(c.ped);
    gc[xx] = G(A, A);
    EngineLimits small;
    // Every elimination multiplies a transmission factor over two parental alleles
    // (4 values each): at least 16 entries.
    small.max_factor_entries = 15;
    exhausted(PedigreeLikelihood(c.ped, gc, Model(p), small).status());
    // And a family table there (not a nuclear family: the eliminator is needed).
    const int yy = Child(&c.ped, "Y", c.c1, c.c2, Sex::kFemale);
    gc.push_back(kUntyped);
    exhausted(FamilyTable(c.ped, gc, yy, Model(p), small).status());
  }
  SECTION("max_meioses_theta (theta > 0 without mutation): the set partitions take over, then both refuse") {
    const PedigreeLocusModel model = Model(p, {}, 0.02);
    EngineLimits lim;
    // References alone (X pruned): 2 meioses; H1 (X typed as the victim): 4. Past the
    // inheritance vectors' limit the set partitions (two untyped parents: 4 free alleles)
    // give the same numbers.
    lim.max_meioses_theta = 1;
    const double want = *MissingPersonLocusLr(ped, g, x, G(A, A), model);
    auto by_partitions = MissingPersonLocusLr(ped, g, x, G(A, A), model, lim);
    REQUIRE(by_partitions.ok());
    CHECK(*by_partitions == Approx(want).epsilon(1e-12));
    auto table = FamilyTable(ped, g, x, model, lim);
    REQUIRE(table.ok());
    CHECK((*table)[G(A, A)] == Approx(want).epsilon(1e-12));
    lim.max_untyped_founder_alleles_theta = 3;
    exhausted(PedigreeLikelihood(ped, g, model, lim).status());
    exhausted(FamilyTable(ped, g, x, model, lim).status());
    exhausted(MissingPersonLocusLr(ped, g, x, G(A, A), model, lim).status());
    auto both = FamilyTable(ped, g, x, model, lim).status();
    CHECK_THAT(std::string(both.message()), Catch::Matchers::Contains("meioses") &&
                                                Catch::Matchers::Contains("untyped founders"));
  }
  SECTION("max_untyped_founder_alleles_theta (theta > 0 with mutation)") {
    const PedigreeLocusModel model = Model(p, Equal(0.01, 0.01), 0.02);
    EngineLimits lim;
    lim.max_untyped_founder_alleles_theta = 3;  // two untyped parents: 4 alleles
    exhausted(PedigreeLikelihood(ped, g, model, lim).status());
    exhausted(FamilyTable(ped, g, x, model, lim).status());
    exhausted(MissingPersonLocusLr(ped, g, x, G(A, A), model, lim).status());
    REQUIRE(MissingPersonLocusLr(ped, g, x, G(A, A), model).ok());
  }
}

TEST_CASE("Peeling: Mendelian-inconsistent references are FailedPrecondition",
          "[pedigree][peeling]") {
  // Parents AA x AA typed with a typed child BB: P(refs) = 0 without mutation.
  const std::vector<double> p = {0.1, 0.2, 0.3, 0.4};
  Pedigree ped("bad");
  int f = Founder(&ped, "F", Sex::kMale);
  int m = Founder(&ped, "M", Sex::kFemale);
  int s = Child(&ped, "S", f, m, Sex::kFemale);
  int x = Child(&ped, "X", f, m, Sex::kMale);
  std::vector<GenotypeIdx> g = Untyped(ped);
  g[f] = G(A, A);
  g[m] = G(A, A);
  g[s] = G(B, B);
  for (const PedigreeLocusModel& model : {Model(p), Model(p, {}, 0.02)}) {
    INFO("theta " << model.theta());
    REQUIRE(Lik(ped, g, model) == 0.0);
    auto t = FamilyTable(ped, g, x, model);
    REQUIRE(t.status().code() == absl::StatusCode::kFailedPrecondition);
    REQUIRE_THAT(std::string(t.status().message()), Catch::Matchers::Contains("bad"));
    auto lr = MissingPersonLocusLr(ped, g, x, G(A, A), model);
    REQUIRE(lr.status().code() == absl::StatusCode::kFailedPrecondition);
  }
  // With mutation the same references are possible: a finite table.
  // Equal model on 4 alleles, rate r for both sexes: M[i][j] = r/3 off the diagonal.
  // P(refs) = pA^2 pA^2 (r/3)(r/3); given the parents X is independent of S:
  // P(X = AA | parents) = (1-r)^2, so LR(AA) = (1-r)^2 / pA^2.
  const double r = 0.01;
  const PedigreeLocusModel mut = Model(p, Equal(r, r));
  Close(Lik(ped, g, mut), std::pow(p[A], 4) * (r / 3) * (r / 3));
  std::vector<double> t = Table(ped, g, x, mut);
  Close(t[G(A, A)], (1 - r) * (1 - r) / (p[A] * p[A]));
}

TEST_CASE("Peeling: argument errors", "[pedigree][peeling]") {
  const std::vector<double> p = {0.1, 0.2, 0.3, 0.4};
  int s, x;
  Pedigree ped = FullSibs(&s, &x);
  std::vector<GenotypeIdx> g = Untyped(ped);
  g[s] = G(A, B);
  // JointWithTarget needs theta = 0.
  REQUIRE(JointWithTarget(ped, g, x, Model(p, {}, 0.01)).status().code() ==
          absl::StatusCode::kInvalidArgument);
  // The target must be untyped and a member.
  REQUIRE(JointWithTarget(ped, g, s, Model(p)).status().code() == absl::StatusCode::kInvalidArgument);
  REQUIRE(FamilyTable(ped, g, s, Model(p)).status().code() == absl::StatusCode::kInvalidArgument);
  REQUIRE(FamilyTable(ped, g, 17, Model(p)).status().code() == absl::StatusCode::kInvalidArgument);
  REQUIRE(MissingPersonLocusLr(ped, g, -1, G(A, A), Model(p)).status().code() ==
          absl::StatusCode::kInvalidArgument);
  // One genotype per member.
  std::vector<GenotypeIdx> shortg(2, kUntyped);
  REQUIRE(PedigreeLikelihood(ped, shortg, Model(p)).status().code() ==
          absl::StatusCode::kInvalidArgument);
  // theta outside [0, 1).
  REQUIRE_FALSE(BuildPedigreeModels(OneLocus(p), {}, 1.0).ok());
  REQUIRE_FALSE(BuildPedigreeModels(OneLocus(p), {}, -0.1).ok());
}

// ---------------------------------------------------------------------------------------
// Rescaling: likelihoods far below the smallest double (~2.2e-308) stay exact.

namespace {

double Log10Lik(const Pedigree& ped, const std::vector<GenotypeIdx>& g, const PedigreeLocusModel& m,
                const EngineLimits& limits = {}) {
  auto r = PedigreeLog10Likelihood(ped, g, m, limits);
  INFO(r.status().ToString());
  REQUIRE(r.ok());
  return *r;
}

PedigreeLocusModel FamiliasModel(const std::vector<double>& freqs, const MutationSpec& mutation) {
  auto models = BuildPedigreeModels(OneLocus(freqs), mutation, 0, UntypedFounders::kFamilias);
  REQUIRE(models.ok());
  return (*models)[0];
}

}  // namespace

TEST_CASE("Rescaling: 60 typed unrelated founders at frequency 0.001", "[pedigree][peeling][scale]") {
  // Unrelated founders are independent Hardy-Weinberg draws: P = Π HW(g_i). Here 60
  // heterozygotes A/B with pA = pB = 0.001: log10 P = 60 log10(2 pA pB) = 60 log10(2e-6)
  // = -341.8, below the smallest double.
  const std::vector<double> f = {0.001, 0.001, 0.998};
  const PedigreeLocusModel m = Model(f);
  Pedigree ped("F");
  for (int i = 0; i < 60; ++i) Founder(&ped, "f" + std::to_string(i), i % 2 ? Sex::kFemale : Sex::kMale);
  std::vector<GenotypeIdx> g(ped.size(), G(A, B));
  const double want = 60 * std::log10(2 * f[A] * f[B]);
  Close(Log10Lik(ped, g, m), want, 1e-9);
  CHECK(Lik(ped, g, m) == 0);  // the linear value underflows: the log10 one is needed
  // Half of them homozygous A/A and one C/C: Σ log10 HW.
  for (int i = 0; i < 30; ++i) g[i] = G(A, A);
  g[59] = G(C, C);
  Close(Log10Lik(ped, g, m),
        30 * std::log10(f[A] * f[A]) + 29 * std::log10(2 * f[A] * f[B]) + 2 * std::log10(f[C]), 1e-9);
  // Mendelian impossibility among them: a child A/A of a B/B father f0 (mother f1) gives
  // -inf, not NaN.
  Pedigree ped2 = ped;
  Child(&ped2, "kid", 0, 1, Sex::kMale);
  std::vector<GenotypeIdx> g2 = g;
  g2[0] = G(B, B);
  g2.push_back(G(A, A));
  CHECK(Log10Lik(ped2, g2, m) == -INFINITY);
}

TEST_CASE("A NaN in a result is an Internal error, never a number", "[pedigree][peeling][scale]") {
  // A model with a NaN frequency (a caller's bug): every entry point refuses the result.
  auto made = PedigreeLocusModel::Create({NAN, 0.3, 0.2}, {}, {}, 0);
  REQUIRE(made.ok());
  const PedigreeLocusModel& m = *made;
  Pedigree ped("F");
  const int fa = Founder(&ped, "F", Sex::kMale), mo = Founder(&ped, "M", Sex::kFemale);
  const int kid = Child(&ped, "K", fa, mo, Sex::kMale);
  std::vector<GenotypeIdx> g = Untyped(ped);
  g[fa] = G(A, B);
  CHECK(PedigreeLikelihood(ped, g, m).status().code() == absl::StatusCode::kInternal);
  CHECK(PedigreeLog10Likelihood(ped, g, m).status().code() == absl::StatusCode::kInternal);
  CHECK(FamilyTable(ped, g, kid, m).status().code() == absl::StatusCode::kInternal);
  CHECK(JointWithTarget(ped, g, kid, m).status().code() == absl::StatusCode::kInternal);
  CHECK(MissingPersonLocusLr(ped, g, kid, G(A, A), m).status().code() == absl::StatusCode::kInternal);
}

TEST_CASE("Rescaling: typed founders at frequency 1e-9, and 100 loci", "[pedigree][peeling][scale]") {
  // 20 founders A/A with pA = 1e-9: log10 P = 20 log10(1e-18) = -360.
  const std::vector<double> f = {1e-9, 1e-9, 1 - 2e-9};
  const PedigreeLocusModel m = Model(f);
  Pedigree ped("F");
  for (int i = 0; i < 20; ++i) Founder(&ped, "f" + std::to_string(i), Sex::kMale);
  std::vector<GenotypeIdx> g(ped.size(), G(A, A));
  Close(Log10Lik(ped, g, m), 20 * std::log10(f[A] * f[A]), 1e-9);
  // 17 of them (the brief's edge: 1e-306) and one A/B: 17 log10(pA^2) + log10(2 pA pB).
  Pedigree ped17("F");
  for (int i = 0; i < 18; ++i) Founder(&ped17, "f" + std::to_string(i), Sex::kMale);
  std::vector<GenotypeIdx> g17(18, G(A, A));
  g17[17] = G(A, B);
  Close(Log10Lik(ped17, g17, m), 17 * std::log10(f[A] * f[A]) + std::log10(2 * f[A] * f[B]), 1e-9);
  // 100 loci of this case: the sum of the per-locus log10 values, 100 * (-360).
  double total = 0;
  for (int l = 0; l < 100; ++l) total += Log10Lik(ped, g, m);
  Close(total, 100 * 20 * std::log10(f[A] * f[A]), 1e-9);
}

TEST_CASE("Rescaling: a typed parent-child chain of 120 generations, exact and Familias",
          "[pedigree][peeling][scale][familias]") {
  // P0 is a founder A/A; P_i (i = 1..119) is the son of P_{i-1} and an untyped founder
  // mother W_i; every P_i is A/A. Each son receives A from his A/A father with probability
  // M[A][A] = 1 - mu (equal model) and A from his untyped mother with probability
  //   exact:    (p M)_A = pA (1 - mu) + (pB + pC) mu / 2   (3 alleles: mu/(n-1) = mu/2);
  //   Familias: pA (the mother has one child: her allele is drawn from p, no mutation).
  // P = pA^2 [(1 - mu) q]^119 with q as above: log10 ~ -363 for pA = 0.001.
  const std::vector<double> f = {0.001, 0.001, 0.998};
  const double mu = 0.002;
  const int n = 120;
  Pedigree ped("F");
  std::vector<int> chain = {Founder(&ped, "P0", Sex::kMale)};
  for (int i = 1; i < n; ++i) {
    const int w = Founder(&ped, "W" + std::to_string(i), Sex::kFemale);
    chain.push_back(Child(&ped, "P" + std::to_string(i), chain.back(), w, Sex::kMale));
  }
  std::vector<GenotypeIdx> g = Untyped(ped);
  for (int p : chain) g[p] = G(A, A);
  const double q_exact = f[A] * (1 - mu) + (f[B] + f[C]) * mu / 2;
  const double log10_exact = 2 * std::log10(f[A]) + (n - 1) * std::log10((1 - mu) * q_exact);
  const double log10_familias = 2 * std::log10(f[A]) + (n - 1) * std::log10((1 - mu) * f[A]);
  Close(Log10Lik(ped, g, Model(f, Equal(mu, mu))), log10_exact, 1e-9);
  Close(Log10Lik(ped, g, FamiliasModel(f, Equal(mu, mu))), log10_familias, 1e-9);
  // Familias reduces the pedigree once for the case: a mother with data at another locus
  // (typed_anywhere) is not pruned here, so her transmission is exact: one factor q_exact.
  EngineLimits limits;
  limits.typed_anywhere.assign(ped.size(), 0);
  limits.typed_anywhere[ped.Find("W1")] = 1;
  Close(Log10Lik(ped, g, FamiliasModel(f, Equal(mu, mu)), limits),
        log10_familias - std::log10(f[A]) + std::log10(q_exact), 1e-9);
  limits.typed_anywhere.pop_back();
  CHECK(PedigreeLog10Likelihood(ped, g, FamiliasModel(f, Equal(mu, mu)), limits).status().code() ==
        absl::StatusCode::kInvalidArgument);
  // Without mutation both are pA^2 pA^119.
  Close(Log10Lik(ped, g, Model(f)), (n + 1) * std::log10(f[A]), 1e-9);
}

TEST_CASE("Rescaling: many typed unrelated spouses leave a parent-child family table unchanged",
          "[pedigree][peeling][scale]") {
  // Father F = C/D typed, MP his child by an untyped mother, plus 60 typed unrelated
  // founders A/B (P(refs) ~ 1e-342, P(refs, MP = g) too). The unrelated references cancel:
  // LR(g) = P(MP = g | F) / HW(g):
  //   LR(C/C) = (pC / 2) / pC^2 = 1 / (2 pC);   LR(C/D) = (pD/2 + pC/2) / (2 pC pD);
  //   LR(A/C) = (pA / 2) / (2 pA pC) = 1 / (4 pC);   LR(A/B) = 0.
  const std::vector<double> f = {0.001, 0.001, 0.3, 0.698};
  const PedigreeLocusModel m = Model(f);
  Pedigree ped("F");
  const int fa = Founder(&ped, "F", Sex::kMale), mo = Founder(&ped, "M", Sex::kFemale);
  const int mp = Child(&ped, "MP", fa, mo, Sex::kMale);
  for (int i = 0; i < 60; ++i) Founder(&ped, "s" + std::to_string(i), Sex::kFemale);
  std::vector<GenotypeIdx> g(ped.size(), G(A, B));
  g[fa] = G(C, D);
  g[mo] = g[mp] = kUntyped;
  CHECK(Lik(ped, g, m) == 0);  // P(refs) underflows as a linear number
  const std::vector<double> t = Table(ped, g, mp, m);
  Close(t[G(C, C)], 1 / (2 * f[C]));
  Close(t[G(C, D)], (f[D] / 2 + f[C] / 2) / (2 * f[C] * f[D]));
  Close(t[G(A, C)], 1 / (4 * f[C]));
  CHECK(t[G(A, B)] == 0);
  auto log10_table = FamilyLog10Table(ped, g, mp, m);
  REQUIRE(log10_table.ok());
  Close((*log10_table)[G(C, D)], std::log10((f[D] / 2 + f[C] / 2) / (2 * f[C] * f[D])));
  CHECK((*log10_table)[G(A, B)] == -INFINITY);
  Close(Lr(ped, g, mp, G(C, C), m), 1 / (2 * f[C]));
  // The scaled joint: P(refs, MP = C/C) = 60 log10(2 pA pB) + log10(2 pC pD) + log10(pC / 2).
  auto joint = JointWithTargetScaled(ped, g, mp, m);
  REQUIRE(joint.ok());
  Close(joint->Log10(G(C, C)), 60 * std::log10(2 * f[A] * f[B]) + std::log10(2 * f[C] * f[D] * f[C] / 2), 1e-9);
}

TEST_CASE("Rescaling: theta > 0 with 100 typed founders, both theta paths", "[pedigree][peeling][scale][theta]") {
  // 100 founders A/A and a child A/A of two untyped founders. Balding-Nichols: the 200
  // typed founder alleles are the first draws, and the child's two alleles (one from each
  // untyped parent; exchangeability) the next two, so with j draws before,
  //   P = Π_{j=0}^{201} (j θ + (1-θ) pA) / (1 + (j-1) θ),
  // ~1e-400 for pA = 1e-9, θ = 1e-4. Without mutation: the inheritance-vector sum; with a
  // rate-0 mutation model: the set-partition expansion.
  const std::vector<double> f = {1e-9, 1e-9, 1 - 2e-9};
  const double th = 1e-4;
  Pedigree ped("F");
  for (int i = 0; i < 100; ++i) Founder(&ped, "f" + std::to_string(i), Sex::kMale);
  const int u1 = Founder(&ped, "U1", Sex::kMale), u2 = Founder(&ped, "U2", Sex::kFemale);
  Child(&ped, "K", u1, u2, Sex::kMale);
  std::vector<GenotypeIdx> g(ped.size(), G(A, A));
  g[u1] = g[u2] = kUntyped;
  double want = 0;
  for (int j = 0; j <= 201; ++j) want += std::log10((j * th + (1 - th) * f[A]) / (1 + (j - 1) * th));
  REQUIRE(want < -308);
  Close(Log10Lik(ped, g, Model(f, {}, th)), want, 1e-9);
  Close(Log10Lik(ped, g, Model(f, Equal(0, 0), th)), want, 1e-9);
}
