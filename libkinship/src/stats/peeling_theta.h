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

// theta > 0 with mutation: the expansion over set partitions (above). ResourceExhausted
// past limits.max_untyped_founder_alleles_theta, or from an elimination.
absl::StatusOr<ScaledTable> PartitionTheta(const Pedigree& ped, const std::vector<GenotypeIdx>& g,
                                           const Problem& p, const PedigreeLocusModel& model,
                                           const EngineLimits& limits);

}  // namespace kinship::internal

#endif  // KINSHIP_STATS_PEELING_THETA_H_
