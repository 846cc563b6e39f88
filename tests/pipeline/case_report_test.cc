// Case reports (kinship/case_report.h): the numbers on the page are ComputeLrs', user strings
// are escaped, imputed frequencies are marked, an inconsistency explained by mutation is said
// so (a hand-derived parent-child LR), and the pedigree layout of a 3-generation family.
#include "kinship/case_report.h"

#include <cmath>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "kinship/report.h"
#include "test_util.h"

using namespace kinship;

namespace {

bool Contains(const std::string& s, const std::string& what) { return s.find(what) != std::string::npos; }

// Locus A: 10 .. 13 at 0.1 .. 0.4 (sums to 1); locus B: 8, 9 at 0.5 each.
const char kFreqs[] =
    "locus,allele,frequency\n"
    "A,10,0.1\nA,11,0.2\nA,12,0.3\nA,13,0.4\n"
    "B,8,0.5\nB,9,0.5\n";

}  // namespace

TEST_CASE("case report: a parent-child inconsistency explained by mutation, by hand", "[case_report]") {
  testing::TempDir dir;
  LrRequest req;
  req.model.freqs_path = dir.Write("freqs.csv", kFreqs);
  // The parent 10/11, the child 12/13 at A: no allele shared, impossible without mutation.
  // At B the child carries 7, absent from the table: imputed.
  req.profiles = {ProfileSource::File(dir.Write("profiles.csv",
                                                "sample_id,locus,allele1,allele2\n"
                                                "<i>&P,A,10,11\n<i>&P,B,8,9\n"
                                                "C,A,12,13\nC,B,7,8\n"))};
  req.pairs = {PairQuery::Of("<i>&P", "C", "parent-child")};
  req.model.mutation_model = MutationModel::kEqual;
  req.model.mutation_rate = 0.003;
  req.detail = true;
  req.command = "kinship lr <test>";
  Diagnostics diag;
  auto r = ComputeLrs(req, &diag);
  INFO(r.status().ToString());
  REQUIRE(r.ok());
  REQUIRE(r->rows.size() == 1);
  const LrRow& row = r->rows[0];
  REQUIRE(row.detail);
  const CaseDetail& d = *row.detail;
  REQUIRE(d.loci.size() == 2);
  // Locus A by hand (equal model, n = 4 alleles, each other allele reached with μ/3): the
  // parent passes 12 with probability (1/2)(μ/3) + (1/2)(μ/3) = μ/3, 13 likewise; the
  // untyped other parent passes the other allele drawn from p M (exact untyped founders):
  // (pM)_12 = 0.3 (1 - μ) + 0.7 μ/3 = 0.2998, (pM)_13 = 0.4 (1 - μ) + 0.6 μ/3 = 0.3994.
  // P(C | parent) = μ/3 ((pM)_13 + (pM)_12); P(C | unrelated) = 2 p12 p13 = 0.24.
  // LR = 0.001 × 0.6992 / 0.24.
  const double hand = 0.001 * 0.6992 / 0.24;
  CHECK(std::pow(10.0, d.loci[0].log10_lr) == Approx(hand).epsilon(1e-9));
  CHECK(d.loci[0].inconsistent);
  CHECK_FALSE(d.loci[1].inconsistent);
  CHECK(d.loci[0].genotypes == std::vector<std::string>{"10/11", "12/13"});
  CHECK(d.loci[1].genotypes == std::vector<std::string>{"8/9", "7/8"});
  // Frequencies used: those of the alleles seen; 7 imputed.
  REQUIRE(d.loci[1].freqs.size() == 3);
  bool seven_imputed = false;
  for (const DetailFreq& f : d.loci[1].freqs) {
    if (f.allele == "7") seven_imputed = f.imputed;
    if (f.allele == "8") CHECK_FALSE(f.imputed);
  }
  CHECK(seven_imputed);
  CHECK(d.loci[0].mutation_rates == "0.003/0.003");

  CaseReportOptions opts;
  opts.prior = 0.25;
  opts.date = "2026-12-03 08:00 UTC";
  const std::string html = CaseReportHtml(*r, 0, opts);
  // The numbers of ComputeLrs, byte for byte as `kinship lr` prints them (FormatDouble).
  CHECK(Contains(html, "<td class=\"num\" id=\"log10-lr\">" + FormatDouble(row.log10_lr) + "</td>"));
  CHECK(Contains(html, "<td class=\"num\">" + FormatDouble(row.per_locus[0]) + "</td>"));
  CHECK(Contains(html, "<td class=\"num\">" + FormatDouble(row.per_locus[1]) + "</td>"));
  CHECK(Contains(html, FormatDouble(Posterior(row.log10_lr, 0.25))));
  CHECK(Contains(html, "explained by mutation"));
  CHECK(Contains(html, "class=\"imputed\">7: "));
  // Escaping: the sample id never appears raw.
  CHECK_FALSE(Contains(html, "<i>&P"));
  CHECK(Contains(html, "&lt;i&gt;&amp;P"));
  CHECK(Contains(html, "2026-12-03 08:00 UTC"));
  CHECK(Contains(html, "kinship lr &lt;test&gt;"));
  // Deterministic.
  CHECK(CaseReportHtml(*r, 0, opts) == html);
  // The JSON carries the same, and parses.
  const std::string json = CaseDetailJson(d);
  const nlohmann::json j = nlohmann::json::parse(json);
  CHECK(j["loci"][0]["log10_lr"].get<double>() == row.per_locus[0]);
  CHECK(j["loci"][1]["genotypes"][1] == "7/8");
  CHECK(j["pedigree_h1"]["members"][2]["father"] == 0);
  CHECK(j["samples"][0]["sample_id"] == "<i>&P");
  const nlohmann::json all = nlohmann::json::parse(LrResultJson(*r, 0.25));
  CHECK(all["rows"][0]["log10_lr"].get<double>() == row.log10_lr);
  CHECK(all["rows"][0]["posterior"].get<double>() == Posterior(row.log10_lr, 0.25));
  CHECK(Contains(json, "\"log10_lr\": " + FormatDouble(row.per_locus[0])));
  CHECK(Contains(json, "{\"allele\": \"7\", \"freq\": " + FormatDouble(d.loci[1].freqs[0].freq) + ", \"imputed\": true}"));
  CHECK(Contains(json, "\"inconsistent\": true"));

  // Without mutation, the same locus excludes: stated as such.
  req.model.mutation_model = MutationModel::kNone;
  req.model.mutation_rate.reset();
  Diagnostics diag2;
  auto r2 = ComputeLrs(req, &diag2);
  REQUIRE(r2.ok());
  CHECK(r2->rows[0].log10_lr == -INFINITY);
  const std::string html2 = CaseReportHtml(*r2, 0, opts);
  CHECK(Contains(html2, "The DNA results exclude the first hypothesis"));
  CHECK(Contains(html2, "inconsistent with H1 (no mutation model): exclusion"));
}

TEST_CASE("case report: a missing-person case, numbers equal ComputeLrs", "[case_report]") {
  testing::TempDir dir;
  LrRequest req;
  req.model.freqs_path = dir.Write("freqs.csv", kFreqs);
  req.profiles = {ProfileSource::File(dir.Write("profiles.csv",
                                                "sample_id,locus,allele1,allele2\n"
                                                "SF,A,10,11\nSF,B,8,8\nSM,A,12,13\nSM,B,9,9\n"
                                                "V,A,10,12\nV,B,8,9\n"))};
  req.pedigrees_path = dir.Write("peds.csv",
                                 "family,id,father,mother,sex,sample_id,missing\n"
                                 "F1,dad,,,1,SF,0\nF1,mum,,,2,SM,0\nF1,MP,dad,mum,1,,1\n");
  req.cases = {{"F1", "MP", "V", ""}};
  req.detail = true;
  Diagnostics diag;
  auto r = ComputeLrs(req, &diag);
  INFO(r.status().ToString());
  REQUIRE(r.ok());
  const LrRow& row = r->rows[0];
  REQUIRE(row.detail);
  // By hand: both parents typed, LR = P(V | parents) / P(V) per locus. A: 1/4 / (2 × 0.1 × 0.3)
  // = 25/6; B: 1 / (2 × 0.5 × 0.5) = 2. Total log10 (25/3).
  CHECK(row.log10_lr == Approx(std::log10(25.0 / 3)).epsilon(1e-12));
  const CaseDetail& d = *row.detail;
  CHECK(d.h1 == "sample V is the missing person MP of family F1");
  CHECK(d.h2 == "sample V is unrelated to family F1");
  CHECK(d.samples == std::vector<std::string>{"V", "SF", "SM"});
  REQUIRE(d.ped_h1.members.size() == 3);
  CHECK(d.ped_h1.members[2].candidate);
  CHECK(d.ped_h1.members[2].missing);
  REQUIRE(d.ped_h2.members.size() == 4);  // the family and the candidate apart
  CHECK(d.ped_h2.members[3].candidate);
  CHECK(d.ped_h2.members[3].father < 0);
  CaseReportOptions opts;
  opts.date = "d";
  const std::string html = CaseReportHtml(*r, 0, opts);
  CHECK(Contains(html, "<td class=\"num\" id=\"log10-lr\">" + FormatDouble(row.log10_lr) + "</td>"));
  CHECK(Contains(html, "The DNA results are about 8.33 times more likely if sample V is the missing person MP of "
                       "family F1 than if sample V is unrelated to family F1."));
  CHECK(Contains(html, "<svg class=\"pedigree\""));
  CHECK(CaseReportFileName(row, 3) == "case-3-F1_MP_V.html");

  // H2 from --pedigrees-h2: the same family with MP a founder, unrelated to dad and mum; the
  // LR is then that against unrelated, and the page names the alternative pedigree.
  req.pedigrees_h2_path = dir.Write("peds_h2.csv",
                                    "family,id,father,mother,sex,sample_id,missing\n"
                                    "F1,dad,,,1,SF,0\nF1,mum,,,2,SM,0\nF1,MP,,,1,,0\n");
  Diagnostics diag2;
  auto r2 = ComputeLrs(req, &diag2);
  INFO(r2.status().ToString());
  REQUIRE(r2.ok());
  CHECK(r2->rows[0].log10_lr == Approx(std::log10(25.0 / 3)).epsilon(1e-12));
  const CaseDetail& d2 = *r2->rows[0].detail;
  CHECK(Contains(d2.h2, "stands at MP in the alternative pedigree of family F1"));
  REQUIRE(d2.ped_h2.members.size() == 3);
  CHECK(d2.ped_h2.members[2].candidate);
  CHECK(d2.ped_h2.members[2].father == -1);
  CHECK(LayOutPedigree(d2.ped_h2).generation == std::vector<int>{0, 0, 0});
}

TEST_CASE("case report: LRs for people and the plain-language line", "[case_report]") {
  CHECK(FormatLrForPeople(std::log10(2.6e10), false) == "2.6 \xC3\x97 10^10");
  CHECK(FormatLrForPeople(std::log10(2.6e10), true) == "2.6 \xC3\x97 10<sup>10</sup>");
  CHECK(FormatLrForPeople(std::log10(9.97e5), false) == "1.0 \xC3\x97 10^6");  // 9.97 rounds up
  CHECK(FormatLrForPeople(std::log10(41.24), false) == "41.2");
  CHECK(FormatLrForPeople(-INFINITY, false) == "0");
  CHECK(FormatLrForPeople(std::log10(2e-5), false) == "2.0 \xC3\x97 10^-5");
  CHECK(PlainLanguageLine(std::log10(2.6e10), "A", "B", false) ==
        "The DNA results are about 2.6 \xC3\x97 10^10 times more likely if A than if B.");
  CHECK(PlainLanguageLine(-std::log10(50.0), "A", "B", false) ==
        "The DNA results are about 50 times more likely if B than if A.");
  CHECK(Contains(PlainLanguageLine(-INFINITY, "A", "B", false), "exclude the first hypothesis"));
  CHECK(PlainLanguageLine(1, "<A>", "B", true) == "The DNA results are about 10 times more likely if &lt;A&gt; than if B.");
  CHECK(HtmlEscape("<a href='x'>&\"") == "&lt;a href=&#39;x&#39;&gt;&amp;&quot;");
}

TEST_CASE("case report: a 3-generation pedigree laid out by generation", "[case_report]") {
  DetailPedigree p;
  auto add = [&](std::string id, Sex sex, int f, int m) {
    DetailMember x;
    x.id = std::move(id);
    x.sex = sex;
    x.father = f;
    x.mother = m;
    p.members.push_back(x);
  };
  add("GF", Sex::kMale, -1, -1);    // 0
  add("GM", Sex::kFemale, -1, -1);  // 1
  add("F", Sex::kMale, 0, 1);       // 2
  add("M", Sex::kFemale, -1, -1);   // 3: marries in
  add("C", Sex::kUnknown, 2, 3);    // 4
  p.members[4].missing = true;
  const PedigreeLayout lay = LayOutPedigree(p);
  CHECK(lay.generation == std::vector<int>{0, 0, 1, 1, 2});
  // Rows 56 + 110 g apart. GF and GM side by side (56, 152); F under them (104), M beside
  // F (200), C under F and M (152); the width is the rightmost centre plus the margin.
  CHECK(lay.y == std::vector<double>{56, 56, 166, 166, 276});
  CHECK(lay.x == std::vector<double>{56, 152, 104, 200, 152});
  CHECK(lay.width == 256);
  CHECK(lay.height == 2 * 56 + 2 * 110 + 40);
  const std::string svg = PedigreeSvg(p);
  CHECK(Contains(svg, "<rect x=\"39.0\" y=\"39.0\""));                  // GF: a square
  CHECK(Contains(svg, "<circle cx=\"152.0\" cy=\"56.0\""));              // GM: a circle
  CHECK(Contains(svg, "<polygon points=\"152.0,259.0 169.0,276.0"));    // C: a diamond
  CHECK(Contains(svg, ">?</text>"));                                     // the missing person
}
