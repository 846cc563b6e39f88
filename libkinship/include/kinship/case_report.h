// File: kinship/case_report.h
//
// Case reports a scientist signs: for one row of an LR result computed with
// LrRequest::detail (kinship/lr.h), one self-contained HTML page (no scripts, no network,
// printable to PDF from a browser) with the question (H1, H2), the pedigrees as inline SVG
// (laid out by generation), per locus every typed person's genotype, the frequencies used
// (imputed ones marked), the per-locus LR and its inconsistencies, the total LR, prior and
// posterior, the model and the provenance, and one plain-language sentence. The same detail
// as JSON for a data system that renders its own. What each part means:
// docs/user-guide.md, "Case reports".
//
//   kinship::LrRequest req = ...;
//   req.detail = true;
//   auto result = kinship::ComputeLrs(req, &diag);
//   kinship::CaseReportOptions opts;
//   opts.prior = 0.5;
//   opts.date = "2026-12-03 08:00 UTC";
//   std::string html = kinship::CaseReportHtml(*result, 0, opts);
//   std::string name = kinship::CaseReportFileName(result->rows[0], 1);  // "case-1-F1_MP_V7.html"
//
// Deterministic: the same result and options give the same bytes (the date is an option).
// Every string from the user is escaped for HTML and SVG. Thread-safe (no shared state).
#ifndef KINSHIP_CASE_REPORT_H_
#define KINSHIP_CASE_REPORT_H_

#include <string>
#include <utility>
#include <vector>

#include "kinship/lr.h"

namespace kinship {

struct CaseReportOptions {
  double prior = 0.5;  // prior probability of H1 (against H2), in (0, 1)
  std::string prior_source = "default";  // how the prior was chosen, shown beside it
  std::string date;    // the date written on the page (the caller's clock)
  std::string title = "Kinship case report";
};

// The page of row `row` of `result`. REQUIRES: result.rows[row].detail is set.
std::string CaseReportHtml(const LrResult& result, int row, const CaseReportOptions& options);

// A file name for a row: "case-<number>-<key joined by _>.html", every character outside
// [A-Za-z0-9._-] replaced by '_' and the key cut at 80 characters (unique through the number).
std::string CaseReportFileName(const LrRow& row, int number);

// A page listing the reports: (file name, line of text) per report, linked.
std::string CaseReportIndexHtml(const std::vector<std::pair<std::string, std::string>>& pages,
                                const CaseReportOptions& options);

// A row's detail as one JSON object: hypotheses, pedigrees (members with parents as
// indices), samples with roles, per locus genotypes, observations, frequencies used
// (with "imputed"), log10 LR (null: not entering; "-inf" for an exclusion), inconsistent,
// mutation rates.
std::string CaseDetailJson(const CaseDetail& detail);
// The rows of an LR result with their details, as one JSON document (provenance, then
// rows with key, log10_lr, prior, posterior and detail).
std::string LrResultJson(const LrResult& result, double prior);

// An LR from its log10, for people: "2.6 × 10<sup>10</sup>" (html) or "2.6 × 10^10" (text)
// for LRs past 1000 or below 0.001, else 3 significant digits ("0.25", "41.3"); "0" for an
// exclusion, "infinite" for +inf.
std::string FormatLrForPeople(double log10_lr, bool html);
// The plain-language sentence: "The DNA results are about X times more likely if H1 than
// if H2." (LR >= 1), the reverse sentence for LR < 1, and an exclusion stated as such.
std::string PlainLanguageLine(double log10_lr, const std::string& h1, const std::string& h2, bool html);

// Escapes & < > " ' for HTML text, attributes and inline SVG.
std::string HtmlEscape(const std::string& s);

// Where each member of a drawn pedigree goes: generation = depth from the founders (a
// founder who marries in sits beside its partner), members of a generation ordered under
// their parents. Centres in SVG user units.
struct PedigreeLayout {
  std::vector<int> generation;
  std::vector<double> x, y;
  double width = 0, height = 0;
};
PedigreeLayout LayOutPedigree(const DetailPedigree& ped);
// The pedigree as an SVG element (squares male, circles female, diamonds unknown; typed
// members shaded; the missing person marked "?"; the candidate's place outlined thick).
std::string PedigreeSvg(const DetailPedigree& ped);

}  // namespace kinship

#endif  // KINSHIP_CASE_REPORT_H_
