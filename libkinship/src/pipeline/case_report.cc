// Case reports (kinship/case_report.h): one self-contained HTML page per LR row, with its
// pedigrees drawn as inline SVG, and the same detail as JSON.
#include "kinship/case_report.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <functional>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "kinship/report.h"

namespace kinship {

namespace {

// Drawing constants (SVG user units).
constexpr double kColW = 96;    // between neighbouring members
constexpr double kRowH = 110;   // between generations
constexpr double kSym = 34;     // symbol size
constexpr double kMargin = 56;  // around the drawing (room for labels)

std::string Json(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      out += absl::StrFormat("\\u%04x", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}
// A log10 value: a number, null (NaN: not entering), or the string "-inf"/"inf".
std::string JsonLog10(double v) {
  if (std::isnan(v)) return "null";
  return std::isfinite(v) ? FormatDouble(v) : Json(FormatDouble(v));
}

std::string Fmt(double v) { return absl::StrFormat("%.1f", v); }

// 4 significant digits for a frequency or a posterior shown to people.
std::string Sig4(double v) { return absl::StrFormat("%.4g", v); }

}  // namespace

std::string HtmlEscape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string FormatLrForPeople(double log10_lr, bool html) {
  if (log10_lr == -INFINITY) return "0";
  if (log10_lr == INFINITY) return "infinite";
  if (std::isnan(log10_lr)) return "undefined";
  if (log10_lr > -3 && log10_lr < 3) return absl::StrFormat("%.3g", std::pow(10.0, log10_lr));
  double e = std::floor(log10_lr);
  double m = std::pow(10.0, log10_lr - e);
  if (std::stod(absl::StrFormat("%.1f", m)) >= 10) {  // 9.96 rounds to 10.0: 1.0 × 10^(e+1)
    m /= 10;
    e += 1;
  }
  const std::string exponent = absl::StrFormat("%.0f", e);
  return absl::StrCat(absl::StrFormat("%.1f", m), " \xC3\x97 10",
                      html ? absl::StrCat("<sup>", exponent, "</sup>") : absl::StrCat("^", exponent));
}

std::string PlainLanguageLine(double log10_lr, const std::string& h1_raw, const std::string& h2_raw, bool html) {
  const std::string h1 = html ? HtmlEscape(h1_raw) : h1_raw;
  const std::string h2 = html ? HtmlEscape(h2_raw) : h2_raw;
  if (log10_lr == -INFINITY)
    return absl::StrCat("The DNA results exclude the first hypothesis: they are impossible if ", h1,
                        " (under the model used), and possible if ", h2, ".");
  if (log10_lr == INFINITY)
    return absl::StrCat("The DNA results exclude the second hypothesis: they are impossible if ", h2,
                        " (under the model used), and possible if ", h1, ".");
  if (log10_lr == 0) return absl::StrCat("The DNA results are equally likely if ", h1, " and if ", h2, ".");
  if (log10_lr > 0)
    return absl::StrCat("The DNA results are about ", FormatLrForPeople(log10_lr, html), " times more likely if ", h1,
                        " than if ", h2, ".");
  return absl::StrCat("The DNA results are about ", FormatLrForPeople(-log10_lr, html), " times more likely if ", h2,
                      " than if ", h1, ".");
}

PedigreeLayout LayOutPedigree(const DetailPedigree& ped) {
  const int n = static_cast<int>(ped.members.size());
  PedigreeLayout lay;
  lay.generation.assign(n, 0);
  lay.x.assign(n, 0);
  lay.y.assign(n, 0);
  auto founder = [&](int i) { return ped.members[i].father < 0 && ped.members[i].mother < 0; };
  std::vector<std::vector<int>> children(n);
  for (int i = 0; i < n; ++i)
    for (int p : {ped.members[i].father, ped.members[i].mother})
      if (p >= 0 && p < n) children[p].push_back(i);
  // Depth from the founders (parents may come in any order: relax until stable).
  for (int pass = 0; pass <= n; ++pass) {
    bool changed = false;
    for (int i = 0; i < n; ++i) {
      int g = 0;
      for (int p : {ped.members[i].father, ped.members[i].mother})
        if (p >= 0 && p < n) g = std::max(g, lay.generation[p] + 1);
      if (g > n) g = n;  // a cycle (Validate refuses them): stop growing
      if (g != lay.generation[i]) {
        lay.generation[i] = g;
        changed = true;
      }
    }
    if (!changed) break;
  }
  // A founder who marries in sits one generation above its first child.
  for (int i = 0; i < n; ++i)
    if (founder(i) && !children[i].empty()) {
      int g = n;
      for (int c : children[i]) g = std::min(g, lay.generation[c] - 1);
      lay.generation[i] = std::max(0, g);
    }
  // The partners of each member (the other parents of its children), in order.
  std::vector<std::vector<int>> partners(n);
  for (int c = 0; c < n; ++c) {
    const int f = ped.members[c].father, m = ped.members[c].mother;
    if (f < 0 || m < 0 || f >= n || m >= n) continue;
    if (std::find(partners[f].begin(), partners[f].end(), m) == partners[f].end()) partners[f].push_back(m);
    if (std::find(partners[m].begin(), partners[m].end(), f) == partners[m].end()) partners[m].push_back(f);
  }
  const int gen_ct = n ? *std::max_element(lay.generation.begin(), lay.generation.end()) + 1 : 0;
  std::vector<std::vector<int>> rows(gen_ct);
  std::vector<double> slot(n, 0);
  std::vector<char> placed(n, 0);
  for (int g = 0; g < gen_ct; ++g) {
    // Members with parents, ordered under them (mean slot of the parents, then input order);
    // founders of this generation follow, each beside its first placed partner.
    std::vector<std::pair<double, int>> keyed;
    for (int i = 0; i < n; ++i) {
      if (lay.generation[i] != g) continue;
      double key = i;  // generation 0: input order
      if (!founder(i)) {
        double sum = 0;
        int ct = 0;
        for (int p : {ped.members[i].father, ped.members[i].mother})
          if (p >= 0 && p < n) sum += slot[p], ++ct;
        key = ct ? sum / ct : i;
      } else if (g > 0) {
        continue;  // placed beside a partner below
      }
      keyed.push_back({key, i});
    }
    std::stable_sort(keyed.begin(), keyed.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<int>& row = rows[g];
    // A member with several partners who married in sits between the first and the others.
    std::function<void(int)> place = [&](int i) {
      if (placed[i]) return;
      placed[i] = 1;
      std::vector<int> beside;
      for (int p : partners[i])
        if (lay.generation[p] == g && founder(p) && !placed[p]) beside.push_back(p);
      if (beside.size() >= 2) {
        placed[beside[0]] = 1;
        row.push_back(beside[0]);
        beside.erase(beside.begin());
      }
      row.push_back(i);
      for (int p : beside) place(p);
    };
    for (const auto& [key, i] : keyed) place(i);
    for (int i = 0; i < n; ++i)  // founders at g whose partner sits elsewhere
      if (lay.generation[i] == g && !placed[i]) place(i);
    for (size_t k = 0; k < row.size(); ++k) slot[row[k]] = static_cast<double>(k);
  }
  // x: the founders' generation side by side; below, each member under its parents (a
  // partner who married in beside its partner), pushed right to keep members kColW apart.
  double right = kMargin;
  for (int g = 0; g < gen_ct; ++g) {
    double prev = -1e300;
    for (int i : rows[g]) {
      double want = kMargin;
      if (!founder(i)) {
        double sum = 0;
        int ct = 0;
        for (int p : {ped.members[i].father, ped.members[i].mother})
          if (p >= 0 && p < n) sum += lay.x[p], ++ct;
        want = ct ? sum / ct : kMargin;
      }
      lay.x[i] = std::max(want, prev + kColW);
      lay.y[i] = kMargin + g * kRowH;
      prev = lay.x[i];
      right = std::max(right, lay.x[i]);
    }
  }
  lay.width = right + kMargin;
  lay.height = 2 * kMargin + std::max(0, gen_ct - 1) * kRowH + 40;  // 3 label lines below
  return lay;
}

std::string PedigreeSvg(const DetailPedigree& ped) {
  const PedigreeLayout lay = LayOutPedigree(ped);
  const int n = static_cast<int>(ped.members.size());
  std::string s = absl::StrCat("<svg class=\"pedigree\" xmlns=\"http://www.w3.org/2000/svg\" width=\"", Fmt(lay.width),
                               "\" height=\"", Fmt(lay.height), "\" viewBox=\"0 0 ", Fmt(lay.width), " ",
                               Fmt(lay.height), "\" role=\"img\" aria-label=\"", HtmlEscape(ped.title), "\">\n");
  absl::StrAppend(&s, "<title>", HtmlEscape(ped.title), "</title>\n");
  // Lines first: couples, then each sibship from the couple's midpoint.
  std::map<std::pair<int, int>, std::vector<int>> sibships;
  for (int c = 0; c < n; ++c) {
    const int f = ped.members[c].father, m = ped.members[c].mother;
    if (f >= 0 && m >= 0 && f < n && m < n) sibships[{f, m}].push_back(c);
  }
  const double half = kSym / 2;
  for (const auto& [couple, kids] : sibships) {
    const auto [f, m] = couple;
    absl::StrAppend(&s, "<line class=\"couple\" x1=\"", Fmt(lay.x[f]), "\" y1=\"", Fmt(lay.y[f]), "\" x2=\"",
                    Fmt(lay.x[m]), "\" y2=\"", Fmt(lay.y[m]), "\" stroke=\"black\"/>\n");
    const double mx = (lay.x[f] + lay.x[m]) / 2, my = (lay.y[f] + lay.y[m]) / 2;
    double lo = mx, hi = mx, top = 1e300;
    for (int c : kids) {
      lo = std::min(lo, lay.x[c]);
      hi = std::max(hi, lay.x[c]);
      top = std::min(top, lay.y[c]);
    }
    const double bar = top - half - 18;
    absl::StrAppend(&s, "<line x1=\"", Fmt(mx), "\" y1=\"", Fmt(my), "\" x2=\"", Fmt(mx), "\" y2=\"", Fmt(bar),
                    "\" stroke=\"black\"/>\n");
    absl::StrAppend(&s, "<line x1=\"", Fmt(lo), "\" y1=\"", Fmt(bar), "\" x2=\"", Fmt(hi), "\" y2=\"", Fmt(bar),
                    "\" stroke=\"black\"/>\n");
    for (int c : kids)
      absl::StrAppend(&s, "<line x1=\"", Fmt(lay.x[c]), "\" y1=\"", Fmt(bar), "\" x2=\"", Fmt(lay.x[c]), "\" y2=\"",
                      Fmt(lay.y[c] - half), "\" stroke=\"black\"/>\n");
  }
  for (int i = 0; i < n; ++i) {
    const DetailMember& p = ped.members[i];
    const double x = lay.x[i], y = lay.y[i];
    const bool typed = !p.sample_id.empty();
    const std::string style =
        absl::StrCat("fill=\"", typed ? "#a0a0a0" : "white", "\" stroke=\"black\" stroke-width=\"",
                     p.candidate ? "3.5" : "1.5", "\"");
    const std::string cls = absl::StrCat("member", typed ? " typed" : "", p.missing ? " missing" : "",
                                         p.candidate ? " candidate" : "");
    absl::StrAppend(&s, "<g class=\"", cls, "\" data-id=\"", HtmlEscape(p.id), "\">");
    if (p.sex == Sex::kMale) {
      absl::StrAppend(&s, "<rect x=\"", Fmt(x - half), "\" y=\"", Fmt(y - half), "\" width=\"", Fmt(kSym),
                      "\" height=\"", Fmt(kSym), "\" ", style, "/>");
    } else if (p.sex == Sex::kFemale) {
      absl::StrAppend(&s, "<circle cx=\"", Fmt(x), "\" cy=\"", Fmt(y), "\" r=\"", Fmt(half), "\" ", style, "/>");
    } else {
      absl::StrAppend(&s, "<polygon points=\"", Fmt(x), ",", Fmt(y - half), " ", Fmt(x + half), ",", Fmt(y), " ",
                      Fmt(x), ",", Fmt(y + half), " ", Fmt(x - half), ",", Fmt(y), "\" ", style, "/>");
    }
    if (p.missing)
      absl::StrAppend(&s, "<text x=\"", Fmt(x), "\" y=\"", Fmt(y + 6), "\" text-anchor=\"middle\" font-size=\"18\" "
                      "font-weight=\"bold\">?</text>");
    // The id, wrapped at spaces into lines of at most 16 characters (a label as wide as
    // a column), then the sample.
    std::vector<std::string> lines;
    for (const std::string& word : std::vector<std::string>(absl::StrSplit(p.id, ' ', absl::SkipEmpty()))) {
      if (!lines.empty() && lines.back().size() + 1 + word.size() <= 16) {
        absl::StrAppend(&lines.back(), " ", word);
      } else {
        lines.push_back(word);
      }
    }
    if (lines.empty()) lines.push_back("");
    double ty = y + half + 14;
    for (const std::string& line : lines) {
      absl::StrAppend(&s, "<text x=\"", Fmt(x), "\" y=\"", Fmt(ty), "\" text-anchor=\"middle\" font-size=\"11\">",
                      HtmlEscape(line), "</text>");
      ty += 12;
    }
    if (typed && p.sample_id != p.id)
      absl::StrAppend(&s, "<text x=\"", Fmt(x), "\" y=\"", Fmt(ty + 1), "\" text-anchor=\"middle\" "
                      "font-size=\"10\"", p.candidate ? " font-weight=\"bold\"" : "", ">[", HtmlEscape(p.sample_id),
                      "]</text>");
    absl::StrAppend(&s, "</g>\n");
  }
  absl::StrAppend(&s, "</svg>");
  return s;
}

std::string CaseReportFileName(const LrRow& row, int number) {
  std::string key = absl::StrJoin(row.key, "_");
  for (char& c : key)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_')) c = '_';
  if (key.size() > 80) key.resize(80);
  return absl::StrCat("case-", number, "-", key, ".html");
}

namespace {

const char kStyle[] =
    "<style>\n"
    "body{font-family:'DejaVu Sans',Arial,sans-serif;font-size:11pt;margin:2em;color:#000;max-width:60em}\n"
    "h1{font-size:16pt;margin-bottom:0.2em}h2{font-size:13pt;border-bottom:1px solid #888;margin-top:1.4em}\n"
    "table{border-collapse:collapse;margin:0.5em 0}td,th{border:1px solid #999;padding:2px 6px;"
    "text-align:left;vertical-align:top}\n"
    "th{background:#eee}.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}.nw{white-space:nowrap}\n"
    ".plain{font-size:12.5pt;border:2px solid #000;padding:0.6em;margin:1em 0}\n"
    ".imputed{font-style:italic}.inconsistent{background:#fff3cd}.exclusion{background:#f8d7da}\n"
    ".peds{display:flex;flex-wrap:wrap;gap:2em}.peds figure{margin:0}\n"
    ".sign{margin-top:3em}.sign td{border:none;padding:1.2em 2em 0 0}\n"
    "code{font-size:9.5pt;word-break:break-all}\n"
    "@media print{body{margin:0}h2{break-after:avoid}tr{break-inside:avoid}}\n"
    "</style>\n";

#ifdef NDEBUG
const char kBuild[] = "optimised build, compiler " __VERSION__;
#else
const char kBuild[] = "debug build, compiler " __VERSION__;
#endif

std::string PageHead(const std::string& title) {
  return absl::StrCat("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>",
                      HtmlEscape(title), "</title>\n", kStyle, "</head>\n<body>\n");
}

}  // namespace

std::string CaseReportHtml(const LrResult& result, int row_idx, const CaseReportOptions& opts) {
  const LrRow& row = result.rows[row_idx];
  const CaseDetail& d = *row.detail;
  const Provenance& prov = result.provenance;
  std::string h;
  std::vector<std::string> key_parts;
  for (size_t k = 0; k < row.key.size() && k < result.key_header.size(); ++k)
    key_parts.push_back(absl::StrCat(result.key_header[k], " ", row.key[k]));
  const std::string key = absl::StrJoin(key_parts, ", ");
  absl::StrAppend(&h, PageHead(absl::StrCat(opts.title, ": ", key)));
  absl::StrAppend(&h, "<h1>", HtmlEscape(opts.title), "</h1>\n<p>", HtmlEscape(key), " &middot; ",
                  HtmlEscape(opts.date), "</p>\n");

  // The question.
  absl::StrAppend(&h, "<h2>Question</h2>\n<table>\n<tr><th>H1</th><td id=\"h1\">", HtmlEscape(d.h1),
                  "</td></tr>\n<tr><th>H2</th><td id=\"h2\">", HtmlEscape(d.h2), "</td></tr>\n</table>\n");
  absl::StrAppend(&h, "<p class=\"plain\" id=\"plain\">", PlainLanguageLine(row.log10_lr, d.h1, d.h2, true), "</p>\n");

  // The result.
  const double posterior = Posterior(row.log10_lr, opts.prior);
  absl::StrAppend(&h, "<h2>Result</h2>\n<table>\n");
  absl::StrAppend(&h, "<tr><th>Likelihood ratio (H1 : H2)</th><td class=\"num\" id=\"lr\">",
                  FormatLrForPeople(row.log10_lr, true), "</td></tr>\n");
  absl::StrAppend(&h, "<tr><th>log10 LR</th><td class=\"num\" id=\"log10-lr\">", FormatDouble(row.log10_lr),
                  "</td></tr>\n");
  absl::StrAppend(&h, "<tr><th>Loci compared / inconsistent</th><td class=\"num\">", row.loci_compared, " / ",
                  row.loci_inconsistent, "</td></tr>\n");
  absl::StrAppend(&h, "<tr><th>Prior P(H1)</th><td class=\"num\" id=\"prior\">", absl::StrFormat("%.6g", opts.prior), " (",
                  HtmlEscape(opts.prior_source), ")</td></tr>\n");
  absl::StrAppend(&h, "<tr><th>Posterior P(H1 | DNA)</th><td class=\"num\" id=\"posterior\">",
                  FormatDouble(posterior), " (", Sig4(100 * posterior), "%)</td></tr>\n</table>\n");
  absl::StrAppend(&h, "<p>The posterior holds only for this prior and for H1 and H2 as the only hypotheses; "
                  "posterior = LR &times; prior / (LR &times; prior + 1 &minus; prior).</p>\n");

  // The pedigrees.
  absl::StrAppend(&h, "<h2>Pedigrees</h2>\n<div class=\"peds\">\n");
  for (const DetailPedigree* p : {&d.ped_h1, &d.ped_h2}) {
    absl::StrAppend(&h, "<figure>\n", PedigreeSvg(*p), "\n<figcaption>", HtmlEscape(p->title));
    if (!p->note.empty()) absl::StrAppend(&h, "<br>", HtmlEscape(p->note));
    absl::StrAppend(&h, "</figcaption>\n</figure>\n");
  }
  absl::StrAppend(&h, "</div>\n<p>Squares: male; circles: female; diamonds: sex unknown. Shaded: typed (sample in "
                  "brackets). ?: a missing person. Thick outline: where the hypothesis places the ",
                  result.cases ? "candidate" : "second person (id2)", ". Generations top to bottom.</p>\n");

  // Per locus.
  absl::StrAppend(&h, "<h2>Loci</h2>\n<table id=\"loci\">\n<tr><th>Locus</th>");
  for (size_t k = 0; k < d.samples.size(); ++k)
    absl::StrAppend(&h, "<th>", HtmlEscape(d.samples[k]), "<br><small>", HtmlEscape(d.roles[k]), "</small></th>");
  absl::StrAppend(&h, "<th>Frequencies used</th><th>log10 LR</th><th>LR</th><th>Remark</th>");
  if (result.mutation_model != MutationModel::kNone) absl::StrAppend(&h, "<th>Mutation rate (male/female)</th>");
  absl::StrAppend(&h, "</tr>\n");
  bool any_imputed = false;
  for (const LocusDetail& ld : d.loci) {
    const bool enters = !std::isnan(ld.log10_lr);
    const bool exclusion = ld.log10_lr == -INFINITY;
    std::string cls = exclusion ? " class=\"exclusion\"" : ld.inconsistent ? " class=\"inconsistent\"" : "";
    absl::StrAppend(&h, "<tr", cls, " data-locus=\"", HtmlEscape(ld.locus), "\"><td>", HtmlEscape(ld.locus), "</td>");
    for (size_t k = 0; k < ld.genotypes.size(); ++k) {
      absl::StrAppend(&h, "<td>", ld.genotypes[k].empty() ? "&ndash;" : HtmlEscape(ld.genotypes[k]));
      if (!ld.observations[k].empty()) absl::StrAppend(&h, "<br><small>", HtmlEscape(ld.observations[k]), "</small>");
      absl::StrAppend(&h, "</td>");
    }
    std::vector<std::string> freqs;
    for (const DetailFreq& f : ld.freqs) {
      any_imputed |= f.imputed;
      freqs.push_back(f.imputed ? absl::StrCat("<span class=\"imputed\">", HtmlEscape(f.allele), ": ", Sig4(f.freq),
                                               "*</span>")
                                : absl::StrCat(HtmlEscape(f.allele), ": ", Sig4(f.freq)));
    }
    absl::StrAppend(&h, "<td class=\"nw\">", absl::StrJoin(freqs, "<br>"), "</td>");
    absl::StrAppend(&h, "<td class=\"num\">", enters ? FormatDouble(ld.log10_lr) : "&ndash;", "</td>");
    absl::StrAppend(&h, "<td class=\"num\">", enters ? FormatLrForPeople(ld.log10_lr, true) : "&ndash;", "</td>");
    std::string remark;
    if (exclusion) {
      remark = !ld.inconsistent ? "impossible under H1: exclusion"
               : result.mutation_model == MutationModel::kNone
                   ? "inconsistent with H1 (no mutation model): exclusion"
                   : "inconsistent with H1; not explained by mutation: exclusion";
    } else if (ld.inconsistent) {
      remark = "inconsistent with H1 without mutation; explained by mutation";
    } else if (!enters) {
      bool any = false;
      for (const std::string& g : ld.genotypes) any |= !g.empty();
      remark = any ? "does not enter (not typed in both)" : "not typed";
    }
    absl::StrAppend(&h, "<td>", remark, "</td>");
    if (result.mutation_model != MutationModel::kNone)
      absl::StrAppend(&h, "<td>", HtmlEscape(ld.mutation_rates), "</td>");
    absl::StrAppend(&h, "</tr>\n");
  }
  absl::StrAppend(&h, "<tr><th>Total</th>");
  for (size_t k = 0; k < d.samples.size(); ++k) absl::StrAppend(&h, "<td></td>");
  absl::StrAppend(&h, "<td></td><td class=\"num\">", FormatDouble(row.log10_lr), "</td><td class=\"num\">",
                  FormatLrForPeople(row.log10_lr, true), "</td><td></td>");
  if (result.mutation_model != MutationModel::kNone) absl::StrAppend(&h, "<td></td>");
  absl::StrAppend(&h, "</tr>\n</table>\n");
  absl::StrAppend(&h, "<p>Genotypes as allele designations (F: a failed allele; &ndash;: untyped); d, c: the "
                  "drop-out and drop-in probabilities applied to that profile. The total log10 LR is the sum of "
                  "the loci's.",
                  any_imputed ? " <span class=\"imputed\">*</span> An imputed frequency: the allele is not in the "
                                "frequency table and was added by kinship (5/(2N) or the minimum frequency), then "
                                "the locus rescaled."
                              : "",
                  "</p>\n");

  // Model.
  absl::StrAppend(&h, "<h2>Model</h2>\n<table id=\"model\">\n");
  for (const auto& [name, value] : prov.parameters)
    absl::StrAppend(&h, "<tr><th>", HtmlEscape(name), "</th><td>", HtmlEscape(value), "</td></tr>\n");
  absl::StrAppend(&h, "<tr><th>frequency table</th><td>", HtmlEscape(prov.table.change),
                  "; effective table SHA-256 <code>", HtmlEscape(prov.table.effective_sha256), "</code></td></tr>\n");
  absl::StrAppend(&h, "</table>\n");

  // Provenance.
  absl::StrAppend(&h, "<h2>Provenance</h2>\n<table id=\"provenance\">\n<tr><th>program</th><td>kinship ",
                  HtmlEscape(prov.version), " (", HtmlEscape(kBuild), ")</td></tr>\n<tr><th>command</th><td><code>", HtmlEscape(prov.command), "</code></td></tr>\n"
                  "<tr><th>date</th><td>", HtmlEscape(opts.date), "</td></tr>\n");
  for (const InputDigest& in : prov.inputs)
    absl::StrAppend(&h, "<tr><th>", HtmlEscape(in.role), "</th><td>", HtmlEscape(in.path), "<br>SHA-256 <code>",
                    HtmlEscape(in.sha256), "</code></td></tr>\n");
  absl::StrAppend(&h, "</table>\n");
  absl::StrAppend(&h, "<table class=\"sign\"><tr><td>Reviewed by: ______________________</td><td>Signature: "
                  "______________________</td><td>Date: ____________</td></tr></table>\n</body>\n</html>\n");
  return h;
}

std::string CaseReportIndexHtml(const std::vector<std::pair<std::string, std::string>>& pages,
                                const CaseReportOptions& opts) {
  std::string h = PageHead(opts.title);
  absl::StrAppend(&h, "<h1>", HtmlEscape(opts.title), "</h1>\n<p>", HtmlEscape(opts.date), " &middot; ",
                  pages.size(), " report(s)</p>\n<ol>\n");
  for (const auto& [file, text] : pages)
    absl::StrAppend(&h, "<li><a href=\"", HtmlEscape(file), "\">", HtmlEscape(text), "</a></li>\n");
  absl::StrAppend(&h, "</ol>\n</body>\n</html>\n");
  return h;
}

namespace {

std::string PedigreeJson(const DetailPedigree& p) {
  std::string s = absl::StrCat("{\"title\": ", Json(p.title), ", \"note\": ", Json(p.note), ", \"members\": [");
  for (size_t i = 0; i < p.members.size(); ++i) {
    const DetailMember& m = p.members[i];
    absl::StrAppend(&s, i ? ", " : "", "{\"id\": ", Json(m.id), ", \"father\": ", m.father, ", \"mother\": ", m.mother,
                    ", \"sex\": ", Json(SexName(m.sex)), ", \"sample_id\": ", Json(m.sample_id),
                    ", \"missing\": ", m.missing ? "true" : "false", ", \"candidate\": ", m.candidate ? "true" : "false",
                    "}");
  }
  return s + "]}";
}

}  // namespace

std::string CaseDetailJson(const CaseDetail& d) {
  std::string s = absl::StrCat("{\"h1\": ", Json(d.h1), ", \"h2\": ", Json(d.h2), ", \"pedigree_h1\": ",
                               PedigreeJson(d.ped_h1), ", \"pedigree_h2\": ", PedigreeJson(d.ped_h2),
                               ", \"samples\": [");
  for (size_t k = 0; k < d.samples.size(); ++k)
    absl::StrAppend(&s, k ? ", " : "", "{\"sample_id\": ", Json(d.samples[k]), ", \"role\": ", Json(d.roles[k]), "}");
  absl::StrAppend(&s, "], \"loci\": [");
  for (size_t l = 0; l < d.loci.size(); ++l) {
    const LocusDetail& ld = d.loci[l];
    absl::StrAppend(&s, l ? ", " : "", "{\"locus\": ", Json(ld.locus), ", \"genotypes\": [");
    for (size_t k = 0; k < ld.genotypes.size(); ++k) absl::StrAppend(&s, k ? ", " : "", Json(ld.genotypes[k]));
    absl::StrAppend(&s, "], \"observations\": [");
    for (size_t k = 0; k < ld.observations.size(); ++k) absl::StrAppend(&s, k ? ", " : "", Json(ld.observations[k]));
    absl::StrAppend(&s, "], \"frequencies\": [");
    for (size_t k = 0; k < ld.freqs.size(); ++k)
      absl::StrAppend(&s, k ? ", " : "", "{\"allele\": ", Json(ld.freqs[k].allele), ", \"freq\": ",
                      FormatDouble(ld.freqs[k].freq), ", \"imputed\": ", ld.freqs[k].imputed ? "true" : "false", "}");
    absl::StrAppend(&s, "], \"log10_lr\": ", JsonLog10(ld.log10_lr), ", \"inconsistent\": ",
                    ld.inconsistent ? "true" : "false", ", \"mutation_rates\": ", Json(ld.mutation_rates), "}");
  }
  return s + "]}";
}

std::string LrResultJson(const LrResult& result, double prior) {
  const Provenance& prov = result.provenance;
  std::string s = absl::StrCat("{\n  \"kinship_version\": ", Json(prov.version), ",\n  \"command\": ",
                               Json(prov.command), ",\n  \"parameters\": {");
  for (size_t i = 0; i < prov.parameters.size(); ++i)
    absl::StrAppend(&s, i ? "," : "", "\n    ", Json(prov.parameters[i].first), ": ", Json(prov.parameters[i].second));
  absl::StrAppend(&s, "\n  },\n  \"inputs\": [");
  for (size_t i = 0; i < prov.inputs.size(); ++i)
    absl::StrAppend(&s, i ? "," : "", "\n    {\"role\": ", Json(prov.inputs[i].role), ", \"path\": ",
                    Json(prov.inputs[i].path), ", \"sha256\": ", Json(prov.inputs[i].sha256), "}");
  absl::StrAppend(&s, "\n  ],\n  \"prior\": ", FormatDouble(prior), ",\n  \"rows\": [");
  for (size_t i = 0; i < result.rows.size(); ++i) {
    const LrRow& r = result.rows[i];
    absl::StrAppend(&s, i ? "," : "", "\n    {");
    for (size_t k = 0; k < r.key.size() && k < result.key_header.size(); ++k)
      absl::StrAppend(&s, Json(result.key_header[k]), ": ", Json(r.key[k]), ", ");
    absl::StrAppend(&s, "\"log10_lr\": ", JsonLog10(r.log10_lr), ", \"posterior\": ",
                    FormatDouble(Posterior(r.log10_lr, prior)), ", \"loci_compared\": ", r.loci_compared,
                    ", \"loci_inconsistent\": ", r.loci_inconsistent);
    if (r.detail) absl::StrAppend(&s, ", \"detail\": ", CaseDetailJson(*r.detail));
    absl::StrAppend(&s, "}");
  }
  return s + "\n  ]\n}\n";
}

}  // namespace kinship
