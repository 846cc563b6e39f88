// File: kinship/pairwise.h
//
// Exact likelihood ratios for a pair of persons: a stated relationship against
// unrelated, per locus and in total (log10 LR, summed over loci in locus order).
//
// Model (docs/model.md has the derivations and references):
//  * Without mutation the LR of a relationship with IBD coefficients (k0, k1, k2) is
//      LR = k0 + k1 P(B | A, IBD=1) / P(B | A, IBD=0) + k2 P(B | A, IBD=2) / P(B | A, IBD=0)
//    (Thompson 1975), where all founder alleles are drawn from one subpopulation with
//    the Balding-Nichols sampling formula: the next allele is x with probability
//    (c_x theta + (1 - theta) p_x) / (1 + (n - 1) theta) after n draws, c_x of them x
//    (NRC II 4.10 for the match case; Fung & Hu 2008 for relatives). theta = 0 is
//    Hardy-Weinberg.
//  * Other relationships with mutation go through the pedigree engine
//    (kinship/pedigree_lr.h) on the relationship's pedigree along the paternal line:
//    full siblings share father and mother; half siblings a father; id1 is id2's paternal
//    grandfather; id1 is the brother of id2's father; the cousins' fathers are brothers.
//    Sex-specific rates that differ are refused there (give the pedigree explicitly).
//  * parent-child with mutation: id1 (the parent, of sex `sex1`) transmits one of its
//    alleles through its mutation matrix; the child's other allele comes from the
//    untyped other parent, whose transmitted allele is drawn from the subpopulation
//    given id1's alleles and then passes through that parent's mutation matrix (p M,
//    not p: untyped founders are not pruned).
//  * A locus untyped in both persons has LR 1. A locus typed in exactly one person
//    ("one-sided") has the exact LR
//      LR = P(G_typed | relationship pedigree, the other untyped) / P(G_typed | unrelated)
//    (docs/model.md). Without mutation, or with a stationary mutation model (p M = p) at
//    theta = 0, it is exactly 1 and not computed; so is it when the typed person is a
//    founder of the relationship's pedigree (the parent in parent-child, the grandparent).
//    Otherwise (mutation with a non-stationary model, e.g. equal or stepwise, or any
//    mutation with theta > 0) the typed person's alleles arrive through mutated
//    transmissions from untyped founders and the LR differs from 1: it is computed with the
//    pedigree engine, added to the total and written to the per-locus values, but the locus
//    is NOT counted in `loci_compared` (which stays the number of loci typed in both).
//  * Without mutation an inconsistent locus has LR 0 and log10 LR -inf; NaN is never
//    a result. `loci_inconsistent` counts loci inconsistent with the relationship in
//    the absence of mutation, whether or not a mutation model explains them.
//
//   auto rel = kinship::ParseRelationship("full-siblings");
//   kinship::PairwiseOptions opts;  opts.theta = 0.01;
//   auto calc = kinship::PairwiseCalculator::Create(table, *rel, opts);
//   kinship::PairResult r = calc->Compute(profiles, i, profiles, j, nullptr);
//
// Thread safety: a PairwiseCalculator is immutable after Create; Compute may be
// called from many threads at once.
#ifndef KINSHIP_PAIRWISE_H_
#define KINSHIP_PAIRWISE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "kinship/locus.h"
#include "kinship/mutation.h"
#include "kinship/observation.h"
#include "kinship/pedigree.h"
#include "kinship/pedigree_lr.h"
#include "kinship/profile.h"

namespace kinship {

struct Relationship {
  std::string name;  // as the user wrote it, canonical: "parent-child", "ibd:0.25:0.5:0.25"
  double k0 = 1, k1 = 0, k2 = 0;
  bool parent_child = false;  // modelled by transmissions, so mutation applies
};

// "parent-child", "full-siblings", "half-siblings", "grandparent", "avuncular",
// "first-cousins", "unrelated", or "ibd:k0:k1:k2" (non-negative, summing to 1 within
// 1e-9). For parent-child, grandparent and avuncular, id1 is the older generation.
absl::StatusOr<Relationship> ParseRelationship(const std::string& text);

struct PairwiseOptions {
  double theta = 0;       // Balding-Nichols subpopulation correction, in [0, 1)
  MutationSpec mutation;  // applies to parent-child only (see Create)
  Sex sex1 = Sex::kUnknown;  // sex of id1 (the parent in parent-child)
  // kFamilias: Familias' pruning of untyped founders (see kinship/pedigree_lr.h); with
  // parent-child the untyped other parent then passes on an allele drawn from p, not p M.
  UntypedFounders untyped_founders = UntypedFounders::kExact;
};

struct PairResult {
  double log10_lr = 0;
  int loci_compared = 0;
  int loci_inconsistent = 0;
};

class PairwiseCalculator {
 public:
  // Errors: InvalidArgument for theta outside [0, 1); FailedPrecondition for a
  // mutation model with an `ibd:` relationship (no pedigree defines its transmissions),
  // for sex-specific rates that differ when sex1 is unknown (parent-child) or with any
  // other relationship; mutation-matrix errors as in BuildMutationMatrix.
  static absl::StatusOr<PairwiseCalculator> Create(const AlleleFreqTable& table,
                                                   const Relationship& rel,
                                                   const PairwiseOptions& options);

  // Linear LR at one locus for genotypes g1 (id1) and g2 (id2), both typed;
  // `*inconsistent` is set when the genotypes are incompatible with the relationship
  // without mutation.
  double LocusLr(int locus, GenotypeIdx g1, GenotypeIdx g2, bool* inconsistent) const;

  // LocusLr for id1's genotype g1 against every genotype of id2 (the same values), in one
  // pass where the pedigree engine is used: `lr` and `inconsistent` get one entry per
  // genotype of the locus.
  void LocusRow(int locus, GenotypeIdx g1, std::vector<double>* lr, std::vector<std::uint8_t>* inconsistent) const;

  // LR of sample i1 of `s1` (id1) against sample i2 of `s2` (id2), whose loci are the
  // table's loci. If `per_locus_log10_lr` is not null it receives one value per locus
  // (0 for loci not compared). Uncertain observations (a failed allele, a silent allele, or
  // the drop-out and drop-in `obs` gives the sample; kinship/observation.h) enter as their
  // evidence (EvidenceLocusLr, EvidenceOneSidedLr); without `obs` every sample has d = c = 0.
  PairResult Compute(const ProfileSet& s1, int i1, const ProfileSet& s2, int i2,
                     std::vector<double>* per_locus_log10_lr, const ObservationTable* obs = nullptr) const;

  // The LR at a locus of two observations given as their evidence w1 (id1) and w2 (id2),
  // P(O | G) per genotype (a certain genotype g: the indicator of g):
  //   Σ w1(g1) w2(g2) P_UN(g1, g2) LR(g1, g2) / Σ w1(g1) w2(g2) P_UN(g1, g2),
  // P_UN the unrelated pair's probability (Hardy-Weinberg, or the Balding-Nichols draw of
  // its four alleles). `*inconsistent` when every pair of genotypes with weight is.
  double EvidenceLocusLr(int locus, const std::vector<double>& w1, const std::vector<double>& w2,
                         bool* inconsistent) const;
  // OneSidedLr of an observation: Σ_g w(g) P(g) OneSidedLr(g) / Σ_g w(g) P(g).
  double EvidenceOneSidedLr(int locus, int person, const std::vector<double>& w) const;
  // The screen's row for id1 observed with evidence w1: for every genotype g of id2,
  // lr[g] = Σ_r w1(r) P_UN(r, g) LR(r, g) / v[g] with v[g] = Σ_r w1(r) P_UN(r, g) (id2's
  // weights under unrelated, ScoreTables' victim weights); inconsistent[g] when every r with
  // weight is.
  void EvidenceRow(int locus, const std::vector<double>& w1, std::vector<double>* lr,
                   std::vector<std::uint8_t>* inconsistent, std::vector<double>* v) const;
  // The victim weights of the row of id1 = g1 (kUntyped: id1 untyped), up to a constant:
  // P_UN(g1, g) per genotype g of id2 (P(g) for kUntyped).
  void VictimWeights(int locus, GenotypeIdx g1, std::vector<double>* v) const;
  // The table's locus (for the observation model).
  const Locus& locus(int l) const { return observed_loci_[l]; }

  // True when a locus typed in one person only may have an LR other than 1 (see above):
  // then Compute and the screen use OneSidedLr / OneSidedRow there.
  bool one_sided() const { return one_sided_; }
  // Linear LR at a locus where only `person` (0 = id1, 1 = id2) is typed, of genotype g;
  // 1 when !one_sided() or when that person is a founder of the relationship's pedigree.
  // theta = 0: a table lookup; theta > 0: two engine evaluations (as LocusLr).
  double OneSidedLr(int locus, int person, GenotypeIdx g) const;
  // OneSidedLr for every genotype of the locus (the same values), into `lr`.
  void OneSidedRow(int locus, int person, std::vector<double>* lr) const;

  const Relationship& relationship() const { return rel_; }

 private:
  struct LocusData {
    std::vector<double> freqs;
    int allele_ct = 0;
    MutationMatrix m_parent;  // id1's transmissions (parent-child with mutation)
    MutationMatrix m_other;   // the untyped other parent's transmissions
    std::vector<double> p_m_other;  // p * m_other
  };
  PairwiseCalculator() = default;
  double IbdLr(const LocusData& d, AllelePair a, AllelePair b, bool* inconsistent) const;
  double ParentChildMutationLr(const LocusData& d, AllelePair a, AllelePair b,
                               bool* inconsistent) const;

  absl::Status SetUpEngine(const AlleleFreqTable& table, const PairwiseOptions& options);
  absl::Status SetUpOneSided(const AlleleFreqTable& table, const PairwiseOptions& options, Sex sex1);
  double EngineLr(int locus, GenotypeIdx g1, GenotypeIdx g2) const;
  void EngineRow(int locus, GenotypeIdx g1, std::vector<double>* lr) const;

  Relationship rel_;
  double theta_ = 0;
  std::vector<Locus> observed_loci_;  // the table's loci, for the observation model
  bool mutation_ = false;
  bool familias_ = false;  // UntypedFounders::kFamilias
  std::vector<LocusData> loci_;
  // Relationships other than parent-child with mutation: their pedigree (id1 and id2 at
  // indices engine_a_, engine_b_), the unrelated pair, and the per-locus models.
  bool use_engine_ = false;
  Pedigree engine_ped_, engine_unrelated_;
  int engine_a_ = -1, engine_b_ = -1;
  std::vector<PedigreeLocusModel> engine_models_;
  // One-sided loci: the relationship's pedigree (id1, id2 at onesided_who_), a singleton,
  // the per-locus models; onesided_active_[person][locus] when that person typed alone can
  // have an LR other than 1 there, and then (theta = 0) onesided_lr_[person][locus] holds
  // the linear LR per genotype.
  bool one_sided_ = false;
  Pedigree onesided_ped_, onesided_single_;
  int onesided_who_[2] = {-1, -1};
  std::vector<PedigreeLocusModel> onesided_models_;
  std::vector<std::uint8_t> onesided_active_[2];
  std::vector<std::vector<double>> onesided_lr_[2];
};

// One hypothesis against another for the same pair ("full siblings or half siblings?",
// "father or uncle?"): LR = P(data | h1) / P(data | h2). Per locus it is the ratio of the two
// relationships' LRs against unrelated, which share their denominator P(data | unrelated), so
// it is exact with θ and mutation alike: log10 LR(h1 : h2) = log10 LR(h1) - log10 LR(h2).
// A locus impossible under h2 alone gives +inf; impossible under both (0/0: the data exclude
// both hypotheses) is a FailedPrecondition naming the locus, never NaN. `loci_compared` and
// `loci_inconsistent` are h1's. `per_locus_log10_lr`, when not null, gets one value per locus.
// Data excluded by h1 at one locus and by h2 at another are likewise impossible under both.
// REQUIRES: h1 and h2 were created over `table`; s1/s2 bound to it.
absl::StatusOr<PairResult> ComparePair(const AlleleFreqTable& table, const PairwiseCalculator& h1, const PairwiseCalculator& h2,
                                       const ProfileSet& s1, int i1, const ProfileSet& s2, int i2,
                                       std::vector<double>* per_locus_log10_lr, const ObservationTable* obs = nullptr);

// True when, under `model`, a locus typed in one person only can have an LR other than 1
// in a pedigree without inbreeding: mutation with theta > 0, or mutation with a matrix
// (fathers' or mothers') that is not stationary, i.e. |(p M)_j - p_j| > 1e-10 p_j for
// some allele j (equal, stepwise; proportional is stationary up to rounding when the
// frequencies sum to 1, and a relative 1e-10 moves log10 LR by less than 1e-9).
bool OneSidedLociInformative(const PedigreeLocusModel& model);

}  // namespace kinship

#endif  // KINSHIP_PAIRWISE_H_
