// kinship dvi: joint disaster-victim identification (kinship/dvi.h). Options in, one library
// call, four reports out (all or none).
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <boost/program_options.hpp>
#include <tbb/global_control.h>
#include <tbb/info.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cli_common.h"
#include "ranks.h"
#include "kinship/dvi.h"
#include "kinship/report.h"

namespace po = boost::program_options;

namespace kinship::cli {

namespace {
const char kCmd[] = "dvi";
}  // namespace

int RunDviCmd(int argc, char** argv) {
  const auto t_start = std::chrono::steady_clock::now();
  std::vector<std::string> victim_paths, profile_paths, victim_categories, reference_categories;
  std::string pedigrees_path, victim_sex_path, out_dir, observation_path;
  double victim_dropout = 0, victim_dropin = 0;
  ModelArgs model_args;
  int top = 20, threads = 0;
  bool exact = false, quiet = false;
  double identified_lr = 1e4, probable_lr = 1e3;
  std::int64_t max_local = 2'000'000, max_states = std::int64_t{1} << 24;

  po::options_description desc(
      "Usage: kinship dvi --freqs FREQS --victims FILE --pedigrees PEDS.csv --profiles FILE --out-dir DIR [options]\n\n"
      "Joint identification: every victim against every family's missing persons at once (dvir's\n"
      "model). An assignment places each victim at one missing person of its sex or at nobody, each\n"
      "missing person receiving at most one victim; its LR is against nobody identified, and with a\n"
      "flat prior over all valid assignments it has a posterior; a victim's pairing probabilities sum\n"
      "them. Solved exactly (docs/model.md). Writes DIR/pairwise.tsv, assignments.tsv, marginals.tsv\n"
      "and summary.tsv.\n\nOptions");
  desc.add_options()("help,h", "this text");
  AddModelOptions(&desc, &model_args);
  desc.add_options()
      ("victims", po::value(&victim_paths)->required()->composing(), "victims' profiles (repeatable)")
      ("pedigrees", po::value(&pedigrees_path)->required(), "pedigrees CSV: family,id,father,mother,sex,sample_id,missing (missing = 1: a missing person; one or more per family)")
      ("profiles", po::value(&profile_paths)->required()->composing(), "the families' reference profiles (repeatable)")
      ("victim-category", po::value(&victim_categories)->composing(),
       "CODIS CMF victims: take only the specimens of this SPECIMENCATEGORY (repeatable), e.g. \"Unidentified Person\"")
      ("reference-category", po::value(&reference_categories)->composing(),
       "CODIS CMF references (--profiles): take only the specimens of this SPECIMENCATEGORY (repeatable)")
      ("victim-sex", po::value(&victim_sex_path), "victims' sexes: CSV sample_id,sex (1/2 or male/female); default each victim's Amelogenin; a victim with neither may go to either sex")
      ("observation", po::value(&observation_path),
       "drop-out and drop-in per sample: CSV sample_id,dropout,dropin[,locus] (as in kinship lr)")
      ("victim-dropout", po::value(&victim_dropout)->default_value(0), "drop-out of every victim without a row in --observation, in [0, 1)")
      ("victim-dropin", po::value(&victim_dropin)->default_value(0), "drop-in of every victim without a row in --observation, in [0, 1)")
      ("top", po::value(&top)->default_value(20), "assignments to report")
      ("exact", po::bool_switch(&exact), "no pruning: every local assignment with LR > 0 enters the sum (default: negligible ones are dropped under a proven bound of 1e-13 on every posterior)")
      ("identified-lr", po::value(&identified_lr)->default_value(1e4, "1e4"), "summary: LR of the best assignment with the pairing over the best without it, for 'identified'")
      ("probable-lr", po::value(&probable_lr)->default_value(1e3, "1e3"), "summary: the same, for 'probable'")
      ("max-local-assignments", po::value(&max_local)->default_value(max_local), "per family: local assignments (victims placed at its missing persons) evaluated before the run stops")
      ("max-states", po::value(&max_states)->default_value(max_states), "per component: sets of victims used, past which the run stops")
      ("threads,t", po::value(&threads)->default_value(0), "threads (0: all cores)")
      ("out-dir", po::value(&out_dir)->required(), "output folder (created if missing)")
      ("quiet,q", po::bool_switch(&quiet), "print warnings only, no notes");
  po::variables_map vm;
  if (auto code = ParseCommandLine(kCmd, argc, argv, desc, &vm, [&](const po::variables_map&) {
        if (top < 1) throw po::error("--top must be at least 1");
        if (threads < 0) throw po::error("--threads must be >= 0");
        if (!(victim_dropout >= 0 && victim_dropout < 1)) throw po::error("--victim-dropout must be in [0, 1)");
        if (!(victim_dropin >= 0 && victim_dropin < 1)) throw po::error("--victim-dropin must be in [0, 1)");
      }))
    return *code;
  std::unique_ptr<tbb::global_control> thread_limit;
  if (threads > 0)
    thread_limit = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism, threads);

  Diagnostics diag;
  // Under mpirun (ranks.h), rank 0 prints the notes and the error and writes the reports.
  const bool root = Rank() == 0;
  auto fail = [&](const absl::Status& s) {
    if (!root) return ExitCodeFor(s);
    PrintNotes(kCmd, diag, quiet);
    return ReportError(kCmd, s);
  };
  auto model = ToModelOptions(model_args, vm);
  if (!model.ok()) return fail(model.status());
  DviRequest req;
  req.model = *model;
  req.victim_categories = victim_categories;
  req.reference_categories = reference_categories;
  for (const std::string& p : victim_paths) req.victims.push_back(ProfileSource::File(p));
  for (const std::string& p : profile_paths) req.profiles.push_back(ProfileSource::File(p));
  req.pedigrees_path = pedigrees_path;
  req.victim_sex_path = victim_sex_path;
  req.observation_path = observation_path;
  req.victim_observation = {victim_dropout, victim_dropin};
  req.top_k = top;
  req.exact = exact;
  req.identified_lr = identified_lr;
  req.probable_lr = probable_lr;
  req.max_local_assignments = max_local;
  req.max_states = max_states;
  std::vector<std::string> args = {"kinship"};
  args.insert(args.end(), argv, argv + argc);
  req.command = absl::StrJoin(args, " ");
  req.stage = [](const std::string& s) { SetStage(s); };
  req.exchange = RankExchange();
  auto result = RunDvi(req, &diag);
  if (!result.ok()) return fail(result.status());
  if (!root) return kExitOk;
  SetStage("writing the reports");
  result->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec) return fail(absl::NotFoundError(absl::StrCat(out_dir, ": cannot create folder (", ec.message(), ")")));
  AtomicOutput pairwise, assignments, marginals, summary, freqs_out;
  for (auto [out, name] : {std::pair{&pairwise, "pairwise.tsv"}, std::pair{&assignments, "assignments.tsv"},
                           std::pair{&marginals, "marginals.tsv"}, std::pair{&summary, "summary.tsv"}}) {
    auto st = out->Open((std::filesystem::path(out_dir) / name).string());
    if (!st.ok()) return fail(st);
  }
  if (!req.model.effective_table_path.empty()) {
    auto st = freqs_out.Open(req.model.effective_table_path);
    if (!st.ok()) return fail(st);
    std::fputs(result->provenance.table.effective_text.c_str(), freqs_out.file());
  }
  WriteDviPairwise(*result, pairwise.file());
  WriteDviAssignments(*result, assignments.file());
  WriteDviMarginals(*result, marginals.file());
  WriteDviSummary(*result, summary.file());
  PrintNotes(kCmd, diag, quiet);
  if (auto st = CommitOutputs({&pairwise, &assignments, &marginals, &summary, &freqs_out}); !st.ok())
    return ReportError(kCmd, st);
  int identified = 0, probable = 0;
  for (const DviSummaryRow& r : result->summary) {
    identified += r.conclusion == "identified";
    probable += r.conclusion == "probable";
  }
  const double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
  std::fprintf(stderr,
               "kinship dvi: %zu victims, 10^%.2f valid assignments; %d identified, %d probable; posterior error "
               "bound %s; %.2f s; written to %s\n",
               result->summary.size(), result->log10_valid_assignments, identified, probable,
               FormatDouble(result->error_bound).c_str(), total, out_dir.c_str());
  return kExitOk;
}

}  // namespace kinship::cli
