// kinship match: the screen (kinship/match.h). Options in, one library call, reports out.
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <boost/program_options.hpp>
#include <tbb/global_control.h>
#include <tbb/info.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cli_common.h"
#include "kinship/match.h"
#include "kinship/report.h"
#include "ranks.h"
#include "report_out.h"

namespace po = boost::program_options;

namespace kinship::cli {

namespace {
const char kCmd[] = "match";
std::string FormatMegabytes(std::int64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(bytes) / 1e6);
  return buf;
}
}  // namespace

int RunMatch(int argc, char** argv) {
  const auto t_start = std::chrono::steady_clock::now();
  std::string out_path, json_path, by = "victim", kernel_name = "auto", sex1_name = "unknown";
  std::vector<std::string> victim_paths, reference_paths, profile_paths;
  MatchRequest req;
  double prior = -1;
  ModelArgs model_args;
  bool quiet = false, progress = false;
  int threads = 0, report_max = 100;
  std::string report_dir;

  po::options_description desc(
      "Usage: kinship match --freqs FREQS --victims FILE [--references FILE --relationship REL ...]\n"
      "                     [--pedigrees PEDS.csv --profiles FILE ...] [options]\n\n"
      "Screens every victim against every reference under each --relationship (the reference\n"
      "as id1, the older generation) and against every missing person of every family in\n"
      "--pedigrees; reports, per victim, the best candidates with exact log10 LRs and\n"
      "posteriors (or, with --by candidate, the best victims per candidate).\n\nOptions");
  desc.add_options()("help,h", "this text");
  AddModelOptions(&desc, &model_args);
  desc.add_options()
      ("victims", po::value(&victim_paths)->required()->composing(), "victim profiles (repeatable)")
      ("references", po::value(&reference_paths)->composing(), "reference profiles for pairwise screening (repeatable)")
      ("relationship", po::value(&req.relationships)->composing(), "relationship of the references to the victims (repeatable): parent-child, full-siblings, ...")
      ("sex1", po::value(&sex1_name)->default_value("unknown"), "sex of the references (male|female|unknown); needed with parent-child when the sexes' mutation rates differ")
      ("pedigrees", po::value(&req.pedigrees_path), "family pedigrees (family,id,father,mother,sex,sample_id,missing)")
      ("profiles", po::value(&profile_paths)->composing(), "profiles of the families' references (repeatable)")
      ("victim-category", po::value(&req.victim_categories)->composing(),
       "CODIS CMF victims: take only the specimens of this SPECIMENCATEGORY (repeatable), e.g. \"Unidentified Person\"")
      ("reference-category", po::value(&req.reference_categories)->composing(),
       "CODIS CMF references (--references, --profiles): take only the specimens of this SPECIMENCATEGORY (repeatable)")
      ("observation", po::value(&req.observation_path),
       "drop-out and drop-in per sample: CSV sample_id,dropout,dropin[,locus] (victims and references; a row with a "
       "locus overrides the sample's row there)")
      ("victim-dropout", po::value(&req.victim_observation.dropout)->default_value(0),
       "allelic drop-out probability of every victim without a row in --observation, in [0, 1)")
      ("victim-dropin", po::value(&req.victim_observation.dropin)->default_value(0),
       "drop-in probability of every victim without a row in --observation, in [0, 1)")
      ("top", po::value(&req.top_k)->default_value(10), "candidates reported per victim (victims per candidate with --by candidate)")
      ("min-log10-lr", po::value(&req.min_log10_lr)->default_value(0), "report only pairs with log10 LR >= this (-inf: no threshold)")
      ("prior", po::value(&prior), "prior probability that a victim is a given candidate's relative [default: 1/number of candidates]")
      ("by", po::value(&by)->default_value("victim"), "rank candidates per victim (victim) or victims per candidate (candidate)")
      ("threads,t", po::value(&threads)->default_value(0), "threads (0: all cores)")
      ("kernel", po::value(&kernel_name)->default_value("auto"), "prefilter kernel: auto, scalar, avx512")
      ("out", po::value(&out_path), "report TSV (default: standard output)")
      ("json", po::value(&json_path), "report JSON, with the per-locus log10 LRs of every reported pair")
      ("report", po::value(&report_dir), "case reports of the best reported pair of each victim (each candidate with --by candidate), recomputed exactly as kinship lr: HTML pages and index.html in this folder; their detail also goes into --json")
      ("report-max", po::value(&report_max)->default_value(100), "--report: at most this many pages, in report order")
      ("progress", po::bool_switch(&progress), "progress on stderr even when it is not a terminal")
      ("quiet,q", po::bool_switch(&quiet), "warnings only");
  po::variables_map vm;
  if (auto code = ParseCommandLine(kCmd, argc, argv, desc, &vm, [&](const po::variables_map& vm) {
      if (reference_paths.empty() != req.relationships.empty())
        throw po::error("--references and --relationship go together");
      if (req.pedigrees_path.empty() != profile_paths.empty())
        throw po::error("--pedigrees and --profiles go together");
      if (reference_paths.empty() && req.pedigrees_path.empty())
        throw po::error("nothing to screen against: give --references with --relationship, or --pedigrees with --profiles");
      if (req.top_k < 1) throw po::error("--top must be at least 1");
      if (by != "victim" && by != "candidate") throw po::error("--by must be victim or candidate");
      if (kernel_name != "auto" && kernel_name != "scalar" && kernel_name != "avx512")
        throw po::error("--kernel must be auto, scalar or avx512");
      if (vm.count("prior") && !(prior > 0 && prior < 1)) throw po::error("--prior must be in (0, 1)");
      if (std::isnan(req.min_log10_lr) || req.min_log10_lr == INFINITY)
        throw po::error("--min-log10-lr must be a number or -inf (+inf would report nothing)");
      if (threads < 0) throw po::error("--threads must be >= 0");
      if (report_max < 1 || report_max > kMaxReportPages)
        throw po::error(absl::StrCat("--report-max must be from 1 to ", kMaxReportPages));
      if (!report_dir.empty() && (req.victim_observation.dropout > 0 || req.victim_observation.dropin > 0))
        throw po::error("--report does not take --victim-dropout/--victim-dropin; give the victims' rows in --observation");
      }))
    return *code;
  std::unique_ptr<tbb::global_control> thread_limit;
  if (threads > 0)
    thread_limit = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism, threads);
  const int threads_used = threads > 0 ? threads : tbb::info::default_concurrency();

  Diagnostics diag;
  // Under mpirun (ranks.h), rank 0 speaks for the job: it prints the notes and the error (a
  // failing rank's error reaches it through the exchange), and writes every output.
  const bool root = Rank() == 0;
  auto fail = [&](const absl::Status& s) {
    if (!root) return ExitCodeFor(s);
    PrintNotes(kCmd, diag, quiet);
    return ReportError(kCmd, s);
  };
  auto model = ToModelOptions(model_args, vm);
  if (!model.ok()) return fail(model.status());
  req.model = *model;
  auto sex1 = ParseSex(sex1_name);
  if (!sex1.ok()) return fail(sex1.status());
  req.reference_sex = *sex1;
  for (const std::string& p : victim_paths) req.victims.push_back(ProfileSource::File(p));
  for (const std::string& p : reference_paths) req.references.push_back(ProfileSource::File(p));
  for (const std::string& p : profile_paths) req.family_profiles.push_back(ProfileSource::File(p));
  if (vm.count("prior")) req.prior = prior;
  req.by = by == "victim" ? RankBy::kVictim : RankBy::kCandidate;
  req.kernel = kernel_name == "scalar" ? ScreenKernel::kScalar
               : kernel_name == "avx512" ? ScreenKernel::kAvx512
                                         : ScreenKernel::kAuto;
  std::vector<std::string> args = {"kinship"};
  args.insert(args.end(), argv, argv + argc);
  req.command = absl::StrJoin(args, " ");
  // A progress line on a terminal (or with --progress): the families' tables after each chunk,
  // then the screen at most twice a second (its rate counted from the start of the screen).
  auto t_screen_start = std::chrono::steady_clock::now();
  auto last_print = t_screen_start;
  req.stage = [&](const std::string& s) {
    SetStage(s);
    if (s.rfind("screening", 0) == 0) t_screen_start = last_print = std::chrono::steady_clock::now();
  };
  bool printed = false;
  const bool show_progress = root && (progress || isatty(STDERR_FILENO));
  if (show_progress)
    req.progress = [&](std::int64_t done, std::int64_t victim_ct, std::int64_t candidate_ct) {
      const auto now = std::chrono::steady_clock::now();
      if (now - last_print < std::chrono::milliseconds(500)) return;
      last_print = now;
      printed = true;
      const double secs = std::chrono::duration<double>(now - t_screen_start).count();
      const double frac = victim_ct ? static_cast<double>(done) / victim_ct : 1;
      const double pairs = static_cast<double>(done) * candidate_ct;
      std::fprintf(stderr, "\rkinship match: %5.1f%%  %.3g pairs  %.3g pairs/s  ETA %.0f s   ", 100 * frac, pairs,
                   pairs / std::max(secs, 1e-9), frac > 0 ? secs * (1 - frac) / frac : 0.0);
      std::fflush(stderr);
    };

  const auto t_tables_start = std::chrono::steady_clock::now();
  if (show_progress)
    req.family_progress = [&](std::int64_t done, std::int64_t family_ct) {
      const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_tables_start).count();
      const double rate = done / std::max(secs, 1e-9);
      std::fprintf(stderr, "\rkinship match: family tables %lld/%lld  %.3g families/s  ETA %.0f s   ",
                   static_cast<long long>(done), static_cast<long long>(family_ct), rate,
                   rate > 0 ? (family_ct - done) / rate : 0.0);
      std::fflush(stderr);
      printed = true;
    };

  req.exchange = RankExchange();
  auto result = Match(req, &diag);
  if (printed) std::fprintf(stderr, "\r%70s\r", "");
  if (!result.ok()) return fail(result.status());
  if (!root) return kExitOk;  // rank 0 has the result
  SetStage("writing the report");
  result->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();

  ReportDir report;  // --report: the case reports (before --json, which carries their detail)
  if (!report_dir.empty()) {
    auto files = MatchReportFiles(req, &*result, report_max);
    if (!files.ok()) return fail(files.status());
    if (auto s = report.Open(report_dir, *files); !s.ok()) return fail(s);
  }
  AtomicOutput out, json, freqs_out;
  auto st = out.Open(out_path.empty() ? "-" : out_path);
  if (!st.ok()) return fail(st);
  if (!req.model.effective_table_path.empty()) {
    st = freqs_out.Open(req.model.effective_table_path);
    if (!st.ok()) return fail(st);
    std::fputs(result->provenance.table.effective_text.c_str(), freqs_out.file());
  }
  if (!json_path.empty()) {
    st = json.Open(json_path);
    if (!st.ok()) return fail(st);
  }
  WriteMatchTsv(*result, out.file());
  if (!json_path.empty()) WriteMatchJson(*result, json.file());
  PrintNotes(kCmd, diag, quiet);
  st = CommitOutputs(report.With({&json, &freqs_out, &out}));  // all or none
  if (!st.ok()) return ReportError(kCmd, st);
  const double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
  std::fprintf(stderr,
               "kinship match: %d victims x %d candidates = %lld pairs screened, %lld rescored, %zu rows; "
               "kernel %s, %d threads%s, %.2f s\n",
               result->victim_ct, result->candidate_ct, static_cast<long long>(result->pairs_screened),
               static_cast<long long>(result->pairs_rescored), result->rows.size(), KernelName(result->kernel),
               threads_used,
               RankCount() > 1 ? absl::StrCat(" x ", RankCount(), " ranks (", FormatMegabytes(RankExchange()->bytes_received()),
                                              " received by rank 0)").c_str()
                               : "",
               total);
  if (!report_dir.empty()) std::fprintf(stderr, "kinship match: case reports in %s/index.html\n", report_dir.c_str());
  if (result->candidates_skipped > 0)
    std::fprintf(stderr, "kinship match: %lld family candidate(s) skipped (see the warnings in the report)\n",
                 static_cast<long long>(result->candidates_skipped));
  return kExitOk;
}

}  // namespace kinship::cli
