// Family tables of nuclear families at theta = 0 (see stats/nuclear.h).
#include "stats/nuclear.h"

#include <array>
#include <cmath>
#include <utility>

#include "stats/pedigree_factors.h"

namespace kinship::internal {

namespace {

// One founder's side: untyped (every ordered pair (u, v), weight p_u p_v) or its typed
// ordered pairs with their weights; the transmission matrix to its children (null: the
// identity).
struct Side {
  bool untyped = false;
  std::vector<std::array<int, 2>> pairs;  // typed only
  std::vector<double> weight;
  // Or a general prior over the ordered pairs (u, v), row-major (an untyped parent who is
  // the child of a nuclear family above: P(its references, (u, v))), with `pruned` its
  // references' likelihood where this member is pruned.
  std::vector<double> prior;
  double pruned = 1;
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

// The ordered table over the missing person's (paternal, maternal) alleles and the
// references' likelihood, for the parents' sides, the typed children's genotypes and the
// missing person a child (founder_target -1) or a parent (0 father, 1 mother; then a founder
// side). in_refs[k]: parent k is in the references' likelihood (typed, or with typed
// children); else it contributes its side's `pruned`.
struct Ordered {
  std::vector<double> table;
  double refs = 0;
};
std::optional<Ordered> OrderedTable(const Side& sf, const Side& sm, const std::vector<GenotypeIdx>& child_g,
                                    int founder_target, const bool in_refs[2], const PedigreeLocusModel& model) {
  const bool target_child = founder_target < 0;
  std::vector<std::vector<std::array<int, 2>>> options;
  std::size_t vector_ct = 1;
  for (GenotypeIdx gc : child_g) {
    const AllelePair ab = GenotypeAlleles(gc);
    options.push_back(ab.a == ab.b ? std::vector<std::array<int, 2>>{{ab.a, ab.a}}
                                   : std::vector<std::array<int, 2>>{{ab.a, ab.b}, {ab.b, ab.a}});
    vector_ct *= options.back().size();
    if (vector_ct > static_cast<std::size_t>(kMaxNuclearPhaseVectors)) return std::nullopt;
  }
  const std::vector<double>& p = model.freqs();
  const int allele_ct = model.allele_ct();
  const std::size_t children_n = child_g.size();
  Ordered out;
  std::vector<double>& ordered = out.table;
  ordered.assign(static_cast<std::size_t>(allele_ct) * allele_ct, 0.0);
  std::vector<double> ra(allele_ct), rb(allele_ct), ta(allele_ct), tb(allele_ct), col(allele_ct);
  std::vector<int> zf(children_n), zm(children_n);
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
    if (!s.prior.empty()) {
      // A general prior: rows r(u) and columns col(v) of prior × A; t(x) the half sums.
      std::fill(col.begin(), col.end(), 0.0);
      for (int u = 0; u < allele_ct; ++u)
        for (int v = 0; v < allele_ct; ++v) {
          const double w = s.prior[u * allele_ct + v];
          if (w == 0) continue;
          const double wa = w * Transmit(s, u, v, z);
          (*r)[u] += wa;
          col[v] += wa;
          alpha += wa;
        }
      if (t) {
        std::fill(t->begin(), t->end(), 0.0);
        for (int u = 0; u < allele_ct; ++u) {
          if ((*r)[u] == 0 && col[u] == 0) continue;
          for (int x = 0; x < allele_ct; ++x) (*t)[x] += 0.5 * (s.M(u, x) * (*r)[u] + s.M(u, x) * col[u]);
        }
      }
      return alpha;
    }
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
  std::vector<std::size_t> digit(children_n, 0);
  for (std::size_t v = 0; v < vector_ct; ++v) {
    for (std::size_t c = 0; c < children_n; ++c) zf[c] = options[c][digit[c]][0], zm[c] = options[c][digit[c]][1];
    if (target_child) {
      const double alpha = side_sums(sf, zf, &ra, &ta);
      const double beta = side_sums(sm, zm, &rb, &tb);
      for (int x = 0; x < allele_ct; ++x) {
        if (ta[x] == 0) continue;
        for (int y = 0; y < allele_ct; ++y) ordered[x * allele_ct + y] += ta[x] * tb[y];
      }
      out.refs += (in_refs[0] ? alpha : sf.pruned) * (in_refs[1] ? beta : sm.pruned);
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
    for (std::size_t c = 0; c < children_n; ++c) {  // next phase vector
      if (++digit[c] < options[c].size()) break;
      digit[c] = 0;
    }
  }
  return out;
}

std::optional<NuclearTables> NuclearFamilyTables(const Pedigree& ped, const std::vector<GenotypeIdx>& g, int target,
                                                 const PedigreeLocusModel& model) {
  if (model.theta() != 0) return std::nullopt;
  if (model.mutation() && model.untyped_founders() == UntypedFounders::kFamilias) return std::nullopt;
  const int member_ct = ped.size();
  const std::vector<char> needed = NeededMembers(ped, g, target);  // as the eliminator prunes
  std::vector<char> covered(member_ct, 0);
  auto cover = [&](int i) {
    if (covered[i]) return false;
    return covered[i] = 1, true;
  };
  // The typed children of (fa, mo) that matter, but `skip`; false if one is untyped.
  auto children_of = [&](int fa, int mo, int skip, std::vector<GenotypeIdx>* out) {
    for (int i = 0; i < member_ct; ++i) {
      if (!needed[i] || i == skip || ped.person(i).father != fa || ped.person(i).mother != mo) continue;
      if (g[i] == kUntyped || !cover(i)) return false;  // an untyped member with typed descendants
      out->push_back(g[i]);
    }
    return true;
  };
  const std::vector<double>& p = model.freqs();
  const MutationMatrix* male = model.mutation() ? &model.male() : nullptr;
  const MutationMatrix* female = model.mutation() ? &model.female() : nullptr;
  const Person& mp = ped.person(target);
  std::vector<GenotypeIdx> child_g;
  NuclearTables out;
  std::optional<Ordered> ordered;
  if (mp.father >= 0) {
    // The missing person a child of fa and mo. A parent is a founder, or an untyped child
    // of two founders (with typed siblings or none): then its prior over its ordered
    // alleles is that family's table, computed the same way.
    const int parent[2] = {mp.father, mp.mother};
    cover(target);
    if (!children_of(parent[0], parent[1], target, &child_g)) return std::nullopt;
    Side side[2];
    bool in_refs[2];
    for (int k = 0; k < 2; ++k) {
      const int x = parent[k];
      if (!cover(x)) return std::nullopt;
      const Person& px = ped.person(x);
      const MutationMatrix* m = k == 0 ? male : female;
      if (px.father < 0) {
        side[k] = MakeSide(g[x], p, m);
        in_refs[k] = g[x] != kUntyped || !child_g.empty();
        continue;
      }
      if (g[x] != kUntyped) return std::nullopt;
      const int gp[2] = {px.father, px.mother};
      std::vector<GenotypeIdx> sibs;
      for (int j = 0; j < 2; ++j)
        if (ped.person(gp[j]).father >= 0 || !cover(gp[j])) return std::nullopt;
      if (!children_of(gp[0], gp[1], x, &sibs)) return std::nullopt;
      const Side upper[2] = {MakeSide(g[gp[0]], p, male), MakeSide(g[gp[1]], p, female)};
      const bool upper_in[2] = {g[gp[0]] != kUntyped || !sibs.empty(), g[gp[1]] != kUntyped || !sibs.empty()};
      std::optional<Ordered> up = OrderedTable(upper[0], upper[1], sibs, -1, upper_in, model);
      if (!up) return std::nullopt;
      side[k].m = m;
      side[k].prior = std::move(up->table);
      side[k].pruned = up->refs;
      in_refs[k] = !child_g.empty();
    }
    ordered = OrderedTable(side[0], side[1], child_g, -1, in_refs, model);
  } else {
    // The missing person a founder, a parent of the typed children with one other founder.
    int other = -1, founder_target = -1;
    for (int i = 0; i < member_ct && founder_target < 0; ++i) {
      if (!needed[i] || ped.person(i).father < 0) continue;
      if (ped.person(i).father == target) other = ped.person(i).mother, founder_target = 0;
      if (ped.person(i).mother == target) other = ped.person(i).father, founder_target = 1;
    }
    if (founder_target < 0 || ped.person(other).father >= 0) return std::nullopt;
    const int fa = founder_target == 0 ? target : other, mo = founder_target == 0 ? other : target;
    cover(fa), cover(mo);
    if (!children_of(fa, mo, -1, &child_g) || child_g.empty()) return std::nullopt;
    const Side sf = MakeSide(g[fa], p, male), sm = MakeSide(g[mo], p, female);
    const bool in_refs[2] = {true, true};  // both have typed children
    ordered = OrderedTable(sf, sm, child_g, founder_target, in_refs, model);
  }
  if (!ordered) return std::nullopt;
  for (int i = 0; i < member_ct; ++i)  // every member that matters is accounted for
    if (needed[i] && !covered[i]) return std::nullopt;
  const int allele_ct = model.allele_ct();
  const std::vector<double>& o = ordered->table;
  out.refs = ordered->refs;
  out.joint.assign(GenotypeCount(allele_ct), 0.0);
  for (int b = 0; b < allele_ct; ++b)
    for (int a = 0; a <= b; ++a)
      out.joint[GenotypeIndex(a, b)] = a == b ? o[a * allele_ct + a] : o[a * allele_ct + b] + o[b * allele_ct + a];
  return out;
}

}  // namespace kinship::internal
