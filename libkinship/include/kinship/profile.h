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
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/status/statusor.h"
#include "kinship/diagnostics.h"
#include "kinship/io.h"
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
};

class ProfileSet {
 public:
  int sample_ct() const { return static_cast<int>(sample_ids_.size()); }
  int locus_ct() const { return static_cast<int>(columns_.size()); }
  const std::string& sample_id(int s) const { return sample_ids_[s]; }
  // Index of the sample, or -1.
  int FindSample(const std::string& id) const;
  GenotypeIdx genotype(int locus, int sample) const { return columns_[locus][sample]; }
  const std::vector<GenotypeIdx>& column(int locus) const { return columns_[locus]; }

  // The samples `samples` (indices into this set), in that order, with all loci.
  ProfileSet Subset(const std::vector<int>& samples) const;

  // Builders (used by BuildProfileSet and tests).
  void Reset(int locus_ct) { columns_.assign(locus_ct, {}); sample_ids_.clear(); index_.clear(); }
  int AddSample(const std::string& id);  // all loci untyped
  void set_genotype(int locus, int sample, GenotypeIdx g) { columns_[locus][sample] = g; }

 private:
  std::vector<std::string> sample_ids_;
  std::unordered_map<std::string, int> index_;
  std::vector<std::vector<GenotypeIdx>> columns_;
};

// Binds genotype records to `table` (whose loci define the ProfileSet's loci):
//  * locus names are made canonical; each renaming is noted once;
//  * a locus absent from the table is skipped with a note (locus, samples affected);
//  * an allele absent from the table is added to it with the minimum frequency
//    (see ProfileBuildOptions) and noted (locus, allele, frequency, samples);
//  * a sample/locus given twice: the same genotype is noted and kept once; different
//    genotypes are an InvalidArgument error naming both places;
//  * an allele given without its partner is an InvalidArgument error.
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

  ProfileBuildOptions options_;
  AlleleFreqTable* table_;
  Diagnostics* diag_;
  ProfileSet set_;
  std::set<std::string> renamed_;
  std::unordered_map<std::string, std::pair<std::string, int>> locus_cache_;  // written -> (canonical, index)
  std::map<std::string, std::set<std::string>> unknown_loci_;                  // locus -> samples
  std::map<std::pair<int, std::string>, std::set<std::string>> imputed_;      // (locus, allele) -> samples
  std::map<std::pair<int, std::string>, double> imputed_freq_;                // as imputed
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
