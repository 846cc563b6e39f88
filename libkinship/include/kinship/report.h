// File: kinship/report.h
//
// The report formats, written the same way by every caller: the screen's TSV (provenance in
// `##` lines, then one row per reported pair) and JSON (the same, with per-locus log10 LRs),
// and the LR table's CSV and per-locus CSV. Numbers are written with 17 significant digits
// (they read back bit for bit; an exclusion is `-inf`), so the same result gives the same
// bytes whatever the thread count. See docs/user-guide.md for every column.
//
//   auto result = kinship::Match(request, &diag);
//   kinship::WriteMatchTsv(*result, stdout);
//   kinship::WriteMatchJson(*result, json_file);
//
// The writers write to a stdio stream and do not check it: the caller checks the stream
// (ferror/fclose) once, as tools/kinship's atomic outputs do, so that a failed write leaves
// no partial report.
#ifndef KINSHIP_REPORT_H_
#define KINSHIP_REPORT_H_

#include <cstdint>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "kinship/lr.h"
#include "kinship/match.h"

namespace kinship {

// A double with 17 significant digits (%.17g); "-inf" / "inf" for infinities.
std::string FormatDouble(double v);

// Posterior probability that the victim is the candidate's relative, with prior P:
// LR P / (LR P + 1 - P), computed from log10 LR without overflow; 0 for an exclusion.
double Posterior(double log10_lr, double prior);

// The writers' last guard: a NaN result is a bug, an Internal error naming `what`, never a
// row of a report.
absl::Status CheckFinishedNumber(double v, const std::string& what);

// The `##` lines every report of a run begins with: version, command, parameters, inputs
// with SHA-256, frequency table, counts, notes, time.
void WriteProvenanceLines(const Provenance& prov, const std::vector<std::pair<std::string, std::int64_t>>& counts,
                          const std::vector<Note>& notes, double seconds, std::FILE* out);

// The screen's report as TSV: `##` provenance lines (version, command, parameters, inputs
// with SHA-256, frequency table, counts, notes, time), a header, one row per reported pair.
void WriteMatchTsv(const MatchResult& result, std::FILE* out);
// The same as JSON, each reported pair with its per-locus log10 LRs, and its case detail
// (kinship/case_report.h, CaseDetailJson) where MatchRow::detail is set.
void WriteMatchJson(const MatchResult& result, std::FILE* out);

// The LR table as CSV: key columns, log10_lr, loci_compared, loci_inconsistent (and, for
// pairs, alternative, sex1, sex2).
void WriteLrCsv(const LrResult& result, std::FILE* out);
// Per-locus log10 LRs as CSV: key columns, locus, log10_lr (and, for pairs, alternative);
// loci that do not enter a row's total are left out.
void WriteLrPerLocusCsv(const LrResult& result, std::FILE* out);
// A readable table for a terminal: a title line (version, rows, θ, mutation model), then per
// row the key, log10 LR (4 decimals), LR (4 significant digits, ">1e300" beyond), loci
// compared and inconsistent.
void WriteLrSummary(const LrResult& result, std::FILE* out);

}  // namespace kinship

#endif  // KINSHIP_REPORT_H_
