// File: kinship/match.h
//
// The screen as one call: what `kinship match` does, for any program. Every victim is
// screened against every reference (under each relationship given) and every missing person
// of every family; the result holds, per victim (or per candidate), the best candidates with
// exact log10 LRs, posteriors, per-locus values and the run's provenance. Write it with the
// writers of kinship/report.h (the formats of `kinship match --out` and `--json`).
//
//   kinship::MatchRequest req;
//   req.model.freqs_path = "freqs.csv";
//   req.model.mutation_model = kinship::MutationModel::kStepwise;
//   req.model.mutation_rate = 0.002;
//   req.victims = {kinship::ProfileSource::File("victims.csv")};
//   req.pedigrees_path = "families.csv";
//   req.family_profiles = {kinship::ProfileSource::File("references.csv")};
//   kinship::Diagnostics diag;
//   auto result = kinship::Match(req, &diag);             // absl::StatusOr<MatchResult>
//   if (!result.ok()) return Fail(result.status());
//   kinship::WriteMatchTsv(*result, stdout);              // kinship/report.h
//
// Errors: the readers' (kinship/io.h: NotFound, InvalidArgument naming file and line),
// FailedPrecondition for inputs inconsistent with each other (a sample both victim and
// reference, a family member whose sample is in no family profile file), OutOfRange past the
// screen's limits, Cancelled when `cancel` was set, Internal for a bug (a NaN). A family whose
// references are inconsistent, or whose exact computation is past the engine's limits, does
// not stop the screen: it is skipped with a warning (in `diag` and the report) and counted.
// Deterministic: the same request gives the same result, bit for bit, for any thread count
// (the caller sets the thread count with tbb::global_control).
#ifndef KINSHIP_MATCH_H_
#define KINSHIP_MATCH_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "kinship/diagnostics.h"
#include "kinship/lr.h"
#include "kinship/pedigree.h"
#include "kinship/screen.h"
#include "kinship/setup.h"

namespace kinship {

class Exchange;

enum class RankBy { kVictim, kCandidate };

struct MatchRequest {
  ModelOptions model;
  std::vector<ProfileSource> victims;
  // Pairwise screening: the references, each under every relationship (ParseRelationship's
  // names), the reference as id1 (the older generation where it matters).
  std::vector<ProfileSource> references;
  std::vector<std::string> relationships;
  // Sex of the references; kUnknown: each reference's Amelogenin. Matters only where the
  // sexes' mutation models differ.
  Sex reference_sex = Sex::kUnknown;
  // Families: a pedigree file (ReadPedigrees; every family needs a missing person) or
  // pedigrees in memory, with the profiles of their references.
  std::string pedigrees_path;
  std::vector<Pedigree> families;
  std::vector<ProfileSource> family_profiles;
  // CODIS CMF specimen categories (GenotypeRecord::category) of the victims, and of the
  // references and family profiles, that the run takes; empty = every sample. The others
  // are left out with a note (BindSources, kinship/setup.h); an error for profiles without
  // categories (not CMF).
  std::vector<std::string> victim_categories;     // --victim-category
  std::vector<std::string> reference_categories;  // --reference-category
  // Drop-out and drop-in (kinship/observation.h): per sample (and locus) from a file read by
  // ReadObservations (empty: none), and for every victim without a row of its own there.
  // Failed and silent alleles are modelled whatever these are.
  std::string observation_path;
  ObservationParams victim_observation;

  int top_k = 10;            // candidates per victim (victims per candidate with kCandidate)
  double min_log10_lr = 0;   // report threshold; -inf: none
  std::optional<double> prior;  // P(victim is a given candidate's relative); default 1/candidates
  RankBy by = RankBy::kVictim;
  ScreenKernel kernel = ScreenKernel::kAuto;

  std::string command;  // recorded in the provenance (the CLI gives its command line)
  // Told what the run is doing ("reading the profiles FILE"), from the calling thread.
  std::function<void(const std::string& stage)> stage;
  // Called during the screen with the victims screened so far, the victims and the
  // candidates; from worker threads, one call at a time. Keep it cheap.
  std::function<void(std::int64_t victims_done, std::int64_t victim_ct, std::int64_t candidate_ct)> progress;
  // Called while the families' tables are built (in parallel, in chunks of 256 families),
  // after each chunk, from the calling thread: families done and in all.
  std::function<void(std::int64_t families_done, std::int64_t family_ct)> family_progress;
  // When set to true during the run, the table building or the screen stops at its next
  // chunk or block, and Match returns Cancelled.
  const std::atomic<bool>* cancel = nullptr;
  // Several processes (MPI ranks) running one screen: each rank calls Match with the same
  // request and its Exchange (kinship/exchange.h). Every rank reads every input; the
  // families' tables are computed in shares and exchanged, each rank screens a slice of the
  // victims, and rank 0 returns the whole result (the same as one process, bit for bit); the
  // other ranks return an empty result. Null: one process.
  Exchange* exchange = nullptr;
};

// One log10 LR of a locus (per-locus values of a reported pair).
struct LocusValue {
  std::string locus;
  double log10_lr;
};

// A reported pair.
struct MatchRow {
  std::string victim;
  int rank = 0;            // 1 = best, per victim (per candidate with RankBy::kCandidate)
  std::string candidate;   // reference sample id, or family id
  std::string family;      // family id (family candidates)
  std::string missing_id;  // missing person (family candidates)
  std::string hypothesis;  // relationship name, or "missing-person"
  double log10_lr = 0;
  double posterior = 0;
  int loci_compared = 0;   // loci typed in both
  int loci_inconsistent = 0;
  // Every locus that enters log10_lr, in table order (a victim untyped at a locus enters
  // only with the candidate's one-sided value, when it is not 0).
  std::vector<LocusValue> per_locus;
  // The pair's case detail (kinship/lr.h), computed by the exact engine as `kinship lr`
  // does; set only by a caller that asks for it (the CLI's --report), written in the JSON.
  std::shared_ptr<const CaseDetail> detail;
};

struct MatchResult {
  RankBy by = RankBy::kVictim;
  std::vector<MatchRow> rows;  // ranked: victim by victim (candidate by candidate)
  Provenance provenance;
  // Named counts, in report order: victims, references, families, candidates,
  // candidates_skipped, pairs_screened, pairs_rescored, rows.
  std::vector<std::pair<std::string, std::int64_t>> counts;
  std::vector<Note> notes;  // every note of the run, in order
  ScreenKernel kernel = ScreenKernel::kScalar;
  int victim_ct = 0, candidate_ct = 0;
  std::int64_t pairs_screened = 0, pairs_rescored = 0, candidates_skipped = 0;
  double seconds = 0;  // wall time of Match, up to the result (written as ##time_seconds)
};

// Runs the screen of `request`. Notes (imputed alleles, renamed loci, skipped families, ...)
// go to `diag` as they arise, and are copied into the result.
absl::StatusOr<MatchResult> Match(const MatchRequest& request, Diagnostics* diag);

}  // namespace kinship

#endif  // KINSHIP_MATCH_H_
