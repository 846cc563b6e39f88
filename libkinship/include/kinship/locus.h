// File: kinship/locus.h
//
// The model of STR loci and allele frequencies.
//
// Conventions used throughout kinship (one place, as plink2_base.h does):
//  * Alleles of a locus are small integers 0..n-1 (`AlleleIdx`), in the order of the
//    frequency table; their labels (`9.3`, `15.2`, `OL`, `<8`) are kept as text.
//  * An unordered genotype {a, b} with a <= b is one integer, its triangular index
//    `GenotypeIndex(a, b) = b*(b+1)/2 + a`; a locus with n alleles has n(n+1)/2
//    genotypes. `kUntyped` marks a locus not typed in a sample.
//  * Names carry their scale: `log10_lr` is a base-10 log, `lr` a linear ratio,
//    `freq` a probability.
//
//   kinship::Diagnostics diag;
//   absl::StatusOr<kinship::AlleleFreqTable> table =
//       kinship::ReadAlleleFreqs("data/allele_freqs/NIST1036_All.csv", &diag);
//   const kinship::Locus* th01 = table->Find("TH01");
//   int idx = th01->FindAllele("9.3");        // -1 if absent
//   double p = th01->freq(idx);
#ifndef KINSHIP_LOCUS_H_
#define KINSHIP_LOCUS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace kinship {

using AlleleIdx = std::uint8_t;
using GenotypeIdx = std::uint16_t;

// Largest number of alleles a locus may have (a genotype index then fits 16 bits).
inline constexpr int kMaxAllelesPerLocus = 255;
inline constexpr GenotypeIdx kUntyped = 0xFFFF;
// A failed allele (docs/model.md, "Observations"): `a,F` (allele a seen, the other not
// determined) is stored in a profile as kWildcardBase + a, outside the genotype indices
// (at most GenotypeCount(255) = 32640). Only profiles hold these codes; the engines see the
// observation as evidence over genotypes (kinship/observation.h).
inline constexpr GenotypeIdx kWildcardBase = 0x8000;
inline constexpr GenotypeIdx WildcardCode(int allele) { return static_cast<GenotypeIdx>(kWildcardBase + allele); }
inline constexpr bool IsWildcard(GenotypeIdx g) { return g >= kWildcardBase && g < kWildcardBase + 256; }
inline constexpr int WildcardAllele(GenotypeIdx g) { return g - kWildcardBase; }
// Smallest allele frequency accepted (from a table or --min-freq): keeps every genotype
// and pedigree probability far from double underflow, so no 0/0 can arise.
inline constexpr double kMinFrequency = 1e-9;

inline constexpr int GenotypeCount(int allele_ct) {
  return allele_ct * (allele_ct + 1) / 2;
}
// REQUIRES: a, b < kMaxAllelesPerLocus. Order of a and b does not matter.
inline constexpr GenotypeIdx GenotypeIndex(int a, int b) {
  return a <= b ? static_cast<GenotypeIdx>(b * (b + 1) / 2 + a)
                : static_cast<GenotypeIdx>(a * (a + 1) / 2 + b);
}
// The two alleles (first <= second) of a genotype index. REQUIRES: g != kUntyped.
struct AllelePair {
  AlleleIdx a;
  AlleleIdx b;
};
AllelePair GenotypeAlleles(GenotypeIdx g);

// Numeric reading of an STR allele label, for stepwise mutation models: `9.3` is
// repeat number 9.3 with microvariant class 3; `12` has class 0. Labels that are
// not a decimal number with at most one decimal digit (`OL`, `<8`, `9.31`) have no
// numeric reading.
struct AlleleValue {
  double repeats;
  int microvariant_class;  // the decimal digit, 0..9
};
std::optional<AlleleValue> ParseAlleleValue(const std::string& label);

// How an allele designation written in a lab file is read (docs/model.md, "Allele labels").
enum class AlleleLabelKind {
  kNumeric,    // a repeat number: digits, optionally a decimal point (or comma) and digits
  kOffLadder,  // `OL`, `<n`, `>n`: an allele is there, its designation is unknown
  kFailed,     // `F`: a failed allele, the wildcard of `a,F` (kinship/observation.h)
  kSilent,     // `silent`: a null allele (a frequency-table row only; never observed)
  kInvalid,    // anything else (`x?`, `9.3.1`, ...)
};
struct AlleleLabel {
  AlleleLabelKind kind;
  // kNumeric: the canonical spelling — no leading zeros in the whole part, no trailing
  // zeros in the decimal part, no decimal point when that part is empty (`12.0`, `012`
  // -> `12`; `09.30` -> `9.3`; `30,2` -> `30.2`). Otherwise the label as written.
  std::string text;
  bool comma_decimal = false;  // written with a decimal comma (`30,2`)
};
// Reads one allele designation (already trimmed of surrounding white space).
AlleleLabel ReadAlleleLabel(const std::string& written);

// One locus: its canonical name, allele labels and frequencies, and the number of
// individuals behind the frequencies when known (for the 5/(2N) minimum).
class Locus {
 public:
  Locus() = default;
  explicit Locus(std::string name) : name_(std::move(name)) {}

  const std::string& name() const { return name_; }
  int allele_ct() const { return static_cast<int>(labels_.size()); }
  int genotype_ct() const { return GenotypeCount(allele_ct()); }
  const std::string& label(int allele) const { return labels_[allele]; }
  double freq(int allele) const { return freqs_[allele]; }
  const std::vector<double>& freqs() const { return freqs_; }
  const std::vector<std::string>& labels() const { return labels_; }
  // Whether allele `a` was imputed (absent from the table, added by kinship).
  bool imputed(int allele) const { return imputed_[allele]; }

  // Number of individuals typed for the frequency estimate; nullopt if unknown.
  std::optional<int> sample_size() const { return sample_size_; }
  void set_sample_size(std::optional<int> n) { sample_size_ = n; }

  // Index of the allele with this label, or -1.
  int FindAllele(const std::string& label) const;
  // Appends an allele. REQUIRES: label not present; allele_ct() < kMaxAllelesPerLocus.
  int AddAllele(std::string label, double freq, bool imputed = false);
  // The rest allele: the mass 1 - Σp of a table whose listed frequencies sum to less than 1,
  // used as written (`--normalize-freqs no`). It stands for every allele the table does not
  // list; no profile can carry it (its label `rest` is no allele designation), it neither
  // mutates nor is reached by mutation, and with it every founder allele distribution sums
  // to 1, so closed-form and pedigree likelihoods agree (docs/model.md). -1 when absent.
  int rest_allele() const { return rest_; }
  // Appends the rest allele. REQUIRES: none yet; 0 < freq < 1.
  int AddRestAllele(double freq);

  // The silent (null) allele: a frequency-table row `silent`. Inherited like any allele, never
  // observed (a/silent shows {a}); it neither mutates nor is reached by mutation. -1 when
  // absent.
  int silent_allele() const { return silent_; }
  // Appends the silent allele. REQUIRES: none yet.
  int AddSilentAllele(double freq);
  // Whether allele `a` can appear in a profile: every allele but the rest and silent ones.
  bool observable(int a) const { return a != rest_ && a != silent_; }

  // Multiplies every frequency by `factor` (rescaling after imputation).
  void ScaleFrequencies(double factor);
  double FrequencySum() const;

 private:
  std::string name_;
  std::vector<std::string> labels_;
  std::vector<double> freqs_;
  std::vector<bool> imputed_;
  std::unordered_map<std::string, int> index_;
  std::optional<int> sample_size_;
  int rest_ = -1;
  int silent_ = -1;
};
inline constexpr char kRestAlleleLabel[] = "rest";
inline constexpr char kSilentAlleleLabel[] = "silent";

// The sex of a person (from a pedigree, a pairs file or a profile's Amelogenin).
enum class Sex { kUnknown, kMale, kFemale };
const char* SexName(Sex sex);  // "unknown", "male", "female"

// The loci of a frequency table, in the order they were read.
class AlleleFreqTable {
 public:
  int locus_ct() const { return static_cast<int>(loci_.size()); }
  const Locus& locus(int i) const { return loci_[i]; }
  Locus& mutable_locus(int i) { return loci_[i]; }
  const std::vector<Locus>& loci() const { return loci_; }
  // Index of the locus with this canonical name, or -1.
  int FindLocus(const std::string& canonical_name) const;
  const Locus* Find(const std::string& canonical_name) const {
    int i = FindLocus(canonical_name);
    return i < 0 ? nullptr : &loci_[i];
  }
  // Appends a locus. REQUIRES: no locus of that name yet.
  int AddLocus(Locus locus);
  // Rescales every locus to sum to 1. Loci whose sum is within 1e-14 of 1 (the rounding of a
  // table already normalised, so that normalising twice changes nothing) are left as they
  // are. Returns the number of loci rescaled, and (when not null) the name and sum of the one
  // furthest from 1.
  int Normalize(std::string* worst_locus = nullptr, double* worst_sum = nullptr);

 private:
  std::vector<Locus> loci_;
  std::unordered_map<std::string, int> index_;
};

// Canonical spelling of a locus name: aliases of the common STR loci (`VWA`, `vWA`,
// `THO1`, `TH01`, `PENTA_E`, `Penta E`, `PentaE`, `d2s1338`, ...) map to one form
// (`vWA`, `TH01`, `Penta E`, `D2S1338`). Matching ignores case, spaces, `_`, `-`
// and `.`; a name outside the alias table becomes its upper-case form with those
// characters removed.
std::string CanonicalLocusName(const std::string& name);

// Whether a marker is a sex or Y-chromosome marker that kinship skips
// (Amelogenin, DYS..., Y-indel).
bool IsSexOrYMarker(const std::string& name);
// Whether a marker is Amelogenin (`AMEL`, `Amelogenin`, `AM`), read for the sample's sex.
bool IsAmelogenin(const std::string& name);

}  // namespace kinship

#endif  // KINSHIP_LOCUS_H_
