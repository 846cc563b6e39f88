#include "cli_common.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace kinship::cli {

int ExitCodeFor(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk: return kExitOk;
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kUnknown: return kExitInternal;
    default: return kExitBadInput;
  }
}

// stdout is flushed before anything goes to stderr, so that the two interleave as on a terminal
// also when they go to one pipe or file (2>&1): the user guide's examples show them so, and its
// test (tests/docs/guide_examples_test.sh) compares them in that order.
int ReportError(const std::string& cmd, const absl::Status& status) {
  std::fflush(stdout);
  std::cerr << "kinship " << cmd << ": error: " << status.message() << "\n";
  return ExitCodeFor(status);
}

void PrintNotes(const std::string& cmd, const Diagnostics& diag, bool quiet) {
  std::fflush(stdout);  // as in ReportError
  for (const Note& n : diag.notes()) {
    if (quiet && n.level == NoteLevel::kInfo) continue;
    std::cerr << "kinship " << cmd << ": " << (n.level == NoteLevel::kWarning ? "warning: " : "note: ")
              << n.message << "\n";
  }
}

std::optional<int> ParseCommandLine(const std::string& cmd, int argc, char** argv,
                                    const boost::program_options::options_description& desc,
                                    boost::program_options::variables_map* vm,
                                    const std::function<void(const boost::program_options::variables_map&)>& validate) {
  namespace po = boost::program_options;
  try {
    po::store(po::command_line_parser(argc, argv).options(desc).run(), *vm);
    if (vm->count("help")) {
      std::cout << desc << "\n";
      return kExitOk;
    }
    po::notify(*vm);
    // An empty path would otherwise mean standard output (or the current folder): refuse it.
    for (const char* name : {"out", "per-locus", "json", "write-freqs", "out-dir", "mutation-rates", "report"})
      if (vm->count(name) && (*vm)[name].as<std::string>().empty())
        throw po::error(absl::StrCat("--", name, " must not be empty (give a file name, or - for standard output)"));
    validate(*vm);
  } catch (const po::error& e) {
    std::cerr << "kinship " << cmd << ": " << e.what() << "\n(see kinship " << cmd << " --help)\n";
    return kExitUsage;
  }
  // Output files are checked before any input is read: a report that cannot be written must
  // not cost a long run first (the outputs are still written atomically at the end).
  for (const char* name : {"out", "per-locus", "json", "write-freqs"}) {
    if (!vm->count(name)) continue;
    const std::string path = (*vm)[name].as<std::string>();
    if (path == "-") continue;
    std::error_code ec;
    const std::filesystem::path p(path);
    if (std::filesystem::is_directory(p, ec))
      return ReportError(cmd, absl::InvalidArgumentError(absl::StrCat("--", name, " ", path,
                                                                      ": is a directory; expected a file name")));
    const std::filesystem::path parent = p.has_parent_path() ? p.parent_path() : std::filesystem::path(".");
    if (!std::filesystem::is_directory(parent, ec))
      return ReportError(cmd, absl::NotFoundError(absl::StrCat("--", name, " ", path, ": the folder ",
                                                               parent.string(), " does not exist")));
  }
  return std::nullopt;
}

void AddModelOptions(boost::program_options::options_description* desc, ModelArgs* a) {
  namespace po = boost::program_options;
  kinship::ModelOptions* o = &a->options;
  desc->add_options()
      ("freqs", po::value(&o->freqs_path)->required(), "allele frequency table (long locus,allele,frequency or wide)")
      ("sample-sizes", po::value(&o->sample_sizes_path), "per-locus sample sizes (locus,n_individuals or file,locus,n_individuals,...) for the 5/(2N) minimum frequency")
      ("theta", po::value(&o->theta)->default_value(0), "subpopulation correction theta (Balding-Nichols), 0 = Hardy-Weinberg")
      ("mutation-model", po::value(&a->model_name)->default_value("none"), "none|equal|proportional|stepwise|extended-stepwise")
      ("mutation-rate", po::value(&a->rate)->default_value(0), "mutation rate; both sexes unless --mutation-rate-female is given, then males")
      ("mutation-rate-female", po::value(&a->rate_female), "female mutation rate")
      ("mutation-rate2", po::value(&o->mutation_rate2)->default_value(0), "stepwise: rate of mutations to another microvariant class (e.g. 9 -> 9.3)")
      ("mutation-range", po::value(&o->mutation_range)->default_value(0.5), "stepwise: relative probability of n+1 versus n repeat steps")
      ("mutation-transform", po::value(&a->transform_name)->default_value("none"),
       "none|PM|MH|BA|PR: make the mutation model stationary (PM) or reversible (MH, BA, PR) for the frequencies, both sexes (as pedmut's transform)")
      ("mutation-rates", po::value(&o->rates_path), "per-locus rates CSV: locus,rate or locus,rate_male,rate_female (replaces the rate for listed loci)")
      ("min-freq", po::value(&o->min_freq)->default_value(0.001), "frequency of an allele absent from the table when the locus' N is unknown (else 5/(2N))")
      ("untyped-founders", po::value(&a->untyped_founders)->default_value("exact"),
       "exact|familias: familias reproduces Familias, which draws the allele an untyped founder with one child passes on from p, without mutation (docs/model.md)")
      ("normalize-freqs", po::value(&o->normalize_freqs)->default_value(true),
       "after imputing unseen alleles, rescale every locus to sum to 1 (yes|no); no: use the frequencies as written, "
       "the missing mass of a locus as one unobserved rest allele (a locus summing to more than 1 is refused)")
      ("allow-unnormalised", po::bool_switch(&o->allow_unnormalised),
       "use a table with a locus more than 0.01 away from summing to 1 (an error otherwise)")
      ("freeze-freqs", po::bool_switch(&o->freeze_freqs),
       "the frequency table is frozen: an allele absent from it is an error (nothing imputed), so no profile "
       "changes another pair's numbers")
      ("write-freqs", po::value(&o->effective_table_path),
       "write the effective frequency table (after imputation and normalisation) as locus,allele,frequency, "
       "to review and then use with --freeze-freqs");
}

absl::StatusOr<kinship::ModelOptions> ToModelOptions(const ModelArgs& a,
                                                     const boost::program_options::variables_map& vm) {
  kinship::ModelOptions o = a.options;
  auto m = ParseMutationModel(a.model_name);
  if (!m.ok()) return m.status();
  auto u = ParseUntypedFounders(a.untyped_founders);
  if (!u.ok()) return u.status();
  auto transform = ParseMutationTransform(a.transform_name);
  if (!transform.ok()) return transform.status();
  o.mutation_model = *m;
  o.untyped_founders = *u;
  o.mutation_transform = *transform;
  if (!vm["mutation-rate"].defaulted()) o.mutation_rate = a.rate;
  if (vm.count("mutation-rate-female")) o.mutation_rate_female = a.rate_female;
  return o;
}

namespace {
std::string& StageText() {
  static std::string stage;
  return stage;
}
}  // namespace

void SetStage(std::string stage) { StageText() = std::move(stage); }
const std::string& Stage() { return StageText(); }

}  // namespace kinship::cli
