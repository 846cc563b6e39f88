// Joint DVI as one call (kinship/dvi.h: RunDvi): read and bind the inputs, compute every
// family's local assignments with the pedigree engine, solve (dvi/solver.cc), and turn the
// solution into the four reports' rows.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <memory>
#include <set>
#include <tuple>
#include <unordered_set>

#include <tbb/parallel_for.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "internal/csv.h"
#include "internal/status_macros.h"
#include "kinship/dvi.h"
#include "kinship/exchange.h"
#include "kinship/io.h"
#include "kinship/pedigree_lr.h"
#include "kinship/report.h"
#include "kinship/version.h"
#include "stats/population.h"

namespace kinship {

namespace {

// `sample_id,sex` (1/2/0 or male/female/unknown), one row per victim.
absl::StatusOr<std::map<std::string, Sex>> ReadVictimSex(const std::string& path, Diagnostics* diag) {
  internal::LineReader in;
  KINSHIP_RETURN_IF_ERROR(in.Open(path));
  std::string line;
  if (!in.Next(&line)) return in.FileError("empty file; expected a header sample_id,sex");
  std::vector<std::string> header, f;
  if (!internal::SplitFields(line, ',', &header)) return in.Error("unterminated quote");
  int c_sample = -1, c_sex = -1;
  for (int i = 0; i < static_cast<int>(header.size()); ++i) {
    const std::string h = internal::Lower(header[i]);
    if (h == "sample_id" || h == "sample") c_sample = i;
    else if (h == "sex") c_sex = i;
    else return in.Error(absl::StrCat("unknown column '", header[i], "'; expected sample_id, sex"));
  }
  if (c_sample < 0 || c_sex < 0) return in.Error("header must name columns sample_id and sex");
  std::map<std::string, Sex> out;
  while (in.Next(&line)) {
    if (!internal::SplitFields(line, ',', &f)) return in.Error("unterminated quote");
    if (f.size() != header.size()) return in.Error(absl::StrCat("found ", f.size(), " fields; expected ", header.size()));
    if (f[c_sample].empty()) return in.Error("empty sample_id; expected a victim's sample");
    KINSHIP_RETURN_IF_ERROR(internal::CheckText(in, "sample id", f[c_sample]));
    auto sex = ParseSex(f[c_sex]);
    if (!sex.ok()) return in.Error(std::string(sex.status().message()));
    if (!out.emplace(f[c_sample], *sex).second)
      return in.Error(absl::StrCat("sample ", f[c_sample], " is given twice; expected one row per victim"));
  }
  if (in.read_error()) return in.FileError("read error");
  in.RecordInput(diag);
  return out;
}

bool Compatible(Sex a, Sex b) { return a == Sex::kUnknown || b == Sex::kUnknown || a == b; }

// log10 Σ (over victims' genotypes at `l`) of its weight times its unrelated probability.
double VictimLog10(const std::vector<double>& freqs, double theta, GenotypeIdx g, const std::vector<double>& w) {
  if (g != kEvidence) return std::log10(internal::UnrelatedProbability(freqs, theta, {g}));
  double s = 0;
  for (size_t x = 0; x < w.size(); ++x)
    if (w[x] != 0) s += w[x] * internal::UnrelatedProbability(freqs, theta, {static_cast<GenotypeIdx>(x)});
  return std::log10(s);
}

struct Victims {
  std::vector<std::string> ids;                   // byte order
  std::vector<Sex> sex;
  std::vector<std::vector<GenotypeIdx>> g;        // [victim][locus]: genotype, kEvidence or kUntyped
  std::vector<std::vector<std::vector<double>>> w;  // [victim][locus]: evidence of kEvidence
  std::vector<std::vector<double>> log10_single;  // [victim][locus]
};

// One family's local assignments.
class FamilyEvaluator {
 public:
  FamilyEvaluator(const Pedigree& ped, std::vector<std::vector<GenotypeIdx>> refs, FamilyEvidence ev,
                  const std::vector<PedigreeLocusModel>& models, const Victims& victims)
      : ped_(ped), refs_(std::move(refs)), ev_(std::move(ev)), models_(models), victims_(victims) {}

  absl::Status Init() {
    const int locus_ct = static_cast<int>(models_.size());
    log10_refs_.assign(locus_ct, 0);
    // With mutation at θ = 0 and references without evidence, sets of victims are scored
    // through chained family tables (Chained), one thread per family.
    chained_ = ev_.empty();
    for (const PedigreeLocusModel& m : models_) chained_ &= m.theta() == 0 && m.mutation();
    if (chained_) {
      slot_.assign(locus_ct, {});
      slot_genotype_.assign(locus_ct, {});
      for (int l = 0; l < locus_ct; ++l) {
        const int n = models_[l].allele_ct();
        slot_[l].assign(static_cast<size_t>(n) * (n + 1) / 2, -1);
        for (const auto& g : victims_.g) {
          if (g[l] == kUntyped || g[l] == kEvidence || slot_[l][g[l]] >= 0) continue;
          slot_[l][g[l]] = static_cast<int>(slot_genotype_[l].size());
          slot_genotype_[l].push_back(g[l]);
        }
      }
    }
    for (int l = 0; l < locus_ct; ++l) {
      EngineLimits lim;
      MemberEvidence ev = ev_.empty() ? MemberEvidence{} : ev_[l];
      ev.resize(ped_.size());
      lim.evidence = &ev;
      KINSHIP_ASSIGN_OR_RETURN(log10_refs_[l], PedigreeLog10Likelihood(ped_, refs_[l], models_[l], lim));
      if (log10_refs_[l] == -INFINITY)
        return absl::FailedPreconditionError(
            absl::StrCat("family ", ped_.family(), ": the references are impossible under the pedigree"));
    }
    return absl::OkStatus();
  }

  // log10 R_f of the victims `placed` at members ((member, victim) pairs); -inf if impossible.
  absl::StatusOr<double> Evaluate(const std::vector<std::pair<int, int>>& placed) const {
    const int locus_ct = static_cast<int>(models_.size());
    double total = 0;
    for (int l = 0; l < locus_ct; ++l) {
      bool any = false;
      for (const auto& [m, v] : placed) any |= victims_.g[v][l] != kUntyped;
      if (!any) continue;
      std::vector<GenotypeIdx> h1 = refs_[l];
      MemberEvidence ev = ev_.empty() ? MemberEvidence{} : ev_[l];
      ev.resize(ped_.size());
      double singles = 0;
      bool ref_evidence = false;
      for (GenotypeIdx x : refs_[l]) ref_evidence |= x == kEvidence;
      const PedigreeLocusModel& model = models_[l];
      if (placed.size() == 1 && model.theta() == 0 && !ref_evidence && victims_.g[placed[0].second][l] != kEvidence) {
        // One victim: the screen's family table (one pass per member and locus).
        const auto [m, v] = placed[0];
        auto key = std::make_pair(m, l);
        auto it = tables_.find(key);
        if (it == tables_.end()) {
          KINSHIP_ASSIGN_OR_RETURN(std::vector<double> t, FamilyTable(ped_, refs_[l], m, model));
          it = tables_.emplace(key, std::move(t)).first;
        }
        const double lr = it->second[victims_.g[v][l]];
        if (lr == 0) return -INFINITY;
        total += std::log10(lr);
        continue;
      }
      if (chained_ && placed.size() > 1) {
        bool plain = true;
        for (const auto& [m, v] : placed) plain &= victims_.g[v][l] != kEvidence;
        if (plain) {
          KINSHIP_ASSIGN_OR_RETURN(const double x, Chained(placed, l));
          if (x == -INFINITY) return -INFINITY;
          total += x;
          continue;
        }
      }
      for (const auto& [m, v] : placed) {
        const GenotypeIdx g = victims_.g[v][l];
        if (g == kUntyped) continue;
        h1[m] = g;
        if (g == kEvidence) ev[m] = victims_.w[v][l];
        singles += victims_.log10_single[v][l];
      }
      bool evidence = ref_evidence;
      for (GenotypeIdx x : h1) evidence |= x == kEvidence;
      double x;
      if (!model.mutation() && model.theta() == 0 && !evidence) {
        KINSHIP_ASSIGN_OR_RETURN(x, Lumped(h1, model));
      } else {
        EngineLimits lim;
        lim.evidence = &ev;
        KINSHIP_ASSIGN_OR_RETURN(x, PedigreeLog10Likelihood(ped_, h1, model, lim));
      }
      if (x == -INFINITY) return -INFINITY;
      total += x - log10_refs_[l] - singles;
    }
    return total;
  }

  // Whether Evaluate uses the caches of one thread (call it from one thread at a time).
  bool serial() const { return chained_; }
  void ReleaseCaches() {
    chain_.clear();
    tables_.clear();
  }

  // In chained mode (serial()): log10 R of `prefix` ((member, victim) pairs, by member order;
  // its value `base`) extended by each victim of `vs` at member `m` (after the prefix's
  // members), into out[i]: base + Σ_l log10 LR_l(v at m | references, the prefix at its
  // members), one family table per locus for all of `vs`. A victim with evidence at a locus
  // (a failed allele) is evaluated whole by Evaluate.
  absl::Status Extend(const std::vector<std::pair<int, int>>& prefix, double base, int m, const std::vector<int>& vs,
                      double* out) const {
    const int locus_ct = static_cast<int>(models_.size());
    std::vector<char> whole(vs.size(), 0);
    for (size_t i = 0; i < vs.size(); ++i) out[i] = base;
    for (int l = 0; l < locus_ct; ++l) {
      bool any = false;
      for (size_t i = 0; i < vs.size(); ++i) {
        const GenotypeIdx g = victims_.g[vs[i]][l];
        if (g == kEvidence) whole[i] = 1;
        any |= g != kUntyped && !whole[i];
      }
      if (!any) continue;
      std::vector<std::pair<int, GenotypeIdx>> fixed;
      bool prefix_evidence = false;
      for (const auto& [pm, pv] : prefix) {
        const GenotypeIdx g = victims_.g[pv][l];
        if (g == kEvidence) prefix_evidence = true;
        if (g != kUntyped) fixed.push_back({pm, g});
      }
      if (prefix_evidence) {  // the prefix's value already holds its evidence: evaluate whole
        std::fill(whole.begin(), whole.end(), 1);
        break;
      }
      KINSHIP_ASSIGN_OR_RETURN(const std::vector<double>* slots, CachedTable(l, fixed, m));
      for (size_t i = 0; i < vs.size(); ++i) {
        const GenotypeIdx g = victims_.g[vs[i]][l];
        if (whole[i] || g == kUntyped || out[i] == -INFINITY) continue;
        const double lr = (*slots)[slot_[l][g]];
        out[i] = lr == 0 ? -INFINITY : out[i] + std::log10(lr);
      }
    }
    for (size_t i = 0; i < vs.size(); ++i) {
      if (!whole[i]) continue;
      std::vector<std::pair<int, int>> members = prefix;
      members.push_back({m, vs[i]});
      KINSHIP_ASSIGN_OR_RETURN(out[i], Evaluate(members));
    }
    return absl::OkStatus();
  }

 private:
  // The family table of member m at locus l with the members of `fixed` typed, kept for the
  // victims' genotypes at l (slot_), cached: sets of victims with the same genotypes at l
  // share it (ReleaseCaches frees them once the family is done).
  absl::StatusOr<const std::vector<double>*> CachedTable(int l, const std::vector<std::pair<int, GenotypeIdx>>& fixed,
                                                         int m) const {
    auto key = std::make_tuple(l, fixed, m);
    auto it = chain_.find(key);
    if (it == chain_.end()) {
      std::vector<GenotypeIdx> h = refs_[l];
      for (const auto& [fm, fg] : fixed) h[fm] = fg;
      KINSHIP_ASSIGN_OR_RETURN(std::vector<double> t, FamilyTable(ped_, h, m, models_[l]));
      std::vector<double> kept(slot_genotype_[l].size());
      for (size_t k = 0; k < kept.size(); ++k) kept[k] = t[slot_genotype_[l][k]];
      it = chain_.emplace(std::move(key), std::move(kept)).first;
    }
    return &it->second;
  }

  // log10 R at locus l of victims placed at several members, as a chain of family tables:
  // P(refs, g1, ..., gk) / (P(refs) Π p(gi)) = Π_i LR(gi at mi | refs, g1 at m1, ..., g(i-1)
  // at m(i-1)), each factor the family table of mi with the members before it typed (one pass
  // gives every genotype; kept for the victims' genotypes at l, keyed by what is fixed).
  absl::StatusOr<double> Chained(const std::vector<std::pair<int, int>>& placed, int l) const {
    std::vector<std::pair<int, GenotypeIdx>> fixed;
    double total = 0;
    for (const auto& [m, v] : placed) {
      const GenotypeIdx g = victims_.g[v][l];
      if (g == kUntyped) continue;
      KINSHIP_ASSIGN_OR_RETURN(const std::vector<double>* t, CachedTable(l, fixed, m));
      const double lr = (*t)[slot_[l][g]];
      if (lr == 0) return -INFINITY;
      total += std::log10(lr);
      fixed.push_back({m, g});
    }
    return total;
  }

  // log10 P(genotypes `g`) with the alleles no member carries lumped into one (their summed
  // frequency, so Σp is kept): exact without mutation at θ = 0, where an allele that no one
  // shows is only ever summed over, and the engine's factors shrink from n to k + 1 alleles
  // per variable (pedprobr lumps the same way).
  absl::StatusOr<double> Lumped(const std::vector<GenotypeIdx>& g, const PedigreeLocusModel& model) const {
    const int n = model.allele_ct();
    std::vector<int> map(n, -1);
    int k = 0;
    for (GenotypeIdx x : g) {
      if (x == kUntyped) continue;
      const AllelePair ab = GenotypeAlleles(x);
      for (int a : {static_cast<int>(ab.a), static_cast<int>(ab.b)})
        if (map[a] < 0) map[a] = k++;
    }
    if (k + 1 >= n) return PedigreeLog10Likelihood(ped_, g, model, EngineLimits{});
    std::vector<double> freqs(k + 1, 0.0);
    for (int a = 0; a < n; ++a) {
      if (map[a] < 0) map[a] = k;
      freqs[map[a]] += model.freqs()[a];  // observed alleles alone; the rest summed in allele order
    }
    std::vector<GenotypeIdx> lumped(g.size(), kUntyped);
    for (size_t i = 0; i < g.size(); ++i) {
      if (g[i] == kUntyped) continue;
      const AllelePair ab = GenotypeAlleles(g[i]);
      lumped[i] = GenotypeIndex(map[ab.a], map[ab.b]);
    }
    KINSHIP_ASSIGN_OR_RETURN(auto lm, PedigreeLocusModel::Create(std::move(freqs), {}, {}, 0.0));
    return PedigreeLog10Likelihood(ped_, lumped, lm, EngineLimits{});
  }

  const Pedigree& ped_;
  std::vector<std::vector<GenotypeIdx>> refs_;
  FamilyEvidence ev_;
  const std::vector<PedigreeLocusModel>& models_;
  const Victims& victims_;
  std::vector<double> log10_refs_;
  mutable std::map<std::pair<int, int>, std::vector<double>> tables_;  // one thread per family at level 1
  bool chained_ = false;
  std::vector<std::vector<int>> slot_;  // per locus: genotype -> slot among the victims' genotypes (-1: none)
  std::vector<std::vector<GenotypeIdx>> slot_genotype_;  // per locus: slot -> genotype
  mutable std::map<std::tuple<int, std::vector<std::pair<int, GenotypeIdx>>, int>, std::vector<double>> chain_;
};

// Every local assignment of a family with LR > 0: victims placed at 1, 2, ... of its MPs. A
// set of k placements is evaluated only when each of its k subsets of k - 1 has LR > 0 (a
// typed person added to an impossible configuration keeps it impossible). `single[k][v]`:
// the log10 LR of victim v alone at MP k (-inf for an exclusion; NaN: sex-inconsistent).
absl::Status LocalAssignments(const FamilyEvaluator& eval, const std::vector<int>& mps,
                              const std::vector<std::vector<int>>& compat, std::int64_t limit,
                              const std::string& family, DviFamilyOptions* out,
                              std::vector<std::vector<double>>* single, std::int64_t* evaluated) {
  using Placed = std::vector<std::pair<int, int>>;  // (MP index, victim), by MP
  const size_t victim_ct = single->empty() ? 0 : (*single)[0].size();
  auto evaluate = [&](const std::vector<Placed>& cands, std::vector<double>* values) -> absl::Status {
    *evaluated += static_cast<std::int64_t>(cands.size());
    if (*evaluated > limit)
      return absl::ResourceExhaustedError(absl::StrCat(
          "family ", family, ": more than ", limit, " local assignments (victims placed at its ", mps.size(),
          " missing persons) to evaluate; raise --max-local-assignments or split the problem"));
    values->assign(cands.size(), 0);
    std::vector<absl::Status> errors(cands.size());
    auto one = [&](size_t i) {
      Placed members = cands[i];
      for (auto& [k, v] : members) k = mps[k];
      auto r = eval.Evaluate(members);
      if (r.ok()) (*values)[i] = *r;
      else errors[i] = r.status();
    };
    if (eval.serial()) {
      for (size_t i = 0; i < cands.size(); ++i) one(i);
    } else {
      tbb::parallel_for(size_t{0}, cands.size(), one);
    }
    for (const absl::Status& st : errors) KINSHIP_RETURN_IF_ERROR(st);
    return absl::OkStatus();
  };
  // One victim: serial within the family, since the family tables are cached.
  std::vector<Placed> level;
  for (size_t k = 0; k < mps.size(); ++k)
    for (int v : compat[k]) level.push_back({{static_cast<int>(k), v}});
  *evaluated += static_cast<std::int64_t>(level.size());
  if (*evaluated > limit)
    return absl::ResourceExhaustedError(absl::StrCat("family ", family, ": more than ", limit,
                                                     " local assignments to evaluate; raise --max-local-assignments"));
  std::vector<Placed> kept;
  std::vector<double> kept_values;
  for (const Placed& c : level) {
    std::vector<std::pair<int, int>> members = {{mps[c[0].first], c[0].second}};
    KINSHIP_ASSIGN_OR_RETURN(const double x, eval.Evaluate(members));
    (*single)[c[0].first][c[0].second] = x;
    if (x == -INFINITY) continue;
    out->options.push_back({c, x});
    kept.push_back(c);
    kept_values.push_back(x);
  }
  for (size_t size = 2; size <= mps.size() && !kept.empty(); ++size) {
    // The previous level's sets, to check subsets: packed in 64 bits up to two placements
    // (an MP index below 256 and a victim below 2^24 each), else as vectors.
    auto pack = [](const Placed& x) {
      std::uint64_t key = 0;
      for (const auto& [k, v] : x) key = (key << 32) | (static_cast<std::uint64_t>(k) << 24) | static_cast<std::uint64_t>(v);
      return key;
    };
    const bool packed = size - 1 <= 2 && mps.size() < 256 && victim_ct < (1 << 24);
    std::unordered_set<std::uint64_t> prev_packed;
    std::set<Placed> prev;
    for (const Placed& x : kept) {
      if (packed) prev_packed.insert(pack(x));
      else prev.insert(x);
    }
    std::vector<Placed> cands;
    std::vector<int> parent;  // the index in `kept` each candidate extends
    for (size_t oi = 0; oi < kept.size(); ++oi)
      for (size_t k = kept[oi].back().first + 1; k < mps.size(); ++k)
        for (int v : compat[k]) {
          const Placed& o = kept[oi];
          bool used = false;
          for (const auto& [kk, vv] : o) used |= vv == v;
          if (used) continue;
          Placed c = o;
          c.push_back({static_cast<int>(k), v});
          bool all_sub = true;
          for (size_t drop = 0; drop + 1 < c.size() && all_sub; ++drop) {  // the last dropped is `o`
            Placed sub;
            for (size_t j = 0; j < c.size(); ++j)
              if (j != drop) sub.push_back(c[j]);
            all_sub = packed ? prev_packed.count(pack(sub)) > 0 : prev.count(sub) > 0;
          }
          if (all_sub) {
            cands.push_back(std::move(c));
            parent.push_back(static_cast<int>(oi));
          }
        }
    std::vector<double> values;
    if (eval.serial()) {
      // Chained family tables: the candidates extending one set at one MP share them.
      *evaluated += static_cast<std::int64_t>(cands.size());
      if (*evaluated > limit)
        return absl::ResourceExhaustedError(absl::StrCat(
            "family ", family, ": more than ", limit, " local assignments (victims placed at its ", mps.size(),
            " missing persons) to evaluate; raise --max-local-assignments or split the problem"));
      values.assign(cands.size(), 0);
      for (size_t i = 0; i < cands.size();) {
        size_t j = i;
        std::vector<int> vs;
        while (j < cands.size() && parent[j] == parent[i] && cands[j].back().first == cands[i].back().first)
          vs.push_back(cands[j++].back().second);
        Placed prefix = kept[parent[i]];
        for (auto& [k, v] : prefix) k = mps[k];
        KINSHIP_RETURN_IF_ERROR(
            eval.Extend(prefix, kept_values[parent[i]], mps[cands[i].back().first], vs, values.data() + i));
        i = j;
      }
    } else {
      KINSHIP_RETURN_IF_ERROR(evaluate(cands, &values));
    }
    kept.clear();
    kept_values.clear();
    for (size_t i = 0; i < cands.size(); ++i) {
      if (values[i] == -INFINITY) continue;
      out->options.push_back({cands[i], values[i]});
      kept.push_back(cands[i]);
      kept_values.push_back(values[i]);
    }
  }
  return absl::OkStatus();
}

// log10 of the number of valid assignments: MPs one by one, each unassigned or given an
// unused victim of a compatible sex; the state is how many victims of each sex are used.
double Log10ValidAssignments(const std::vector<Sex>& victim_sex, const std::vector<Sex>& mp_sex) {
  int n[3] = {0, 0, 0};
  auto cls = [](Sex s) { return s == Sex::kMale ? 0 : s == Sex::kFemale ? 1 : 2; };
  for (Sex s : victim_sex) ++n[cls(s)];
  const int d1 = n[1] + 1, d2 = n[2] + 1;
  std::vector<long double> cur(static_cast<size_t>(n[0] + 1) * d1 * d2, 0), next;
  auto at = [&](int a, int b, int c) { return (static_cast<size_t>(a) * d1 + b) * d2 + c; };
  cur[0] = 1;
  for (Sex ms : mp_sex) {
    next = cur;
    for (int a = 0; a <= n[0]; ++a)
      for (int b = 0; b <= n[1]; ++b)
        for (int c = 0; c <= n[2]; ++c) {
          const long double x = cur[at(a, b, c)];
          if (x == 0) continue;
          if (Compatible(Sex::kMale, ms) && a < n[0]) next[at(a + 1, b, c)] += x * (n[0] - a);
          if (Compatible(Sex::kFemale, ms) && b < n[1]) next[at(a, b + 1, c)] += x * (n[1] - b);
          if (c < n[2]) next[at(a, b, c + 1)] += x * (n[2] - c);
        }
    cur.swap(next);
  }
  long double total = 0;
  for (long double x : cur) total += x;
  return static_cast<double>(std::log10(total));
}

// A family's local assignments as bytes, for the other ranks (kinship/exchange.h): its
// status, the assignments evaluated, the single-victim LRs, the options (every double bit for bit).
void PutFamily(const absl::Status& st, std::int64_t evaluated, const std::vector<std::vector<double>>& single,
               const DviFamilyOptions& family, ByteWriter* w) {
  w->Put<std::int32_t>(static_cast<std::int32_t>(st.code()));
  w->PutString(std::string(st.message()));
  w->Put<std::int64_t>(evaluated);
  w->Put<std::uint64_t>(single.size());
  for (const std::vector<double>& x : single) w->PutVector(x);
  w->Put<std::uint64_t>(family.options.size());
  for (const DviOption& o : family.options) {
    std::vector<std::int32_t> flat;
    for (const auto& [k, v] : o.placed) flat.insert(flat.end(), {k, v});
    w->PutVector(flat);
    w->Put<double>(o.log10_lr);
  }
}
void GetFamily(ByteReader* in, absl::Status* st, std::int64_t* evaluated, std::vector<std::vector<double>>* single,
               DviFamilyOptions* family) {
  const auto code = static_cast<absl::StatusCode>(in->Get<std::int32_t>());
  const std::string message = in->GetString();
  *st = code == absl::StatusCode::kOk ? absl::OkStatus() : absl::Status(code, message);
  *evaluated = in->Get<std::int64_t>();
  const auto n = in->Get<std::uint64_t>();
  single->clear();
  for (std::uint64_t k = 0; k < n && in->ok(); ++k) single->push_back(in->GetVector<double>());
  const auto m = in->Get<std::uint64_t>();
  family->options.clear();
  for (std::uint64_t x = 0; x < m && in->ok(); ++x) {
    const std::vector<std::int32_t> flat = in->GetVector<std::int32_t>();
    DviOption o;
    for (size_t i = 0; i + 1 < flat.size(); i += 2) o.placed.push_back({flat[i], flat[i + 1]});
    o.log10_lr = in->Get<double>();
    family->options.push_back(std::move(o));
  }
}

absl::StatusOr<DviResult> RunDviRanks(const DviRequest& req, Diagnostics* diag);

}  // namespace

// One process, or one rank of several (req.exchange; as Match, kinship/match.h).
absl::StatusOr<DviResult> RunDvi(const DviRequest& req, Diagnostics* diag) {
  absl::StatusOr<DviResult> result = RunDviRanks(req, diag);
  if (!result.ok() && req.exchange) return req.exchange->Abandon(result.status());
  return result;
}

namespace {

absl::StatusOr<DviResult> RunDviRanks(const DviRequest& req, Diagnostics* diag) {
  const auto t_start = std::chrono::steady_clock::now();
  auto stage = [&](const std::string& s) {
    if (req.stage) req.stage(s);
  };
  if (req.top_k < 1) return absl::InvalidArgumentError("--top must be at least 1");
  if (!(req.probable_lr >= 1 && req.identified_lr >= req.probable_lr && std::isfinite(req.identified_lr)))
    return absl::InvalidArgumentError("expected 1 <= --probable-lr <= --identified-lr");
  if (req.victims.empty()) return absl::InvalidArgumentError("give --victims");
  if (req.pedigrees_path.empty() || req.profiles.empty())
    return absl::InvalidArgumentError("give --pedigrees with --profiles");
  if (req.model.untyped_founders != UntypedFounders::kExact)
    return absl::InvalidArgumentError("kinship dvi computes untyped founders exactly (--untyped-founders exact)");
  if (req.max_local_assignments < 1 || req.max_states < 1)
    return absl::InvalidArgumentError("--max-local-assignments and --max-states must be positive");
  // Every option is checked before any file is read.
  for (double x : {req.victim_observation.dropout, req.victim_observation.dropin})
    if (!(x >= 0 && x < 1))
      return absl::InvalidArgumentError(absl::StrCat("victim drop-out/drop-in ", x, " is outside [0, 1)"));

  KINSHIP_ASSIGN_OR_RETURN(LoadedModel model, LoadModel(req.model, diag, req.stage));
  AlleleFreqTable* table = &model.table;
  const MutationSpec& mutation = model.mutation;
  const double theta = req.model.theta;
  std::vector<std::pair<std::string, std::string>> inputs;  // (role, path)
  inputs.push_back({"freqs", req.model.freqs_path});
  if (!req.model.sample_sizes_path.empty()) inputs.push_back({"sample-sizes", req.model.sample_sizes_path});
  if (!req.model.rates_path.empty()) inputs.push_back({"mutation-rates", req.model.rates_path});
  for (const ProfileSource& s : req.victims)
    if (!s.path.empty()) inputs.push_back({"victims", s.path});
  inputs.push_back({"pedigrees", req.pedigrees_path});
  for (const ProfileSource& s : req.profiles)
    if (!s.path.empty()) inputs.push_back({"profiles", s.path});

  ProfileBinder binder(req.model.build_options(), table, diag);
  std::vector<std::string> victim_ids;
  std::set<std::string> victim_set, ref_set;
  KINSHIP_RETURN_IF_ERROR(BindSources(req.victims, &binder, diag, req.stage, &victim_ids, &victim_set,
                                      {req.victim_categories, "--victim-category"}));
  KINSHIP_RETURN_IF_ERROR(BindSources(req.profiles, &binder, diag, req.stage, nullptr, &ref_set,
                                      {req.reference_categories, "--reference-category"}));
  for (const std::string& id : victim_ids)
    if (ref_set.count(id))
      return absl::FailedPreconditionError(absl::StrCat(
          "sample '", id, "' is both a victim (--victims) and a reference (--profiles); expected distinct sample ids"));
  KINSHIP_ASSIGN_OR_RETURN(ProfileSet all, binder.Finish());
  KINSHIP_ASSIGN_OR_RETURN(TableReport table_report, FinishTable(req.model, table, diag));
  NoteRatesInUse(*table, mutation, diag);
  const int locus_ct = table->locus_ct();

  KINSHIP_ASSIGN_OR_RETURN(ObservationTable ref_obs,
                           LoadObservations(req.observation_path, *table, all, diag, req.stage, &inputs));
  ObservationTable victim_obs = ref_obs;
  victim_obs.set_default(req.victim_observation);

  stage(absl::StrCat("reading the pedigrees ", req.pedigrees_path));
  KINSHIP_ASSIGN_OR_RETURN(std::vector<Pedigree> peds, ReadPedigrees(req.pedigrees_path, /*require_missing=*/true, diag));
  {
    std::map<std::string, std::string> mp_family;
    std::set<std::string> fams;
    for (const Pedigree& ped : peds) {
      if (!fams.insert(ped.family()).second)
        return absl::InvalidArgumentError(absl::StrCat(req.pedigrees_path, ": family ", ped.family(), " twice"));
      for (int i : ped.MissingPersons()) {
        auto [it, fresh] = mp_family.emplace(ped.person(i).id, ped.family());
        if (!fresh)
          return absl::FailedPreconditionError(absl::StrCat(
              req.pedigrees_path, ": missing person '", ped.person(i).id, "' is in families ", it->second, " and ",
              ped.family(), "; expected missing-person ids unique across families (assignments name them)"));
      }
      for (const Person& p : ped.persons())
        if (!p.sample_id.empty() && victim_set.count(p.sample_id))
          return absl::FailedPreconditionError(absl::StrCat(req.pedigrees_path, ": family ", ped.family(),
                                                            " has victim '", p.sample_id, "' as a reference"));
    }
  }
  std::map<std::string, Sex> sex_file;
  if (!req.victim_sex_path.empty()) {
    stage(absl::StrCat("reading the victims' sexes ", req.victim_sex_path));
    KINSHIP_ASSIGN_OR_RETURN(sex_file, ReadVictimSex(req.victim_sex_path, diag));
    inputs.push_back({"victim-sex", req.victim_sex_path});
    for (const auto& [id, s] : sex_file)
      if (!victim_set.count(id))
        return absl::FailedPreconditionError(
            absl::StrCat(req.victim_sex_path, ": sample '", id, "' is not a victim; expected the victims' sexes"));
  }

  // Victims in byte order of their ids.
  Victims victims;
  victims.ids = victim_ids;
  std::sort(victims.ids.begin(), victims.ids.end());
  const int nv = static_cast<int>(victims.ids.size());
  KINSHIP_ASSIGN_OR_RETURN(auto models, BuildPedigreeModels(*table, mutation, theta, UntypedFounders::kExact));
  std::vector<std::string> unknown_sex;
  for (const std::string& id : victims.ids) {
    const int s = all.FindSample(id);
    auto it = sex_file.find(id);
    const Sex amel = all.amel_sex(s);
    Sex sex = it != sex_file.end() ? it->second : amel;
    if (it != sex_file.end() && amel != Sex::kUnknown && amel != it->second)
      diag->Warn(absl::StrCat("victim ", id, " is ", SexName(it->second), " in ", req.victim_sex_path,
                              " but its Amelogenin says ", SexName(amel), "; the file is used"));
    if (sex == Sex::kUnknown) unknown_sex.push_back(id);
    victims.sex.push_back(sex);
    std::vector<GenotypeIdx> g(locus_ct);
    std::vector<std::vector<double>> w(locus_ct);
    std::vector<double> single(locus_ct, 0);
    for (int l = 0; l < locus_ct; ++l) {
      g[l] = EngineObservation(table->locus(l), all.genotype(l, s), victim_obs.Get(id, l), &w[l]);
      if (g[l] != kUntyped) single[l] = VictimLog10(models[l].freqs(), theta, g[l], w[l]);
    }
    victims.g.push_back(std::move(g));
    victims.w.push_back(std::move(w));
    victims.log10_single.push_back(std::move(single));
  }
  if (!unknown_sex.empty())
    diag->Info(absl::StrCat(unknown_sex.size(), " victim(s) without a sex (", req.victim_sex_path.empty() ? "" : "not in --victim-sex and ",
                            "no Amelogenin) may go to a missing person of either sex: ",
                            absl::StrJoin(unknown_sex.begin(), unknown_sex.begin() + std::min<size_t>(unknown_sex.size(), 10), " "),
                            unknown_sex.size() > 10 ? " ..." : ""));

  // Families: references, checks, local assignments (in parallel over families).
  const int nf = static_cast<int>(peds.size());
  std::vector<std::vector<int>> fam_mps(nf);
  std::vector<Sex> mp_sex_all;
  std::vector<std::unique_ptr<FamilyEvaluator>> evals(nf);
  std::vector<PedigreeLocusModel> plain;
  if (mutation.enabled()) {
    KINSHIP_ASSIGN_OR_RETURN(plain, BuildPedigreeModels(*table, MutationSpec{}, 0.0));
  }
  for (int f = 0; f < nf; ++f) {
    const Pedigree& ped = peds[f];
    FamilyEvidence ev;
    KINSHIP_ASSIGN_OR_RETURN(auto refs, FamilyGenotypes(ped, all, *table, &ref_obs, &ev, req.pedigrees_path));
    CheckSexesAgainstAmel(ped, all, diag);
    for (int l = 0; l < locus_ct; ++l)
      KINSHIP_RETURN_IF_ERROR(CheckFamilyReferences(ped, refs[l], mutation.enabled() ? plain[l] : models[l], models[l],
                                                    mutation.enabled(), table->locus(l).name(), diag,
                                                    ev.empty() ? nullptr : &ev[l]));
    fam_mps[f] = ped.MissingPersons();
    for (int m : fam_mps[f]) mp_sex_all.push_back(ped.person(m).sex);
    evals[f] = std::make_unique<FamilyEvaluator>(ped, std::move(refs), std::move(ev), models, victims);
  }
  stage("computing the families' local assignments");
  DviProblem problem;
  problem.victim_ct = nv;
  problem.families.resize(nf);
  std::vector<std::vector<std::vector<double>>> single(nf);  // [family][mp][victim]
  std::vector<std::vector<std::vector<int>>> compat(nf);
  std::vector<std::int64_t> evaluated(nf, 0);
  std::vector<absl::Status> errors(nf);
  // Ranks: each computes its share of the families (ShareOut, kinship/exchange.h), then the
  // ranks exchange them.
  const int rank = req.exchange ? req.exchange->rank() : 0;
  const int ranks = req.exchange ? req.exchange->size() : 1;
  const std::vector<std::vector<size_t>> shares = ShareOut(nf, ranks, 0);
  std::vector<char> mine(nf, ranks == 1);
  for (size_t f : shares[rank]) mine[f] = 1;
  tbb::parallel_for(0, nf, [&](int f) {
    if (!mine[f]) return;
    const Pedigree& ped = peds[f];
    compat[f].resize(fam_mps[f].size());
    single[f].assign(fam_mps[f].size(), std::vector<double>(nv, NAN));
    for (size_t k = 0; k < fam_mps[f].size(); ++k)
      for (int v = 0; v < nv; ++v)
        if (Compatible(victims.sex[v], ped.person(fam_mps[f][k]).sex)) compat[f][k].push_back(v);
    absl::Status st = evals[f]->Init();
    if (st.ok())
      st = LocalAssignments(*evals[f], fam_mps[f], compat[f], req.max_local_assignments, ped.family(),
                            &problem.families[f], &single[f], &evaluated[f]);
    evals[f]->ReleaseCaches();
    errors[f] = st;
  });
  if (ranks > 1) {
    ByteWriter w;
    for (size_t f : shares[rank]) PutFamily(errors[f], evaluated[f], single[f], problem.families[f], &w);
    KINSHIP_ASSIGN_OR_RETURN(std::vector<std::string> parts, req.exchange->Share(std::move(w).Take(), false));
    req.exchange->Finish();
    if (rank != 0) return DviResult{};  // rank 0 solves and reports
    for (int r = 1; r < ranks; ++r) {
      ByteReader in(parts[r]);
      for (size_t f : shares[r]) GetFamily(&in, &errors[f], &evaluated[f], &single[f], &problem.families[f]);
      if (!in.done()) return absl::InternalError(absl::StrCat("the families of rank ", r, " do not read back"));
    }
  }
  for (const absl::Status& st : errors) KINSHIP_RETURN_IF_ERROR(st);

  stage("solving the joint problem");
  DviSolveOptions sopts;
  sopts.top_k = req.top_k;
  sopts.exact = req.exact;
  sopts.max_states = req.max_states;
  KINSHIP_ASSIGN_OR_RETURN(DviSolution sol, SolveDvi(problem, sopts));

  DviResult result;
  result.identified_lr = req.identified_lr;
  result.probable_lr = req.probable_lr;
  result.error_bound = sol.error_bound;
  result.log10_valid_assignments = Log10ValidAssignments(victims.sex, mp_sex_all);
  // Pairwise: every sex-consistent (victim, MP), victims in byte order, families in file order.
  for (int v = 0; v < nv; ++v)
    for (int f = 0; f < nf; ++f)
      for (size_t k = 0; k < fam_mps[f].size(); ++k) {
        const double x = single[f][k][v];
        if (std::isnan(x)) continue;
        result.pairwise.push_back({victims.ids[v], peds[f].family(), peds[f].person(fam_mps[f][k]).id, x});
      }
  // Assignments: by decreasing LR; LRs within 1e-9 of each other (chained) are a tie, ordered
  // by the assignment's text in byte order.
  {
    std::vector<std::pair<double, std::string>> rows;
    for (const DviJointAssignment& a : sol.top) {
      std::vector<std::string> at(nv, "*");
      for (int f = 0; f < nf; ++f) {
        if (a.option_of_family[f] < 0) continue;
        for (const auto& [k, v] : problem.families[f].options[a.option_of_family[f]].placed)
          at[v] = peds[f].person(fam_mps[f][k]).id;
      }
      std::vector<std::string> parts;
      for (int v = 0; v < nv; ++v) parts.push_back(absl::StrCat(victims.ids[v], "=", at[v]));
      rows.push_back({a.log10_lr, absl::StrJoin(parts, ";")});
    }
    std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    for (size_t i = 0; i < rows.size();) {
      size_t j = i + 1;
      while (j < rows.size() && rows[j - 1].first - rows[j].first < 1e-9) ++j;
      std::sort(rows.begin() + i, rows.begin() + j, [](const auto& a, const auto& b) { return a.second < b.second; });
      i = j;
    }
    if (static_cast<int>(rows.size()) > req.top_k) rows.resize(req.top_k);
    for (size_t i = 0; i < rows.size(); ++i)
      result.assignments.push_back({static_cast<int>(i) + 1, rows[i].second, rows[i].first,
                                    std::pow(10.0, rows[i].first - sol.log10_total)});
  }
  // Marginals and the summary. Each option's posterior added to its pairings once.
  std::vector<std::vector<double>> pair_post(nf);  // [family][k * nv + v]
  for (int f = 0; f < nf; ++f) {
    pair_post[f].assign(fam_mps[f].size() * nv, 0.0);
    const auto& opts = problem.families[f].options;
    for (size_t x = 0; x < opts.size(); ++x)
      for (const auto& [k, vv] : opts[x].placed) pair_post[f][static_cast<size_t>(k) * nv + vv] += sol.option_posterior[f][x];
  }
  for (int v = 0; v < nv; ++v) {
    DviSummaryRow best{victims.ids[v], "", "*", sol.unassigned_posterior[v], NAN, "not identified"};
    int best_f = -1, best_k = -1;
    for (int f = 0; f < nf; ++f)
      for (size_t k = 0; k < fam_mps[f].size(); ++k) {
        if (!Compatible(victims.sex[v], peds[f].person(fam_mps[f][k]).sex)) continue;
        const double post = pair_post[f][k * nv + v];
        result.marginals.push_back({victims.ids[v], peds[f].family(), peds[f].person(fam_mps[f][k]).id, post});
        if (post > best.posterior) {
          best.posterior = post;
          best.family = peds[f].family();
          best.missing_id = peds[f].person(fam_mps[f][k]).id;
          best_f = f;
          best_k = static_cast<int>(k);
        }
      }
    result.marginals.push_back({victims.ids[v], "", "*", sol.unassigned_posterior[v]});
    if (best_f >= 0) {
      // The best assignment with this pairing against the best without it.
      double with = -INFINITY, without = sol.none_best_log10[best_f];
      const auto& opts = problem.families[best_f].options;
      for (size_t x = 0; x < opts.size(); ++x) {
        bool has = false;
        for (const auto& [kk, vv] : opts[x].placed) has |= kk == best_k && vv == v;
        double& slot = has ? with : without;
        slot = std::max(slot, sol.option_best_log10[best_f][x]);
      }
      best.log10_lr = with - without;
      best.conclusion = best.log10_lr >= std::log10(req.identified_lr)  ? "identified"
                        : best.log10_lr >= std::log10(req.probable_lr) ? "probable"
                                                                        : "not identified";
    }
    result.summary.push_back(best);
  }

  Provenance& prov = result.provenance;
  prov.version = KINSHIP_VERSION_STRING;
  prov.command = req.command;
  prov.parameters = ModelParameters(req.model, mutation);
  prov.parameters.insert(prov.parameters.end(), {
      {"freeze_freqs", req.model.freeze_freqs ? "yes" : "no"},
      {"allow_unnormalised", req.model.allow_unnormalised ? "yes" : "no"},
      {"top", absl::StrCat(req.top_k)},
      {"exact", req.exact ? "yes" : "no"},
      {"identified_lr", FormatDouble(req.identified_lr)},
      {"probable_lr", FormatDouble(req.probable_lr)},
      {"log10_valid_assignments", FormatDouble(result.log10_valid_assignments)},
      {"log10_total_lr", FormatDouble(sol.log10_total)},
      {"posterior_error_bound", FormatDouble(sol.error_bound)},
  });
  // CMF categories chosen (absent when none, as before).
  if (!req.victim_categories.empty())
    prov.parameters.push_back({"victim_categories", absl::StrJoin(req.victim_categories, ";")});
  if (!req.reference_categories.empty())
    prov.parameters.push_back({"reference_categories", absl::StrJoin(req.reference_categories, ";")});
  if (req.victim_observation.dropout > 0 || req.victim_observation.dropin > 0) {
    prov.parameters.push_back({"victim_dropout", FormatDouble(req.victim_observation.dropout)});
    prov.parameters.push_back({"victim_dropin", FormatDouble(req.victim_observation.dropin)});
  }
  if (mutation.enabled())
    for (const auto& [locus, r] : RatesInUse(*table, mutation)) prov.parameters.push_back({"mutation_rate." + locus, r});
  KINSHIP_RETURN_IF_ERROR(AddInputDigests(inputs, *diag, &prov));
  prov.table = std::move(table_report);
  std::int64_t options = 0, evaluated_all = 0;
  for (const DviFamilyOptions& f : problem.families) options += static_cast<std::int64_t>(f.options.size());
  for (std::int64_t e : evaluated) evaluated_all += e;
  result.counts = {{"victims", nv},
                   {"families", nf},
                   {"missing_persons", static_cast<std::int64_t>(mp_sex_all.size())},
                   {"references", static_cast<std::int64_t>(ref_set.size())},
                   {"local_assignments_evaluated", evaluated_all},
                   {"local_assignments_possible", options},
                   {"local_assignments_dropped", sol.options_dropped},
                   {"components", sol.components},
                   {"largest_component_victims", sol.largest_component_victims},
                   {"states", sol.states}};
  result.notes = diag->notes();
  for (const DviPairwiseRow& r : result.pairwise)
    KINSHIP_RETURN_IF_ERROR(CheckFinishedNumber(r.log10_lr, "a pairwise log10 LR"));
  for (const DviAssignmentRow& r : result.assignments) {
    KINSHIP_RETURN_IF_ERROR(CheckFinishedNumber(r.log10_lr, "an assignment's log10 LR"));
    KINSHIP_RETURN_IF_ERROR(CheckFinishedNumber(r.posterior, "an assignment's posterior"));
  }
  for (const DviMarginalRow& r : result.marginals) KINSHIP_RETURN_IF_ERROR(CheckFinishedNumber(r.posterior, "a marginal"));
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
  return result;
}

}  // namespace

namespace {
void Header(const DviResult& r, std::FILE* f) {
  WriteProvenanceLines(r.provenance, r.counts, r.notes, r.seconds, f);
}
}  // namespace

void WriteDviPairwise(const DviResult& r, std::FILE* f) {
  Header(r, f);
  std::fputs("victim\tfamily\tmissing_id\tlog10_lr\n", f);
  for (const DviPairwiseRow& x : r.pairwise)
    std::fprintf(f, "%s\t%s\t%s\t%s\n", x.victim.c_str(), x.family.c_str(), x.missing_id.c_str(),
                 FormatDouble(x.log10_lr).c_str());
}

void WriteDviAssignments(const DviResult& r, std::FILE* f) {
  Header(r, f);
  std::fputs("rank\tassignment\tlog10_lr\tposterior\n", f);
  for (const DviAssignmentRow& x : r.assignments)
    std::fprintf(f, "%d\t%s\t%s\t%s\n", x.rank, x.assignment.c_str(), FormatDouble(x.log10_lr).c_str(),
                 FormatDouble(x.posterior).c_str());
}

void WriteDviMarginals(const DviResult& r, std::FILE* f) {
  Header(r, f);
  std::fputs("victim\tmissing_id\tposterior\n", f);
  for (const DviMarginalRow& x : r.marginals)
    std::fprintf(f, "%s\t%s\t%s\n", x.victim.c_str(), x.missing_id.c_str(), FormatDouble(x.posterior).c_str());
}

void WriteDviSummary(const DviResult& r, std::FILE* f) {
  Header(r, f);
  std::fprintf(f, "##threshold.identified_lr=%s\n##threshold.probable_lr=%s\n", FormatDouble(r.identified_lr).c_str(),
               FormatDouble(r.probable_lr).c_str());
  std::fputs("victim\tfamily\tmissing_id\tposterior\tlog10_lr\tconclusion\n", f);
  for (const DviSummaryRow& x : r.summary)
    std::fprintf(f, "%s\t%s\t%s\t%s\t%s\t%s\n", x.victim.c_str(), x.family.c_str(), x.missing_id.c_str(),
                 FormatDouble(x.posterior).c_str(), std::isnan(x.log10_lr) ? "" : FormatDouble(x.log10_lr).c_str(),
                 x.conclusion.c_str());
}


}  // namespace kinship
