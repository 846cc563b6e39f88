// File: kinship/simulate.h
//
// Synthetic data for demos, tests and benchmarks: what `kinship simulate` writes. Families of
// a few fixed shapes, each with one missing person ("MP"; the joint-identification shapes
// have two or three) and typed references; the missing
// persons become victims, optionally with unrelated victims added, in random order and with
// loci dropped at random (partial profiles); a truth table says which victim is whose missing
// person. Founders' genotypes are drawn from the frequency table (Hardy-Weinberg), children's
// by Mendel's laws, without mutation. The same table, options and seed give the same
// simulation, bit for bit, on every platform (std::mt19937_64 with portable draws of our own).
//
//   kinship::SimulateOptions opts;
//   opts.family_ct = 500;
//   opts.unrelated_ct = 300;
//   opts.dropout = 0.1;
//   opts.seed = 7;
//   absl::StatusOr<kinship::Simulation> sim = kinship::Simulate(*table, opts);
//   if (!sim.ok()) return Fail(sim.status());
//   kinship::WriteSimulatedPedigreesCsv(*sim, peds_file);        // kinship match --pedigrees
//   kinship::WriteSimulatedProfilesCsv(sim->references, *table, refs_file);   // --profiles
//   kinship::WriteSimulatedProfilesCsv(sim->victims, *table, victims_file);   // --victims
//   kinship::WriteSimulatedTruthCsv(*sim, truth_file);
//
// The writers write to a stdio stream and do not check it: the caller checks the stream
// (ferror/fclose) once, as kinship/report.h's writers expect too.
#ifndef KINSHIP_SIMULATE_H_
#define KINSHIP_SIMULATE_H_

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "kinship/locus.h"

namespace kinship {

// Largest `family_ct` and `unrelated_ct` accepted.
inline constexpr int kMaxSimulated = 100000000;

// The family shapes, in their default order: "parents", "mother-sister", "wife-children",
// "grandparents-aunt", "siblings", "father" (docs/user-guide.md draws each).
std::vector<std::string> SimulationShapeNames();
// Shapes with several missing persons, for joint identification (`kinship dvi`), in their
// default order for `dvi`: "father" (one MP), "father-son" (father and son missing; mother
// and a daughter typed), "two-sisters" (two daughters missing; father and a son typed),
// "parents-son" (father, mother and son missing; the mother's mother and a daughter typed).
// Any shape may be used in either mode.
std::vector<std::string> SimulationDviShapeNames();

struct SimulateOptions {
  int family_ct = 0;     // families (each missing person a victim); in [0, kMaxSimulated]
  int unrelated_ct = 0;  // unrelated victims added; in [0, kMaxSimulated]
  std::uint64_t seed = 1;
  // Family shapes (SimulationShapeNames()), used in turn: family i has shapes[i % size].
  std::vector<std::string> shapes = SimulationShapeNames();
  // Probability that a victim's locus is untyped, in [0, 1); a victim keeps at least one locus.
  double dropout = 0;
  // Degraded victims (docs/model.md, "Observations"), on the loci kept above: each visible
  // allele fails with probability `allele_dropout` (a homozygote's two copies both, d²), then
  // with probability `dropin` one allele drawn from the visible alleles' frequencies joins. One
  // allele seen is written x,x; nothing seen or three alleles leave the locus untyped. Both in
  // [0, 1); at 0 no draw is made (the output is that of a run without them). A victim left
  // with no locus gets one locus as it truly is.
  double allele_dropout = 0;
  double dropin = 0;
  // Joint-identification data: missing persons named "<family>_<id>" (unique across
  // families), each victim with a sex (an unrelated victim's drawn; WriteSimulatedVictimSexCsv).
  // Off: no sex drawn, the output is that of a run without it.
  bool dvi = false;
};

// A victim locus that allelic drop-out or drop-in changed: the truth and what is written
// (kUntyped: nothing, or three alleles).
struct SimulatedObservation {
  int victim;  // index into Simulation::victims
  int locus;
  GenotypeIdx truth;
  GenotypeIdx observed;
};

// One member of a simulated family, as a row of the pedigree file.
struct SimulatedMember {
  std::string family;     // "F000001", ...
  std::string id;         // "FA", "MO", "MP", ... (unique within the family)
  std::string father;     // empty for a founder
  std::string mother;     // empty for a founder
  int sex = 0;            // 1 male, 2 female
  std::string sample_id;  // "<family>_<id>" for a typed reference; empty otherwise
  bool missing = false;   // the missing person (id "MP")
  // The member's genotype at every locus of the table (typed or not), as simulated: the truth
  // that references and victims are drawn from.
  std::vector<GenotypeIdx> genotypes;
};

// A simulated profile: one genotype per locus of the frequency table, in its order
// (GenotypeIndex of allele indices; kUntyped for a dropped locus).
struct SimulatedProfile {
  std::string sample_id;
  std::vector<GenotypeIdx> genotypes;
};

// Which family's missing person a victim is.
struct SimulatedTruth {
  std::string victim_id;   // "V0000001", ...
  std::string family;      // empty for an unrelated victim
  std::string missing_id;  // the member's id ("MP" in the one-MP shapes); empty for an unrelated victim
  std::string shape;       // the family's shape; empty for an unrelated victim
  int sex = 0;             // 1 male, 2 female; 0 (not drawn) for an unrelated victim without `dvi`
};

struct Simulation {
  std::vector<SimulatedMember> members;       // every family's members, parents before children
  std::vector<SimulatedProfile> references;   // the typed members' profiles, in member order
  std::vector<SimulatedProfile> victims;      // in random order, ids V0000001, ... in that order
  std::vector<SimulatedTruth> truth;          // truth[i] is about victims[i]
  std::vector<SimulatedObservation> observations;  // allele drop-out and drop-in, in victim order
};

// Simulates `options.family_ct` families and `options.unrelated_ct` unrelated victims from
// `freqs` (every locus of the table, each needs at least one allele). Errors: InvalidArgument
// for an unknown shape ("unknown shape 'cousins'; expected one of parents, ...", naming the
// known ones), no shapes while family_ct > 0, counts or dropout out of range, or nothing to
// simulate (both counts 0); FailedPrecondition for a table without loci or with a locus
// without alleles. Memory grows with the counts times the locus
// count (two bytes per genotype). Thread-safe (no shared state).
absl::StatusOr<Simulation> Simulate(const AlleleFreqTable& freqs, const SimulateOptions& options);

// `family,id,father,mother,sex,sample_id,missing` and one row per member ("0" for a
// founder's parents, missing 1 or 0).
void WriteSimulatedPedigreesCsv(const Simulation& sim, std::FILE* out);
// `sample_id,locus,allele1,allele2` and one row per typed locus (allele labels from `freqs`,
// the smaller index first). REQUIRES: `freqs` is the table the profiles were simulated from.
void WriteSimulatedProfilesCsv(const std::vector<SimulatedProfile>& profiles, const AlleleFreqTable& freqs,
                               std::FILE* out);
// `victim_id,locus,true_allele1,true_allele2,observed_allele1,observed_allele2`: one row per
// victim locus that allelic drop-out or drop-in changed (observed empty: left untyped).
void WriteSimulatedObservationsCsv(const Simulation& sim, const AlleleFreqTable& freqs, std::FILE* out);
// `sample_id,sex` (1 male, 2 female) and one row per victim (`kinship dvi --victim-sex`).
void WriteSimulatedVictimSexCsv(const Simulation& sim, std::FILE* out);
// `victim_id,family,missing_id,shape` and one row per victim.
void WriteSimulatedTruthCsv(const Simulation& sim, std::FILE* out);

}  // namespace kinship

#endif  // KINSHIP_SIMULATE_H_
