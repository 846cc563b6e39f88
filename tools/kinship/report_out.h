// --report DIR of kinship lr and kinship match: case reports (kinship/case_report.h) written
// into a folder as atomic outputs, committed with the command's other outputs (all or none).
#ifndef KINSHIP_TOOLS_REPORT_OUT_H_
#define KINSHIP_TOOLS_REPORT_OUT_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "atomic_output.h"
#include "kinship/case_report.h"
#include "kinship/diagnostics.h"
#include "kinship/lr.h"
#include "kinship/match.h"

namespace kinship::cli {

// The folder's files, opened (not yet committed). The folder is created when absent, and
// removed again at destruction if it is still empty (nothing committed).
// The most pages one run writes (match --report-max is at most this; lr --report with more
// rows is an error naming the count).
inline constexpr int kMaxReportPages = 1000;
static_assert(kMaxReportPages + 16 <= AtomicOutput::kMaxTemporaries, "pages and the other outputs fit the registry");

class ReportDir {
 public:
  ReportDir() = default;
  ReportDir(const ReportDir&) = delete;
  ReportDir& operator=(const ReportDir&) = delete;
  ~ReportDir();

  // Opens and writes one output per (file name, content) in `dir`.
  absl::Status Open(const std::string& dir, const std::vector<std::pair<std::string, std::string>>& files);
  // `others` followed by this folder's outputs, for CommitOutputs.
  std::vector<AtomicOutput*> With(std::vector<AtomicOutput*> others);

 private:
  std::string dir_;
  bool created_ = false;
  std::vector<std::unique_ptr<AtomicOutput>> outputs_;
};

// The date written on the pages: SOURCE_DATE_EPOCH when set (reproducible runs, tests), else
// now; "YYYY-MM-DD HH:MM UTC".
std::string ReportDate();

// kinship lr --report: one page per row, index.html, report.json. REQUIRES: rows with detail.
std::vector<std::pair<std::string, std::string>> LrReportFiles(const LrResult& result, const CaseReportOptions& opts);

// kinship match --report: the best reported row of each victim (each candidate with --by
// candidate), at most `max_pages` of them in report order, recomputed by the exact engine
// (ComputeLrs, the numbers of `kinship lr`); sets those rows' detail (for --json) and
// returns the pages, index.html and report.json. Notes of the recomputation are not repeated.
absl::StatusOr<std::vector<std::pair<std::string, std::string>>> MatchReportFiles(const MatchRequest& req,
                                                                                  MatchResult* result,
                                                                                  int max_pages);

// The command line as recorded in the provenance ("kinship lr --freqs ...").
std::string CommandLine(int argc, char** argv);

}  // namespace kinship::cli

#endif  // KINSHIP_TOOLS_REPORT_OUT_H_
