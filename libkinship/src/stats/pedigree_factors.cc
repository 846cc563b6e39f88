// Building the pedigree engine's factors (see stats/pedigree_factors.h).
#include "stats/pedigree_factors.h"

#include <cmath>
#include <cstdint>
#include <numeric>

#include "absl/strings/str_cat.h"
#include "stats/eliminator.h"

namespace kinship::internal {

namespace {

// An untyped founder f (not the target) with k children, whose alleles a, b are drawn
// independently from p and appear in no other factor, is summed out in closed form. Child
// j receives x_j with probability (M_j[a][x_j] + M_j[b][x_j]) / 2, so, expanding the product
// over the children by which of f's alleles each received,
//   Φ(x_1..x_k) = Σ_{a,b} p_a p_b Π_j (M_j[a][x_j] + M_j[b][x_j]) / 2
//              = 2^-k Σ_{S ⊆ children} G_S(x_S) G_{S^c}(x_{S^c}),  G_S(x_S) = Σ_a p_a Π_{j∈S} M_j[a][x_j],
// which costs about 2^k n Π_j |x_j| instead of the n^2 Π_j |x_j| of summing a and b as
// variables (n alleles). Used for k <= 4 (2^k <= 16 < n in practice).
void AddCollapsedFounder(Eliminator* e, const std::vector<int>& child_vars,
                         const std::vector<const MutationMatrix*>& matrices, const Problem& p,
                         const PedigreeLocusModel& model) {
  const std::vector<double>& freqs = model.freqs();
  const int k = static_cast<int>(child_vars.size());
  // One or two children through the same matrix: the model's precomputed p M and Q give
  // Φ(x) = (p M)[x] Σp and Φ(x1, x2) = (Q[x1][x2] Σp + (p M)[x1] (p M)[x2]) / 2 directly.
  if (k <= 2 && model.freq_sum() > 0 && (k == 1 || matrices[0] == matrices[1]) &&
      (matrices[0] != nullptr || !model.mutation())) {
    const int side = matrices[0] == &model.female() ? 1 : 0;
    const std::vector<double>& pm = model.p_m(side);
    const MutationMatrix& q = model.pair_moment(side);
    const double sum = model.freq_sum();
    const std::span<const int> d0 = p.domain[child_vars[0]];
    if (k == 1) {
      e->Add(child_vars, [&](const std::vector<int>& x) { return pm[d0[x[0]]] * sum; });
    } else {
      const std::span<const int> d1 = p.domain[child_vars[1]];
      e->Add(child_vars, [&](const std::vector<int>& x) {
        const int a = d0[x[0]], b = d1[x[1]];
        return 0.5 * (q(a, b) * sum + pm[a] * pm[b]);
      });
    }
    return;
  }
  const int allele_ct = static_cast<int>(freqs.size());
  std::vector<int> dims(k);
  for (int j = 0; j < k; ++j) dims[j] = static_cast<int>(p.domain[child_vars[j]].size());
  // G_S as tables over S's children (mixed radix, lowest child index fastest).
  std::vector<std::vector<double>> G(1 << k);
  std::vector<double> prod;
  for (int S = 0; S < (1 << k); ++S) {
    std::vector<int> members;
    size_t size = 1;
    for (int j = 0; j < k; ++j)
      if (S >> j & 1) members.push_back(j), size *= dims[j];
    G[S].assign(size, 0.0);
    std::vector<int> pos(members.size(), 0);
    for (size_t idx = 0; idx < size; ++idx) {
      double sum = 0;
      for (int a = 0; a < allele_ct; ++a) {
        double term = freqs[a];
        for (size_t m = 0; m < members.size() && term != 0; ++m) {
          const int j = members[m];
          const int x = p.domain[child_vars[j]][pos[m]];
          term *= matrices[j] ? (*matrices[j])(a, x) : (a == x ? 1.0 : 0.0);
        }
        sum += term;
      }
      G[S][idx] = sum;
      for (size_t m = 0; m < members.size(); ++m) {
        if (++pos[m] < dims[members[m]]) break;
        pos[m] = 0;
      }
    }
  }
  const double scale = std::ldexp(1.0, -k);
  const int full = (1 << k) - 1;
  e->Add(child_vars, [&](const std::vector<int>& x) {
    double total = 0;
    for (int S = 0; S <= full; ++S) {
      size_t i1 = 0, m1 = 1, i2 = 0, m2 = 1;
      for (int j = 0; j < k; ++j) {
        if (S >> j & 1) i1 += x[j] * m1, m1 *= dims[j];
        else i2 += x[j] * m2, m2 *= dims[j];
      }
      total += G[S][i1] * G[full ^ S][i2];
    }
    return scale * total;
  });
}

}  // namespace

std::vector<char> NeededMembers(const Pedigree& ped, const std::vector<GenotypeIdx>& g, int target,
                                std::span<const int> also_needed) {
  const int member_ct = ped.size();
  std::vector<char> needed(member_ct, 0);
  for (int i = 0; i < member_ct; ++i) needed[i] = g[i] != kUntyped || i == target;
  for (int i : also_needed) needed[i] = 1;
  // needed(i) |= some child needed. Parents come before their children, so one pass from
  // the last member up reaches the fixpoint (a forward pass needed one per generation).
  for (int i = member_ct - 1; i >= 0; --i) {
    if (!needed[i]) continue;
    for (int par : {ped.person(i).father, ped.person(i).mother})
      if (par >= 0) needed[par] = 1;
  }
  return needed;
}

Problem Prune(const Pedigree& ped, const std::vector<GenotypeIdx>& g, int target, int allele_ct,
              std::span<const int> also_needed) {
  const int member_ct = ped.size();
  const std::vector<char> needed = NeededMembers(ped, g, target, also_needed);
  Problem p;
  p.local.assign(member_ct, -1);
  for (int i = 0; i < member_ct; ++i)
    if (needed[i]) {
      p.local[i] = static_cast<int>(p.persons.size());
      p.persons.push_back(i);
    }
  p.all_alleles.resize(allele_ct);
  std::iota(p.all_alleles.begin(), p.all_alleles.end(), 0);
  p.typed_alleles.reserve(p.persons.size());
  for (int i : p.persons) {
    if (g[i] == kUntyped || g[i] == kEvidence) {  // evidence: a weight over every genotype
      p.domain.emplace_back(p.all_alleles);
      p.domain.emplace_back(p.all_alleles);
    } else {
      AllelePair ab = GenotypeAlleles(g[i]);
      p.typed_alleles.push_back({ab.a, ab.b});
      const std::span<const int> d(p.typed_alleles.back().data(), ab.a == ab.b ? 1 : 2);
      p.domain.push_back(d);
      p.domain.push_back(d);
    }
  }
  return p;
}

absl::StatusOr<ScaledTable> EliminatePedigree(const Pedigree& ped, const std::vector<GenotypeIdx>& g,
                                              const Problem& p, const PedigreeLocusModel& model,
                                              const std::vector<int>& rep,
                                              const std::vector<const std::vector<double>*>& unary_in,
                                              int target_local, const EngineLimits& limits,
                                              bool collapse_founders, const std::vector<int>* keep_vars) {
  const int var_ct = static_cast<int>(p.domain.size());
  const int kept_ct = static_cast<int>(p.persons.size());
  std::vector<int> dom(var_ct);
  for (int v = 0; v < var_ct; ++v) dom[v] = static_cast<int>(p.domain[v].size());
  Eliminator e(dom, limits.max_factor_entries);
  // Untyped founders summed out in closed form (theta = 0 only: their alleles are then
  // independent draws from p and appear only in their transmissions).
  std::vector<char> collapsed(kept_ct, 0);
  std::vector<const std::vector<double>*> unary = unary_in;
  // Familias mode: for each member (original index) without data at any locus, its
  // number of children in the pedigree Familias reduces once for the whole case (members
  // with data at some locus, the target, and their ancestors); -1 for the others.
  std::vector<int> familias_children;
  if (collapse_founders && model.untyped_founders() == UntypedFounders::kFamilias && model.mutation()) {
    const int member_ct = ped.size();
    const std::vector<char>& anywhere = limits.typed_anywhere;
    std::vector<char> data(member_ct), kept(member_ct);
    for (int i = 0; i < member_ct; ++i)
      data[i] = kept[i] = g[i] != kUntyped || (!anywhere.empty() && anywhere[i]) ||
                          (target_local >= 0 && i == p.persons[target_local]);
    for (int i = member_ct - 1; i >= 0; --i)  // ancestors of kept members (parents come first)
      if (kept[i] && ped.person(i).father >= 0)
        for (int par : {ped.person(i).father, ped.person(i).mother}) kept[par] = 1;
    familias_children.assign(member_ct, -1);
    for (int i = 0; i < member_ct; ++i)
      if (!data[i]) familias_children[i] = 0;
    for (int i = 0; i < member_ct; ++i)
      if (kept[i] && ped.person(i).father >= 0)
        for (int par : {ped.person(i).father, ped.person(i).mother})
          if (familias_children[par] >= 0) ++familias_children[par];
  }
  if (collapse_founders) {
    // Each kept member's child variables (2c for a father, 2c + 1 for a mother), in the
    // order of the children: one pass instead of a scan of all members per founder.
    std::vector<std::vector<int>> child_vars_of(kept_ct);
    for (int c = 0; c < kept_ct; ++c) {
      const Person& pc = ped.person(p.persons[c]);
      if (pc.father < 0) continue;
      child_vars_of[p.local[pc.father]].push_back(2 * c);
      child_vars_of[p.local[pc.mother]].push_back(2 * c + 1);
    }
    for (int k = 0; k < kept_ct; ++k) {
      const int i = p.persons[k];
      if (ped.person(i).father >= 0 || g[i] != kUntyped || k == target_local) continue;
      const std::vector<int>& child_vars = child_vars_of[k];
      std::vector<const MutationMatrix*> matrices;
      for (int v : child_vars)
        matrices.push_back(!model.mutation() ? nullptr : v % 2 == 0 ? &model.male() : &model.female());
      if (child_vars.empty() || child_vars.size() > 4) continue;
      // Familias' pruning: an untyped founder with one child (among the members with
      // typed descendants) passes on an allele drawn from p, without the mutation step.
      // Familias' pruning (see UntypedFounders): a founder without data at any locus
      // with one child in Familias' reduced pedigree passes on an allele drawn from p,
      // without the mutation step.
      if (!familias_children.empty() && familias_children[i] == 1 && child_vars.size() == 1)
        matrices[0] = nullptr;
      std::int64_t entries = 1;
      for (int v : child_vars) entries *= static_cast<std::int64_t>(p.domain[v].size());
      if (entries > limits.max_factor_entries) continue;  // let the eliminator refuse it
      collapsed[k] = 1;
      unary[2 * k] = unary[2 * k + 1] = nullptr;
      AddCollapsedFounder(&e, child_vars, matrices, p, model);
    }
  }
  for (int v = 0; v < var_ct; ++v)
    if (unary[v]) {
      const std::vector<double>& w = *unary[v];
      const std::span<const int> d = p.domain[v];
      std::vector<double> t(d.size());
      for (size_t i = 0; i < d.size(); ++i) t[i] = w[d[i]];
      e.AddTable({v}, std::move(t));
    }
  for (int k = 0; k < static_cast<int>(p.persons.size()); ++k) {
    const int i = p.persons[k];
    const int pv = 2 * k, mv = 2 * k + 1;
    if (g[i] == kEvidence) {
      // P(O | {P, M}) over the member's alleles (their block variables in PartitionTheta, one
      // variable when both are in one block).
      const std::vector<double>& w = (*limits.evidence)[i];
      const std::span<const int> dp = p.domain[rep[pv]], dm = p.domain[rep[mv]];
      e.Add({rep[pv], rep[mv]}, [&](const std::vector<int>& x) { return w[GenotypeIndex(dp[x[0]], dm[x[1]])]; });
    } else if (g[i] != kUntyped) {
      AllelePair ab = GenotypeAlleles(g[i]);
      if (ab.a != ab.b) e.AddTable({pv, mv}, {0.0, 1.0, 1.0, 0.0});  // [P != M] over {a, b}²
    }
    const Person& per = ped.person(i);
    if (per.father < 0) continue;
    for (int side = 0; side < 2; ++side) {
      const int par = p.local[side == 0 ? per.father : per.mother];
      if (collapsed[par]) continue;  // in the parent's closed-form factor
      const int a = rep[2 * par], b = rep[2 * par + 1], c = side == 0 ? pv : mv;
      const MutationMatrix* m =
          !model.mutation() ? nullptr : side == 0 ? &model.male() : &model.female();
      e.AddTransmission(a, b, c, p.domain[a], p.domain[b], p.domain[c], m);
    }
  }
  std::vector<int> keep;
  if (target_local >= 0) keep = {2 * target_local, 2 * target_local + 1};
  if (keep_vars) keep = *keep_vars;
  absl::StatusOr<ScaledTable> out = e.Run(keep);
  if (out.status().code() == absl::StatusCode::kResourceExhausted)
    return absl::ResourceExhaustedError(absl::StrCat("family ", ped.family(), ": ", out.status().message()));
  return out;
}

}  // namespace kinship::internal
