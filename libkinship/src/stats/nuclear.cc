// Family tables of nuclear families at theta = 0 (see stats/nuclear.h).
#include "stats/nuclear.h"

#include <array>
#include <cmath>
#include <utility>

namespace kinship::internal {

namespace {

// One founder's side: untyped (every ordered pair (u, v), weight p_u p_v) or its typed
// ordered pairs with their weights; the transmission matrix to its children (null: the
// identity).
struct Side {
  bool untyped = false;
  std::vector<std::array<int, 2>> pairs;  // typed only
  std::vector<double> weight;
  const MutationMatrix* m = nullptr;
  double M(int from, int to) const { return m ? (*m)(from, to) : (from == to ? 1.0 : 0.0); }
};

Side MakeSide(GenotypeIdx gx, const std::vector<double>& p, const MutationMatrix* m) {
  Side s;
  s.m = m;
  if (gx == kUntyped) {
    s.untyped = true;
  } else {
    const AllelePair ab = GenotypeAlleles(gx);
    s.pairs.push_back({ab.a, ab.b}), s.weight.push_back(p[ab.a] * p[ab.b]);
    if (ab.a != ab.b) s.pairs.push_back({ab.b, ab.a}), s.weight.push_back(p[ab.b] * p[ab.a]);
  }
  return s;
}

// A_φ(u, v) = Π_c (M[u][z_c] + M[v][z_c]) / 2 for the children's alleles z from this side.
double Transmit(const Side& s, int u, int v, const std::vector<int>& z) {
  double a = 1;
  for (int zc : z) a *= 0.5 * (s.M(u, zc) + s.M(v, zc));
  return a;
}

}  // namespace

std::optional<NuclearTables> NuclearFamilyTables(const Pedigree& ped, const std::vector<GenotypeIdx>& g, int target,
                                                 const PedigreeLocusModel& model) {
  if (model.theta() != 0) return std::nullopt;
  if (model.mutation() && model.untyped_founders() == UntypedFounders::kFamilias) return std::nullopt;
  const int member_ct = ped.size();
  // The members that matter (as Prune): typed, the target, their ancestors.
  std::vector<char> needed(member_ct, 0);
  for (int i = 0; i < member_ct; ++i) needed[i] = g[i] != kUntyped || i == target;
  for (int i = member_ct - 1; i >= 0; --i)
    if (needed[i] && ped.person(i).father >= 0) needed[ped.person(i).father] = needed[ped.person(i).mother] = 1;
  int fa = -1, mo = -1;
  std::vector<int> children;  // typed children (not the target)
  bool target_child = false;
  for (int i = 0; i < member_ct; ++i) {
    if (!needed[i]) continue;
    const Person& p = ped.person(i);
    if (p.father < 0) continue;
    if (fa < 0) fa = p.father, mo = p.mother;
    if (p.father != fa || p.mother != mo) return std::nullopt;
    if (i == target) {
      target_child = true;
    } else {
      if (g[i] == kUntyped) return std::nullopt;  // an untyped member with typed descendants
      children.push_back(i);
    }
  }
  if (fa < 0) return std::nullopt;  // no children: not a family table the eliminator leaves
  for (int i = 0; i < member_ct; ++i)  // every founder that matters is one of the parents
    if (needed[i] && ped.person(i).father < 0 && i != fa && i != mo) return std::nullopt;
  if (ped.person(fa).father >= 0 || ped.person(mo).father >= 0) return std::nullopt;
  // Phase vectors: each child's (paternal, maternal) alleles.
  std::vector<std::vector<std::array<int, 2>>> options;
  std::size_t vector_ct = 1;
  for (int c : children) {
    const AllelePair ab = GenotypeAlleles(g[c]);
    options.push_back(ab.a == ab.b ? std::vector<std::array<int, 2>>{{ab.a, ab.a}}
                                   : std::vector<std::array<int, 2>>{{ab.a, ab.b}, {ab.b, ab.a}});
    vector_ct *= options.back().size();
    if (vector_ct > static_cast<std::size_t>(kMaxNuclearPhaseVectors)) return std::nullopt;
  }
  const std::vector<double>& p = model.freqs();
  const int allele_ct = model.allele_ct();
  const Side sf = MakeSide(g[fa], p, model.mutation() ? &model.male() : nullptr);
  const Side sm = MakeSide(g[mo], p, model.mutation() ? &model.female() : nullptr);
  // In the references' likelihood a founder without typed children that is untyped is
  // pruned (it sums to 1).
  const bool fa_in_refs = g[fa] != kUntyped || !children.empty();
  const bool mo_in_refs = g[mo] != kUntyped || !children.empty();
  const int founder_target = target == fa ? 0 : target == mo ? 1 : -1;
  if (!target_child && founder_target < 0) return std::nullopt;

  NuclearTables out;
  std::vector<double> ordered(static_cast<std::size_t>(allele_ct) * allele_ct, 0.0);
  std::vector<double> ra(allele_ct), rb(allele_ct), ta(allele_ct), tb(allele_ct);
  std::vector<int> zf(children.size()), zm(children.size());
  // r(u) = Σ_v w(u, v) A(u, v) over a side's pairs; t(x) = Σ_u M[u][x] r(u); the sum α.
  // An untyped side with few children: expanding Π_c (M[u][z_c] + M[v][z_c]) / 2 over the
  // subsets S of the children that receive u,
  //   r(u) = p_u 2^-n Σ_S Π_{c∈S} M[u][z_c] Q(S^c),  Q(T) = Σ_v p_v Π_{c∈T} M[v][z_c],
  // 2^n n per allele instead of n per pair (the eliminator's closed-form founders likewise).
  std::vector<double> q;
  auto side_sums = [&](const Side& s, const std::vector<int>& z, std::vector<double>* r, std::vector<double>* t) {
    std::fill(r->begin(), r->end(), 0.0);
    double alpha = 0;
    const int n = static_cast<int>(z.size());
    if (s.untyped && (1 << n) < allele_ct) {
      const int full = (1 << n) - 1;
      q.assign(full + 1, 0.0);
      for (int v = 0; v < allele_ct; ++v)
        for (int set = 0; set <= full; ++set) {
          double term = p[v];
          for (int c = 0; c < n; ++c)
            if (set >> c & 1) term *= s.M(v, z[c]);
          q[set] += term;
        }
      const double half_n = std::ldexp(1.0, -n);
      for (int u = 0; u < allele_ct; ++u) {
        double sum = 0;
        for (int set = 0; set <= full; ++set) {
          double term = q[full ^ set];
          for (int c = 0; c < n; ++c)
            if (set >> c & 1) term *= s.M(u, z[c]);
          sum += term;
        }
        (*r)[u] = p[u] * half_n * sum;
        alpha += (*r)[u];
      }
    } else if (s.untyped) {
      for (int u = 0; u < allele_ct; ++u)
        for (int v = 0; v < allele_ct; ++v) {
          const double wa = p[u] * p[v] * Transmit(s, u, v, z);
          (*r)[u] += wa;
          alpha += wa;
        }
    } else {
      for (std::size_t k = 0; k < s.pairs.size(); ++k) {
        const double wa = s.weight[k] * Transmit(s, s.pairs[k][0], s.pairs[k][1], z);
        (*r)[s.pairs[k][0]] += wa;
        alpha += wa;
      }
    }
    if (t && !s.m) {
      *t = *r;  // the identity
    } else if (t) {
      std::fill(t->begin(), t->end(), 0.0);
      for (int u = 0; u < allele_ct; ++u) {
        if ((*r)[u] == 0) continue;
        for (int x = 0; x < allele_ct; ++x) (*t)[x] += s.M(u, x) * (*r)[u];
      }
    }
    return alpha;
  };
  std::vector<std::size_t> digit(children.size(), 0);
  for (std::size_t v = 0; v < vector_ct; ++v) {
    for (std::size_t c = 0; c < children.size(); ++c) zf[c] = options[c][digit[c]][0], zm[c] = options[c][digit[c]][1];
    if (target_child) {
      const double alpha = side_sums(sf, zf, &ra, &ta);
      const double beta = side_sums(sm, zm, &rb, &tb);
      for (int x = 0; x < allele_ct; ++x) {
        if (ta[x] == 0) continue;
        for (int y = 0; y < allele_ct; ++y) ordered[x * allele_ct + y] += ta[x] * tb[y];
      }
      out.refs += (fa_in_refs ? alpha : 1.0) * (mo_in_refs ? beta : 1.0);
    } else {
      // The target is a founder: its ordered pair (x, y) with weight p_x p_y, times the
      // other side's sum.
      const Side& st = founder_target == 0 ? sf : sm;
      const Side& so = founder_target == 0 ? sm : sf;
      const std::vector<int>& zt = founder_target == 0 ? zf : zm;
      const std::vector<int>& zo = founder_target == 0 ? zm : zf;
      const double other = side_sums(so, zo, &rb, nullptr);
      double self = 0;  // Σ_{x,y} p_x p_y A_φ(x, y): the target's side, untyped, in the references
      for (int x = 0; x < allele_ct; ++x)
        for (int y = 0; y < allele_ct; ++y) {
          const double t = p[x] * p[y] * Transmit(st, x, y, zt);
          ordered[x * allele_ct + y] += t * other;
          self += t;
        }
      out.refs += self * other;
    }
    for (std::size_t c = 0; c < children.size(); ++c) {  // next phase vector
      if (++digit[c] < options[c].size()) break;
      digit[c] = 0;
    }
  }
  out.joint.assign(GenotypeCount(allele_ct), 0.0);
  for (int b = 0; b < allele_ct; ++b)
    for (int a = 0; a <= b; ++a)
      out.joint[GenotypeIndex(a, b)] =
          a == b ? ordered[a * allele_ct + a] : ordered[a * allele_ct + b] + ordered[b * allele_ct + a];
  return out;
}

}  // namespace kinship::internal
