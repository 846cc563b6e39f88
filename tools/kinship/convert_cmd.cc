// kinship convert: from other programs' files to kinship's inputs. One conversion per source
// option: --fam (a Familias 3 case file to kinship lr's CSV inputs) and --profiles with
// --to cmf (any profile file to CODIS CMF XML); a further conversion is one more source
// option and one more branch below.
#include <array>
#include <boost/program_options.hpp>
#include <cstdio>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cli_common.h"
#include "cmf_output.h"
#include "kinship/familias.h"

namespace po = boost::program_options;

namespace kinship::cli {

namespace {
const char kCmd[] = "convert";

// Writes every (name, content) into `dir` (created if missing), all or none.
absl::Status WriteFiles(const std::string& dir, const std::vector<std::pair<std::string, std::string>>& files) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return absl::NotFoundError(absl::StrCat(dir, ": cannot create folder (", ec.message(), ")"));
  // A fixed set of outputs, committed together (all or none); unopened ones are skipped.
  std::array<AtomicOutput, 8> outs;
  if (files.size() > outs.size()) return absl::InternalError("convert: more files than outputs");
  for (size_t i = 0; i < files.size(); ++i) {
    if (auto st = outs[i].Open((std::filesystem::path(dir) / files[i].first).string()); !st.ok()) return st;
    std::fputs(files[i].second.c_str(), outs[i].file());
  }
  return CommitOutputs({&outs[0], &outs[1], &outs[2], &outs[3], &outs[4], &outs[5], &outs[6], &outs[7]});
}

}  // namespace

int RunConvert(int argc, char** argv) {
  std::string fam_path, out_dir, reference, untyped = "familias";
  std::string profiles_path, to, out_path;
  CmfHeader header;
  bool quiet = false;
  po::options_description desc(
      "Usage: kinship convert --fam CASE.fam --out-dir DIR [--reference-pedigree NAME]\n"
      "                       [--untyped-founders familias|exact] [-q]\n"
      "       kinship convert --profiles FILE --to cmf --out OUT.xml [--category CAT]\n"
      "                       [--source-lab ORI] [--destination-ori ORI] [--submit-by ID]\n"
      "                       [--submit-datetime ISO] [--batch-id ID] [--kit NAME] [--cmf-version 3.2|3.3]\n\n"
      "Converts other programs' files to kinship's inputs. --fam: a Familias 3 case file to\n"
      "DIR/freqs.csv, profiles.csv, pedigrees.csv (one family per pedigree of the case),\n"
      "pedigrees_h2.csv (the reference pedigree), cases.csv, mutation_rates.csv and README.txt,\n"
      "which gives the kinship lr command that reproduces `kinship lr --fam` (same options).\n"
      "A DVI case (the DVI module's unidentified persons and reference families) becomes\n"
      "victims.csv, victim_sex.csv, references.csv, pedigrees.csv and the kinship dvi command.\n"
      "A case whose loci or sexes differ in mutation model, range or rate2 cannot be said with\n"
      "kinship's options and is refused (kinship lr --fam computes it).\n"
      "--profiles with --to cmf: a profile file (CSV, GeneMapper or CMF) as CODIS CMF XML\n"
      "(one SPECIMEN per sample; a CMF input keeps its categories, other samples take\n"
      "--category), e.g. to send profiles back to a programme's database.\n\nOptions");
  desc.add_options()("help,h", "this text")("fam", po::value(&fam_path), "Familias 3 case file (.fam)")(
      "out-dir", po::value(&out_dir), "output folder (created if missing)")(
      "reference-pedigree", po::value(&reference), "--fam: the reference pedigree (default: the file's first)")(
      "untyped-founders", po::value(&untyped)->default_value("familias"),
      "--fam: the convention written into the command (familias or exact; as kinship lr --fam)")(
      "profiles", po::value(&profiles_path), "a profile file to convert (with --to cmf)")(
      "to", po::value(&to), "with --profiles: the output format (cmf)")(
      "out", po::value(&out_path), "with --to: the output file (- for standard output)")(
      "category", po::value(&header.default_category)->default_value(header.default_category),
      "--to cmf: SPECIMENCATEGORY of samples without one (e.g. \"Unidentified Person\")")(
      "source-lab", po::value(&header.source_lab)->default_value(header.source_lab), "--to cmf: SOURCELAB")(
      "destination-ori", po::value(&header.destination_ori)->default_value(header.destination_ori),
      "--to cmf: DESTINATIONORI")(
      "submit-by", po::value(&header.submit_by_user_id)->default_value(header.submit_by_user_id),
      "--to cmf: SUBMITBYUSERID (and each locus' READINGBY)")(
      "submit-datetime", po::value(&header.submit_datetime)->default_value(header.submit_datetime),
      "--to cmf: SUBMITDATETIME (and READINGDATETIME); fixed by default so the same input gives the same bytes")(
      "batch-id", po::value(&header.batch_id), "--to cmf: BATCHID (default: none)")(
      "kit", po::value(&header.kit), "--to cmf: KIT (default: none)")(
      "cmf-version", po::value(&header.header_version)->default_value(header.header_version),
      "--to cmf: HEADERVERSION, 3.2 or 3.3")(
      "quiet,q", po::bool_switch(&quiet), "print warnings only, no notes");
  po::variables_map vm;
  if (auto code = ParseCommandLine(kCmd, argc, argv, desc, &vm, [](const po::variables_map& vm) {
        if (vm.count("fam") + vm.count("profiles") != 1)
          throw po::error("give one source: --fam CASE.fam, or --profiles FILE with --to cmf");
        if (vm.count("fam")) {
          if (!vm.count("out-dir")) throw po::error("--fam needs --out-dir DIR");
          if (vm.count("to") || vm.count("out")) throw po::error("--to and --out go with --profiles");
        } else {
          if (!vm.count("to") || vm["to"].as<std::string>() != "cmf")
            throw po::error("--profiles needs --to cmf (the one profile format kinship writes)");
          if (!vm.count("out")) throw po::error("--to cmf needs --out OUT.xml (- for standard output)");
          if (vm.count("out-dir") || vm.count("reference-pedigree")) throw po::error("--out-dir and --reference-pedigree go with --fam");
        }
      }))
    return *code;

  Diagnostics diag;
  auto fail = [&](const absl::Status& s) {
    PrintNotes(kCmd, diag, quiet);
    return ReportError(kCmd, s);
  };
  if (!profiles_path.empty()) {
    SetStage("converting " + profiles_path);
    auto st = WriteProfilesAsCmf(profiles_path, out_path, header, &diag);
    PrintNotes(kCmd, diag, quiet);
    if (!st.ok()) return ReportError(kCmd, st);
    if (out_path != "-") std::fprintf(stderr, "kinship convert: written %s\n", out_path.c_str());
    return kExitOk;
  }
  FamiliasLrOptions opts;
  opts.reference_pedigree = reference;
  auto mode = ParseUntypedFounders(untyped);
  if (!mode.ok()) return fail(mode.status());
  opts.untyped_founders = *mode;
  SetStage("reading " + fam_path);
  auto fam = ReadFamiliasFile(fam_path, &diag);
  if (!fam.ok()) return fail(fam.status());
  auto conv = ConvertFamilias(*fam, opts, &diag);
  if (!conv.ok()) return fail(conv.status());
  SetStage("writing " + out_dir);
  PrintNotes(kCmd, diag, quiet);
  if (auto st = WriteFiles(out_dir, conv->files); !st.ok()) return ReportError(kCmd, st);
  std::fprintf(stderr, "kinship convert: %zu files written to %s (see README.txt)\n", conv->files.size(),
               out_dir.c_str());
  return kExitOk;
}

}  // namespace kinship::cli
