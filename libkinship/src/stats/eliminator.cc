// The factor algebra of the pedigree engine (see stats/eliminator.h).
#include "stats/eliminator.h"

#include <array>
#include <bit>
#include <functional>
#include <queue>
#include <utility>

#include "absl/strings/str_cat.h"
#include "internal/status_macros.h"

namespace kinship::internal {

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

void Eliminator::AddTransmission(int a, int b, int c, std::span<const int> da, std::span<const int> db,
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
  const int a_ct = static_cast<int>(da.size()), b_ct = static_cast<int>(db.size()), c_ct = static_cast<int>(dc.size());
  // Half-rows: h_a[ia][ic] = M[x_a][x_c] / 2.
  std::vector<double> ha(static_cast<size_t>(a_ct) * c_ct), hb(static_cast<size_t>(b_ct) * c_ct);
  for (int i = 0; i < a_ct; ++i)
    for (int k = 0; k < c_ct; ++k) ha[i * c_ct + k] = 0.5 * (m ? (*m)(da[i], dc[k]) : (da[i] == dc[k]));
  for (int j = 0; j < b_ct; ++j)
    for (int k = 0; k < c_ct; ++k) hb[j * c_ct + k] = 0.5 * (m ? (*m)(db[j], dc[k]) : (db[j] == dc[k]));
  double* out = f.table.data();
  for (int i = 0; i < a_ct; ++i)
    for (int j = 0; j < b_ct; ++j) {
      const double* ra = &ha[i * c_ct];
      const double* rb = &hb[j * c_ct];
      for (int k = 0; k < c_ct; ++k) *out++ = ra[k] + rb[k];
    }
  factors_.push_back(std::move(f));
}

absl::StatusOr<ScaledTable> Eliminator::Run(const std::vector<int>& keep) {
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
  result.vars.assign(keep.begin(), keep.end());
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
      const int keep0_ct = dom_[keep[0]], keep1_ct = dom_[keep[1]];
      double* out = result.table.data();
      for (int i = 0; i < keep0_ct; ++i)
        for (int j = 0; j < keep1_ct; ++j) *out++ *= f.table[i * s0 + j * s1];
      continue;
    }
    // Stride in f of each kept variable (0 when f does not depend on it).
    absl::InlinedVector<std::int64_t, 6> st(keep.size(), 0);
    for (size_t k = 0; k < f.vars.size(); ++k)
      st[std::find(keep.begin(), keep.end(), f.vars[k]) - keep.begin()] = f.strides[k];
    // The last kept variable in a tight loop, the others by an odometer.
    const int outer = static_cast<int>(keep.size()) - 1;
    const int last_ct = dom_[keep[outer]];
    const std::int64_t last_st = st[outer];
    absl::InlinedVector<int, 6> pos(outer, 0);
    std::int64_t fi = 0;
    double* out = result.table.data();
    const double* ft = f.table.data();
    for (std::int64_t idx = 0; idx < static_cast<std::int64_t>(result.table.size()); idx += last_ct) {
      for (int t = 0; t < last_ct; ++t) out[idx + t] *= ft[fi + t * last_st];
      for (int k = outer - 1; k >= 0; --k) {
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

void Eliminator::SetStrides(Factor* f, bool allocate) const {
  f->strides.assign(f->vars.size(), 1);
  std::int64_t s = 1;
  for (int k = static_cast<int>(f->vars.size()) - 1; k >= 0; --k) {
    f->strides[k] = s;
    s *= dom_[f->vars[k]];
  }
  if (allocate) f->table.assign(s, 0.0);
}

absl::StatusOr<std::vector<int>> Eliminator::Plan(const std::vector<int>& keep) const {
  const int var_ct = static_cast<int>(dom_.size());
  std::vector<char> kept(var_ct, 0);
  for (int v : keep) kept[v] = 1;
  std::vector<std::vector<int>> nbr(var_ct);
  for (const Factor& f : factors_)
    for (int u : f.vars)
      if (!kept[u]) nbr[u].insert(nbr[u].end(), f.vars.begin(), f.vars.end());
  using Entry = std::pair<std::int64_t, int>;  // (product entries, variable): lowest first
  std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> heap;
  std::vector<std::int64_t> size(var_ct, -1);  // current product entries; -1 = not a candidate
  for (int v = 0; v < var_ct; ++v) {
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

absl::StatusOr<std::vector<int>> Eliminator::PlanSmall(const std::vector<int>& keep) const {
  const int var_ct = static_cast<int>(dom_.size());
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
  for (int v = 0; v < var_ct; ++v) size[v] = (kept >> v & 1) || nbr[v] == 0 ? -1 : entries(nbr[v]);
  std::vector<int> order;
  while (true) {
    int best = -1;
    for (int v = 0; v < var_ct; ++v)
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

absl::Status Eliminator::TooLarge(std::int64_t entries) const {
  return absl::ResourceExhaustedError(absl::StrCat(
      "exact computation needs a factor of ", entries, " entries (estimated before computing), more "
      "than the limit of ", max_factor_entries_, " (a pedigree with many untyped members in loops)"));
}

void Eliminator::Eliminate(int v, std::span<const int> with_idx) {
  absl::InlinedVector<const Factor*, 8> with;
  for (int f : with_idx) with.push_back(&factors_[f]);
  Factor out;
  for (const Factor* f : with)
    for (int u : f->vars)
      if (u != v) out.vars.push_back(u);
  std::sort(out.vars.begin(), out.vars.end());
  out.vars.erase(std::unique(out.vars.begin(), out.vars.end()), out.vars.end());
  SetStrides(&out);
  // For each input factor: stride of each output var (0 if absent; st[j * r + k]) and of v.
  const size_t m = with.size(), r = out.vars.size();
  absl::InlinedVector<std::int64_t, 48> st(m * r, 0);
  absl::InlinedVector<std::int64_t, 8> st_v(m, 0);
  absl::InlinedVector<const double*, 8> tab(m);
  for (size_t j = 0; j < m; ++j) {
    const Factor& f = *with[j];
    tab[j] = f.table.data();
    for (size_t k = 0; k < f.vars.size(); ++k) {
      if (f.vars[k] == v) {
        st_v[j] = f.strides[k];
      } else {
        size_t at = std::lower_bound(out.vars.begin(), out.vars.end(), f.vars[k]) - out.vars.begin();
        st[j * r + at] = f.strides[k];
      }
    }
  }
  absl::InlinedVector<int, 8> pos_buf(r, 0);
  absl::InlinedVector<std::int64_t, 8> base_buf(m, 0);
  // Raw pointers for the hot loop (an InlinedVector's [] tests where its data is).
  int* const pos = pos_buf.data();
  std::int64_t* const base = base_buf.data();
  const std::int64_t* const stp = st.data();
  const std::int64_t* const stv = st_v.data();
  const double* const* const tp = tab.data();
  const int* const out_vars = out.vars.data();
  const int v_value_ct = dom_[v];
  // Σ_x Π_j tab_j[base_j + x st_v_j], the product taken in factor order from 1 (as the
  // generic loop): unrolled for the usual two to four factors, the same arithmetic.
  auto entry = [&]() {
    double sum = 0;
    switch (m) {
      case 1:
        for (int x = 0; x < v_value_ct; ++x) sum += 1 * tp[0][base[0] + x * stv[0]];
        break;
      case 2:
        for (int x = 0; x < v_value_ct; ++x) sum += 1 * tp[0][base[0] + x * stv[0]] * tp[1][base[1] + x * stv[1]];
        break;
      case 3:
        for (int x = 0; x < v_value_ct; ++x)
          sum += 1 * tp[0][base[0] + x * stv[0]] * tp[1][base[1] + x * stv[1]] * tp[2][base[2] + x * stv[2]];
        break;
      case 4:
        for (int x = 0; x < v_value_ct; ++x)
          sum += 1 * tp[0][base[0] + x * stv[0]] * tp[1][base[1] + x * stv[1]] * tp[2][base[2] + x * stv[2]] *
                 tp[3][base[3] + x * stv[3]];
        break;
      default:
        for (int x = 0; x < v_value_ct; ++x) {
          double prod = 1;
          for (size_t j = 0; j < m; ++j) prod *= tp[j][base[j] + x * stv[j]];
          sum += prod;
        }
    }
    return sum;
  };
  for (std::int64_t idx = 0; idx < static_cast<std::int64_t>(out.table.size()); ++idx) {
    out.table[idx] = entry();
    for (int k = static_cast<int>(r) - 1; k >= 0; --k) {
      for (size_t j = 0; j < m; ++j) base[j] += stp[j * r + k];
      if (++pos[k] < dom_[out_vars[k]]) break;
      for (size_t j = 0; j < m; ++j) base[j] -= stp[j * r + k] * pos[k];
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

}  // namespace kinship::internal
