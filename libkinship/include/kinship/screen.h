// File: kinship/screen.h
//
// The screen: every victim against every candidate (a reference under a pairwise
// relationship, or a family's missing person), at table-lookup speed, with exact numbers.
//
// Per locus, each candidate has a row of exact log10 LRs over the victim's genotype
// (`ScoreTables`): for a reference of genotype r under a relationship, LR(r, g) for every
// victim genotype g; for a family's missing person, the family table. The score of a pair
// is the sum over loci of one row entry each. Two tiers:
//  * a prefilter on int8 rows: entry q = ceil((x - off_l) * s) with a per-locus offset
//    off_l and scale s, so q / s + off_l >= x for every entry (rounded up; values far below
//    clamp to -128, which only rounds further up; +inf maps to +127, the largest entry, and a
//    candidate with a +inf entry skips the prefilter: all its pairs are rescored, so a pair
//    with an exact score of +inf is always reported). Summed over loci, the int8 score bounds
//    the exact score from above: a pair whose exact score reaches the victim's threshold
//    (the report threshold, or the victim's current k-th best) always passes;
//  * exact rescoring in double of the pairs that pass, summed in locus order (the same
//    values and order as `kinship lr`, so the numbers are identical).
// One-sided loci (kinship/pairwise.h): where a pairwise relationship makes them informative,
// a reference untyped at a locus gets a row of the victim's one-sided LRs (flagged
// `candidate_untyped`, so the locus is not counted as compared), and every row carries the
// reference's one-sided LR for an untyped victim (the entry of byte code kUntypedCode,
// quantized like the others). Family candidates get their table at a locus with no typed
// reference when OneSidedLociInformative holds there. A NaN entry is a bug: Build
// returns Internal.
// The prefilter runs with AVX-512 VBMI byte permutes where the CPU has them and a portable
// scalar loop otherwise; both give identical sums. Work is split over blocks of victims with
// oneTBB; each victim's candidates are scanned in candidate order by one task, so results
// do not depend on the thread count.
//
//   kinship::ScoreTablesBuilder builder(table);          // loci of the frequency table
//   kinship::AddPairwiseCandidates(calc, references, &builder);
//   absl::StatusOr<kinship::ScoreTables> tables = std::move(builder).Build();
//   if (!tables.ok()) ...
//   kinship::VictimColumns victims(*tables, victim_profiles);
//   kinship::ScreenResult r = kinship::Screen(*tables, victims, options);
#ifndef KINSHIP_SCREEN_H_
#define KINSHIP_SCREEN_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "kinship/locus.h"
#include "kinship/observation.h"
#include "kinship/pairwise.h"
#include "kinship/pedigree.h"
#include "kinship/pedigree_lr.h"
#include "kinship/profile.h"

namespace kinship {

// Victim genotypes reach the prefilter as one byte per locus. A locus with at most 255
// genotypes (22 alleles) codes each genotype as itself. A "wide" locus (SE33, FGA, ...:
// more genotypes than a byte holds) codes its 254 most frequent genotypes (Hardy-Weinberg)
// as 0..253 and all others as kOtherCode, whose prefilter entry is the largest entry of
// those genotypes — still an upper bound, so the prefilter stays exact; rescoring uses the
// true genotype. kUntypedCode marks an untyped locus.
inline constexpr std::uint8_t kUntypedCode = 255;
inline constexpr std::uint8_t kOtherCode = 254;
inline constexpr int kMaxNarrowGenotypes = 255;

// The score tables of a screen: per locus, the rows of exact log10 LRs and their int8
// prefilter rows; per candidate, one row index per locus. Immutable: built by
// ScoreTablesBuilder. Row indices (`row_idx`) are per locus, as AddRow returned them.
//
// Uncertain observations (kinship/observation.h): each distinct (observation, drop-out,
// drop-in) among the victims whose observation at a locus is uncertain gets a column after
// the genotypes' (a "column" is then a genotype or such an observation), whose entry in a row
// is the LR of that observation,
//   LR(O) = Σ_g P(O | g) v(g) LR(g) / Σ_g P(O | g) v(g),
// v(g) the row's victim weights (the victim's genotype probability under H2 given the
// candidate's data). The hot loop is unchanged: such a column has a byte code of its own where
// one is free (a narrow locus with fewer than 254 genotypes), else kOtherCode, whose prefilter
// entry is the largest of the columns sharing it, so the bound holds for every column.
class ScoreTables {
 public:
  int locus_ct() const { return static_cast<int>(loci_.size()); }
  int candidate_ct() const { return static_cast<int>(candidate_offset_.size()); }
  int genotype_ct(int locus) const { return loci_[locus].genotype_ct; }
  // Genotypes plus observation columns.
  int column_ct(int locus) const { return loci_[locus].column_ct; }
  // The column of an uncertain observation of the victims (-1: none).
  int ObservationColumn(int locus, GenotypeIdx observed, ObservationParams params) const {
    const auto& index = loci_[locus].obs_index;
    auto it = index.find({observed, params});
    return it == index.end() ? -1 : it->second;
  }
  bool wide(int locus) const { return loci_[locus].genotype_ct > kMaxNarrowGenotypes; }
  // The prefilter's byte code of genotype g at a locus.
  std::uint8_t code(int locus, GenotypeIdx g) const {
    return g == kUntyped ? kUntypedCode : loci_[locus].code_of[g];
  }
  // An observation column: the observation, its parameters, and P(O | g) where positive.
  struct ObservationColumnData {
    GenotypeIdx observed = kUntyped;
    ObservationParams params;
    std::vector<std::pair<GenotypeIdx, double>> weights;
  };
  // The data of column `column` (>= genotype_ct(locus)) at a locus.
  const ObservationColumnData& observation_column(int locus, int column) const {
    return loci_[locus].obs[column - loci_[locus].genotype_ct];
  }
  // The prefilter's scale (int8 steps per log10 unit).
  double scale() const { return scale_; }

  // The index of the candidate's row at a locus, -1 where the candidate has no row (the
  // locus then contributes 0 and is not compared).
  int row_idx(int candidate, int locus) const {
    return candidate_rows_[static_cast<size_t>(candidate) * loci_.size() + locus];
  }
  // Exact row entry: log10 LR of row `row_idx` at a locus for victim column g (a genotype,
  // or an observation column).
  double exact(int locus, int row_idx, int g) const {
    const LocusRows& l = loci_[locus];
    return l.exact[static_cast<size_t>(row_idx) * l.column_ct + g];
  }
  bool inconsistent(int locus, int row_idx, int g) const {
    const LocusRows& l = loci_[locus];
    return l.inconsistent[static_cast<size_t>(row_idx) * l.column_ct + g] != 0;
  }
  // The row's log10 LR for a victim untyped at the locus, and whether the row is a
  // candidate-untyped (one-sided) row.
  double untyped_exact(int locus, int row_idx) const { return loci_[locus].untyped[row_idx]; }
  bool candidate_untyped(int locus, int row_idx) const { return loci_[locus].candidate_untyped[row_idx] != 0; }
  // Whether some entry of the candidate's rows is +inf (its pairs bypass the prefilter).
  bool candidate_has_inf(int candidate) const { return candidate_inf_[candidate] != 0; }
  // Prefilter row of row `row_idx` at a locus: 256 int8 entries indexed by the victim's
  // byte code.
  const std::int8_t* prefilter_row(int locus, int row_idx) const {
    return loci_[locus].q.data() + loci_[locus].q_begin + static_cast<size_t>(row_idx) * 256;
  }
  double offset(int locus) const { return loci_[locus].offset; }
  // Sum of the offsets over the candidate's typed loci.
  double candidate_offset(int candidate) const { return candidate_offset_[candidate]; }

 private:
  friend class ScoreTablesBuilder;
  ScoreTables() = default;

  struct LocusRows {
    int genotype_ct = 0;
    int column_ct = 0;  // genotype_ct + obs.size()
    int row_ct = 0;
    std::vector<ObservationColumnData> obs;
    std::map<std::pair<GenotypeIdx, ObservationParams>, int> obs_index;  // -> column
    std::vector<double> exact;
    std::vector<std::uint8_t> inconsistent;
    std::vector<double> untyped;                 // per row: entry of an untyped victim
    std::vector<std::uint8_t> candidate_untyped;  // per row
    // Prefilter rows, from q_begin: the first index whose address is a multiple of 64, so that
    // every 256-byte row lies on whole cache lines (the kernel reads a row as four 64-byte
    // loads). A copy of the tables keeps the same indices: still correct, perhaps unaligned.
    std::vector<std::int8_t> q;
    size_t q_begin = 0;
    std::vector<std::uint8_t> code_of;  // column -> byte code
    double offset = 0;
  };
  std::vector<LocusRows> loci_;
  std::vector<int> candidate_rows_;  // candidate_ct x locus_ct
  std::vector<double> candidate_offset_;
  std::vector<std::uint8_t> candidate_inf_;
  double scale_ = 0;
};

// Builds ScoreTables: rows and candidates are added, then Build quantizes the rows for the
// prefilter and hands over the finished, immutable tables (the builder is consumed, so no
// row can be added to tables already built). Not thread-safe.
class ScoreTablesBuilder {
 public:
  // Tables over the loci of `table` (the victims' and candidates' loci, in its order). With
  // `victims`, their uncertain observations (a failed or silent allele, or the drop-out and
  // drop-in `obs` gives them; `obs` may be null) get observation columns (see ScoreTables).
  explicit ScoreTablesBuilder(const AlleleFreqTable& table, const ProfileSet* victims = nullptr,
                              const ObservationTable* obs = nullptr);
  ScoreTablesBuilder(const ScoreTablesBuilder&) = delete;
  ScoreTablesBuilder& operator=(const ScoreTablesBuilder&) = delete;
  ScoreTablesBuilder(ScoreTablesBuilder&&) = default;
  ScoreTablesBuilder& operator=(ScoreTablesBuilder&&) = default;

  int locus_ct() const { return tables_.locus_ct(); }
  int candidate_ct() const { return tables_.candidate_ct(); }
  int genotype_ct(int locus) const { return tables_.genotype_ct(locus); }
  // Whether the locus has observation columns (AddRow then needs the victim weights).
  bool has_observations(int locus) const { return !tables_.loci_[locus].obs.empty(); }

  // Adds a row at `locus`: log10 LR and "inconsistent without mutation" per victim
  // genotype (genotype_ct(locus) entries each), `untyped_log10_lr` for a victim untyped at
  // the locus (the candidate's one-sided value; 0 = LR 1), and `candidate_untyped` for a
  // row of a candidate untyped at the locus (its entries are one-sided: summed, but the
  // locus is not counted as compared). Returns its row index. NaN entries are recorded and
  // make Build fail. Where the locus has observation columns, `victim_weights` (v(g) per
  // genotype, see ScoreTables) is required (its absence makes Build fail), and `linear_lr`,
  // the row's LRs as linear values, is used for them when given (else 10^log10_lr); an
  // observation column is inconsistent when every genotype with weight is.
  int AddRow(int locus, const std::vector<double>& log10_lr, const std::vector<std::uint8_t>& inconsistent,
             double untyped_log10_lr = 0.0, bool candidate_untyped = false,
             const std::vector<double>* victim_weights = nullptr, const std::vector<double>* linear_lr = nullptr);
  // Adds a candidate: one row index per locus, -1 where the candidate has no row (the
  // locus then contributes 0 and is not compared). Returns its index.
  int AddCandidate(const std::vector<int>& row_idx_per_locus);

  // Quantizes the rows for the prefilter with scale `scale` (int8 steps per log10 unit)
  // and returns the finished tables.
  // Errors: Internal if a row holds a NaN (a bug upstream; no pair is silently dropped).
  absl::StatusOr<ScoreTables> Build(double scale = 16) &&;

 private:
  static void AddObservationColumns(const Locus& locus, int l, const ProfileSet& victims, const ObservationTable* obs,
                                    ScoreTables::LocusRows* rows);

  ScoreTables tables_;       // under construction: no prefilter rows or offsets yet
  absl::Status nan_status_;  // the first NaN (or missing victim weights) AddRow saw
};

// Candidates = the samples of `references` (candidate i = sample i) under one pairwise
// relationship, the reference as id1 (the older generation where it matters) and the
// victim as id2. One row per distinct reference genotype per locus.
// A reference whose observation at a locus is uncertain (`obs` as for the victims) gets the
// row of its evidence (PairwiseCalculator::EvidenceRow).
void AddPairwiseCandidates(const PairwiseCalculator& calc, const ProfileSet& references, ScoreTablesBuilder* builder,
                           const ObservationTable* obs = nullptr);
// The same with a calculator per reference (`calc_of[i]` for sample i: e.g. the relationship
// for the reference's own sex, where the sexes' mutation rates differ); candidates in sample
// order, rows shared between references of one calculator.
void AddPairwiseCandidates(const std::vector<const PairwiseCalculator*>& calc_of, const ProfileSet& references,
                           ScoreTablesBuilder* builder, const ObservationTable* obs = nullptr);

// A candidate for a family's missing person: the family tables at every locus.
// `genotypes[l]` are the members' genotypes at locus l (the missing person untyped), as
// FamilyGenotypes gives them (kEvidence with `evidence`, which may be null or empty when no
// member has any).
// At a locus with no typed member the table P(MP = g) / P(V = g) is used where
// OneSidedLociInformative(models[l]) (a candidate-untyped row), else the locus has no row.
// Errors as FamilyTable's; Internal for a NaN in a table. `inconsistent_models`, when not null, are models without
// mutation used to flag loci inconsistent without mutation.
absl::StatusOr<int> AddFamilyCandidate(const Pedigree& ped, const std::vector<std::vector<GenotypeIdx>>& genotypes,
                                       int missing, const std::vector<PedigreeLocusModel>& models,
                                       const std::vector<PedigreeLocusModel>* inconsistent_models,
                                       ScoreTablesBuilder* builder, const FamilyEvidence* evidence = nullptr);

// AddFamilyCandidate in two steps, so that many families' tables can be computed in
// parallel (ComputeFamilyRows reads its arguments only: thread-safe) and added in a fixed
// order (AddFamilyRows): the same tables for any thread count.
struct FamilyRows {
  struct Row {
    int locus = 0;
    std::vector<double> log10_lr;            // per victim genotype
    std::vector<std::uint8_t> inconsistent;  // per victim genotype
    bool candidate_untyped = false;          // no typed member at the locus (one-sided)
    std::vector<double> lr;                  // linear LR per victim genotype
    std::vector<double> victim_weights;      // v(g) (ScoreTables' observation columns)
  };
  std::vector<Row> rows;  // in locus order; loci without a row are absent
};
absl::StatusOr<FamilyRows> ComputeFamilyRows(const Pedigree& ped,
                                             const std::vector<std::vector<GenotypeIdx>>& genotypes, int missing,
                                             const std::vector<PedigreeLocusModel>& models,
                                             const std::vector<PedigreeLocusModel>* inconsistent_models,
                                             const FamilyEvidence* evidence = nullptr);
// Adds the rows and the candidate; returns the candidate's index.
int AddFamilyRows(const FamilyRows& family, ScoreTablesBuilder* builder);

// Victims' genotypes as per-locus columns of codes, padded to a multiple of 64 with
// untyped victims. An uncertain observation is its observation column (`obs` must be the one
// the tables were built with).
class VictimColumns {
 public:
  VictimColumns(const ScoreTables& tables, const ProfileSet& victims, const ObservationTable* obs = nullptr);
  int victim_ct() const { return victim_ct_; }
  int padded_ct() const { return padded_ct_; }
  // Byte codes of a locus for all victims (see ScoreTables::code).
  const std::uint8_t* codes(int locus) const { return codes_[locus].data(); }
  // The victim's column at a locus (a genotype, or an observation column), or kUntyped.
  GenotypeIdx genotype(int locus, int v) const { return genotypes_[locus][v]; }

 private:
  int victim_ct_ = 0, padded_ct_ = 0;
  std::vector<std::vector<std::uint8_t>> codes_;
  std::vector<std::vector<GenotypeIdx>> genotypes_;
};

enum class ScreenKernel { kAuto, kScalar, kAvx512 };
// The kernel kAuto resolves to on this CPU.
ScreenKernel BestKernel();
const char* KernelName(ScreenKernel k);

struct ScreenOptions {
  int top_k = 10;  // per victim; the k best by (log10 LR desc, candidate asc)
  double min_log10_lr = -std::numeric_limits<double>::infinity();  // report threshold
  ScreenKernel kernel = ScreenKernel::kAuto;
  int victim_block = 512;  // victims per task (multiple of 64)
  // When not null, incremented by the number of victims of each finished block (for a
  // progress display polled by the caller; the library itself prints nothing).
  std::atomic<std::int64_t>* progress_victims = nullptr;
  // When set, called with the number of victims of each finished block, from the worker that
  // finished it (concurrently: the callee synchronises).
  std::function<void(std::int64_t block_victims)> progress;
  // When not null and set to true, the blocks not yet started are skipped (their victims get
  // no hits); the caller checks the flag and discards the result.
  const std::atomic<bool>* cancel = nullptr;
};

// A reported pair. Pairs with no locus typed in both are never reported. `log10_lr`
// includes one-sided loci; `loci_compared` counts only loci typed in both.
struct ScreenHit {
  std::int32_t candidate;
  double log10_lr;
  int loci_compared;
  int loci_inconsistent;
};

struct ScreenResult {
  std::vector<std::vector<ScreenHit>> hits;  // per victim, best first
  std::int64_t pairs_screened = 0;
  std::int64_t pairs_rescored = 0;
  ScreenKernel kernel = ScreenKernel::kScalar;
};

// Most loci a candidate may have (the int16 kernels hold 128 per locus for the sum plus the
// offset term within a headroom of 16,000; a candidate whose offsets are beyond it — per-locus
// LRs far above any real STR locus — takes an exact int64 path instead).
inline constexpr int kMaxScreenLoci = 60;

// Screens every victim against every candidate. Thread-safe; uses the calling thread's
// oneTBB arena (the caller sets the thread count). Deterministic for any thread count.
// REQUIRES: tables.locus_ct() <= kMaxScreenLoci.
ScreenResult Screen(const ScoreTables& tables, const VictimColumns& victims, const ScreenOptions& options);

// Exact score of one pair, as Screen computes it (for tests and reports).
ScreenHit ExactPair(const ScoreTables& tables, const VictimColumns& victims, int candidate, int victim);

// The prefilter's integer sum for one pair (the int8 entries over the candidate's typed
// loci). For tests of the bound: sum / scale + candidate_offset >= exact log10 LR.
int PrefilterSum(const ScoreTables& tables, const VictimColumns& victims, int candidate, int victim);

}  // namespace kinship

#endif  // KINSHIP_SCREEN_H_
