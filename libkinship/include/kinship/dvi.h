// File: kinship/dvi.h
//
// Joint disaster-victim identification (DVI): every victim against every family at once,
// families with one or several missing persons (MPs), as the R package dvir defines it
// (Vigeland & Egeland 2021), solved exactly.
//
// An assignment maps each victim to at most one MP or to nobody (`*`); each MP receives at
// most one victim; a victim goes only to an MP of its sex (either sex unknown: any). Its
// likelihood is the product over families of P(family's references and the victims placed
// at its MPs) times P(victim) for every unassigned victim; its LR is against the null (nobody
// identified). With a flat prior over all valid assignments, an assignment's posterior is its
// LR over the sum of the LRs of all valid assignments, and a victim's posterior pairing
// probabilities (dvir's Bmarginal) sum these per (victim, MP or `*`).
//
// The LR factorises over families: family f contributes R_f(x) for its "local assignment" x
// (victims placed at some of its MPs; R_f(empty) = 1), computed with the pedigree engine.
// SolveDvi works on those tables (a DviProblem): the victims and families split into
// independent components (linked by local assignments with LR > 0), and within a component a
// dynamic programme over the families, whose state is the set of victims used so far, gives
// the normalising sum and, with a backward pass, the exact posterior of every local
// assignment; the top assignments come from a best-first search whose bound is the exact
// best completion. Nothing is enumerated, so 10^13 valid assignments cost what their
// components' states cost. With a mutation model nothing is excluded; SolveDvi then drops
// local assignments whose LR is negligible, under a proven bound on the posterior mass of
// everything dropped (DviSolution::error_bound; DviSolveOptions::exact turns it off). A
// component whose states pass the limit is ResourceExhausted, never approximated.
//
//   kinship::DviRequest req;
//   req.model.freqs_path = "freqs.csv";
//   req.victims = {kinship::ProfileSource::File("victims.csv")};
//   req.pedigrees_path = "pedigrees.csv";
//   req.profiles = {kinship::ProfileSource::File("references.csv")};
//   req.victim_sex_path = "victim_sex.csv";
//   kinship::Diagnostics diag;
//   auto result = kinship::RunDvi(req, &diag);           // absl::StatusOr<DviResult>
//   kinship::WriteDviAssignments(*result, stdout);       // and the other three writers
//
// Deterministic: the same request gives the same result, bit for bit, for any thread count.
#ifndef KINSHIP_DVI_H_
#define KINSHIP_DVI_H_

#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "kinship/diagnostics.h"
#include "kinship/observation.h"
#include "kinship/setup.h"

namespace kinship {

class Exchange;

// ---- The combinatorial problem -------------------------------------------------------------

// One local assignment of a family: victims placed at some of its MPs, with its LR.
struct DviOption {
  std::vector<std::pair<int, int>> placed;  // (MP index within the family, victim index), by MP
  double log10_lr = 0;  // log10 R_f(x) = log10 P(refs, victims at MPs) / (P(refs) Π P(victim)); finite
};

// A family's local assignments with LR > 0, the empty one (LR 1) left implicit.
struct DviFamilyOptions {
  std::vector<DviOption> options;
};

struct DviProblem {
  int victim_ct = 0;
  std::vector<DviFamilyOptions> families;
};

struct DviSolveOptions {
  int top_k = 20;
  // No pruning: every local assignment with LR > 0 enters the dynamic programme.
  bool exact = false;
  // Pruning drops local assignments until the proven bound on every posterior's error would
  // pass this (see DviSolution::error_bound).
  double max_error = 1e-13;
  // States of one component's dynamic programme (sets of victims used) past which it is
  // ResourceExhausted.
  std::int64_t max_states = std::int64_t{1} << 24;
};

// One joint assignment: the option index chosen in each family (-1: none).
struct DviJointAssignment {
  std::vector<int> option_of_family;
  double log10_lr = 0;   // Σ of the chosen options' log10 LRs, in family order
  double posterior = 0;  // LR / Σ over all valid assignments
};

struct DviSolution {
  double log10_total = 0;  // log10 of Σ over valid assignments of their LR (the null's is 1)
  // The best assignments, by decreasing LR; at most top_k, plus any tied (log10 LR within
  // 1e-9) with the last, so that the caller can order ties by its own rule.
  std::vector<DviJointAssignment> top;
  // Posterior of each option of each family ([family][option]), and of each victim being
  // unassigned.
  std::vector<std::vector<double>> option_posterior;
  std::vector<double> unassigned_posterior;
  // log10 of the largest LR among the assignments that choose this option, and among those
  // in which this family chooses none ([family][option], and [family] for none).
  std::vector<std::vector<double>> option_best_log10;
  std::vector<double> none_best_log10;
  // A proven upper bound on |reported - exact| of every posterior and marginal: the mass of
  // the dropped local assignments' assignments over the kept sum (0 when none was dropped).
  double error_bound = 0;
  std::int64_t options_dropped = 0;
  int components = 0;
  int largest_component_victims = 0;
  std::int64_t states = 0;  // summed over components and layers
};

// Solves a problem. InvalidArgument for an ill-formed one (a victim index out of range, an
// option placing a victim twice, a non-finite LR); ResourceExhausted when a component's
// states pass max_states or a component has more than 128 victims; OutOfRange when a
// component's sum passes the range of long double.
absl::StatusOr<DviSolution> SolveDvi(const DviProblem& problem, const DviSolveOptions& options);

// ---- The whole run (`kinship dvi`) -------------------------------------------------------

struct DviRequest {
  ModelOptions model;
  std::vector<ProfileSource> victims;
  std::string pedigrees_path;            // families: `missing` = 1 marks each MP
  std::vector<ProfileSource> profiles;   // the families' references
  // CODIS CMF specimen categories of the victims and of the references that the run takes
  // (as MatchRequest's, kinship/match.h); empty = every sample.
  std::vector<std::string> victim_categories;     // --victim-category
  std::vector<std::string> reference_categories;  // --reference-category
  std::string victim_sex_path;           // optional: `sample_id,sex`; else each victim's Amelogenin
  // Drop-out and drop-in (kinship/observation.h): per sample (and locus) from a file, and a
  // default for every victim without a row (references without a row: 0, 0).
  std::string observation_path;
  ObservationParams victim_observation;
  int top_k = 20;
  bool exact = false;
  double identified_lr = 1e4;  // conclusion thresholds (dvir's dviSolve defaults)
  double probable_lr = 1e3;
  // Local assignments a family may evaluate (each an exact likelihood over all loci) before
  // the run is ResourceExhausted.
  std::int64_t max_local_assignments = 2'000'000;
  std::int64_t max_states = std::int64_t{1} << 24;
  std::string command;
  std::function<void(const std::string& stage)> stage;
  // Several processes (MPI ranks), as MatchRequest::exchange (kinship/exchange.h): every rank
  // reads every input, computes the local assignments of its share of the families (family f
  // on rank f mod ranks), and the ranks exchange them; rank 0 solves the joint problem and
  // returns the result (the same as one process), the others an empty result. Null: one process.
  Exchange* exchange = nullptr;
};

struct DviPairwiseRow {
  std::string victim, family, missing_id;
  double log10_lr = 0;  // -inf for an exclusion
};
struct DviAssignmentRow {
  int rank = 0;
  std::string assignment;  // `V1=M3;V2=*;...`, victims in byte order of their ids
  double log10_lr = 0, posterior = 0;
};
struct DviMarginalRow {
  std::string victim, family, missing_id;  // missing_id "*" (family empty): unassigned
  double posterior = 0;
};
struct DviSummaryRow {
  std::string victim, family, missing_id;  // the most probable pairing ("*": nobody)
  double posterior = 0;
  // log10 of the best assignment with this pairing over the best without it (+inf when
  // no valid assignment goes without it; empty family: not applicable, NaN).
  double log10_lr = 0;
  std::string conclusion;  // "identified", "probable", "not identified"
};

struct DviResult {
  std::vector<DviPairwiseRow> pairwise;
  std::vector<DviAssignmentRow> assignments;
  std::vector<DviMarginalRow> marginals;
  std::vector<DviSummaryRow> summary;
  double log10_valid_assignments = 0;  // log10 of how many valid assignments there are
  double error_bound = 0;              // DviSolution::error_bound
  std::vector<std::pair<std::string, std::int64_t>> counts;
  std::vector<Note> notes;
  Provenance provenance;
  double identified_lr = 1e4, probable_lr = 1e3;
  double seconds = 0;
};

absl::StatusOr<DviResult> RunDvi(const DviRequest& req, Diagnostics* diag);

// The four reports, each `##` provenance lines then a header row (docs/user-guide.md).
void WriteDviPairwise(const DviResult& result, std::FILE* out);
void WriteDviAssignments(const DviResult& result, std::FILE* out);
void WriteDviMarginals(const DviResult& result, std::FILE* out);
void WriteDviSummary(const DviResult& result, std::FILE* out);

}  // namespace kinship

#endif  // KINSHIP_DVI_H_
