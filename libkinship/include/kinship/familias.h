// File: kinship/familias.h
//
// Familias 3 case files (`.fam`): reading them whole (ReadFamiliasFile), computing a case's
// likelihood ratios with the file's own parameters (ComputeFamiliasLrs), and the pieces both
// `kinship lr --fam` and `kinship convert --fam` use (the pedigrees, the frequency table and
// the mutation parameters the file describes). The layout is in docs/user-guide.md
// ("Familias case files"); what kinship refuses (twins, silent alleles, drop-out, an error
// rate, ...) is checked by CheckFamiliasSupported, never ignored.
//
//   kinship::Diagnostics diag;
//   auto fam = kinship::ReadFamiliasFile("paternity.fam", &diag);   // StatusOr<FamiliasCase>
//   kinship::FamiliasLrOptions opts;                                 // reference: 1st pedigree
//   opts.untyped_founders = kinship::UntypedFounders::kExact;        // pedsuite's convention
//   auto lrs = kinship::ComputeFamiliasLrs(*fam, opts, &diag);
//   for (const auto& row : lrs->rows) printf("%s %g\n", row.pedigree.c_str(), row.log10_lr);
//
// Indices in the structs are those of the file: 0-based, as Familias writes them. Every
// element keeps the line it was read from (1-based) for messages.
#ifndef KINSHIP_FAMILIAS_H_
#define KINSHIP_FAMILIAS_H_

#include <cstdio>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "kinship/diagnostics.h"
#include "kinship/locus.h"
#include "kinship/mutation.h"
#include "kinship/pedigree.h"
#include "kinship/pedigree_lr.h"

namespace kinship {

// One typed marker of a person: allele indices into the database locus `locus` (0-based).
struct FamGenotype {
  int allele1 = 0, allele2 = 0, locus = 0;
  int line = 0;
};

// A person of the case (present in every pedigree). Familias writes six lines: the name, a
// flag, a line "-1" that may carry "(Consider dropouts)", a second flag, the sex and the
// number of typed markers. The two flags and the number (-1 in every file seen; the meaning
// is not documented by Familias' readers) are kept as written; CheckFamiliasSupported
// refuses values other than #FALSE#, -1, #FALSE#.
struct FamPerson {
  std::string name;
  bool flag1 = false;
  int number = -1;
  bool consider_dropouts = false;
  bool flag2 = false;
  bool male = false;
  std::vector<FamGenotype> genotypes;
  int line = 0;
};

// parent -> child, as indices into the pedigree's persons: the case's persons, then the
// known-relation extras (females, then males), then the pedigree's own extras (females, then
// males).
struct FamRelation {
  int parent = 0, child = 0;
  int line = 0;
};

struct FamPedigree {
  int index = 0;  // as written (0-based)
  std::string name;
  int extra_females = 0, extra_males = 0;
  std::vector<FamRelation> relations;
  int line = 0;
};

// Familias' mutation model codes.
enum class FamMutationCode {
  kEqual = 0,
  kProportional = 1,
  kStepwise = 2,            // "stepwise (unstationary)"
  kStepwiseStationary = 3,  // stepwise made stationary (Familias' stabilization, PM)
  kExtendedStepwise = 4,
};
const char* FamMutationCodeName(FamMutationCode code);

struct FamLocus {
  std::string name;  // as written
  double female_rate = 0, male_rate = 0;
  FamMutationCode female_model = FamMutationCode::kEqual, male_model = FamMutationCode::kEqual;
  int allele_ct_with_silent = 0;
  double female_range = 0, male_range = 0;
  double female_rate2 = 0, male_rate2 = 0;
  bool has_silent = false;
  double silent_freq = 0;
  std::optional<long long> database_size;  // "(DatabaseSize = N , ...)"
  double dropout = 0;                      // "Dropout probability = d"
  double minor_allele_freq = 0;            // "Minor allele frequency = m"
  std::vector<std::string> alleles;        // labels as written (quotes removed)
  std::vector<double> freqs;
  int line = 0;  // the locus name's line
};

struct FamDatabase {
  int database_ct = 1;  // "#Databases: n"
  double theta = 0;     // "Theta/Kinship/Fst: t"
  bool has_info = false;
  std::string name;  // when has_info
  std::vector<FamLocus> loci;
  int line = 0;
};

// DVI module: a person with DNA data (markers by name, alleles as labels).
struct FamDviMarker {
  std::string system, allele1, allele2;
  int line = 0;
};
struct FamDviPerson {
  std::string name;
  Sex sex = Sex::kUnknown;  // Gender= Male / Female
  std::vector<FamDviMarker> markers;
  int line = 0;
};
struct FamDviPedigree {
  std::string name;
  std::vector<std::pair<std::string, std::string>> relations;  // (parent, child) names
  int line = 0;
};
struct FamDviFamily {
  std::string name;
  std::vector<FamDviPerson> persons;
  std::vector<FamDviPedigree> pedigrees;
  int line = 0;
};
struct FamDvi {
  bool present = false;
  std::vector<FamDviPerson> unidentified;
  std::vector<std::string> notes;  // [[Notes]] lines after nFamilies, as written
  std::vector<FamDviFamily> families;
  int line = 0;
};

// A `key= value` line of the [Prior] or [Advanced] sections.
struct FamSetting {
  std::string section;  // "Prior", "Advanced/Direct/Identity", "Advanced/DVI", ...
  std::string key, value;
  int line = 0;
};

// [Advanced]: the values that bear on a computation, parsed; every line also in `settings`.
struct FamAdvanced {
  bool present = false;
  double dropin = 0, dropout = 0, error = 0;  // [[Direct/Identity]]
  int dropin_line = 0, dropout_line = 0, error_line = 0;
  std::optional<int> number_of_decimals;  // [[Other]]
  std::string quick_search;               // [[DVI]] Enabled/Disabled
  std::optional<int> allowed_mismatches;  // [[DVI]]
  std::vector<FamSetting> simulation;     // [[Simulation]] (SaveGenotypes, SaveComplete, ForceMAF)
};

// Everything a .fam file holds.
struct FamiliasCase {
  std::string path;
  std::string producer;  // first line: "Output from Familias, version 3.3.1"
  std::string version;   // third line: "3.3.1", "3.3 (DVI)"
  std::vector<FamPerson> persons;
  int known_extra_females = 0, known_extra_males = 0;
  std::vector<FamRelation> known_relations;
  std::vector<FamPedigree> pedigrees;
  FamDatabase database;
  FamDvi dvi;
  std::vector<FamSetting> prior;
  FamAdvanced advanced;
  std::vector<FamSetting> settings;  // every [Prior] and [Advanced] line, in order
};

// Reads a Familias 3 .fam file. Strict: InvalidArgument "path:line: what was found; expected
// ..." for anything that is not the layout (docs/user-guide.md), including what Familias
// can write but kinship cannot represent: a twin ("Direct") relation, precomputed
// probabilities, a mutation model code outside 0-4, more than one database, an unknown
// [Advanced] key or section. NotFound when the file cannot be opened. Records the file's
// SHA-256 in `diag`. What the reader can hold but kinship does not model (silent alleles,
// drop-out, an error rate, ...) is refused by CheckFamiliasSupported.
absl::StatusOr<FamiliasCase> ReadFamiliasFile(const std::string& path, Diagnostics* diag);

// OK when kinship models every part of the case that bears on its pedigree LRs; otherwise
// FailedPrecondition naming file, line and the thing: a silent allele, drop-out considered
// for a person at a locus with a drop-out probability > 0, [Advanced] Dropin/Dropout/Error
// > 0, a person's unexplained fields with values other than those seen, theta outside [0, 1).
absl::Status CheckFamiliasSupported(const FamiliasCase& fam);

// The frequency table of the database: locus names canonical (CanonicalLocusName), allele
// labels that are repeat numbers in their canonical spelling (ReadAlleleLabel), others as
// written; frequencies as written (neither normalised nor completed). InvalidArgument for two
// labels that are one allele, or more than kMaxAllelesPerLocus alleles.
absl::StatusOr<AlleleFreqTable> FamiliasFrequencyTable(const FamiliasCase& fam);

// The mutation parameters of a locus for a transmission from a parent of `sex` (kMale or
// kFemale): codes 0, 1 -> equal, proportional; 2 and 4 -> stepwise (extended-stepwise when
// rate2 > 0: one matrix, pedmut's stepwise with rate2); 3 -> the same made stationary with
// the PM transformation (Familias' stabilization). A rate of 0 (and rate2 0) -> kNone.
MutationParams FamiliasMutationParams(const FamLocus& locus, Sex sex);

// The case's pedigrees as kinship pedigrees (family = the pedigree's name): the case's
// persons (sample_id = the name for a person with typed markers), the extras ("extra_<k>",
// "extra_<pedigree>_<k>"), and, for a child with one parent given, the other parent added as
// an untyped founder "added_<k>" (Familias' unknown parent: a random member of the
// population). FailedPrecondition (naming file and line) for a relation index out of range,
// a child with two fathers or two mothers, a person its own ancestor.
absl::StatusOr<std::vector<Pedigree>> FamiliasPedigrees(const FamiliasCase& fam);

struct FamiliasLrOptions {
  // The pedigree every LR is against (by name); empty: the file's first.
  std::string reference_pedigree;
  // Untyped founders (kinship/pedigree_lr.h). Default kFamilias: what Familias prints
  // (Familias reduces the pedigree once for the case); kExact is pedsuite's (forrel).
  UntypedFounders untyped_founders = UntypedFounders::kFamilias;
  EngineLimits limits;  // typed_anywhere is filled from the case
};

struct FamiliasLrRow {
  std::string pedigree;
  double log10_lr = 0;            // log10 P(data | pedigree) / P(data | reference)
  std::vector<double> per_locus;  // per database locus; 0 where nobody is typed
};

struct FamiliasLrResult {
  std::string reference;
  std::vector<std::string> locus_names;  // canonical, database order
  std::vector<FamiliasLrRow> rows;       // every pedigree in file order (the reference: 0)
  double theta = 0;
  UntypedFounders untyped_founders = UntypedFounders::kFamilias;
};

// The LR of every pedigree of the case against the reference, per locus and total, with the
// file's frequencies as written, its theta and each locus' per-sex mutation model, by the
// pedigree engine (exact; kinship/pedigree_lr.h). Errors: CheckFamiliasSupported's; a case
// without pedigrees or persons with data, an unknown reference (InvalidArgument, naming the
// pedigrees); FailedPrecondition for a locus where the data are impossible under both a
// pedigree and the reference, or under the reference alone (LR undefined); the engine's.
absl::StatusOr<FamiliasLrResult> ComputeFamiliasLrs(const FamiliasCase& fam, const FamiliasLrOptions& opts,
                                                    Diagnostics* diag);

// Writes `pedigree,reference,log10_lr,lr` (one row per pedigree; %.17g) and the per-locus
// `pedigree,reference,locus,log10_lr`.
void WriteFamiliasLrCsv(const FamiliasLrResult& result, std::FILE* out);
void WriteFamiliasLrPerLocusCsv(const FamiliasLrResult& result, std::FILE* out);

// What `kinship convert --fam` writes into a directory: kinship's CSV inputs that reproduce
// ComputeFamiliasLrs through `kinship lr --pedigrees --pedigrees-h2 --cases` (see the
// README it writes). Each file's content as text, by file name.
struct FamiliasConversion {
  std::vector<std::pair<std::string, std::string>> files;  // (file name, content)
};
// Errors: CheckFamiliasSupported's; FailedPrecondition when kinship's options cannot say the
// case's model (loci or sexes differing in mutation model, range or rate2; a model other
// than one per case), when no person has data, or a name cannot be written to CSV.
absl::StatusOr<FamiliasConversion> ConvertFamilias(const FamiliasCase& fam, const FamiliasLrOptions& opts,
                                                   Diagnostics* diag);

}  // namespace kinship

#endif  // KINSHIP_FAMILIAS_H_
