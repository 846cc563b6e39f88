// kinship lr --trios: the paternity index with the other parent known. Checked against hand
// derivations (Evett & Weir 1998, ch. 9), against the same question written as a pedigree case
// (--pedigrees --cases, to 1e-12: the trio is that case), and, for duos, against the pairwise
// parent-child calculator (an independent code path) to 1e-12.
#include <cmath>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "kinship/lr.h"
#include "test_util.h"

using namespace kinship;

namespace {

// One locus L with alleles 10..13: p10 = 0.1, p11 = 0.2, p12 = 0.3, p13 = 0.4.
const char kFreqs[] = "locus,allele,frequency\nL,10,0.1\nL,11,0.2\nL,12,0.3\nL,13,0.4\n";
constexpr double p10 = 0.1, p11 = 0.2, p12 = 0.3;

std::string Profiles(const std::string& af, const std::string& ch, const std::string& mo) {
  auto row = [](const std::string& id, const std::string& g) {
    const size_t slash = g.find('/');
    return id + ",L," + g.substr(0, slash) + "," + g.substr(slash + 1) + "\n";
  };
  return "sample_id,locus,allele1,allele2\n" + row("AF", af) + row("CH", ch) + row("MO", mo);
}

LrRequest Trio(const testing::TempDir& dir, const std::string& profiles, const std::string& trios) {
  LrRequest req;
  req.model.freqs_path = dir.Write("freqs.csv", kFreqs);
  req.model.normalize_freqs = false;
  req.profiles = {ProfileSource::File(dir.Write("profiles.csv", profiles))};
  req.trios_path = dir.Write("trios.csv", trios);
  return req;
}

double Log10Lr(const LrRequest& req) {
  Diagnostics diag;
  auto r = ComputeLrs(req, &diag);
  INFO(r.status().ToString());
  REQUIRE(r.ok());
  REQUIRE(r->rows.size() == 1);
  return r->rows[0].log10_lr;
}

}  // namespace

TEST_CASE("Trios: the paternity index by hand", "[trios]") {
  testing::TempDir dir;
  const std::string trio = "alleged_parent,child,known_parent\nAF,CH,MO\n";
  // Mother 10/11, child 10/12: the paternal allele is 12. H1: the father passes 12 with
  // probability 1/2 (AF 12/13) or 1 (AF 12/12); H2: a random man passes 12 with p12. The
  // mother's transmission of 10 (1/2) is common to both. PI = 1/(2 p12), 1/p12.
  CHECK(Log10Lr(Trio(dir, Profiles("12/13", "10/12", "10/11"), trio)) ==
        Approx(std::log10(1 / (2 * p12))).epsilon(1e-12));
  CHECK(Log10Lr(Trio(dir, Profiles("12/12", "10/12", "10/11"), trio)) ==
        Approx(std::log10(1 / p12)).epsilon(1e-12));
  // Mother 10/11, child 10/11 (either allele may be paternal): H1 with AF 11/12:
  // P(C | M, AF) = 1/2 * 1/2 (mother 10, father 11) + 1/2 * 0 (mother 11, father 10) = 1/4;
  // H2: 1/2 p11 + 1/2 p10. PI = (1/4) / ((p10 + p11) / 2) = 1 / (2 (p10 + p11)).
  CHECK(Log10Lr(Trio(dir, Profiles("11/12", "10/11", "10/11"), trio)) ==
        Approx(std::log10(1 / (2 * (p10 + p11)))).epsilon(1e-12));
  // An exclusion without mutation.
  CHECK(Log10Lr(Trio(dir, Profiles("13/13", "10/12", "10/11"), trio)) == -INFINITY);
}

TEST_CASE("Trios: mutation by hand, with the sexes' rates", "[trios]") {
  testing::TempDir dir;
  // Equal model over n = 4 alleles, male rate r = 0.002, female rate s = 0.001:
  // M(i -> j) = r/3 for j != i, 1 - r for j = i. Mother 10/11, child 10/12, AF 13/13.
  // H1: P(C | M, AF) = P(mother gives 10) P(father gives 12) + P(mother gives 12) P(father 10)
  //   mother gives 10: (M(10->10) + M(11->10))/2 = (1 - s + s/3)/2; mother gives 12: s/3;
  //   father gives 12 or 10: r/3 each.
  // H2: the father is an untyped founder whose allele i (drawn from p) is mutated too (the
  //   exact model, docs/model.md): he gives j with q_j = p_j (1 - r) + (1 - p_j) r/3, and
  //   P(C | M) = (1 - s + s/3)/2 q12 + s/3 q10.
  const double r = 0.002, s = 0.001;
  auto q = [](double p, double rate) { return p * (1 - rate) + (1 - p) * rate / 3; };
  const double m10 = (1 - s + s / 3) / 2, m12 = s / 3;
  const double pi = (m10 * r / 3 + m12 * r / 3) / (m10 * q(p12, r) + m12 * q(p10, r));
  LrRequest req = Trio(dir, Profiles("13/13", "10/12", "10/11"), "alleged_parent,child,known_parent,sex\nAF,CH,MO,male\n");
  req.model.mutation_model = MutationModel::kEqual;
  req.model.mutation_rate = r;
  req.model.mutation_rate_female = s;
  CHECK(Log10Lr(req) == Approx(std::log10(pi)).epsilon(1e-12));
  Diagnostics diag;
  auto res = ComputeLrs(req, &diag);
  REQUIRE(res.ok());
  CHECK(res->trios);
  CHECK(res->rows[0].key == std::vector<std::string>{"AF", "CH", "MO"});
  CHECK(res->rows[0].loci_inconsistent == 1);
  // Maternity: the same trio with the alleged parent female swaps the rates (the known parent
  // is then the father, the untyped parent of H2 a mother).
  req.trios_path = dir.Write("trios_f.csv", "alleged_parent,child,known_parent,sex\nAF,CH,MO,female\n");
  const double f10 = (1 - r + r / 3) / 2, f12 = r / 3;
  const double mi = (f10 * s / 3 + f12 * s / 3) / (f10 * q(p12, s) + f12 * q(p10, s));
  CHECK(Log10Lr(req) == Approx(std::log10(mi)).epsilon(1e-12));
  // No sex and no Amelogenin with the sexes' rates differing: an error naming the row.
  req.trios_path = dir.Write("trios_nosex.csv", "alleged_parent,child,known_parent\nAF,CH,MO\n");
  auto bad = ComputeLrs(req, &diag);
  testing::CheckError(bad.status(), absl::StatusCode::kFailedPrecondition, testing::At(req.trios_path, 2), "sex");
}

TEST_CASE("Trios equal the pedigree case, with theta and stepwise mutation", "[trios]") {
  testing::TempDir dir;
  for (const char* af : {"12/13", "11/13", "10/10"}) {
    for (double theta : {0.0, 0.03}) {
      LrRequest trio = Trio(dir, Profiles(af, "10/12", "10/11"), "alleged_parent,child,known_parent,sex\nAF,CH,MO,male\n");
      trio.model.theta = theta;
      trio.model.mutation_model = MutationModel::kStepwise;
      trio.model.mutation_rate = 0.003;
      trio.model.mutation_rate_female = 0.001;
      trio.model.mutation_range = 0.2;
      LrRequest ped = trio;
      ped.trios_path.clear();
      ped.pedigrees_path = dir.Write("peds.csv",
                                     "family,id,father,mother,sex,sample_id,missing\n"
                                     "F,father,0,0,1,,1\nF,mother,0,0,2,MO,0\nF,child,father,mother,0,CH,0\n");
      ped.cases_path = dir.Write("cases.csv", "family,missing_id,sample_id\nF,father,AF\n");
      INFO(af << " theta " << theta);
      const double t = Log10Lr(trio), p = Log10Lr(ped);
      CHECK(std::isfinite(t));
      CHECK(std::abs(t - p) <= 1e-12);
    }
  }
}

// With theta and mutation together the two differ by design: the pedigree's H2 draws the
// child's alleles as mutated founder alleles, which share the Balding-Nichols urn with the
// alleged parent before mutation, where the pairwise calculator's "unrelated" draws the child's
// alleles from the urn directly (docs/model.md, "Paternity trios").
TEST_CASE("Duos equal the pairwise parent-child LR", "[trios]") {
  testing::TempDir dir;
  for (const char* af : {"12/13", "10/12", "12/12"}) {
    for (double theta : {0.0, 0.02}) {
      LrRequest duo = Trio(dir, Profiles(af, "10/12", "10/11"), "alleged_parent,child,sex\nAF,CH,male\n");
      duo.model.theta = theta;
      if (theta == 0) {
        duo.model.mutation_model = MutationModel::kProportional;
        duo.model.mutation_rate = 0.002;
      }
      LrRequest pair = duo;
      pair.trios_path.clear();
      pair.pairs = {PairQuery::Of("AF", "CH", "parent-child")};
      pair.pairs[0].sex1 = "male";
      INFO(af << " theta " << theta);
      CHECK(std::abs(Log10Lr(duo) - Log10Lr(pair)) <= 1e-12);
    }
  }
}

TEST_CASE("Trios: bad rows are errors naming the line", "[trios]") {
  testing::TempDir dir;
  const std::string profiles = Profiles("12/13", "10/12", "10/11");
  Diagnostics diag;
  LrRequest req = Trio(dir, profiles, "alleged_parent,child,known_parent\nAF,CH,XX\n");
  testing::CheckError(ComputeLrs(req, &diag).status(), absl::StatusCode::kFailedPrecondition,
                      testing::At(req.trios_path, 2), "'XX' is in no profile file");
  req = Trio(dir, profiles, "alleged_parent,child,known_parent\nAF,CH,AF\n");
  testing::CheckError(ComputeLrs(req, &diag).status(), absl::StatusCode::kInvalidArgument,
                      testing::At(req.trios_path, 2), "appears twice");
  req = Trio(dir, profiles, "alleged_parent,child,known_parent,sex\nAF,CH,MO,x\n");
  testing::CheckError(ComputeLrs(req, &diag).status(), absl::StatusCode::kInvalidArgument,
                      testing::At(req.trios_path, 2), "expected male or female");
  req = Trio(dir, profiles, "alleged_parent,child,known_parent\nAF,CH,MO\nAF,CH,MO\n");
  testing::CheckError(ComputeLrs(req, &diag).status(), absl::StatusCode::kInvalidArgument,
                      testing::At(req.trios_path, 3), "given twice");
  req = Trio(dir, profiles, "alleged,child\nAF,CH\n");
  testing::CheckError(ComputeLrs(req, &diag).status(), absl::StatusCode::kInvalidArgument,
                      testing::At(req.trios_path, 1), "alleged_parent");
}
