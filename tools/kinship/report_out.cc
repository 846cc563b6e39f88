// --report DIR (report_out.h): case reports written as atomic outputs.
#include "report_out.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "kinship/report.h"

namespace kinship::cli {

ReportDir::~ReportDir() {
  outputs_.clear();  // uncommitted: removes the temporaries
  if (created_) {
    std::error_code ec;
    std::filesystem::remove(dir_, ec);  // only when empty: nothing was committed
  }
}

absl::Status ReportDir::Open(const std::string& dir, const std::vector<std::pair<std::string, std::string>>& files) {
  dir_ = dir;
  // Every page is a temporary until the commit (all or none); the registry of temporaries is
  // bounded (AtomicOutput::kMaxTemporaries, a few left for the command's other outputs).
  if (files.size() > static_cast<size_t>(kMaxReportPages) + 2)
    return absl::ResourceExhaustedError(absl::StrCat("--report ", dir, ": ", files.size() - 2,
                                                     " pages; at most ", kMaxReportPages,
                                                     " per run (split the pairs or cases, or lower --report-max)"));
  std::error_code ec;
  const auto st = std::filesystem::status(dir, ec);
  if (std::filesystem::exists(st)) {
    if (!std::filesystem::is_directory(st))
      return absl::FailedPreconditionError(absl::StrCat("--report ", dir, ": exists and is not a folder"));
  } else {
    if (!std::filesystem::create_directory(dir, ec) || ec)
      return absl::NotFoundError(absl::StrCat("--report ", dir, ": cannot create the folder: ",
                                              ec ? ec.message() : "unknown error",
                                              "; expected a folder whose parent exists"));
    created_ = true;
  }
  for (const auto& [name, content] : files) {
    auto out = std::make_unique<AtomicOutput>();
    if (absl::Status s = out->Open((std::filesystem::path(dir) / name).string()); !s.ok()) return s;
    std::fwrite(content.data(), 1, content.size(), out->file());
    // Closed now (synced, uncommitted), so that a thousand pages do not hold a thousand
    // descriptors; the commit renames them.
    absl::Status closed = out->Close();
    outputs_.push_back(std::move(out));
    if (!closed.ok()) return closed;
  }
  return absl::OkStatus();
}

std::vector<AtomicOutput*> ReportDir::With(std::vector<AtomicOutput*> others) {
  for (auto& o : outputs_) others.push_back(o.get());
  return others;
}

std::string ReportDate() {
  std::time_t t = std::time(nullptr);
  if (const char* e = std::getenv("SOURCE_DATE_EPOCH"); e && *e) {
    char* end = nullptr;
    errno = 0;
    const long long v = std::strtoll(e, &end, 10);
    if (errno == 0 && end && *end == '\0' && v >= 0) t = static_cast<std::time_t>(v);
  }
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm);
  return buf;
}

std::string CommandLine(int argc, char** argv) {
  std::vector<std::string> args = {"kinship"};
  args.insert(args.end(), argv, argv + argc);
  return absl::StrJoin(args, " ");
}

namespace {

// index.html's line for a row.
std::string IndexLine(const LrRow& row) {
  return absl::StrCat(absl::StrJoin(row.key, ", "), ": LR ", FormatLrForPeople(row.log10_lr, false), " (log10 ",
                      FormatDouble(row.log10_lr), ")");
}

}  // namespace

std::vector<std::pair<std::string, std::string>> LrReportFiles(const LrResult& result, const CaseReportOptions& opts) {
  std::vector<std::pair<std::string, std::string>> files, index;
  for (size_t i = 0; i < result.rows.size(); ++i) {
    const std::string name = CaseReportFileName(result.rows[i], static_cast<int>(i) + 1);
    files.push_back({name, CaseReportHtml(result, static_cast<int>(i), opts)});
    index.push_back({name, IndexLine(result.rows[i])});
  }
  files.push_back({"index.html", CaseReportIndexHtml(index, opts)});
  files.push_back({"report.json", LrResultJson(result, opts.prior)});
  return files;
}

absl::StatusOr<std::vector<std::pair<std::string, std::string>>> MatchReportFiles(const MatchRequest& req,
                                                                                  MatchResult* result,
                                                                                  int max_pages) {
  // The rows reported on: rank 1 of each victim (candidate), in report order.
  std::vector<int> pair_rows, case_rows;
  for (int i = 0; i < static_cast<int>(result->rows.size()); ++i) {
    const MatchRow& r = result->rows[i];
    if (r.rank != 1) continue;
    if (static_cast<int>(pair_rows.size() + case_rows.size()) >= max_pages) break;
    (r.family.empty() ? pair_rows : case_rows).push_back(i);
  }
  double prior = 0.5;
  for (const auto& [name, value] : result->provenance.parameters)
    if (name == "prior") prior = std::strtod(value.c_str(), nullptr);
  CaseReportOptions opts;
  opts.prior = prior;
  opts.prior_source = req.prior ? "--prior" : "1/number of candidates, the default of kinship match";
  opts.date = ReportDate();
  // One exact computation per kind, with the run's model and inputs.
  struct Page {
    int match_row;
    std::string name, html, line;
  };
  std::vector<Page> pages;
  for (int kind = 0; kind < 2; ++kind) {
    const std::vector<int>& rows = kind == 0 ? pair_rows : case_rows;
    if (rows.empty()) continue;
    LrRequest lr;
    lr.model = req.model;
    lr.model.effective_table_path.clear();
    lr.detail = true;
    lr.command = req.command;
    lr.observation_path = req.observation_path;
    lr.profiles = req.victims;
    const auto& more = kind == 0 ? req.references : req.family_profiles;
    lr.profiles.insert(lr.profiles.end(), more.begin(), more.end());
    for (int i : rows) {
      const MatchRow& r = result->rows[i];
      if (kind == 0) {
        PairQuery q = PairQuery::Of(r.candidate, r.victim, r.hypothesis);
        if (req.reference_sex != Sex::kUnknown) q.sex1 = SexName(req.reference_sex);
        lr.pairs.push_back(std::move(q));
      } else {
        lr.cases.push_back({r.family, r.missing_id, r.victim, ""});
      }
    }
    if (kind == 1) lr.pedigrees_path = req.pedigrees_path;
    Diagnostics quiet;  // the run's notes are already in the report
    auto lrs = ComputeLrs(lr, &quiet);
    if (!lrs.ok())
      return absl::Status(lrs.status().code(),
                          absl::StrCat("--report: recomputing the reported pairs: ", lrs.status().message()));
    lrs->provenance = result->provenance;  // the screen's run: its command, parameters and inputs
    for (size_t k = 0; k < rows.size(); ++k) {
      const int i = rows[k];
      result->rows[i].detail = lrs->rows[k].detail;
      Page p;
      p.match_row = i;
      p.html = CaseReportHtml(*lrs, static_cast<int>(k), opts);
      p.line = IndexLine(lrs->rows[k]);
      pages.push_back(std::move(p));
    }
  }
  std::sort(pages.begin(), pages.end(), [](const Page& a, const Page& b) { return a.match_row < b.match_row; });
  std::vector<std::pair<std::string, std::string>> files, index;
  for (size_t n = 0; n < pages.size(); ++n) {
    const MatchRow& r = result->rows[pages[n].match_row];
    LrRow key;
    key.key = {r.victim, r.candidate, r.hypothesis};
    const std::string name = CaseReportFileName(key, static_cast<int>(n) + 1);
    index.push_back({name, absl::StrCat("victim ", r.victim, ": ", pages[n].line)});
    files.push_back({name, std::move(pages[n].html)});
  }
  files.push_back({"index.html", CaseReportIndexHtml(index, opts)});
  return files;
}

}  // namespace kinship::cli
