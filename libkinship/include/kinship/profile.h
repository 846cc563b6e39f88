// File: kinship/profile.h
//
// Profiles bound to a frequency table, stored per locus for all samples (structure
// of arrays): `genotype(locus, sample)` is a GenotypeIdx or kUntyped. Building a
// ProfileSet is where alleles absent from the frequency table are imputed.
//
//   kinship::ProfileBuildOptions opts;            // min_freq 0.001, no rescaling
//   auto profiles = kinship::BuildProfileSet(records, opts, &table, &diag);
//   int s = profiles->FindSample("P001_A");
//   kinship::GenotypeIdx g = profiles->genotype(/*locus=*/0, s);
#ifndef KINSHIP_PROFILE_H_
#define KINSHIP_PROFILE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/status/statusor.h"
#include "kinship/diagnostics.h"
#include "kinship/genotype_record.h"
#include "kinship/locus.h"

namespace kinship {

struct ProfileBuildOptions {
  // Frequency given to an allele absent from the table when the locus' sample size N
  // is unknown; with N known, 5/(2N) is used (NRC II). Default 0.001: 5/(2N) for a
  // database of N = 2500, the order of the published tables kinship ships, and the
  // value Familias users commonly enter. Must be in [kMinFrequency, 1).
  double min_freq = 0.001;
  // After imputing, rescale the locus so its frequencies sum to 1 (off: the
  // published frequencies are used as written and the imputed allele added).
  bool rescale_after_imputation = false;
  // The frequency table is frozen (a programme's fixed database): an allele absent from it is
  // an error listing every such allele and sample, never imputed, so that no profile can
  // change the table and one pair's numbers depend on that pair alone.
  bool frozen_table = false;
};

class ProfileSet {
 public:
  int sample_ct() const { return static_cast<int>(sample_ids_.size()); }
  int locus_ct() const { return static_cast<int>(columns_.size()); }
  const std::string& sample_id(int s) const { return sample_ids_[s]; }
  // Index of the sample, or -1.
  int FindSample(const std::string& id) const;
  // A GenotypeIdx, kUntyped, or a failed-allele code (IsWildcard, kinship/locus.h).
  GenotypeIdx genotype(int locus, int sample) const { return columns_[locus][sample]; }
  // The sex read from the sample's Amelogenin (X,X female; X,Y male), kUnknown without one.
  Sex amel_sex(int sample) const { return amel_sex_[sample]; }
  void set_amel_sex(int sample, Sex sex) { amel_sex_[sample] = sex; }
  const std::vector<GenotypeIdx>& column(int locus) const { return columns_[locus]; }

  // The samples `samples` (indices into this set), in that order, with all loci.
  ProfileSet Subset(const std::vector<int>& samples) const;

  // Builders (used by BuildProfileSet and tests).
  void Reset(int locus_ct) {
    columns_.assign(locus_ct, {});
    sample_ids_.clear();
    index_.clear();
    amel_sex_.clear();
  }
  int AddSample(const std::string& id);  // all loci untyped
  void set_genotype(int locus, int sample, GenotypeIdx g) { columns_[locus][sample] = g; }

 private:
  std::vector<std::string> sample_ids_;
  std::unordered_map<std::string, int> index_;
  std::vector<std::vector<GenotypeIdx>> columns_;
  std::vector<Sex> amel_sex_;
};

// Binds genotype records to `table` (whose loci define the ProfileSet's loci):
//  * locus names are made canonical; each renaming is noted once;
//  * a locus absent from the table is skipped with a note (locus, samples affected);
//  * allele labels are read with ReadAlleleLabel: numeric labels are made canonical
//    (`12.0` -> `12`, each respelling noted once per file); a failed allele `F` beside an
//    allele a (`a,F`) is the wildcard WildcardCode(a) (kinship/locus.h: a seen, the other
//    allele not determined); an off-ladder call (`OL`, `<n`, `>n`: an allele whose
//    designation is unknown) beside a is read as `a,F`, with a warning naming sample, file
//    and line (it must never count as a shared allele); two such calls name no allele and
//    leave the locus untyped (warned); `F,F`, `silent` and anything else that is not an
//    allele designation are InvalidArgument errors naming the file and line;
//  * an allele absent from the table is added to it with the minimum frequency
//    (see ProfileBuildOptions) and noted (locus, allele, frequency, samples), or, with a
//    frozen table, is a FailedPrecondition error listing every such allele;
//  * Amelogenin rows give the sample's sex (ProfileSet::amel_sex); other Y markers are
//    skipped with a note;
//  * a sample/locus given twice: the same genotype is noted and kept once; different
//    genotypes are an InvalidArgument error naming both places;
//  * an allele given without its partner is an InvalidArgument error;
//  * a sample left with no typed locus of the table (all untyped, off-ladder or at loci the
//    table lacks) is a warning from Finish() listing such samples (the first 10).
// Samples appear in order of first appearance.
// The same, batch by batch, so that large profile files need not be held as text records
// all at once: Add() binds a batch (in file order), Finish() applies the rescaling and writes
// the imputation and skipped-locus notes. Duplicates are checked across batches.
class ProfileBinder {
 public:
  ProfileBinder(const ProfileBuildOptions& options, AlleleFreqTable* table, Diagnostics* diag);
  ProfileBinder(const ProfileBinder&) = delete;
  ProfileBinder& operator=(const ProfileBinder&) = delete;
  absl::Status Add(const std::vector<GenotypeRecord>& records);
  // The profile set; call once, after the last Add.
  absl::StatusOr<ProfileSet> Finish();

 private:
  int FileIndex(const std::shared_ptr<const std::string>& file);
  absl::Status AddSexMarker(const GenotypeRecord& rec, const std::string& name);
  static constexpr int kMaxOffLadderWarnings = 20;

  ProfileBuildOptions options_;
  AlleleFreqTable* table_;
  Diagnostics* diag_;
  ProfileSet set_;
  std::set<std::string> renamed_;
  std::unordered_map<std::string, std::pair<std::string, int>> locus_cache_;  // written -> (canonical, index)
  std::map<std::string, std::set<std::string>> unknown_loci_;                  // locus -> samples
  std::map<std::pair<int, std::string>, std::set<std::string>> imputed_;      // (locus, allele) -> samples
  std::map<std::pair<int, std::string>, double> imputed_freq_;                // as imputed
  std::set<std::pair<std::string, std::string>> relabelled_;                  // (file, label) noted
  std::int64_t off_ladder_ct_ = 0;
  std::map<std::pair<int, std::string>, std::set<std::string>> frozen_misses_;  // (locus, allele) -> samples
  std::optional<std::string> first_frozen_miss_;                                // where, for the message
  std::map<std::string, Sex> amel_;                                             // sample -> Amelogenin sex
  std::map<std::string, std::int64_t> sex_markers_skipped_;                     // Y marker -> rows
  // Where each (sample, locus) was first given: file index and line (for duplicate messages).
  std::vector<std::string> files_;
  std::vector<std::int16_t> first_file_;
  std::vector<std::int32_t> first_line_;
};

absl::StatusOr<ProfileSet> BuildProfileSet(const std::vector<GenotypeRecord>& records,
                                           const ProfileBuildOptions& options,
                                           AlleleFreqTable* table, Diagnostics* diag);

}  // namespace kinship

#endif  // KINSHIP_PROFILE_H_
