// kinship simulate: synthetic families, missing persons and victims (kinship/simulate.h), as
// the files `kinship match` reads, with a truth file. Options in, one library call, files out.
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "cli_common.h"
#include "kinship/io.h"
#include "kinship/simulate.h"

namespace po = boost::program_options;

namespace kinship::cli {

namespace {
const char kCmd[] = "simulate";
}  // namespace

int RunSimulate(int argc, char** argv) {
  std::string freqs_path, out_dir, shapes_arg;
  int families = 0, unrelated = 0;
  std::uint64_t seed = 1;
  double dropout = 0, allele_dropout = 0, dropin = 0;
  bool dvi = false;
  po::options_description desc(
      "Usage: kinship simulate --freqs FREQS --families N --seed S --out-dir DIR [options]\n\n"
      "Synthetic families with typed references, their missing persons as victims (and\n"
      "optionally unrelated victims), written as the files kinship match reads:\n"
      "  DIR/pedigrees.csv   family,id,father,mother,sex,sample_id,missing\n"
      "  DIR/references.csv  the families' reference profiles (sample_id,locus,allele1,allele2)\n"
      "  DIR/victims.csv     victim profiles, in random order\n"
      "  DIR/truth.csv       victim_id,family,missing_id,shape (empty family: unrelated)\n"
      "  DIR/observations.csv with --allele-dropout or --dropin: each victim locus they changed,\n"
      "                      true and observed alleles\n"
      "  DIR/victim_sex.csv  with --dvi: sample_id,sex of every victim (kinship dvi --victim-sex)\n"
      "Genotypes are drawn from FREQS (Hardy-Weinberg) and passed down by Mendel's laws,\n"
      "without mutation. The same seed and inputs give the same files.\n\nOptions");
  desc.add_options()
      ("help,h", "this text")
      ("freqs", po::value(&freqs_path)->required(), "allele frequency table")
      ("families", po::value(&families)->required(), "number of families (each missing person a victim)")
      ("seed", po::value(&seed)->default_value(1), "random seed")
      ("shapes", po::value(&shapes_arg)->default_value(absl::StrJoin(SimulationShapeNames(), ",")),
       "comma-separated family shapes, used in turn")
      ("victims-unrelated", po::value(&unrelated)->default_value(0), "number of unrelated victims added")
      ("dropout", po::value(&dropout)->default_value(0), "probability that a victim's locus is untyped (partial profiles)")
      ("allele-dropout", po::value(&allele_dropout)->default_value(0),
       "probability that each visible allele of a victim fails to show (a homozygote: both copies, D^2)")
      ("dropin", po::value(&dropin)->default_value(0), "probability that a victim's locus gains one drop-in allele")
      ("dvi", po::bool_switch(&dvi),
       ("joint-identification data for kinship dvi: families with one to three missing persons (default shapes " +
           absl::StrJoin(SimulationDviShapeNames(), ",") + "), missing persons named <family>_<id>, victims' sexes").c_str())
      ("out-dir", po::value(&out_dir)->required(), "output folder (created if missing)");
  po::variables_map vm;
  if (auto code = ParseCommandLine(kCmd, argc, argv, desc, &vm, [&](const po::variables_map&) {
      if (families < 0 || unrelated < 0) throw po::error("--families and --victims-unrelated must be >= 0");
      // Their sum is an int: bounded so that it cannot overflow (and a typo does not run for days).
      if (families > kMaxSimulated || unrelated > kMaxSimulated)
        throw po::error(absl::StrCat("--families and --victims-unrelated must be at most ", kMaxSimulated));
      if (families + unrelated == 0) throw po::error("nothing to simulate: give --families or --victims-unrelated");
      if (!(dropout >= 0 && dropout < 1)) throw po::error("--dropout must be in [0, 1)");
      if (!(allele_dropout >= 0 && allele_dropout < 1)) throw po::error("--allele-dropout must be in [0, 1)");
      if (!(dropin >= 0 && dropin < 1)) throw po::error("--dropin must be in [0, 1)");
      }))
    return *code;
  Diagnostics diag;
  SetStage(absl::StrCat("reading the frequency table ", freqs_path));
  auto table = ReadAlleleFreqs(freqs_path, &diag);
  if (!table.ok()) return ReportError(kCmd, table.status());
  SimulateOptions opts;
  opts.family_ct = families;
  opts.unrelated_ct = unrelated;
  opts.seed = seed;
  opts.dropout = dropout;
  opts.allele_dropout = allele_dropout;
  opts.dropin = dropin;
  opts.shapes = absl::StrSplit(shapes_arg, ',');
  opts.dvi = dvi;
  if (dvi && vm["shapes"].defaulted()) opts.shapes = SimulationDviShapeNames();
  SetStage(absl::StrCat("simulating ", families, " families and ", unrelated, " unrelated victims"));
  auto sim = Simulate(*table, opts);
  if (!sim.ok()) {
    // The options were checked above: what is left (an unknown shape) is a usage error.
    if (sim.status().code() != absl::StatusCode::kInvalidArgument) return ReportError(kCmd, sim.status());
    std::cerr << "kinship simulate: " << sim.status().message() << "\n";
    return kExitUsage;
  }
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec)
    return ReportError(kCmd, absl::NotFoundError(absl::StrCat(out_dir, ": cannot create folder (", ec.message(), ")")));
  const bool degraded = allele_dropout > 0 || dropin > 0;
  AtomicOutput peds, refs, victims, truth, observed, sexes;
  for (auto [out, name] : {std::pair{&peds, "pedigrees.csv"}, std::pair{&refs, "references.csv"},
                           std::pair{&victims, "victims.csv"}, std::pair{&truth, "truth.csv"},
                           std::pair{&observed, "observations.csv"}, std::pair{&sexes, "victim_sex.csv"}}) {
    if (out == &observed && !degraded) continue;
    if (out == &sexes && !dvi) continue;
    auto st = out->Open((std::filesystem::path(out_dir) / name).string());
    if (!st.ok()) return ReportError(kCmd, st);
  }
  WriteSimulatedPedigreesCsv(*sim, peds.file());
  WriteSimulatedProfilesCsv(sim->references, *table, refs.file());
  WriteSimulatedProfilesCsv(sim->victims, *table, victims.file());
  WriteSimulatedTruthCsv(*sim, truth.file());
  if (degraded) WriteSimulatedObservationsCsv(*sim, *table, observed.file());
  if (dvi) WriteSimulatedVictimSexCsv(*sim, sexes.file());
  if (auto st = CommitOutputs({&peds, &refs, &victims, &truth, &observed, &sexes}); !st.ok())  // all or none
    return ReportError(kCmd, st);
  std::cerr << "kinship simulate: " << families << " families, " << sim->victims.size() << " victims written to "
            << out_dir;
  if (degraded) std::cerr << "; " << sim->observations.size() << " victim loci changed by allelic drop-out or drop-in";
  std::cerr << "\n";
  return kExitOk;
}

}  // namespace kinship::cli
