// The closed-form tables of nuclear families at theta = 0 (stats/nuclear.h, used by
// FamilyTable) against the eliminator: JointWithTarget and PedigreeLikelihood, which never
// take the closed form. Random families (each parent typed or not, 0 to 5 typed children, the
// missing person a child, the father or the mother), random frequencies and genotypes
// (sometimes impossible ones), with and without random mutation matrices (different for the
// two sexes): every entry to 1e-12 relative, exactly 0 where the eliminator's is.
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "kinship/locus.h"
#include "kinship/mutation.h"
#include "kinship/pedigree.h"
#include "kinship/pedigree_lr.h"
#include "stats/random_mutation.h"
#include "stats/nuclear.h"
#include "stats/population.h"

using namespace kinship;
using kinship::testing::RandomMutation;

namespace {


int Add(Pedigree* ped, const std::string& id, int fa, int mo, Sex sex) {
  Person p;
  p.id = id;
  p.father = fa;
  p.mother = mo;
  p.sex = sex;
  return ped->Add(p);
}

}  // namespace

TEST_CASE("Nuclear families at theta 0: closed-form tables equal the eliminator's", "[pedigree][nuclear]") {
  std::mt19937_64 rng(4711);
  int compared = 0, zeros = 0, inconsistent = 0, cases = 0;
  for (int rep = 0; rep < 600; ++rep) {
    const int allele_ct = 2 + static_cast<int>(rng() % 8);
    std::vector<double> freqs;
    std::uniform_real_distribution<double> u(0.01, 1);
    double sum = 0;
    for (int a = 0; a < allele_ct; ++a) freqs.push_back(u(rng)), sum += freqs.back();
    for (double& x : freqs) x /= sum * (rng() % 5 == 0 ? 1.1 : 1.0);  // sometimes not summing to 1
    const bool mutation = rng() % 2 == 0;
    MutationMatrix male, female;
    if (mutation) male = RandomMutation(allele_ct, rng), female = RandomMutation(allele_ct, rng);
    auto model = PedigreeLocusModel::Create(freqs, male, female, 0);
    REQUIRE(model.ok());

    Pedigree ped("N");
    const int fa = Add(&ped, "FA", -1, -1, Sex::kMale), mo = Add(&ped, "MO", -1, -1, Sex::kFemale);
    const int child_ct = static_cast<int>(rng() % 6);
    std::vector<int> kids;
    for (int c = 0; c < child_ct; ++c) kids.push_back(Add(&ped, "C" + std::to_string(c), fa, mo, Sex::kFemale));
    const int which = static_cast<int>(rng() % 3);  // 0: a missing child, 1: father, 2: mother
    int target = which == 1 ? fa : which == 2 ? mo : Add(&ped, "MP", fa, mo, Sex::kMale);
    if (which != 0 && kids.empty()) kids.push_back(Add(&ped, "C", fa, mo, Sex::kMale));
    // Gene dropping, or random genotypes one time in six.
    std::discrete_distribution<int> draw(freqs.begin(), freqs.end());
    std::vector<GenotypeIdx> g(ped.size(), kUntyped);
    const bool random = rng() % 6 == 0;
    const int f1 = draw(rng), f2 = draw(rng), m1 = draw(rng), m2 = draw(rng);
    auto typed = [&](int a, int b) { return GenotypeIndex(std::min(a, b), std::max(a, b)); };
    if (fa != target && rng() % 2) g[fa] = typed(f1, f2);
    if (mo != target && rng() % 2) g[mo] = typed(m1, m2);
    for (int c : kids) {
      const int a = random ? static_cast<int>(rng() % allele_ct) : rng() % 2 ? f1 : f2;
      const int b = random ? static_cast<int>(rng() % allele_ct) : rng() % 2 ? m1 : m2;
      g[c] = typed(a, b);
    }
    INFO("rep " << rep << " alleles " << allele_ct << " mutation " << mutation << " children " << kids.size()
                << " target " << which);
    auto nuc = internal::NuclearFamilyTables(ped, g, target, *model);
    REQUIRE(nuc.has_value());
    auto joint = JointWithTarget(ped, g, target, *model);
    auto refs = PedigreeLikelihood(ped, g, *model);
    REQUIRE(joint.ok());
    REQUIRE(refs.ok());
    CHECK(std::abs(nuc->refs - *refs) <= 1e-12 * *refs);
    if (*refs == 0) {
      CHECK(nuc->refs == 0);
      ++inconsistent;
    }
    for (size_t h = 0; h < joint->size(); ++h) {
      INFO("genotype " << h << ": " << nuc->joint[h] << " vs " << (*joint)[h]);
      if ((*joint)[h] == 0) {
        CHECK(nuc->joint[h] == 0);
        ++zeros;
      } else {
        CHECK(std::abs(nuc->joint[h] - (*joint)[h]) <= 1e-12 * (*joint)[h]);
      }
      ++compared;
    }
    // FamilyTable takes the closed form: its ratios are the eliminator's.
    auto table = FamilyTable(ped, g, target, *model);
    if (*refs == 0) {
      CHECK(table.status().code() == absl::StatusCode::kFailedPrecondition);
    } else {
      REQUIRE(table.ok());
      for (size_t h = 0; h < joint->size(); ++h) {
        const double want = (*joint)[h] / (*refs * internal::HardyWeinberg(freqs, static_cast<GenotypeIdx>(h)));
        CHECK(std::abs((*table)[h] - want) <= 1e-12 * want);
      }
    }
    ++cases;
  }
  CHECK(cases == 600);
  CHECK(compared > 5000);
  CHECK(zeros > 0);
  CHECK(inconsistent > 0);
}

TEST_CASE("Nuclear families: the closed form declines what is not one", "[pedigree][nuclear]") {
  auto model = PedigreeLocusModel::Create({0.5, 0.5}, {}, {}, 0);
  REQUIRE(model.ok());
  Pedigree ped("G");
  const int gf = Add(&ped, "GF", -1, -1, Sex::kMale), gm = Add(&ped, "GM", -1, -1, Sex::kFemale);
  const int fa = Add(&ped, "FA", gf, gm, Sex::kMale), mo = Add(&ped, "MO", -1, -1, Sex::kFemale);
  const int mp = Add(&ped, "MP", fa, mo, Sex::kMale);
  std::vector<GenotypeIdx> g(ped.size(), kUntyped);
  g[gf] = GenotypeIndex(0, 1);
  // A grandparent typed: three generations.
  CHECK_FALSE(internal::NuclearFamilyTables(ped, g, mp, *model).has_value());
  // Untyped grandparents still matter (the father's ancestors): not a nuclear family.
  g[gf] = kUntyped;
  g[mo] = GenotypeIndex(0, 0);
  CHECK_FALSE(internal::NuclearFamilyTables(ped, g, mp, *model).has_value());
  // A founder that matters besides the parents (a typed spouse of nobody kept): declined.
  Pedigree two("T");
  const int f2 = Add(&two, "FA", -1, -1, Sex::kMale), m2 = Add(&two, "MO", -1, -1, Sex::kFemale);
  const int mp2 = Add(&two, "MP", f2, m2, Sex::kMale), other = Add(&two, "X", -1, -1, Sex::kFemale);
  std::vector<GenotypeIdx> g2(two.size(), kUntyped);
  g2[f2] = GenotypeIndex(0, 1);
  CHECK(internal::NuclearFamilyTables(two, g2, mp2, *model).has_value());
  g2[other] = GenotypeIndex(1, 1);
  CHECK_FALSE(internal::NuclearFamilyTables(two, g2, mp2, *model).has_value());
  // theta > 0: not the closed form.
  auto theta = PedigreeLocusModel::Create({0.5, 0.5}, {}, {}, 0.01);
  CHECK_FALSE(internal::NuclearFamilyTables(ped, g, mp, *theta).has_value());
  // Familias' untyped founders with mutation: the eliminator's pruning applies.
  MutationMatrix m(2, 2);
  m << 0.99, 0.01, 0.01, 0.99;
  auto familias = PedigreeLocusModel::Create({0.5, 0.5}, m, m, 0, UntypedFounders::kFamilias);
  CHECK_FALSE(internal::NuclearFamilyTables(ped, g, mp, *familias).has_value());
}
