// The screen: score tables, victim columns, the two-tier scan (see kinship/screen.h).
#include "kinship/screen.h"

#include <algorithm>
#include <cassert>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <map>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include "absl/strings/str_cat.h"
#include "screen/kernels.h"
#include "stats/population.h"

namespace kinship {

// The observation columns of a locus (see ScoreTables): every distinct uncertain observation
// of the victims, the most common first (ties: first seen), each with P(O | g) where positive.
// A failed allele ignores drop-out and drop-in, so its parameters are not part of its key.
void ScoreTablesBuilder::AddObservationColumns(const Locus& locus, int l, const ProfileSet& victims,
                                               const ObservationTable* obs, ScoreTables::LocusRows* rows) {
  std::vector<ScoreTables::ObservationColumnData>* columns = &rows->obs;
  std::map<std::pair<GenotypeIdx, ObservationParams>, std::pair<int, int>> seen;  // -> (count, first)
  for (int v = 0; v < victims.sample_ct(); ++v) {
    const GenotypeIdx o = victims.genotype(l, v);
    if (o == kUntyped) continue;
    ObservationParams p = obs ? obs->Get(victims.sample_id(v), l) : ObservationParams{};
    if (!ObservationUncertain(locus, o, p)) continue;
    if (IsWildcard(o)) p = {};
    auto [it, fresh] = seen.emplace(std::make_pair(o, p), std::make_pair(0, v));
    ++it->second.first;
  }
  std::vector<std::pair<std::pair<int, int>, std::pair<GenotypeIdx, ObservationParams>>> order;
  for (const auto& [key, cf] : seen) order.push_back({{-cf.first, cf.second}, key});
  std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [rank, key] : order) {
    ScoreTables::ObservationColumnData c;
    c.observed = key.first;
    c.params = key.second;
    const std::vector<double> w = ObservationLikelihoods(locus, key.first, key.second);
    for (size_t g = 0; g < w.size(); ++g)
      if (w[g] > 0) c.weights.push_back({static_cast<GenotypeIdx>(g), w[g]});
    rows->obs_index.emplace(key, rows->genotype_ct + static_cast<int>(columns->size()));
    columns->push_back(std::move(c));
  }
}

ScoreTablesBuilder::ScoreTablesBuilder(const AlleleFreqTable& table, const ProfileSet* victims,
                                       const ObservationTable* obs) {
  tables_.loci_.resize(table.locus_ct());
  for (int l = 0; l < table.locus_ct(); ++l) {
    const Locus& locus = table.locus(l);
    ScoreTables::LocusRows& rows = tables_.loci_[l];
    rows.genotype_ct = locus.genotype_ct();
    if (victims) AddObservationColumns(locus, l, *victims, obs, &rows);
    rows.column_ct = rows.genotype_ct + static_cast<int>(rows.obs.size());
    rows.code_of.assign(rows.column_ct, kOtherCode);
    if (rows.genotype_ct <= kMaxNarrowGenotypes) {
      for (int g = 0; g < rows.genotype_ct; ++g) rows.code_of[g] = static_cast<std::uint8_t>(g);
      // Observation columns take the free codes, the most common first; the rest share
      // kOtherCode (whose entry is the largest of its columns: still a bound).
      for (int c = rows.genotype_ct; c < rows.column_ct && c < kOtherCode; ++c)
        rows.code_of[c] = static_cast<std::uint8_t>(c);
      continue;
    }
    // Wide locus: the 254 most frequent genotypes (ties to the lower index) get codes.
    std::vector<std::pair<double, int>> by_freq;
    for (int g = 0; g < rows.genotype_ct; ++g) {
      AllelePair ab = GenotypeAlleles(static_cast<GenotypeIdx>(g));
      const double f = internal::HardyWeinberg(locus.freqs(), ab);
      by_freq.push_back({-f, g});
    }
    std::sort(by_freq.begin(), by_freq.end());
    for (int k = 0; k < kOtherCode; ++k) rows.code_of[by_freq[k].second] = static_cast<std::uint8_t>(k);
  }
}

int ScoreTablesBuilder::AddRow(int locus, const std::vector<double>& log10_lr,
                               const std::vector<std::uint8_t>& inconsistent, double untyped_log10_lr,
                               bool candidate_untyped, const std::vector<double>* victim_weights,
                               const std::vector<double>* linear_lr) {
  assert(locus >= 0 && locus < locus_ct());
  ScoreTables::LocusRows& l = tables_.loci_[locus];
  assert(static_cast<int>(log10_lr.size()) == l.genotype_ct);
  if (!l.obs.empty() && !victim_weights && nan_status_.ok())
    nan_status_ = absl::InternalError(absl::StrCat("score table row ", l.row_ct, " at locus ", locus,
                                                   " has no victim weights for its observation columns (a bug)"));
  if (nan_status_.ok()) {
    for (int g = 0; g <= l.genotype_ct; ++g) {
      const bool untyped = g == l.genotype_ct;
      if (!std::isnan(untyped ? untyped_log10_lr : log10_lr[g])) continue;
      nan_status_ = absl::InternalError(absl::StrCat(
          "score table row ", l.row_ct, " at locus ", locus, " has a NaN log10 LR for ",
          untyped ? std::string("an untyped victim") : absl::StrCat("victim genotype ", g),
          " (a bug: no likelihood ratio is NaN)"));
      break;
    }
  }
  l.exact.insert(l.exact.end(), log10_lr.begin(), log10_lr.end());
  l.inconsistent.insert(l.inconsistent.end(), inconsistent.begin(), inconsistent.end());
  // Observation columns: LR(O) = Σ_g P(O | g) v(g) LR(g) / Σ_g P(O | g) v(g) (terms of zero
  // weight skipped, so that an infinite LR of a genotype the observation excludes cannot
  // make a NaN).
  for (const ScoreTables::ObservationColumnData& c : l.obs) {
    double num = 0, den = 0;
    bool all_inconsistent = true;
    if (victim_weights) {
      for (const auto& [g, w] : c.weights) {
        const double q = w * (*victim_weights)[g];
        if (q == 0) continue;
        den += q;
        num += q * (linear_lr ? (*linear_lr)[g] : std::pow(10.0, log10_lr[g]));
        all_inconsistent &= inconsistent[g] != 0;
      }
    }
    const double x = std::log10(num / den);
    if (std::isnan(x) && nan_status_.ok())
      nan_status_ = absl::InternalError(absl::StrCat("score table row ", l.row_ct, " at locus ", locus,
                                                     " has a NaN log10 LR for an observation column (a bug)"));
    l.exact.push_back(x);
    l.inconsistent.push_back(den > 0 && all_inconsistent);
  }
  l.untyped.push_back(untyped_log10_lr);
  l.candidate_untyped.push_back(candidate_untyped);
  return l.row_ct++;
}

int ScoreTablesBuilder::AddCandidate(const std::vector<int>& row_idx_per_locus) {
  assert(static_cast<int>(row_idx_per_locus.size()) == locus_ct());
  tables_.candidate_rows_.insert(tables_.candidate_rows_.end(), row_idx_per_locus.begin(), row_idx_per_locus.end());
  tables_.candidate_offset_.push_back(0);  // set by Build
  return candidate_ct() - 1;
}

// Quantization (the prefilter's bound): with hi the largest finite entry of the locus (0
// and the untyped victims' entries included) and off = hi - 126.5/s, every finite entry x has
// (x - off) s <= 126.5, so q = ceil((x - off) s) <= 127 needs no clamping from above, and
// q >= (x - off) s, i.e. q/s + off >= x. Entries with (x - off) s < -128 (and -inf) become
// -128, which is larger, so the bound holds for them too. Summed over the candidate's typed
// loci: Q/s + Σ off >= exact score (up to floating-point rounding of about 1e-12, which the
// pass test absorbs with a margin of 1e-6/s). An entry of +inf (an LR of +inf) has no finite
// bound: it becomes +127 (the largest entry), and its candidate bypasses the prefilter
// (candidate_has_inf), so its pairs are always rescored. NaN entries were refused by AddRow.
absl::StatusOr<ScoreTables> ScoreTablesBuilder::Build(double scale) && {
  if (!nan_status_.ok()) return nan_status_;
  ScoreTables& t = tables_;
  t.scale_ = scale;
  std::vector<std::vector<std::uint8_t>> row_inf(t.loci_.size());
  for (size_t li = 0; li < t.loci_.size(); ++li) {
    ScoreTables::LocusRows& l = t.loci_[li];
    double hi = 0;
    for (double x : l.exact)
      if (std::isfinite(x)) hi = std::max(hi, x);
    for (double x : l.untyped)
      if (std::isfinite(x)) hi = std::max(hi, x);
    l.offset = hi - 126.5 / scale;
    l.q.assign(static_cast<size_t>(l.row_ct) * 256 + 63, -128);
    l.q_begin = (64 - reinterpret_cast<std::uintptr_t>(l.q.data()) % 64) % 64;
    row_inf[li].assign(l.row_ct, 0);
    auto quantize = [&](double x) -> std::int8_t {
      if (x == std::numeric_limits<double>::infinity()) return 127;  // see above
      if (!std::isfinite(x)) return -128;  // -inf: an exclusion
      const double v = std::ceil((x - l.offset) * scale);
      return static_cast<std::int8_t>(std::clamp(v, -128.0, 127.0));
    };
    for (int r = 0; r < l.row_ct; ++r) {
      std::int8_t* q = l.q.data() + l.q_begin + static_cast<size_t>(r) * 256;
      for (int g = 0; g < l.column_ct; ++g) {
        // A code shared by several columns (kOtherCode) takes their largest entry.
        const double x = l.exact[static_cast<size_t>(r) * l.column_ct + g];
        row_inf[li][r] |= x == std::numeric_limits<double>::infinity();
        const std::int8_t v = quantize(x);
        const std::uint8_t c = l.code_of[g];
        q[c] = c == kOtherCode ? std::max(q[c], v) : v;
      }
      // Untyped victim: the candidate's one-sided value (0 = LR 1 without one-sided loci).
      q[kUntypedCode] = quantize(l.untyped[r]);
      row_inf[li][r] |= l.untyped[r] == std::numeric_limits<double>::infinity();
    }
  }
  t.candidate_inf_.assign(t.candidate_ct(), 0);
  for (int c = 0; c < t.candidate_ct(); ++c) {
    t.candidate_offset_[c] = 0;
    for (int l = 0; l < t.locus_ct(); ++l) {
      const int row_idx = t.row_idx(c, l);
      if (row_idx < 0) continue;
      t.candidate_offset_[c] += t.loci_[l].offset;
      t.candidate_inf_[c] |= row_inf[l][row_idx];
    }
  }
  return std::move(tables_);
}

void AddPairwiseCandidates(const PairwiseCalculator& calc, const ProfileSet& references, ScoreTablesBuilder* builder,
                           const ObservationTable* obs) {
  AddPairwiseCandidates(std::vector<const PairwiseCalculator*>(references.sample_ct(), &calc), references, builder,
                        obs);
}

void AddPairwiseCandidates(const std::vector<const PairwiseCalculator*>& calc_of, const ProfileSet& references,
                           ScoreTablesBuilder* builder, const ObservationTable* obs) {
  const int locus_ct = builder->locus_ct();
  // Rows are shared by the references of one calculator with the same genotype at a locus
  // (with the same uncertain observation and parameters).
  struct Rows {
    std::vector<std::map<GenotypeIdx, int>> row_of;
    std::vector<std::map<std::pair<GenotypeIdx, ObservationParams>, int>> evidence_row_of;
    // One-sided loci (calc.one_sided()): the row of a reference untyped at the locus, built
    // once (-2: not yet; -1: every entry is LR 1, so no row, as without one-sided loci).
    std::vector<int> untyped_row;
  };
  std::map<const PairwiseCalculator*, Rows> rows_of;
  std::vector<double> values, linear, weights, evidence;
  std::vector<std::uint8_t> flags;
  for (int s = 0; s < references.sample_ct(); ++s) {
    const PairwiseCalculator& calc = *calc_of[s];
    Rows& cache = rows_of[&calc];
    if (cache.row_of.empty()) {
      cache.row_of.resize(locus_ct);
      cache.evidence_row_of.resize(locus_ct);
      cache.untyped_row.assign(locus_ct, -2);
    }
    std::vector<int> rows(locus_ct, -1);
    for (int l = 0; l < locus_ct; ++l) {
      const bool with_obs = builder->has_observations(l);
      const GenotypeIdx r = references.genotype(l, s);
      if (r == kUntyped) {
        if (!calc.one_sided()) continue;
        int& untyped_row = cache.untyped_row[l];
        if (untyped_row == -2) {
          calc.OneSidedRow(l, /*person=*/1, &values);  // the victim (id2) typed alone
          linear = values;
          bool all_one = true;
          for (double& v : values) {
            all_one &= v == 1.0;
            v = std::log10(v);
          }
          flags.assign(values.size(), 0);  // one person alone is never inconsistent
          if (with_obs) calc.VictimWeights(l, kUntyped, &weights);
          untyped_row = all_one ? -1
                                : builder->AddRow(l, values, flags, 0.0, /*candidate_untyped=*/true,
                                                  with_obs ? &weights : nullptr, &linear);
        }
        rows[l] = untyped_row;
        continue;
      }
      ObservationParams params = obs ? obs->Get(references.sample_id(s), l) : ObservationParams{};
      if (EngineObservation(calc.locus(l), r, params, &evidence) == kEvidence) {
        // An uncertain reference: the row of its evidence.
        if (IsWildcard(r)) params = {};
        auto it = cache.evidence_row_of[l].find({r, params});
        if (it == cache.evidence_row_of[l].end()) {
          calc.EvidenceRow(l, evidence, &linear, &flags, &weights);
          values = linear;
          for (double& v : values) v = std::log10(v);
          const double untyped = calc.one_sided() ? std::log10(calc.EvidenceOneSidedLr(l, /*person=*/0, evidence)) : 0.0;
          it = cache.evidence_row_of[l]
                   .emplace(std::make_pair(r, params), builder->AddRow(l, values, flags, untyped, false,
                                                                       with_obs ? &weights : nullptr, &linear))
                   .first;
        }
        rows[l] = it->second;
        continue;
      }
      auto it = cache.row_of[l].find(r);
      if (it == cache.row_of[l].end()) {
        calc.LocusRow(l, r, &values, &flags);
        linear = values;
        for (double& v : values) v = std::log10(v);
        // An untyped victim: the reference's one-sided LR (1 without one-sided loci).
        const double untyped = calc.one_sided() ? std::log10(calc.OneSidedLr(l, /*person=*/0, r)) : 0.0;
        if (with_obs) calc.VictimWeights(l, r, &weights);
        it = cache.row_of[l]
                 .emplace(r, builder->AddRow(l, values, flags, untyped, false, with_obs ? &weights : nullptr, &linear))
                 .first;
      }
      rows[l] = it->second;
    }
    builder->AddCandidate(rows);
  }
}

absl::StatusOr<FamilyRows> ComputeFamilyRows(const Pedigree& ped,
                                             const std::vector<std::vector<GenotypeIdx>>& genotypes, int missing,
                                             const std::vector<PedigreeLocusModel>& models,
                                             const std::vector<PedigreeLocusModel>* inconsistent_models,
                                             const FamilyEvidence* evidence) {
  const int locus_ct = static_cast<int>(models.size());
  FamilyRows out;
  // Members with a genotype at some locus (the Familias mode reduces the pedigree by it).
  EngineLimits limits;
  limits.typed_anywhere.assign(ped.size(), 0);
  for (int l = 0; l < locus_ct; ++l)
    for (int i = 0; i < ped.size(); ++i) limits.typed_anywhere[i] |= genotypes[l][i] != kUntyped;
  for (int l = 0; l < locus_ct; ++l) {
    bool any = false;
    for (GenotypeIdx g : genotypes[l]) any |= g != kUntyped;
    // No reference typed here: LR(g) = P(MP = g) / P(V = g), 1 unless the model makes
    // one-sided loci informative (then a candidate-untyped row: not compared).
    if (!any && !OneSidedLociInformative(models[l])) continue;
    limits.evidence = evidence && !evidence->empty() ? &(*evidence)[l] : nullptr;
    FamilyRows::Row row;
    auto table = FamilyTable(ped, genotypes[l], missing, models[l], limits, &row.victim_weights);
    if (!table.ok()) return table.status();
    const int genotype_ct = static_cast<int>(table->size());
    row.locus = l;
    row.log10_lr.resize(genotype_ct);
    row.inconsistent.assign(genotype_ct, 0);
    for (int g = 0; g < genotype_ct; ++g) {
      row.log10_lr[g] = std::log10((*table)[g]);
      if (std::isnan(row.log10_lr[g]))
        return absl::InternalError(absl::StrCat("family ", ped.family(), ", missing person ",
                                                ped.person(missing).id, ": NaN LR at locus ", l, ", genotype ", g));
    }
    if (!any) {
      // One person alone is never inconsistent; an untyped victim has LR 1 (0).
      row.candidate_untyped = true;
      row.lr = std::move(*table);
      out.rows.push_back(std::move(row));
      continue;
    }
    if (inconsistent_models) {
      // Inconsistent without mutation: P(references, MP = g) = 0 under the plain model.
      const PedigreeLocusModel& plain = (*inconsistent_models)[l];
      if (plain.theta() == 0) {
        // Scaled: a joint below the smallest double is not an impossibility.
        auto joint = JointWithTargetScaled(ped, genotypes[l], missing, plain, limits);
        if (!joint.ok()) return joint.status();
        for (int g = 0; g < genotype_ct; ++g) row.inconsistent[g] = joint->mantissa[g] == 0;
      } else {
        std::vector<GenotypeIdx> h1 = genotypes[l];
        for (int g = 0; g < genotype_ct; ++g) {
          h1[missing] = static_cast<GenotypeIdx>(g);
          auto lik = PedigreeLog10Likelihood(ped, h1, plain, limits);
          if (!lik.ok()) return lik.status();
          row.inconsistent[g] = *lik == -INFINITY;
        }
      }
    } else {
      for (int g = 0; g < genotype_ct; ++g) row.inconsistent[g] = (*table)[g] == 0;
    }
    row.lr = std::move(*table);
    out.rows.push_back(std::move(row));
  }
  return out;
}

int AddFamilyRows(const FamilyRows& family, ScoreTablesBuilder* builder) {
  std::vector<int> row_idx(builder->locus_ct(), -1);
  for (const FamilyRows::Row& row : family.rows)
    row_idx[row.locus] = builder->AddRow(row.locus, row.log10_lr, row.inconsistent, 0.0, row.candidate_untyped,
                                         &row.victim_weights, &row.lr);
  return builder->AddCandidate(row_idx);
}

absl::StatusOr<int> AddFamilyCandidate(const Pedigree& ped, const std::vector<std::vector<GenotypeIdx>>& genotypes,
                                       int missing, const std::vector<PedigreeLocusModel>& models,
                                       const std::vector<PedigreeLocusModel>* inconsistent_models,
                                       ScoreTablesBuilder* builder, const FamilyEvidence* evidence) {
  auto rows = ComputeFamilyRows(ped, genotypes, missing, models, inconsistent_models, evidence);
  if (!rows.ok()) return rows.status();
  return AddFamilyRows(*rows, builder);
}

VictimColumns::VictimColumns(const ScoreTables& tables, const ProfileSet& victims, const ObservationTable* obs) {
  victim_ct_ = victims.sample_ct();
  padded_ct_ = (victim_ct_ + 63) / 64 * 64;
  const int locus_ct = tables.locus_ct();
  codes_.resize(locus_ct);
  genotypes_.resize(locus_ct);
  for (int l = 0; l < locus_ct; ++l) {
    codes_[l].assign(padded_ct_, kUntypedCode);
    genotypes_[l].assign(padded_ct_, kUntyped);
    for (int v = 0; v < victim_ct_; ++v) {
      GenotypeIdx g = victims.genotype(l, v);
      if (g != kUntyped && tables.column_ct(l) > tables.genotype_ct(l)) {
        ObservationParams p = obs ? obs->Get(victims.sample_id(v), l) : ObservationParams{};
        if (IsWildcard(g)) p = {};
        if (const int c = tables.ObservationColumn(l, g, p); c >= 0) g = static_cast<GenotypeIdx>(c);
      }
      // REQUIRES: the tables were built with these victims, so that every uncertain
      // observation has its column; a failed allele without one cannot be scored (untyped).
      assert(!IsWildcard(g));
      if (IsWildcard(g)) g = kUntyped;
      genotypes_[l][v] = g;
      codes_[l][v] = tables.code(l, g);
    }
  }
}

namespace internal {

void PrefilterScalar(const std::int8_t* const* rows, const std::uint8_t* const* codes, int locus_ct, int victim_ct,
                     std::int16_t offset, const std::int16_t* threshold, std::uint64_t* masks,
                     std::int16_t* sums) {
  std::int16_t acc[64];
  for (int base = 0; base < victim_ct; base += 64) {
    for (int v = 0; v < 64; ++v) acc[v] = 0;
    for (int i = 0; i < locus_ct; ++i) {
      const std::int8_t* row = rows[i];
      const std::uint8_t* code = codes[i] + base;
      for (int v = 0; v < 64; ++v) acc[v] = static_cast<std::int16_t>(acc[v] + row[code[v]]);
    }
    std::uint64_t m = 0;
    for (int v = 0; v < 64; ++v) {
      m |= static_cast<std::uint64_t>(static_cast<std::int16_t>(acc[v] + offset) >= threshold[base + v]) << v;
      if (sums) sums[base + v] = acc[v];
    }
    masks[base / 64] = m;
  }
}

bool CpuHasAvx512Vbmi() {
#if defined(__x86_64__) && defined(KINSHIP_HAVE_AVX512_KERNEL)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512vbmi");
#else
  return false;
#endif
}

}  // namespace internal

ScreenKernel BestKernel() {
  // KINSHIP_KERNEL=scalar forces the portable path (tests run it so on any machine).
  const char* env = std::getenv("KINSHIP_KERNEL");
  if (env && std::strcmp(env, "scalar") == 0) return ScreenKernel::kScalar;
  return internal::CpuHasAvx512Vbmi() ? ScreenKernel::kAvx512 : ScreenKernel::kScalar;
}

const char* KernelName(ScreenKernel k) {
  switch (k) {
    case ScreenKernel::kAuto: return "auto";
    case ScreenKernel::kScalar: return "scalar";
    case ScreenKernel::kAvx512: return "avx512-vbmi";
  }
  return "?";
}

ScreenHit ExactPair(const ScoreTables& tables, const VictimColumns& victims, int candidate, int victim) {
  ScreenHit h{candidate, 0.0, 0, 0};
  for (int l = 0; l < tables.locus_ct(); ++l) {
    const int row_idx = tables.row_idx(candidate, l);
    if (row_idx < 0) continue;
    const GenotypeIdx g = victims.genotype(l, victim);
    if (g == kUntyped) {
      h.log10_lr += tables.untyped_exact(l, row_idx);  // the candidate's one-sided value (0: LR 1)
      continue;
    }
    h.log10_lr += tables.exact(l, row_idx, g);
    if (tables.candidate_untyped(l, row_idx)) continue;  // one-sided: summed, not compared
    ++h.loci_compared;
    h.loci_inconsistent += tables.inconsistent(l, row_idx, g);
  }
  return h;
}

int PrefilterSum(const ScoreTables& tables, const VictimColumns& victims, int candidate, int victim) {
  int sum = 0;
  for (int l = 0; l < tables.locus_ct(); ++l) {
    const int row_idx = tables.row_idx(candidate, l);
    if (row_idx >= 0) sum += tables.prefilter_row(l, row_idx)[victims.codes(l)[victim]];
  }
  return sum;
}

namespace {

// Hits ordered best first: log10 LR descending, then candidate ascending.
bool Better(const ScreenHit& a, const ScreenHit& b) {
  if (a.log10_lr != b.log10_lr) return a.log10_lr > b.log10_lr;
  return a.candidate < b.candidate;
}

// The int16 kernels are used for a candidate only when |sum + offset| <= kHeadroom for every
// victim (checked per candidate: 128 per locus for the sum plus |offset|); thresholds are
// clamped to [-kHeadroom, kHeadroom]. Clamping from above makes the test easier (more
// passes); clamping from below changes nothing since every sum + offset >= -kHeadroom.
constexpr int kHeadroom = 16000;

// floor(t s - 1e-6) as a double (int64 range), for the int32 path and for clamping.
double FloorThresholdWide(double t, double scale) {
  if (std::isnan(t)) return 1e18;
  if (std::isinf(t)) return t < 0 ? -1e18 : 1e18;
  return std::floor(t * scale - 1e-6);
}

std::int16_t FloorThreshold(double t, double scale) {
  return static_cast<std::int16_t>(std::clamp(FloorThresholdWide(t, scale), double{-kHeadroom}, double{kHeadroom}));
}

}  // namespace

ScreenResult Screen(const ScoreTables& tables, const VictimColumns& victims, const ScreenOptions& options) {
  ScreenResult result;
  result.kernel = options.kernel == ScreenKernel::kAuto ? BestKernel() : options.kernel;
  if (result.kernel == ScreenKernel::kAvx512 && !internal::CpuHasAvx512Vbmi()) result.kernel = ScreenKernel::kScalar;
  auto kernel = result.kernel == ScreenKernel::kAvx512 ? internal::PrefilterAvx512 : internal::PrefilterScalar;
  const int victim_ct = victims.victim_ct(), candidate_ct = tables.candidate_ct(), locus_ct = tables.locus_ct();
  assert(locus_ct <= kMaxScreenLoci);
  result.hits.assign(victim_ct, {});
  const int block_victim_ct = std::max(64, options.victim_block / 64 * 64);
  const int block_ct = (victims.padded_ct() + block_victim_ct - 1) / block_victim_ct;
  const double scale = tables.scale();
  const size_t top_k = static_cast<size_t>(std::max(1, options.top_k));
  std::vector<std::int64_t> rescored_per_block(block_ct, 0);

  tbb::parallel_for(tbb::blocked_range<int>(0, block_ct, 1), [&](const tbb::blocked_range<int>& range) {
    std::vector<const std::int8_t*> prefilter_rows(locus_ct);
    std::vector<const std::uint8_t*> codes(locus_ct);
    std::vector<std::int16_t> threshold(block_victim_ct);  // floor(T_v s), T_v the victim's threshold
    std::vector<std::uint64_t> masks(block_victim_ct / 64);
    std::vector<double> floor_lr(block_victim_ct);
    for (int block_idx = range.begin(); block_idx < range.end(); ++block_idx) {
      if (options.cancel && options.cancel->load(std::memory_order_relaxed)) continue;
      const int first_victim = block_idx * block_victim_ct;
      // Victims of this block, padding included (a multiple of 64), and real ones.
      const int padded_ct = std::min(block_victim_ct, victims.padded_ct() - first_victim);
      const int real_ct = std::max(0, std::min(padded_ct, victim_ct - first_victim));
      for (int i = 0; i < padded_ct; ++i) {
        floor_lr[i] = options.min_log10_lr;
        // Padding victims never pass.
        threshold[i] = i < real_ct ? FloorThreshold(options.min_log10_lr, scale) : INT16_MAX;
      }
      std::int64_t block_rescored_ct = 0;
      for (int c = 0; c < candidate_ct; ++c) {
        int typed_locus_ct = 0;
        for (int l = 0; l < locus_ct; ++l) {
          const int row_idx = tables.row_idx(c, l);
          if (row_idx < 0) continue;
          prefilter_rows[typed_locus_ct] = tables.prefilter_row(l, row_idx);
          codes[typed_locus_ct] = victims.codes(l) + first_victim;
          ++typed_locus_ct;
        }
        // Pass test: Q + ceil(off_c s + 1e-6) >= floor(T_v s - 1e-6) (see Build). The
        // candidate's offset in prefilter steps, as a double (it may be past int16).
        const double offset_steps = std::ceil(tables.candidate_offset(c) * scale + 1e-6);
        if (tables.candidate_has_inf(c)) {
          // A +inf entry has no int8 bound: every real victim is rescored.
          for (int w = 0; w < padded_ct / 64; ++w) masks[w] = 0;
          for (int i = 0; i < real_ct; ++i) masks[i / 64] |= std::uint64_t{1} << (i % 64);
        } else if (std::fabs(offset_steps) + 128.0 * typed_locus_ct <= kHeadroom) {
          kernel(prefilter_rows.data(), codes.data(), typed_locus_ct, padded_ct, static_cast<std::int16_t>(offset_steps),
                 threshold.data(), masks.data(), nullptr);
        } else {
          // Extreme per-locus LRs (offsets beyond the int16 headroom): the same test in
          // int64/double, scalar.
          for (int w = 0; w < padded_ct / 64; ++w) masks[w] = 0;
          for (int i = 0; i < real_ct; ++i) {
            std::int64_t q = 0;
            for (int j = 0; j < typed_locus_ct; ++j) q += prefilter_rows[j][codes[j][i]];
            if (static_cast<double>(q) + offset_steps >= FloorThresholdWide(floor_lr[i], scale))
              masks[i / 64] |= std::uint64_t{1} << (i % 64);
          }
        }
        for (int w = 0; w < padded_ct / 64; ++w) {
          for (std::uint64_t m = masks[w]; m; m &= m - 1) {
            const int i = w * 64 + __builtin_ctzll(m);
            ++block_rescored_ct;
            const int v = first_victim + i;
            ScreenHit h = ExactPair(tables, victims, c, v);
            if (h.loci_compared == 0) continue;           // nothing compared: no evidence either way
            if (!(h.log10_lr >= floor_lr[i])) continue;  // below the report threshold (or k-th)
            std::vector<ScreenHit>& hv = result.hits[v];
            if (hv.size() == top_k) {
              // Full: h must beat the worst (ties go to the lower candidate, already in).
              if (!Better(h, hv.front())) continue;
              std::pop_heap(hv.begin(), hv.end(), Better);
              hv.pop_back();
            }
            hv.push_back(h);
            std::push_heap(hv.begin(), hv.end(), Better);  // front = worst kept
            if (hv.size() == top_k) {
              floor_lr[i] = std::max(options.min_log10_lr, hv.front().log10_lr);
              threshold[i] = FloorThreshold(floor_lr[i], scale);
            }
          }
        }
      }
      rescored_per_block[block_idx] = block_rescored_ct;
      if (options.progress_victims) *options.progress_victims += real_ct;
      if (options.progress) options.progress(real_ct);
      for (int i = 0; i < real_ct; ++i)
        std::sort_heap(result.hits[first_victim + i].begin(), result.hits[first_victim + i].end(), Better);
    }
  });
  for (std::int64_t r : rescored_per_block) result.pairs_rescored += r;
  result.pairs_screened = static_cast<std::int64_t>(victim_ct) * candidate_ct;
  return result;
}

}  // namespace kinship
