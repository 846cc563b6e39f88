// File: stats/peeling_theta.h (private)
//
// The pedigree engine at theta > 0 (Balding-Nichols: all founder alleles drawn jointly
// from one subpopulation, see stats/population.h). Both return the likelihood of the
// genotypes `g` over the pruned problem `p` as one entry with its scale.
//
// Without mutation, InheritanceTheta sums over inheritance vectors (below).
//
// With mutation, PartitionTheta: typed founder alleles T are drawn first (their
// probability is a constant); the k untyped founder alleles after them, the j-th
// (j = 0, 1, ...) with probability (c θ + (1-θ) p_x)/(1 + (|T| + j - 1) θ), c counting x
// among T and the untyped alleles drawn before. Expanding the product, each untyped
// allele is either "new" (weight w(x) = (1-θ) p_x + θ c_T(x)) or a copy of an earlier
// untyped allele (weight θ). Grouping copies gives a sum over set partitions of the
// untyped founder alleles: alleles in a block are one variable with weight
// w(x) θ^{s-1} (s-1)!, s the block size, and the whole is divided by
// Π_{j=0}^{k-1} (1 + (|T| + j - 1) θ). One elimination per partition; exact. The sums add
// terms carried with their own scales (ScaledSum, a log-sum-exp in base 2).
#ifndef KINSHIP_STATS_PEELING_THETA_H_
#define KINSHIP_STATS_PEELING_THETA_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "kinship/pedigree.h"
#include "kinship/pedigree_lr.h"
#include "stats/pedigree_factors.h"

namespace kinship::internal {

// theta > 0 without mutation: sum over inheritance vectors. Given which founder allele
// each non-founder allele copies (one bit per meiosis, probability 1/2 each), the typed
// genotypes fix the values of the founder alleles they reach (both phases of a
// heterozygote are tried); the reached founder alleles are a Balding-Nichols sample, whose
// probability is the ordered draw probability, and founder alleles reached by nobody sum out
// (the sampling formula is exchangeable). Exact, loops included; 2^(meioses) vectors.
// ResourceExhausted past limits.max_meioses_theta.
absl::StatusOr<ScaledTable> InheritanceTheta(const Pedigree& ped, const std::vector<GenotypeIdx>& g,
                                             const Problem& p, const PedigreeLocusModel& model,
                                             const EngineLimits& limits);

// theta > 0 without mutation, the whole family table in one sum over inheritance vectors.
// `p` is Prune(ped, g, target, ...) with `target` (the missing person) untyped. Returns,
// for every genotype h of the target (GenotypeIndex order), with one common scale:
//   joint[h]  = P(refs, target = h)          (H1 of the missing-person LR),
//   victim[h] = P(refs, V = h), V an extra founder of the same subpopulation (H2).
// Per inheritance vector and per phase assignment of the references, the references fix
// n founder alleles with counts c_x, drawn with probability P; the target's alleles are
// copies of founder alleles that are either fixed (contributing P to one entry) or free,
// each free one a further Balding-Nichols draw (c_x θ + (1-θ) p_x)/(1 + (n'-1) θ), n' the
// alleles drawn before it. Expanding these products in c_x, the terms of the sum are
// accumulated as moments Σ P / d, Σ P c_x / d, Σ P c_x c_y / d (x, y among the references'
// alleles; d the draws' denominators) and the table follows in O(1) per genotype (docs/
// model.md, "θ in pedigrees"). All terms are nonnegative: no cancellation, and exactly the
// old per-genotype sums regrouped. Terms more than ~2^1000 below the largest are lost
// (subnormal). ResourceExhausted past limits.max_meioses_theta.
struct ThetaFamilyTables {
  ScaledTable joint;
  ScaledTable victim;  // same log2_scale as joint
};
absl::StatusOr<ThetaFamilyTables> InheritanceThetaTables(const Pedigree& ped, const std::vector<GenotypeIdx>& g,
                                                         int target, const Problem& p,
                                                         const PedigreeLocusModel& model,
                                                         const EngineLimits& limits);

// The family table genotype by genotype (two exact likelihoods per genotype, any theta,
// with or without mutation): the reference the one-pass tables are tested against. Same
// contract as kinship::FamilyTable. Defined in stats/peeling.cc.
absl::StatusOr<std::vector<double>> FamilyTableByGenotype(const Pedigree& ped,
                                                          const std::vector<GenotypeIdx>& genotypes, int target,
                                                          const PedigreeLocusModel& model,
                                                          const EngineLimits& limits = {});

// theta > 0 with mutation: the expansion over set partitions (above). ResourceExhausted
// past limits.max_untyped_founder_alleles_theta, or from an elimination.
absl::StatusOr<ScaledTable> PartitionTheta(const Pedigree& ped, const std::vector<GenotypeIdx>& g,
                                           const Problem& p, const PedigreeLocusModel& model,
                                           const EngineLimits& limits);

// theta > 0, with or without mutation: the whole family table over the set partitions of
// the free founder alleles (above; one per orbit under swapping an untyped founder's two
// alleles), the same contract as InheritanceThetaTables (`target` untyped). H1, a non-founder
// target without typed descendants: its parents' four pair marginals per partition (one
// elimination when a parent is typed), the mutation matrices applied once to their sum;
// otherwise one elimination per partition keeping the target's two alleles (a founder
// target's alleles are free founder alleles). H2: the victim's alleles drawn after all
// founder alleles, P(V = (x, y) | founders) is quadratic in the counts of x and y among the
// free founder alleles, so each partition contributes its likelihood, its blocks' marginals
// and their pairs' joint marginals: one elimination per pair of blocks (one when there are
// fewer than two). ResourceExhausted past limits.max_untyped_founder_alleles_theta, or
// from an elimination.
absl::StatusOr<ThetaFamilyTables> PartitionThetaTables(const Pedigree& ped, const std::vector<GenotypeIdx>& g,
                                                       int target, const PedigreeLocusModel& model,
                                                       const EngineLimits& limits);

// first(), or second() when first() is past its limits (ResourceExhausted); past both,
// ResourceExhausted naming both. The two exact theta methods' fallback.
template <typename T, typename First, typename Second>
absl::StatusOr<T> FirstWithinLimits(First first, Second second) {
  absl::StatusOr<T> a = first();
  if (a.ok() || a.status().code() != absl::StatusCode::kResourceExhausted) return a;
  absl::StatusOr<T> b = second();
  if (b.ok() || b.status().code() != absl::StatusCode::kResourceExhausted) return b;
  return absl::ResourceExhaustedError(absl::StrCat(a.status().message(), "; and ", b.status().message()));
}

// The family tables at theta > 0 by the cheaper of the two methods for this family and
// locus (with mutation only the partitions apply), falling back to the other when the
// first is past its limits; ResourceExhausted when both are, naming both limits.
absl::StatusOr<ThetaFamilyTables> ThetaTables(const Pedigree& ped, const std::vector<GenotypeIdx>& g, int target,
                                              const PedigreeLocusModel& model, const EngineLimits& limits);

}  // namespace kinship::internal

#endif  // KINSHIP_STATS_PEELING_THETA_H_
