// File: kinship/pedigree_lr.h
//
// Exact pedigree likelihoods per locus and missing-person likelihood ratios.
//
// The engine (variable elimination over each person's paternal and maternal allele,
// the allele-level form of Elston-Stewart peeling) sums over the genotypes of every
// untyped member, with founders drawn from the allele frequencies (Hardy-Weinberg) or
// jointly from one subpopulation (theta, Balding-Nichols), and every transmission
// passing through the parent's sex-specific mutation matrix. Pedigrees with loops are
// computed exactly; a pedigree whose exact computation would need more memory than
// `EngineLimits` allows is rejected with ResourceExhausted, never approximated.
//
// Missing-person LR for a victim of genotype g at a locus (H1: the victim is the missing
// person; H2: the victim is unrelated and the missing person untyped):
//   LR(g) = P(references, MP = g) / (P(references) P(V = g))
// with P(V = g) the victim's own probability (Hardy-Weinberg when theta = 0). The family
// table is the vector of LR(g) over every genotype g, computed in one pass per locus.
//
//   kinship::PedigreeLocusModel model = ...;  // BuildPedigreeModels or PedigreeLocusModel::Create
//   auto table = kinship::FamilyTable(ped, genotypes, mp, model);
//   double lr = (*table)[kinship::GenotypeIndex(a, b)];
#ifndef KINSHIP_PEDIGREE_LR_H_
#define KINSHIP_PEDIGREE_LR_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "kinship/locus.h"
#include "kinship/mutation.h"
#include "kinship/pedigree.h"

namespace kinship {

// How untyped founders transmit (theta = 0 only; theta > 0 is always exact).
//  * kExact: an untyped founder's alleles are drawn from p and every transmission passes
//    through the parent's mutation matrix, so a child receives p M from it.
//  * kFamilias: Familias' pruning (reproduces Familias 2.6.4). Familias reduces the
//    pedigree once for the whole case: members with data at some locus, and their
//    ancestors, are kept. A founder without data at any locus (see
//    EngineLimits::typed_anywhere; the missing person when a victim stands there has
//    data) that has exactly ONE child in that reduced pedigree transmits to it an allele
//    drawn from p, without the mutation step. Every other transmission is exact: from a
//    founder with two or more such children, and from a founder that has data at some
//    locus but not at this one. Differs from kExact only with a non-stationary mutation
//    model (p M != p: equal, stepwise), and only at theta = 0 (with theta > 0 Familias
//    is exact). See docs/model.md.
enum class UntypedFounders { kExact, kFamilias };

// A table of nonnegative values carried with a power-of-two scale, so that likelihoods far
// below the smallest double stay exact: value[i] = mantissa[i] * 2^log2_scale. The
// engine rescales every intermediate factor so that its largest entry lies in [1/2, 1)
// (MERLIN's rescaling, by exact powers of two) and accumulates the exponents.
struct ScaledTable {
  std::vector<double> mantissa;
  std::int64_t log2_scale = 0;
  // log10 of entry i; -inf when it is 0.
  double Log10(size_t i) const;
  // The linear value of entry i (underflows to 0 or overflows to inf when out of range).
  double Linear(size_t i) const;
};

// What the engine needs at one locus: the allele frequencies p, the fathers' and mothers'
// mutation matrices (both empty = no mutation), theta and the untyped-founder mode, with
// the quantities the engine derives from them once: for fathers (side 0) and mothers
// (side 1), p M (the allele an untyped founder transmits) and
// Q[x][y] = Σ_a p_a M[a][x] M[a][y] (two transmissions of one founder allele), M the
// identity without mutation; and Σ p. Immutable, so the derived quantities cannot go
// stale: build it with Create (or BuildPedigreeModels for a whole table). Copyable;
// thread-safe to read.
class PedigreeLocusModel {
 public:
  // The model of one locus. `male` and `female` are both empty (no mutation) or both
  // allele_ct x allele_ct. The frequencies are not checked (a NaN among them makes the
  // engine's results an Internal error). Errors: InvalidArgument when theta is outside
  // [0, 1) or a matrix has the wrong shape.
  static absl::StatusOr<PedigreeLocusModel> Create(
      std::vector<double> freqs, MutationMatrix male, MutationMatrix female, double theta,
      UntypedFounders untyped_founders = UntypedFounders::kExact);

  const std::vector<double>& freqs() const { return freqs_; }
  const MutationMatrix& male() const { return male_; }      // fathers' transmissions
  const MutationMatrix& female() const { return female_; }  // mothers' transmissions
  double theta() const { return theta_; }
  UntypedFounders untyped_founders() const { return untyped_founders_; }
  int allele_ct() const { return static_cast<int>(freqs_.size()); }
  bool mutation() const { return male_.size() > 0; }

  // Derived: p M and Q for fathers (side 0) and mothers (side 1), and Σ p (see above).
  const std::vector<double>& p_m(int side) const { return p_m_[side]; }
  const MutationMatrix& pair_moment(int side) const { return pair_moment_[side]; }
  double freq_sum() const { return freq_sum_; }

 private:
  PedigreeLocusModel() = default;

  std::vector<double> freqs_;
  MutationMatrix male_;
  MutationMatrix female_;
  double theta_ = 0;
  UntypedFounders untyped_founders_ = UntypedFounders::kExact;
  std::vector<double> p_m_[2];
  MutationMatrix pair_moment_[2];
  double freq_sum_ = 0;
};

// One model per locus of `table`.
absl::StatusOr<std::vector<PedigreeLocusModel>> BuildPedigreeModels(
    const AlleleFreqTable& table, const MutationSpec& mutation, double theta,
    UntypedFounders untyped_founders = UntypedFounders::kExact);

// "exact" or "familias" (InvalidArgument otherwise), and back.
absl::StatusOr<UntypedFounders> ParseUntypedFounders(const std::string& text);
const char* UntypedFoundersName(UntypedFounders mode);

// A member whose genotype is uncertain (kinship/observation.h: drop-out, drop-in, a failed
// allele, a silent allele) is marked kEvidence in the genotypes given to the engine, and its
// evidence, P(O | G) for every genotype G of the locus (GenotypeIndex order), is
// EngineLimits::evidence[member]. The engine then sums over its true genotypes with these
// weights: L = Σ_G P(G | pedigree) Π P(O_i | G_i). Exact in every method; at theta > 0 such a
// founder's alleles are drawn as an untyped founder's (set partitions), and the one-pass
// theta family tables give way to the genotype-by-genotype table.
inline constexpr GenotypeIdx kEvidence = 0xFFFE;
// Per member: the evidence of a member marked kEvidence, empty for the others.
using MemberEvidence = std::vector<std::vector<double>>;
// A family's evidence per locus (`[locus][member]`); empty when no member has any.
using FamilyEvidence = std::vector<MemberEvidence>;

struct EngineLimits {
  // Largest intermediate factor, in entries (8 bytes each).
  std::int64_t max_factor_entries = std::int64_t{1} << 26;
  // theta > 0 without mutation: most meioses (2 per non-founder with typed descendants)
  // the sum over inheritance vectors handles (2^meioses vectors); past it the set
  // partitions below are tried.
  int max_meioses_theta = 20;
  // theta > 0 with mutation (and without, past the meioses): most untyped founder alleles
  // (after pruning) the exact expansion over their set partitions handles (Bell(8) = 4140
  // partitions, fewer by symmetry).
  int max_untyped_founder_alleles_theta = 8;
  // UntypedFounders::kFamilias only: typed_anywhere[i] != 0 when member i has a genotype
  // at some locus of the case (Familias reduces the pedigree once, by who has any data,
  // not per locus). Empty: the genotypes of the locus computed decide. Not a limit, but
  // carried here because every engine entry point takes this struct.
  std::vector<char> typed_anywhere;
  // The evidence of the members marked kEvidence (see above), indexed by member; not owned.
  // Not a limit either: carried here for the same reason.
  const MemberEvidence* evidence = nullptr;
};

// log10 P(observed genotypes) at one locus, computed with rescaling so that it is exact
// however small the likelihood (e.g. hundreds of typed founders with rare alleles); -inf
// when the genotypes are impossible. Errors as PedigreeLikelihood; Internal if a NaN
// arises (a bug).
absl::StatusOr<double> PedigreeLog10Likelihood(const Pedigree& ped,
                                               const std::vector<GenotypeIdx>& genotypes,
                                               const PedigreeLocusModel& model,
                                               const EngineLimits& limits = {});

// P(observed genotypes) at one locus: `genotypes[i]` is person i's genotype or kUntyped.
// A heterozygote counts both phases (2pq for a founder). Errors: ResourceExhausted past
// the limits. The linear value of PedigreeLog10Likelihood: it underflows to 0 below
// ~1e-308 (use PedigreeLog10Likelihood or the ratios below, which do not).
absl::StatusOr<double> PedigreeLikelihood(const Pedigree& ped,
                                          const std::vector<GenotypeIdx>& genotypes,
                                          const PedigreeLocusModel& model,
                                          const EngineLimits& limits = {});

// For each genotype g of person `target` (who must be untyped in `genotypes`), the joint
// probability P(observed genotypes, target = g), in one elimination pass.
// REQUIRES: model.theta == 0 (InvalidArgument otherwise).
absl::StatusOr<std::vector<double>> JointWithTarget(const Pedigree& ped,
                                                    const std::vector<GenotypeIdx>& genotypes,
                                                    int target, const PedigreeLocusModel& model,
                                                    const EngineLimits& limits = {});

// JointWithTarget with its scale: P(observed, target = g) = mantissa[g] * 2^log2_scale.
absl::StatusOr<ScaledTable> JointWithTargetScaled(const Pedigree& ped,
                                                  const std::vector<GenotypeIdx>& genotypes,
                                                  int target, const PedigreeLocusModel& model,
                                                  const EngineLimits& limits = {});

// The family table at one locus: LR(g) for every genotype g of the missing person
// `target`, as defined above. theta = 0 uses one pass (JointWithTarget); theta > 0
// without mutation one sum over inheritance vectors for the whole table (docs/model.md);
// theta > 0 with mutation computes both hypotheses per genotype. FailedPrecondition when the references are
// impossible under the pedigree (P(references) = 0). Numerator and denominator are each
// carried with their scale, so the ratio is exact even when both are below ~1e-308.
// `victim_weights`, when not null, gets the victim's genotype weights under H2 up to a
// constant, P(V = g | references) (Hardy-Weinberg at theta = 0): an uncertain observation of
// the victim with evidence w has LR Σ_g w(g) v(g) LR(g) / Σ_g w(g) v(g) (the screen's
// observation columns; kinship/observation.h).
absl::StatusOr<std::vector<double>> FamilyTable(const Pedigree& ped,
                                                const std::vector<GenotypeIdx>& genotypes,
                                                int target, const PedigreeLocusModel& model,
                                                const EngineLimits& limits = {},
                                                std::vector<double>* victim_weights = nullptr);

// FamilyTable as log10 LR(g) (-inf where LR(g) = 0), finite however small the numerator
// and denominator are and however large their ratio.
absl::StatusOr<std::vector<double>> FamilyLog10Table(const Pedigree& ped,
                                                     const std::vector<GenotypeIdx>& genotypes,
                                                     int target, const PedigreeLocusModel& model,
                                                     const EngineLimits& limits = {});

// The LR at one locus for a victim of genotype g (both hypotheses computed directly;
// any theta). Returns LR(g); FailedPrecondition as in FamilyTable.
absl::StatusOr<double> MissingPersonLocusLr(const Pedigree& ped,
                                            const std::vector<GenotypeIdx>& genotypes,
                                            int target, GenotypeIdx victim,
                                            const PedigreeLocusModel& model,
                                            const EngineLimits& limits = {});

}  // namespace kinship

#endif  // KINSHIP_PEDIGREE_LR_H_
