// The pedigree engine at theta > 0 (see stats/peeling_theta.h).
#include "stats/peeling_theta.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <numeric>

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

}  // namespace

absl::StatusOr<ScaledTable> InheritanceTheta(const Pedigree& ped, const std::vector<GenotypeIdx>& g,
                                             const Problem& p, const PedigreeLocusModel& model,
                                             const EngineLimits& limits) {
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
  std::vector<int> typed;         // kept indices of typed persons
  for (int k = 0; k < kept_ct; ++k)
    if (g[p.persons[k]] != kUntyped) typed.push_back(k);
  std::vector<int> value(2 * kept_ct, -1);
  std::vector<int> counts(freq.size(), 0);
  ScaledSum total;
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
    std::function<void(size_t)> dfs = [&](size_t t) {
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
        total.Add(prob, prob_exp);
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
        dfs(t + 1);
        value[sp] = old_p;
        value[sm] = old_m;
      }
    };
    dfs(0);
  }
  ScaledTable out;
  out.mantissa = {total.mantissa()};
  out.log2_scale = total.log2_scale() - meioses;
  return out;
}

absl::StatusOr<ScaledTable> PartitionTheta(const Pedigree& ped, const std::vector<GenotypeIdx>& g,
                                           const Problem& p, const PedigreeLocusModel& model,
                                           const EngineLimits& limits) {
  const int allele_ct = model.allele_ct();
  const int var_ct = static_cast<int>(p.domain.size());
  const double th = model.theta();
  std::vector<int> counts(allele_ct, 0);
  int t_ct = 0;
  ScaledSum const_factor;  // one term, renormalised after each factor
  const_factor.Add(1, 0);
  std::vector<int> untyped_slots;
  for (int k = 0; k < static_cast<int>(p.persons.size()); ++k) {
    const int i = p.persons[k];
    if (ped.person(i).father >= 0) continue;
    if (g[i] == kUntyped) {
      untyped_slots.push_back(2 * k);
      untyped_slots.push_back(2 * k + 1);
      continue;
    }
    AllelePair ab = GenotypeAlleles(g[i]);
    for (int x : {static_cast<int>(ab.a), static_cast<int>(ab.b)}) {
      // Balding-Nichols: after n = t_ct draws, (c θ + (1-θ) p) / (1 + (n-1) θ).
      const double draw = BaldingNicholsDraw(counts[x], t_ct, model.freqs()[x], th);
      const double m = const_factor.mantissa() * draw;
      const std::int64_t e = const_factor.log2_scale();
      const_factor = ScaledSum();
      const_factor.Add(m, e);
      ++counts[x];
      ++t_ct;
    }
    // The elimination sums both phases of a heterozygous founder; the ordered draw
    // probability above is that of one phase, as wanted.
  }
  const int k = static_cast<int>(untyped_slots.size());
  if (k > limits.max_untyped_founder_alleles_theta)
    return absl::ResourceExhaustedError(absl::StrCat(
        "theta > 0 with ", k / 2, " untyped founders that have typed descendants: the exact expansion "
        "handles at most ", limits.max_untyped_founder_alleles_theta / 2));
  double denominator = 1;  // Π_j (1 + (|T| + j - 1) θ), at most Bell-limited k terms
  for (int j = 0; j < k; ++j) denominator *= BaldingNicholsDenominator(t_ct + j, th);
  std::vector<double> w(allele_ct);
  for (int x = 0; x < allele_ct; ++x) w[x] = BaldingNicholsWeight(counts[x], model.freqs()[x], th);
  ScaledSum total;
  KINSHIP_RETURN_IF_ERROR(ForEachPartition(k, [&](const std::vector<int>& block) -> absl::Status {
    const int blocks = k == 0 ? 0 : *std::max_element(block.begin(), block.end()) + 1;
    std::vector<int> first(blocks, -1), size(blocks, 0);
    std::vector<int> r(var_ct);
    std::iota(r.begin(), r.end(), 0);
    std::vector<const std::vector<double>*> un(var_ct, nullptr);
    for (int j = 0; j < k; ++j) {
      int b = block[j];
      if (first[b] < 0) first[b] = untyped_slots[j];
      r[untyped_slots[j]] = first[b];
      ++size[b];
    }
    double weight = 1;
    for (int b = 0; b < blocks; ++b) {
      un[first[b]] = &w;
      for (int s = 1; s < size[b]; ++s) weight *= th * s;  // θ^{s-1} (s-1)!
    }
    KINSHIP_ASSIGN_OR_RETURN(ScaledTable v, EliminatePedigree(ped, g, p, model, r, un, -1, limits));
    total.Add(weight * v.mantissa[0], v.log2_scale);
    return absl::OkStatus();
  }));
  ScaledTable out;
  out.mantissa = {const_factor.mantissa() * total.mantissa() / denominator};
  out.log2_scale = const_factor.log2_scale() + total.log2_scale();
  return out;
}

}  // namespace kinship::internal
