// The joint DVI problem on the families' local tables (kinship/dvi.h: SolveDvi).
//
// Within a component the families are taken in order; F_i(m) sums the weights of the ways the
// first i families use exactly the victim set m, B_i(m) those of the ways families i.. can go
// on from m. F and B are kept on the same keys (the sets reachable from the empty one), as
// sorted vectors, so every sum runs in one fixed order: the result is the same bits whatever
// the thread count. The same passes in the (max, ×) semiring give each option's best
// assignment, and B's max is the exact best completion that the best-first search for the
// top assignments uses as its bound.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <map>
#include <queue>
#include <set>

#include "absl/strings/str_cat.h"
#include "kinship/dvi.h"

namespace kinship {

namespace {

using Mask = unsigned __int128;
using Real = long double;
constexpr int kMaxComponentVictims = 128;

Real Pow10(Real x) { return std::exp(x * 2.302585092994045684017991454684364208L); }  // faster than powl

// log10(Σ 10^x) over `xs`, stable.
double Log10SumExp(const std::vector<double>& xs) {
  if (xs.empty()) return -INFINITY;
  const double top = *std::max_element(xs.begin(), xs.end());
  if (top == -INFINITY) return -INFINITY;
  Real s = 0;
  for (double x : xs) s += Pow10(static_cast<Real>(x) - top);
  return top + static_cast<double>(std::log10(s));
}

struct Transition {
  Mask mask;
  Real weight;
  int option;  // -1: none
};

struct Layer {
  std::vector<Mask> keys;  // sorted
  std::vector<Real> sum, max;
  int Find(Mask m) const {
    auto it = std::lower_bound(keys.begin(), keys.end(), m);
    return it != keys.end() && *it == m ? static_cast<int>(it - keys.begin()) : -1;
  }
};

struct ComponentTop {
  std::vector<std::pair<double, std::vector<int>>> entries;  // (log10 LR, option per component family)
};

// Keeps the entries of `all` (sorted by decreasing first) up to k, plus those within 1e-9
// of the k-th.
template <typename T>
void CutWithTies(std::vector<T>* all, int k) {
  if (static_cast<int>(all->size()) <= k) return;
  const double last = (*all)[k - 1].first;
  size_t n = k;
  while (n < all->size() && (*all)[n].first >= last - 1e-9 && n < static_cast<size_t>(k) + 1000) ++n;
  all->resize(n);
}

class ComponentSolver {
 public:
  ComponentSolver(const DviProblem& p, const std::vector<std::vector<char>>& kept, std::vector<int> families,
                  std::vector<int> victims, const DviSolveOptions& opts)
      : p_(p), kept_(kept), fams_(std::move(families)), vics_(std::move(victims)), opts_(opts) {}

  absl::Status Solve(DviSolution* sol, ComponentTop* top, std::int64_t* states) {
    std::vector<int> local(p_.victim_ct, -1);
    for (size_t i = 0; i < vics_.size(); ++i) local[vics_[i]] = static_cast<int>(i);
    const int n = static_cast<int>(fams_.size());
    trans_.resize(n);
    scale_.assign(n, 0);
    for (int i = 0; i < n; ++i) {
      const DviFamilyOptions& fam = p_.families[fams_[i]];
      double s = 0;
      for (size_t x = 0; x < fam.options.size(); ++x)
        if (kept_[fams_[i]][x]) s = std::max(s, fam.options[x].log10_lr);
      scale_[i] = s;
      trans_[i].push_back({0, Pow10(-static_cast<Real>(s)), -1});
      for (size_t x = 0; x < fam.options.size(); ++x) {
        if (!kept_[fams_[i]][x]) continue;
        Mask m = 0;
        for (const auto& [mp, v] : fam.options[x].placed) m |= Mask{1} << local[v];
        trans_[i].push_back({m, Pow10(static_cast<Real>(fam.options[x].log10_lr) - s), static_cast<int>(x)});
      }
    }
    const double scale_sum = std::accumulate(scale_.begin(), scale_.end(), 0.0);
    // A state keeps only the used victims that a later family could still take: the others
    // can no longer conflict (the frontier of the order; OrderFamilies keeps it narrow).
    future_.assign(n + 1, 0);
    for (int i = n - 1; i >= 0; --i) {
      future_[i] = future_[i + 1];
      for (const Transition& t : trans_[i]) future_[i] |= t.mask;
    }
    // Forward.
    fwd_.assign(n + 1, {});
    succ_.assign(n, {});
    fwd_[0].keys = {0};
    fwd_[0].sum = {1};
    fwd_[0].max = {1};
    for (int i = 0; i < n; ++i) {
      // Successors grouped by key through an open-addressing table, in the order first seen
      // (so each key's sum runs in generation order: deterministic), then sorted by key.
      const Layer& cur = fwd_[i];
      const size_t tn = trans_[i].size();
      succ_[i].assign(cur.keys.size() * tn, -1);
      size_t cap = 16;
      while (cap < 2 * cur.keys.size() * tn + 16) cap <<= 1;
      std::vector<int> table(cap, -1);
      std::vector<Mask> keys;
      std::vector<Real> sum, mx;
      for (size_t k = 0; k < cur.keys.size(); ++k)
        for (size_t t = 0; t < tn; ++t) {
          const Transition& tr = trans_[i][t];
          if ((cur.keys[k] & tr.mask) != 0) continue;
          const Mask m = (cur.keys[k] | tr.mask) & future_[i + 1];
          const std::uint64_t lo = static_cast<std::uint64_t>(m), hi = static_cast<std::uint64_t>(m >> 64);
          std::uint64_t h = (lo ^ (hi * 0x9E3779B97F4A7C15ull)) * 0xBF58476D1CE4E5B9ull;
          h ^= h >> 31;
          size_t at = h & (cap - 1);
          while (table[at] >= 0 && keys[table[at]] != m) at = (at + 1) & (cap - 1);
          if (table[at] < 0) {
            table[at] = static_cast<int>(keys.size());
            keys.push_back(m);
            sum.push_back(0);
            mx.push_back(0);
          }
          const int q = table[at];
          sum[q] += cur.sum[k] * tr.weight;
          mx[q] = std::max(mx[q], cur.max[k] * tr.weight);
          succ_[i][k * tn + t] = q;
        }
      std::vector<int> order(keys.size());
      std::iota(order.begin(), order.end(), 0);
      std::sort(order.begin(), order.end(), [&](int a, int b) { return keys[a] < keys[b]; });
      std::vector<int> rank(keys.size());
      Layer& out = fwd_[i + 1];
      out.keys.resize(keys.size());
      out.sum.resize(keys.size());
      out.max.resize(keys.size());
      for (size_t r = 0; r < order.size(); ++r) {
        rank[order[r]] = static_cast<int>(r);
        out.keys[r] = keys[order[r]];
        out.sum[r] = sum[order[r]];
        out.max[r] = mx[order[r]];
      }
      for (int& j : succ_[i])
        if (j >= 0) j = rank[j];
      *states += static_cast<std::int64_t>(out.keys.size());
      if (static_cast<std::int64_t>(out.keys.size()) > opts_.max_states)
        return absl::ResourceExhaustedError(absl::StrCat(
            "a component of ", vics_.size(), " victims and ", n, " families needs more than ", opts_.max_states,
            " states (sets of victims used); its assignments cannot be summed exactly within the limit"));
    }
    // Backward, on the forward keys.
    bwd_.assign(n + 1, {});
    bwd_[n].keys = fwd_[n].keys;
    bwd_[n].sum.assign(fwd_[n].keys.size(), 1);
    bwd_[n].max.assign(fwd_[n].keys.size(), 1);
    for (int i = n - 1; i >= 0; --i) {
      Layer& b = bwd_[i];
      b.keys = fwd_[i].keys;
      b.sum.assign(b.keys.size(), 0);
      b.max.assign(b.keys.size(), 0);
      const size_t tn = trans_[i].size();
      for (size_t k = 0; k < b.keys.size(); ++k)
        for (size_t ti = 0; ti < tn; ++ti) {
          const int j = succ_[i][k * tn + ti];
          if (j < 0) continue;
          const Transition& t = trans_[i][ti];
          b.sum[k] += t.weight * bwd_[i + 1].sum[j];
          b.max[k] = std::max(b.max[k], t.weight * bwd_[i + 1].max[j]);
        }
    }
    Real total = 0;
    for (Real s : fwd_[n].sum) total += s;
    if (!(total > 0) || !std::isfinite(static_cast<double>(std::log10(total))))
      return absl::OutOfRangeError(absl::StrCat("a component of ", vics_.size(),
                                                " victims: its likelihoods pass the range of long double"));
    log10_total_ = static_cast<double>(std::log10(total)) + scale_sum;
    // Each option's posterior and best assignment.
    for (int i = 0; i < n; ++i) {
      const int f = fams_[i];
      const size_t tn = trans_[i].size();
      for (size_t ti = 0; ti < tn; ++ti) {
        const Transition& t = trans_[i][ti];
        Real s = 0, mx = 0;
        for (size_t k = 0; k < fwd_[i].keys.size(); ++k) {
          const int j = succ_[i][k * tn + ti];
          if (j < 0) continue;
          s += fwd_[i].sum[k] * t.weight * bwd_[i + 1].sum[j];
          mx = std::max(mx, fwd_[i].max[k] * t.weight * bwd_[i + 1].max[j]);
        }
        const double best = mx > 0 ? static_cast<double>(std::log10(mx)) + scale_sum : -INFINITY;
        if (t.option < 0) {
          sol->none_best_log10[f] = best;
        } else {
          sol->option_posterior[f][t.option] = static_cast<double>(s / total);
          sol->option_best_log10[f][t.option] = best;
        }
      }
    }
    return TopAssignments(top);
  }

  double log10_total() const { return log10_total_; }

 private:
  // Best-first over partial assignments (families 0..i decided), priority = prefix weight ×
  // the exact best completion B_i.max: complete assignments come out best first.
  absl::Status TopAssignments(ComponentTop* top) {
    struct Node {
      int layer, key, parent, option;
      Real prefix;
    };
    std::vector<Node> nodes;
    using Item = std::pair<Real, int>;  // (priority, node); ties: the earlier node first
    auto cmp = [](const Item& a, const Item& b) { return a.first != b.first ? a.first < b.first : a.second > b.second; };
    std::priority_queue<Item, std::vector<Item>, decltype(cmp)> queue(cmp);
    const int n = static_cast<int>(fams_.size());
    nodes.push_back({0, 0, -1, -1, 1});
    queue.push({bwd_[0].max[0], 0});
    const int k_max = std::max(1, opts_.top_k);
    std::vector<std::pair<double, std::vector<int>>> out;
    while (!queue.empty()) {
      const auto [prio, id] = queue.top();
      queue.pop();
      const Node node = nodes[id];
      if (node.layer == n) {
        std::vector<int> choice(n, -1);
        for (int q = id; nodes[q].parent >= 0; q = nodes[q].parent) choice[nodes[q].layer - 1] = nodes[q].option;
        double log10 = 0;
        for (int i = 0; i < n; ++i)
          if (choice[i] >= 0) log10 += p_.families[fams_[i]].options[choice[i]].log10_lr;
        if (static_cast<int>(out.size()) >= k_max && log10 < out[k_max - 1].first - 1e-9) break;
        out.push_back({log10, std::move(choice)});
        if (static_cast<int>(out.size()) >= k_max + 1000) break;
        continue;
      }
      if (prio == 0) break;
      const size_t tn = trans_[node.layer].size();
      for (size_t ti = 0; ti < tn; ++ti) {
        const Transition& t = trans_[node.layer][ti];
        const int j = succ_[node.layer][node.key * tn + ti];
        if (j < 0) continue;
        const Real prefix = node.prefix * t.weight;
        const Real p = prefix * bwd_[node.layer + 1].max[j];
        if (p == 0) continue;
        nodes.push_back({node.layer + 1, j, id, t.option, prefix});
        queue.push({p, static_cast<int>(nodes.size()) - 1});
      }
    }
    std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    CutWithTies(&out, k_max);
    top->entries = std::move(out);
    return absl::OkStatus();
  }

  const DviProblem& p_;
  const std::vector<std::vector<char>>& kept_;
  std::vector<int> fams_, vics_;
  const DviSolveOptions& opts_;
  std::vector<std::vector<Transition>> trans_;
  std::vector<double> scale_;
  std::vector<Layer> fwd_, bwd_;
  std::vector<Mask> future_;
  std::vector<std::vector<int>> succ_;  // succ_[i][k * T_i + t]: the state after transition t, -1 if it conflicts  // future_[i]: the victims that families i.. can still take
  double log10_total_ = 0;
};

int FindRoot(std::vector<int>* parent, int x) {
  while ((*parent)[x] != x) x = (*parent)[x] = (*parent)[(*parent)[x]];
  return x;
}

// The families of a component in the order the dynamic programme takes them: greedily the
// one that leaves the fewest victims shared between the families taken and those left (the
// frontier, whose subsets are the states); ties to the lower index. Deterministic.
std::vector<int> OrderFamilies(const DviProblem& p, const std::vector<std::vector<char>>& kept,
                               const std::vector<int>& fams) {
  const int n = static_cast<int>(fams.size());
  std::vector<std::vector<int>> victims(n);
  for (int i = 0; i < n; ++i) {
    const auto& o = p.families[fams[i]].options;
    for (size_t x = 0; x < o.size(); ++x)
      if (kept[fams[i]][x])
        for (const auto& [mp, v] : o[x].placed) victims[i].push_back(v);
    std::sort(victims[i].begin(), victims[i].end());
    victims[i].erase(std::unique(victims[i].begin(), victims[i].end()), victims[i].end());
  }
  std::map<int, int> left;  // victim -> families not yet taken that can take it
  for (int i = 0; i < n; ++i)
    for (int v : victims[i]) ++left[v];
  std::set<int> taken_victims;  // victims of the families taken
  std::vector<char> done(n, 0);
  std::vector<int> order;
  for (int step = 0; step < n; ++step) {
    int best = -1;
    long best_frontier = 0;
    for (int i = 0; i < n; ++i) {
      if (done[i]) continue;
      // The frontier after taking i: victims of taken families or of i still wanted by others.
      long frontier = 0;
      for (int v : taken_victims) {
        const bool in_i = std::binary_search(victims[i].begin(), victims[i].end(), v);
        frontier += left[v] - (in_i ? 1 : 0) > 0;
      }
      for (int v : victims[i])
        if (!taken_victims.count(v)) frontier += left[v] - 1 > 0;
      if (best < 0 || frontier < best_frontier) best = i, best_frontier = frontier;
    }
    done[best] = 1;
    order.push_back(fams[best]);
    for (int v : victims[best]) {
      --left[v];
      taken_victims.insert(v);
    }
    for (auto it = taken_victims.begin(); it != taken_victims.end();)  // no longer wanted: off the frontier
      it = left[*it] == 0 ? taken_victims.erase(it) : std::next(it);
  }
  return order;
}

// Everything after pruning: components, each solved alone, and their product.
absl::StatusOr<DviSolution> Core(const DviProblem& p, const DviSolveOptions& opts,
                                 const std::vector<std::vector<char>>& kept, DviSolution sol) {
  const int nv = p.victim_ct, nf = static_cast<int>(p.families.size());
  // Components: victims and families linked by kept options.
  std::vector<int> parent(nv + nf);
  std::iota(parent.begin(), parent.end(), 0);
  std::vector<char> active(nf, 0);
  for (int f = 0; f < nf; ++f)
    for (size_t x = 0; x < p.families[f].options.size(); ++x) {
      if (!kept[f][x]) continue;
      active[f] = 1;
      for (const auto& [mp, v] : p.families[f].options[x].placed)
        parent[FindRoot(&parent, nv + f)] = FindRoot(&parent, v);
    }
  std::vector<std::vector<int>> comp_fams, comp_vics;
  std::vector<int> comp_of(nv + nf, -1);
  for (int f = 0; f < nf; ++f) {
    if (!active[f]) continue;
    const int r = FindRoot(&parent, nv + f);
    if (comp_of[r] < 0) {
      comp_of[r] = static_cast<int>(comp_fams.size());
      comp_fams.push_back({});
      comp_vics.push_back({});
    }
    comp_fams[comp_of[r]].push_back(f);
  }
  for (int v = 0; v < nv; ++v) {
    const int r = FindRoot(&parent, v);
    if (comp_of[r] >= 0) comp_vics[comp_of[r]].push_back(v);
  }
  sol.components = static_cast<int>(comp_fams.size());

  // Each component alone; the whole is their product.
  std::vector<std::pair<double, std::vector<int>>> global = {{0.0, std::vector<int>(nf, -1)}};
  double log10_total = 0;
  std::vector<double> comp_best(comp_fams.size(), 0);
  for (size_t c = 0; c < comp_fams.size(); ++c) {
    if (static_cast<int>(comp_vics[c].size()) > kMaxComponentVictims)
      return absl::ResourceExhaustedError(absl::StrCat("a component links ", comp_vics[c].size(),
                                                       " victims; at most ", kMaxComponentVictims,
                                                       " are solved exactly together"));
    sol.largest_component_victims = std::max(sol.largest_component_victims, static_cast<int>(comp_vics[c].size()));
    comp_fams[c] = OrderFamilies(p, kept, comp_fams[c]);
    ComponentSolver solver(p, kept, comp_fams[c], comp_vics[c], opts);
    ComponentTop top;
    if (absl::Status st = solver.Solve(&sol, &top, &sol.states); !st.ok()) return st;
    log10_total += solver.log10_total();
    comp_best[c] = top.entries.empty() ? 0 : top.entries[0].first;
    std::vector<std::pair<double, std::vector<int>>> merged;
    for (const auto& [g_lr, g_choice] : global)
      for (const auto& [c_lr, c_choice] : top.entries) {
        std::vector<int> choice = g_choice;
        for (size_t i = 0; i < comp_fams[c].size(); ++i) choice[comp_fams[c][i]] = c_choice[i];
        merged.push_back({g_lr + c_lr, std::move(choice)});
      }
    std::stable_sort(merged.begin(), merged.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    CutWithTies(&merged, opts.top_k);
    global = std::move(merged);
  }
  sol.log10_total = log10_total;
  // The best LRs so far are within their component: add the other components' best.
  double best_all = 0;
  for (double b : comp_best) best_all += b;
  for (size_t c = 0; c < comp_fams.size(); ++c)
    for (int f : comp_fams[c]) {
      const double others = best_all - comp_best[c];
      for (double& b : sol.option_best_log10[f]) b += others;
      sol.none_best_log10[f] += others;
    }
  for (int f = 0; f < nf; ++f)
    if (!active[f]) sol.none_best_log10[f] = best_all;
  for (auto& [lr, choice] : global) {
    DviJointAssignment a;
    a.option_of_family = std::move(choice);
    for (int f = 0; f < nf; ++f)
      if (a.option_of_family[f] >= 0) a.log10_lr += p.families[f].options[a.option_of_family[f]].log10_lr;
    a.posterior = std::pow(10.0, a.log10_lr - log10_total);
    sol.top.push_back(std::move(a));
  }
  sol.unassigned_posterior.assign(nv, 1.0);
  for (int f = 0; f < nf; ++f)
    for (size_t x = 0; x < p.families[f].options.size(); ++x)
      for (const auto& [mp, v] : p.families[f].options[x].placed) sol.unassigned_posterior[v] -= sol.option_posterior[f][x];
  for (double& u : sol.unassigned_posterior) u = std::clamp(u, 0.0, 1.0);
  return sol;
}

}  // namespace

absl::StatusOr<DviSolution> SolveDvi(const DviProblem& p, const DviSolveOptions& opts) {
  const int nv = p.victim_ct, nf = static_cast<int>(p.families.size());
  if (nv < 0) return absl::InvalidArgumentError("negative victim count");
  if (opts.top_k < 1) return absl::InvalidArgumentError("--top must be at least 1");
  for (int f = 0; f < nf; ++f)
    for (const DviOption& o : p.families[f].options) {
      if (!std::isfinite(o.log10_lr)) return absl::InvalidArgumentError("a local assignment's log10 LR is not finite");
      if (o.placed.empty()) return absl::InvalidArgumentError("a local assignment places no victim");
      for (size_t a = 0; a < o.placed.size(); ++a) {
        if (o.placed[a].second < 0 || o.placed[a].second >= nv)
          return absl::InvalidArgumentError("a local assignment's victim is out of range");
        for (size_t b = 0; b < a; ++b)
          if (o.placed[a].second == o.placed[b].second || o.placed[a].first == o.placed[b].first)
            return absl::InvalidArgumentError("a local assignment uses a victim or a missing person twice");
      }
    }
  DviSolution sol;
  sol.option_posterior.resize(nf);
  sol.option_best_log10.resize(nf);
  sol.none_best_log10.assign(nf, 0);
  std::vector<std::vector<char>> kept(nf);
  for (int f = 0; f < nf; ++f) {
    sol.option_posterior[f].assign(p.families[f].options.size(), 0);
    sol.option_best_log10[f].assign(p.families[f].options.size(), -INFINITY);
    kept[f].assign(p.families[f].options.size(), 1);
  }

  if (opts.exact) return Core(p, opts, kept, sol);

  // Pruning under a proven bound; two rules, each given half the error budget ε.
  //
  // Rule 1 (small against the problem's scale). Let T_f = 1 + Σ_x R_f(x). The assignments
  // that use a dropped option x of family f weigh at most R_f(x) Π_{g≠f} T_g together (the
  // other families chosen freely, victims reused or not: every term is ≥ 0), so their mass
  // is D1 ≤ Π_g T_g Σ_f d1_f / T_f. The kept sum S is at least the greedy assignment's LR G
  // (its options are never dropped). Dropping in family f the options with
  // R_f(x) ≤ T_f ε G / (N_f F Π_g T_g) makes D1 ≤ ε G ≤ ε S.
  //
  // Rule 2 (small against nobody). An assignment a that uses option x of family f has
  // LR(a) = R_f(x) LR(a without x), and "a without x" (f's victims unassigned) is valid, one
  // for each a: the assignments using x weigh at most R_f(x) S_true. Dropping the options
  // with R_f(x) ≤ ε / N (N options in all) makes D2 ≤ δ S_true, δ = Σ of their R ≤ ε.
  //
  // Together D ≤ D1 + δ (S + D), so D / S ≤ (D1 / S + δ) / (1 - δ); and also, rule 2's
  // argument for every dropped option, D / S ≤ δ_all / (1 - δ_all). Every posterior moves by
  // at most D / S (a kept assignment's w/S against w/(S + D); a dropped one is ≤ D/S), every
  // marginal too. error_bound is the smaller of the two.
  const double eps = opts.max_error / 2.2;
  std::vector<double> log10_t(nf, 0);
  double sum_log10_t = 0;
  int with_options = 0;
  std::int64_t option_ct = 0;
  for (int f = 0; f < nf; ++f) {
    std::vector<double> xs = {0.0};
    for (const DviOption& o : p.families[f].options) xs.push_back(o.log10_lr);
    log10_t[f] = Log10SumExp(xs);
    sum_log10_t += log10_t[f];
    with_options += !p.families[f].options.empty();
    option_ct += static_cast<std::int64_t>(p.families[f].options.size());
  }
  // Greedy: the options with LR > 1 by decreasing LR, each if its family and victims are free.
  std::vector<std::tuple<double, int, int>> order;
  for (int f = 0; f < nf; ++f)
    for (size_t x = 0; x < p.families[f].options.size(); ++x)
      if (p.families[f].options[x].log10_lr > 0) order.push_back({-p.families[f].options[x].log10_lr, f, static_cast<int>(x)});
  std::sort(order.begin(), order.end());
  std::vector<char> fam_used(nf, 0), vic_used(nv, 0);
  std::vector<std::vector<char>> greedy_option(nf);
  for (int f = 0; f < nf; ++f) greedy_option[f].assign(p.families[f].options.size(), 0);
  double greedy = 0;
  for (const auto& [neg, f, x] : order) {
    if (fam_used[f]) continue;
    bool free = true;
    for (const auto& [mp, v] : p.families[f].options[x].placed) free &= !vic_used[v];
    if (!free) continue;
    fam_used[f] = 1;
    greedy_option[f][x] = 1;
    for (const auto& [mp, v] : p.families[f].options[x].placed) vic_used[v] = 1;
    greedy += -neg;
  }
  const double budget = std::log10(eps) + greedy - sum_log10_t;
  const double cut2 = std::log10(eps) - std::log10(static_cast<double>(std::max<std::int64_t>(option_ct, 1)));
  std::vector<std::vector<char>> rule1(nf);  // dropped by rule 1 (else by rule 2 only)
  for (int f = 0; f < nf; ++f) {
    const auto& o = p.families[f].options;
    rule1[f].assign(o.size(), 0);
    const double cut1 = o.empty() ? -INFINITY
                                  : log10_t[f] + budget - std::log10(static_cast<double>(o.size()) * with_options);
    for (size_t x = 0; x < o.size(); ++x) {
      if (greedy_option[f][x]) continue;
      rule1[f][x] = o[x].log10_lr <= cut1;
      if (rule1[f][x] || o[x].log10_lr <= cut2) kept[f][x] = 0;
    }
  }
  // The bound for the options now dropped, given the kept sum.
  auto bound = [&](double log10_kept) {
    std::vector<double> terms, all, only2;
    for (int f = 0; f < nf; ++f) {
      std::vector<double> d1;
      for (size_t x = 0; x < p.families[f].options.size(); ++x) {
        if (kept[f][x]) continue;
        const double r = p.families[f].options[x].log10_lr;
        all.push_back(r);
        if (rule1[f][x]) d1.push_back(r);
        else only2.push_back(r);
      }
      if (!d1.empty()) terms.push_back(Log10SumExp(d1) - log10_t[f]);
    }
    if (all.empty()) return 0.0;
    const double delta_all = std::pow(10.0, Log10SumExp(all));
    const double delta2 = std::pow(10.0, Log10SumExp(only2));
    const double d1 = terms.empty() ? 0.0 : std::pow(10.0, Log10SumExp(terms) + sum_log10_t - log10_kept);
    const double a = delta2 < 1 ? (d1 + delta2) / (1 - delta2) : INFINITY;
    const double b = delta_all < 1 ? delta_all / (1 - delta_all) : INFINITY;
    return std::min(a, b);
  };
  auto count_dropped = [&] {
    std::int64_t n = 0;
    for (const auto& k : kept)
      for (char c : k) n += !c;
    return n;
  };
  sol.options_dropped = count_dropped();
  auto first = Core(p, opts, kept, sol);
  if (!first.ok()) return first.status();
  DviSolution out = std::move(*first);
  out.error_bound = bound(out.log10_total);
  if (sol.options_dropped == 0) return out;
  // The top list must be exact too: an assignment that uses a dropped option x of family f
  // has LR at most R_f(x) Π_{g≠f} M_g (M_g: 1 or family g's largest LR). Options that could
  // reach the k-th listed LR (all of them when fewer than k are listed) are put back, and
  // the problem solved again; putting options back only raises the k-th LR, so once is enough.
  std::vector<double> log10_m(nf, 0);
  for (int f = 0; f < nf; ++f)
    for (const DviOption& o : p.families[f].options) log10_m[f] = std::max(log10_m[f], o.log10_lr);
  double sum_log10_m = 0;
  for (double m : log10_m) sum_log10_m += m;
  const double kth = static_cast<int>(out.top.size()) >= opts.top_k ? out.top[opts.top_k - 1].log10_lr : -INFINITY;
  bool back = false;
  for (int f = 0; f < nf; ++f) {
    const double need = kth - (sum_log10_m - log10_m[f]) - 1e-9;
    for (size_t x = 0; x < p.families[f].options.size(); ++x)
      if (!kept[f][x] && p.families[f].options[x].log10_lr >= need) kept[f][x] = 1, back = true;
  }
  if (!back) return out;
  sol.options_dropped = count_dropped();
  auto second = Core(p, opts, kept, sol);
  if (!second.ok()) return second.status();
  second->error_bound = bound(second->log10_total);
  return second;
}

}  // namespace kinship
