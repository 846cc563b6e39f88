// File: stats/pedigree_factors.h (private)
//
// From a pedigree to factors: pruning the members that do not matter, and one variable
// elimination over each kept person's paternal and maternal allele (ids 2i and 2i+1 of
// the kept index i), over the locus' alleles; a typed person's alleles are restricted to
// its genotype. Factors:
//  * founder alleles: a weight per allele (p at theta = 0; see stats/peeling_theta.h);
//  * a typed heterozygote {a, b}: [P != M] over P, M in {a, b};
//  * a child c of father f: T(P_f, M_f, P_c) = (Mm[P_f][P_c] + Mm[M_f][P_c]) / 2 with the
//    father's mutation matrix Mm (identity without mutation); likewise M_c from the mother;
//  * an untyped founder with at most four children, at theta = 0: summed out in closed
//    form (one factor over its children's alleles).
#ifndef KINSHIP_STATS_PEDIGREE_FACTORS_H_
#define KINSHIP_STATS_PEDIGREE_FACTORS_H_

#include <array>
#include <span>
#include <vector>

#include "absl/status/statusor.h"
#include "kinship/locus.h"
#include "kinship/pedigree.h"
#include "kinship/pedigree_lr.h"

namespace kinship::internal {

// The pruned problem: persons kept, their domains.
struct Problem {
  std::vector<int> persons;        // original indices of kept persons
  std::vector<int> local;          // original index -> kept index or -1
  std::vector<std::span<const int>> domain;  // per variable (2 per kept person): allele indices
  // Storage the domains point into (never reallocated after they are set).
  std::vector<int> all_alleles;
  std::vector<std::array<int, 2>> typed_alleles;
};

// Whether some member is marked kEvidence (kinship/pedigree_lr.h).
inline bool HasEvidence(const std::vector<GenotypeIdx>& g) {
  for (GenotypeIdx x : g)
    if (x == kEvidence) return true;
  return false;
}

// needed[i] != 0 for the members that matter for genotypes `g` and the person `target`
// (-1: none): the typed ones, the target, `also_needed`, and their ancestors (an untyped
// member without typed descendants sums to 1).
std::vector<char> NeededMembers(const Pedigree& ped, const std::vector<GenotypeIdx>& g, int target,
                                std::span<const int> also_needed = {});

// The members that matter for genotypes `g` and the person `target` (-1: none): the
// typed ones, the target, and their ancestors (an untyped member without typed
// descendants sums to 1). Domains over `allele_ct` alleles. `also_needed`: further members
// kept (with their ancestors) though untyped.
Problem Prune(const Pedigree& ped, const std::vector<GenotypeIdx>& g, int target, int allele_ct,
              std::span<const int> also_needed = {});

// One elimination over the allele variables of the pruned problem `p`. `rep[v]`: the
// variable that stands for v as a parent's allele in transmissions (v itself, or the first
// founder allele of its block in PartitionTheta). `unary_in[v]`: the weights of variable
// v's alleles, or null (p on founder alleles at theta = 0; w on each block's first allele
// in PartitionTheta). `target_local` (kept index or -1): its two variables are kept and the
// result is the table over them (paternal allele first); else one entry, the likelihood.
// `collapse_founders` (theta = 0 only): untyped founders with at most four children are
// summed out in closed form, and Familias' pruning is applied (see UntypedFounders).
// `keep_vars` (sorted, unique; target_local must be -1): keep these variables instead, the
// result a table over them (row-major, the last fastest). ResourceExhausted (naming the
// family) past `limits`.
absl::StatusOr<ScaledTable> EliminatePedigree(const Pedigree& ped, const std::vector<GenotypeIdx>& g,
                                              const Problem& p, const PedigreeLocusModel& model,
                                              const std::vector<int>& rep,
                                              const std::vector<const std::vector<double>*>& unary_in,
                                              int target_local, const EngineLimits& limits,
                                              bool collapse_founders = false,
                                              const std::vector<int>* keep_vars = nullptr);

}  // namespace kinship::internal

#endif  // KINSHIP_STATS_PEDIGREE_FACTORS_H_
