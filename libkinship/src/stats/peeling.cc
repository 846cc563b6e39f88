// Exact pedigree likelihoods by variable elimination (see kinship/pedigree_lr.h).
//
// Variables: each person's paternal allele P_i and maternal allele M_i (ids 2i and
// 2i+1), over the locus' alleles; a typed person's alleles are restricted to its
// genotype. Factors:
//  * founder alleles: p(x) each (theta = 0); with theta > 0 see FounderExpansion below;
//  * a typed heterozygote {a, b}: [P != M] over P, M in {a, b};
//  * a child c of father f: T(P_f, M_f, P_c) = (Mm[P_f][P_c] + Mm[M_f][P_c]) / 2 with the
//    father's mutation matrix Mm (identity without mutation); likewise M_c from the mother.
// Untyped members without typed descendants are pruned first (their genotypes sum to 1).
// The remaining variables are eliminated greedily (smallest resulting factor first,
// ties to the lower id), which handles loops exactly; the size of every intermediate
// factor is bounded by EngineLimits.
//
// theta > 0 (Balding-Nichols, all founder alleles drawn jointly): typed founder alleles T
// are drawn first (their probability is a constant); the k untyped founder alleles after
// them, the j-th (j = 0, 1, ...) with probability (c θ + (1-θ) p_x)/(1 + (|T| + j - 1) θ), c counting x among
// T and the untyped alleles drawn before. Expanding the product, each untyped allele is
// either "new" (weight w(x) = (1-θ) p_x + θ c_T(x)) or a copy of an earlier untyped allele
// (weight θ). Grouping copies gives a sum over set partitions of the untyped founder
// alleles: alleles in a block are one variable with weight w(x) θ^{s-1} (s-1)!, s the
// block size, and the whole is divided by Π_{j=0}^{k-1} (1 + (|T| + j - 1) θ). One elimination per
// partition; exact.
//
// Rescaling (as MERLIN's lowBound/rescale/lnScale): every factor an elimination produces,
// and the final table, is divided by the power of two 2^e that brings its largest entry
// into [1/2, 1); the exponents e are summed into the result's log2_scale. Dividing by a
// power of two is exact, so the results are bit-identical to the unscaled computation
// wherever that does not underflow, and stay exact where it would (a likelihood of 1e-400
// is a mantissa and a scale). The theta > 0 sums (over inheritance vectors, over set
// partitions) add terms carried with their own scales (ScaledSum, a log-sum-exp in base 2).
#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>
#include <queue>
#include <span>

#include "absl/strings/str_cat.h"
#include "internal/status_macros.h"
#include "kinship/pedigree_lr.h"

namespace kinship {

namespace {

// Brings the largest entry of `t` into [1/2, 1) by an exact power of two and returns the
// exponent taken out (0 when the table is all zero, or holds a NaN or inf: left as is).
std::int64_t Rescale(std::vector<double>* t) {
  double mx = 0;
  for (double x : *t) mx = x > mx ? x : mx;
  if (!(mx > 0) || !std::isfinite(mx)) return 0;
  int e;
  std::frexp(mx, &e);
  if (e == 0) return 0;
  const double f = std::ldexp(1.0, -e);
  for (double& x : *t) x *= f;
  return e;
}

// A sum of nonnegative terms m * 2^e, kept as a mantissa in [1/2, 1) and an exponent.
class ScaledSum {
 public:
  void Add(double m, std::int64_t e) {
    if (!(m != 0)) {
      if (std::isnan(m)) m_ = m;
      return;
    }
    int k;
    m = std::frexp(m, &k);
    e += k;
    if (m_ == 0) {
      m_ = m, e_ = e;
      return;
    }
    if (e > e_) {
      m_ = std::ldexp(m_, static_cast<int>(std::max<std::int64_t>(e_ - e, -2000))) + m;
      e_ = e;
    } else {
      m_ += std::ldexp(m, static_cast<int>(std::max<std::int64_t>(e - e_, -2000)));
    }
    if (std::isfinite(m_)) {
      m_ = std::frexp(m_, &k);
      e_ += k;
    }
  }
  double mantissa() const { return m_; }
  std::int64_t log2_scale() const { return e_; }

 private:
  double m_ = 0;
  std::int64_t e_ = 0;
};

// x * 2^e for a mantissa x and an exponent e that may be far outside double's range.
double Ldexp(double x, std::int64_t e) {
  return std::ldexp(x, static_cast<int>(std::clamp<std::int64_t>(e, -4000, 4000)));
}

struct Factor {
  std::vector<int> vars;        // sorted, unique
  std::vector<std::int64_t> strides;
  std::vector<double> table;
};

class Eliminator {
 public:
  Eliminator(std::vector<int> dom_size, const EngineLimits& limits)
      : dom_(std::move(dom_size)), max_factor_entries_(limits.max_factor_entries) {}

  // Adds a factor over `vars` (may repeat: repeated variables take one value), with
  // value(vals) for vals[i] the domain position of vars[i].
  template <typename Fn>
  void Add(const std::vector<int>& vars, Fn value) {
    Factor f;
    f.vars = vars;
    std::sort(f.vars.begin(), f.vars.end());
    f.vars.erase(std::unique(f.vars.begin(), f.vars.end()), f.vars.end());
    SetStrides(&f);
    std::vector<int> where(vars.size());
    for (size_t i = 0; i < vars.size(); ++i)
      where[i] = static_cast<int>(std::lower_bound(f.vars.begin(), f.vars.end(), vars[i]) - f.vars.begin());
    std::vector<int> pos(f.vars.size(), 0), vals(vars.size());
    const std::int64_t n = f.table.size();
    for (std::int64_t idx = 0; idx < n; ++idx) {
      for (size_t i = 0; i < vars.size(); ++i) vals[i] = pos[where[i]];
      f.table[idx] = value(vals);
      for (int k = static_cast<int>(pos.size()) - 1; k >= 0; --k) {
        if (++pos[k] < dom_[f.vars[k]]) break;
        pos[k] = 0;
      }
    }
    factors_.push_back(std::move(f));
  }

  // The transmission factor T(a, b, c) = (M[x_a][x_c] + M[x_b][x_c]) / 2 (M = identity when
  // null), a fast path for distinct a < b < c (the usual parent-before-child order).
  void AddTransmission(int a, int b, int c, std::span<const int> da, std::span<const int> db,
                       std::span<const int> dc, const MutationMatrix* m) {
    if (!(a < b && b < c)) {
      Add({a, b, c}, [&](const std::vector<int>& x) {
        const int xa = da[x[0]], xb = db[x[1]], xc = dc[x[2]];
        if (!m) return 0.5 * ((xa == xc) + (xb == xc));
        return 0.5 * ((*m)(xa, xc) + (*m)(xb, xc));
      });
      return;
    }
    Factor f;
    f.vars = {a, b, c};
    SetStrides(&f);
    const int na = static_cast<int>(da.size()), nb = static_cast<int>(db.size()), nc = static_cast<int>(dc.size());
    // Half-rows: h_a[ia][ic] = M[x_a][x_c] / 2.
    std::vector<double> ha(static_cast<size_t>(na) * nc), hb(static_cast<size_t>(nb) * nc);
    for (int i = 0; i < na; ++i)
      for (int k = 0; k < nc; ++k) ha[i * nc + k] = 0.5 * (m ? (*m)(da[i], dc[k]) : (da[i] == dc[k]));
    for (int j = 0; j < nb; ++j)
      for (int k = 0; k < nc; ++k) hb[j * nc + k] = 0.5 * (m ? (*m)(db[j], dc[k]) : (db[j] == dc[k]));
    double* out = f.table.data();
    for (int i = 0; i < na; ++i)
      for (int j = 0; j < nb; ++j) {
        const double* ra = &ha[i * nc];
        const double* rb = &hb[j * nc];
        for (int k = 0; k < nc; ++k) *out++ = ra[k] + rb[k];
      }
    factors_.push_back(std::move(f));
  }

  // Eliminates every variable not in `keep`; then multiplies what is left into one
  // factor over `keep` (sorted), returned as a table (row-major, last var fastest).
  // The elimination order is planned first, symbolically (Plan), so that a problem past
  // the limits is refused before any of its factors is allocated.
  absl::StatusOr<ScaledTable> Run(const std::vector<int>& keep) {
    const bool small = dom_.size() <= 64;
    KINSHIP_ASSIGN_OR_RETURN(const std::vector<int> order, small ? PlanSmall(keep) : Plan(keep));
    // The factors with v are taken in creation order (the order the products were taken
    // in before the plan existed: results are bit-identical to it). A small problem (most
    // families) scans its few factors; a large one keeps each variable's factors by
    // creation index (a new factor has the largest, so the lists stay sorted).
    alive_.assign(factors_.size(), 1);
    std::vector<int> with;
    if (small) {
      for (int v : order) {
        with.clear();
        for (int f = 0; f < static_cast<int>(factors_.size()); ++f)
          if (alive_[f] && std::binary_search(factors_[f].vars.begin(), factors_[f].vars.end(), v))
            with.push_back(f);
        Eliminate(v, with);
      }
    } else {
      std::vector<std::vector<int>> member(dom_.size());
      for (int f = 0; f < static_cast<int>(factors_.size()); ++f)
        for (int u : factors_[f].vars) member[u].push_back(f);
      for (int v : order) {
        with.clear();
        for (int f : member[v])
          if (alive_[f]) with.push_back(f);
        std::vector<int>().swap(member[v]);
        Eliminate(v, with);
        for (int u : factors_.back().vars) member[u].push_back(static_cast<int>(factors_.size()) - 1);
      }
    }
    // Multiply the remaining factors over `keep`.
    Factor result;
    result.vars = keep;
    SetStrides(&result);
    std::fill(result.table.begin(), result.table.end(), 1.0);
    for (size_t fi_idx = 0; fi_idx < factors_.size(); ++fi_idx) {
      if (!alive_[fi_idx]) continue;
      const Factor& f = factors_[fi_idx];
      if (f.vars.empty()) {  // a constant
        for (double& x : result.table) x *= f.table[0];
        continue;
      }
      if (keep.size() == 2) {  // the usual case (a target's two alleles): plain loops
        std::int64_t s0 = 0, s1 = 0;
        for (size_t k = 0; k < f.vars.size(); ++k) (f.vars[k] == keep[0] ? s0 : s1) = f.strides[k];
        const int n0 = dom_[keep[0]], n1 = dom_[keep[1]];
        double* out = result.table.data();
        for (int i = 0; i < n0; ++i)
          for (int j = 0; j < n1; ++j) *out++ *= f.table[i * s0 + j * s1];
        continue;
      }
      // Stride in f of each kept variable (0 when f does not depend on it).
      std::vector<std::int64_t> st(keep.size(), 0);
      for (size_t k = 0; k < f.vars.size(); ++k)
        st[std::find(keep.begin(), keep.end(), f.vars[k]) - keep.begin()] = f.strides[k];
      std::vector<int> pos(keep.size(), 0);
      std::int64_t fi = 0;
      for (std::int64_t idx = 0; idx < static_cast<std::int64_t>(result.table.size()); ++idx) {
        result.table[idx] *= f.table[fi];
        for (int k = static_cast<int>(pos.size()) - 1; k >= 0; --k) {
          fi += st[k];
          if (++pos[k] < dom_[keep[k]]) break;
          fi -= st[k] * pos[k];
          pos[k] = 0;
        }
      }
    }
    ScaledTable out;
    out.log2_scale = log2_scale_ + Rescale(&result.table);
    out.mantissa = std::move(result.table);
    return out;
  }

 private:
  void SetStrides(Factor* f) const {
    f->strides.assign(f->vars.size(), 1);
    std::int64_t s = 1;
    for (int k = static_cast<int>(f->vars.size()) - 1; k >= 0; --k) {
      f->strides[k] = s;
      s *= dom_[f->vars[k]];
    }
    f->table.assign(s, 0.0);
  }

  // Entries of a product over `vars`: the product of their domain sizes, saturating at
  // 2^62 (so that it cannot overflow however many variables a loop joins).
  std::int64_t Entries(const std::vector<int>& vars) const {
    constexpr std::int64_t kCap = std::int64_t{1} << 62;
    std::int64_t size = 1;
    for (int u : vars) size = size > kCap / dom_[u] ? kCap : size * dom_[u];
    return size;
  }

  // The elimination order, chosen symbolically (over the factors' variable sets, no
  // tables): greedily the variable whose product (the union of the scopes of its factors)
  // has the fewest entries, ties to the lower variable id. Refuses with ResourceExhausted
  // when a product would exceed the limit, before anything is allocated.
  //
  // Near-linear for pedigrees of bounded width: each variable keeps its neighbourhood (the
  // union of its factors' scopes, itself included, sorted), and a heap holds the product
  // sizes; eliminating v turns the factors with v into one over N(v) \ {v}, so only the
  // neighbours' neighbourhoods change: N(u) <- (N(u) ∪ N(v)) \ {v}. Stale heap entries are
  // skipped when popped. The choice is the same as a rescan of every factor at every step
  // (which made a 1,000-generation line cubic: over 300 s).
  absl::StatusOr<std::vector<int>> Plan(const std::vector<int>& keep) const {
    const int nv = static_cast<int>(dom_.size());
    std::vector<char> kept(nv, 0);
    for (int v : keep) kept[v] = 1;
    std::vector<std::vector<int>> nbr(nv);
    for (const Factor& f : factors_)
      for (int u : f.vars)
        if (!kept[u]) nbr[u].insert(nbr[u].end(), f.vars.begin(), f.vars.end());
    using Entry = std::pair<std::int64_t, int>;  // (product entries, variable): lowest first
    std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> heap;
    std::vector<std::int64_t> size(nv, -1);  // current product entries; -1 = not a candidate
    for (int v = 0; v < nv; ++v) {
      if (nbr[v].empty()) continue;  // in no factor, or kept
      std::sort(nbr[v].begin(), nbr[v].end());
      nbr[v].erase(std::unique(nbr[v].begin(), nbr[v].end()), nbr[v].end());
      size[v] = Entries(nbr[v]);
      heap.emplace(size[v], v);
    }
    std::vector<int> order;
    std::vector<int> rest, merged;
    while (!heap.empty()) {
      const auto [entries, v] = heap.top();
      heap.pop();
      if (entries != size[v]) continue;  // stale, or already eliminated (-1)
      if (entries > max_factor_entries_) return TooLarge(entries);
      order.push_back(v);
      size[v] = -1;
      rest.clear();
      for (int u : nbr[v])
        if (u != v) rest.push_back(u);
      for (int u : rest) {
        if (kept[u]) continue;
        merged.clear();
        std::set_union(nbr[u].begin(), nbr[u].end(), rest.begin(), rest.end(), std::back_inserter(merged));
        merged.erase(std::remove(merged.begin(), merged.end(), v), merged.end());
        nbr[u].swap(merged);
        const std::int64_t s = Entries(nbr[u]);
        if (s != size[u]) {
          size[u] = s;
          heap.emplace(s, u);
        }
      }
      std::vector<int>().swap(nbr[v]);
    }
    return order;
  }

  // Plan for at most 64 variables (most families): the same choice, with each
  // neighbourhood a bit mask and a scan for the smallest product instead of a heap, so
  // that planning allocates nothing per variable.
  absl::StatusOr<std::vector<int>> PlanSmall(const std::vector<int>& keep) const {
    const int nv = static_cast<int>(dom_.size());
    std::uint64_t kept = 0;
    for (int v : keep) kept |= std::uint64_t{1} << v;
    std::array<std::uint64_t, 64> nbr{};
    for (const Factor& f : factors_) {
      std::uint64_t scope = 0;
      for (int u : f.vars) scope |= std::uint64_t{1} << u;
      for (int u : f.vars) nbr[u] |= scope;
    }
    auto entries = [&](std::uint64_t set) {
      constexpr std::int64_t kCap = std::int64_t{1} << 62;
      std::int64_t size = 1;
      for (; set; set &= set - 1) {
        const int u = std::countr_zero(set);
        size = size > kCap / dom_[u] ? kCap : size * dom_[u];
      }
      return size;
    };
    std::array<std::int64_t, 64> size;
    for (int v = 0; v < nv; ++v) size[v] = (kept >> v & 1) || nbr[v] == 0 ? -1 : entries(nbr[v]);
    std::vector<int> order;
    while (true) {
      int best = -1;
      for (int v = 0; v < nv; ++v)
        if (size[v] >= 0 && (best < 0 || size[v] < size[best])) best = v;
      if (best < 0) return order;
      if (size[best] > max_factor_entries_) return TooLarge(size[best]);
      order.push_back(best);
      const std::uint64_t bit = std::uint64_t{1} << best;
      const std::uint64_t rest = nbr[best] & ~bit;
      for (std::uint64_t set = rest & ~kept; set; set &= set - 1) {
        const int u = std::countr_zero(set);
        nbr[u] = (nbr[u] | rest) & ~bit;
        size[u] = entries(nbr[u]);
      }
      nbr[best] = 0;
      size[best] = -1;
    }
  }

  absl::Status TooLarge(std::int64_t entries) const {
    return absl::ResourceExhaustedError(absl::StrCat(
        "exact computation needs a factor of ", entries, " entries (estimated before computing), more "
        "than the limit of ", max_factor_entries_, " (a pedigree with many untyped members in loops)"));
  }

  // Sums v out of the product of its factors `with_idx` (live, in creation order), which
  // are replaced by the result, appended to factors_.
  void Eliminate(int v, const std::vector<int>& with_idx) {
    std::vector<const Factor*> with;
    for (int f : with_idx) with.push_back(&factors_[f]);
    Factor out;
    for (const Factor* f : with)
      for (int u : f->vars)
        if (u != v) out.vars.push_back(u);
    std::sort(out.vars.begin(), out.vars.end());
    out.vars.erase(std::unique(out.vars.begin(), out.vars.end()), out.vars.end());
    SetStrides(&out);
    // For each input factor: stride of each output var (0 if absent) and of v.
    const size_t m = with.size(), r = out.vars.size();
    std::vector<std::vector<std::int64_t>> st(m, std::vector<std::int64_t>(r, 0));
    std::vector<std::int64_t> st_v(m, 0);
    std::vector<const double*> tab(m);
    for (size_t j = 0; j < m; ++j) {
      const Factor& f = *with[j];
      tab[j] = f.table.data();
      for (size_t k = 0; k < f.vars.size(); ++k) {
        if (f.vars[k] == v) {
          st_v[j] = f.strides[k];
        } else {
          size_t at = std::lower_bound(out.vars.begin(), out.vars.end(), f.vars[k]) - out.vars.begin();
          st[j][at] = f.strides[k];
        }
      }
    }
    std::vector<int> pos(r, 0);
    std::vector<std::int64_t> base(m, 0);
    const int dv = dom_[v];
    for (std::int64_t idx = 0; idx < static_cast<std::int64_t>(out.table.size()); ++idx) {
      double sum = 0;
      for (int x = 0; x < dv; ++x) {
        double prod = 1;
        for (size_t j = 0; j < m; ++j) prod *= tab[j][base[j] + x * st_v[j]];
        sum += prod;
      }
      out.table[idx] = sum;
      for (int k = static_cast<int>(r) - 1; k >= 0; --k) {
        for (size_t j = 0; j < m; ++j) base[j] += st[j][k];
        if (++pos[k] < dom_[out.vars[k]]) break;
        for (size_t j = 0; j < m; ++j) base[j] -= st[j][k] * pos[k];
        pos[k] = 0;
      }
    }
    log2_scale_ += Rescale(&out.table);
    for (int f : with_idx) {
      alive_[f] = 0;
      std::vector<double>().swap(factors_[f].table);  // free the table now
    }
    factors_.push_back(std::move(out));
    alive_.push_back(1);
  }

  std::vector<int> dom_;
  std::int64_t max_factor_entries_;
  std::vector<Factor> factors_;  // in creation order; eliminated ones have alive_ 0
  std::vector<char> alive_;
  std::int64_t log2_scale_ = 0;  // the factors' product is scaled by 2^-log2_scale_
};

// The pruned problem: persons kept, their domains.
struct Problem {
  std::vector<int> persons;        // original indices of kept persons
  std::vector<int> local;          // original index -> kept index or -1
  std::vector<std::span<const int>> domain;  // per variable (2 per kept person): allele indices
  // Storage the domains point into (never reallocated after they are set).
  std::vector<int> all_alleles;
  std::vector<std::array<int, 2>> typed_alleles;
};

Problem Prune(const Pedigree& ped, const std::vector<GenotypeIdx>& g, int target, int n_alleles) {
  const int n = ped.size();
  std::vector<char> needed(n, 0);
  for (int i = 0; i < n; ++i) needed[i] = g[i] != kUntyped || i == target;
  // needed(i) |= some child needed. Parents come before their children, so one pass from
  // the last member up reaches the fixpoint (a forward pass needed one per generation).
  for (int i = n - 1; i >= 0; --i) {
    if (!needed[i]) continue;
    for (int par : {ped.person(i).father, ped.person(i).mother})
      if (par >= 0) needed[par] = 1;
  }
  Problem p;
  p.local.assign(n, -1);
  for (int i = 0; i < n; ++i)
    if (needed[i]) {
      p.local[i] = static_cast<int>(p.persons.size());
      p.persons.push_back(i);
    }
  p.all_alleles.resize(n_alleles);
  std::iota(p.all_alleles.begin(), p.all_alleles.end(), 0);
  p.typed_alleles.reserve(p.persons.size());
  for (int i : p.persons) {
    if (g[i] == kUntyped) {
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

// One elimination with founder alleles tied by `rep` (rep[v] = representative variable)
// and founder weights `founder_weight[v]` (applied to representatives of untyped founder
// alleles and, theta = 0, to typed founder alleles).
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
  const std::vector<double>& freqs = model.freqs;
  const int k = static_cast<int>(child_vars.size());
  // One or two children through the same matrix: the model's precomputed p M and Q give
  // Φ(x) = (p M)[x] Σp and Φ(x1, x2) = (Q[x1][x2] Σp + (p M)[x1] (p M)[x2]) / 2 directly.
  if (k <= 2 && model.freq_sum > 0 && (k == 1 || matrices[0] == matrices[1]) &&
      (matrices[0] != nullptr || !model.mutation())) {
    const int side = matrices[0] == &model.female ? 1 : 0;
    const std::vector<double>& pm = model.p_m[side];
    const MutationMatrix& q = model.pair_moment[side];
    const double sum = model.freq_sum;
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
  const int n = static_cast<int>(freqs.size());
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
      for (int a = 0; a < n; ++a) {
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

absl::StatusOr<ScaledTable> RunOnce(const Pedigree& ped, const std::vector<GenotypeIdx>& g,
                                            const Problem& p, const PedigreeLocusModel& model,
                                            const std::vector<int>& rep,
                                            const std::vector<const std::vector<double>*>& unary_in,
                                            int target_local, const EngineLimits& limits,
                                            bool collapse_founders = false) {
  const int nv = static_cast<int>(p.domain.size());
  const int np = static_cast<int>(p.persons.size());
  std::vector<int> dom(nv);
  for (int v = 0; v < nv; ++v) dom[v] = static_cast<int>(p.domain[v].size());
  Eliminator e(dom, limits);
  // Untyped founders summed out in closed form (theta = 0 only: their alleles are then
  // independent draws from p and appear only in their transmissions).
  std::vector<char> collapsed(np, 0);
  std::vector<const std::vector<double>*> unary = unary_in;
  // Familias mode: for each member (original index) without data at any locus, its
  // number of children in the pedigree Familias reduces once for the whole case (members
  // with data at some locus, the target, and their ancestors); -1 for the others.
  std::vector<int> familias_children;
  if (collapse_founders && model.untyped_founders == UntypedFounders::kFamilias && model.mutation()) {
    const int n = ped.size();
    const std::vector<char>& anywhere = limits.typed_anywhere;
    std::vector<char> data(n), kept(n);
    for (int i = 0; i < n; ++i)
      data[i] = kept[i] = g[i] != kUntyped || (!anywhere.empty() && anywhere[i]) ||
                          (target_local >= 0 && i == p.persons[target_local]);
    for (int i = n - 1; i >= 0; --i)  // ancestors of kept members (parents come first)
      if (kept[i] && ped.person(i).father >= 0)
        for (int par : {ped.person(i).father, ped.person(i).mother}) kept[par] = 1;
    familias_children.assign(n, -1);
    for (int i = 0; i < n; ++i)
      if (!data[i]) familias_children[i] = 0;
    for (int i = 0; i < n; ++i)
      if (kept[i] && ped.person(i).father >= 0)
        for (int par : {ped.person(i).father, ped.person(i).mother})
          if (familias_children[par] >= 0) ++familias_children[par];
  }
  if (collapse_founders) {
    // Each kept member's child variables (2c for a father, 2c + 1 for a mother), in the
    // order of the children: one pass instead of a scan of all members per founder.
    std::vector<std::vector<int>> child_vars_of(np);
    for (int c = 0; c < np; ++c) {
      const Person& pc = ped.person(p.persons[c]);
      if (pc.father < 0) continue;
      child_vars_of[p.local[pc.father]].push_back(2 * c);
      child_vars_of[p.local[pc.mother]].push_back(2 * c + 1);
    }
    for (int k = 0; k < np; ++k) {
      const int i = p.persons[k];
      if (ped.person(i).father >= 0 || g[i] != kUntyped || k == target_local) continue;
      const std::vector<int>& child_vars = child_vars_of[k];
      std::vector<const MutationMatrix*> matrices;
      for (int v : child_vars)
        matrices.push_back(!model.mutation() ? nullptr : v % 2 == 0 ? &model.male : &model.female);
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
  for (int v = 0; v < nv; ++v)
    if (unary[v]) {
      const std::vector<double>& w = *unary[v];
      const std::span<const int> d = p.domain[v];
      e.Add({v}, [&](const std::vector<int>& x) { return w[d[x[0]]]; });
    }
  for (int k = 0; k < static_cast<int>(p.persons.size()); ++k) {
    const int i = p.persons[k];
    const int pv = 2 * k, mv = 2 * k + 1;
    if (g[i] != kUntyped) {
      AllelePair ab = GenotypeAlleles(g[i]);
      if (ab.a != ab.b) e.Add({pv, mv}, [](const std::vector<int>& x) { return x[0] != x[1] ? 1.0 : 0.0; });
    }
    const Person& per = ped.person(i);
    if (per.father < 0) continue;
    for (int side = 0; side < 2; ++side) {
      const int par = p.local[side == 0 ? per.father : per.mother];
      if (collapsed[par]) continue;  // in the parent's closed-form factor
      const int a = rep[2 * par], b = rep[2 * par + 1], c = side == 0 ? pv : mv;
      const MutationMatrix* m =
          !model.mutation() ? nullptr : side == 0 ? &model.male : &model.female;
      e.AddTransmission(a, b, c, p.domain[a], p.domain[b], p.domain[c], m);
    }
  }
  std::vector<int> keep;
  if (target_local >= 0) keep = {2 * target_local, 2 * target_local + 1};
  absl::StatusOr<ScaledTable> out = e.Run(keep);
  if (out.status().code() == absl::StatusCode::kResourceExhausted)
    return absl::ResourceExhaustedError(absl::StrCat("family ", ped.family(), ": ", out.status().message()));
  return out;
}

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

// theta > 0 without mutation: sum over inheritance vectors. Given which founder allele
// each non-founder allele copies (one bit per meiosis, probability 1/2 each), the typed
// genotypes fix the values of the founder alleles they reach (both phases of a
// heterozygote are tried); the reached founder alleles are a Balding-Nichols sample, whose
// probability is the ordered draw probability, and founder alleles reached by nobody sum out
// (the sampling formula is exchangeable). Exact, loops included; 2^(meioses) vectors.
absl::StatusOr<ScaledTable> InheritanceTheta(const Pedigree& ped, const std::vector<GenotypeIdx>& g,
                                        const Problem& p, const PedigreeLocusModel& model,
                                        const EngineLimits& limits) {
  const int np = static_cast<int>(p.persons.size());
  std::vector<int> nonfounders;
  for (int k = 0; k < np; ++k)
    if (ped.person(p.persons[k]).father >= 0) nonfounders.push_back(k);
  const int meioses = 2 * static_cast<int>(nonfounders.size());
  if (meioses > limits.max_meioses_theta)
    return absl::ResourceExhaustedError(absl::StrCat(
        "theta > 0: ", meioses, " meioses among members with typed descendants, more than the limit of ",
        limits.max_meioses_theta));
  const double th = model.theta;
  const std::vector<double>& freq = model.freqs;
  std::vector<int> slot(2 * np);  // variable -> founder allele slot (a founder variable id)
  std::vector<int> typed;         // kept indices of typed persons
  for (int k = 0; k < np; ++k)
    if (g[p.persons[k]] != kUntyped) typed.push_back(k);
  std::vector<int> value(2 * np, -1);
  std::vector<int> counts(freq.size(), 0);
  ScaledSum total;
  const std::uint64_t n_vectors = std::uint64_t{1} << meioses;
  for (std::uint64_t v = 0; v < n_vectors; ++v) {
    for (int k = 0; k < np; ++k) slot[2 * k] = 2 * k, slot[2 * k + 1] = 2 * k + 1;
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
        for (int s = 0; s < 2 * np; ++s) {
          const int x = value[s];
          if (x < 0) continue;
          prob *= (counts[x] * th + (1 - th) * freq[x]) / (1 + (drawn - 1) * th);
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

// The engine's core: likelihood (target < 0) or the ordered table over the target's
// (paternal, maternal) alleles.
absl::StatusOr<ScaledTable> Compute(const Pedigree& ped, const std::vector<GenotypeIdx>& g,
                                            int target, const PedigreeLocusModel& model,
                                            const EngineLimits& limits) {
  const int n = model.allele_ct();
  if (!limits.typed_anywhere.empty() && static_cast<int>(limits.typed_anywhere.size()) != ped.size())
    return absl::InvalidArgumentError(absl::StrCat("typed_anywhere has ", limits.typed_anywhere.size(),
                                                   " entries; one per pedigree member (", ped.size(),
                                                   ") expected"));
  Problem p = Prune(ped, g, target, n);
  const int nv = static_cast<int>(p.domain.size());
  const int target_local = target >= 0 ? p.local[target] : -1;
  std::vector<int> rep(nv);
  std::iota(rep.begin(), rep.end(), 0);
  std::vector<const std::vector<double>*> unary(nv, nullptr);
  const double th = model.theta;
  if (th == 0) {
    for (int k = 0; k < static_cast<int>(p.persons.size()); ++k)
      if (ped.person(p.persons[k]).father < 0) unary[2 * k] = unary[2 * k + 1] = &model.freqs;
    return RunOnce(ped, g, p, model, rep, unary, target_local, limits, /*collapse_founders=*/true);
  }
  if (target >= 0) return absl::InvalidArgumentError("JointWithTarget needs theta = 0");
  if (!model.mutation()) return InheritanceTheta(ped, g, p, model, limits);
  // theta > 0: typed founder alleles first (constant), then the partition expansion.
  std::vector<int> counts(n, 0);
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
      const double draw = (counts[x] * th + (1 - th) * model.freqs[x]) / (1 + (t_ct - 1) * th);
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
  for (int j = 0; j < k; ++j) denominator *= 1 + (t_ct + j - 1) * th;
  std::vector<double> w(n);
  for (int x = 0; x < n; ++x) w[x] = (1 - th) * model.freqs[x] + th * counts[x];
  ScaledSum total;
  KINSHIP_RETURN_IF_ERROR(ForEachPartition(k, [&](const std::vector<int>& block) -> absl::Status {
    const int blocks = k == 0 ? 0 : *std::max_element(block.begin(), block.end()) + 1;
    std::vector<int> first(blocks, -1), size(blocks, 0);
    std::vector<int> r(nv);
    std::iota(r.begin(), r.end(), 0);
    std::vector<const std::vector<double>*> un(nv, nullptr);
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
    KINSHIP_ASSIGN_OR_RETURN(ScaledTable v, RunOnce(ped, g, p, model, r, un, -1, limits));
    total.Add(weight * v.mantissa[0], v.log2_scale);
    return absl::OkStatus();
  }));
  ScaledTable out;
  out.mantissa = {const_factor.mantissa() * total.mantissa() / denominator};
  out.log2_scale = const_factor.log2_scale() + total.log2_scale();
  return out;
}

double HardyWeinberg(const PedigreeLocusModel& model, GenotypeIdx g) {
  AllelePair ab = GenotypeAlleles(g);
  return ab.a == ab.b ? model.freqs[ab.a] * model.freqs[ab.a] : 2 * model.freqs[ab.a] * model.freqs[ab.b];
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

absl::StatusOr<std::vector<PedigreeLocusModel>> BuildPedigreeModels(const AlleleFreqTable& table,
                                                                    const MutationSpec& mutation,
                                                                    double theta,
                                                                    UntypedFounders untyped_founders) {
  if (!(theta >= 0 && theta < 1))
    return absl::InvalidArgumentError(absl::StrCat("theta ", theta, " is outside [0, 1)"));
  std::vector<PedigreeLocusModel> out(table.locus_ct());
  for (int l = 0; l < table.locus_ct(); ++l) {
    const Locus& locus = table.locus(l);
    PedigreeLocusModel& m = out[l];
    m.freqs = locus.freqs();
    m.theta = theta;
    m.untyped_founders = untyped_founders;
    if (mutation.enabled()) {
      KINSHIP_ASSIGN_OR_RETURN(m.male, BuildMutationMatrix(locus, mutation.ParamsFor(locus.name(), Sex::kMale)));
      KINSHIP_ASSIGN_OR_RETURN(m.female, BuildMutationMatrix(locus, mutation.ParamsFor(locus.name(), Sex::kFemale)));
    }
    const int n = locus.allele_ct();
    m.freq_sum = 0;
    for (double f : m.freqs) m.freq_sum += f;
    for (int side = 0; side < 2; ++side) {
      const MutationMatrix* mm = !m.mutation() ? nullptr : side == 0 ? &m.male : &m.female;
      auto at = [&](int a, int x) { return mm ? (*mm)(a, x) : (a == x ? 1.0 : 0.0); };
      m.p_m[side].assign(n, 0.0);
      m.pair_moment[side] = MutationMatrix::Zero(n, n);
      for (int a = 0; a < n; ++a)
        for (int x = 0; x < n; ++x) {
          const double pa = m.freqs[a] * at(a, x);
          if (pa == 0) continue;
          m.p_m[side][x] += pa;
          for (int y = 0; y < n; ++y) m.pair_moment[side](x, y) += pa * at(a, y);
        }
    }
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
                                          const EngineLimits& limits) {
  std::vector<GenotypeIdx> h1 = genotypes;
  h1[target] = victim;
  KINSHIP_ASSIGN_OR_RETURN(ScaledTable l1, Likelihood(ped, h1, model, limits));
  ScaledTable l2;
  if (model.theta == 0) {
    KINSHIP_ASSIGN_OR_RETURN(l2, Likelihood(ped, genotypes, model, limits));
    l2.mantissa[0] *= HardyWeinberg(model, victim);
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
  ScaledTable out;
  out.mantissa = {l1.mantissa[0] / l2.mantissa[0]};
  out.log2_scale = l1.log2_scale - l2.log2_scale;
  return out;
}

// The family table's entries as ratios of mantissas over one common scale.
absl::StatusOr<ScaledTable> ScaledFamilyTable(const Pedigree& ped, const std::vector<GenotypeIdx>& genotypes,
                                              int target, const PedigreeLocusModel& model,
                                              const EngineLimits& limits) {
  KINSHIP_RETURN_IF_ERROR(CheckTarget(ped, genotypes, target));
  const int gc = GenotypeCount(model.allele_ct());
  ScaledTable out;
  out.mantissa.resize(gc);
  if (model.theta == 0) {
    KINSHIP_ASSIGN_OR_RETURN(ScaledTable joint, JointWithTargetScaled(ped, genotypes, target, model, limits));
    // P(references) by its own elimination (the missing person pruned), not as the sum
    // of `joint`: the two differ when the frequencies do not sum exactly to 1, and the
    // H2 of the LR is the references' likelihood as computed without the target.
    KINSHIP_ASSIGN_OR_RETURN(ScaledTable refs, Likelihood(ped, genotypes, model, limits));
    if (refs.mantissa[0] == 0) return Inconsistent(ped);
    for (int g = 0; g < gc; ++g)
      out.mantissa[g] = joint.mantissa[g] / (refs.mantissa[0] * HardyWeinberg(model, static_cast<GenotypeIdx>(g)));
    out.log2_scale = joint.log2_scale - refs.log2_scale;
    return out;
  }
  // theta > 0: one ratio per genotype, each with its own scale; brought to a common one.
  std::vector<ScaledTable> each(gc);
  std::int64_t top = std::numeric_limits<std::int64_t>::min();
  for (int g = 0; g < gc; ++g) {
    KINSHIP_ASSIGN_OR_RETURN(each[g], ScaledLocusLr(ped, genotypes, target, static_cast<GenotypeIdx>(g), model,
                                                    limits));
    if (each[g].mantissa[0] != 0) top = std::max(top, each[g].log2_scale);
  }
  if (top == std::numeric_limits<std::int64_t>::min()) top = 0;
  for (int g = 0; g < gc; ++g) out.mantissa[g] = Ldexp(each[g].mantissa[0], each[g].log2_scale - top);
  out.log2_scale = top;
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
  if (model.theta != 0) return absl::InvalidArgumentError("JointWithTarget needs theta = 0");
  KINSHIP_ASSIGN_OR_RETURN(ScaledTable ordered, Compute(ped, genotypes, target, model, limits));
  const int n = model.allele_ct();
  const std::vector<double>& o = ordered.mantissa;
  ScaledTable out;
  out.log2_scale = ordered.log2_scale;
  out.mantissa.resize(GenotypeCount(n));
  for (int b = 0; b < n; ++b)
    for (int a = 0; a <= b; ++a)
      out.mantissa[GenotypeIndex(a, b)] = a == b ? o[a * n + a] : o[a * n + b] + o[b * n + a];
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
                                                const EngineLimits& limits) {
  KINSHIP_ASSIGN_OR_RETURN(ScaledTable s, ScaledFamilyTable(ped, genotypes, target, model, limits));
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

}  // namespace kinship
