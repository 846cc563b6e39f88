// File: kinship/lr.h
//
// Exact likelihood ratios as one call: what `kinship lr` does, for any program. Two modes:
//  * pairs: each pair's stated relationship against unrelated (or against an alternative
//    relationship), locus by locus;
//  * cases: the LR that a candidate is a family's missing person (H1) against unrelated, or
//    against the candidate's place in an alternative pedigree (H2), given every typed member.
// Write the result with kinship/report.h (the formats of `kinship lr --out` and
// `--per-locus`).
//
//   kinship::LrRequest req;
//   req.model.freqs_path = "freqs.csv";
//   req.profiles = {kinship::ProfileSource::File("profiles.csv")};
//   req.pairs = {kinship::PairQuery::Of("father", "child", "parent-child")};  // or pairs_path
//   kinship::Diagnostics diag;
//   auto result = kinship::ComputeLrs(req, &diag);      // absl::StatusOr<LrResult>
//   double log10_lr = result->rows[0].log10_lr;
//
// Errors: the readers' (NotFound, InvalidArgument naming file and line), FailedPrecondition
// for inputs inconsistent with each other (a sample in no profile file, references
// impossible under their pedigree), ResourceExhausted past the engine's limits, Internal for a
// bug (a NaN). The first error stops the run: unlike the screen, every requested LR matters.
#ifndef KINSHIP_LR_H_
#define KINSHIP_LR_H_

#include <cmath>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "kinship/diagnostics.h"
#include "kinship/pedigree.h"
#include "kinship/setup.h"

namespace kinship {

// One pair: id1 and id2 (sample ids; id1 the older generation where it matters), the
// relationship (ParseRelationship's names), the alternative (empty: unrelated), and each
// person's sex as written (empty: id1 takes LrRequest::sex1, then the Amelogenin).
struct PairQuery {
  std::string id1, id2, relationship;
  std::string alternative;
  std::string sex1, sex2;
  std::string where;  // "path:line" for messages (empty for pairs built in memory)

  // A pair built in memory (no sexes given, no file position).
  static PairQuery Of(std::string id1, std::string id2, std::string relationship, std::string alternative = "") {
    PairQuery q;
    q.id1 = std::move(id1);
    q.id2 = std::move(id2);
    q.relationship = std::move(relationship);
    q.alternative = std::move(alternative);
    return q;
  }
};

// One case: a family, its missing person, and the candidate's sample.
struct CaseQuery {
  std::string family, missing_id, sample_id;
  std::string where;
};

// One paternity (or maternity) question: is `alleged_parent` the parent of `child`, whose other
// parent `known_parent` is typed (empty: a duo, the other parent untyped)? `sex` is the alleged
// parent's sex as written (empty: from the Amelogenin of the alleged parent, else opposite to
// the known parent's, else male when the sexes' mutation rates are equal; an error otherwise).
struct TrioQuery {
  std::string alleged_parent, child, known_parent, sex;
  std::string where;
};

// Reads a pairs CSV (header id1,id2,relationship, optionally alternative,sex1,sex2, in any
// order) and a cases CSV (family,missing_id,sample_id). CRLF, a UTF-8 BOM, blank and '#'
// lines are accepted; InvalidArgument naming file and line for anything else.
absl::StatusOr<std::vector<PairQuery>> ReadPairs(const std::string& path);
absl::StatusOr<std::vector<CaseQuery>> ReadCases(const std::string& path);
// Reads a trios CSV: header alleged_parent,child and optionally known_parent,sex, in any order.
absl::StatusOr<std::vector<TrioQuery>> ReadTrios(const std::string& path);

struct LrRequest {
  ModelOptions model;
  std::vector<ProfileSource> profiles;
  // Pairs mode: a pairs file, or pairs in memory.
  std::string pairs_path;
  std::vector<PairQuery> pairs;
  Sex sex1 = Sex::kUnknown;  // sex of id1 where a pair does not give it
  // Cases mode: a pedigree file (every family with a missing person) and a cases file (or
  // cases in memory); optionally the alternative pedigrees (same families, by id, each with a
  // member named as the case's missing person, untyped: where the candidate stands under H2).
  std::string pedigrees_path;
  std::string cases_path;
  std::vector<CaseQuery> cases;
  std::string pedigrees_h2_path;
  // Trios mode: the paternity index of each trio (TrioQuery), from a file or in memory. Each
  // is computed as the case of a family {missing parent, known parent, child} with the alleged
  // parent as the candidate against unrelated (the same engine, model and checks as cases).
  std::string trios_path;
  std::vector<TrioQuery> trios;
  // Drop-out and drop-in per sample (and locus): a file read by ReadObservations
  // (kinship/observation.h); empty: none (failed and silent alleles are modelled all the same).
  std::string observation_path;
  // Told what the run is doing, from the calling thread.
  std::function<void(const std::string& stage)> stage;
  // Fill every row's CaseDetail (what a case report shows, kinship/case_report.h), and the
  // result's provenance with the inputs' checksums. Costs a little per row; off by default.
  bool detail = false;
  std::string command;  // recorded in the provenance (the CLI gives its command line)
};

// The detail of one row, for a case report (kinship/case_report.h) or a data system that
// renders its own: the two hypotheses in words, their pedigrees, and per locus every typed
// person's genotype, the frequencies used and the LR.
struct DetailMember {
  std::string id;          // member id (pairs: the sample id, or a name for an untyped link)
  int father = -1, mother = -1;  // indices into the same pedigree; -1 = founder
  Sex sex = Sex::kUnknown;
  std::string sample_id;   // the profile standing here; empty = untyped
  bool missing = false;    // a missing person of the family
  bool candidate = false;  // where the hypothesis puts the candidate (id2 for pairs)
};
struct DetailPedigree {
  std::string title;  // "H1: ...", "H2: ..."
  std::vector<DetailMember> members;
  std::string note;   // e.g. "no pedigree: IBD coefficients" (empty mostly)
};
struct DetailFreq {
  std::string allele;
  double freq = 0;
  bool imputed = false;  // absent from the table, added by kinship (min-freq or 5/(2N))
};
struct LocusDetail {
  std::string locus;
  std::vector<std::string> genotypes;     // per CaseDetail::samples: "12/14", "9.3/F", "" untyped
  std::vector<std::string> observations;  // per sample: "d=0.1 c=0.05" where drop-out/in apply, else ""
  std::vector<DetailFreq> freqs;          // the alleles seen at this locus, in table order
  double log10_lr = NAN;                  // NaN: the locus does not enter the total
  // Impossible under H1 without mutation (a Mendelian inconsistency); with a finite
  // log10_lr, mutation explains it, with -inf it is an exclusion.
  bool inconsistent = false;
  std::string mutation_rates;  // "male/female" in use here; empty without a mutation model
};
struct CaseDetail {
  std::string h1, h2;  // the hypotheses in words ("F1/MP is the sample V7", ...)
  DetailPedigree ped_h1, ped_h2;
  std::vector<std::string> samples;  // typed persons' sample ids (genotype columns)
  std::vector<std::string> roles;    // per sample: "candidate", "reference (member M)", "id1" ...
  std::vector<LocusDetail> loci;     // every locus of the table, in order
};

struct LrRow {
  std::vector<std::string> key;    // id1,id2,relationship; family,missing_id,sample_id; or
                                   // alleged_parent,child,known_parent
  std::vector<std::string> extra;  // pairs: alternative, sex1, sex2 (as used); trios: the
                                   // alleged parent's sex (as used)
  double log10_lr = 0;
  int loci_compared = 0;
  int loci_inconsistent = 0;
  std::vector<double> per_locus;   // log10 LR per locus of the table; NaN = not entering
  // Per locus of the table: 1 where H1 is impossible without mutation (cases always; pairs
  // with LrRequest::detail); empty for pairs without detail.
  std::vector<std::uint8_t> inconsistent_loci;
  std::shared_ptr<const CaseDetail> detail;  // with LrRequest::detail only
};

struct LrResult {
  bool cases = false;                   // cases or trios mode (else pairs)
  bool trios = false;                   // trios mode
  std::vector<std::string> key_header;  // names of the key columns
  std::vector<std::string> locus_names;  // the table's loci, in order (per_locus' index)
  std::vector<LrRow> rows;              // in request order
  TableReport table;                    // what the run did to the frequency table
  double theta = 0;                     // the model the run used (for summaries)
  MutationModel mutation_model = MutationModel::kNone;
  // With LrRequest::detail: version, command, model parameters, inputs with SHA-256.
  Provenance provenance;
};

// Computes every LR of `request` (pairs when pairs_path or pairs are given, trios when
// trios_path or trios are, else cases).
absl::StatusOr<LrResult> ComputeLrs(const LrRequest& request, Diagnostics* diag);

}  // namespace kinship

#endif  // KINSHIP_LR_H_
