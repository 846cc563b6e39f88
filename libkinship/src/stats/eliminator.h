// File: stats/eliminator.h (private)
//
// The factor algebra of the pedigree engine, independent of pedigrees: factors (tables
// over discrete variables), their products, variable elimination in a greedy order
// planned before anything is allocated, and MERLIN's rescaling (lowBound, rescale,
// lnScale): every factor an elimination produces, and the final table, is divided by the
// power of two 2^e that brings its largest entry into [1/2, 1), and the exponents e are
// summed into the result's log2_scale. Dividing by a power of two is exact, so results
// are bit-identical to the unscaled computation wherever that does not underflow.
//
//   Eliminator e({2, 2}, /*max_factor_entries=*/1 << 20);  // two binary variables
//   e.Add({0}, [](const std::vector<int>& x) { return x[0] == 0 ? 0.3 : 0.7; });
//   e.Add({0, 1}, [](const std::vector<int>& x) { return x[0] == x[1] ? 0.9 : 0.1; });
//   absl::StatusOr<ScaledTable> t = e.Run({1});  // P(x1) = Σ_x0 P(x0) P(x1 | x0)
#ifndef KINSHIP_STATS_ELIMINATOR_H_
#define KINSHIP_STATS_ELIMINATOR_H_

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "kinship/mutation.h"
#include "kinship/pedigree_lr.h"

namespace kinship::internal {

// Brings the largest entry of `t` into [1/2, 1) by an exact power of two and returns the
// exponent taken out (0 when the table is all zero, or holds a NaN or inf: left as is).
std::int64_t Rescale(std::vector<double>* t);

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
inline double Ldexp(double x, std::int64_t e) {
  return std::ldexp(x, static_cast<int>(std::clamp<std::int64_t>(e, -4000, 4000)));
}

// A factor: a table over the variables `vars`, row-major (the last variable fastest),
// `strides[k]` the step of vars[k].
// The scopes are inline (most factors have at most six variables): building and
// eliminating factors allocated more than it computed (docs/performance.md).
struct Factor {
  absl::InlinedVector<int, 6> vars;  // sorted, unique
  absl::InlinedVector<std::int64_t, 6> strides;
  std::vector<double> table;
};

// Variable elimination over factors added one by one; single use (Run once).
class Eliminator {
 public:
  // Variables 0 .. dom_size.size() - 1, variable v taking dom_size[v] values (positions
  // 0 .. dom_size[v] - 1). No factor may exceed `max_factor_entries` entries (Run refuses
  // with ResourceExhausted before allocating one).
  Eliminator(std::vector<int> dom_size, std::int64_t max_factor_entries)
      : dom_(std::move(dom_size)), max_factor_entries_(max_factor_entries) {}

  // Adds a factor over `vars` (may repeat: repeated variables take one value), with
  // value(vals) for vals[i] the domain position of vars[i].
  template <typename Fn>
  void Add(const std::vector<int>& vars, Fn value) {
    Factor f;
    f.vars.assign(vars.begin(), vars.end());
    std::sort(f.vars.begin(), f.vars.end());
    f.vars.erase(std::unique(f.vars.begin(), f.vars.end()), f.vars.end());
    SetStrides(&f);
    absl::InlinedVector<int, 6> where(vars.size());
    for (size_t i = 0; i < vars.size(); ++i)
      where[i] = static_cast<int>(std::lower_bound(f.vars.begin(), f.vars.end(), vars[i]) - f.vars.begin());
    absl::InlinedVector<int, 6> pos(f.vars.size(), 0);
    std::vector<int> vals(vars.size());
    const std::int64_t entry_ct = f.table.size();
    for (std::int64_t idx = 0; idx < entry_ct; ++idx) {
      for (size_t i = 0; i < vars.size(); ++i) vals[i] = pos[where[i]];
      f.table[idx] = value(vals);
      for (int k = static_cast<int>(pos.size()) - 1; k >= 0; --k) {
        if (++pos[k] < dom_[f.vars[k]]) break;
        pos[k] = 0;
      }
    }
    factors_.push_back(std::move(f));
  }

  // A factor over `vars` (sorted, unique) given as its table (row-major, the last variable
  // fastest): no per-entry call.
  void AddTable(std::initializer_list<int> vars, std::vector<double> table) {
    Factor f;
    f.vars.assign(vars.begin(), vars.end());
    SetStrides(&f, /*allocate=*/false);
    f.table = std::move(table);
    factors_.push_back(std::move(f));
  }

  // The transmission factor T(a, b, c) = (M[x_a][x_c] + M[x_b][x_c]) / 2 (M = identity when
  // null), a fast path for distinct a < b < c (the usual parent-before-child order).
  void AddTransmission(int a, int b, int c, std::span<const int> da, std::span<const int> db,
                       std::span<const int> dc, const MutationMatrix* m);

  // Eliminates every variable not in `keep`; then multiplies what is left into one
  // factor over `keep` (sorted), returned as a table (row-major, last var fastest).
  // The elimination order is planned first, symbolically (Plan), so that a problem past
  // the limits is refused before any of its factors is allocated.
  absl::StatusOr<ScaledTable> Run(const std::vector<int>& keep);

 private:
  // The strides of f's variables; and (allocate) its table, zeroed.
  void SetStrides(Factor* f, bool allocate = true) const;

  // Entries of a product over `vars`: the product of their domain sizes, saturating at
  // 2^62 (so that it cannot overflow however many variables a loop joins).
  template <typename Vars>
  std::int64_t Entries(const Vars& vars) const {
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
  absl::StatusOr<std::vector<int>> Plan(const std::vector<int>& keep) const;

  // Plan for at most 64 variables (most families): the same choice, with each
  // neighbourhood a bit mask and a scan for the smallest product instead of a heap, so
  // that planning allocates nothing per variable.
  absl::StatusOr<std::vector<int>> PlanSmall(const std::vector<int>& keep) const;

  absl::Status TooLarge(std::int64_t entries) const;

  // Sums v out of the product of its factors `with_idx` (live, in creation order), which
  // are replaced by the result, appended to factors_.
  void Eliminate(int v, std::span<const int> with_idx);

  std::vector<int> dom_;
  std::int64_t max_factor_entries_;
  std::vector<Factor> factors_;  // in creation order; eliminated ones have alive_ 0
  std::vector<char> alive_;
  std::int64_t log2_scale_ = 0;  // the factors' product is scaled by 2^-log2_scale_
};

}  // namespace kinship::internal

#endif  // KINSHIP_STATS_ELIMINATOR_H_
