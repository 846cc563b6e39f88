// Exact pedigree likelihoods by variable elimination (see kinship/pedigree_lr.h): the
// model, the engine's entry points, and the ratios built from likelihoods.
//
// The engine is in three parts:
//  * stats/eliminator.h: the factor algebra (factors, products, elimination in a planned
//    greedy order, MERLIN's rescaling), independent of pedigrees;
//  * stats/pedigree_factors.h: from a pedigree to factors (pruning, transmissions, closed-
//    form untyped founders) and one elimination;
//  * stats/peeling_theta.h: theta > 0 (inheritance vectors; set partitions).
// Untyped members without typed descendants are pruned first (their genotypes sum to 1).
// The remaining variables are eliminated greedily (smallest resulting factor first,
// ties to the lower id), which handles loops exactly; the size of every intermediate
// factor is bounded by EngineLimits. Every factor is rescaled by a power of two and the
// exponents are carried (ScaledTable), so a likelihood of 1e-400 is a mantissa and a scale.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "internal/status_macros.h"
#include "kinship/pedigree_lr.h"
#include "stats/eliminator.h"
#include "stats/nuclear.h"
#include "stats/pedigree_factors.h"
#include "stats/peeling_theta.h"
#include "stats/population.h"

namespace kinship {

using internal::HardyWeinberg;
using internal::Ldexp;

namespace {

using internal::EliminatePedigree;
using internal::InheritanceTheta;
using internal::PartitionTheta;
using internal::Problem;
using internal::Prune;

// The engine's core: likelihood (target < 0) or the ordered table over the target's
// (paternal, maternal) alleles.
absl::StatusOr<ScaledTable> Compute(const Pedigree& ped, const std::vector<GenotypeIdx>& g, int target,
                                    const PedigreeLocusModel& model, const EngineLimits& limits) {
  const int allele_ct = model.allele_ct();
  if (!limits.typed_anywhere.empty() && static_cast<int>(limits.typed_anywhere.size()) != ped.size())
    return absl::InvalidArgumentError(absl::StrCat("typed_anywhere has ", limits.typed_anywhere.size(),
                                                   " entries; one per pedigree member (", ped.size(),
                                                   ") expected"));
  const bool evidence = internal::HasEvidence(g);
  if (evidence) {
    const int n = GenotypeCount(allele_ct);
    for (int i = 0; i < ped.size(); ++i)
      if (g[i] == kEvidence && (!limits.evidence || static_cast<int>(limits.evidence->size()) <= i ||
                                static_cast<int>((*limits.evidence)[i].size()) != n))
        return absl::InvalidArgumentError(absl::StrCat("member ", ped.person(i).id, " is marked kEvidence without ",
                                                       "evidence over the ", n, " genotypes of the locus"));
  }
  Problem p = Prune(ped, g, target, allele_ct);
  const int var_ct = static_cast<int>(p.domain.size());
  const int target_local = target >= 0 ? p.local[target] : -1;
  std::vector<int> rep(var_ct);
  std::iota(rep.begin(), rep.end(), 0);
  std::vector<const std::vector<double>*> unary(var_ct, nullptr);
  const double th = model.theta();
  if (th == 0) {
    for (int k = 0; k < static_cast<int>(p.persons.size()); ++k)
      if (ped.person(p.persons[k]).father < 0) unary[2 * k] = unary[2 * k + 1] = &model.freqs();
    return EliminatePedigree(ped, g, p, model, rep, unary, target_local, limits, /*collapse_founders=*/true);
  }
  if (target >= 0) return absl::InvalidArgumentError("JointWithTarget needs theta = 0");
  // Evidence members are free founder alleles or weighted factors: the set partitions only.
  if (model.mutation() || evidence) return PartitionTheta(ped, g, p, model, limits);
  // Without mutation: the inheritance vectors, or the set partitions past their limit.
  return internal::FirstWithinLimits<ScaledTable>([&] { return InheritanceTheta(ped, g, p, model, limits); },
                                                  [&] { return PartitionTheta(ped, g, p, model, limits); });
}

absl::Status CheckTarget(const Pedigree& ped, const std::vector<GenotypeIdx>& g, int target) {
  if (static_cast<int>(g.size()) != ped.size())
    return absl::InvalidArgumentError("one genotype per pedigree member expected");
  if (target < 0 || target >= ped.size()) return absl::InvalidArgumentError("target is not a member");
  if (g[target] != kUntyped) return absl::InvalidArgumentError("the target must be untyped");
  return absl::OkStatus();
}

absl::Status Inconsistent(const Pedigree& ped) {
  return absl::FailedPreconditionError(absl::StrCat(
      "family ", ped.family(), ": the references' genotypes are impossible under the pedigree"));
}

}  // namespace

absl::StatusOr<PedigreeLocusModel> PedigreeLocusModel::Create(std::vector<double> freqs, MutationMatrix male,
                                                             MutationMatrix female, double theta,
                                                             UntypedFounders untyped_founders) {
  if (!(theta >= 0 && theta < 1))
    return absl::InvalidArgumentError(absl::StrCat("theta ", theta, " is outside [0, 1)"));
  const int allele_ct = static_cast<int>(freqs.size());
  if ((male.size() == 0) != (female.size() == 0))
    return absl::InvalidArgumentError("mutation matrices: both or neither expected");
  for (const MutationMatrix* mm : {&male, &female})
    if (mm->size() > 0 && (mm->rows() != allele_ct || mm->cols() != allele_ct))
      return absl::InvalidArgumentError(absl::StrCat("a ", mm->rows(), " x ", mm->cols(), " mutation matrix for ",
                                                     allele_ct, " alleles"));
  PedigreeLocusModel m;
  m.freqs_ = std::move(freqs);
  m.male_ = std::move(male);
  m.female_ = std::move(female);
  m.theta_ = theta;
  m.untyped_founders_ = untyped_founders;
  m.freq_sum_ = 0;
  for (double f : m.freqs_) m.freq_sum_ += f;
  const Eigen::Map<const Eigen::RowVectorXd> p(m.freqs_.data(), allele_ct);
  for (int side = 0; side < 2; ++side) {
    if (!m.mutation()) {  // M = I: p M = p and Q = diag(p)
      m.p_m_[side] = m.freqs_;
      m.pair_moment_[side] = p.asDiagonal();
      continue;
    }
    const MutationMatrix& mm = side == 0 ? m.male_ : m.female_;
    // p M, and Q = Mᵀ diag(p) M coefficient by coefficient (lazyProduct): each entry a sum
    // over the alleles a in order, as the loops these replaced; Eigen's blocked product
    // regroups the sums and would move the last bits (docs/architecture.md, Eigen).
    const Eigen::RowVectorXd pm = p * mm;
    m.p_m_[side].assign(pm.data(), pm.data() + allele_ct);
    m.pair_moment_[side] = (mm.transpose() * p.asDiagonal()).lazyProduct(mm);
  }
  return m;
}

absl::StatusOr<std::vector<PedigreeLocusModel>> BuildPedigreeModels(const AlleleFreqTable& table,
                                                                    const MutationSpec& mutation,
                                                                    double theta,
                                                                    UntypedFounders untyped_founders) {
  if (!(theta >= 0 && theta < 1))
    return absl::InvalidArgumentError(absl::StrCat("theta ", theta, " is outside [0, 1)"));
  std::vector<PedigreeLocusModel> out;
  out.reserve(table.locus_ct());
  for (int locus_idx = 0; locus_idx < table.locus_ct(); ++locus_idx) {
    const Locus& locus = table.locus(locus_idx);
    MutationMatrix male, female;
    if (mutation.enabled()) {
      KINSHIP_ASSIGN_OR_RETURN(male, BuildMutationMatrix(locus, mutation.ParamsFor(locus.name(), Sex::kMale)));
      KINSHIP_ASSIGN_OR_RETURN(female, BuildMutationMatrix(locus, mutation.ParamsFor(locus.name(), Sex::kFemale)));
    }
    KINSHIP_ASSIGN_OR_RETURN(PedigreeLocusModel model, PedigreeLocusModel::Create(locus.freqs(), std::move(male),
                                                                                  std::move(female), theta,
                                                                                  untyped_founders));
    out.push_back(std::move(model));
  }
  return out;
}

absl::StatusOr<UntypedFounders> ParseUntypedFounders(const std::string& text) {
  if (text == "exact") return UntypedFounders::kExact;
  if (text == "familias") return UntypedFounders::kFamilias;
  return absl::InvalidArgumentError(
      absl::StrCat("untyped founders '", text, "': expected exact or familias"));
}

const char* UntypedFoundersName(UntypedFounders mode) {
  return mode == UntypedFounders::kFamilias ? "familias" : "exact";
}

double ScaledTable::Log10(size_t i) const {
  if (mantissa[i] == 0) return -std::numeric_limits<double>::infinity();
  return std::log10(mantissa[i]) + static_cast<double>(log2_scale) * std::log10(2.0);
}

double ScaledTable::Linear(size_t i) const { return Ldexp(mantissa[i], log2_scale); }

namespace {

absl::Status CheckNoNan(const std::vector<double>& v, const char* what) {
  for (double x : v)
    if (std::isnan(x))
      return absl::InternalError(absl::StrCat(what, ": the engine produced NaN (a bug)"));
  return absl::OkStatus();
}

// The linear values of `s` (its mantissa, moved out), with a NaN an Internal error.
absl::StatusOr<std::vector<double>> LinearValues(ScaledTable s, const char* what) {
  KINSHIP_RETURN_IF_ERROR(CheckNoNan(s.mantissa, what));
  if (s.log2_scale >= -1000 && s.log2_scale <= 1000) {
    // 2^scale is a normal double: multiplying by it is exact (up to subnormal results).
    const double f = std::ldexp(1.0, static_cast<int>(s.log2_scale));
    if (f != 1)
      for (double& x : s.mantissa) x *= f;
  } else {
    for (double& x : s.mantissa) x = Ldexp(x, s.log2_scale);
  }
  return std::move(s.mantissa);
}

absl::StatusOr<ScaledTable> Likelihood(const Pedigree& ped, const std::vector<GenotypeIdx>& genotypes,
                                       const PedigreeLocusModel& model, const EngineLimits& limits) {
  if (static_cast<int>(genotypes.size()) != ped.size())
    return absl::InvalidArgumentError("one genotype per pedigree member expected");
  KINSHIP_ASSIGN_OR_RETURN(ScaledTable v, Compute(ped, genotypes, -1, model, limits));
  KINSHIP_RETURN_IF_ERROR(CheckNoNan(v.mantissa, "pedigree likelihood"));
  return v;
}

// LR(victim) = P(refs, MP = victim) / (P(refs) P(V = victim)) as a mantissa and a scale.
absl::StatusOr<ScaledTable> ScaledLocusLr(const Pedigree& ped, const std::vector<GenotypeIdx>& genotypes,
                                          int target, GenotypeIdx victim, const PedigreeLocusModel& model,
                                          const EngineLimits& limits, ScaledTable* h2 = nullptr) {
  std::vector<GenotypeIdx> h1 = genotypes;
  h1[target] = victim;
  KINSHIP_ASSIGN_OR_RETURN(ScaledTable l1, Likelihood(ped, h1, model, limits));
  ScaledTable l2;
  if (model.theta() == 0) {
    KINSHIP_ASSIGN_OR_RETURN(l2, Likelihood(ped, genotypes, model, limits));
    l2.mantissa[0] *= HardyWeinberg(model.freqs(), victim);
  } else {
    Pedigree h2 = ped;
    Person v;
    v.id = "\x01victim";  // cannot clash with a member id read from a file
    h2.Add(v);
    std::vector<GenotypeIdx> g2 = genotypes;
    g2.push_back(victim);
    EngineLimits limits2 = limits;  // the victim, added as a member, is typed
    if (!limits2.typed_anywhere.empty()) limits2.typed_anywhere.push_back(1);
    KINSHIP_ASSIGN_OR_RETURN(l2, Likelihood(h2, g2, model, limits2));
  }
  if (l2.mantissa[0] == 0) return Inconsistent(ped);
  if (h2) *h2 = l2;
  ScaledTable out;
  out.mantissa = {l1.mantissa[0] / l2.mantissa[0]};
  out.log2_scale = l1.log2_scale - l2.log2_scale;
  return out;
}

// The family table genotype by genotype at theta > 0: two exact likelihoods per genotype,
// each ratio with its own scale, brought to a common one.
absl::StatusOr<ScaledTable> ScaledTableByGenotype(const Pedigree& ped, const std::vector<GenotypeIdx>& genotypes,
                                                  int target, const PedigreeLocusModel& model,
                                                  const EngineLimits& limits, std::vector<double>* victim = nullptr) {
  const int genotype_ct = GenotypeCount(model.allele_ct());
  ScaledTable out;
  out.mantissa.resize(genotype_ct);
  std::vector<ScaledTable> each(genotype_ct), h2(genotype_ct);
  std::int64_t top = std::numeric_limits<std::int64_t>::min(), top2 = top;
  for (int g = 0; g < genotype_ct; ++g) {
    KINSHIP_ASSIGN_OR_RETURN(each[g], ScaledLocusLr(ped, genotypes, target, static_cast<GenotypeIdx>(g), model,
                                                    limits, &h2[g]));
    if (each[g].mantissa[0] != 0) top = std::max(top, each[g].log2_scale);
    top2 = std::max(top2, h2[g].log2_scale);  // h2 > 0 (else Inconsistent above)
  }
  if (victim) {  // P(refs, V = g) at one common scale: relative weights over g
    victim->resize(genotype_ct);
    for (int g = 0; g < genotype_ct; ++g) (*victim)[g] = Ldexp(h2[g].mantissa[0], h2[g].log2_scale - top2);
  }
  if (top == std::numeric_limits<std::int64_t>::min()) top = 0;
  for (int g = 0; g < genotype_ct; ++g) out.mantissa[g] = Ldexp(each[g].mantissa[0], each[g].log2_scale - top);
  out.log2_scale = top;
  return out;
}

// The family table's entries as ratios of mantissas over one common scale.
// `victim`, when not null, gets the victim's weights under H2, P(V = g | references) up to a
// constant: Hardy-Weinberg at theta = 0, P(refs, V = g) at theta > 0.
absl::StatusOr<ScaledTable> ScaledFamilyTable(const Pedigree& ped, const std::vector<GenotypeIdx>& genotypes,
                                              int target, const PedigreeLocusModel& model,
                                              const EngineLimits& limits, std::vector<double>* victim = nullptr) {
  KINSHIP_RETURN_IF_ERROR(CheckTarget(ped, genotypes, target));
  const int genotype_ct = GenotypeCount(model.allele_ct());
  ScaledTable out;
  out.mantissa.resize(genotype_ct);
  if (model.theta() == 0) {
    if (victim) {
      victim->resize(genotype_ct);
      for (int g = 0; g < genotype_ct; ++g) (*victim)[g] = HardyWeinberg(model.freqs(), static_cast<GenotypeIdx>(g));
    }
    // Nuclear families (two founders and their children) in closed form (stats/nuclear.h).
    // Else P(references) by its own elimination (the missing person pruned), not as the sum
    // of `joint`: the two differ when the frequencies do not sum exactly to 1, and the H2
    // of the LR is the references' likelihood as computed without the target.
    ScaledTable joint, refs;
    std::optional<internal::NuclearTables> nuc;
    if (!internal::HasEvidence(genotypes)) nuc = internal::NuclearFamilyTables(ped, genotypes, target, model);
    if (nuc) {
      joint.mantissa = std::move(nuc->joint);
      refs.mantissa = {nuc->refs};
    } else {
      KINSHIP_ASSIGN_OR_RETURN(joint, JointWithTargetScaled(ped, genotypes, target, model, limits));
      KINSHIP_ASSIGN_OR_RETURN(refs, Likelihood(ped, genotypes, model, limits));
    }
    if (refs.mantissa[0] == 0) return Inconsistent(ped);
    for (int g = 0; g < genotype_ct; ++g)
      out.mantissa[g] =
          joint.mantissa[g] / (refs.mantissa[0] * HardyWeinberg(model.freqs(), static_cast<GenotypeIdx>(g)));
    out.log2_scale = joint.log2_scale - refs.log2_scale;
    return out;
  }
  // theta > 0 with evidence among the references: genotype by genotype (two exact
  // likelihoods each; the one-pass tables below assume typed genotypes).
  if (internal::HasEvidence(genotypes)) return ScaledTableByGenotype(ped, genotypes, target, model, limits, victim);
  // theta > 0: both hypotheses for every genotype in one pass (docs/model.md, "θ in
  // pedigrees"). LR(g) = P(refs, MP = g) / P(refs, V = g), the two at one common scale.
  KINSHIP_ASSIGN_OR_RETURN(internal::ThetaFamilyTables t,
                           internal::ThetaTables(ped, genotypes, target, model, limits));
  KINSHIP_RETURN_IF_ERROR(CheckNoNan(t.joint.mantissa, "family table"));
  KINSHIP_RETURN_IF_ERROR(CheckNoNan(t.victim.mantissa, "family table"));
  for (int g = 0; g < genotype_ct; ++g) {
    if (t.victim.mantissa[g] == 0) return Inconsistent(ped);
    out.mantissa[g] = t.joint.mantissa[g] / t.victim.mantissa[g];
  }
  if (victim) *victim = t.victim.mantissa;
  out.log2_scale = t.joint.log2_scale - t.victim.log2_scale;
  return out;
}

}  // namespace

absl::StatusOr<double> PedigreeLog10Likelihood(const Pedigree& ped, const std::vector<GenotypeIdx>& genotypes,
                                               const PedigreeLocusModel& model, const EngineLimits& limits) {
  KINSHIP_ASSIGN_OR_RETURN(ScaledTable v, Likelihood(ped, genotypes, model, limits));
  return v.Log10(0);
}

absl::StatusOr<double> PedigreeLikelihood(const Pedigree& ped, const std::vector<GenotypeIdx>& genotypes,
                                          const PedigreeLocusModel& model, const EngineLimits& limits) {
  KINSHIP_ASSIGN_OR_RETURN(ScaledTable v, Likelihood(ped, genotypes, model, limits));
  return v.Linear(0);
}

absl::StatusOr<ScaledTable> JointWithTargetScaled(const Pedigree& ped, const std::vector<GenotypeIdx>& genotypes,
                                                  int target, const PedigreeLocusModel& model,
                                                  const EngineLimits& limits) {
  KINSHIP_RETURN_IF_ERROR(CheckTarget(ped, genotypes, target));
  if (model.theta() != 0) return absl::InvalidArgumentError("JointWithTarget needs theta = 0");
  KINSHIP_ASSIGN_OR_RETURN(ScaledTable ordered, Compute(ped, genotypes, target, model, limits));
  const int allele_ct = model.allele_ct();
  const std::vector<double>& o = ordered.mantissa;
  ScaledTable out;
  out.log2_scale = ordered.log2_scale;
  out.mantissa.resize(GenotypeCount(allele_ct));
  for (int b = 0; b < allele_ct; ++b)
    for (int a = 0; a <= b; ++a)
      out.mantissa[GenotypeIndex(a, b)] = a == b ? o[a * allele_ct + a] : o[a * allele_ct + b] + o[b * allele_ct + a];
  KINSHIP_RETURN_IF_ERROR(CheckNoNan(out.mantissa, "joint likelihood with the target"));
  return out;
}

absl::StatusOr<std::vector<double>> JointWithTarget(const Pedigree& ped,
                                                    const std::vector<GenotypeIdx>& genotypes, int target,
                                                    const PedigreeLocusModel& model,
                                                    const EngineLimits& limits) {
  KINSHIP_ASSIGN_OR_RETURN(ScaledTable s, JointWithTargetScaled(ped, genotypes, target, model, limits));
  return LinearValues(std::move(s), "joint likelihood with the target");
}

absl::StatusOr<double> MissingPersonLocusLr(const Pedigree& ped, const std::vector<GenotypeIdx>& genotypes,
                                            int target, GenotypeIdx victim, const PedigreeLocusModel& model,
                                            const EngineLimits& limits) {
  KINSHIP_RETURN_IF_ERROR(CheckTarget(ped, genotypes, target));
  KINSHIP_ASSIGN_OR_RETURN(ScaledTable lr, ScaledLocusLr(ped, genotypes, target, victim, model, limits));
  KINSHIP_RETURN_IF_ERROR(CheckNoNan(lr.mantissa, "missing-person LR"));
  return lr.Linear(0);
}

absl::StatusOr<std::vector<double>> FamilyTable(const Pedigree& ped, const std::vector<GenotypeIdx>& genotypes,
                                                int target, const PedigreeLocusModel& model,
                                                const EngineLimits& limits, std::vector<double>* victim_weights) {
  KINSHIP_ASSIGN_OR_RETURN(ScaledTable s, ScaledFamilyTable(ped, genotypes, target, model, limits, victim_weights));
  return LinearValues(std::move(s), "family table");
}

absl::StatusOr<std::vector<double>> FamilyLog10Table(const Pedigree& ped,
                                                     const std::vector<GenotypeIdx>& genotypes, int target,
                                                     const PedigreeLocusModel& model,
                                                     const EngineLimits& limits) {
  KINSHIP_ASSIGN_OR_RETURN(ScaledTable s, ScaledFamilyTable(ped, genotypes, target, model, limits));
  KINSHIP_RETURN_IF_ERROR(CheckNoNan(s.mantissa, "family table"));
  std::vector<double> out(s.mantissa.size());
  for (size_t g = 0; g < out.size(); ++g) out[g] = s.Log10(g);
  return out;
}

namespace internal {

absl::StatusOr<std::vector<double>> FamilyTableByGenotype(const Pedigree& ped,
                                                          const std::vector<GenotypeIdx>& genotypes, int target,
                                                          const PedigreeLocusModel& model,
                                                          const EngineLimits& limits) {
  KINSHIP_RETURN_IF_ERROR(CheckTarget(ped, genotypes, target));
  KINSHIP_ASSIGN_OR_RETURN(ScaledTable s, ScaledTableByGenotype(ped, genotypes, target, model, limits));
  return LinearValues(std::move(s), "family table");
}

}  // namespace internal

}  // namespace kinship
