// kinship lr: exact likelihood ratios (kinship/lr.h), for pairs (--pairs) or for candidate
// victims of families' missing persons (--pedigrees with --cases). Options in, one library
// call, reports out.
#include <cstdio>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "cli_common.h"
#include "kinship/lr.h"
#include "kinship/report.h"
#include "report_out.h"

namespace po = boost::program_options;

namespace kinship::cli {

namespace {
const char kCmd[] = "lr";
}  // namespace

int RunLrFam(int argc, char** argv);  // lr_fam.cc

int RunLr(int argc, char** argv) {
  // --fam: a Familias case file, its own options (lr_fam.cc).
  for (int i = 1; i < argc; ++i)
    if (std::string(argv[i]) == "--fam" || std::string(argv[i]).rfind("--fam=", 0) == 0) return RunLrFam(argc, argv);
  std::string pairs_path, trios_path, cases_path, pedigrees_path, pedigrees_h2_path, out_path, per_locus_path, observation_path;
  std::string sex1_name = "unknown", report_dir;
  double prior = 0.5;
  std::vector<std::string> profile_paths;
  ModelArgs model_args;
  bool quiet = false;

  po::options_description desc(
      "Usage: kinship lr --freqs FREQS --profiles FILE [--profiles FILE ...] --pairs PAIRS.csv [options]\n"
      "       kinship lr --freqs FREQS --profiles FILE ... --pedigrees PEDS.csv --cases CASES.csv [options]\n"
      "       kinship lr --freqs FREQS --profiles FILE ... --trios TRIOS.csv [options]\n"
      "       kinship lr --fam CASE.fam [--reference-pedigree NAME] [--out OUT.csv] [--per-locus F]\n\n"
      "Exact likelihood ratios, locus by locus. With --pairs: each pair's stated\n"
      "relationship against unrelated (PAIRS.csv: id1,id2,relationship; for parent-child,\n"
      "grandparent and avuncular id1 is the older generation). Relationships:\n"
      "parent-child, full-siblings, half-siblings, grandparent, avuncular, first-cousins,\n"
      "unrelated, ibd:k0:k1:k2. With --pedigrees: the LR that a candidate is a family's\n"
      "missing person (H1) against unrelated (H2), given every typed member of the family\n"
      "(CASES.csv: family,missing_id,sample_id). With --trios: the paternity (maternity)\n"
      "index of each alleged parent with the child's other parent known (TRIOS.csv:\n"
      "alleged_parent,child[,known_parent][,sex]). With --fam: a Familias 3 case file's\n"
      "pedigrees, with the file's own model (options: kinship lr --fam X --help).\n\nOptions");
  desc.add_options()("help,h", "this text");
  AddModelOptions(&desc, &model_args);
  desc.add_options()
      ("profiles", po::value(&profile_paths)->required()->composing(), "profiles: CSV sample_id,locus,allele1,allele2 or a GeneMapper ID-X export (repeatable)")
      ("pairs", po::value(&pairs_path), "pairs CSV: id1,id2,relationship")
      ("trios", po::value(&trios_path),
       "trios CSV: alleged_parent,child, optionally known_parent (empty: a duo) and sex (of the alleged parent); "
       "the paternity index against an unrelated alleged parent")
      ("pedigrees", po::value(&pedigrees_path), "pedigrees CSV: family,id,father,mother,sex,sample_id,missing")
      ("cases", po::value(&cases_path), "with --pedigrees: cases CSV family,missing_id,sample_id")
      ("pedigrees-h2", po::value(&pedigrees_h2_path),
       "with --pedigrees: the alternative hypothesis (default: the candidate unrelated). The same families "
       "(by family id), each with a member named as the case's missing_id where the candidate stands under H2; "
       "LR = P(data | --pedigrees) / P(data | --pedigrees-h2)")
      ("observation", po::value(&observation_path),
       "drop-out and drop-in per sample: CSV sample_id,dropout,dropin[,locus] (a row with a locus overrides the "
       "sample's row there; samples not listed: 0, 0). F (a failed allele) and silent alleles are modelled without it")
      ("sex1", po::value(&sex1_name)->default_value("unknown"), "--pairs: sex of id1 (male|female|unknown); needed with parent-child when the sexes' rates differ")
      ("out", po::value(&out_path), "output CSV (default: standard output)")
      ("per-locus", po::value(&per_locus_path), "per-locus CSV (key columns, locus, log10_lr)")
      ("report", po::value(&report_dir), "case reports: one HTML page per row, index.html and report.json in this folder (created if absent)")
      ("prior", po::value(&prior)->default_value(0.5), "--report: prior probability of H1, for the posterior on the pages")
      ("quiet,q", po::bool_switch(&quiet), "print warnings only, no notes");

  po::variables_map vm;
  if (auto code = ParseCommandLine(kCmd, argc, argv, desc, &vm, [&](const po::variables_map& vm) {
      const bool pair_mode = vm.count("pairs"), ped_mode = vm.count("pedigrees") || vm.count("cases");
      const bool trio_mode = vm.count("trios");
      if (pair_mode + ped_mode + trio_mode != 1)
        throw po::error("give one of --pairs, --trios, or --pedigrees with --cases");
      if (ped_mode && (!vm.count("pedigrees") || !vm.count("cases")))
        throw po::error("--pedigrees and --cases go together");
      if (vm.count("pedigrees-h2") && !ped_mode) throw po::error("--pedigrees-h2 goes with --pedigrees and --cases");
      if (!pair_mode && !vm["sex1"].defaulted())
        throw po::error("--sex1 applies to --pairs; a pedigree gives every member's sex, a trios file its sex column");
      if (!(prior > 0 && prior < 1)) throw po::error("--prior must be in (0, 1)");
      }))
    return *code;

  Diagnostics diag;
  auto fail = [&](const absl::Status& s) {
    PrintNotes(kCmd, diag, quiet);
    return ReportError(kCmd, s);
  };

  auto sex1 = ParseSex(sex1_name);
  if (!sex1.ok()) return fail(sex1.status());
  auto model = ToModelOptions(model_args, vm);
  if (!model.ok()) return fail(model.status());
  LrRequest req;
  req.model = *model;
  req.sex1 = *sex1;
  for (const std::string& p : profile_paths) req.profiles.push_back(ProfileSource::File(p));
  req.pairs_path = pairs_path;
  req.trios_path = trios_path;
  req.pedigrees_path = pedigrees_path;
  req.cases_path = cases_path;
  req.pedigrees_h2_path = pedigrees_h2_path;
  req.observation_path = observation_path;
  req.stage = [](const std::string& s) { SetStage(s); };
  req.detail = !report_dir.empty();
  req.command = CommandLine(argc, argv);
  auto result = ComputeLrs(req, &diag);
  if (!result.ok()) return fail(result.status());
  SetStage("writing the report");
  // Output, atomically.
  AtomicOutput out, per_locus, freqs_out;
  auto st = out.Open(out_path.empty() ? "-" : out_path);
  if (!st.ok()) return fail(st);
  if (!req.model.effective_table_path.empty()) {
    st = freqs_out.Open(req.model.effective_table_path);
    if (!st.ok()) return fail(st);
    std::fputs(result->table.effective_text.c_str(), freqs_out.file());
  }
  if (!per_locus_path.empty()) {
    st = per_locus.Open(per_locus_path);
    if (!st.ok()) return fail(st);
    WriteLrPerLocusCsv(*result, per_locus.file());
  }
  ReportDir report;  // --report: the case reports
  if (!report_dir.empty()) {
    st = report.Open(report_dir, LrReportFiles(*result, {prior, vm["prior"].defaulted() ? "default" : "--prior",
                                                         ReportDate()}));
    if (!st.ok()) return fail(st);
  }
  WriteLrCsv(*result, out.file());
  PrintNotes(kCmd, diag, quiet);
  st = CommitOutputs(report.With({&per_locus, &freqs_out, &out}));  // all or none
  if (!st.ok()) return ReportError(kCmd, st);

  if (!out_path.empty()) {
    // A readable summary on stdout when the CSV went to a file.
    WriteLrSummary(*result, stdout);
    std::printf("written: %s%s%s\n", out_path.c_str(), per_locus_path.empty() ? "" : ", ", per_locus_path.c_str());
    if (!report_dir.empty()) std::printf("case reports: %s/index.html\n", report_dir.c_str());
    if (std::fflush(stdout) == EOF) return kExitBadInput;
  }
  return kExitOk;
}

}  // namespace kinship::cli
