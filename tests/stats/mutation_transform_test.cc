// Stationary and reversible transformations of mutation matrices (PM, MH, BA, PR;
// kinship/mutation.h): against hand derivations on 2- and 3-allele loci, against the
// full matrices of the independent vectors (tests/data/validation-stabilized, pedmut
// 0.9.1), through the pedigree engine for every case of those vectors (log10 LR to 1e-9,
// total and per locus; refused loci refused with an error naming them), and their
// promised properties (stationary, reversible, rows summing to 1, the rate preserved)
// on every locus of the table for every model.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "absl/status/status.h"
#include "internal/csv.h"
#include "kinship/io.h"
#include "kinship/locus.h"
#include "kinship/mutation.h"
#include "kinship/pedigree.h"
#include "kinship/pedigree_lr.h"
#include "kinship/profile.h"
#include "stats/validation_util.h"

using namespace kinship;
using Catch::Matchers::Contains;
using testing::CheckLog10;
using testing::ParseLog10;
using testing::ReadCsv;

namespace {

const std::string kDir = std::string(KINSHIP_TEST_DATA_DIR) + "/validation-stabilized/";
constexpr MutationTransform kAllTransforms[] = {MutationTransform::kPM, MutationTransform::kMH,
                                                MutationTransform::kBA, MutationTransform::kPR};

Locus MakeLocus(const std::string& name, const std::vector<std::pair<std::string, double>>& alleles) {
  Locus locus(name);
  for (const auto& [label, f] : alleles) locus.AddAllele(label, f);
  return locus;
}

MutationParams Params(MutationModel model, double rate, MutationTransform transform, double rate2 = 0,
                      double range = 0.5) {
  MutationParams p;
  p.model = model;
  p.rate = rate;
  p.rate2 = rate2;
  p.range = range;
  p.transform = transform;
  return p;
}

void RequireMatrix(const MutationMatrix& m, const std::vector<std::vector<double>>& want) {
  REQUIRE(m.rows() == static_cast<int>(want.size()));
  REQUIRE(m.cols() == static_cast<int>(want.size()));
  for (int i = 0; i < m.rows(); ++i)
    for (int j = 0; j < m.cols(); ++j) {
      INFO("S[" << i << "][" << j << "]");
      REQUIRE(m(i, j) == Approx(want[i][j]).epsilon(1e-13).margin(1e-16));
    }
}

// R(M) = 1 - sum_i p_i M_ii (pedmut::mutRate).
double Rate(const Locus& locus, const MutationMatrix& m) {
  double stay = 0;
  for (int i = 0; i < locus.allele_ct(); ++i) stay += locus.freq(i) * m(i, i);
  return 1 - stay;
}

// The model parameters of the vectors (README.upstream.md, "Models and parameters").
MutationParams VectorParams(const std::string& model, MutationTransform transform) {
  if (model == "equal") return Params(MutationModel::kEqual, 0.005, transform);
  REQUIRE(model == "stepwise");
  return Params(MutationModel::kStepwise, 0.005, transform, 1e-6, 0.1);
}

AlleleFreqTable ReadTable() {
  Diagnostics diag;
  auto table = ReadAlleleFreqs(kDir + "freqs.csv", &diag);
  REQUIRE(table.ok());
  return *table;
}

// Hypothesis files are named relative to the folder of the vectors.
Pedigree ReadHypothesis(const std::string& file) { return testing::ReadHypothesis(kDir + file); }

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  if (s.empty()) return out;
  size_t start = 0;
  while (true) {
    size_t at = s.find(sep, start);
    out.push_back(s.substr(start, at == std::string::npos ? std::string::npos : at - start));
    if (at == std::string::npos) break;
    start = at + 1;
  }
  return out;
}

}  // namespace

TEST_CASE("Mutation transform names parse and print", "[stats][mutation][transform]") {
  for (MutationTransform t : {MutationTransform::kNone, MutationTransform::kPM, MutationTransform::kMH,
                              MutationTransform::kBA, MutationTransform::kPR}) {
    auto parsed = ParseMutationTransform(MutationTransformName(t));
    REQUIRE(parsed.ok());
    CHECK(*parsed == t);
  }
  CHECK(std::string(MutationTransformName(MutationTransform::kPM)) == "PM");
  CHECK(std::string(MutationTransformName(MutationTransform::kNone)) == "none");
  REQUIRE(ParseMutationTransform("mh").ok());
  CHECK(*ParseMutationTransform("mh") == MutationTransform::kMH);
  auto bad = ParseMutationTransform("DP");
  REQUIRE(bad.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK_THAT(std::string(bad.status().message()), Contains("'DP'") && Contains("PM, MH, BA or PR"));
}

TEST_CASE("Two alleles, equal model: every transform gives the one reversible matrix with rate R(M)",
          "[stats][mutation][transform]") {
  // p = (0.2, 0.8), r = 0.1: M = [[0.9, 0.1], [0.1, 0.9]], R(M) = r (p1 + p2) = 0.1.
  // A stationary 2x2 matrix is reversible (p1 S12 = p2 S21), and with rate R:
  // p1 S12 + p2 S21 = R, so p1 S12 = R/2: S12 = 0.05/0.2 = 0.25, S21 = 0.05/0.8 = 0.0625.
  //  PM: M symmetric, so v = (1/2, 1/2); sum_j M_jj v_j = 0.9; d_i = 0.1 (1/2) / (0.1 p_i)
  //      = 1/(2 p_i) = (2.5, 0.625); S12 = d_1 0.1 = 0.25, S21 = d_2 0.1 = 0.0625.
  //  PR: S12 = (p1 0.1 + p2 0.1) / (2 p1) = 0.25; S21 = 0.1 / (2 p2) = 0.0625.
  //  MH: T12 = 0.1 min(1, 0.8/0.2) = 0.1, T21 = 0.1 min(1, 0.2/0.8) = 0.025,
  //      R(T) = 0.2*0.1 + 0.8*0.025 = 0.04, a = 2.5: S12 = 0.25, S21 = 0.0625.
  //  BA: T12 = 0.1 * 0.8 = 0.08, T21 = 0.1 * 0.2 = 0.02, R(T) = 0.032, a = 3.125: same.
  const Locus locus = MakeLocus("L2", {{"1", 0.2}, {"2", 0.8}});
  for (MutationTransform t : kAllTransforms) {
    INFO(MutationTransformName(t));
    auto s = BuildMutationMatrix(locus, Params(MutationModel::kEqual, 0.1, t));
    REQUIRE(s.ok());
    RequireMatrix(*s, {{0.75, 0.25}, {0.0625, 0.9375}});
  }
}

TEST_CASE("Three alleles, equal model: PM, PR, MH and BA by hand", "[stats][mutation][transform]") {
  // p = (0.5, 0.3, 0.2), r = 0.06: M_ij = 0.03 (i != j), M_ii = 0.94; R(M) = 0.06.
  const double p[] = {0.5, 0.3, 0.2};
  const Locus locus = MakeLocus("L3", {{"10", p[0]}, {"11", p[1]}, {"12", p[2]}});
  auto build = [&](MutationTransform t) {
    auto s = BuildMutationMatrix(locus, Params(MutationModel::kEqual, 0.06, t));
    REQUIRE(s.ok());
    return *s;
  };
  SECTION("PM") {
    // M symmetric, hence doubly stochastic: v = (1/3, 1/3, 1/3), sum_j M_jj v_j = 0.94,
    // d_i = 0.06 (1/3) / (0.06 p_i) = 1/(3 p_i); S_ij = d_i 0.03 = 0.01 / p_i (i != j).
    RequireMatrix(build(MutationTransform::kPM), {{0.96, 0.02, 0.02},
                                                  {1.0 / 30, 1 - 2.0 / 30, 1.0 / 30},
                                                  {0.05, 0.05, 0.90}});
  }
  SECTION("PR") {
    // S_ij = 0.03 (p_i + p_j) / (2 p_i) = 0.015 (p_i + p_j) / p_i.
    // Row 1: 0.015*0.8/0.5 = 0.024, 0.015*0.7/0.5 = 0.021. Row 2: 0.015*0.8/0.3 = 0.04,
    // 0.015*0.5/0.3 = 0.025. Row 3: 0.015*0.7/0.2 = 0.0525, 0.015*0.5/0.2 = 0.0375.
    RequireMatrix(build(MutationTransform::kPR), {{0.955, 0.024, 0.021},
                                                  {0.04, 0.935, 0.025},
                                                  {0.0525, 0.0375, 0.91}});
  }
  SECTION("MH") {
    // T_ij = 0.03 min(1, p_j / p_i): row 1: 0.018, 0.012; row 2: 0.03, 0.02; row 3: 0.03, 0.03.
    // R(T) = 0.5*0.03 + 0.3*0.05 + 0.2*0.06 = 0.042, a = 0.06/0.042 = 10/7
    // (allowed: R(T)/(1 - min T_ii) = 0.042/0.06 = 0.7 >= 0.06). S = a T + (1 - a) I.
    RequireMatrix(build(MutationTransform::kMH), {{1 - 0.3 / 7, 0.18 / 7, 0.12 / 7},
                                                  {0.3 / 7, 1 - 0.5 / 7, 0.2 / 7},
                                                  {0.3 / 7, 0.3 / 7, 1 - 0.6 / 7}});
  }
  SECTION("BA") {
    // T_ij = 0.03 p_j / (p_i + p_j); R(T) = sum_{i != j} 0.03 p_i p_j / (p_i + p_j) = 0.06 H with
    // H = 0.15/0.8 + 0.1/0.7 + 0.06/0.5 = 0.3075 + 1/7; a = 0.06 / (0.06 H) = 1/H.
    // S_ij = 0.03 p_j / ((p_i + p_j) H).
    const double h = 0.3075 + 1.0 / 7;
    auto off = [&](int i, int j) { return 0.03 * p[j] / ((p[i] + p[j]) * h); };
    RequireMatrix(build(MutationTransform::kBA),
                  {{1 - off(0, 1) - off(0, 2), off(0, 1), off(0, 2)},
                   {off(1, 0), 1 - off(1, 0) - off(1, 2), off(1, 2)},
                   {off(2, 0), off(2, 1), 1 - off(2, 0) - off(2, 1)}});
  }
}

TEST_CASE("Transforms are refused where a diagonal would be negative", "[stats][mutation][transform]") {
  // p = (0.98, 0.01, 0.01), equal r = 0.06 (M_ij = 0.03, M_ii = 0.94).
  //  PM: d_i (1 - M_ii) = r / (3 p_i) = 0.06 / 0.03 = 2 > 1 for alleles 11 and 12.
  //  PR: sum_i p_i M_i2 = 0.98*0.03 + 0.01*0.94 + 0.01*0.03 = 0.0391 > p_2 (1 + 2*0.94) = 0.0288.
  //  MH: T_ij = 0.03 min(1, p_j / p_i): row 10: 0.03 (0.01/0.98) twice; rows 11, 12: 0.03, 0.03,
  //      so T_11,11 = 0.94 = min T_ii and R(T) = 0.98 * 0.06 (0.01/0.98) + 2 * 0.01 * 0.06 = 0.0018;
  //      the largest reachable rate R(T) / (1 - 0.94) = 0.03 < R(M) = 0.06: refused. At
  //      r = 0.006 everything scales by 1/10 except the bound's denominator: R(T) = 0.00018,
  //      bound 0.00018 / 0.006 = 0.03 >= 0.006, accepted (BA likewise: bound 1/30 at both rates).
  const Locus locus = MakeLocus("D99S1", {{"10", 0.98}, {"11", 0.01}, {"12", 0.01}});
  auto pm = BuildMutationMatrix(locus, Params(MutationModel::kEqual, 0.06, MutationTransform::kPM));
  REQUIRE(pm.status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK_THAT(std::string(pm.status().message()),
             Contains("locus D99S1") && Contains("PM transformation of the equal model") &&
                 Contains("d_i (1 - M_ii) = 2 > 1 for allele 11 and 1 other allele"));
  auto pr = BuildMutationMatrix(locus, Params(MutationModel::kEqual, 0.06, MutationTransform::kPR));
  REQUIRE(pr.status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK_THAT(std::string(pr.status().message()),
             Contains("locus D99S1") && Contains("PR transformation of the equal model") &&
                 Contains("for allele 11 and 1 other allele"));
  auto mh = BuildMutationMatrix(locus, Params(MutationModel::kEqual, 0.06, MutationTransform::kMH));
  REQUIRE(mh.status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK_THAT(std::string(mh.status().message()),
             Contains("locus D99S1") && Contains("MH transformation of the equal model") &&
                 Contains("R(M) = 0.06 exceeds the largest rate 0.03 "));
  auto ba = BuildMutationMatrix(locus, Params(MutationModel::kEqual, 0.06, MutationTransform::kBA));
  REQUIRE(ba.status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK_THAT(std::string(ba.status().message()), Contains("BA transformation of the equal model"));
  for (MutationTransform t : {MutationTransform::kMH, MutationTransform::kBA}) {
    auto s = BuildMutationMatrix(locus, Params(MutationModel::kEqual, 0.006, t));
    REQUIRE(s.ok());
    CHECK(Rate(locus, *s) == Approx(0.006).margin(1e-15));  // 1 - sum: absolute rounding ~1e-16
  }
  // A stepwise model without microvariant mutations (rate2 = 0) on a locus with a
  // microvariant: 9.3 cannot be reached from 9, 10, so M has no unique stationary vector.
  const Locus th01 = MakeLocus("TH01", {{"9", 0.3}, {"10", 0.6}, {"9.3", 0.1}});
  auto reducible = BuildMutationMatrix(th01, Params(MutationModel::kStepwise, 0.01, MutationTransform::kPM));
  REQUIRE(reducible.status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK_THAT(std::string(reducible.status().message()),
             Contains("locus TH01") && Contains("PM transformation of the stepwise model") &&
                 Contains("no unique stationary distribution"));
}

TEST_CASE("The identity stays the identity under every transform", "[stats][mutation][transform]") {
  // R(M) = 0: the formulas would divide 0 by 0; every method returns M = I itself.
  const Locus locus = MakeLocus("L3", {{"10", 0.5}, {"11", 0.3}, {"12", 0.2}});
  const Locus single = MakeLocus("L1", {{"10", 1.0}});
  for (MutationTransform t : kAllTransforms) {
    INFO(MutationTransformName(t));
    for (MutationModel model : {MutationModel::kEqual, MutationModel::kProportional, MutationModel::kStepwise}) {
      auto s = BuildMutationMatrix(locus, Params(model, 0, t));
      REQUIRE(s.ok());
      RequireMatrix(*s, {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}});
      auto one = BuildMutationMatrix(single, Params(model, 0.01, t));
      REQUIRE(one.ok());
      RequireMatrix(*one, {{1}});
    }
    auto none = BuildMutationMatrix(locus, Params(MutationModel::kNone, 0, t));
    REQUIRE(none.ok());
    RequireMatrix(*none, {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}});
  }
}

TEST_CASE("Transformed matrices equal pedmut's (matrices.csv) to 1e-12", "[stats][mutation][transform][golden]") {
  // Tolerance: the vectors print 17 significant digits, and the transforms take a few
  // dozen floating-point operations per entry (PM: an LU solve of a <= 30 x 30 system of
  // condition ~ 1/rate), so entries agree to ~1e-15; 1e-12 absolute (relative 1e-10 for
  // the entries below 1e-2) leaves room for a different summation order and fails on any
  // formula error (the smallest transformed entries differ from the untransformed ones
  // by far more than that).
  const AlleleFreqTable table = ReadTable();
  std::map<std::string, std::map<std::pair<std::string, std::string>, double>> want;  // key -> (from,to) -> prob
  for (auto& r : ReadCsv(kDir + "matrices.csv"))
    want[r["locus"] + "," + r["model"] + "," + r["method"]][{r["from"], r["to"]}] = std::stod(r["prob"]);
  REQUIRE(want.size() == 26);
  int entries = 0;
  double max_abs = 0;
  for (auto& [key, probs] : want) {
    INFO(key);
    const std::vector<std::string> f = Split(key, ',');
    const Locus* locus = table.Find(CanonicalLocusName(f[0]));
    REQUIRE(locus != nullptr);
    auto transform = ParseMutationTransform(f[2]);
    REQUIRE(transform.ok());
    auto s = BuildMutationMatrix(*locus, VectorParams(f[1], *transform));
    REQUIRE(s.ok());
    const int n = locus->allele_ct();
    REQUIRE(static_cast<int>(probs.size()) == n * n);
    for (auto& [from_to, prob] : probs) {
      const int i = locus->FindAllele(from_to.first), j = locus->FindAllele(from_to.second);
      REQUIRE(i >= 0);
      REQUIRE(j >= 0);
      INFO(from_to.first << " -> " << from_to.second);
      REQUIRE((*s)(i, j) == Approx(prob).margin(1e-12).epsilon(prob < 1e-2 ? 1e-10 : 0));
      max_abs = std::max(max_abs, std::fabs((*s)(i, j) - prob));
      ++entries;
    }
  }
  CHECK(entries == 2220);
  INFO("largest difference " << max_abs);
  CHECK(max_abs < 1e-13);  // measured: 2.5e-14
}

TEST_CASE("Transformed matrices are stationary, reversible (MH, BA, PR) and keep the rate",
          "[stats][mutation][transform]") {
  // Every locus of the table (normalised: the properties assume sum p = 1, which makes the
  // rows of M sum to 1), every model, every method the locus allows.
  AlleleFreqTable table = ReadTable();
  table.Normalize();
  const MutationParams models[] = {
      Params(MutationModel::kEqual, 0.005, MutationTransform::kNone),
      Params(MutationModel::kProportional, 0.005, MutationTransform::kNone),
      Params(MutationModel::kStepwise, 0.005, MutationTransform::kNone, 1e-6, 0.1),
      Params(MutationModel::kExtendedStepwise, 0.002, MutationTransform::kNone, 1e-4, 0.5),
  };
  std::map<std::string, int> accepted;
  double worst_stationary = 0, worst_reversible = 0;
  for (const Locus& locus : table.loci()) {
    const int n = locus.allele_ct();
    for (MutationParams params : models) {
      auto m = BuildMutationMatrix(locus, params);
      REQUIRE(m.ok());
      const double rate_m = Rate(locus, *m);
      for (MutationTransform t : kAllTransforms) {
        params.transform = t;
        INFO(locus.name() << " " << MutationModelName(params.model) << " " << MutationTransformName(t));
        auto s = BuildMutationMatrix(locus, params);
        if (!s.ok()) {
          REQUIRE(s.status().code() == absl::StatusCode::kFailedPrecondition);
          REQUIRE((t == MutationTransform::kPM || t == MutationTransform::kPR));
          CHECK_THAT(std::string(s.status().message()), Contains("locus " + locus.name()));
          continue;
        }
        ++accepted[MutationTransformName(t)];
        for (int i = 0; i < n; ++i) {
          double row = 0;
          for (int j = 0; j < n; ++j) {
            REQUIRE((*s)(i, j) >= 0);
            row += (*s)(i, j);
          }
          REQUIRE(row == Approx(1).margin(1e-12));
        }
        for (int j = 0; j < n; ++j) {  // (p S)_j = p_j
          double ps = 0;
          for (int i = 0; i < n; ++i) ps += locus.freq(i) * (*s)(i, j);
          REQUIRE(ps == Approx(locus.freq(j)).margin(1e-12));
          worst_stationary = std::max(worst_stationary, std::fabs(ps - locus.freq(j)) / locus.freq(j));
        }
        if (t != MutationTransform::kPM)
          for (int i = 0; i < n; ++i)
            for (int j = 0; j < i; ++j) {  // p_i S_ij = p_j S_ji
              const double a = locus.freq(i) * (*s)(i, j), b = locus.freq(j) * (*s)(j, i);
              REQUIRE(a == Approx(b).epsilon(1e-12).margin(1e-300));
              if (a > 0) worst_reversible = std::max(worst_reversible, std::fabs(a - b) / a);
            }
        REQUIRE(Rate(locus, *s) == Approx(rate_m).epsilon(1e-12));
      }
    }
  }
  INFO("worst relative stationarity error " << worst_stationary << ", reversibility " << worst_reversible);
  CHECK(worst_stationary < 1e-10);  // measured: 1.1e-12 (p_j down to 5e-5)
  CHECK(worst_reversible < 1e-13);  // measured: 5e-16
  // MH and BA exist at every locus for every model; PM and PR for some.
  CHECK(accepted["MH"] == 4 * table.locus_ct());
  CHECK(accepted["BA"] == 4 * table.locus_ct());
  CHECK(accepted["PM"] > 0);
  CHECK(accepted["PR"] > 0);
}

TEST_CASE("Every stabilised validation case matches the R pedsuite through the pedigree engine",
          "[stats][mutation][transform][golden][pedigree]") {
  auto cases = ReadCsv(kDir + "cases.csv");
  std::map<std::string, std::map<std::string, std::string>> per_locus;  // case -> locus -> log10_lr
  for (auto& r : ReadCsv(kDir + "per_locus.csv")) per_locus[r["case_id"]][CanonicalLocusName(r["locus"])] = r["log10_lr"];
  Diagnostics ignored;
  auto all_records = ReadProfileRecords(kDir + "profiles.csv", &ignored);
  REQUIRE(all_records.ok());

  int checked = 0, loci_checked = 0, refusals_checked = 0;
  double worst = 0, worst_total = 0;  // largest |log10 LR - vector| per locus, per case
  for (auto& c : cases) {
    INFO("case " << c["case_id"] << " " << c["h1_ped"] << " " << c["mut_model"] << " " << c["stabilization"]);
    Pedigree h1 = ReadHypothesis(c["h1_ped"]);
    Pedigree h2 = ReadHypothesis(c["h2_ped"]);
    const auto typed = testing::ParseTyped(c["typed"]);
    Diagnostics diag;
    auto table = ReadAlleleFreqs(kDir + c["freq_file"], &diag);
    REQUIRE(table.ok());
    const ProfileSet profiles = testing::CaseProfiles(*all_records, typed, &*table);

    auto transform = ParseMutationTransform(c["stabilization"]);
    REQUIRE(transform.ok());
    auto model = ParseMutationModel(c["mut_model"]);
    REQUIRE(model.ok());
    MutationSpec mut;
    mut.male = mut.female = Params(*model, std::stod(c["mut_rate"]), *transform, std::stod(c["mut_rate2"]),
                                   std::stod(c["mut_range"]));
    std::set<std::string> refused;
    for (const std::string& name : Split(c["loci_refused"], '|')) refused.insert(CanonicalLocusName(name));

    // The whole table is refused exactly when some locus is, naming the first in table order.
    auto all_models = BuildPedigreeModels(*table, mut, std::stod(c["theta"]));
    REQUIRE(all_models.ok() == refused.empty());

    double total = 0;
    int used = 0;
    std::set<std::string> refused_here;
    for (int l = 0; l < table->locus_ct(); ++l) {
      const std::string& name = table->locus(l).name();
      INFO("locus " << name);
      AlleleFreqTable one;
      one.AddLocus(table->locus(l));
      auto models = BuildPedigreeModels(one, mut, std::stod(c["theta"]));
      if (!models.ok()) {
        refused_here.insert(name);
        REQUIRE(models.status().code() == absl::StatusCode::kFailedPrecondition);
        const std::string msg(models.status().message());
        CHECK_THAT(msg, Contains("locus " + name + ": the " + c["stabilization"] + " transformation of the " +
                                 c["mut_model"] + " model does not exist"));
        if (refused_here.size() == 1) CHECK(all_models.status() == models.status());
        REQUIRE(per_locus[c["case_id"]][name] == "NA");
        ++refusals_checked;
        continue;
      }
      std::vector<GenotypeIdx> g1(h1.size(), kUntyped), g2(h2.size(), kUntyped);
      for (auto& [member, sample] : typed) {
        GenotypeIdx g = profiles.genotype(l, profiles.FindSample(sample));
        g1[h1.Find(member)] = g;
        g2[h2.Find(member)] = g;
      }
      auto l1 = PedigreeLikelihood(h1, g1, (*models)[0]);
      auto l2 = PedigreeLikelihood(h2, g2, (*models)[0]);
      REQUIRE(l1.ok());
      REQUIRE(l2.ok());
      REQUIRE(*l2 > 0);
      const double log10_lr = std::log10(*l1 / *l2);
      REQUIRE(per_locus[c["case_id"]].count(name) == 1);
      CheckLog10(log10_lr, ParseLog10(per_locus[c["case_id"]][name]));
      worst = std::max(worst, std::fabs(log10_lr - ParseLog10(per_locus[c["case_id"]][name])));
      total += log10_lr;
      ++used;
      ++loci_checked;
    }
    CHECK(refused_here == refused);
    CHECK(used == std::stoi(c["n_loci_used"]));
    CheckLog10(total, ParseLog10(c["log10_lr"]));
    worst_total = std::max(worst_total, std::fabs(total - ParseLog10(c["log10_lr"])));
    ++checked;
  }
  CHECK(checked == 30);
  CHECK(loci_checked == 30 * 22 - refusals_checked);
  CHECK(refusals_checked > 100);
  INFO("largest difference per locus " << worst << ", per case " << worst_total);
  CHECK(worst_total < 1e-9);
}
