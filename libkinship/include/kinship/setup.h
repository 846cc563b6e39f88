// File: kinship/setup.h
//
// What every pipeline (kinship/lr.h, kinship/match.h) does before it computes: read the
// frequency table (with sample sizes), build the mutation specification (with per-locus
// rates), and, once the profiles are bound (imputing unseen alleles), finish the table and
// say what the run changed in it. Also the checks a lab expects on families: references
// consistent with their pedigree, sexes against Amelogenin. And the pieces both pipelines
// share: where profiles come from (ProfileSource) and what a report carries (Provenance).
//
//   kinship::ModelOptions opts;
//   opts.freqs_path = "freqs.csv";
//   opts.mutation_model = kinship::MutationModel::kStepwise;
//   opts.mutation_rate = 0.002;
//   kinship::Diagnostics diag;
//   auto model = kinship::LoadModel(opts, &diag);           // table as read + mutation spec
//   ... bind profiles with ProfileBinder(opts.build_options(), &model->table, &diag) ...
//   auto report = kinship::FinishTable(opts, &model->table, &diag);  // normalise, report
//
// Error messages name the CLI options that correspond to the fields (`--theta` for `theta`).
#ifndef KINSHIP_SETUP_H_
#define KINSHIP_SETUP_H_

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "kinship/diagnostics.h"
#include "kinship/genotype_record.h"
#include "kinship/locus.h"
#include "kinship/mutation.h"
#include "kinship/observation.h"
#include "kinship/pedigree.h"
#include "kinship/pedigree_lr.h"
#include "kinship/profile.h"

namespace kinship {

// The population-genetic model of a run: the frequency table and how it is completed, θ,
// the mutation model, untyped founders. Defaults are kinship's documented defaults.
struct ModelOptions {
  std::string freqs_path;         // allele frequency table (kinship/io.h, ReadAlleleFreqs); required
  std::string sample_sizes_path;  // per-locus sample sizes (5/(2N) for unseen alleles); empty = none
  std::string rates_path;         // per-locus mutation rates CSV; empty = none
  double theta = 0;               // Balding-Nichols θ; 0 = Hardy-Weinberg
  MutationModel mutation_model = MutationModel::kNone;
  // Rate of both sexes (of males when mutation_rate_female is given); nullopt = not given
  // (rate 0, and per-locus rates then need a rate for every locus).
  std::optional<double> mutation_rate;
  std::optional<double> mutation_rate_female;
  double mutation_rate2 = 0;     // stepwise: to another microvariant class
  double mutation_range = 0.5;   // stepwise: relative probability of n+1 versus n steps
  MutationTransform mutation_transform = MutationTransform::kNone;
  double min_freq = 0.001;       // frequency of an unseen allele where N is unknown
  bool normalize_freqs = true;   // rescale loci to sum to 1 after imputation; false: rest allele
  bool allow_unnormalised = false;  // accept loci more than kFrequencySumTolerance off 1
  bool freeze_freqs = false;     // an allele absent from the table is an error (nothing imputed)
  UntypedFounders untyped_founders = UntypedFounders::kExact;
  // Where the caller writes the effective table (named in FinishTable's note); empty = nowhere.
  std::string effective_table_path;

  // The profile binding options these give (min_freq, freeze_freqs).
  ProfileBuildOptions build_options() const;
};

// Loci off 1 by more than this are an error unless allow_unnormalised.
inline constexpr double kFrequencySumTolerance = 0.01;
// With normalize_freqs off, a locus summing to within this of 1 is used as written (no rest
// allele); past it, a deficit becomes a rest allele and an excess is an error.
inline constexpr double kAsWrittenTolerance = 1e-9;

// A loaded model: the table (completed by binding and FinishTable), the table as read (to
// say what the run changed), and the mutation specification.
struct LoadedModel {
  AlleleFreqTable table;
  AlleleFreqTable as_read;
  MutationSpec mutation;
};

// Checks every numeric option (before any file is read), reads the frequency table (sums
// checked), the sample sizes and the per-locus rates. InvalidArgument for an option out of
// range or rates given without a model; the readers' errors otherwise. `stage`, when set,
// is told what is being read (for an out-of-memory message).
absl::StatusOr<LoadedModel> LoadModel(const ModelOptions& opts, Diagnostics* diag,
                                      const std::function<void(const std::string&)>& stage = {});

// What the run did to the frequency table, for the reports.
struct TableReport {
  bool changed = false;          // imputed alleles or rescaled loci: the effective table differs
  std::string change;            // what changed, in words ("unchanged" when nothing did)
  std::string effective_text;    // FormatAlleleFreqs of the effective table
  std::string effective_sha256;  // its SHA-256
};

// After the profiles are bound (imputation): with normalize_freqs, rescales every locus to
// sum to 1 and notes how many were rescaled and the largest change; without, adds a rest
// allele where a locus sums to less than 1 and refuses (FailedPrecondition) a locus summing
// to more. Notes the effective table's checksum.
absl::StatusOr<TableReport> FinishTable(const ModelOptions& opts, AlleleFreqTable* table, Diagnostics* diag);

// The per-locus mutation rates in use, ("locus", "male/female") for every locus of the table.
std::vector<std::pair<std::string, std::string>> RatesInUse(const AlleleFreqTable& table,
                                                            const MutationSpec& mutation);
// The note listing them ("mutation rates in use (male/female): ..."), added when the
// mutation model is enabled.
void NoteRatesInUse(const AlleleFreqTable& table, const MutationSpec& mutation, Diagnostics* diag);

// "male"/"1", "female"/"2", "unknown"/"0"; InvalidArgument otherwise.
absl::StatusOr<Sex> ParseSex(const std::string& s);

// Members whose typed genotypes break Mendel's laws at a locus, as "(child, parent, ...)"
// groups; empty when the inconsistency runs through untyped members (kEvidence members count
// as untyped here).
std::vector<std::string> MendelianConflicts(const Pedigree& ped, const std::vector<GenotypeIdx>& g);

// The genotypes of a family's members at every locus of `profiles` (`[locus][member]`,
// kUntyped for a member without a sample or untyped there), as the engine takes them: an
// uncertain observation (kinship/observation.h: a failed or silent allele, or drop-out or
// drop-in that `obs` gives the member's sample; `obs` may be null) is kEvidence, with its
// P(O | G) in `*evidence` (left empty when no member's observation is uncertain).
// FailedPrecondition naming `source` (the pedigree file), the family, the member and the
// sample ("... is in no <profile_files>") when a member's sample is not in `profiles`.
absl::StatusOr<std::vector<std::vector<GenotypeIdx>>> FamilyGenotypes(const Pedigree& ped, const ProfileSet& profiles,
                                                                      const AlleleFreqTable& table,
                                                                      const ObservationTable* obs,
                                                                      FamilyEvidence* evidence,
                                                                      const std::string& source,
                                                                      const std::string& profile_files = "profile file");

// Checks a family's references at one locus against its pedigree without mutation
// (`plain`): inconsistent references are a FailedPrecondition naming family, locus and
// members, or, when `mutation` (a mutation model is in use), a warning in `diag`; `model`,
// the model in use, is checked too when it has mutation (a zero likelihood there is an
// error). `evidence`: that of the members marked kEvidence in `g` (null when none is).
absl::Status CheckFamilyReferences(const Pedigree& ped, const std::vector<GenotypeIdx>& g,
                                   const PedigreeLocusModel& plain, const PedigreeLocusModel& model, bool mutation,
                                   const std::string& locus, Diagnostics* diag,
                                   const MemberEvidence* evidence = nullptr);

// Warns when a pedigree member's sex contradicts the Amelogenin of its sample.
void CheckSexesAgainstAmel(const Pedigree& ped, const ProfileSet& profiles, Diagnostics* diag);

// Profiles from a file (read in batches, never held whole as text; its checksum goes into the
// provenance) or from records in memory.
struct ProfileSource {
  std::string path;                     // a profile file (ReadProfileRecords' layouts)
  std::vector<GenotypeRecord> records;  // used when `path` is empty
  static ProfileSource File(std::string path) { return {std::move(path), {}}; }
  static ProfileSource Records(std::vector<GenotypeRecord> records) { return {"", std::move(records)}; }
};

// Which samples of a role (victims, references) a run takes by their CODIS CMF specimen
// category (GenotypeRecord::category). Empty `categories`: every sample.
struct CategorySelection {
  std::vector<std::string> categories;  // SPECIMENCATEGORY values kept, matched exactly
  std::string option;                   // the CLI option that gave them, for messages
};

// Reads (or takes from memory) the profiles of `sources` into `binder`, recording the sample
// ids in order of first appearance in `ids` (when not null) and in `set`; `stage` (may be
// empty) is told of each file. With `select.categories`, only the samples whose category is
// listed are bound (and recorded); the others are left out, and a note gives the counts kept
// and left out per category (a listed category that matches no sample is a warning).
// InvalidArgument naming `select.option`: a source whose records carry no category (not a
// CMF file), or no sample kept (the message lists the categories seen). No sources: nothing
// is chosen and nothing noted.
absl::Status BindSources(const std::vector<ProfileSource>& sources, ProfileBinder* binder, Diagnostics* diag,
                         const std::function<void(const std::string&)>& stage, std::vector<std::string>* ids,
                         std::set<std::string>* set, const CategorySelection& select = {});

// One input as the run read it: role ("freqs", "victims", ...), path and SHA-256.
struct InputDigest {
  std::string role, path, sha256;
};

// What a report carries to be reproduced: program version, the command (as the caller gave
// it), parameters (name, value as written in the report), inputs with checksums, and what the
// run did to the frequency table.
struct Provenance {
  std::string version;
  std::string command;
  std::vector<std::pair<std::string, std::string>> parameters;
  std::vector<InputDigest> inputs;
  TableReport table;
};

// The model's parameters as every report writes them, in this order: theta, mutation_model,
// mutation_rate_male/female, mutation_rate2, mutation_range, mutation_transform, min_freq,
// normalize_freqs.
std::vector<std::pair<std::string, std::string>> ModelParameters(const ModelOptions& model,
                                                                 const MutationSpec& mutation);

// The drop-out and drop-in file (`--observation`) when `path` is not empty, read over
// `table`, its samples checked against `profiles` (ReadObservations, CheckObservationSamples)
// and recorded in `inputs` as ("observation", path); an empty table (every sample 0, 0) when
// `path` is empty. `stage` (may be empty) is told of the reading.
absl::StatusOr<ObservationTable> LoadObservations(const std::string& path, const AlleleFreqTable& table,
                                                  const ProfileSet& profiles, Diagnostics* diag,
                                                  const std::function<void(const std::string&)>& stage,
                                                  std::vector<std::pair<std::string, std::string>>* inputs);

// Each (role, path) read by the run as a provenance input with the checksum its reader
// recorded in `diag`; Internal when a reader recorded none (a bug).
absl::Status AddInputDigests(const std::vector<std::pair<std::string, std::string>>& inputs,
                             const Diagnostics& diag, Provenance* prov);

// Whether the sexes' mutation models differ anywhere (then a person's sex changes an LR).
bool SexesDiffer(const MutationSpec& mutation);

}  // namespace kinship

#endif  // KINSHIP_SETUP_H_
