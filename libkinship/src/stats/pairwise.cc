// Exact pairwise likelihood ratios (see kinship/pairwise.h and docs/model.md).
#include "kinship/pairwise.h"

#include <cassert>
#include <cmath>
#include <limits>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "internal/status_macros.h"
#include "stats/population.h"

namespace kinship {

using internal::BaldingNicholsDenominator;
using internal::BaldingNicholsDraw;
using internal::BaldingNicholsWeight;
using internal::HardyWeinberg;

absl::StatusOr<Relationship> ParseRelationship(const std::string& text) {
  Relationship r;
  r.name = text;
  if (text == "parent-child") {
    r.k0 = 0, r.k1 = 1, r.k2 = 0, r.parent_child = true;
  } else if (text == "full-siblings") {
    r.k0 = 0.25, r.k1 = 0.5, r.k2 = 0.25;
  } else if (text == "half-siblings" || text == "grandparent" || text == "avuncular") {
    r.k0 = 0.5, r.k1 = 0.5, r.k2 = 0;
  } else if (text == "first-cousins") {
    r.k0 = 0.75, r.k1 = 0.25, r.k2 = 0;
  } else if (text == "unrelated") {
    r.k0 = 1, r.k1 = 0, r.k2 = 0;
  } else if (text.rfind("ibd:", 0) == 0) {
    std::vector<std::string> parts = absl::StrSplit(text.substr(4), ':');
    double k[3];
    bool ok = parts.size() == 3;
    for (int i = 0; ok && i < 3; ++i)
      ok = absl::SimpleAtod(parts[i], &k[i]) && std::isfinite(k[i]) && k[i] >= 0 && k[i] <= 1;
    if (!ok || std::fabs(k[0] + k[1] + k[2] - 1) > 1e-9)
      return absl::InvalidArgumentError(absl::StrCat(
          "relationship '", text, "': expected ibd:k0:k1:k2 with non-negative numbers summing to 1"));
    r.k0 = k[0], r.k1 = k[1], r.k2 = k[2];
  } else {
    return absl::InvalidArgumentError(absl::StrCat(
        "unknown relationship '", text,
        "'; expected parent-child, full-siblings, half-siblings, grandparent, avuncular, "
        "first-cousins, unrelated or ibd:k0:k1:k2"));
  }
  return r;
}

absl::StatusOr<PairwiseCalculator> PairwiseCalculator::Create(const AlleleFreqTable& table,
                                                              const Relationship& rel,
                                                              const PairwiseOptions& options) {
  if (!(options.theta >= 0 && options.theta < 1))
    return absl::InvalidArgumentError(absl::StrCat("theta ", options.theta, " is outside [0, 1)"));
  PairwiseCalculator calc;
  calc.rel_ = rel;
  calc.theta_ = options.theta;
  calc.observed_loci_ = table.loci();
  calc.familias_ = options.untyped_founders == UntypedFounders::kFamilias;
  calc.mutation_ = options.mutation.enabled();
  if (calc.mutation_ && !rel.parent_child && rel.k0 < 1) {
    KINSHIP_RETURN_IF_ERROR(calc.SetUpEngine(table, options));
    KINSHIP_RETURN_IF_ERROR(calc.SetUpOneSided(table, options, Sex::kMale));
    return calc;
  }
  if (rel.k0 == 1) calc.mutation_ = false;  // unrelated: no transmission to mutate
  Sex sex1 = options.sex1;
  if (calc.mutation_ && sex1 == Sex::kUnknown) {
    // Sex only matters when the sexes' models differ.
    bool differ = options.mutation.male.model != options.mutation.female.model ||
                  options.mutation.male.rate != options.mutation.female.rate ||
                  options.mutation.male.rate2 != options.mutation.female.rate2 ||
                  options.mutation.male.range != options.mutation.female.range ||
                  options.mutation.male.transform != options.mutation.female.transform;
    for (const auto& [locus, r] : options.mutation.per_locus_rates) differ |= r.male != r.female;
    if (differ)
      return absl::FailedPreconditionError(
          "male and female mutation rates differ: the sex of id1 (the parent) must be given (--sex1)");
    sex1 = Sex::kMale;
  }
  const Sex sex_other = sex1 == Sex::kMale ? Sex::kFemale : Sex::kMale;
  calc.loci_.resize(table.locus_ct());
  for (int l = 0; l < table.locus_ct(); ++l) {
    const Locus& locus = table.locus(l);
    LocusData& d = calc.loci_[l];
    d.freqs = locus.freqs();
    d.allele_ct = locus.allele_ct();
    if (calc.mutation_) {
      KINSHIP_ASSIGN_OR_RETURN(d.m_parent,
                               BuildMutationMatrix(locus, options.mutation.ParamsFor(locus.name(), sex1)));
      KINSHIP_ASSIGN_OR_RETURN(d.m_other,
                               BuildMutationMatrix(locus, options.mutation.ParamsFor(locus.name(), sex_other)));
      const Eigen::RowVectorXd p_m = Eigen::Map<const Eigen::RowVectorXd>(d.freqs.data(), d.allele_ct) * d.m_other;
      d.p_m_other.assign(p_m.data(), p_m.data() + d.allele_ct);
    }
  }
  if (calc.mutation_) KINSHIP_RETURN_IF_ERROR(calc.SetUpOneSided(table, options, sex1));
  return calc;
}

namespace {

inline int Count(AllelePair g, int x) { return (g.a == x) + (g.b == x); }

// The relationship's pedigree along the paternal line; id1 is "A", id2 is "B".
absl::StatusOr<Pedigree> RelationshipPedigree(const std::string& name) {
  Pedigree ped(name);
  auto add = [&](const char* id, int father, int mother, Sex sex) {
    Person p;
    p.id = id;
    p.father = father;
    p.mother = mother;
    p.sex = sex;
    return ped.Add(p);
  };
  const Sex m = Sex::kMale, f = Sex::kFemale;
  if (name == "full-siblings") {
    int fa = add("F", -1, -1, m), mo = add("M", -1, -1, f);
    add("A", fa, mo, m);
    add("B", fa, mo, m);
  } else if (name == "half-siblings") {
    int fa = add("F", -1, -1, m), m1 = add("M1", -1, -1, f), m2 = add("M2", -1, -1, f);
    add("A", fa, m1, m);
    add("B", fa, m2, m);
  } else if (name == "grandparent") {
    int a = add("A", -1, -1, m), w = add("W", -1, -1, f);
    int s = add("S", a, w, m), w2 = add("W2", -1, -1, f);
    add("B", s, w2, m);
  } else if (name == "avuncular") {
    int gf = add("GF", -1, -1, m), gm = add("GM", -1, -1, f);
    add("A", gf, gm, m);
    int s = add("S", gf, gm, m), w = add("W", -1, -1, f);
    add("B", s, w, m);
  } else if (name == "first-cousins") {
    int gf = add("GF", -1, -1, m), gm = add("GM", -1, -1, f);
    int s1 = add("S1", gf, gm, m), s2 = add("S2", gf, gm, m);
    int w1 = add("W1", -1, -1, f), w2 = add("W2", -1, -1, f);
    add("A", s1, w1, m);
    add("B", s2, w2, m);
  } else {
    return absl::FailedPreconditionError(absl::StrCat(
        "relationship '", name, "' has no pedigree, so a mutation model cannot be applied to it"));
  }
  return ped;
}

}  // namespace

absl::Status PairwiseCalculator::SetUpEngine(const AlleleFreqTable& table, const PairwiseOptions& options) {
  const MutationSpec& mut = options.mutation;
  bool differ = mut.male.model != mut.female.model || mut.male.rate != mut.female.rate ||
                mut.male.rate2 != mut.female.rate2 || mut.male.range != mut.female.range ||
                mut.male.transform != mut.female.transform;
  for (const auto& [locus, r] : mut.per_locus_rates) differ |= r.male != r.female;
  if (differ)
    return absl::FailedPreconditionError(absl::StrCat(
        "male and female mutation rates differ: relationship '", rel_.name,
        "' does not say through which parents it runs; give the pedigree explicitly (--pedigrees)"));
  KINSHIP_ASSIGN_OR_RETURN(engine_ped_, RelationshipPedigree(rel_.name));
  engine_a_ = engine_ped_.Find("A");
  engine_b_ = engine_ped_.Find("B");
  engine_unrelated_ = Pedigree("unrelated");
  Person a, b;
  a.id = "A";
  b.id = "B";
  engine_unrelated_.Add(a);
  engine_unrelated_.Add(b);
  KINSHIP_ASSIGN_OR_RETURN(engine_models_, BuildPedigreeModels(table, mut, options.theta, options.untyped_founders));
  use_engine_ = true;
  return absl::OkStatus();
}

bool OneSidedLociInformative(const PedigreeLocusModel& model) {
  if (!model.mutation()) return false;
  if (model.theta() > 0) return true;
  const int allele_ct = model.allele_ct();
  for (int side = 0; side < 2; ++side) {
    const std::vector<double>& pm = model.p_m(side);  // p M of fathers, then of mothers
    for (int j = 0; j < allele_ct; ++j)
      if (std::fabs(pm[j] - model.freqs()[j]) > 1e-10 * model.freqs()[j]) return true;
  }
  return false;
}

// One-sided loci: for the person typed alone (A = id1 or B = id2) of genotype g,
//   LR(g) = P(G = g | relationship pedigree, everyone else untyped) / P(G = g | unrelated),
// the denominator the person's own probability (Hardy-Weinberg 2 p_a p_b or p_a^2 at
// theta = 0; the Balding-Nichols singleton otherwise), both from the pedigree engine.
// theta = 0: one elimination gives the numerator for every g (JointWithTarget), kept per
// locus and person; theta > 0: both hypotheses per genotype, on demand (OneSidedTheta), as
// EngineLr does for loci typed in both. A founder of the pedigree has LR 1 exactly (its
// genotype is drawn as in H2), so nothing is computed for it.
absl::Status PairwiseCalculator::SetUpOneSided(const AlleleFreqTable& table, const PairwiseOptions& options,
                                               Sex sex1) {
  KINSHIP_ASSIGN_OR_RETURN(onesided_models_, BuildPedigreeModels(table, options.mutation, options.theta));
  bool any = false;
  for (const PedigreeLocusModel& m : onesided_models_) any |= OneSidedLociInformative(m);
  if (!any) {
    onesided_models_.clear();
    return absl::OkStatus();
  }
  if (rel_.parent_child) {
    // id1 = A (of sex sex1) and the untyped other parent O; id2 = B their child.
    onesided_ped_ = Pedigree(rel_.name);
    Person a, o, b;
    a.id = "A", a.sex = sex1;
    o.id = "O", o.sex = sex1 == Sex::kFemale ? Sex::kMale : Sex::kFemale;
    const int ia = onesided_ped_.Add(a), io = onesided_ped_.Add(o);
    b.id = "B", b.father = sex1 == Sex::kFemale ? io : ia, b.mother = sex1 == Sex::kFemale ? ia : io;
    onesided_ped_.Add(b);
  } else {
    KINSHIP_ASSIGN_OR_RETURN(onesided_ped_, RelationshipPedigree(rel_.name));
  }
  onesided_single_ = Pedigree("single");
  Person x;
  x.id = "X";
  onesided_single_.Add(x);
  onesided_who_[0] = onesided_ped_.Find("A");
  onesided_who_[1] = onesided_ped_.Find("B");
  for (int person = 0; person < 2; ++person) {
    const size_t locus_ct = onesided_models_.size();
    onesided_active_[person].assign(locus_ct, 0);
    onesided_lr_[person].assign(locus_ct, {});
    if (onesided_ped_.person(onesided_who_[person]).father < 0) continue;  // a founder: LR 1
    for (size_t l = 0; l < locus_ct; ++l) {
      const PedigreeLocusModel& model = onesided_models_[l];
      if (!OneSidedLociInformative(model)) continue;
      onesided_active_[person][l] = 1;
      if (model.theta() > 0) continue;  // on demand
      const int genotype_ct = GenotypeCount(model.allele_ct());
      std::vector<GenotypeIdx> g(onesided_ped_.size(), kUntyped);
      KINSHIP_ASSIGN_OR_RETURN(std::vector<double> joint, JointWithTarget(onesided_ped_, g, onesided_who_[person], model));
      std::vector<double>& lr = onesided_lr_[person][l];
      lr.assign(genotype_ct, 0.0);
      for (int y = 0; y < genotype_ct; ++y) {
        lr[y] = joint[y] / HardyWeinberg(model.freqs(), static_cast<GenotypeIdx>(y));
      }
    }
  }
  one_sided_ = true;
  return absl::OkStatus();
}

double PairwiseCalculator::OneSidedLr(int locus, int person, GenotypeIdx g) const {
  if (!one_sided_ || !onesided_active_[person][locus]) return 1.0;
  const PedigreeLocusModel& model = onesided_models_[locus];
  if (model.theta() == 0) return onesided_lr_[person][locus][g];
  std::vector<GenotypeIdx> genotypes(onesided_ped_.size(), kUntyped);
  genotypes[onesided_who_[person]] = g;
  auto h1 = PedigreeLikelihood(onesided_ped_, genotypes, model);
  auto h2 = PedigreeLikelihood(onesided_single_, {g}, model);
  // These fixed small pedigrees are far inside the engine's limits; h2 > 0 since the
  // frequencies are positive.
  assert(h1.ok() && h2.ok() && *h2 > 0);
  return *h1 / *h2;
}

void PairwiseCalculator::OneSidedRow(int locus, int person, std::vector<double>* lr) const {
  const int genotype_ct = GenotypeCount(static_cast<int>(
      use_engine_ ? engine_models_[locus].allele_ct() : loci_[locus].allele_ct));
  lr->resize(genotype_ct);
  for (int y = 0; y < genotype_ct; ++y) (*lr)[y] = OneSidedLr(locus, person, static_cast<GenotypeIdx>(y));
}

// H1 / H2 for id1 = g1 and every genotype g of id2. theta = 0: one elimination gives
// P(A = g1, B = g) for all g (JointWithTarget), and H2 = P(A = g1) P(B = g) with the
// Hardy-Weinberg genotype probabilities. theta > 0: both hypotheses per genotype (the
// unrelated pair's alleles are drawn jointly).
void PairwiseCalculator::EngineRow(int locus, GenotypeIdx g1, std::vector<double>* lr) const {
  const PedigreeLocusModel& model = engine_models_[locus];
  const int genotype_ct = GenotypeCount(model.allele_ct());
  lr->assign(genotype_ct, 0.0);
  std::vector<GenotypeIdx> g(engine_ped_.size(), kUntyped);
  g[engine_a_] = g1;
  if (model.theta() == 0) {
    auto joint = JointWithTarget(engine_ped_, g, engine_b_, model);
    // These fixed small pedigrees are far inside the engine's limits.
    assert(joint.ok());
    const double h2_a = HardyWeinberg(model.freqs(), g1);
    for (int x = 0; x < genotype_ct; ++x)
      (*lr)[x] = (*joint)[x] / (h2_a * HardyWeinberg(model.freqs(), static_cast<GenotypeIdx>(x)));
    return;
  }
  for (int x = 0; x < genotype_ct; ++x) {
    g[engine_b_] = static_cast<GenotypeIdx>(x);
    auto h1 = PedigreeLikelihood(engine_ped_, g, model);
    auto h2 = PedigreeLikelihood(engine_unrelated_, {g1, static_cast<GenotypeIdx>(x)}, model);
    assert(h1.ok() && h2.ok() && *h2 > 0);
    (*lr)[x] = *h1 / *h2;
  }
}

double PairwiseCalculator::EngineLr(int locus, GenotypeIdx g1, GenotypeIdx g2) const {
  const PedigreeLocusModel& model = engine_models_[locus];
  if (model.theta() == 0) {
    std::vector<double> row;
    EngineRow(locus, g1, &row);
    return row[g2];
  }
  std::vector<GenotypeIdx> g(engine_ped_.size(), kUntyped);
  g[engine_a_] = g1;
  g[engine_b_] = g2;
  auto h1 = PedigreeLikelihood(engine_ped_, g, model);
  auto h2 = PedigreeLikelihood(engine_unrelated_, {g1, g2}, model);
  assert(h1.ok() && h2.ok() && *h2 > 0);
  return *h1 / *h2;
}

void PairwiseCalculator::LocusRow(int locus, GenotypeIdx g1, std::vector<double>* lr,
                                  std::vector<std::uint8_t>* inconsistent) const {
  if (use_engine_) {
    EngineRow(locus, g1, lr);
    inconsistent->assign(lr->size(), 0);  // k0 > 0: every pair of genotypes is possible
    return;
  }
  const int genotype_ct = GenotypeCount(static_cast<int>(loci_[locus].freqs.size()));
  lr->resize(genotype_ct);
  inconsistent->resize(genotype_ct);
  for (int g = 0; g < genotype_ct; ++g) {
    bool inc;
    (*lr)[g] = LocusLr(locus, g1, static_cast<GenotypeIdx>(g), &inc);
    (*inconsistent)[g] = inc;
  }
}

// P(B | A, IBD = i) with founder alleles drawn by the Balding-Nichols formula: after n
// draws of which c are x, the next is x with probability (c θ + (1-θ) p_x)/(1 + (n-1) θ).
//   IBD0: B's alleles c, d are the 3rd and 4th draws:
//         P0 = [2 if c != d] (c_A(c) θ + (1-θ) p_c)/(1+θ) · (c_{A+c}(d) θ + (1-θ) p_d)/(1+2θ)
//   IBD1: one allele is a copy of one of A's two (probability c_A(x)/2 for x), the other is
//         the 3rd draw: P1 = Σ_{(x,y) orderings of B} c_A(x)/2 · (c_A(y) θ + (1-θ) p_y)/(1+θ)
//   IBD2: P2 = [A == B].
// LR = k0 + k1 P1/P0 + k2 P2/P0 (Thompson 1975; with θ, Fung & Hu 2008).
double PairwiseCalculator::IbdLr(const LocusData& d, AllelePair a, AllelePair b,
                                 bool* inconsistent) const {
  const double th = theta_;
  const double* p = d.freqs.data();
  const int c = b.a, e = b.b;
  auto next2 = [&](int x) { return BaldingNicholsDraw(Count(a, x), 2, p[x], th); };  // the 3rd draw
  const double f1 = next2(c);
  const int cnt_e = Count(a, e) + (c == e);
  const double f2 = BaldingNicholsDraw(cnt_e, 3, p[e], th);  // the 4th draw
  const double p0 = (c == e ? 1.0 : 2.0) * f1 * f2;
  double p1 = 0.5 * Count(a, c) * next2(e);
  if (c != e) p1 += 0.5 * Count(a, e) * f1;
  const double p2 = (a.a == b.a && a.b == b.b) ? 1.0 : 0.0;
  const double num = rel_.k0 * p0 + rel_.k1 * p1 + rel_.k2 * p2;
  *inconsistent = num == 0;
  return num / p0;
}

// Parent-child with mutation. id1 = A = {a1, a2} is the parent; the child B = {c, e}
// gets allele x from A with probability T1(x) = (M_A[a1][x] + M_A[a2][x]) / 2, and
// allele y from the untyped other parent with probability
//   T2(y) = Σ_z P(z | A) M_O[z][y],  P(z | A) = (c_A(z) θ + (1-θ) p_z)/(1+θ),
//         = ((1-θ) (p M_O)[y] + θ (M_O[a1][y] + M_O[a2][y])) / (1+θ).
// Familias mode at θ = 0 (Familias prunes the untyped other parent, a founder with one
// child): T2(y) = p_y, the allele drawn from p without the mutation step.
// P(B | A, H1) = T1(c) T2(e) + T1(e) T2(c) for c != e, T1(c) T2(c) for c == e;
// P(B | A, H2) = P0 of IbdLr.
double PairwiseCalculator::ParentChildMutationLr(const LocusData& d, AllelePair a, AllelePair b,
                                                 bool* inconsistent) const {
  const double th = theta_;
  const double* p = d.freqs.data();
  const int c = b.a, e = b.b;
  auto t1 = [&](int x) { return 0.5 * (d.m_parent(a.a, x) + d.m_parent(a.b, x)); };
  auto t2 = [&](int y) {
    if (familias_ && th == 0) return p[y];
    return ((1 - th) * d.p_m_other[y] + th * (d.m_other(a.a, y) + d.m_other(a.b, y))) / (1 + th);
  };
  const double num = c == e ? t1(c) * t2(c) : t1(c) * t2(e) + t1(e) * t2(c);
  auto next2 = [&](int x) { return BaldingNicholsDraw(Count(a, x), 2, p[x], th); };
  const int cnt_e = Count(a, e) + (c == e);
  // IbdLr's P0, with the 4th draw's numerator and denominator applied one after the other
  // (this order of the operations fixes the last bit of the results).
  const double p0 = (c == e ? 1.0 : 2.0) * next2(c) * BaldingNicholsWeight(cnt_e, p[e], th) /
                    BaldingNicholsDenominator(3, th);
  *inconsistent = Count(a, c) == 0 && Count(a, e) == 0;
  return num / p0;
}

double PairwiseCalculator::LocusLr(int locus, GenotypeIdx g1, GenotypeIdx g2,
                                   bool* inconsistent) const {
  if (use_engine_) {
    *inconsistent = false;  // k0 > 0: every pair of genotypes is possible
    return EngineLr(locus, g1, g2);
  }
  const LocusData& d = loci_[locus];
  const AllelePair a = GenotypeAlleles(g1), b = GenotypeAlleles(g2);
  return mutation_ ? ParentChildMutationLr(d, a, b, inconsistent) : IbdLr(d, a, b, inconsistent);
}

// Σ_{g1, g2} w1(g1) w2(g2) P_UN(g1, g2) LR(g1, g2) / Σ w1(g1) w2(g2) P_UN(g1, g2): the LR of the
// observations, since P_rel(g1, g2) = LR(g1, g2) P_UN(g1, g2) and each hypothesis' likelihood
// is Σ P_H(g1, g2) P(O1 | g1) P(O2 | g2). One LocusRow per genotype g1 with w1(g1) > 0.
double PairwiseCalculator::EvidenceLocusLr(int locus, const std::vector<double>& w1, const std::vector<double>& w2,
                                           bool* inconsistent) const {
  const std::vector<double>& freqs = observed_loci_[locus].freqs();
  double num = 0, den = 0;
  bool all_inconsistent = true;
  std::vector<double> row;
  std::vector<std::uint8_t> flags;
  for (size_t g1 = 0; g1 < w1.size(); ++g1) {
    if (w1[g1] == 0) continue;
    LocusRow(locus, static_cast<GenotypeIdx>(g1), &row, &flags);
    for (size_t g2 = 0; g2 < w2.size(); ++g2) {
      if (w2[g2] == 0) continue;
      const double q = w1[g1] * w2[g2] *
                       internal::UnrelatedProbability(freqs, theta_, {static_cast<GenotypeIdx>(g1),
                                                                      static_cast<GenotypeIdx>(g2)});
      den += q;
      num += q * row[g2];
      all_inconsistent &= flags[g2] != 0;
    }
  }
  *inconsistent = all_inconsistent;
  return num / den;
}

// The one-sided LR of an observation: Σ_g w(g) P(g) LR(g) / Σ_g w(g) P(g).
double PairwiseCalculator::EvidenceOneSidedLr(int locus, int person, const std::vector<double>& w) const {
  const std::vector<double>& freqs = observed_loci_[locus].freqs();
  double num = 0, den = 0;
  for (size_t g = 0; g < w.size(); ++g) {
    if (w[g] == 0) continue;
    const double q = w[g] * internal::UnrelatedProbability(freqs, theta_, {static_cast<GenotypeIdx>(g)});
    den += q;
    num += q * OneSidedLr(locus, person, static_cast<GenotypeIdx>(g));
  }
  return num / den;
}

void PairwiseCalculator::EvidenceRow(int locus, const std::vector<double>& w1, std::vector<double>* lr,
                                     std::vector<std::uint8_t>* inconsistent, std::vector<double>* v) const {
  const std::vector<double>& freqs = observed_loci_[locus].freqs();
  const int genotype_ct = GenotypeCount(observed_loci_[locus].allele_ct());
  std::vector<double> num(genotype_ct, 0.0), row;
  std::vector<std::uint8_t> flags;
  v->assign(genotype_ct, 0.0);
  inconsistent->assign(genotype_ct, 1);
  for (size_t g1 = 0; g1 < w1.size(); ++g1) {
    if (w1[g1] == 0) continue;
    LocusRow(locus, static_cast<GenotypeIdx>(g1), &row, &flags);
    for (int g = 0; g < genotype_ct; ++g) {
      const double q = w1[g1] * internal::UnrelatedProbability(freqs, theta_, {static_cast<GenotypeIdx>(g1),
                                                                                static_cast<GenotypeIdx>(g)});
      (*v)[g] += q;
      num[g] += q * row[g];
      (*inconsistent)[g] &= flags[g];
    }
  }
  lr->resize(genotype_ct);
  for (int g = 0; g < genotype_ct; ++g) (*lr)[g] = num[g] / (*v)[g];
}

void PairwiseCalculator::VictimWeights(int locus, GenotypeIdx g1, std::vector<double>* v) const {
  const std::vector<double>& freqs = observed_loci_[locus].freqs();
  const int genotype_ct = GenotypeCount(observed_loci_[locus].allele_ct());
  v->resize(genotype_ct);
  for (int g = 0; g < genotype_ct; ++g)
    (*v)[g] = g1 == kUntyped ? internal::UnrelatedProbability(freqs, theta_, {static_cast<GenotypeIdx>(g)})
                             : internal::UnrelatedProbability(freqs, theta_, {g1, static_cast<GenotypeIdx>(g)});
}

PairResult PairwiseCalculator::Compute(const ProfileSet& s1, int i1, const ProfileSet& s2, int i2,
                                       std::vector<double>* per_locus_log10_lr, const ObservationTable* obs) const {
  PairResult r;
  const int locus_ct = s1.locus_ct();
  if (per_locus_log10_lr) per_locus_log10_lr->assign(locus_ct, 0.0);
  std::vector<double> w[2];
  for (int l = 0; l < locus_ct; ++l) {
    const GenotypeIdx g1 = s1.genotype(l, i1), g2 = s2.genotype(l, i2);
    // Uncertain observations (kinship/observation.h): weights over the true genotypes.
    const GenotypeIdx e1 = EngineObservation(observed_loci_[l], g1,
                                             obs ? obs->Get(s1.sample_id(i1), l) : ObservationParams{}, &w[0]);
    const GenotypeIdx e2 = EngineObservation(observed_loci_[l], g2,
                                             obs ? obs->Get(s2.sample_id(i2), l) : ObservationParams{}, &w[1]);
    if (e1 == kEvidence || e2 == kEvidence) {
      for (int k = 0; k < 2; ++k) {
        const GenotypeIdx e = k == 0 ? e1 : e2;
        if (e != kEvidence && e != kUntyped) {  // a certain genotype: its indicator
          w[k].assign(GenotypeCount(observed_loci_[l].allele_ct()), 0.0);
          w[k][e] = 1;
        }
      }
      double log10_lr;
      if (g1 == kUntyped || g2 == kUntyped) {
        if (!one_sided_) continue;
        log10_lr = std::log10(g1 != kUntyped ? EvidenceOneSidedLr(l, 0, w[0]) : EvidenceOneSidedLr(l, 1, w[1]));
      } else {
        bool inconsistent;
        log10_lr = std::log10(EvidenceLocusLr(l, w[0], w[1], &inconsistent));
        ++r.loci_compared;
        r.loci_inconsistent += inconsistent;
      }
      r.log10_lr += log10_lr;
      if (per_locus_log10_lr) (*per_locus_log10_lr)[l] = log10_lr;
      continue;
    }
    if (g1 == kUntyped || g2 == kUntyped) {
      // One-sided locus (see pairwise.h): in the total and per-locus values, not compared.
      if (!one_sided_ || (g1 == kUntyped && g2 == kUntyped)) continue;
      const double log10_lr = std::log10(g1 != kUntyped ? OneSidedLr(l, 0, g1) : OneSidedLr(l, 1, g2));
      r.log10_lr += log10_lr;
      if (per_locus_log10_lr) (*per_locus_log10_lr)[l] = log10_lr;
      continue;
    }
    bool inconsistent;
    const double lr = LocusLr(l, g1, g2, &inconsistent);
    // lr == 0 gives -inf; lr is never NaN (P0 > 0 since frequencies are positive).
    const double log10_lr = std::log10(lr);
    ++r.loci_compared;
    r.loci_inconsistent += inconsistent;
    r.log10_lr += log10_lr;
    if (per_locus_log10_lr) (*per_locus_log10_lr)[l] = log10_lr;
  }
  return r;
}

absl::StatusOr<PairResult> ComparePair(const AlleleFreqTable& table, const PairwiseCalculator& h1, const PairwiseCalculator& h2,
                                       const ProfileSet& s1, int i1, const ProfileSet& s2, int i2,
                                       std::vector<double>* per_locus_log10_lr, const ObservationTable* obs) {
  std::vector<double> l1, l2;
  PairResult r = h1.Compute(s1, i1, s2, i2, &l1, obs);
  h2.Compute(s1, i1, s2, i2, &l2, obs);
  r.log10_lr = 0;
  const std::string both = absl::StrCat(" (LR 0 under each): no ratio exists; expected data possible under ",
                                        h1.relationship().name, " or ", h2.relationship().name,
                                        " (a mutation model may explain them)");
  int excl1 = -1, excl2 = -1;  // a locus excluding h1, one excluding h2
  for (size_t l = 0; l < l1.size(); ++l) {
    const std::string& name = table.locus(static_cast<int>(l)).name();
    if (l1[l] == -INFINITY && l2[l] == -INFINITY)
      return absl::FailedPreconditionError(absl::StrCat("locus ", name, " excludes both ", h1.relationship().name,
                                                        " and ", h2.relationship().name, both));
    if (l1[l] == -INFINITY) excl1 = static_cast<int>(l);
    if (l2[l] == -INFINITY) excl2 = static_cast<int>(l);
    l1[l] -= l2[l];  // -inf - finite = -inf; finite - (-inf) = +inf
  }
  if (excl1 >= 0 && excl2 >= 0)
    return absl::FailedPreconditionError(absl::StrCat("locus ", table.locus(excl1).name(), " excludes ",
                                                      h1.relationship().name, " and locus ",
                                                      table.locus(excl2).name(), " excludes ",
                                                      h2.relationship().name, both));
  for (double x : l1) r.log10_lr += x;
  if (per_locus_log10_lr) *per_locus_log10_lr = std::move(l1);
  return r;
}

}  // namespace kinship
