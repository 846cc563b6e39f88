// kinship lr: exact likelihood ratios, for pairs (--pairs) or for candidate victims of
// families' missing persons (--pedigrees with --cases).
#include <cmath>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <boost/program_options.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "cli_common.h"
#include "kinship/io.h"
#include "kinship/pairwise.h"
#include "kinship/pedigree.h"
#include "kinship/pedigree_lr.h"
#include "kinship/profile.h"
#include "kinship/version.h"

namespace po = boost::program_options;

namespace kinship::cli {

namespace {

const char kCmd[] = "lr";

// One computed row of either mode: its key columns, the result, per-locus values.
struct ResultRow {
  std::vector<std::string> key;  // id1,id2,relationship or family,missing_id,sample_id
  PairResult result;
  std::vector<double> per_locus;  // log10 per locus; NaN = not compared
};

}  // namespace

int RunLr(int argc, char** argv) {
  std::string pairs_path, cases_path, pedigrees_path, out_path, per_locus_path;
  std::string sex1_name = "unknown";
  std::vector<std::string> profile_paths;
  ModelOptions mo;
  bool quiet = false;

  po::options_description desc(
      "Usage: kinship lr --freqs FREQS --profiles FILE [--profiles FILE ...] --pairs PAIRS.csv [options]\n"
      "       kinship lr --freqs FREQS --profiles FILE ... --pedigrees PEDS.csv --cases CASES.csv [options]\n\n"
      "Exact likelihood ratios, locus by locus. With --pairs: each pair's stated\n"
      "relationship against unrelated (PAIRS.csv: id1,id2,relationship; for parent-child,\n"
      "grandparent and avuncular id1 is the older generation). Relationships:\n"
      "parent-child, full-siblings, half-siblings, grandparent, avuncular, first-cousins,\n"
      "unrelated, ibd:k0:k1:k2. With --pedigrees: the LR that a candidate is a family's\n"
      "missing person (H1) against unrelated (H2), given every typed member of the family\n"
      "(CASES.csv: family,missing_id,sample_id).\n\nOptions");
  desc.add_options()("help,h", "this text");
  AddModelOptions(&desc, &mo);
  desc.add_options()
      ("profiles", po::value(&profile_paths)->required()->composing(), "profiles: CSV sample_id,locus,allele1,allele2 or a GeneMapper ID-X export (repeatable)")
      ("pairs", po::value(&pairs_path), "pairs CSV: id1,id2,relationship")
      ("pedigrees", po::value(&pedigrees_path), "pedigrees CSV: family,id,father,mother,sex,sample_id,missing")
      ("cases", po::value(&cases_path), "with --pedigrees: cases CSV family,missing_id,sample_id")
      ("sex1", po::value(&sex1_name)->default_value("unknown"), "--pairs: sex of id1 (male|female|unknown); needed with parent-child when the sexes' rates differ")
      ("out", po::value(&out_path), "output CSV (default: standard output)")
      ("per-locus", po::value(&per_locus_path), "per-locus CSV (key columns, locus, log10_lr)")
      ("quiet,q", po::bool_switch(&quiet), "print warnings only, no notes");

  po::variables_map vm;
  if (auto code = ParseCommandLine(kCmd, argc, argv, desc, &vm, [&](const po::variables_map& vm) {
      const bool pair_mode = vm.count("pairs"), ped_mode = vm.count("pedigrees") || vm.count("cases");
      if (pair_mode == ped_mode)
        throw po::error("give either --pairs, or --pedigrees with --cases");
      if (ped_mode && (!vm.count("pedigrees") || !vm.count("cases")))
        throw po::error("--pedigrees and --cases go together");
      if (ped_mode && !vm["sex1"].defaulted())
        throw po::error("--sex1 applies to --pairs; a pedigree gives every member's sex");
      }))
    return *code;
  const bool ped_mode = vm.count("pedigrees") > 0;

  Diagnostics diag;
  auto fail = [&](const absl::Status& s) {
    PrintNotes(kCmd, diag, quiet);
    return ReportError(kCmd, s);
  };

  auto sex1 = ParseSex(sex1_name);
  if (!sex1.ok()) return fail(sex1.status());
  // Inputs: frequencies, sample sizes, rates, profiles (imputation completes the table).
  AlleleFreqTable table_value;
  MutationSpec mutation;
  MutationModel model_kind;
  if (auto st = LoadModel(mo, vm, &table_value, &mutation, &model_kind, &diag); !st.ok()) return fail(st);
  AlleleFreqTable* table = &table_value;
  const double theta = mo.theta;
  ProfileBinder binder(mo.build, table, &diag);  // files bound in batches, never held whole
  for (const std::string& p : profile_paths) {
    auto st = ReadProfileRecordsInChunks(p, &diag, 1 << 20,
                                         [&](std::vector<GenotypeRecord>* batch) { return binder.Add(*batch); });
    if (!st.ok()) return fail(st);
  }
  auto profiles = binder.Finish();
  if (!profiles.ok()) return fail(profiles.status());
  NormalizeIfAsked(mo, table, &diag);
  const int locus_ct = table->locus_ct();

  std::vector<ResultRow> rows;
  std::vector<std::string> key_header;
  if (!ped_mode) {
    key_header = {"id1", "id2", "relationship"};
    auto pairs = ReadFixedCsv(pairs_path, key_header);
    if (!pairs.ok()) return fail(pairs.status());
    PairwiseOptions opts;
    opts.theta = theta;
    opts.sex1 = *sex1;
    opts.mutation = mutation;
    std::map<std::string, std::unique_ptr<PairwiseCalculator>> calcs;
    for (const CsvRow& row : *pairs) {
      const std::string &id1 = row.fields[0], &id2 = row.fields[1], &rel_name = row.fields[2];
      int i1 = profiles->FindSample(id1), i2 = profiles->FindSample(id2);
      if (i1 < 0 || i2 < 0)
        return fail(absl::FailedPreconditionError(
            absl::StrCat(row.where, ": sample '", i1 < 0 ? id1 : id2, "' is in no profile file")));
      if (i1 == i2)
        return fail(absl::InvalidArgumentError(absl::StrCat(row.where, ": id1 and id2 are the same sample")));
      auto& calc = calcs[rel_name];
      if (!calc) {
        auto rel = ParseRelationship(rel_name);
        if (!rel.ok()) return fail(absl::InvalidArgumentError(absl::StrCat(row.where, ": ", rel.status().message())));
        auto c = PairwiseCalculator::Create(*table, *rel, opts);
        if (!c.ok())
          return fail(absl::Status(c.status().code(), absl::StrCat(row.where, ": ", c.status().message())));
        calc = std::make_unique<PairwiseCalculator>(std::move(*c));
      }
      ResultRow r;
      r.key = row.fields;
      std::vector<double> values;
      r.result = calc->Compute(*profiles, i1, *profiles, i2, &values);
      r.per_locus.assign(locus_ct, NAN);
      for (int l = 0; l < locus_ct; ++l) {
        const int typed = (profiles->genotype(l, i1) != kUntyped) + (profiles->genotype(l, i2) != kUntyped);
        // Typed in both, or in one with one-sided loci computed (kinship/pairwise.h).
        if (typed == 2 || (typed == 1 && calc->one_sided())) r.per_locus[l] = values[l];
      }
      rows.push_back(std::move(r));
    }
  } else {
    key_header = {"family", "missing_id", "sample_id"};
    auto peds = ReadPedigrees(pedigrees_path, /*require_missing=*/true, &diag);
    if (!peds.ok()) return fail(peds.status());
    auto cases = ReadFixedCsv(cases_path, key_header);
    if (!cases.ok()) return fail(cases.status());
    std::map<std::string, int> fam_index;
    // Per family: every member's genotype column per locus (-1 = untyped member).
    std::vector<std::vector<int>> member_sample(peds->size());
    for (size_t f = 0; f < peds->size(); ++f) {
      const Pedigree& ped = (*peds)[f];
      if (!fam_index.emplace(ped.family(), static_cast<int>(f)).second)
        return fail(absl::InvalidArgumentError(absl::StrCat(pedigrees_path, ": family ", ped.family(), " twice")));
      member_sample[f].assign(ped.size(), -1);
      for (int i = 0; i < ped.size(); ++i) {
        const std::string& sid = ped.person(i).sample_id;
        if (sid.empty()) continue;
        int s = profiles->FindSample(sid);
        if (s < 0)
          return fail(absl::FailedPreconditionError(absl::StrCat(pedigrees_path, ": family ", ped.family(),
                                                                 ", member ", ped.person(i).id, ": sample '", sid,
                                                                 "' is in no profile file")));
        member_sample[f][i] = s;
      }
    }
    auto models = BuildPedigreeModels(*table, mutation, theta);
    if (!models.ok()) return fail(models.status());
    std::vector<PedigreeLocusModel> plain;  // without mutation, for loci_inconsistent
    if (mutation.enabled()) {
      auto p = BuildPedigreeModels(*table, MutationSpec{}, theta);
      if (!p.ok()) return fail(p.status());
      plain = std::move(*p);
    }
    // Reference genotypes of a family at a locus.
    auto refs_at = [&](int f, int l) {
      const Pedigree& ped = (*peds)[f];
      std::vector<GenotypeIdx> g(ped.size(), kUntyped);
      for (int i = 0; i < ped.size(); ++i)
        if (member_sample[f][i] >= 0) g[i] = profiles->genotype(l, member_sample[f][i]);
      return g;
    };
    // Consistency of each family's references, checked once per family and locus.
    std::set<std::pair<int, int>> checked;
    auto check_refs = [&](int f, int l) -> absl::Status {
      if (!checked.insert({f, l}).second) return absl::OkStatus();
      return CheckFamilyReferences((*peds)[f], refs_at(f, l), mutation.enabled() ? plain[l] : (*models)[l],
                                   (*models)[l], mutation.enabled(), table->locus(l).name(), &diag);
    };
    // Family tables (theta = 0), cached per (family, missing person, locus).
    std::map<std::tuple<int, int, int>, std::vector<double>> tables;
    for (const CsvRow& row : *cases) {
      const std::string &fam = row.fields[0], &mp_id = row.fields[1], &sid = row.fields[2];
      auto fit = fam_index.find(fam);
      if (fit == fam_index.end())
        return fail(absl::FailedPreconditionError(absl::StrCat(row.where, ": family '", fam, "' is not in ",
                                                               pedigrees_path)));
      const int f = fit->second;
      const Pedigree& ped = (*peds)[f];
      const int mp = ped.Find(mp_id);
      if (mp < 0 || !ped.person(mp).missing)
        return fail(absl::FailedPreconditionError(absl::StrCat(row.where, ": '", mp_id,
                                                               "' is not a missing person of family ", fam)));
      const int s = profiles->FindSample(sid);
      if (s < 0)
        return fail(absl::FailedPreconditionError(absl::StrCat(row.where, ": sample '", sid, "' is in no profile file")));
      for (int i = 0; i < ped.size(); ++i)
        if (member_sample[f][i] == s)
          return fail(absl::FailedPreconditionError(absl::StrCat(row.where, ": sample '", sid,
                                                                 "' is a reference of family ", fam, " (member ",
                                                                 ped.person(i).id, ")")));
      ResultRow r;
      r.key = row.fields;
      r.per_locus.assign(locus_ct, NAN);
      for (int l = 0; l < locus_ct; ++l) {
        const GenotypeIdx gv = profiles->genotype(l, s);
        if (gv == kUntyped) continue;
        std::vector<GenotypeIdx> g = refs_at(f, l);
        bool any_ref = false;
        for (GenotypeIdx x : g) any_ref |= x != kUntyped;
        // No reference typed here: LR(g) = P(MP = g) / P(V = g), 1 unless the victim's
        // alleles reach the missing person through mutated transmissions (pairwise.h,
        // OneSidedLociInformative); such a locus counts in the total, not as compared.
        const bool one_sided = !any_ref;
        if (one_sided && !OneSidedLociInformative((*models)[l])) continue;
        if (auto st = check_refs(f, l); !st.ok()) return fail(st);
        double lr;
        if (theta == 0) {
          auto& t = tables[{f, mp, l}];
          if (t.empty()) {
            auto ft = FamilyTable(ped, g, mp, (*models)[l]);
            if (!ft.ok()) return fail(ft.status());
            t = std::move(*ft);
          }
          lr = t[gv];
        } else {
          auto x = MissingPersonLocusLr(ped, g, mp, gv, (*models)[l]);
          if (!x.ok()) return fail(x.status());
          lr = *x;
        }
        bool inconsistent = lr == 0;
        if (mutation.enabled()) {  // impossible under H1 without mutation?
          std::vector<GenotypeIdx> h1 = g;
          h1[mp] = gv;
          auto x = PedigreeLikelihood(ped, h1, plain[l]);
          if (!x.ok()) return fail(x.status());
          inconsistent = *x == 0;
        }
        const double log10_lr = std::log10(lr);
        r.per_locus[l] = log10_lr;
        r.result.log10_lr += log10_lr;
        if (one_sided) continue;
        ++r.result.loci_compared;
        r.result.loci_inconsistent += inconsistent;
      }
      rows.push_back(std::move(r));
    }
  }

  // Output, atomically.
  AtomicOutput out, per_locus;
  auto st = out.Open(out_path.empty() ? "-" : out_path);
  if (!st.ok()) return fail(st);
  const std::string key_cols = absl::StrJoin(key_header, ",");
  if (!per_locus_path.empty()) {
    st = per_locus.Open(per_locus_path);
    if (!st.ok()) return fail(st);
    std::fprintf(per_locus.file(), "%s,locus,log10_lr\n", key_cols.c_str());
  }
  std::fprintf(out.file(), "%s,log10_lr,loci_compared,loci_inconsistent\n", key_cols.c_str());
  for (const ResultRow& r : rows) {
    const std::string key = absl::StrJoin(r.key, ",");
    std::fprintf(out.file(), "%s,%s,%d,%d\n", key.c_str(), FormatDouble(r.result.log10_lr).c_str(),
                 r.result.loci_compared, r.result.loci_inconsistent);
    if (!per_locus_path.empty())
      for (int l = 0; l < locus_ct; ++l)
        if (!std::isnan(r.per_locus[l]))
          std::fprintf(per_locus.file(), "%s,%s,%s\n", key.c_str(), table->locus(l).name().c_str(),
                       FormatDouble(r.per_locus[l]).c_str());
  }
  PrintNotes(kCmd, diag, quiet);
  if (!per_locus_path.empty()) {
    st = per_locus.Commit();
    if (!st.ok()) return ReportError(kCmd, st);
  }
  st = out.Commit();
  if (!st.ok()) return ReportError(kCmd, st);

  if (!out_path.empty()) {
    // A readable summary on stdout when the CSV went to a file.
    std::printf("kinship %s lr: %zu %s, theta %g, mutation %s\n", KINSHIP_VERSION_STRING, rows.size(),
                ped_mode ? "case(s)" : "pair(s)", theta, MutationModelName(model_kind));
    std::printf("%-14s %-14s %-16s %12s %14s %6s %6s\n", key_header[0].c_str(), key_header[1].c_str(),
                key_header[2].c_str(), "log10 LR", "LR", "loci", "incons");
    for (const ResultRow& r : rows) {
      std::string lr = r.result.log10_lr > 300 ? ">1e300" : absl::StrFormat("%.4g", std::pow(10.0, r.result.log10_lr));
      std::printf("%-14s %-14s %-16s %12.4f %14s %6d %6d\n", r.key[0].c_str(), r.key[1].c_str(), r.key[2].c_str(),
                  r.result.log10_lr, lr.c_str(), r.result.loci_compared, r.result.loci_inconsistent);
    }
    std::printf("written: %s%s%s\n", out_path.c_str(), per_locus_path.empty() ? "" : ", ", per_locus_path.c_str());
    if (std::fflush(stdout) == EOF) return kExitBadInput;
  }
  return kExitOk;
}

}  // namespace kinship::cli
