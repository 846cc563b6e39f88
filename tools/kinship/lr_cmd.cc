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
  std::vector<std::string> key;    // id1,id2,relationship or family,missing_id,sample_id
  std::vector<std::string> extra;  // pairs: alternative,sex1,sex2 (written after the numbers)
  PairResult result;
  std::vector<double> per_locus;  // log10 per locus; NaN = not compared
};

// P(data | H1) / P(data | H2) for one case, with H1 the candidate (sample `s`) at `mp` of `ped`
// and H2 the candidate at the member of the same id in the family of the same name in
// `peds_h2`; the data are every typed member of each pedigree and the candidate. Per locus
// log10 P(data | H1) - log10 P(data | H2), both rescaled (no underflow); a locus impossible
// under both is a FailedPrecondition (0/0). A locus counts as compared when the candidate and
// a reference of H1 are typed there; inconsistent when H1 is impossible there without mutation.
absl::Status AlternativeCase(const Pedigree& ped, const std::vector<Pedigree>& peds_h2,
                             const std::map<std::string, int>& fam_h2, int mp, int s, const ProfileSet& profiles,
                             const std::vector<PedigreeLocusModel>& models,
                             const std::vector<PedigreeLocusModel>& plain, const std::string& where,
                             const std::string& h2_path, PairResult* result, std::vector<double>* per_locus,
                             const AlleleFreqTable& table) {
  auto it = fam_h2.find(ped.family());
  if (it == fam_h2.end())
    return absl::FailedPreconditionError(
        absl::StrCat(where, ": family '", ped.family(), "' is not in ", h2_path, "; expected the same families"));
  const Pedigree& alt = peds_h2[it->second];
  const int mp2 = alt.Find(ped.person(mp).id);
  if (mp2 < 0 || !alt.person(mp2).sample_id.empty())
    return absl::FailedPreconditionError(absl::StrCat(where, ": family ", ped.family(), " in ", h2_path,
                                                      " has no untyped member '", ped.person(mp).id,
                                                      "'; expected the candidate's place under H2"));
  for (const Person& q : alt.persons())
    if (q.sample_id == profiles.sample_id(s))
      return absl::FailedPreconditionError(absl::StrCat(where, ": sample '", q.sample_id, "' is a reference of family ",
                                                        ped.family(), " in ", h2_path));
  auto genotypes = [&](const Pedigree& p, int at, int l) {
    std::vector<GenotypeIdx> g(p.size(), kUntyped);
    bool any_ref = false;
    for (int i = 0; i < p.size(); ++i)
      if (!p.person(i).sample_id.empty()) {
        g[i] = profiles.genotype(l, profiles.FindSample(p.person(i).sample_id));
        any_ref |= g[i] != kUntyped;
      }
    g[at] = profiles.genotype(l, s);
    return std::make_pair(g, any_ref);
  };
  for (int l = 0; l < static_cast<int>(models.size()); ++l) {
    auto [g1, refs1] = genotypes(ped, mp, l);
    auto [g2, refs2] = genotypes(alt, mp2, l);
    const bool victim = g1[mp] != kUntyped;
    if (!victim && !refs1 && !refs2) continue;  // nobody typed: 1 under both
    auto l1 = PedigreeLog10Likelihood(ped, g1, models[l]);
    if (!l1.ok()) return l1.status();
    auto l2 = PedigreeLog10Likelihood(alt, g2, models[l]);
    if (!l2.ok()) return l2.status();
    if (*l1 == -INFINITY && *l2 == -INFINITY)
      return absl::FailedPreconditionError(absl::StrCat(
          where, ": locus ", table.locus(l).name(), ": the data are impossible under both pedigrees (0/0); expected "
          "data possible under at least one (check the samples, or use a mutation model)"));
    const double log10_lr = *l1 - *l2;
    (*per_locus)[l] = log10_lr;
    result->log10_lr += log10_lr;
    if (victim && refs1) {
      ++result->loci_compared;
      bool inconsistent = *l1 == -INFINITY;
      if (!plain.empty()) {
        auto x = PedigreeLog10Likelihood(ped, g1, plain[l]);
        if (!x.ok()) return x.status();
        inconsistent = *x == -INFINITY;
      }
      result->loci_inconsistent += inconsistent;
    }
  }
  if (std::isnan(result->log10_lr))
    return absl::FailedPreconditionError(absl::StrCat(
        where, ": one locus excludes H1 and another excludes H2: the data are impossible under both pedigrees; "
        "expected data possible under at least one (check the samples, or use a mutation model)"));
  return absl::OkStatus();
}

}  // namespace

int RunLr(int argc, char** argv) {
  std::string pairs_path, cases_path, pedigrees_path, pedigrees_h2_path, out_path, per_locus_path;
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
      ("pedigrees-h2", po::value(&pedigrees_h2_path),
       "with --pedigrees: the alternative hypothesis (default: the candidate unrelated). The same families "
       "(by family id), each with a member named as the case's missing_id where the candidate stands under H2; "
       "LR = P(data | --pedigrees) / P(data | --pedigrees-h2)")
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
      if (vm.count("pedigrees-h2") && !ped_mode) throw po::error("--pedigrees-h2 goes with --pedigrees and --cases");
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
    SetStage(absl::StrCat("reading the profiles ", p));
    auto st = ReadProfileRecordsInChunks(p, &diag, 1 << 20,
                                         [&](std::vector<GenotypeRecord>* batch) { return binder.Add(*batch); });
    if (!st.ok()) return fail(st);
  }
  auto profiles = binder.Finish();
  if (!profiles.ok()) return fail(profiles.status());
  auto table_report = FinishTable(mo, table, &diag);
  if (!table_report.ok()) return fail(table_report.status());
  if (mutation.enabled()) {
    std::vector<std::string> rates;
    for (const auto& [locus, r] : RatesInUse(*table, mutation)) rates.push_back(absl::StrCat(locus, " ", r));
    diag.Info(absl::StrCat("mutation rates in use (male/female): ", absl::StrJoin(rates, ", ")));
  }
  const int locus_ct = table->locus_ct();

  std::vector<ResultRow> rows;
  std::vector<std::string> key_header;
  if (!ped_mode) {
    key_header = {"id1", "id2", "relationship"};
    SetStage(absl::StrCat("reading the pairs ", pairs_path));
    auto pairs = ReadCsvColumns(pairs_path, key_header, {"alternative", "sex1", "sex2"});
    if (!pairs.ok()) return fail(pairs.status());
    PairwiseOptions opts;
    opts.theta = theta;
    opts.mutation = mutation;
    opts.untyped_founders = UntypedFoundersMode(mo);
    // One calculator per (relationship, sex of id1).
    std::map<std::pair<std::string, Sex>, std::unique_ptr<PairwiseCalculator>> calcs;
    auto calculator = [&](const std::string& rel_name, Sex sex, const std::string& where)
        -> absl::StatusOr<const PairwiseCalculator*> {
      auto& calc = calcs[{rel_name, sex}];
      if (!calc) {
        auto rel = ParseRelationship(rel_name);
        if (!rel.ok()) return absl::InvalidArgumentError(absl::StrCat(where, ": ", rel.status().message()));
        opts.sex1 = sex;
        auto c = PairwiseCalculator::Create(*table, *rel, opts);
        if (!c.ok()) return absl::Status(c.status().code(), absl::StrCat(where, ": ", c.status().message()));
        calc = std::make_unique<PairwiseCalculator>(std::move(*c));
      }
      return calc.get();
    };
    int sexes_from_amel = 0;
    for (const CsvRow& row : *pairs) {
      const std::string &id1 = row.fields[0], &id2 = row.fields[1], &rel_name = row.fields[2];
      const std::string alternative = row.fields[3].empty() ? "unrelated" : row.fields[3];
      int i1 = profiles->FindSample(id1), i2 = profiles->FindSample(id2);
      if (i1 < 0 || i2 < 0)
        return fail(absl::FailedPreconditionError(
            absl::StrCat(row.where, ": sample '", i1 < 0 ? id1 : id2, "' is in no profile file")));
      if (i1 == i2)
        return fail(absl::InvalidArgumentError(absl::StrCat(row.where, ": id1 and id2 are the same sample")));
      // The sex of each person: the pairs file's column, else --sex1 (id1), else Amelogenin.
      Sex sex[2];
      for (int k = 0; k < 2; ++k) {
        const std::string& written = row.fields[4 + k];
        const std::string& id = k == 0 ? id1 : id2;
        const Sex amel = profiles->amel_sex(k == 0 ? i1 : i2);
        Sex given = Sex::kUnknown;
        if (!written.empty()) {
          auto parsed = ParseSex(written);
          if (!parsed.ok())
            return fail(absl::InvalidArgumentError(absl::StrCat(row.where, ": sex", k + 1, ": ", parsed.status().message())));
          given = *parsed;
        } else if (k == 0) {
          given = *sex1;
        }
        if (given != Sex::kUnknown && amel != Sex::kUnknown && given != amel)
          diag.Warn(absl::StrCat(row.where, ": ", id, " is given as ", SexName(given), " but the Amelogenin of the "
                                 "profile says ", SexName(amel), "; ", SexName(given), " is used (check the sample)"));
        sex[k] = given != Sex::kUnknown ? given : amel;
        sexes_from_amel += given == Sex::kUnknown && amel != Sex::kUnknown;
      }
      auto h1 = calculator(rel_name, sex[0], row.where);
      if (!h1.ok()) return fail(h1.status());
      ResultRow r;
      r.key = {id1, id2, rel_name};
      r.extra = {alternative, SexName(sex[0]), SexName(sex[1])};
      std::vector<double> values;
      bool one_sided = (*h1)->one_sided();
      if (alternative == "unrelated") {
        r.result = (*h1)->Compute(*profiles, i1, *profiles, i2, &values);
      } else {
        auto h2 = calculator(alternative, sex[0], row.where);
        if (!h2.ok()) return fail(h2.status());
        one_sided |= (*h2)->one_sided();
        auto cmp = ComparePair(*table, **h1, **h2, *profiles, i1, *profiles, i2, &values);
        if (!cmp.ok())
          return fail(absl::Status(cmp.status().code(), absl::StrCat(row.where, ": ", cmp.status().message())));
        r.result = *cmp;
      }
      r.per_locus.assign(locus_ct, NAN);
      for (int l = 0; l < locus_ct; ++l) {
        const int typed = (profiles->genotype(l, i1) != kUntyped) + (profiles->genotype(l, i2) != kUntyped);
        // Typed in both, or in one with one-sided loci computed (kinship/pairwise.h).
        if (typed == 2 || (typed == 1 && one_sided)) r.per_locus[l] = values[l];
      }
      rows.push_back(std::move(r));
    }
    if (sexes_from_amel > 0)
      diag.Info(absl::StrCat(sexes_from_amel, " sex(es) of the pairs taken from the profiles' Amelogenin"));
  } else {
    key_header = {"family", "missing_id", "sample_id"};
    SetStage(absl::StrCat("reading the pedigrees ", pedigrees_path));
    auto peds = ReadPedigrees(pedigrees_path, /*require_missing=*/true, &diag);
    if (!peds.ok()) return fail(peds.status());
    SetStage(absl::StrCat("reading the cases ", cases_path));
    auto cases = ReadCsvColumns(cases_path, key_header, {});
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
    for (const Pedigree& ped : *peds) CheckSexesAgainstAmel(ped, *profiles, &diag);
    // The alternative hypothesis' pedigrees, by family (--pedigrees-h2).
    std::vector<Pedigree> peds_h2;
    std::map<std::string, int> fam_h2;
    if (!pedigrees_h2_path.empty()) {
      auto p = ReadPedigrees(pedigrees_h2_path, /*require_missing=*/false, &diag);
      if (!p.ok()) return fail(p.status());
      peds_h2 = std::move(*p);
      for (size_t f = 0; f < peds_h2.size(); ++f) {
        if (!fam_h2.emplace(peds_h2[f].family(), static_cast<int>(f)).second)
          return fail(absl::InvalidArgumentError(
              absl::StrCat(pedigrees_h2_path, ": family ", peds_h2[f].family(), " twice")));
        for (const Person& q : peds_h2[f].persons())
          if (!q.sample_id.empty() && profiles->FindSample(q.sample_id) < 0)
            return fail(absl::FailedPreconditionError(absl::StrCat(pedigrees_h2_path, ": family ", peds_h2[f].family(),
                                                                   ", member ", q.id, ": sample '", q.sample_id,
                                                                   "' is in no profile file")));
        CheckSexesAgainstAmel(peds_h2[f], *profiles, &diag);
      }
    }
    auto models = BuildPedigreeModels(*table, mutation, theta, UntypedFoundersMode(mo));
    if (!models.ok()) return fail(models.status());
    // Per family: which members have a genotype at some locus (Familias mode reduces the
    // pedigree by it once, not per locus).
    std::vector<EngineLimits> fam_limits(peds->size());
    for (size_t f = 0; f < peds->size(); ++f) {
      fam_limits[f].typed_anywhere.assign((*peds)[f].size(), 0);
      for (int i = 0; i < (*peds)[f].size(); ++i)
        for (int l = 0; l < locus_ct && member_sample[f][i] >= 0; ++l)
          if (profiles->genotype(l, member_sample[f][i]) != kUntyped) fam_limits[f].typed_anywhere[i] = 1;
    }
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
      if (!pedigrees_h2_path.empty()) {
        auto st = AlternativeCase(ped, peds_h2, fam_h2, mp, s, *profiles, *models, plain, row.where,
                                  pedigrees_h2_path, &r.result, &r.per_locus, *table);
        if (!st.ok()) return fail(st);
        rows.push_back(std::move(r));
        continue;
      }
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
            auto ft = FamilyTable(ped, g, mp, (*models)[l], fam_limits[f]);
            if (!ft.ok()) return fail(ft.status());
            t = std::move(*ft);
          }
          lr = t[gv];
        } else {
          auto x = MissingPersonLocusLr(ped, g, mp, gv, (*models)[l], fam_limits[f]);
          if (!x.ok()) return fail(x.status());
          lr = *x;
        }
        bool inconsistent = lr == 0;
        if (mutation.enabled()) {  // impossible under H1 without mutation?
          std::vector<GenotypeIdx> h1 = g;
          h1[mp] = gv;
          auto x = PedigreeLog10Likelihood(ped, h1, plain[l]);
          if (!x.ok()) return fail(x.status());
          inconsistent = *x == -INFINITY;
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

  // A NaN must never become a row (a per-locus NaN makes the total NaN too).
  for (const ResultRow& r : rows)
    if (auto st = CheckFinishedNumber(r.result.log10_lr, absl::StrCat("log10 LR of ", absl::StrJoin(r.key, ",")));
        !st.ok())
      return fail(st);
  SetStage("writing the report");
  // Output, atomically.
  AtomicOutput out, per_locus, freqs_out;
  auto st = out.Open(out_path.empty() ? "-" : out_path);
  if (!st.ok()) return fail(st);
  if (!mo.write_freqs_path.empty()) {
    st = freqs_out.Open(mo.write_freqs_path);
    if (!st.ok()) return fail(st);
    std::fputs(table_report->effective_text.c_str(), freqs_out.file());
  }
  const std::string key_cols = absl::StrJoin(key_header, ",");
  const std::string extra_cols = ped_mode ? "" : ",alternative,sex1,sex2";
  if (!per_locus_path.empty()) {
    st = per_locus.Open(per_locus_path);
    if (!st.ok()) return fail(st);
    std::fprintf(per_locus.file(), "%s,locus,log10_lr%s\n", key_cols.c_str(), ped_mode ? "" : ",alternative");
  }
  std::fprintf(out.file(), "%s,log10_lr,loci_compared,loci_inconsistent%s\n", key_cols.c_str(), extra_cols.c_str());
  for (const ResultRow& r : rows) {
    const std::string key = absl::StrJoin(r.key, ",");
    const std::string extra = r.extra.empty() ? "" : absl::StrCat(",", absl::StrJoin(r.extra, ","));
    std::fprintf(out.file(), "%s,%s,%d,%d%s\n", key.c_str(), FormatDouble(r.result.log10_lr).c_str(),
                 r.result.loci_compared, r.result.loci_inconsistent, extra.c_str());
    if (!per_locus_path.empty())
      for (int l = 0; l < locus_ct; ++l)
        if (!std::isnan(r.per_locus[l]))
          std::fprintf(per_locus.file(), "%s,%s,%s%s\n", key.c_str(), table->locus(l).name().c_str(),
                       FormatDouble(r.per_locus[l]).c_str(),
                       r.extra.empty() ? "" : absl::StrCat(",", r.extra[0]).c_str());
  }
  PrintNotes(kCmd, diag, quiet);
  st = CommitOutputs({&per_locus, &freqs_out, &out});  // all or none
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
