// Hand-derived tests of the engine's factor algebra (stats/eliminator.h), without
// pedigrees: products, elimination, transmission factors, the size limit and rescaling.
#include "stats/eliminator.h"

#include <cmath>
#include <vector>

#include <catch2/catch.hpp>

#include "absl/status/status.h"
#include "kinship/mutation.h"

using kinship::MutationMatrix;
using kinship::ScaledTable;
using kinship::internal::Eliminator;
using kinship::internal::Rescale;
using kinship::internal::ScaledSum;

namespace {

ScaledTable RunOk(Eliminator* e, const std::vector<int>& keep) {
  auto t = e->Run(keep);
  INFO(t.status().ToString());
  REQUIRE(t.ok());
  return *t;
}

}  // namespace

TEST_CASE("Eliminator: a two-variable chain", "[eliminator]") {
  // P(x0) = (0.3, 0.7), P(x1 | x0) = [[0.9, 0.1], [0.2, 0.8]]:
  // P(x1 = 0) = 0.3*0.9 + 0.7*0.2 = 0.41, P(x1 = 1) = 0.3*0.1 + 0.7*0.8 = 0.59.
  const double prior[2] = {0.3, 0.7};
  const double cond[2][2] = {{0.9, 0.1}, {0.2, 0.8}};
  auto build = [&](Eliminator* e) {
    e->Add({0}, [&](const std::vector<int>& x) { return prior[x[0]]; });
    e->Add({0, 1}, [&](const std::vector<int>& x) { return cond[x[0]][x[1]]; });
  };
  Eliminator e({2, 2}, 1 << 20);
  build(&e);
  const ScaledTable t = RunOk(&e, {1});
  REQUIRE(t.mantissa.size() == 2);
  // The largest entry, 0.59, is in [1/2, 1) already: no scale.
  CHECK(t.log2_scale == 0);
  CHECK(t.mantissa[0] == Approx(0.41).epsilon(1e-15));
  CHECK(t.mantissa[1] == Approx(0.59).epsilon(1e-15));
  // Everything summed out: 1 = 0.5 * 2^1.
  Eliminator all({2, 2}, 1 << 20);
  build(&all);
  const ScaledTable one = RunOk(&all, {});
  REQUIRE(one.mantissa.size() == 1);
  CHECK(one.mantissa[0] == Approx(0.5).epsilon(1e-15));
  CHECK(one.log2_scale == 1);
  CHECK(one.Linear(0) == Approx(1).epsilon(1e-15));
  // Keeping both: the joint table, row-major with the last variable fastest:
  // (0.27, 0.03, 0.14, 0.56), scaled by 2^0.
  Eliminator both({2, 2}, 1 << 20);
  build(&both);
  const ScaledTable joint = RunOk(&both, {0, 1});
  REQUIRE(joint.mantissa.size() == 4);
  CHECK(joint.log2_scale == 0);
  CHECK(joint.mantissa[0] == Approx(0.27).epsilon(1e-15));
  CHECK(joint.mantissa[1] == Approx(0.03).epsilon(1e-15));
  CHECK(joint.mantissa[2] == Approx(0.14).epsilon(1e-15));
  CHECK(joint.mantissa[3] == Approx(0.56).epsilon(1e-15));
}

TEST_CASE("Eliminator: a repeated variable takes one value", "[eliminator]") {
  // f(x0, x0) only ever sees equal arguments: 1 on each of 3 values, so P(x0) = (1, 1, 1)
  // = 0.5 * 2^1 each.
  Eliminator e({3}, 1 << 20);
  e.Add({0, 0}, [](const std::vector<int>& x) { return x[0] == x[1] ? 1.0 : 100.0; });
  const ScaledTable t = RunOk(&e, {0});
  REQUIRE(t.mantissa.size() == 3);
  CHECK(t.log2_scale == 1);
  for (double m : t.mantissa) CHECK(m == 0.5);
}

TEST_CASE("Eliminator: a loop is exact", "[eliminator]") {
  // [x0 = x1] [x1 = x2] [x2 = x0] over binary variables: two assignments satisfy all three.
  Eliminator e({2, 2, 2}, 1 << 20);
  auto eq = [](const std::vector<int>& x) { return x[0] == x[1] ? 1.0 : 0.0; };
  e.Add({0, 1}, eq);
  e.Add({1, 2}, eq);
  e.Add({0, 2}, eq);
  const ScaledTable t = RunOk(&e, {});
  CHECK(t.Linear(0) == 2);
  // Constant factors multiply in: 0.25 * 2 = 0.5.
  Eliminator c({2, 2, 2}, 1 << 20);
  c.Add({0, 1}, eq);
  c.Add({1, 2}, eq);
  c.Add({0, 2}, eq);
  c.Add({}, [](const std::vector<int>&) { return 0.25; });
  CHECK(RunOk(&c, {}).Linear(0) == 0.5);
}

TEST_CASE("Eliminator: transmission factors", "[eliminator]") {
  // Parents' alleles a, b drawn from p = (0.25, 0.75); the child c receives a or b with
  // probability 1/2 each. Without mutation P(c = x) = p_x; through M = [[0.9, 0.1],
  // [0.3, 0.7]], P(c) = p M = (0.25*0.9 + 0.75*0.3, 0.25*0.1 + 0.75*0.7) = (0.45, 0.55).
  const std::vector<int> both = {0, 1};
  const double p[2] = {0.25, 0.75};
  MutationMatrix m(2, 2);
  m(0, 0) = 0.9, m(0, 1) = 0.1, m(1, 0) = 0.3, m(1, 1) = 0.7;
  const MutationMatrix* through_m = &m;
  for (const MutationMatrix* matrix : {static_cast<const MutationMatrix*>(nullptr), through_m}) {
    // Fast path (a < b < c) and the general one (the child variable first).
    for (const bool fast : {true, false}) {
      INFO("mutation " << (matrix != nullptr) << " fast " << fast);
      const int a = fast ? 0 : 1, b = fast ? 1 : 2, c = fast ? 2 : 0;
      Eliminator e({2, 2, 2}, 1 << 20);
      for (int v : {a, b}) e.Add({v}, [&](const std::vector<int>& x) { return p[x[0]]; });
      e.AddTransmission(a, b, c, both, both, both, matrix);
      const ScaledTable t = RunOk(&e, {c});
      REQUIRE(t.mantissa.size() == 2);
      const double want0 = matrix ? 0.45 : 0.25, want1 = matrix ? 0.55 : 0.75;
      CHECK(t.Linear(0) == Approx(want0).epsilon(1e-15));
      CHECK(t.Linear(1) == Approx(want1).epsilon(1e-15));
    }
  }
  // Domains are allele indices: a child restricted to allele 1 gives P(c = 1) alone.
  const std::vector<int> only1 = {1};
  Eliminator e({2, 2, 1}, 1 << 20);
  for (int v : {0, 1}) e.Add({v}, [&](const std::vector<int>& x) { return p[x[0]]; });
  e.AddTransmission(0, 1, 2, both, both, only1, &m);
  CHECK(RunOk(&e, {}).Linear(0) == Approx(0.55).epsilon(1e-15));
}

TEST_CASE("Eliminator: the size limit is enforced before allocating", "[eliminator]") {
  // One factor over three binary variables: eliminating any of them needs a product of
  // 8 entries, more than the limit of 4.
  Eliminator e({2, 2, 2}, 4);
  e.Add({0, 1, 2}, [](const std::vector<int>&) { return 1.0; });
  auto t = e.Run({});
  CHECK(t.status().code() == absl::StatusCode::kResourceExhausted);
  // Within the limit: 8 ones sum to 8 = 0.5 * 2^4.
  Eliminator ok({2, 2, 2}, 8);
  ok.Add({0, 1, 2}, [](const std::vector<int>&) { return 1.0; });
  const ScaledTable s = RunOk(&ok, {});
  CHECK(s.mantissa[0] == 0.5);
  CHECK(s.log2_scale == 4);
}

TEST_CASE("Eliminator: rescaling keeps a product far below the smallest double", "[eliminator]") {
  // 40 independent binary variables, each with weight 1e-10 on both values: the total is
  // (2e-10)^40 = 10^(40 log10(2e-10)) ~ 1e-388, below the smallest double.
  constexpr int kVarCt = 40;
  Eliminator e(std::vector<int>(kVarCt, 2), 1 << 20);
  for (int v = 0; v < kVarCt; ++v) e.Add({v}, [](const std::vector<int>&) { return 1e-10; });
  const ScaledTable t = RunOk(&e, {});
  CHECK(t.Linear(0) == 0);  // underflows
  CHECK(t.Log10(0) == Approx(kVarCt * std::log10(2e-10)).epsilon(1e-12));
  CHECK(t.mantissa[0] >= 0.5);
  CHECK(t.mantissa[0] < 1);
}

TEST_CASE("Rescale and ScaledSum", "[eliminator]") {
  // Rescale: the largest entry brought into [1/2, 1) by a power of two: 6 = 0.75 * 2^3.
  std::vector<double> t = {6, 3, 0};
  CHECK(Rescale(&t) == 3);
  CHECK(t == std::vector<double>{0.75, 0.375, 0});
  std::vector<double> zero = {0, 0};
  CHECK(Rescale(&zero) == 0);
  std::vector<double> inf = {INFINITY, 1};
  CHECK(Rescale(&inf) == 0);
  CHECK(inf[1] == 1);
  // ScaledSum: 0.75 * 2^3 + 0.5 * 2^1 = 6 + 1 = 7 = 0.875 * 2^3.
  ScaledSum s;
  s.Add(0.75, 3);
  s.Add(0.5, 1);
  CHECK(s.mantissa() == 0.875);
  CHECK(s.log2_scale() == 3);
  // Terms far outside double's range: 2^-5000 + 2^-5000 = 2^-4999 = 0.5 * 2^-4998.
  ScaledSum tiny;
  tiny.Add(1, -5000);
  tiny.Add(1, -5000);
  CHECK(tiny.mantissa() == 0.5);
  CHECK(tiny.log2_scale() == -4998);
  ScaledSum nan;
  nan.Add(NAN, 0);
  CHECK(std::isnan(nan.mantissa()));
}
