// The pedigree engine at theta > 0 (see stats/peeling_theta.h).
#include "stats/peeling_theta.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <deque>
#include <numeric>
#include <optional>
#include <span>
#include <utility>

#include "absl/strings/str_cat.h"
#include "internal/status_macros.h"
#include "stats/eliminator.h"
#include "stats/population.h"

namespace kinship::internal {

namespace {

// Calls fn(block_of) for every set partition of {0..k-1} (restricted growth strings).
template <typename Fn>
absl::Status ForEachPartition(int k, Fn fn) {
  std::vector<int> a(k, 0), maxv(k, 0);
  while (true) {
    KINSHIP_RETURN_IF_ERROR(fn(a));
    int i = k - 1;
    while (i > 0 && a[i] == maxv[i - 1] + 1) --i;
    if (i <= 0) return absl::OkStatus();
    ++a[i];
    maxv[i] = std::max(maxv[i - 1], a[i]);
    for (int j = i + 1; j < k; ++j) a[j] = 0, maxv[j] = maxv[i];
  }
}

// The sum over inheritance vectors shared by InheritanceTheta and InheritanceThetaTables:
// for every inheritance vector (which founder allele slot each non-founder allele copies; one
// bit per meiosis) and every assignment of the typed persons' phases consistent with it,
// calls visit(slot, value, counts, drawn, prob, prob_exp): slot[var] the founder allele slot of
// each allele variable, value[slot] the allele fixed there (-1: free), counts[x] the number of
// fixed slots holding allele x, drawn their number, and prob * 2^prob_exp their ordered
// Balding-Nichols draw probability (in slot order). Returns the number of meioses (each vector
// has probability 2^-meioses, left to the caller); ResourceExhausted past
// limits.max_meioses_theta.
template <typename Visit>
absl::StatusOr<int> ForEachInheritanceAssignment(const Pedigree& ped, const std::vector<GenotypeIdx>& g,
                                                 const Problem& p, const PedigreeLocusModel& model,
                                                 const EngineLimits& limits, Visit visit) {
  if (HasEvidence(g))  // callers route evidence to the set partitions
    return absl::InvalidArgumentError("the inheritance vectors take typed genotypes, not evidence");
  const int kept_ct = static_cast<int>(p.persons.size());
  std::vector<int> nonfounders;
  for (int k = 0; k < kept_ct; ++k)
    if (ped.person(p.persons[k]).father >= 0) nonfounders.push_back(k);
  const int meioses = 2 * static_cast<int>(nonfounders.size());
  if (meioses > limits.max_meioses_theta)
    return absl::ResourceExhaustedError(absl::StrCat(
        "theta > 0: ", meioses, " meioses among members with typed descendants, more than the limit of ",
        limits.max_meioses_theta));
  const double th = model.theta();
  const std::vector<double>& freq = model.freqs();
  std::vector<int> slot(2 * kept_ct);  // variable -> founder allele slot (a founder variable id)
  std::vector<int> typed;              // kept indices of typed persons
  for (int k = 0; k < kept_ct; ++k)
    if (g[p.persons[k]] != kUntyped) typed.push_back(k);
  std::vector<int> value(2 * kept_ct, -1);
  std::vector<int> counts(freq.size(), 0);
  const std::uint64_t vector_ct = std::uint64_t{1} << meioses;
  for (std::uint64_t v = 0; v < vector_ct; ++v) {
    for (int k = 0; k < kept_ct; ++k) slot[2 * k] = 2 * k, slot[2 * k + 1] = 2 * k + 1;
    for (size_t j = 0; j < nonfounders.size(); ++j) {
      const int k = nonfounders[j];
      const Person& per = ped.person(p.persons[k]);
      const int f = p.local[per.father], m = p.local[per.mother];
      slot[2 * k] = slot[2 * f + ((v >> (2 * j)) & 1)];
      slot[2 * k + 1] = slot[2 * m + ((v >> (2 * j + 1)) & 1)];
    }
    // Depth-first over the typed persons' phases.
    std::fill(value.begin(), value.end(), -1);
    auto dfs = [&](auto&& self, size_t t) -> void {
      if (t == typed.size()) {
        // Ordered draw probability of the assigned slots, in slot order.
        std::fill(counts.begin(), counts.end(), 0);
        // prob * 2^prob_exp, renormalised before it can underflow.
        double prob = 1;
        std::int64_t prob_exp = 0;
        int drawn = 0;
        for (int s = 0; s < 2 * kept_ct; ++s) {
          const int x = value[s];
          if (x < 0) continue;
          prob *= BaldingNicholsDraw(counts[x], drawn, freq[x], th);
          if (prob < 0x1p-500) prob *= 0x1p500, prob_exp -= 500;
          ++counts[x];
          ++drawn;
        }
        visit(slot, value, counts, drawn, prob, prob_exp);
        return;
      }
      const int k = typed[t];
      const AllelePair ab = GenotypeAlleles(g[p.persons[k]]);
      const int sp = slot[2 * k], sm = slot[2 * k + 1];
      for (int phase = 0; phase < (ab.a == ab.b ? 1 : 2); ++phase) {
        const int xp = phase == 0 ? ab.a : ab.b, xm = phase == 0 ? ab.b : ab.a;
        const int old_p = value[sp], old_m = value[sm];
        if ((old_p >= 0 && old_p != xp) || (old_m >= 0 && old_m != xm)) continue;
        value[sp] = xp;
        if (value[sm] >= 0 && value[sm] != xm) {  // sp == sm with xp != xm
          value[sp] = old_p;
          continue;
        }
        value[sm] = xm;
        self(self, t + 1);
        value[sp] = old_p;
        value[sm] = old_m;
      }
    };
    dfs(dfs, 0);
  }
  return meioses;
}

}  // namespace

absl::StatusOr<ScaledTable> InheritanceTheta(const Pedigree& ped, const std::vector<GenotypeIdx>& g,
                                             const Problem& p, const PedigreeLocusModel& model,
                                             const EngineLimits& limits) {
  ScaledSum total;
  KINSHIP_ASSIGN_OR_RETURN(
      const int meioses,
      ForEachInheritanceAssignment(ped, g, p, model, limits,
                                   [&](const std::vector<int>&, const std::vector<int>&, const std::vector<int>&,
                                       int, double prob, std::int64_t prob_exp) { total.Add(prob, prob_exp); }));
  ScaledTable out;
  out.mantissa = {total.mantissa()};
  out.log2_scale = total.log2_scale() - meioses;
  return out;
}

absl::StatusOr<ThetaFamilyTables> InheritanceThetaTables(const Pedigree& ped, const std::vector<GenotypeIdx>& g,
                                                         int target, const Problem& p,
                                                         const PedigreeLocusModel& model,
                                                         const EngineLimits& limits) {
  const double th = model.theta();
  const std::vector<double>& freq = model.freqs();
  const int allele_ct = model.allele_ct();
  const int target_local = p.local[target];
  // The references' distinct alleles R (every one is fixed in every assignment), indexed
  // 0..r-1; counts and moments are kept over R only.
  std::vector<int> r_of(allele_ct, -1), r_allele;
  for (int k = 0; k < static_cast<int>(p.persons.size()); ++k) {
    const GenotypeIdx gk = g[p.persons[k]];
    if (gk == kUntyped) continue;
    const AllelePair ab = GenotypeAlleles(gk);
    for (int x : {static_cast<int>(ab.a), static_cast<int>(ab.b)})
      if (r_of[x] < 0) r_of[x] = static_cast<int>(r_allele.size()), r_allele.push_back(x);
  }
  const int r = static_cast<int>(r_allele.size());
  // Moments, all at the common scale 2^acc_exp (see the header and docs/model.md):
  //  victim (V free, both alleles new draws): t0 = Σ W2, t1[i] = Σ W2 c_i, t2[i r + j] = Σ W2 c_i c_j;
  //  target's alleles two distinct free slots: s0, s1, s2 likewise;
  //  target's alleles one free slot (tp == tm): h0 = Σ W1, h1[i] = Σ W1 c_i;
  //  one fixed to x = R[i], the other free: a1[i] = Σ W1, b1[i r + j] = Σ W1 c_j;
  //  both fixed, (paternal, maternal) = (R[i], R[j]): nd[i r + j] = Σ P;
  // with P the references' draw probability, W1 = P / (1 + (n-1) θ), W2 = W1 / (1 + n θ).
  double t0 = 0, s0 = 0, h0 = 0;
  std::vector<double> t1(r, 0), s1(r, 0), h1(r, 0), a1(r, 0);
  std::vector<double> t2(r * r, 0), s2(r * r, 0), b1(r * r, 0), nd(r * r, 0);
  bool acc_set = false;
  std::int64_t acc_exp = 0;
  auto rescale_all = [&](double f) {
    t0 *= f, s0 *= f, h0 *= f;
    for (auto* v : {&t1, &s1, &h1, &a1, &t2, &s2, &b1, &nd})
      for (double& x : *v) x *= f;
  };
  std::vector<int> counts(r, 0);  // c_i over R
  auto visit = [&](const std::vector<int>& slot, const std::vector<int>& value, const std::vector<int>& allele_counts,
                   int drawn, double prob, std::int64_t prob_exp) {
    if (!(prob != 0)) return;
    for (int i = 0; i < r; ++i) counts[i] = allele_counts[r_allele[i]];
    if (!acc_set) {
      acc_set = true, acc_exp = prob_exp;
    } else if (prob_exp > acc_exp) {
      rescale_all(Ldexp(1.0, acc_exp - prob_exp));
      acc_exp = prob_exp;
    } else if (prob_exp < acc_exp) {
      prob = Ldexp(prob, prob_exp - acc_exp);
    }
    // The next two draws after the n = drawn fixed alleles: denominators
    // 1 + (n-1) θ and 1 + n θ (stats/population.h).
    const double w1 = prob / BaldingNicholsDenominator(drawn, th);
    const double w2 = w1 / BaldingNicholsDenominator(drawn + 1, th);
    auto add_pair_moments = [&](double& m0, std::vector<double>& m1, std::vector<double>& m2) {
      m0 += w2;
      for (int i = 0; i < r; ++i) {
        const double wi = w2 * counts[i];
        m1[i] += wi;
        for (int j = i; j < r; ++j) m2[i * r + j] += wi * counts[j];
      }
    };
    add_pair_moments(t0, t1, t2);
    const int tp = slot[2 * target_local], tm = slot[2 * target_local + 1];
    const int vp = value[tp], vm = value[tm];
    if (vp >= 0 && vm >= 0) {
      nd[r_of[vp] * r + r_of[vm]] += prob;
    } else if (vp >= 0 || vm >= 0) {
      const int i = r_of[vp >= 0 ? vp : vm];
      a1[i] += w1;
      for (int j = 0; j < r; ++j) b1[i * r + j] += w1 * counts[j];
    } else if (tp == tm) {
      h0 += w1;
      for (int i = 0; i < r; ++i) h1[i] += w1 * counts[i];
    } else {
      add_pair_moments(s0, s1, s2);
    }
  };
  KINSHIP_ASSIGN_OR_RETURN(const int meioses, ForEachInheritanceAssignment(ped, g, p, model, limits, visit));
  // The table, genotype {a, b} (a <= b), i = R-index of a or -1 (c_a = 0 then), q = (1-θ) p:
  //  two new draws:  a != b: 2 Σ W2 (c_a θ + q_a)(c_b θ + q_b)
  //                          = 2 (θ² m2[ab] + θ q_b m1[a] + θ q_a m1[b] + q_a q_b m0);
  //                  a == b: Σ W2 (c_a θ + q_a)((c_a + 1) θ + q_a)
  //                          = θ² m2[aa] + θ (2 q_a + θ) m1[a] + q_a (q_a + θ) m0;
  //  one new draw (same slot, a == b only): θ h1[a] + q_a h0;
  //  one fixed to x, one new draw y: θ b1[x y] + q_y a1[x], over (x, y) = (a, b) and (b, a);
  //  both fixed: nd[a b] + nd[b a] (a != b), nd[a a].
  const int genotype_ct = GenotypeCount(allele_ct);
  ThetaFamilyTables out;
  out.joint.mantissa.assign(genotype_ct, 0);
  out.victim.mantissa.assign(genotype_ct, 0);
  auto at1 = [](const std::vector<double>& m, int i) { return i < 0 ? 0.0 : m[i]; };
  auto at2 = [r](const std::vector<double>& m, int i, int j) {
    return i < 0 || j < 0 ? 0.0 : m[std::min(i, j) * r + std::max(i, j)];
  };
  auto at2o = [r](const std::vector<double>& m, int i, int j) { return i < 0 || j < 0 ? 0.0 : m[i * r + j]; };
  auto two_draws = [&](double m0, const std::vector<double>& m1, const std::vector<double>& m2, int a, int b,
                       int ia, int ib) {
    const double qa = BaldingNicholsWeight(0, freq[a], th), qb = BaldingNicholsWeight(0, freq[b], th);
    if (a == b) return th * th * at2(m2, ia, ia) + th * (2 * qa + th) * at1(m1, ia) + qa * (qa + th) * m0;
    return 2 * (th * th * at2(m2, ia, ib) + th * qb * at1(m1, ia) + th * qa * at1(m1, ib) + qa * qb * m0);
  };
  for (int b = 0; b < allele_ct; ++b) {
    for (int a = 0; a <= b; ++a) {
      const int ia = r_of[a], ib = r_of[b];
      const int idx = GenotypeIndex(a, b);
      out.victim.mantissa[idx] = two_draws(t0, t1, t2, a, b, ia, ib);
      double joint = two_draws(s0, s1, s2, a, b, ia, ib);
      const double qa = BaldingNicholsWeight(0, freq[a], th), qb = BaldingNicholsWeight(0, freq[b], th);
      if (a == b) {
        joint += th * at1(h1, ia) + qa * h0;
        joint += th * at2o(b1, ia, ia) + qa * at1(a1, ia);
        joint += at2o(nd, ia, ia);
      } else {
        joint += th * at2o(b1, ia, ib) + qb * at1(a1, ia);
        joint += th * at2o(b1, ib, ia) + qa * at1(a1, ib);
        joint += at2o(nd, ia, ib) + at2o(nd, ib, ia);
      }
      out.joint.mantissa[idx] = joint;
    }
  }
  out.joint.log2_scale = out.victim.log2_scale = acc_exp - meioses;
  return out;
}

namespace {

// The Balding-Nichols draws of PartitionTheta over the pruned problem `p`: the typed
// founders' alleles T are drawn first (in member order), then the k free founder alleles
// (the untyped founders' variables, in order; the target's too when it is a founder).
struct FounderDraws {
  std::vector<int> free_vars;
  std::vector<int> counts;  // c_T(x)
  int t_ct = 0;             // |T|
  ScaledSum t_prob;         // the ordered draw probability of T
  std::vector<double> w;    // w(x) = c_T(x) θ + (1-θ) p_x, the weight of a new free allele
  double denominator = 1;   // Π_{j=0}^{k-1} (1 + (|T| + j - 1) θ)
};

FounderDraws SetUpDraws(const Pedigree& ped, const std::vector<GenotypeIdx>& g, const Problem& p,
                        const PedigreeLocusModel& model) {
  const int allele_ct = model.allele_ct();
  const double th = model.theta();
  FounderDraws d;
  d.counts.assign(allele_ct, 0);
  d.t_prob.Add(1, 0);
  for (int k = 0; k < static_cast<int>(p.persons.size()); ++k) {
    const int i = p.persons[k];
    if (ped.person(i).father >= 0) continue;
    if (g[i] == kUntyped || g[i] == kEvidence) {  // evidence: drawn free, weighted by P(O | G)
      d.free_vars.push_back(2 * k);
      d.free_vars.push_back(2 * k + 1);
      continue;
    }
    AllelePair ab = GenotypeAlleles(g[i]);
    for (int x : {static_cast<int>(ab.a), static_cast<int>(ab.b)}) {
      // Balding-Nichols: after n = t_ct draws, (c θ + (1-θ) p) / (1 + (n-1) θ).
      const double draw = BaldingNicholsDraw(d.counts[x], d.t_ct, model.freqs()[x], th);
      const double m = d.t_prob.mantissa() * draw;
      const std::int64_t e = d.t_prob.log2_scale();
      d.t_prob = ScaledSum();
      d.t_prob.Add(m, e);  // renormalised after each factor
      ++d.counts[x];
      ++d.t_ct;
    }
    // The elimination sums both phases of a heterozygous founder; the ordered draw
    // probability above is that of one phase, as wanted.
  }
  const int k = static_cast<int>(d.free_vars.size());
  for (int j = 0; j < k; ++j) d.denominator *= BaldingNicholsDenominator(d.t_ct + j, th);
  d.w.resize(allele_ct);
  for (int x = 0; x < allele_ct; ++x) d.w[x] = BaldingNicholsWeight(d.counts[x], model.freqs()[x], th);
  return d;
}

absl::Status CheckFreeAlleles(const FounderDraws& d, const EngineLimits& limits) {
  const int k = static_cast<int>(d.free_vars.size());
  if (k > limits.max_untyped_founder_alleles_theta)
    return absl::ResourceExhaustedError(absl::StrCat(
        "theta > 0 with ", k / 2, " untyped founders that have typed descendants: the exact expansion "
        "handles at most ", limits.max_untyped_founder_alleles_theta / 2));
  return absl::OkStatus();
}

// Calls fn(rep, unary, weight, first, size) for the set partitions of the free founder
// alleles: rep[v] the variable standing for v (its block's first free allele), unary the
// weights w on each block's first variable, weight = Π_blocks θ^{s-1} (s-1)! times the size
// of the partition's orbit (below), first[b] and size[b] each block's first variable
// (increasing in b) and size.
//
// Symmetry: an untyped founder's two alleles are interchangeable (the same weight w, and
// transmissions (M[a][c] + M[b][c]) / 2 symmetric in a and b), so swapping them maps a
// partition's term to an equal term: the likelihood, the blocks' marginals by size, and any
// sum over both alleles of a founder are the same. Of each orbit under these swaps only the
// partition whose restricted growth string is least is visited, its weight multiplied by
// the orbit's size (|group| / |stabiliser|): for two untyped parents 9 partitions of 15.
// `asymmetric_var`: the first variable of a founder whose two alleles are kept apart by the
// caller (a founder target's ordered table), or -1.
template <typename Fn>
absl::Status ForEachBlocking(const FounderDraws& d, int var_ct, double th, int asymmetric_var, Fn fn) {
  const int k = static_cast<int>(d.free_vars.size());
  std::vector<int> first, size, r(var_ct), image(k), relabel(k);
  std::vector<const std::vector<double>*> un(var_ct, nullptr);
  std::vector<int> swappable;  // positions j of the pairs (j, j + 1) of one founder
  for (int j = 0; j + 1 < k; j += 2)
    if (d.free_vars[j] != asymmetric_var) swappable.push_back(j);
  const int group = 1 << swappable.size();
  return ForEachPartition(k, [&](const std::vector<int>& block) -> absl::Status {
    int stabiliser = 0;
    for (int g = 0; g < group; ++g) {
      for (int j = 0; j < k; ++j) image[j] = block[j];
      for (size_t i = 0; i < swappable.size(); ++i)
        if (g >> i & 1) std::swap(image[swappable[i]], image[swappable[i] + 1]);
      std::fill(relabel.begin(), relabel.end(), -1);  // to a restricted growth string
      int next = 0;
      for (int j = 0; j < k; ++j) {
        if (relabel[image[j]] < 0) relabel[image[j]] = next++;
        image[j] = relabel[image[j]];
      }
      const int cmp = std::lexicographical_compare(image.begin(), image.end(), block.begin(), block.end())
                          ? -1
                          : image == block ? 0 : 1;
      if (cmp < 0) return absl::OkStatus();  // not the orbit's least
      if (cmp == 0) ++stabiliser;
    }
    const int blocks = k == 0 ? 0 : *std::max_element(block.begin(), block.end()) + 1;
    first.assign(blocks, -1);
    size.assign(blocks, 0);
    std::iota(r.begin(), r.end(), 0);
    std::fill(un.begin(), un.end(), nullptr);
    for (int j = 0; j < k; ++j) {
      int b = block[j];
      if (first[b] < 0) first[b] = d.free_vars[j];
      r[d.free_vars[j]] = first[b];
      ++size[b];
    }
    double weight = 1;
    for (int b = 0; b < blocks; ++b) {
      un[first[b]] = &d.w;
      for (int s = 1; s < size[b]; ++s) weight *= th * s;  // θ^{s-1} (s-1)!
    }
    weight *= group / stabiliser;
    return fn(r, un, weight, first, size);
  });
}

// Nonnegative sums over several vectors kept at one common scale 2^exp(): Factor(e) is the
// multiplier bringing a term m 2^e to it (the vectors are rescaled when e is the larger).
// Terms more than ~2^1000 below the largest are lost (subnormal).
class CommonScale {
 public:
  explicit CommonScale(std::vector<std::vector<double>*> vectors) : vectors_(std::move(vectors)) {}
  double Factor(std::int64_t e) {
    if (!set_) {
      set_ = true, exp_ = e;
      return 1;
    }
    if (e > exp_) {
      const double f = Ldexp(1.0, exp_ - e);
      for (std::vector<double>* v : vectors_)
        for (double& x : *v) x *= f;
      exp_ = e;
      return 1;
    }
    return Ldexp(1.0, e - exp_);
  }
  std::int64_t exp() const { return exp_; }

 private:
  std::vector<std::vector<double>*> vectors_;
  bool set_ = false;
  std::int64_t exp_ = 0;
};

}  // namespace

absl::StatusOr<ScaledTable> PartitionTheta(const Pedigree& ped, const std::vector<GenotypeIdx>& g,
                                           const Problem& p, const PedigreeLocusModel& model,
                                           const EngineLimits& limits) {
  const int var_ct = static_cast<int>(p.domain.size());
  const FounderDraws d = SetUpDraws(ped, g, p, model);
  KINSHIP_RETURN_IF_ERROR(CheckFreeAlleles(d, limits));
  ScaledSum total;
  KINSHIP_RETURN_IF_ERROR(ForEachBlocking(
      d, var_ct, model.theta(), /*asymmetric_var=*/-1,
      [&](const std::vector<int>& r, const std::vector<const std::vector<double>*>& un, double weight,
          const std::vector<int>&, const std::vector<int>&) -> absl::Status {
        KINSHIP_ASSIGN_OR_RETURN(ScaledTable v, EliminatePedigree(ped, g, p, model, r, un, -1, limits));
        total.Add(weight * v.mantissa[0], v.log2_scale);
        return absl::OkStatus();
      }));
  ScaledTable out;
  out.mantissa = {d.t_prob.mantissa() * total.mantissa() / d.denominator};
  out.log2_scale = d.t_prob.log2_scale() + total.log2_scale();
  return out;
}

namespace {

// One elimination of problem `p` in one partition keeping the variables u and v (one when
// equal): a table over their domain positions (row-major, the lower variable first).
absl::StatusOr<ScaledTable> KeepPair(const Pedigree& ped, const std::vector<GenotypeIdx>& g, const Problem& p,
                                     const PedigreeLocusModel& model, const std::vector<int>& r,
                                     const std::vector<const std::vector<double>*>& un, int u, int v,
                                     const EngineLimits& limits) {
  std::vector<int> keep;
  if (u >= 0) keep.push_back(u);
  if (v >= 0 && v != u) keep.push_back(v);
  std::sort(keep.begin(), keep.end());
  return EliminatePedigree(ped, g, p, model, r, un, -1, limits, /*collapse_founders=*/false, &keep);
}

// The victim's moments (H2 of PartitionThetaTables; see there): E0, E1, E2 at one scale.
struct VictimMoments {
  explicit VictimMoments(int allele_ct)
      : a(allele_ct), e0(1, 0.0), e1(allele_ct, 0.0), e2(allele_ct * allele_ct, 0.0), single(allele_ct),
        scale({&e0, &e1, &e2}) {}
  // Block b's marginal `single` (size s_b) at multiplier f: E1 and E2's diagonal.
  void AddSingle(double sb, double f) {
    for (int x = 0; x < a; ++x) {
      e1[x] += f * sb * single[x];
      e2[x * a + x] += f * sb * sb * single[x];
    }
  }
  // One partition (weight, blocks' first variables and sizes); pair(u, v) the table
  // keeping the two (or one) free variables.
  template <typename PairFn>
  absl::Status AddPartition(double weight, const std::vector<int>& first, const std::vector<int>& size,
                            PairFn pair) {
    const int blocks = static_cast<int>(first.size());
    if (blocks <= 1) {
      KINSHIP_ASSIGN_OR_RETURN(const ScaledTable* v, pair(blocks == 1 ? first[0] : -1, -1));
      const double f = weight * scale.Factor(v->log2_scale);
      double l = 0;
      for (double x : v->mantissa) l += x;
      e0[0] += f * l;
      if (blocks == 1) {
        single = v->mantissa;
        AddSingle(size[0], f);
      }
      return absl::OkStatus();
    }
    // Every pair of blocks (b < b2, first[b] < first[b2]); the singles and the likelihood
    // from the pairs with block 0.
    for (int b = 0; b < blocks; ++b) {
      for (int b2 = b + 1; b2 < blocks; ++b2) {
        KINSHIP_ASSIGN_OR_RETURN(const ScaledTable* v, pair(first[b], first[b2]));
        const double f = weight * scale.Factor(v->log2_scale);
        const std::vector<double>& m = v->mantissa;
        const double fs = f * size[b] * size[b2];
        for (int x = 0; x < a; ++x)
          for (int y = 0; y < a; ++y) {
            const double term = fs * m[x * a + y];
            e2[x * a + y] += term;
            e2[y * a + x] += term;
          }
        if (b != 0) continue;
        if (b2 == 1) {  // block 0's marginal (rows) and the likelihood
          double l = 0;
          for (int x = 0; x < a; ++x) {
            double row = 0;
            for (int y = 0; y < a; ++y) row += m[x * a + y];
            single[x] = row;
            l += row;
          }
          e0[0] += f * l;
          AddSingle(size[0], f);
        }
        std::fill(single.begin(), single.end(), 0.0);  // block b2's marginal (columns)
        for (int x = 0; x < a; ++x)
          for (int y = 0; y < a; ++y) single[y] += m[x * a + y];
        AddSingle(size[b2], f);
      }
    }
    return absl::OkStatus();
  }
  // P(V = (x, y) ordered, refs) over the partitions' common factors, before the constants.
  double Ordered(const std::vector<double>& w, double th, int x, int y) const {
    const double wy = w[y] + (x == y ? th : 0.0);
    return w[x] * wy * e0[0] + th * wy * e1[x] + th * w[x] * e1[y] + th * th * e2[x * a + y];
  }

  int a;
  std::vector<double> e0, e1, e2, single;
  CommonScale scale;
};

// Adds f × m, a table over the variables u and v of `p` (one variable when u == v; row-major,
// the lower variable first, as KeepPair returns it), to out[x * n + y] for u taking allele x
// and v allele y (the diagonal when u == v).
void AddOrdered(const std::vector<double>& m, double f, int u, int v, const Problem& p, int allele_ct,
                std::vector<double>* out) {
  const std::span<const int> du = p.domain[u], dv = p.domain[v];
  std::vector<double>& o = *out;
  if (u == v) {
    for (size_t x = 0; x < du.size(); ++x) o[du[x] * allele_ct + du[x]] += f * m[x];
  } else if (u < v) {
    for (size_t x = 0; x < du.size(); ++x)
      for (size_t y = 0; y < dv.size(); ++y) o[du[x] * allele_ct + dv[y]] += f * m[x * dv.size() + y];
  } else {  // the table is over (v, u)
    for (size_t y = 0; y < dv.size(); ++y)
      for (size_t x = 0; x < du.size(); ++x) o[du[x] * allele_ct + dv[y]] += f * m[y * du.size() + x];
  }
}

// The tables of pair eliminations of one partition, each computed once.
class PairCache {
 public:
  explicit PairCache(const Problem& p) : p_(p) {}
  // The table keeping u and v (v < 0 or v == u: u alone; both < 0: the likelihood). A single
  // variable's table is the margin of a cached pair with it when there is one (no elimination).
  template <typename Compute>
  absl::StatusOr<const ScaledTable*> Get(int u, int v, Compute compute) {
    if (v < 0) v = u;
    if (u > v) std::swap(u, v);
    for (size_t i = 0; i < keys_.size(); ++i)
      if (keys_[i] == std::pair(u, v)) return &tables_[i];
    if (u == v && u >= 0) {
      for (size_t i = 0; i < keys_.size(); ++i) {
        const auto [a, b] = keys_[i];
        if (a == b || (a != u && b != u)) continue;
        const ScaledTable& t = tables_[i];
        const size_t na = p_.domain[a].size(), nb = p_.domain[b].size();
        ScaledTable single;
        single.log2_scale = t.log2_scale;
        single.mantissa.assign(a == u ? na : nb, 0.0);
        for (size_t x = 0; x < na; ++x)
          for (size_t y = 0; y < nb; ++y) single.mantissa[a == u ? x : y] += t.mantissa[x * nb + y];
        keys_.emplace_back(u, u);
        tables_.push_back(std::move(single));
        return &tables_.back();
      }
    }
    KINSHIP_ASSIGN_OR_RETURN(ScaledTable t, compute(u, v));
    keys_.emplace_back(u, v);
    tables_.push_back(std::move(t));
    return &tables_.back();
  }
  void Clear() { keys_.clear(), tables_.clear(); }

 private:
  const Problem& p_;
  std::vector<std::pair<int, int>> keys_;
  std::deque<ScaledTable> tables_;  // stable addresses
};

}  // namespace

absl::StatusOr<ThetaFamilyTables> PartitionThetaTables(const Pedigree& ped, const std::vector<GenotypeIdx>& g,
                                                       int target, const PedigreeLocusModel& model,
                                                       const EngineLimits& limits) {
  const int allele_ct = model.allele_ct();
  const double th = model.theta();
  const int a2 = allele_ct * allele_ct;
  std::vector<double> joint(a2, 0.0);  // H1, ordered (paternal, maternal)
  CommonScale s1({&joint});
  const FounderDraws* d1 = nullptr;   // H1's founder draws
  // H2: the references alone, and the victim V an unrelated member of the same
  // subpopulation whose alleles are drawn last. With c_U(x) = Σ_b s_b [v_b = x] the count of
  // x among the free founder alleles U (blocks b of size s_b, values v_b),
  //   P(V = (x, y) | T, U) = (w(x) + θ c_U(x)) (w(y) + θ [x = y] + θ c_U(y)) / (D1 D2),
  // D1 = 1 + (n-1) θ, D2 = 1 + n θ, n = |T| + |U|; so the sum over U needs, per partition,
  // the likelihood L, the blocks' marginals M_b(x) and the pairs' M_bb'(x, y):
  //   E0 = Σ W L,  E1(x) = Σ W Σ_b s_b M_b(x),  E2(x, y) = Σ W Σ_{b, b'} s_b s_b' M_bb'(x, y)
  // (M_bb(x, y) = [x = y] M_b(x)); docs/model.md, "θ in pedigrees".
  VictimMoments h2(allele_ct);
  const Problem p2 = Prune(ped, g, -1, allele_ct);
  const FounderDraws d2 = SetUpDraws(ped, g, p2, model);
  KINSHIP_RETURN_IF_ERROR(CheckFreeAlleles(d2, limits));
  bool h2_done = false;

  const Person& mp = ped.person(target);
  const Problem p1 = Prune(ped, g, target, allele_ct);
  bool leaf = mp.father >= 0;  // a non-founder target without kept descendants
  for (int i : p1.persons)
    if (ped.person(i).father == target || ped.person(i).mother == target) leaf = false;
  std::optional<Problem> q;  // the leaf case: the references and the target's parents
  std::optional<FounderDraws> dq;
  if (leaf) {
    // H1 without the target's variables: with G_ij(u, v) = P(refs, father's allele i = u,
    // mother's allele j = v), P(refs, MP = (x, y)) = ¼ Σ_ij Σ_uv G_ij(u, v) Mf[u][x] Mm[v][y]
    // (the transmissions are sums of two terms): four pair marginals per partition, and the
    // mutation matrices applied once to their sum (no n³ factor over the target's alleles).
    const int parents[2] = {mp.father, mp.mother};
    q = Prune(ped, g, -1, allele_ct, parents);
    dq = SetUpDraws(ped, g, *q, model);
    KINSHIP_RETURN_IF_ERROR(CheckFreeAlleles(*dq, limits));
    d1 = &*dq;
    const bool shared = q->persons == p2.persons;  // H2 in the same pass
    const int fl = q->local[mp.father], ml = q->local[mp.mother];
    std::vector<double> gsum(a2, 0.0);
    s1 = CommonScale({&gsum});
    PairCache cache(*q);
    KINSHIP_RETURN_IF_ERROR(ForEachBlocking(
        *dq, static_cast<int>(q->domain.size()), th, /*asymmetric_var=*/-1,
        [&](const std::vector<int>& r, const std::vector<const std::vector<double>*>& un, double weight,
            const std::vector<int>& first, const std::vector<int>& size) -> absl::Status {
          cache.Clear();
          auto pair = [&](int u, int v) {
            return cache.Get(u, v, [&](int a, int b) { return KeepPair(ped, g, *q, model, r, un, a, b, limits); });
          };
          if (shared) KINSHIP_RETURN_IF_ERROR(h2.AddPartition(weight, first, size, pair));
          // The parents' (up to) four variables: kept together in one elimination when that
          // table is small (a parent typed: 4 n² entries at most), else pair by pair.
          std::vector<int> all = {r[2 * fl], r[2 * fl + 1], r[2 * ml], r[2 * ml + 1]};
          std::sort(all.begin(), all.end());
          all.erase(std::unique(all.begin(), all.end()), all.end());
          std::int64_t entries = 1;
          for (int x : all) entries *= static_cast<std::int64_t>(q->domain[x].size());
          if (all.size() > 2 && entries <= 4 * static_cast<std::int64_t>(a2)) {
            KINSHIP_ASSIGN_OR_RETURN(ScaledTable t, EliminatePedigree(ped, g, *q, model, r, un, -1, limits,
                                                                      /*collapse_founders=*/false, &all));
            const double f = weight * s1.Factor(t.log2_scale);
            const int kc = static_cast<int>(all.size());
            // Where each parent's allele i sits in `all`, and the alleles at the current entry.
            auto at = [&](int var) { return static_cast<int>(std::find(all.begin(), all.end(), var) - all.begin()); };
            const int kf[2] = {at(r[2 * fl]), at(r[2 * fl + 1])}, km[2] = {at(r[2 * ml]), at(r[2 * ml + 1])};
            std::vector<int> pos(kc, 0), allele(kc);
            for (int k = 0; k < kc; ++k) allele[k] = q->domain[all[k]][0];
            for (double m : t.mantissa) {
              if (m != 0) {
                const double fm = f * m;
                for (int i = 0; i < 2; ++i)
                  for (int j = 0; j < 2; ++j) gsum[allele[kf[i]] * allele_ct + allele[km[j]]] += fm;
              }
              for (int k = kc - 1; k >= 0; --k) {  // row-major, the last variable fastest
                const int size = static_cast<int>(q->domain[all[k]].size());
                if (++pos[k] < size) {
                  allele[k] = q->domain[all[k]][pos[k]];
                  break;
                }
                pos[k] = 0;
                allele[k] = q->domain[all[k]][0];
              }
            }
            return absl::OkStatus();
          }
          for (int i = 0; i < 2; ++i)
            for (int j = 0; j < 2; ++j) {
              const int u = r[2 * fl + i], v = r[2 * ml + j];
              KINSHIP_ASSIGN_OR_RETURN(const ScaledTable* t, pair(u, v));
              AddOrdered(t->mantissa, weight * s1.Factor(t->log2_scale), u, v, *q, allele_ct, &gsum);
            }
          return absl::OkStatus();
        }));
    h2_done = shared;
    // joint = ¼ Mfᵀ G Mm, term by term in a fixed order (M = I without mutation), the
    // sparser side of G first: a typed parent leaves two of its alleles' rows or columns,
    // 2 n² instead of n³.
    if (!model.mutation()) {
      for (int i = 0; i < a2; ++i) joint[i] = 0.25 * gsum[i];
    } else {
      const MutationMatrix& mf = model.male();
      const MutationMatrix& mm = model.female();
      std::vector<int> rows, cols;  // u with a nonzero row, v with a nonzero column
      for (int u = 0; u < allele_ct; ++u)
        for (int v = 0; v < allele_ct; ++v)
          if (gsum[u * allele_ct + v] != 0) {
            if (rows.empty() || rows.back() != u) rows.push_back(u);
          }
      for (int v = 0; v < allele_ct; ++v)
        for (int u : rows)
          if (gsum[u * allele_ct + v] != 0) {
            cols.push_back(v);
            break;
          }
      std::vector<double> h(a2, 0.0);
      if (cols.size() <= rows.size()) {
        // h(x, v) = Σ_u Mf[u][x] G(u, v); joint(x, y) = ¼ Σ_v h(x, v) Mm[v][y].
        for (int u : rows)
          for (int v : cols) {
            const double guv = gsum[u * allele_ct + v];
            if (guv == 0) continue;
            for (int x = 0; x < allele_ct; ++x) h[x * allele_ct + v] += mf(u, x) * guv;
          }
        for (int x = 0; x < allele_ct; ++x)
          for (int v : cols) {
            const double hxv = 0.25 * h[x * allele_ct + v];
            if (hxv == 0) continue;
            for (int y = 0; y < allele_ct; ++y) joint[x * allele_ct + y] += hxv * mm(v, y);
          }
      } else {
        // h(u, y) = Σ_v G(u, v) Mm[v][y]; joint(x, y) = ¼ Σ_u Mf[u][x] h(u, y).
        for (int u : rows)
          for (int v : cols) {
            const double guv = gsum[u * allele_ct + v];
            if (guv == 0) continue;
            for (int y = 0; y < allele_ct; ++y) h[u * allele_ct + y] += guv * mm(v, y);
          }
        for (int u : rows)
          for (int x = 0; x < allele_ct; ++x) {
            const double fux = 0.25 * mf(u, x);
            if (fux == 0) continue;
            for (int y = 0; y < allele_ct; ++y) joint[x * allele_ct + y] += fux * h[u * allele_ct + y];
          }
      }
    }
  }
  std::optional<FounderDraws> dp1;
  if (!leaf) {
    // H1 with the target's two variables kept (through rep when it is a founder: its
    // alleles are then free founder alleles like any untyped founder's).
    dp1 = SetUpDraws(ped, g, p1, model);
    KINSHIP_RETURN_IF_ERROR(CheckFreeAlleles(*dp1, limits));
    d1 = &*dp1;
    const int t = p1.local[target];
    KINSHIP_RETURN_IF_ERROR(ForEachBlocking(
        *dp1, static_cast<int>(p1.domain.size()), th, /*asymmetric_var=*/2 * t,
        [&](const std::vector<int>& r, const std::vector<const std::vector<double>*>& un, double weight,
            const std::vector<int>&, const std::vector<int>&) -> absl::Status {
          const int kp = r[2 * t], km = r[2 * t + 1];
          KINSHIP_ASSIGN_OR_RETURN(ScaledTable v, KeepPair(ped, g, p1, model, r, un, kp, km, limits));
          AddOrdered(v.mantissa, weight * s1.Factor(v.log2_scale), kp, km, p1, allele_ct, &joint);
          return absl::OkStatus();
        }));
  }
  if (!h2_done) {
    PairCache cache(p2);
    KINSHIP_RETURN_IF_ERROR(ForEachBlocking(
        d2, static_cast<int>(p2.domain.size()), th, /*asymmetric_var=*/-1,
        [&](const std::vector<int>& r, const std::vector<const std::vector<double>*>& un, double weight,
            const std::vector<int>& first, const std::vector<int>& size) -> absl::Status {
          cache.Clear();
          auto pair = [&](int u, int v) {
            return cache.Get(u, v, [&](int a, int b) { return KeepPair(ped, g, p2, model, r, un, a, b, limits); });
          };
          return h2.AddPartition(weight, first, size, pair);
        }));
  }
  const int n = d2.t_ct + static_cast<int>(d2.free_vars.size());
  const double d12 = BaldingNicholsDenominator(n, th) * BaldingNicholsDenominator(n + 1, th);
  const double c1 = d1->t_prob.mantissa() / d1->denominator;
  const double c2 = d2.t_prob.mantissa() / (d2.denominator * d12);
  std::int64_t exp1 = s1.exp() + d1->t_prob.log2_scale(), exp2 = h2.scale.exp() + d2.t_prob.log2_scale();
  const std::int64_t top = std::max(exp1, exp2);
  const double f1 = c1 * Ldexp(1.0, exp1 - top), f2 = c2 * Ldexp(1.0, exp2 - top);
  const int genotype_ct = GenotypeCount(allele_ct);
  ThetaFamilyTables out;
  out.joint.mantissa.assign(genotype_ct, 0);
  out.victim.mantissa.assign(genotype_ct, 0);
  for (int b = 0; b < allele_ct; ++b)
    for (int a = 0; a <= b; ++a) {
      const int idx = GenotypeIndex(a, b);
      if (a == b) {
        out.joint.mantissa[idx] = f1 * joint[a * allele_ct + a];
        out.victim.mantissa[idx] = f2 * h2.Ordered(d2.w, th, a, a);
      } else {
        out.joint.mantissa[idx] = f1 * (joint[a * allele_ct + b] + joint[b * allele_ct + a]);
        out.victim.mantissa[idx] = f2 * (h2.Ordered(d2.w, th, a, b) + h2.Ordered(d2.w, th, b, a));
      }
    }
  out.joint.log2_scale = out.victim.log2_scale = top;
  return out;
}

namespace {

// Eliminations of PartitionThetaTables for k free founder alleles: Σ_j S(k, j) max(1, C(j, 2))
// (S the Stirling numbers of the second kind: partitions into j blocks).
double PartitionEliminations(int k) {
  std::vector<double> s(k + 1, 0.0);  // S(n, j) for the current n
  s[0] = 1;
  for (int n = 1; n <= k; ++n)
    for (int j = n; j >= 0; --j) s[j] = j == 0 ? 0 : j * s[j] + s[j - 1];
  double total = 0;
  for (int j = 0; j <= k; ++j) total += s[j] * std::max(1.0, j * (j - 1) / 2.0);
  return total;
}

}  // namespace

absl::StatusOr<ThetaFamilyTables> ThetaTables(const Pedigree& ped, const std::vector<GenotypeIdx>& g, int target,
                                              const PedigreeLocusModel& model, const EngineLimits& limits) {
  if (HasEvidence(g)) return absl::InvalidArgumentError("the theta family tables take typed references");
  if (model.mutation()) return PartitionThetaTables(ped, g, target, model, limits);
  // Without mutation both apply; the cost of each, roughly in operations: the inheritance
  // vectors 2^meioses, each a pass over the kept members; the partitions one elimination
  // per partition (and per pair of blocks), each about (kept members) x (alleles)^2.
  const Problem p = Prune(ped, g, target, model.allele_ct());
  int meioses = 0, free_alleles = 0;
  for (int i : p.persons) {
    if (ped.person(i).father >= 0) meioses += 2;
    else if (g[i] == kUntyped) free_alleles += 2;
  }
  const double kept = static_cast<double>(p.persons.size());
  const double inheritance_cost = std::ldexp(kept, std::min(meioses, 1000));
  const double partition_cost =
      2 * PartitionEliminations(free_alleles) * kept * model.allele_ct() * model.allele_ct();
  const bool inheritance_first = inheritance_cost <= partition_cost;
  auto inheritance = [&] { return InheritanceThetaTables(ped, g, target, p, model, limits); };
  auto partitions = [&] { return PartitionThetaTables(ped, g, target, model, limits); };
  return inheritance_first ? FirstWithinLimits<ThetaFamilyTables>(inheritance, partitions)
                           : FirstWithinLimits<ThetaFamilyTables>(partitions, inheritance);
}

}  // namespace kinship::internal
