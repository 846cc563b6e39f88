// Shared pieces of the kinship subcommands: exit codes, messages, atomic output
// (atomic_output.h).
#ifndef KINSHIP_TOOLS_CLI_COMMON_H_
#define KINSHIP_TOOLS_CLI_COMMON_H_

#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "atomic_output.h"
#include "kinship/diagnostics.h"
#include <boost/program_options.hpp>

#include "kinship/io.h"
#include "kinship/mutation.h"
#include "kinship/pedigree.h"
#include "kinship/pedigree_lr.h"
#include "kinship/profile.h"

namespace kinship::cli {

// Exit codes (documented in `kinship --help`).
inline constexpr int kExitOk = 0;
inline constexpr int kExitBadInput = 1;  // bad input or I/O failure
inline constexpr int kExitUsage = 2;     // unknown option, missing argument
inline constexpr int kExitInternal = 3;  // internal error

int ExitCodeFor(const absl::Status& status);

// Prints "kinship <cmd>: error: <message>" on stderr and returns the exit code.
int ReportError(const std::string& cmd, const absl::Status& status);

// Prints every note on stderr as "kinship <cmd>: note|warning: ..." unless quiet
// (warnings are printed even when quiet).
void PrintNotes(const std::string& cmd, const Diagnostics& diag, bool quiet);

// One row of a small CSV (pairs, cases): its fields and "path:line".
struct CsvRow {
  std::vector<std::string> fields;
  std::string where;  // "path:line"
};

// A small CSV (pairs, cases) whose header names every column of `required` and any of
// `optional`, in any order (any other column is an error). CRLF, a UTF-8 BOM, blank and '#'
// lines are accepted. Rows come back with the required fields first, then the
// optional ones in the order given ("" where the column is absent or the cell empty).
// Required fields must not be empty.
absl::StatusOr<std::vector<CsvRow>> ReadCsvColumns(const std::string& path, const std::vector<std::string>& required,
                                                   const std::vector<std::string>& optional);

// Members whose typed genotypes break Mendel's laws at a locus, as "(child, parent, ...)"
// groups; empty when the inconsistency runs through untyped members.
std::vector<std::string> MendelianConflicts(const Pedigree& ped, const std::vector<GenotypeIdx>& g);

// Parses a subcommand's arguments: `--help` prints `desc` to stdout; then `validate` checks
// combinations (throwing boost::program_options::error). An output option (--out, --per-locus,
// --json, --write-freqs, --out-dir) given an empty value is a usage error. Returns an exit code when the
// command should stop here (kExitOk after --help, kExitUsage with a message on stderr after
// a usage error), nullopt to go on.
std::optional<int> ParseCommandLine(const std::string& cmd, int argc, char** argv,
                                    const boost::program_options::options_description& desc,
                                    boost::program_options::variables_map* vm,
                                    const std::function<void(const boost::program_options::variables_map&)>& validate);

// The model options shared by kinship lr and kinship match.
struct ModelOptions {
  std::string freqs_path, sample_sizes_path, rates_path, model_name = "none";
  std::string transform_name = "none";  // --mutation-transform
  double theta = 0, rate = 0, rate_female = -1, rate2 = 0, range = 0.5;
  bool normalize = true;
  bool allow_unnormalised = false;
  std::string write_freqs_path;            // --write-freqs: the effective table, for freezing
  std::string untyped_founders = "exact";  // exact|familias (kinship/pedigree_lr.h)
  ProfileBuildOptions build;               // build.frozen_table: --freeze-freqs
  AlleleFreqTable as_read;                 // the table as read (filled by LoadModel)
};
// Loci off 1 by more than this are an error without --allow-unnormalised.
inline constexpr double kFrequencySumTolerance = 0.01;
void AddModelOptions(boost::program_options::options_description* desc, ModelOptions* opts);
// --untyped-founders as the engine's enum (LoadModel has rejected any other spelling).
UntypedFounders UntypedFoundersMode(const ModelOptions& opts);

// Reads the frequency table (with sample sizes) and builds the mutation specification
// (with per-locus rates); InvalidArgument for rates given without a model.
absl::Status LoadModel(ModelOptions& opts, const boost::program_options::variables_map& vm,
                       AlleleFreqTable* table, MutationSpec* mutation, MutationModel* model, Diagnostics* diag);

// What the run did to the frequency table, for the reports.
struct TableReport {
  bool changed = false;         // imputed alleles or rescaled loci: the effective table differs
  std::string change;           // what changed, in words ("unchanged" when nothing did)
  std::string effective_text;   // FormatAlleleFreqs of the effective table (--write-freqs)
  std::string effective_sha256; // its SHA-256
};
// After the profiles are bound (imputation): unless --normalize-freqs no, rescales every locus
// to sum to 1 and notes how many were rescaled and the largest change; with no, adds a rest
// allele where a locus sums to less than 1 and refuses a locus summing to more. Then compares
// the effective table with `opts.as_read`.
absl::StatusOr<TableReport> FinishTable(const ModelOptions& opts, AlleleFreqTable* table, Diagnostics* diag);

// The per-locus mutation rates in use, "locus male/female" for every locus of the table
// (what the reports list).
std::vector<std::pair<std::string, std::string>> RatesInUse(const AlleleFreqTable& table,
                                                            const MutationSpec& mutation);

// Checks a family's references at one locus against its pedigree without mutation
// (`plain`): inconsistent references are a FailedPrecondition naming family, locus and
// members, or, when a mutation model is in use, a warning in `diag`.
// `model` is the model in use (checked too, when it has mutation: a zero likelihood there
// is an error).
absl::Status CheckFamilyReferences(const Pedigree& ped, const std::vector<GenotypeIdx>& g,
                                   const PedigreeLocusModel& plain, const PedigreeLocusModel& model,
                                   bool mutation, const std::string& locus, Diagnostics* diag);

// "male"/"1", "female"/"2", "unknown"/"0" (the value of --sex1).
absl::StatusOr<Sex> ParseSex(const std::string& s);

// Warns when a pedigree member's sex contradicts the Amelogenin of its sample.
void CheckSexesAgainstAmel(const Pedigree& ped, const ProfileSet& profiles, Diagnostics* diag);

// What the run is doing, in words ("reading the profiles in FILE"), so that main() can name it
// when memory runs out (std::bad_alloc). Best effort; the subcommands set it as they go.
void SetStage(std::string stage);
const std::string& Stage();

// The writers' last guard: a NaN result is a bug, an Internal error (exit 3) naming `what`,
// never a row of a report.
absl::Status CheckFinishedNumber(double v, const std::string& what);

// Formats a double with 17 significant digits ("-inf" for an exclusion).
std::string FormatDouble(double v);

}  // namespace kinship::cli

#endif  // KINSHIP_TOOLS_CLI_COMMON_H_
