// File: stats/nuclear.h (private)
//
// Family tables at theta = 0 for nuclear families, without the eliminator. A family is
// nuclear when the members that matter (stats/pedigree_factors.h, Prune) are two founders F
// and M and children of both, every child typed except the missing person, who is one of the
// children or one of the founders. Then, with the founders' allele pairs F = (F1, F2) and
// M = (M1, M2) (independent draws from p; a typed founder's pair one of its two orders), a
// child typed {a, b} has probability Σ over its phases (z, z') of T_f(F, z) T_m(M, z'),
// T_f(F, z) = (Mf[F1][z] + Mf[F2][z]) / 2 (Mf the fathers' mutation matrix, the identity
// without mutation), and the product over the children expands over phase vectors φ:
//   L(F, M) = Σ_φ A_φ(F) B_φ(M),  A_φ(F) = Π_c T_f(F, z_c(φ)),  B_φ(M) = Π_c T_m(M, z'_c(φ)).
// A missing child (x, y) adds T_f(F, x) T_m(M, y), so
//   P(refs, MP = (x, y)) = Σ_φ a_φ(x) b_φ(y),  a_φ(x) = Σ_F p(F1) p(F2) A_φ(F) T_f(F, x)
//                                                   = Σ_F1 Mf[F1][x] Σ_F2 p(F1) p(F2) A_φ(F)
// (A_φ is symmetric in F1 and F2), O(n²) per phase vector for n alleles; a missing father
// (x, y) gives p_x p_y Σ_φ A_φ(x, y) Σ_M p(M1) p(M2) B_φ(M). The references' likelihood is
// Σ_φ α_φ β_φ over the other children, with a founder that has no typed child and is untyped
// left out (it sums to 1 there, as the eliminator prunes it). Two generations: a parent of a
// missing child may be an untyped child of two founders (with typed siblings or none); its
// prior over its ordered alleles is then that family's ordered table (docs/model.md). Exact;
// equal to the eliminator's tables to 1e-12 relative (tests/stats/nuclear_test.cc), the
// sums regrouped.
#ifndef KINSHIP_STATS_NUCLEAR_H_
#define KINSHIP_STATS_NUCLEAR_H_

#include <optional>
#include <vector>

#include "kinship/pedigree.h"
#include "kinship/pedigree_lr.h"

namespace kinship::internal {

// The joint table over the missing person's genotypes (GenotypeIndex order, as
// JointWithTarget) and the references' likelihood, both linear; nullopt when the family is
// not nuclear at this locus, theta != 0, the untyped founders are treated as Familias does,
// or there are more than `kMaxNuclearPhaseVectors` phase vectors (the eliminator is used).
struct NuclearTables {
  std::vector<double> joint;
  double refs = 0;
};
inline constexpr int kMaxNuclearPhaseVectors = 64;
std::optional<NuclearTables> NuclearFamilyTables(const Pedigree& ped, const std::vector<GenotypeIdx>& g, int target,
                                                 const PedigreeLocusModel& model);

}  // namespace kinship::internal

#endif  // KINSHIP_STATS_NUCLEAR_H_
