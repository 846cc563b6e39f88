// kinship lr: exact pairwise likelihood ratios.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cli_common.h"
#include "kinship/io.h"
#include "kinship/pairwise.h"
#include "kinship/profile.h"
#include "kinship/version.h"

namespace po = boost::program_options;

namespace kinship::cli {

namespace {

const char kCmd[] = "lr";

struct PairRow {
  std::string id1, id2, relationship, where;
};

// PAIRS.csv: header id1,id2,relationship.
absl::StatusOr<std::vector<PairRow>> ReadPairs(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot open file"));
  std::vector<PairRow> rows;
  std::string line;
  int line_no = 0;
  bool header = false;
  while (std::getline(in, line)) {
    ++line_no;
    if (line_no == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos || line[0] == '#') continue;
    std::vector<std::string> f;
    size_t start = 0;
    while (true) {
      size_t k = line.find(',', start);
      std::string cell = line.substr(start, k == std::string::npos ? std::string::npos : k - start);
      size_t b = cell.find_first_not_of(" \t"), e = cell.find_last_not_of(" \t");
      f.push_back(b == std::string::npos ? "" : cell.substr(b, e - b + 1));
      if (k == std::string::npos) break;
      start = k + 1;
    }
    std::string where = absl::StrCat(path, ":", line_no);
    if (!header) {
      if (f.size() != 3 || f[0] != "id1" || f[1] != "id2" || f[2] != "relationship")
        return absl::InvalidArgumentError(absl::StrCat(where, ": expected the header id1,id2,relationship"));
      header = true;
      continue;
    }
    if (f.size() != 3)
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": found ", f.size(), " fields; expected 3 (id1,id2,relationship)"));
    if (f[0].empty() || f[1].empty() || f[2].empty())
      return absl::InvalidArgumentError(absl::StrCat(where, ": empty field; expected id1,id2,relationship"));
    rows.push_back({f[0], f[1], f[2], where});
  }
  if (!header)
    return absl::InvalidArgumentError(absl::StrCat(path, ": empty file; expected the header id1,id2,relationship"));
  if (rows.empty())
    return absl::InvalidArgumentError(absl::StrCat(path, ": no pairs; expected at least one row after the header"));
  return rows;
}

absl::StatusOr<Sex> ParseSex(const std::string& s) {
  if (s == "male" || s == "1") return Sex::kMale;
  if (s == "female" || s == "2") return Sex::kFemale;
  if (s == "unknown" || s == "0") return Sex::kUnknown;
  return absl::InvalidArgumentError(absl::StrCat("--sex1 '", s, "': expected male, female or unknown"));
}

}  // namespace

int RunLr(int argc, char** argv) {
  std::string freqs_path, sample_sizes_path, pairs_path, out_path, per_locus_path, rates_path;
  std::string model_name = "none", sex1_name = "unknown";
  std::vector<std::string> profile_paths;
  double theta = 0, rate = 0, rate_female = -1, rate2 = 0, range = 0.5;
  ProfileBuildOptions build_opts;
  bool quiet = false;

  po::options_description desc(
      "Usage: kinship lr --freqs FREQS --profiles FILE [--profiles FILE ...] --pairs PAIRS.csv [options]\n\n"
      "Exact likelihood ratio of each pair's stated relationship against unrelated,\n"
      "locus by locus. PAIRS.csv has the header id1,id2,relationship; for parent-child,\n"
      "grandparent and avuncular id1 is the older generation. Relationships:\n"
      "parent-child, full-siblings, half-siblings, grandparent, avuncular, first-cousins,\n"
      "unrelated, ibd:k0:k1:k2.\n\nOptions");
  desc.add_options()
      ("help,h", "this text")
      ("freqs", po::value(&freqs_path)->required(), "allele frequency table (long locus,allele,frequency or wide)")
      ("sample-sizes", po::value(&sample_sizes_path), "per-locus sample sizes (locus,n_individuals or file,locus,n_individuals,...) for the 5/(2N) minimum frequency")
      ("profiles", po::value(&profile_paths)->required()->composing(), "profiles: CSV sample_id,locus,allele1,allele2 or a GeneMapper ID-X export (repeatable)")
      ("pairs", po::value(&pairs_path)->required(), "pairs CSV: id1,id2,relationship")
      ("theta", po::value(&theta)->default_value(0), "subpopulation correction theta (Balding-Nichols), 0 = Hardy-Weinberg")
      ("mutation-model", po::value(&model_name)->default_value("none"), "none|equal|proportional|stepwise|extended-stepwise (parent-child only in this version)")
      ("mutation-rate", po::value(&rate)->default_value(0), "mutation rate; both sexes unless --mutation-rate-female is given, then males")
      ("mutation-rate-female", po::value(&rate_female), "female mutation rate")
      ("mutation-rate2", po::value(&rate2)->default_value(0), "stepwise: rate of mutations to another microvariant class (e.g. 9 -> 9.3)")
      ("mutation-range", po::value(&range)->default_value(0.5), "stepwise: relative probability of n+1 versus n repeat steps")
      ("mutation-rates", po::value(&rates_path), "per-locus rates CSV: locus,rate or locus,rate_male,rate_female (replaces the rate for listed loci)")
      ("sex1", po::value(&sex1_name)->default_value("unknown"), "sex of id1 (male|female|unknown); needed with parent-child when the sexes' rates differ")
      ("min-freq", po::value(&build_opts.min_freq)->default_value(0.001), "frequency of an allele absent from the table when the locus' N is unknown (else 5/(2N))")
      ("rescale-imputed", po::bool_switch(&build_opts.rescale_after_imputation), "rescale a locus to sum to 1 after imputing an allele")
      ("out", po::value(&out_path), "output CSV (default: standard output)")
      ("per-locus", po::value(&per_locus_path), "per-locus CSV: id1,id2,relationship,locus,log10_lr")
      ("quiet,q", po::bool_switch(&quiet), "print warnings only, no notes");

  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(desc).run(), vm);
    if (vm.count("help")) {
      std::cout << desc << "\n";
      return kExitOk;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "kinship lr: " << e.what() << "\n(see kinship lr --help)\n";
    return kExitUsage;
  }

  Diagnostics diag;
  auto fail = [&](const absl::Status& s) {
    PrintNotes(kCmd, diag, quiet);
    return ReportError(kCmd, s);
  };

  PairwiseOptions opts;
  opts.theta = theta;
  auto model = ParseMutationModel(model_name);
  if (!model.ok()) return fail(model.status());
  auto sex1 = ParseSex(sex1_name);
  if (!sex1.ok()) return fail(sex1.status());
  opts.sex1 = *sex1;
  opts.mutation.male = {*model, rate, rate2, range};
  opts.mutation.female = {*model, rate_female >= 0 ? rate_female : rate, rate2, range};
  if (*model == MutationModel::kNone && (vm["mutation-rate"].defaulted() == false || vm.count("mutation-rate-female") ||
                                         vm.count("mutation-rates")))
    return fail(absl::InvalidArgumentError("mutation rates given but --mutation-model is none; name a model"));

  auto table = ReadAlleleFreqs(freqs_path, &diag);
  if (!table.ok()) return fail(table.status());
  if (!sample_sizes_path.empty()) {
    auto st = ReadSampleSizes(sample_sizes_path, std::filesystem::path(freqs_path).filename().string(),
                              &*table, &diag);
    if (!st.ok()) return fail(st);
  }
  if (!rates_path.empty()) {
    auto rates = ReadMutationRates(rates_path, &diag);
    if (!rates.ok()) return fail(rates.status());
    for (const auto& [locus, r] : *rates) {
      if (table->FindLocus(locus) < 0)
        diag.Info(absl::StrCat(rates_path, ": rate for locus ", locus, " ignored (not in the frequency table)"));
    }
    opts.mutation.per_locus_rates = *rates;
  }
  std::vector<GenotypeRecord> records;
  for (const std::string& p : profile_paths) {
    auto r = ReadProfileRecords(p, &diag);
    if (!r.ok()) return fail(r.status());
    records.insert(records.end(), r->begin(), r->end());
  }
  auto profiles = BuildProfileSet(records, build_opts, &*table, &diag);
  if (!profiles.ok()) return fail(profiles.status());
  auto pairs = ReadPairs(pairs_path);
  if (!pairs.ok()) return fail(pairs.status());

  // One calculator per relationship (built after imputation: tables are final).
  std::map<std::string, std::unique_ptr<PairwiseCalculator>> calcs;
  std::vector<const PairwiseCalculator*> pair_calc;
  std::vector<std::pair<int, int>> pair_idx;
  for (const PairRow& row : *pairs) {
    int i1 = profiles->FindSample(row.id1), i2 = profiles->FindSample(row.id2);
    if (i1 < 0 || i2 < 0)
      return fail(absl::FailedPreconditionError(absl::StrCat(
          row.where, ": sample '", i1 < 0 ? row.id1 : row.id2, "' is in no profile file")));
    if (i1 == i2)
      return fail(absl::InvalidArgumentError(absl::StrCat(row.where, ": id1 and id2 are the same sample")));
    auto& calc = calcs[row.relationship];
    if (!calc) {
      auto rel = ParseRelationship(row.relationship);
      if (!rel.ok()) return fail(absl::InvalidArgumentError(absl::StrCat(row.where, ": ", rel.status().message())));
      auto c = PairwiseCalculator::Create(*table, *rel, opts);
      if (!c.ok()) return fail(c.status());
      calc = std::make_unique<PairwiseCalculator>(std::move(*c));
    }
    pair_calc.push_back(calc.get());
    pair_idx.push_back({i1, i2});
  }

  AtomicOutput out, per_locus;
  auto st = out.Open(out_path.empty() ? "-" : out_path);
  if (!st.ok()) return fail(st);
  if (!per_locus_path.empty()) {
    st = per_locus.Open(per_locus_path);
    if (!st.ok()) return fail(st);
    std::fputs("id1,id2,relationship,locus,log10_lr\n", per_locus.file());
  }
  std::fputs("id1,id2,relationship,log10_lr,loci_compared,loci_inconsistent\n", out.file());
  std::vector<double> locus_values;
  std::vector<PairResult> results;
  for (size_t k = 0; k < pairs->size(); ++k) {
    const PairRow& row = (*pairs)[k];
    PairResult r = pair_calc[k]->Compute(*profiles, pair_idx[k].first, *profiles, pair_idx[k].second,
                                         per_locus_path.empty() ? nullptr : &locus_values);
    results.push_back(r);
    std::fprintf(out.file(), "%s,%s,%s,%s,%d,%d\n", row.id1.c_str(), row.id2.c_str(),
                 row.relationship.c_str(), FormatDouble(r.log10_lr).c_str(), r.loci_compared,
                 r.loci_inconsistent);
    if (!per_locus_path.empty()) {
      for (int l = 0; l < table->locus_ct(); ++l) {
        if (profiles->genotype(l, pair_idx[k].first) == kUntyped ||
            profiles->genotype(l, pair_idx[k].second) == kUntyped)
          continue;
        std::fprintf(per_locus.file(), "%s,%s,%s,%s,%s\n", row.id1.c_str(), row.id2.c_str(),
                     row.relationship.c_str(), table->locus(l).name().c_str(),
                     FormatDouble(locus_values[l]).c_str());
      }
    }
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
    std::printf("kinship %s lr: %zu pair(s), theta %g, mutation %s\n", KINSHIP_VERSION_STRING,
                pairs->size(), theta, MutationModelName(*model));
    std::printf("%-14s %-14s %-16s %12s %14s %6s %6s\n", "id1", "id2", "relationship", "log10 LR", "LR",
                "loci", "incons");
    for (size_t k = 0; k < pairs->size(); ++k) {
      const PairRow& row = (*pairs)[k];
      const PairResult& r = results[k];
      std::string lr = r.log10_lr > 300 ? ">1e300" : absl::StrFormat("%.4g", std::pow(10.0, r.log10_lr));
      std::printf("%-14s %-14s %-16s %12.4f %14s %6d %6d\n", row.id1.c_str(), row.id2.c_str(),
                  row.relationship.c_str(), r.log10_lr, lr.c_str(), r.loci_compared, r.loci_inconsistent);
    }
    std::printf("written: %s%s%s\n", out_path.c_str(), per_locus_path.empty() ? "" : ", ",
                per_locus_path.c_str());
    if (std::fflush(stdout) == EOF) return kExitBadInput;
  }
  return kExitOk;
}

}  // namespace kinship::cli
