// File: kinship/mutation.h
//
// Mutation models for parent-to-child transmissions of STR alleles, with the
// parameter meanings of the pedmut R package (and Familias), so numbers are
// comparable with those tools. M[i][j] is the probability that a parent's allele i
// is received by the child as allele j; rows sum to 1 when the frequencies do.
//
//  * equal:        M[i][j] = rate/(n-1) (j != i); M[i][i] = 1 - rate.
//  * proportional: a = rate / sum_k p_k (1 - p_k); M[i][j] = a p_j (j != i);
//                  M[i][i] = 1 - a + a p_i. The expected mutation rate is `rate`;
//                  the model is stationary (p M = p).
//  * stepwise:     alleles read as repeat numbers (`9.3`: 9.3, microvariant class 3).
//                  To an allele j of i's class: rate * range^|x_i - x_j| / S, S the
//                  sum of range^|x_i - x_k| over the other alleles k of that class;
//                  to an allele of another class: rate2 / m, m the number of such
//                  alleles; M[i][i] = 1 - rate - rate2, or 1 - rate when every allele
//                  is in i's class, or 1 - rate2 when i is alone in its class.
//  * extended-stepwise: Familias' name for the same matrix with microvariant
//                  mutations switched on; kinship requires rate2 > 0 with it, so a
//                  report's model name says which variant was used.
//
// A model with a rate of 0 is the identity. Rates may differ between the sexes
// (`MutationSpec::male`, `female`) and per locus (`per_locus_rates`).
//
// Transformations (pedmut's `mutationMatrix(transform = ...)`), applied to the matrix M
// above with the locus frequencies p as in the table; R(M) = 1 - sum_i p_i M_ii is the
// overall mutation rate (pedmut::mutRate; = sum_i p_i (1 - M_ii) when sum_i p_i = 1):
//  * PM (Simonsson & Mostad 2016; Familias' `stabilize`): v the stationary vector of M,
//       d_i = R(M) v_i / ((1 - sum_j M_jj v_j) p_i), S = I + diag(d) (M - I);
//       stationary (p S = p) with R(S) = R(M). Refused if some d_i (1 - M_ii) > 1.
//  * MH (Metropolis-Hastings): T_ij = M_ij min(1, p_j M_ji / (p_i M_ij)), i != j;
//  * BA (Barker):              T_ij = M_ij p_j M_ji / (p_i M_ij + p_j M_ji), i != j;
//       then S = a T + (1 - a) I with a = R(M) / R(T) (rate restored); refused if
//       R(M) > R(T) / (1 - min_i T_ii).
//  * PR (preserved rate): S_ij = (p_i M_ij + p_j M_ji) / (2 p_i), i != j; refused if some
//       sum_i p_i M_ij > p_j (1 + 2 M_jj) (a negative diagonal).
// MH, BA and PR are reversible (p_i S_ij = p_j S_ji); all four are stationary. The identity
// stays the identity under every transformation. See docs/model.md.
#ifndef KINSHIP_MUTATION_H_
#define KINSHIP_MUTATION_H_

#include <map>
#include <string>

#include <Eigen/Core>

#include "absl/status/statusor.h"
#include "kinship/locus.h"

namespace kinship {

enum class MutationModel { kNone, kEqual, kProportional, kStepwise, kExtendedStepwise };

// "none", "equal", "proportional", "stepwise", "extended-stepwise".
absl::StatusOr<MutationModel> ParseMutationModel(const std::string& name);
const char* MutationModelName(MutationModel model);

enum class MutationTransform { kNone, kPM, kMH, kBA, kPR };

// "none", "PM", "MH", "BA", "PR" (case-insensitive).
absl::StatusOr<MutationTransform> ParseMutationTransform(const std::string& name);
const char* MutationTransformName(MutationTransform transform);

// Per-locus mutation rates, per sex of the parent (ReadMutationRates in kinship/io.h reads
// them from a file).
struct LocusRates {
  double male;
  double female;
};

struct MutationParams {
  MutationModel model = MutationModel::kNone;
  double rate = 0;     // total rate of (integer-step) mutations
  double rate2 = 0;    // stepwise: rate of mutations to another microvariant class
  double range = 0.5;  // stepwise: relative probability of n+1 versus n steps
  MutationTransform transform = MutationTransform::kNone;  // applied to the matrix of `model`
};

// The mutation model of a run: one model, sex-specific rates, optional per-locus
// rates (which replace `male.rate` and `female.rate` for that locus).
struct MutationSpec {
  MutationParams male;
  MutationParams female;
  std::map<std::string, LocusRates> per_locus_rates;  // canonical locus name -> rates

  bool enabled() const { return male.model != MutationModel::kNone; }
  // The parameters for a transmission from a parent of `sex` at `locus`.
  // REQUIRES: sex != kUnknown.
  MutationParams ParamsFor(const std::string& locus, Sex sex) const;
};

// Row-major so that M.row(i) (the distribution of what allele i becomes) is contiguous.
using MutationMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// Builds the n x n matrix of `params` over the alleles of `locus`.
// Errors: InvalidArgument for rates outside [0, 1], rate + rate2 > 1, range <= 0,
// an impossible proportional matrix (a > 1), extended-stepwise with rate2 == 0, or a
// stepwise model on a locus with an allele label that is not a repeat number
// (`OL`); the message names the locus and the allele. With `params.transform`, the
// transformed matrix; FailedPrecondition (naming the locus, the model, the method and the
// allele) where the transformation does not exist for the locus' frequencies.
absl::StatusOr<MutationMatrix> BuildMutationMatrix(const Locus& locus,
                                                   const MutationParams& params);

// The transformation `transform` of a matrix `m` over the alleles of `locus` (m must be
// locus.allele_ct() square with rows summing to 1), using the frequencies of `locus`;
// `model` only names the model in error messages. Errors as BuildMutationMatrix.
absl::StatusOr<MutationMatrix> TransformMutationMatrix(const Locus& locus, MutationModel model,
                                                       MutationTransform transform,
                                                       const MutationMatrix& m);

}  // namespace kinship

#endif  // KINSHIP_MUTATION_H_
