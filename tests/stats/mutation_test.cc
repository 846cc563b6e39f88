#include <catch2/catch.hpp>

// Mutation matrices (kinship/mutation.h) against hand computation on small loci.
// Every expected entry is written out from the model definitions in mutation.h (the
// pedmut / Familias parameterisation) with the locus' frequencies, never taken from
// the library.
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "kinship/locus.h"
#include "kinship/mutation.h"

using namespace kinship;
using Catch::Matchers::Contains;

namespace {

constexpr double kEps = 1e-12;

Locus MakeLocus(const std::string& name,
                const std::vector<std::pair<std::string, double>>& alleles) {
  Locus locus(name);
  for (const auto& [label, f] : alleles) locus.AddAllele(label, f);
  return locus;
}

// The small locus of most tests: alleles 9, 10, 11, 9.3 (indices 0..3).
constexpr double p9 = 0.2, p10 = 0.3, p11 = 0.4, p93 = 0.1;
Locus SmallLocus() {
  return MakeLocus("TH01", {{"9", p9}, {"10", p10}, {"11", p11}, {"9.3", p93}});
}

MutationParams Params(MutationModel model, double rate, double rate2 = 0, double range = 0.5) {
  MutationParams p;
  p.model = model;
  p.rate = rate;
  p.rate2 = rate2;
  p.range = range;
  return p;
}

void RequireRowsSumToOne(const MutationMatrix& m) {
  for (int i = 0; i < m.rows(); ++i) {
    double s = 0;
    for (int j = 0; j < m.cols(); ++j) {
      REQUIRE(m(i, j) >= 0);
      s += m(i, j);
    }
    REQUIRE(s == Approx(1.0).epsilon(kEps));
  }
}

void RequireMatrix(const MutationMatrix& m, const std::vector<std::vector<double>>& want) {
  REQUIRE(m.rows() == static_cast<int>(want.size()));
  REQUIRE(m.cols() == static_cast<int>(want.size()));
  for (int i = 0; i < m.rows(); ++i)
    for (int j = 0; j < m.cols(); ++j) {
      INFO("M[" << i << "][" << j << "]");
      if (want[i][j] == 0) {
        REQUIRE(m(i, j) == Approx(0.0).margin(1e-15));
      } else {
        REQUIRE(m(i, j) == Approx(want[i][j]).epsilon(kEps));
      }
    }
}

void RequireIdentity(const MutationMatrix& m, int n) {
  REQUIRE(m.rows() == n);
  REQUIRE(m.cols() == n);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) REQUIRE(m(i, j) == (i == j ? 1.0 : 0.0));
}

}  // namespace

TEST_CASE("Equal model: rate/(n-1) off the diagonal, 1 - rate on it", "[stats][mutation]") {
  // n = 4 alleles, rate r: M[i][j] = r/3 (j != i), M[i][i] = 1 - r. Rows sum to
  // (1 - r) + 3 r/3 = 1. The expected mutation rate sum_i p_i (1 - M[i][i]) is r.
  const double r = 0.003;
  auto m = BuildMutationMatrix(SmallLocus(), Params(MutationModel::kEqual, r));
  REQUIRE(m.ok());
  const double off = r / 3, diag = 1 - r;
  RequireMatrix(*m, {{diag, off, off, off},
                     {off, diag, off, off},
                     {off, off, diag, off},
                     {off, off, off, diag}});
  RequireRowsSumToOne(*m);
  const double p[] = {p9, p10, p11, p93};
  double expected_rate = 0;
  for (int i = 0; i < 4; ++i) expected_rate += p[i] * (1 - (*m)(i, i));
  REQUIRE(expected_rate == Approx(r).epsilon(kEps));

  // Labels need not be repeat numbers for the equal model.
  Locus named = MakeLocus("X", {{"OL", 0.5}, {"<8", 0.25}, {"12", 0.25}});
  auto m2 = BuildMutationMatrix(named, Params(MutationModel::kEqual, 0.01));
  REQUIRE(m2.ok());
  RequireMatrix(*m2, {{0.99, 0.005, 0.005}, {0.005, 0.99, 0.005}, {0.005, 0.005, 0.99}});
}

TEST_CASE("Proportional model: a p_j off the diagonal, stationary, expected rate = rate",
          "[stats][mutation]") {
  // h = sum_k p_k (1 - p_k) = 0.2*0.8 + 0.3*0.7 + 0.4*0.6 + 0.1*0.9 = 0.7;
  // a = rate / h; M[i][j] = a p_j (j != i); M[i][i] = 1 - a + a p_i.
  const double r = 0.0035;
  const double h = p9 * (1 - p9) + p10 * (1 - p10) + p11 * (1 - p11) + p93 * (1 - p93);
  REQUIRE(h == Approx(0.7).epsilon(kEps));
  const double a = r / h;  // 0.005
  auto m = BuildMutationMatrix(SmallLocus(), Params(MutationModel::kProportional, r));
  REQUIRE(m.ok());
  RequireMatrix(*m, {{1 - a + a * p9, a * p10, a * p11, a * p93},
                     {a * p9, 1 - a + a * p10, a * p11, a * p93},
                     {a * p9, a * p10, 1 - a + a * p11, a * p93},
                     {a * p9, a * p10, a * p11, 1 - a + a * p93}});
  RequireRowsSumToOne(*m);
  // Stationarity: (p M)_j = sum_i p_i a p_j + p_j (1 - a) = a p_j + p_j - a p_j = p_j.
  const double p[] = {p9, p10, p11, p93};
  for (int j = 0; j < 4; ++j) {
    double pm = 0;
    for (int i = 0; i < 4; ++i) pm += p[i] * (*m)(i, j);
    REQUIRE(pm == Approx(p[j]).epsilon(kEps));
  }
  // Expected mutation rate: sum_i p_i (1 - M[i][i]) = a sum_i p_i (1 - p_i) = a h = rate.
  double expected_rate = 0;
  for (int i = 0; i < 4; ++i) expected_rate += p[i] * (1 - (*m)(i, i));
  REQUIRE(expected_rate == Approx(r).epsilon(kEps));
}

TEST_CASE("Proportional model with a rate that needs a > 1 is rejected", "[stats][mutation]") {
  // h = 0.7, so rate 0.8 gives a = 8/7 > 1 (negative diagonal entries).
  auto m = BuildMutationMatrix(SmallLocus(), Params(MutationModel::kProportional, 0.8));
  REQUIRE(m.status().code() == absl::StatusCode::kInvalidArgument);
  REQUIRE_THAT(std::string(m.status().message()), Contains("TH01"));
  // rate 0.6 gives a = 6/7 <= 1: allowed, diagonal 1 - a (1 - p_i) >= 0.
  auto ok = BuildMutationMatrix(SmallLocus(), Params(MutationModel::kProportional, 0.6));
  REQUIRE(ok.ok());
  RequireRowsSumToOne(*ok);
}

TEST_CASE("Stepwise model on 9, 10, 11, 9.3", "[stats][mutation]") {
  // Classes: 9, 10, 11 are class 0; 9.3 is alone in class 3.
  //  * 9:  same-class others 10 (1 step), 11 (2 steps): S = R + R^2;
  //        M[9][10] = rate R / S, M[9][11] = rate R^2 / S; to 9.3 (the one allele of
  //        another class): rate2 / 1; diagonal 1 - rate - rate2.
  //  * 10: others 9 and 11, one step each: S = 2R, M[10][9] = M[10][11] = rate/2;
  //        to 9.3: rate2; diagonal 1 - rate - rate2.
  //  * 11: others 10 (1 step), 9 (2 steps): like 9 mirrored.
  //  * 9.3: alone in its class: to each of the 3 integer alleles rate2/3; diagonal
  //        1 - rate2.
  const double rate = 0.004, rate2 = 0.0005;
  for (double R : {0.5, 0.2, 1.0}) {
    INFO("range " << R);
    auto m = BuildMutationMatrix(SmallLocus(), Params(MutationModel::kStepwise, rate, rate2, R));
    REQUIRE(m.ok());
    const double s9 = R + R * R;
    const double d = 1 - rate - rate2;
    RequireMatrix(*m, {{d, rate * R / s9, rate * R * R / s9, rate2},
                       {rate / 2, d, rate / 2, rate2},
                       {rate * R * R / s9, rate * R / s9, d, rate2},
                       {rate2 / 3, rate2 / 3, rate2 / 3, 1 - rate2}});
    RequireRowsSumToOne(*m);
  }
  // With range 0.5 the 9 row is explicitly: to 10 rate 0.5/0.75 = 2 rate/3, to 11
  // rate 0.25/0.75 = rate/3.
  auto m = BuildMutationMatrix(SmallLocus(), Params(MutationModel::kStepwise, rate, rate2, 0.5));
  REQUIRE(m.ok());
  REQUIRE((*m)(0, 1) == Approx(2 * rate / 3).epsilon(kEps));
  REQUIRE((*m)(0, 2) == Approx(rate / 3).epsilon(kEps));
  REQUIRE((*m)(1, 0) == Approx(rate / 2).epsilon(kEps));
  REQUIRE((*m)(1, 3) == Approx(rate2).epsilon(kEps));
  REQUIRE((*m)(3, 3) == Approx(1 - rate2).epsilon(kEps));
}

TEST_CASE("Stepwise model: microvariants of one class step among themselves", "[stats][mutation]") {
  // Alleles 9, 10, 9.3, 10.3: two classes of two alleles each, one step apart
  // (|9.3 - 10.3| is 1 up to rounding). Each allele: to its class partner rate
  // (R/S with S = R), to each of the 2 alleles of the other class rate2/2, diagonal
  // 1 - rate - rate2.
  Locus locus = MakeLocus("D21S11", {{"9", 0.4}, {"10", 0.3}, {"9.3", 0.2}, {"10.3", 0.1}});
  const double rate = 0.002, rate2 = 0.001;
  auto m = BuildMutationMatrix(locus, Params(MutationModel::kStepwise, rate, rate2, 0.5));
  REQUIRE(m.ok());
  const double d = 1 - rate - rate2, x = rate2 / 2;
  RequireMatrix(*m, {{d, rate, x, x}, {rate, d, x, x}, {x, x, d, rate}, {x, x, rate, d}});
  RequireRowsSumToOne(*m);
}

TEST_CASE("Stepwise model on an all-integer locus: diagonal 1 - rate", "[stats][mutation]") {
  // Alleles 8, 9, 10, 12, all class 0, so rate2 has nowhere to go (m = 0) and the
  // diagonal is 1 - rate even with rate2 > 0. Range R = 0.5:
  //  * 8:  steps 1, 2, 4 to 9, 10, 12: S = R + R^2 + R^4 = 0.8125
  //  * 9:  steps 1, 1, 3 to 8, 10, 12: S = 2R + R^3 = 1.125
  //  * 10: steps 2, 1, 2 to 8, 9, 12:  S = R^2 + R + R^2 = 1
  //  * 12: steps 4, 3, 2 to 8, 9, 10:  S = R^4 + R^3 + R^2 = 0.4375
  Locus locus = MakeLocus("D5S818", {{"8", 0.1}, {"9", 0.2}, {"10", 0.3}, {"12", 0.4}});
  const double rate = 0.003, R = 0.5;
  const double R2 = R * R, R3 = R2 * R, R4 = R3 * R;
  for (double rate2 : {0.0, 0.002}) {
    INFO("rate2 " << rate2);
    auto m = BuildMutationMatrix(locus, Params(MutationModel::kStepwise, rate, rate2, R));
    REQUIRE(m.ok());
    const double s8 = R + R2 + R4, s9 = 2 * R + R3, s10 = R2 + R + R2, s12 = R4 + R3 + R2;
    REQUIRE(s8 == Approx(0.8125).epsilon(kEps));
    const double d = 1 - rate;
    RequireMatrix(*m, {{d, rate * R / s8, rate * R2 / s8, rate * R4 / s8},
                       {rate * R / s9, d, rate * R / s9, rate * R3 / s9},
                       {rate * R2 / s10, rate * R / s10, d, rate * R2 / s10},
                       {rate * R4 / s12, rate * R3 / s12, rate * R2 / s12, d}});
    RequireRowsSumToOne(*m);
  }
}

TEST_CASE("Extended-stepwise is stepwise with rate2 > 0 and rejects rate2 = 0",
          "[stats][mutation]") {
  const double rate = 0.004, rate2 = 0.0005;
  auto step = BuildMutationMatrix(SmallLocus(), Params(MutationModel::kStepwise, rate, rate2, 0.5));
  auto ext =
      BuildMutationMatrix(SmallLocus(), Params(MutationModel::kExtendedStepwise, rate, rate2, 0.5));
  REQUIRE(step.ok());
  REQUIRE(ext.ok());
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j) REQUIRE((*ext)(i, j) == (*step)(i, j));

  auto zero = BuildMutationMatrix(SmallLocus(), Params(MutationModel::kExtendedStepwise, rate, 0, 0.5));
  REQUIRE(zero.status().code() == absl::StatusCode::kInvalidArgument);
  REQUIRE_THAT(std::string(zero.status().message()), Contains("TH01"));
  // Plain stepwise accepts rate2 = 0.
  REQUIRE(BuildMutationMatrix(SmallLocus(), Params(MutationModel::kStepwise, rate, 0, 0.5)).ok());
}

TEST_CASE("Stepwise model errors", "[stats][mutation]") {
  SECTION("an allele that is not a repeat number names the locus and allele") {
    Locus locus = MakeLocus("FGA", {{"20", 0.5}, {"21", 0.3}, {"OL", 0.2}});
    for (MutationModel model : {MutationModel::kStepwise, MutationModel::kExtendedStepwise}) {
      auto m = BuildMutationMatrix(locus, Params(model, 0.002, 0.001, 0.5));
      REQUIRE(m.status().code() == absl::StatusCode::kInvalidArgument);
      const std::string msg(m.status().message());
      REQUIRE_THAT(msg, Contains("FGA"));
      REQUIRE_THAT(msg, Contains("'OL'"));
    }
    // The same locus is fine for the models that ignore labels.
    REQUIRE(BuildMutationMatrix(locus, Params(MutationModel::kEqual, 0.002)).ok());
    REQUIRE(BuildMutationMatrix(locus, Params(MutationModel::kProportional, 0.002)).ok());
  }
  SECTION("rate + rate2 > 1") {
    auto m = BuildMutationMatrix(SmallLocus(), Params(MutationModel::kStepwise, 0.6, 0.5, 0.5));
    REQUIRE(m.status().code() == absl::StatusCode::kInvalidArgument);
    REQUIRE_THAT(std::string(m.status().message()), Contains("TH01"));
  }
  SECTION("range <= 0") {
    for (double range : {0.0, -0.5, std::nan("")}) {
      auto m = BuildMutationMatrix(SmallLocus(), Params(MutationModel::kStepwise, 0.002, 0.001, range));
      REQUIRE(m.status().code() == absl::StatusCode::kInvalidArgument);
      REQUIRE_THAT(std::string(m.status().message()), Contains("TH01"));
    }
  }
  SECTION("rates outside [0, 1]") {
    for (double rate : {-0.001, 1.5, std::nan("")}) {
      for (MutationModel model : {MutationModel::kEqual, MutationModel::kProportional,
                                  MutationModel::kStepwise}) {
        auto m = BuildMutationMatrix(SmallLocus(), Params(model, rate));
        REQUIRE(m.status().code() == absl::StatusCode::kInvalidArgument);
      }
    }
    for (double rate2 : {-0.001, 1.5}) {
      auto m = BuildMutationMatrix(SmallLocus(), Params(MutationModel::kStepwise, 0.001, rate2));
      REQUIRE(m.status().code() == absl::StatusCode::kInvalidArgument);
    }
  }
}

TEST_CASE("Model none and rate 0 give the identity", "[stats][mutation]") {
  // Model none ignores the rates.
  RequireIdentity(*BuildMutationMatrix(SmallLocus(), Params(MutationModel::kNone, 0.3, 0.1)), 4);
  // Equal: 1 - 0 on the diagonal, 0/(n-1) off it.
  RequireIdentity(*BuildMutationMatrix(SmallLocus(), Params(MutationModel::kEqual, 0)), 4);
  // Proportional: a = 0, so M = I.
  RequireIdentity(*BuildMutationMatrix(SmallLocus(), Params(MutationModel::kProportional, 0)), 4);
  // Stepwise with rate = rate2 = 0.
  RequireIdentity(*BuildMutationMatrix(SmallLocus(), Params(MutationModel::kStepwise, 0, 0)), 4);
  // A single-allele locus has nowhere to mutate to.
  Locus one = MakeLocus("TPOX", {{"8", 1.0}});
  RequireIdentity(*BuildMutationMatrix(one, Params(MutationModel::kEqual, 0.01)), 1);
  RequireIdentity(*BuildMutationMatrix(one, Params(MutationModel::kStepwise, 0.01, 0.001)), 1);
}

TEST_CASE("ParseMutationModel and MutationModelName", "[stats][mutation]") {
  const std::pair<const char*, MutationModel> names[] = {
      {"none", MutationModel::kNone},
      {"equal", MutationModel::kEqual},
      {"proportional", MutationModel::kProportional},
      {"stepwise", MutationModel::kStepwise},
      {"extended-stepwise", MutationModel::kExtendedStepwise}};
  for (const auto& [name, model] : names) {
    auto parsed = ParseMutationModel(name);
    REQUIRE(parsed.ok());
    REQUIRE(*parsed == model);
    REQUIRE(std::string(MutationModelName(model)) == name);
  }
  for (const char* bad : {"", "Equal", "step", "extended_stepwise", "uniform", "none "}) {
    INFO("'" << bad << "'");
    auto parsed = ParseMutationModel(bad);
    REQUIRE(parsed.status().code() == absl::StatusCode::kInvalidArgument);
    REQUIRE_THAT(std::string(parsed.status().message()), Contains(std::string("'") + bad + "'"));
  }
}

TEST_CASE("MutationSpec::ParamsFor picks the sex and the per-locus rates", "[stats][mutation]") {
  MutationSpec spec;
  REQUIRE_FALSE(spec.enabled());
  spec.male = Params(MutationModel::kStepwise, 0.004, 0.0002, 0.4);
  spec.female = Params(MutationModel::kStepwise, 0.001, 0.0001, 0.6);
  spec.per_locus_rates["FGA"] = LocusRates{0.007, 0.003};
  REQUIRE(spec.enabled());

  MutationParams m = spec.ParamsFor("TH01", Sex::kMale);
  REQUIRE(m.model == MutationModel::kStepwise);
  REQUIRE(m.rate == 0.004);
  REQUIRE(m.rate2 == 0.0002);
  REQUIRE(m.range == 0.4);
  MutationParams f = spec.ParamsFor("TH01", Sex::kFemale);
  REQUIRE(f.rate == 0.001);
  REQUIRE(f.rate2 == 0.0001);
  REQUIRE(f.range == 0.6);

  // Per-locus rates replace `rate` only; rate2, range and model stay the sex's.
  MutationParams mf = spec.ParamsFor("FGA", Sex::kMale);
  REQUIRE(mf.model == MutationModel::kStepwise);
  REQUIRE(mf.rate == 0.007);
  REQUIRE(mf.rate2 == 0.0002);
  REQUIRE(mf.range == 0.4);
  MutationParams ff = spec.ParamsFor("FGA", Sex::kFemale);
  REQUIRE(ff.rate == 0.003);
  REQUIRE(ff.rate2 == 0.0001);
  REQUIRE(ff.range == 0.6);

  // Names are matched as given (canonical names): "fga" is another locus.
  REQUIRE(spec.ParamsFor("fga", Sex::kMale).rate == 0.004);
}

// Issue 13 item 1: range^|x_i - x_k| overflowed for a large range (1e17^20 = inf, inf/inf = NaN)
// and underflowed to 0/0 for a tiny one; every entry was NaN and the LRs with it. The weights
// are now taken relative to the largest, so every row is finite and sums to 1, for any positive
// finite range. (Before the change both sections failed: NaN entries.)
TEST_CASE("Stepwise: extreme ranges give finite rows summing to 1 (no overflow, no 0/0)",
          "[mutation][reliability]") {
  // Wide steps (5 to 40 repeats) so that range^steps leaves the double range either way.
  Locus wide("FGA");
  for (int a : {5, 10, 20, 30, 40}) wide.AddAllele(std::to_string(a), 0.2);
  for (double range : {1e17, 1e300, 1e-17, 1e-300}) {
    INFO("range " << range);
    auto m = BuildMutationMatrix(wide, Params(MutationModel::kStepwise, 0.01, 0, range));
    REQUIRE(m.ok());
    for (int i = 0; i < m->rows(); ++i)
      for (int j = 0; j < m->cols(); ++j) REQUIRE(std::isfinite((*m)(i, j)));
    RequireRowsSumToOne(*m);
  }
  // A range above 1 makes the farthest allele the likeliest: from 5, 40 takes almost all of the rate.
  auto big = BuildMutationMatrix(wide, Params(MutationModel::kStepwise, 0.01, 0, 1e17));
  REQUIRE(big.ok());
  REQUIRE((*big)(0, 4) == Approx(0.01).epsilon(1e-12));
  // Non-finite ranges are refused by the library (the CLI refuses anything above 1).
  for (double range : std::vector<double>{INFINITY, NAN, 0.0, -1.0}) {
    auto bad = BuildMutationMatrix(wide, Params(MutationModel::kStepwise, 0.01, 0, range));
    REQUIRE_FALSE(bad.ok());
    CHECK_THAT(std::string(bad.status().message()), Contains("must be a positive number"));
  }
}
