// kinship match: the screen. Every victim against every reference (under each pairwise
// relationship given) and every family's missing person, ranked reports with exact numbers.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <climits>
#include <cmath>
#include <filesystem>
#include <iterator>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <boost/program_options.hpp>
#include <tbb/global_control.h>
#include <tbb/info.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "cli_common.h"
#include "kinship/io.h"
#include "kinship/pairwise.h"
#include "kinship/pedigree.h"
#include "kinship/pedigree_lr.h"
#include "kinship/profile.h"
#include "kinship/screen.h"
#include "kinship/version.h"

namespace po = boost::program_options;

namespace kinship::cli {

namespace {

const char kCmd[] = "match";

struct CandidateInfo {
  std::string label;       // reference sample id, or family id
  std::string family;      // family id (pedigree candidates)
  std::string missing_id;  // missing person (pedigree candidates)
  std::string hypothesis;  // relationship name, or "missing-person"
};

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) out += absl::StrFormat("\\u%04x", c);
        else out += c;
    }
  }
  return out + "\"";
}

// log10 values in JSON: a number, or the string "-inf" for an exclusion.
std::string JsonNumber(double v) { return std::isfinite(v) ? FormatDouble(v) : JsonString(FormatDouble(v)); }

// Posterior probability that the victim is the candidate's relative, with prior P:
// LR P / (LR P + 1 - P), computed from log10 LR without overflow.
double Posterior(double log10_lr, double prior) {
  if (log10_lr == -INFINITY) return 0;
  const double x = log10_lr + std::log10(prior) - std::log10(1 - prior);  // log10 posterior odds
  return 1 / (1 + std::pow(10.0, -x));
}

}  // namespace

int RunMatch(int argc, char** argv) {
  const auto t_start = std::chrono::steady_clock::now();
  std::string pedigrees_path, out_path, json_path, by = "victim", kernel_name = "auto", sex1_name = "unknown";
  std::vector<std::string> victim_paths, reference_paths, relationships, profile_paths;
  int top_k = 10, threads = 0;
  double min_log10_lr = 0, prior = -1;
  ModelOptions mo;
  bool quiet = false, progress = false;

  po::options_description desc(
      "Usage: kinship match --freqs FREQS --victims FILE [--references FILE --relationship REL ...]\n"
      "                     [--pedigrees PEDS.csv --profiles FILE ...] [options]\n\n"
      "Screens every victim against every reference under each --relationship (the reference\n"
      "as id1, the older generation) and against every missing person of every family in\n"
      "--pedigrees; reports, per victim, the best candidates with exact log10 LRs and\n"
      "posteriors (or, with --by candidate, the best victims per candidate).\n\nOptions");
  desc.add_options()("help,h", "this text");
  AddModelOptions(&desc, &mo);
  desc.add_options()
      ("victims", po::value(&victim_paths)->required()->composing(), "victim profiles (repeatable)")
      ("references", po::value(&reference_paths)->composing(), "reference profiles for pairwise screening (repeatable)")
      ("relationship", po::value(&relationships)->composing(), "relationship of the references to the victims (repeatable): parent-child, full-siblings, ...")
      ("sex1", po::value(&sex1_name)->default_value("unknown"), "sex of the references (male|female|unknown); needed with parent-child when the sexes' mutation rates differ")
      ("pedigrees", po::value(&pedigrees_path), "family pedigrees (family,id,father,mother,sex,sample_id,missing)")
      ("profiles", po::value(&profile_paths)->composing(), "profiles of the families' references (repeatable)")
      ("top", po::value(&top_k)->default_value(10), "candidates reported per victim (victims per candidate with --by candidate)")
      ("min-log10-lr", po::value(&min_log10_lr)->default_value(0), "report only pairs with log10 LR >= this (-inf: no threshold)")
      ("prior", po::value(&prior), "prior probability that a victim is a given candidate's relative [default: 1/number of candidates]")
      ("by", po::value(&by)->default_value("victim"), "rank candidates per victim (victim) or victims per candidate (candidate)")
      ("threads,t", po::value(&threads)->default_value(0), "threads (0: all cores)")
      ("kernel", po::value(&kernel_name)->default_value("auto"), "prefilter kernel: auto, scalar, avx512")
      ("out", po::value(&out_path), "report TSV (default: standard output)")
      ("json", po::value(&json_path), "report JSON, with the per-locus log10 LRs of every reported pair")
      ("progress", po::bool_switch(&progress), "progress on stderr even when it is not a terminal")
      ("quiet,q", po::bool_switch(&quiet), "warnings only");
  po::variables_map vm;
  if (auto code = ParseCommandLine(kCmd, argc, argv, desc, &vm, [&](const po::variables_map& vm) {
      if (reference_paths.empty() != relationships.empty())
        throw po::error("--references and --relationship go together");
      if (pedigrees_path.empty() != profile_paths.empty())
        throw po::error("--pedigrees and --profiles go together");
      if (reference_paths.empty() && pedigrees_path.empty())
        throw po::error("nothing to screen against: give --references with --relationship, or --pedigrees with --profiles");
      if (top_k < 1) throw po::error("--top must be at least 1");
      if (by != "victim" && by != "candidate") throw po::error("--by must be victim or candidate");
      if (kernel_name != "auto" && kernel_name != "scalar" && kernel_name != "avx512")
        throw po::error("--kernel must be auto, scalar or avx512");
      if (vm.count("prior") && !(prior > 0 && prior < 1)) throw po::error("--prior must be in (0, 1)");
      if (std::isnan(min_log10_lr) || min_log10_lr == INFINITY)
        throw po::error("--min-log10-lr must be a number or -inf (+inf would report nothing)");
      if (threads < 0) throw po::error("--threads must be >= 0");
      }))
    return *code;
  std::unique_ptr<tbb::global_control> thread_limit;
  if (threads > 0)
    thread_limit = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism, threads);
  const int threads_used = threads > 0 ? threads : tbb::info::default_concurrency();

  Diagnostics diag;
  auto fail = [&](const absl::Status& s) {
    PrintNotes(kCmd, diag, quiet);
    return ReportError(kCmd, s);
  };

  AlleleFreqTable table_value;
  MutationSpec mutation;
  MutationModel model_kind;
  if (auto st = LoadModel(mo, vm, &table_value, &mutation, &model_kind, &diag); !st.ok()) return fail(st);
  AlleleFreqTable* table = &table_value;
  const double theta = mo.theta;

  // Inputs, with their checksums for the report (taken by the readers as they read: each
  // input is read once, so a FIFO or a process substitution works).
  std::vector<std::pair<std::string, std::string>> inputs;  // (role, path)
  inputs.push_back({"freqs", mo.freqs_path});
  if (!mo.sample_sizes_path.empty()) inputs.push_back({"sample-sizes", mo.sample_sizes_path});
  if (!mo.rates_path.empty()) inputs.push_back({"mutation-rates", mo.rates_path});
  for (auto& p : victim_paths) inputs.push_back({"victims", p});
  for (auto& p : reference_paths) inputs.push_back({"references", p});
  if (!pedigrees_path.empty()) inputs.push_back({"pedigrees", pedigrees_path});
  for (auto& p : profile_paths) inputs.push_back({"profiles", p});

  // Profiles: victims, pairwise references, family references; one table for all. Files
  // are read and bound in batches, so no file is held whole as text.
  ProfileBinder binder(mo.build, table, &diag);
  std::vector<std::string> victim_ids, reference_ids;
  std::set<std::string> victim_set, reference_set, family_set;
  auto read = [&](const std::vector<std::string>& paths, std::vector<std::string>* ids,
                  std::set<std::string>* set) -> absl::Status {
    for (const std::string& p : paths) {
      SetStage(absl::StrCat("reading the profiles ", p));
      auto sink = [&](std::vector<GenotypeRecord>* batch) -> absl::Status {
        const std::string* last = nullptr;  // rows come grouped by sample: look up on change
        for (const GenotypeRecord& rec : *batch) {
          if (last && *last == rec.sample_id) continue;
          last = &rec.sample_id;
          if (set->insert(rec.sample_id).second && ids) ids->push_back(rec.sample_id);
        }
        return binder.Add(*batch);
      };
      if (auto st = ReadProfileRecordsInChunks(p, &diag, 1 << 20, sink); !st.ok()) return st;
    }
    return absl::OkStatus();
  };
  if (auto st = read(victim_paths, &victim_ids, &victim_set); !st.ok()) return fail(st);
  if (auto st = read(reference_paths, &reference_ids, &reference_set); !st.ok()) return fail(st);
  if (auto st = read(profile_paths, nullptr, &family_set); !st.ok()) return fail(st);
  for (const std::string& id : victim_ids)
    if (reference_set.count(id) || family_set.count(id))
      return fail(absl::FailedPreconditionError(
          absl::StrCat("sample '", id, "' is both a victim (--victims) and a reference (--references or --profiles); ",
                       "expected distinct sample ids")));
  auto all = binder.Finish();
  if (!all.ok()) return fail(all.status());
  auto table_report = FinishTable(mo, table, &diag);
  if (!table_report.ok()) return fail(table_report.status());
  if (mutation.enabled()) {
    std::vector<std::string> rates;
    for (const auto& [locus, r] : RatesInUse(*table, mutation)) rates.push_back(absl::StrCat(locus, " ", r));
    diag.Info(absl::StrCat("mutation rates in use (male/female): ", absl::StrJoin(rates, ", ")));
  }
  auto subset = [&](const std::vector<std::string>& ids) {
    std::vector<int> idx;
    for (const std::string& id : ids) idx.push_back(all->FindSample(id));
    return all->Subset(idx);
  };
  const ProfileSet victims = subset(victim_ids);
  const ProfileSet references = subset(reference_ids);
  const int nl = table->locus_ct();
  if (nl > kMaxScreenLoci)
    return fail(absl::OutOfRangeError(absl::StrCat("the frequency table has ", nl, " loci; the screen handles at most ",
                                                   kMaxScreenLoci)));

  // Candidates.
  ScoreTablesBuilder builder(*table);
  std::vector<CandidateInfo> info;
  PairwiseOptions popts;
  popts.theta = theta;
  popts.mutation = mutation;
  popts.untyped_founders = UntypedFoundersMode(mo);
  auto sex1 = ParseSex(sex1_name);
  if (!sex1.ok()) return fail(sex1.status());
  popts.sex1 = *sex1;
  // The sex of each reference (id1): --sex1 when given, else its Amelogenin. It matters only
  // where the sexes' mutation models differ; a stated sex that contradicts the Amelogenin is a
  // warning (first few named).
  const bool sexes_differ = mutation.enabled() && (mutation.male.rate != mutation.female.rate ||
                                                   mutation.male.rate2 != mutation.female.rate2 ||
                                                   mutation.male.range != mutation.female.range ||
                                                   mutation.male.transform != mutation.female.transform ||
                                                   !mutation.per_locus_rates.empty());
  std::vector<Sex> ref_sex(references.sample_ct(), *sex1);
  {
    std::vector<std::string> conflicts;
    int from_amel = 0;
    for (int i = 0; i < references.sample_ct(); ++i) {
      const Sex amel = references.amel_sex(i);
      if (*sex1 != Sex::kUnknown && amel != Sex::kUnknown && amel != *sex1) conflicts.push_back(references.sample_id(i));
      if (*sex1 == Sex::kUnknown && amel != Sex::kUnknown) {
        ref_sex[i] = amel;
        ++from_amel;
      }
    }
    if (!conflicts.empty())
      diag.Warn(absl::StrCat(conflicts.size(), " reference(s) are ", SexName(*sex1), " by --sex1 but their Amelogenin ",
                             "says otherwise (", absl::StrJoin(conflicts.begin(), conflicts.begin() + std::min<size_t>(conflicts.size(), 10), " "),
                             conflicts.size() > 10 ? " ..." : "", "); --sex1 is used"));
    if (from_amel > 0 && sexes_differ && !relationships.empty())
      diag.Info(absl::StrCat("the sexes of ", from_amel, " reference(s) taken from their Amelogenin"));
  }
  if (!sexes_differ) std::fill(ref_sex.begin(), ref_sex.end(), *sex1);
  for (const std::string& rel_name : relationships) {
    auto rel = ParseRelationship(rel_name);
    if (!rel.ok()) return fail(rel.status());
    std::map<Sex, std::unique_ptr<PairwiseCalculator>> calcs;
    std::vector<const PairwiseCalculator*> calc_of(references.sample_ct());
    for (int i = 0; i < references.sample_ct(); ++i) {
      auto& calc = calcs[ref_sex[i]];
      if (!calc) {
        popts.sex1 = ref_sex[i];
        auto c = PairwiseCalculator::Create(*table, *rel, popts);
        if (!c.ok())
          return fail(absl::Status(c.status().code(), absl::StrCat("reference ", references.sample_id(i), " (sex ",
                                                                   SexName(ref_sex[i]), "): ", c.status().message())));
        calc = std::make_unique<PairwiseCalculator>(std::move(*c));
      }
      calc_of[i] = calc.get();
    }
    AddPairwiseCandidates(calc_of, references, &builder);
    for (const std::string& id : reference_ids) info.push_back({id, "", "", rel_name});
  }
  int n_families = 0;
  std::int64_t skipped = 0;  // families or missing persons skipped
  if (!pedigrees_path.empty()) {
    SetStage(absl::StrCat("reading the pedigrees ", pedigrees_path));
    auto peds = ReadPedigrees(pedigrees_path, /*require_missing=*/true, &diag);
    if (!peds.ok()) return fail(peds.status());
    n_families = static_cast<int>(peds->size());
    auto models = BuildPedigreeModels(*table, mutation, theta, UntypedFoundersMode(mo));
    if (!models.ok()) return fail(models.status());
    std::vector<PedigreeLocusModel> plain;
    if (mutation.enabled()) {
      auto p = BuildPedigreeModels(*table, MutationSpec{}, theta);
      if (!p.ok()) return fail(p.status());
      plain = std::move(*p);
    }
    const std::vector<PedigreeLocusModel>& check_models = mutation.enabled() ? plain : *models;
    for (const Pedigree& ped : *peds) {
      std::vector<std::vector<GenotypeIdx>> g(nl, std::vector<GenotypeIdx>(ped.size(), kUntyped));
      for (int i = 0; i < ped.size(); ++i) {
        const std::string& sid = ped.person(i).sample_id;
        if (sid.empty()) continue;
        if (!family_set.count(sid))
          return fail(absl::FailedPreconditionError(absl::StrCat(pedigrees_path, ": family ", ped.family(), ", member ",
                                                                 ped.person(i).id, ": sample '", sid,
                                                                 "' is in no --profiles file")));
        const int s = all->FindSample(sid);
        for (int l = 0; l < nl; ++l) g[l][i] = all->genotype(l, s);
      }
      CheckSexesAgainstAmel(ped, *all, &diag);
      // One family must not stop a screen: a family whose references are inconsistent, or
      // whose exact computation is past the engine's limits, is skipped with a warning (in
      // the report) and counted; the rest of the screen runs. Bugs (Internal) still stop it.
      auto skip = [&](const absl::Status& st, const std::string& who) {
        diag.Warn(absl::StrCat(who, " skipped: ", st.message()));
        ++skipped;
      };
      absl::Status refs_ok;
      for (int l = 0; l < nl && refs_ok.ok(); ++l)
        refs_ok = CheckFamilyReferences(ped, g[l], check_models[l], (*models)[l], mutation.enabled(),
                                        table->locus(l).name(), &diag);
      if (!refs_ok.ok()) {
        if (refs_ok.code() == absl::StatusCode::kInternal) return fail(refs_ok);
        skip(refs_ok, absl::StrCat("family ", ped.family()));
        continue;
      }
      for (int mp : ped.MissingPersons()) {
        auto c = AddFamilyCandidate(ped, g, mp, *models, mutation.enabled() ? &plain : nullptr, &builder);
        if (!c.ok()) {
          if (c.status().code() == absl::StatusCode::kInternal) return fail(c.status());
          skip(c.status(), absl::StrCat("family ", ped.family(), ", missing person ", ped.person(mp).id));
          continue;
        }
        info.push_back({ped.family(), ped.family(), ped.person(mp).id, "missing-person"});
      }
    }
  }
  SetStage(absl::StrCat("building the score tables (", builder.candidate_ct(), " candidates)"));
  auto built = std::move(builder).Build();
  if (!built.ok()) return fail(built.status());
  const ScoreTables tables = std::move(*built);
  const VictimColumns columns(tables, victims);
  const int nc = tables.candidate_ct(), nv = victims.sample_ct();
  if (!vm.count("prior")) prior = nc > 1 ? 1.0 / nc : 0.5;

  // The screen, with a progress display on a terminal (or with --progress).
  ScreenOptions sopts;
  sopts.top_k = by == "victim" ? top_k : INT_MAX;
  sopts.min_log10_lr = min_log10_lr;
  sopts.kernel = kernel_name == "scalar" ? ScreenKernel::kScalar
                 : kernel_name == "avx512" ? ScreenKernel::kAvx512
                                           : ScreenKernel::kAuto;
  std::atomic<std::int64_t> done{0};
  std::atomic<bool> finished{false};
  sopts.progress_victims = &done;
  std::thread monitor;
  const auto t_screen = std::chrono::steady_clock::now();
  if (progress || isatty(STDERR_FILENO)) {
    monitor = std::thread([&] {
      while (!finished) {
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
        if (finished) break;
        const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_screen).count();
        const double frac = nv ? static_cast<double>(done) / nv : 1;
        const double pairs = static_cast<double>(done) * nc;
        std::fprintf(stderr, "\rkinship match: %5.1f%%  %.3g pairs  %.3g pairs/s  ETA %.0f s   ", 100 * frac, pairs,
                     pairs / std::max(secs, 1e-9), frac > 0 ? secs * (1 - frac) / frac : 0.0);
        std::fflush(stderr);
      }
    });
  }
  SetStage(absl::StrCat("screening ", nv, " victims against ", nc, " candidates"));
  ScreenResult result = Screen(tables, columns, sopts);
  finished = true;
  if (monitor.joinable()) {
    monitor.join();
    std::fprintf(stderr, "\r%70s\r", "");
  }

  // Rows of the report.
  struct Row {
    int victim, candidate, rank;
    const ScreenHit* hit;
  };
  std::vector<Row> rows;
  if (by == "victim") {
    for (int v = 0; v < nv; ++v)
      for (size_t r = 0; r < result.hits[v].size(); ++r)
        rows.push_back({v, result.hits[v][r].candidate, static_cast<int>(r + 1), &result.hits[v][r]});
  } else {
    std::vector<std::vector<Row>> per(nc);
    for (int v = 0; v < nv; ++v)
      for (const ScreenHit& h : result.hits[v]) per[h.candidate].push_back({v, h.candidate, 0, &h});
    for (auto& list : per) {
      std::sort(list.begin(), list.end(), [](const Row& a, const Row& b) {
        return a.hit->log10_lr != b.hit->log10_lr ? a.hit->log10_lr > b.hit->log10_lr : a.victim < b.victim;
      });
      if (static_cast<int>(list.size()) > top_k) list.resize(top_k);
      for (size_t r = 0; r < list.size(); ++r) {
        list[r].rank = static_cast<int>(r + 1);
        rows.push_back(list[r]);
      }
    }
  }
  // A NaN must never become a row (nor vanish from the report by failing a comparison).
  for (const Row& r : rows) {
    const std::string what = absl::StrCat("log10 LR of victim ", victims.sample_id(r.victim), " and candidate ",
                                          info[r.candidate].label);
    if (auto st = CheckFinishedNumber(r.hit->log10_lr, what); !st.ok()) return fail(st);
    if (auto st = CheckFinishedNumber(Posterior(r.hit->log10_lr, prior), "posterior of the " + what); !st.ok())
      return fail(st);
  }
  SetStage("writing the report");
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();

  // Provenance.
  std::vector<std::string> args;
  args.push_back("kinship");
  for (int i = 0; i < argc; ++i) args.push_back(argv[i]);
  std::vector<std::pair<std::string, std::string>> params = {
      {"theta", FormatDouble(theta)},
      {"mutation_model", MutationModelName(model_kind)},
      {"mutation_rate_male", FormatDouble(mutation.male.rate)},
      {"mutation_rate_female", FormatDouble(mutation.female.rate)},
      {"mutation_rate2", FormatDouble(mo.rate2)},
      {"mutation_range", FormatDouble(mo.range)},
      {"mutation_transform", MutationTransformName(mutation.male.transform)},
      {"min_freq", FormatDouble(mo.build.min_freq)},
      {"normalize_freqs", mo.normalize ? "yes" : "no"},
      {"untyped_founders", UntypedFoundersName(UntypedFoundersMode(mo))},
      {"relationships", absl::StrJoin(relationships, ";")},
      {"sex1", sex1_name},
      {"top", absl::StrCat(top_k)},
      {"by", by},
      {"min_log10_lr", FormatDouble(min_log10_lr)},
      {"prior", FormatDouble(prior)},
      {"prefilter_scale", FormatDouble(tables.scale())},
      {"freeze_freqs", mo.build.frozen_table ? "yes" : "no"},
      {"allow_unnormalised", mo.allow_unnormalised ? "yes" : "no"},
  };
  if (mutation.enabled())
    for (const auto& [locus, r] : RatesInUse(*table, mutation)) params.push_back({"mutation_rate." + locus, r});
  std::vector<std::string> digests;
  for (const auto& [role, path] : inputs) {
    const InputRecord* read = diag.FindInput(path);
    if (!read)
      return fail(absl::InternalError(absl::StrCat(path, " (--", role, "): no checksum recorded while reading it")));
    digests.push_back(read->sha256);
  }
  std::vector<std::pair<std::string, std::int64_t>> counts = {
      {"victims", nv}, {"references", static_cast<std::int64_t>(reference_ids.size())}, {"families", n_families},
      {"candidates", nc}, {"candidates_skipped", skipped}, {"pairs_screened", result.pairs_screened}, {"pairs_rescored", result.pairs_rescored},
      {"rows", static_cast<std::int64_t>(rows.size())}};

  AtomicOutput out, json, freqs_out;
  auto st = out.Open(out_path.empty() ? "-" : out_path);
  if (!st.ok()) return fail(st);
  if (!mo.write_freqs_path.empty()) {
    st = freqs_out.Open(mo.write_freqs_path);
    if (!st.ok()) return fail(st);
    std::fputs(table_report->effective_text.c_str(), freqs_out.file());
  }
  if (!json_path.empty()) {
    st = json.Open(json_path);
    if (!st.ok()) return fail(st);
  }
  std::FILE* f = out.file();
  std::fprintf(f, "##kinship_version=%s\n##command=%s\n", KINSHIP_VERSION_STRING, absl::StrJoin(args, " ").c_str());
  for (const auto& [k, v] : params) std::fprintf(f, "##parameter.%s=%s\n", k.c_str(), v.c_str());
  for (size_t i = 0; i < inputs.size(); ++i)
    std::fprintf(f, "##input.%s=%s sha256=%s\n", inputs[i].first.c_str(), inputs[i].second.c_str(), digests[i].c_str());
  std::fprintf(f, "##frequency_table=%s\n##frequency_table.effective_sha256=%s\n", table_report->change.c_str(),
               table_report->effective_sha256.c_str());
  for (const auto& [k, v] : counts) std::fprintf(f, "##count.%s=%lld\n", k.c_str(), static_cast<long long>(v));
  for (const Note& n : diag.notes())
    std::fprintf(f, "##%s=%s\n", n.level == NoteLevel::kWarning ? "warning" : "note", n.message.c_str());
  std::fprintf(f, "##time_seconds=%.3f\n", seconds);
  if (by == "victim")
    std::fputs("victim\trank\tcandidate\tfamily\tmissing_id\thypothesis\tlog10_lr\tposterior\tloci_compared\tloci_inconsistent\n", f);
  else
    std::fputs("candidate\tfamily\tmissing_id\thypothesis\trank\tvictim\tlog10_lr\tposterior\tloci_compared\tloci_inconsistent\n", f);
  for (const Row& r : rows) {
    const CandidateInfo& c = info[r.candidate];
    const std::string lr = FormatDouble(r.hit->log10_lr), post = FormatDouble(Posterior(r.hit->log10_lr, prior));
    if (by == "victim")
      std::fprintf(f, "%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%d\n", victims.sample_id(r.victim).c_str(), r.rank,
                   c.label.c_str(), c.family.c_str(), c.missing_id.c_str(), c.hypothesis.c_str(), lr.c_str(),
                   post.c_str(), r.hit->loci_compared, r.hit->loci_inconsistent);
    else
      std::fprintf(f, "%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\t%d\t%d\n", c.label.c_str(), c.family.c_str(),
                   c.missing_id.c_str(), c.hypothesis.c_str(), r.rank, victims.sample_id(r.victim).c_str(), lr.c_str(),
                   post.c_str(), r.hit->loci_compared, r.hit->loci_inconsistent);
  }
  if (!json_path.empty()) {
    std::FILE* j = json.file();
    std::fprintf(j, "{\n  \"kinship_version\": %s,\n  \"command\": %s,\n  \"parameters\": {",
                 JsonString(KINSHIP_VERSION_STRING).c_str(), JsonString(absl::StrJoin(args, " ")).c_str());
    for (size_t i = 0; i < params.size(); ++i)
      std::fprintf(j, "%s\n    %s: %s", i ? "," : "", JsonString(params[i].first).c_str(),
                   JsonString(params[i].second).c_str());
    std::fputs("\n  },\n  \"inputs\": [", j);
    for (size_t i = 0; i < inputs.size(); ++i)
      std::fprintf(j, "%s\n    {\"role\": %s, \"path\": %s, \"sha256\": %s}", i ? "," : "",
                   JsonString(inputs[i].first).c_str(), JsonString(inputs[i].second).c_str(),
                   JsonString(digests[i]).c_str());
    std::fputs("\n  ],\n  \"counts\": {", j);
    for (size_t i = 0; i < counts.size(); ++i)
      std::fprintf(j, "%s\n    %s: %lld", i ? "," : "", JsonString(counts[i].first).c_str(),
                   static_cast<long long>(counts[i].second));
    std::fputs("\n  },\n  \"notes\": [", j);
    for (size_t i = 0; i < diag.notes().size(); ++i)
      std::fprintf(j, "%s\n    %s", i ? "," : "", JsonString(diag.notes()[i].message).c_str());
    std::fprintf(j, "\n  ],\n  \"time_seconds\": %.3f,\n  \"by\": %s,\n  \"results\": [", seconds, JsonString(by).c_str());
    for (size_t i = 0; i < rows.size(); ++i) {
      const Row& r = rows[i];
      const CandidateInfo& c = info[r.candidate];
      std::fprintf(j,
                   "%s\n    {\"victim\": %s, \"rank\": %d, \"candidate\": %s, \"family\": %s, \"missing_id\": %s, "
                   "\"hypothesis\": %s, \"log10_lr\": %s, \"posterior\": %s, \"loci_compared\": %d, "
                   "\"loci_inconsistent\": %d, \"per_locus_log10_lr\": {",
                   i ? "," : "", JsonString(victims.sample_id(r.victim)).c_str(), r.rank, JsonString(c.label).c_str(),
                   JsonString(c.family).c_str(), JsonString(c.missing_id).c_str(), JsonString(c.hypothesis).c_str(),
                   JsonNumber(r.hit->log10_lr).c_str(), FormatDouble(Posterior(r.hit->log10_lr, prior)).c_str(),
                   r.hit->loci_compared, r.hit->loci_inconsistent);
      bool first = true;
      for (int l = 0; l < nl; ++l) {
        const int row_idx = tables.row_idx(r.candidate, l);
        const GenotypeIdx g = columns.genotype(l, r.victim);
        if (row_idx < 0) continue;
        // An untyped victim contributes the candidate's one-sided value (0 = LR 1: omitted).
        const double x = g == kUntyped ? tables.untyped_exact(l, row_idx) : tables.exact(l, row_idx, g);
        if (g == kUntyped && x == 0) continue;
        std::fprintf(j, "%s%s: %s", first ? "" : ", ", JsonString(table->locus(l).name()).c_str(),
                     JsonNumber(x).c_str());
        first = false;
      }
      std::fputs("}}", j);
    }
    std::fputs("\n  ]\n}\n", j);
  }
  PrintNotes(kCmd, diag, quiet);
  st = CommitOutputs({&json, &freqs_out, &out});  // all or none
  if (!st.ok()) return ReportError(kCmd, st);
  const double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
  std::fprintf(stderr,
               "kinship match: %d victims x %d candidates = %lld pairs screened, %lld rescored, %zu rows; "
               "kernel %s, %d threads, %.2f s\n",
               nv, nc, static_cast<long long>(result.pairs_screened), static_cast<long long>(result.pairs_rescored),
               rows.size(), KernelName(result.kernel), threads_used, total);
  if (skipped > 0)
    std::fprintf(stderr, "kinship match: %lld family candidate(s) skipped (see the warnings in the report)\n",
                 static_cast<long long>(skipped));
  return kExitOk;
}

}  // namespace kinship::cli
