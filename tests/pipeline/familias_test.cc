// Tests of ComputeFamiliasLrs and ConvertFamilias (kinship/familias.h): a one-locus paternity
// case with mutation derived by hand, pedigrees with extras and an added parent, the
// pedFamilias paternity case against pedsuite's printed LR, and every LR equal to the same
// case run through kinship's CSV inputs (ComputeLrs with --pedigrees-h2) to 1e-12.
#include "kinship/familias.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "kinship/lr.h"
#include "test_util.h"

using namespace kinship;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

namespace {

const std::string kDir = std::string(KINSHIP_TEST_DATA_DIR) + "/fam/";

FamiliasCase Read(const std::string& path) {
  Diagnostics diag;
  auto fam = ReadFamiliasFile(path, &diag);
  INFO(fam.status().ToString());
  REQUIRE(fam.ok());
  return *fam;
}

FamiliasLrResult Lrs(const FamiliasCase& fam, UntypedFounders mode, const std::string& reference = "") {
  FamiliasLrOptions opts;
  opts.untyped_founders = mode;
  opts.reference_pedigree = reference;
  Diagnostics diag;
  auto r = ComputeFamiliasLrs(fam, opts, &diag);
  INFO(r.status().ToString());
  REQUIRE(r.ok());
  return *r;
}

double Lr(const FamiliasLrResult& r, const std::string& pedigree) {
  for (const FamiliasLrRow& row : r.rows)
    if (row.pedigree == pedigree) return std::pow(10.0, row.log10_lr);
  FAIL("no pedigree " << pedigree);
  return 0;
}

// The case through kinship's CSV inputs: ConvertFamilias' files, run with the options its
// README gives (ComputeLrs is what `kinship lr` calls). log10 LR by family (= pedigree).
std::map<std::string, double> ThroughCsv(const FamiliasCase& fam, UntypedFounders mode) {
  FamiliasLrOptions opts;
  opts.untyped_founders = mode;
  Diagnostics diag;
  auto conv = ConvertFamilias(fam, opts, &diag);
  INFO(conv.status().ToString());
  REQUIRE(conv.ok());
  static int n = 0;
  testing::TempDir dir("kinship_familias_csv_" + std::to_string(n++));
  for (const auto& [name, content] : conv->files) dir.Write(name, content);
  // The options of README.txt, as fields of the request.
  std::string readme;
  for (const auto& [name, content] : conv->files)
    if (name == "README.txt") readme = content;
  LrRequest req;
  req.model.freqs_path = dir.Path("freqs.csv");
  req.model.normalize_freqs = false;
  req.model.theta = fam.database.theta;
  req.model.untyped_founders = mode;
  const MutationParams p = FamiliasMutationParams(fam.database.loci[0], Sex::kMale);
  if (p.model != MutationModel::kNone) {
    req.model.mutation_model = p.model;
    req.model.rates_path = dir.Path("mutation_rates.csv");
    req.model.mutation_range = p.range;
    req.model.mutation_rate2 = p.rate2;
    req.model.mutation_transform = p.transform;
    CHECK(readme.find(std::string("--mutation-model ") + MutationModelName(p.model)) != std::string::npos);
  }
  CHECK(readme.find(std::string("--untyped-founders ") + UntypedFoundersName(mode)) != std::string::npos);
  CHECK(readme.find("--normalize-freqs no") != std::string::npos);
  req.profiles = {ProfileSource::File(dir.Path("profiles.csv"))};
  req.pedigrees_path = dir.Path("pedigrees.csv");
  req.pedigrees_h2_path = dir.Path("pedigrees_h2.csv");
  req.cases_path = dir.Path("cases.csv");
  auto result = ComputeLrs(req, &diag);
  INFO(result.status().ToString());
  REQUIRE(result.ok());
  std::map<std::string, double> out;
  for (const LrRow& r : result->rows) out[r.key[0]] = r.log10_lr;
  return out;
}

void CheckSameAsCsv(const FamiliasCase& fam, UntypedFounders mode) {
  const FamiliasLrResult direct = Lrs(fam, mode);
  const auto csv = ThroughCsv(fam, mode);
  REQUIRE(csv.size() == direct.rows.size());
  for (const FamiliasLrRow& r : direct.rows) {
    INFO("pedigree " << r.pedigree << ", " << UntypedFoundersName(mode));
    REQUIRE(csv.count(r.pedigree));
    CHECK_THAT(csv.at(r.pedigree), WithinAbs(r.log10_lr, 1e-12));
  }
}

}  // namespace

TEST_CASE("fam: one-locus paternity with mutation, derived by hand", "[pipeline][fam]") {
  // paternity1.fam: locus L1, alleles 1, 2, 3 with p = (0.2, 0.3, 0.5); equal model, male rate
  // r_m = 0.01, female r_f = 0.004. AF (male) 1/1, CH (male) 1/2, MO untyped.
  // H1: AF and MO parents of CH; H2: unrelated (the reference, 2nd pedigree: named).
  //   LR = P(CH = 1/2 | AF = 1/1, H1) / P(CH = 1/2) = [T(1) q(2) + T(2) q(1)] / (2 p1 p2),
  // T(x) = M_m[1][x] the father's transmission of his allele 1: T(1) = 1 - r_m, T(2) = r_m / 2
  // (equal model, n = 3); q the mother's allele.
  //  * exact: MO's allele from p, then mutated: q = p M_f, q(x) = p_x (1 - r_f) + (1 - p_x) r_f / 2;
  //  * familias: MO is a founder without data with one child: q = p.
  const double p1 = 0.2, p2 = 0.3, rm = 0.01, rf = 0.004;
  const double t1 = 1 - rm, t2 = rm / 2;
  const double q1 = p1 * (1 - rf) + (1 - p1) * rf / 2, q2 = p2 * (1 - rf) + (1 - p2) * rf / 2;
  const double lr_exact = (t1 * q2 + t2 * q1) / (2 * p1 * p2);
  const double lr_familias = (t1 * p2 + t2 * p1) / (2 * p1 * p2);  // 0.298 / 0.12 = 2.48333...
  const FamiliasCase fam = Read(kDir + "paternity1.fam");
  const FamiliasLrResult exact = Lrs(fam, UntypedFounders::kExact, "H2");
  CHECK(exact.reference == "H2");
  CHECK_THAT(Lr(exact, "H1"), WithinRel(lr_exact, 1e-12));
  CHECK_THAT(Lr(exact, "H2"), WithinRel(1.0, 1e-15));
  // "H1 father only": CH's mother not given, so added (an untyped founder): the same LR.
  CHECK_THAT(Lr(exact, "H1 father only"), WithinRel(lr_exact, 1e-12));
  const FamiliasLrResult fa = Lrs(fam, UntypedFounders::kFamilias, "H2");
  CHECK_THAT(Lr(fa, "H1"), WithinRel(lr_familias, 1e-12));
  CHECK_THAT(Lr(fa, "H1 father only"), WithinRel(lr_familias, 1e-12));
  CHECK(std::fabs(lr_exact - lr_familias) > 1e-3);  // the two conventions differ here
  // Against the file's first pedigree (the default reference): the inverse.
  CHECK_THAT(Lr(Lrs(fam, UntypedFounders::kExact), "H2"), WithinRel(1 / lr_exact, 1e-12));
  REQUIRE(exact.rows[0].per_locus.size() == 1);
  CHECK(exact.rows[0].per_locus[0] == exact.rows[0].log10_lr);

  FamiliasLrOptions bad;
  bad.reference_pedigree = "H3";
  Diagnostics diag;
  testing::CheckError(ComputeFamiliasLrs(fam, bad, &diag).status(), absl::StatusCode::kInvalidArgument,
                      "--reference-pedigree 'H3'", "expected one of: H1, H2, H1 father only");
}

TEST_CASE("fam: extras and known relations, without mutation", "[pipeline][fam]") {
  // pedigrees.fam: Son 10/11, Grandson 11/12 (p_11 = 0.2), rate 0. Against "Unrelated":
  // Father (Son is Grandson's father): 1 / (4 p_11) = 1.25; Uncle (Grandson's father is Son's
  // brother, through the known relations' extra mother and GF): avuncular, 1/2 + 1/2 * 1.25;
  // OnlyFather (mother added): as Father.
  const FamiliasCase fam = Read(kDir + "pedigrees.fam");
  for (UntypedFounders mode : {UntypedFounders::kExact, UntypedFounders::kFamilias}) {
    const FamiliasLrResult r = Lrs(fam, mode, "Unrelated");
    CHECK_THAT(Lr(r, "Father"), WithinRel(1.25, 1e-12));
    CHECK_THAT(Lr(r, "Uncle"), WithinRel(1.125, 1e-12));
    CHECK_THAT(Lr(r, "OnlyFather"), WithinRel(1.25, 1e-12));
    CheckSameAsCsv(fam, mode);
  }
}

TEST_CASE("fam: the paternity case reproduces pedsuite's LR and kinship's CSV path", "[pipeline][fam]") {
  // tests/data/fam/paternity.fam (pedFamilias' example, re-typed): forrel::kinshipLR prints
  // H1:H2 = 760.3445 (pedsuite's exact model: untyped MO's allele mutates).
  const FamiliasCase fam = Read(kDir + "paternity.fam");
  const FamiliasLrResult exact = Lrs(fam, UntypedFounders::kExact);
  CHECK(exact.reference == "H1");
  const double lr = 1 / Lr(exact, "H2");  // H1:H2
  CHECK_THAT(lr, WithinAbs(760.3445, 5e-5));
  const FamiliasLrResult h2 = Lrs(fam, UntypedFounders::kExact, "H2");
  CHECK_THAT(Lr(h2, "H1"), WithinRel(lr, 1e-12));
  CHECK(h2.locus_names[4] == "Penta E");  // PENTA_E, canonical
  double sum = 0;
  for (double v : h2.rows[0].per_locus) sum += v;
  CHECK_THAT(sum, WithinAbs(h2.rows[0].log10_lr, 1e-12));
  // Familias' convention differs from pedsuite's here (stepwise: p M != p), and both agree
  // with the CSV path.
  const FamiliasLrResult fa = Lrs(fam, UntypedFounders::kFamilias, "H2");
  CHECK(std::fabs(std::log10(Lr(fa, "H1")) - std::log10(lr)) > 1e-6);
  CheckSameAsCsv(fam, UntypedFounders::kExact);
  CheckSameAsCsv(fam, UntypedFounders::kFamilias);
}

TEST_CASE("fam: theta, through both paths", "[pipeline][fam]") {
  testing::TempDir dir("kinship_familias_theta");
  std::ifstream in(kDir + "paternity1.fam");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string from = "Theta/Kinship/Fst: 0 )", to = "Theta/Kinship/Fst: 0.02 )";
  REQUIRE(text.find(from) != std::string::npos);
  text.replace(text.find(from), from.size(), to);
  const FamiliasCase fam = Read(dir.Write("theta.fam", text));
  CHECK(fam.database.theta == 0.02);
  const FamiliasLrResult r = Lrs(fam, UntypedFounders::kExact, "H2");
  const FamiliasLrResult r0 = Lrs(Read(kDir + "paternity1.fam"), UntypedFounders::kExact, "H2");
  CHECK(std::fabs(r.rows[0].log10_lr - r0.rows[0].log10_lr) > 1e-4);  // theta changes the LR
  CheckSameAsCsv(fam, UntypedFounders::kExact);
}

TEST_CASE("fam: stepwise stationary (code 3) is stationary: both conventions agree", "[pipeline][fam]") {
  // paternity1.fam with both sexes' model code 3 (stepwise made stationary by PM): p M = p, so
  // an untyped founder's allele is the same with or without the mutation step, and Familias'
  // convention equals the exact one; with code 2 (not stationary) they differ. The CSV path,
  // with --mutation-transform PM, agrees.
  testing::TempDir dir("kinship_familias_code3");
  std::ifstream in(kDir + "paternity1.fam");
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  int at = 0;
  while (lines[at] != "\"L1\"") ++at;
  for (int code : {2, 3}) {
    lines[at + 3] = lines[at + 4] = std::to_string(code);  // female and male model
    std::string text;
    for (const std::string& l : lines) text += l + "\n";
    const FamiliasCase fam = Read(dir.Write("code" + std::to_string(code) + ".fam", text));
    const double exact = Lrs(fam, UntypedFounders::kExact, "H2").rows[0].log10_lr;
    const double familias = Lrs(fam, UntypedFounders::kFamilias, "H2").rows[0].log10_lr;
    INFO("code " << code);
    if (code == 3) {
      CHECK_THAT(familias, WithinAbs(exact, 1e-12));
      CheckSameAsCsv(fam, UntypedFounders::kExact);
    } else {
      CHECK(std::fabs(familias - exact) > 1e-6);
    }
  }
}

TEST_CASE("fam: Familias' pruning is by data anywhere in the case, through both paths", "[pipeline][fam]") {
  // paternity1.fam with a second locus L2 (a copy of L1) typed in CH only. AF has data (at L1),
  // so at L2, where he is untyped, his transmission to CH is exact (p M_m), not p: Familias
  // reduces the pedigree once for the case (docs/model.md). Checked against the formula and
  // against kinship lr --pedigrees-h2 (which must take the same view).
  testing::TempDir dir("kinship_familias_anywhere");
  std::ifstream in(kDir + "paternity1.fam");
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  // CH (line 21 "CH") gets a second marker: CH is 1 typed marker at line 26 -> 2, then 0 0 1.
  int ch = 0;
  while (lines[ch] != "\"CH\"") ++ch;
  lines[ch + 5] = "2";
  lines.insert(lines.begin() + ch + 9, {"1", "1", "1"});  // L2: 2/2
  int db = 0;
  while (lines[db].rfind("#FALSE# (#Databases", 0) != 0) ++db;
  lines[db + 1] = "2";
  int l1 = db;
  while (lines[l1] != "\"L1\"") ++l1;
  std::vector<std::string> copy(lines.begin() + l1, lines.begin() + l1 + 19);
  copy[0] = "\"L2\"";
  lines.insert(lines.begin() + l1 + 19, copy.begin(), copy.end());
  std::string text;
  for (const std::string& l : lines) text += l + "\n";
  const FamiliasCase fam = Read(dir.Write("anywhere.fam", text));
  REQUIRE(fam.database.loci.size() == 2);
  REQUIRE(fam.persons[2].genotypes.size() == 2);
  const FamiliasLrResult r = Lrs(fam, UntypedFounders::kFamilias, "H2");
  // L2, H1: CH = 2/2 with AF untyped (exact transmission, father's rate 0.01) and MO (no data
  // anywhere, one child: p): P = (p M_m)(2) p2; under H2: p2^2. LR = (p M_m)(2) / p2.
  const double p2 = 0.3, rm = 0.01;
  const double pm2 = p2 * (1 - rm) + (1 - p2) * rm / 2;
  CHECK_THAT(std::pow(10.0, r.rows[0].per_locus[1]), WithinRel(pm2 / p2, 1e-12));
  CheckSameAsCsv(fam, UntypedFounders::kFamilias);
}

TEST_CASE("fam: conversion refuses what kinship's options cannot say", "[pipeline][fam]") {
  // models.fam: a database only, nothing to convert.
  const FamiliasCase fam = Read(kDir + "models.fam");
  Diagnostics diag;
  auto conv = ConvertFamilias(fam, {}, &diag);
  REQUIRE_FALSE(conv.ok());
  CHECK(conv.status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK_THAT(std::string(conv.status().message()), Catch::Matchers::Contains("neither pedigrees nor a DVI section"));
  // The same database with a pedigree case: the model mismatch is named.
  const FamiliasCase pat = Read(kDir + "paternity1.fam");
  FamiliasCase mixed = pat;
  mixed.database.loci.push_back(fam.database.loci[2]);  // STEP beside the equal L1
  conv = ConvertFamilias(mixed, {}, &diag);
  testing::CheckError(conv.status(), absl::StatusCode::kFailedPrecondition, "locus STEP",
                      "kinship's options give one model");
  // kinship lr --fam computes it all the same (every locus its own model).
  FamiliasLrOptions opts;
  CHECK(ComputeFamiliasLrs(mixed, opts, &diag).ok());
}

TEST_CASE("fam: a DVI case converts to kinship dvi's inputs", "[pipeline][fam]") {
  // dvi.fam: victims V1 (male; L1 1/2, L2 7/7) and V2 (female; L1 3/3); family F1: R1 (female,
  // L1 1/3) and "Missing male 1" (untyped); pedigree "Son": R1 and "Missing male 1" parents of
  // "Missing person" (not a listed person: added, sex unknown). The untyped persons named
  // "Missing ..." are missing persons (as dvir reads Familias files).
  const FamiliasCase fam = Read(kDir + "dvi.fam");
  Diagnostics diag;
  auto conv = ConvertFamilias(fam, {}, &diag);
  INFO(conv.status().ToString());
  REQUIRE(conv.ok());
  std::map<std::string, std::string> files(conv->files.begin(), conv->files.end());
  CHECK(files["victims.csv"] == "sample_id,locus,allele1,allele2\nV1,L1,1,2\nV1,L2,7,7\nV2,L1,3,3\n");
  CHECK(files["victim_sex.csv"] == "sample_id,sex\nV1,1\nV2,2\n");
  CHECK(files["references.csv"] == "sample_id,locus,allele1,allele2\nR1,L1,1,3\n");
  CHECK(files["pedigrees.csv"] ==
        "family,id,father,mother,sex,sample_id,missing\n"
        "F1,R1,0,0,2,R1,0\n"
        "F1,Missing male 1,0,0,1,,1\n"
        "F1,Missing person,Missing male 1,R1,0,,1\n");
  CHECK(files["mutation_rates.csv"] == "locus,rate_male,rate_female\nL1,0.001,0.001\nL2,0.001,0.001\n");
  CHECK(files["README.txt"].find("--mutation-model equal") != std::string::npos);
  CHECK(files["README.txt"].find("kinship dvi") != std::string::npos);
}
