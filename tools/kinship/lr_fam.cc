// kinship lr --fam: the LRs of a Familias 3 case file's pedigrees (kinship/familias.h), with
// the file's own parameters. Reached from RunLr when --fam is given; its own options.
#include <boost/program_options.hpp>
#include <cstdio>
#include <string>

#include "cli_common.h"
#include "kinship/familias.h"

namespace po = boost::program_options;

namespace kinship::cli {

namespace {
const char kCmd[] = "lr";
}  // namespace

int RunLrFam(int argc, char** argv) {
  std::string fam_path, reference, out_path, per_locus_path, untyped = "familias";
  bool quiet = false;
  po::options_description desc(
      "Usage: kinship lr --fam CASE.fam [--reference-pedigree NAME] [--untyped-founders familias|exact]\n"
      "                  [--out OUT.csv] [--per-locus LOCI.csv] [-q]\n\n"
      "The LR of every pedigree of a Familias 3 case file against the reference pedigree (the\n"
      "file's first unless named), per locus and total, with the file's frequencies (as written),\n"
      "theta and per-locus, per-sex mutation models. What kinship does not model (twins, silent\n"
      "alleles, drop-out, an error rate, ...) is an error naming it. OUT.csv:\n"
      "pedigree,reference,log10_lr,lr; LOCI.csv: pedigree,reference,locus,log10_lr.\n\nOptions");
  desc.add_options()("help,h", "this text")("fam", po::value(&fam_path)->required(), "Familias 3 case file (.fam)")(
      "reference-pedigree", po::value(&reference), "the pedigree every LR is against (default: the file's first)")(
      "untyped-founders", po::value(&untyped)->default_value("familias"),
      "familias: Familias' convention, what Familias prints (an untyped founder with one child passes on an allele "
      "drawn from p, without mutation); exact: every transmission mutated (pedsuite's forrel::kinshipLR)")(
      "out", po::value(&out_path), "output CSV (default: standard output)")(
      "per-locus", po::value(&per_locus_path), "per-locus CSV")("quiet,q", po::bool_switch(&quiet),
                                                                "print warnings only, no notes");
  po::variables_map vm;
  if (auto code = ParseCommandLine(kCmd, argc, argv, desc, &vm, [](const po::variables_map&) {})) return *code;

  Diagnostics diag;
  auto fail = [&](const absl::Status& s) {
    PrintNotes(kCmd, diag, quiet);
    return ReportError(kCmd, s);
  };
  FamiliasLrOptions opts;
  opts.reference_pedigree = reference;
  auto mode = ParseUntypedFounders(untyped);
  if (!mode.ok()) return fail(mode.status());
  opts.untyped_founders = *mode;
  SetStage("reading " + fam_path);
  auto fam = ReadFamiliasFile(fam_path, &diag);
  if (!fam.ok()) return fail(fam.status());
  SetStage("computing the LRs of " + fam_path);
  auto result = ComputeFamiliasLrs(*fam, opts, &diag);
  if (!result.ok()) return fail(result.status());
  SetStage("writing the report");
  AtomicOutput out, per_locus;
  if (auto st = out.Open(out_path.empty() ? "-" : out_path); !st.ok()) return fail(st);
  if (!per_locus_path.empty()) {
    if (auto st = per_locus.Open(per_locus_path); !st.ok()) return fail(st);
    WriteFamiliasLrPerLocusCsv(*result, per_locus.file());
  }
  WriteFamiliasLrCsv(*result, out.file());
  PrintNotes(kCmd, diag, quiet);
  if (auto st = CommitOutputs({&per_locus, &out}); !st.ok()) return ReportError(kCmd, st);
  if (!out_path.empty()) {
    for (const FamiliasLrRow& r : result->rows)
      std::printf("%s : %s  log10 LR %.6f\n", r.pedigree.c_str(), result->reference.c_str(), r.log10_lr);
    std::printf("written: %s%s%s\n", out_path.c_str(), per_locus_path.empty() ? "" : ", ", per_locus_path.c_str());
    if (std::fflush(stdout) == EOF) return kExitBadInput;
  }
  return kExitOk;
}

}  // namespace kinship::cli
