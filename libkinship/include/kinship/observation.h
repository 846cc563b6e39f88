// File: kinship/observation.h
//
// The observation model for degraded and imperfect profiles (docs/model.md, "Observations"):
// what a lab records at a locus is an observed allele set O, not necessarily the true
// genotype G. Three mechanisms act on the true genotype:
//  * a failed allele: `a,F` (WildcardCode(a) in a profile) means "a seen, the other allele
//    not determined": P(O | G) = 1 when a is one of G's alleles, else 0 (the sample's
//    drop-out and drop-in are not used for that locus);
//  * drop-out d and drop-in c, per sample (optionally per sample and locus): of the visible
//    alleles V(G) (G's alleles other than the silent one), with |V| = 2 each survives
//    independently with probability 1 - d, with |V| = 1 the allele survives with 1 - d²
//    (two copies), giving the surviving set S with probability D(S | G); then with
//    probability c one drop-in allele z drawn from p̃ (the frequencies of the alleles a
//    profile can show, renormalised) joins: O = S ∪ {z}. So
//      P(O | G) = (1 - c) D(O | G) + c [ D(O | G) Σ_{z∈O} p̃_z + Σ_{w∈O} D(O \ {w} | G) p̃_w ];
//  * a silent allele (a `silent` row of the frequency table, Locus::silent_allele): inherited
//    like any allele and never observed (a/silent shows {a}).
// A pedigree likelihood is then Σ over the true genotypes of everyone of
// P(genotypes | H) Π_typed P(O_i | G_i): the engines take P(O | G) over the genotypes of the
// locus as a member's evidence (kinship/pedigree_lr.h, kEvidence), and the screen folds it
// into the victims' columns. An observation that is certain (ObservationUncertain: no F, no
// drop-in, and not a single allele seen with drop-out or a silent allele at the locus) is the
// genotype itself, as before.
//
//   kinship::ObservationParams bone{.dropout = 0.2, .dropin = 0.05};
//   std::vector<double> w = kinship::ObservationLikelihoods(locus, kinship::GenotypeIndex(a, a), bone);
//   // w[GenotypeIndex(a, b)] = d (1 - d) (1 - c) + ... : b dropped out
#ifndef KINSHIP_OBSERVATION_H_
#define KINSHIP_OBSERVATION_H_

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "kinship/diagnostics.h"
#include "kinship/locus.h"
#include "kinship/profile.h"

namespace kinship {

// Drop-out and drop-in probabilities of one sample (at one locus), both in [0, 1).
struct ObservationParams {
  double dropout = 0;
  double dropin = 0;
  bool operator==(const ObservationParams&) const = default;
  bool operator<(const ObservationParams& o) const {
    return dropout != o.dropout ? dropout < o.dropout : dropin < o.dropin;
  }
};

// Whether the observation `observed` (a GenotypeIdx read as the set of its alleles, or a
// wildcard code; not kUntyped) at `locus` is anything but its own genotype for certain, i.e.
// P(O | G) > 0 for more than one genotype G: a wildcard, drop-in above 0, or a single allele
// seen with drop-out above 0 or where the locus has a silent allele. Two alleles seen without
// drop-in are certain whatever the drop-out: P(O | G) is then (1 - d)² for G = O and 0 for
// every other genotype, a factor common to both hypotheses of any LR.
bool ObservationUncertain(const Locus& locus, GenotypeIdx observed, ObservationParams params);

// P(O | G) for every genotype G of `locus` (GenotypeIndex order), O = `observed` (see
// ObservationUncertain). The values are those of the model above, evaluated in a fixed order
// (the same bits wherever they are computed).
std::vector<double> ObservationLikelihoods(const Locus& locus, GenotypeIdx observed, ObservationParams params);

// What the pedigree engine takes for one member at one locus (kinship/pedigree_lr.h): the
// observed genotype itself when the observation is certain (and kUntyped for kUntyped), else
// kEvidence, with `*evidence` set to ObservationLikelihoods (left alone otherwise).
GenotypeIdx EngineObservation(const Locus& locus, GenotypeIdx observed, ObservationParams params,
                              std::vector<double>* evidence);

// P(O | G) for one true genotype G = {g1, g2} and an observed set O given as up to three
// distinct alleles (`o`, size 0..3; the formula above, which also covers the sets no profile
// can hold: nothing observed, three alleles). For tests of the model (Σ_O P(O | G) = 1).
double ObservationProbability(const Locus& locus, const std::vector<int>& o, int g1, int g2,
                              ObservationParams params);

// Drop-out and drop-in per sample and locus (`--observation FILE`): a sample's own row, a
// (sample, locus) row overriding it at that locus, and a default for samples without a row.
class ObservationTable {
 public:
  // The parameters of `sample` at `locus` (an index of the frequency table).
  ObservationParams Get(const std::string& sample, int locus) const;
  // The parameters of samples without a row of their own (--victim-dropout/--victim-dropin
  // give them to the victims; 0, 0 otherwise).
  void set_default(ObservationParams p) { default_ = p; }
  ObservationParams default_params() const { return default_; }
  // Whether any sample or locus has a drop-out or drop-in above 0.
  bool any() const;
  bool empty() const { return by_sample_.empty() && by_locus_.empty(); }
  // Each sample named in the file, with the line that first named it ("path:line").
  const std::map<std::string, std::string>& samples_named() const { return where_; }

  // Builders (used by ReadObservations and tests). Return false when the row is already set.
  bool SetSample(const std::string& sample, ObservationParams p);
  bool SetSampleLocus(const std::string& sample, int locus, ObservationParams p);
  void NoteWhere(const std::string& sample, const std::string& where) { where_.emplace(sample, where); }

 private:
  std::map<std::string, ObservationParams> by_sample_;
  std::map<std::pair<std::string, int>, ObservationParams> by_locus_;
  std::map<std::string, std::string> where_;
  ObservationParams default_;
};

// Reads `sample_id,dropout,dropin` and optionally a `locus` column (a row with a locus
// overrides the sample's row there), columns in any order; loci are read as in profiles
// (canonical names) and must be in `table`. Errors (InvalidArgument naming the file and line):
// a missing column, a value that is not a number in [0, 1), an unknown locus, a row given twice.
absl::StatusOr<ObservationTable> ReadObservations(const std::string& path, const AlleleFreqTable& table,
                                                  Diagnostics* diag);

// FailedPrecondition naming the file and line of the first sample of `obs` that is in none of
// `profiles` (a sample given drop-out that no profile file holds is a mistake).
absl::Status CheckObservationSamples(const ObservationTable& obs, const std::vector<const ProfileSet*>& profiles,
                                     const std::string& path);

}  // namespace kinship

#endif  // KINSHIP_OBSERVATION_H_
