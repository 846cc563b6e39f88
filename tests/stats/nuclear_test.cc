// The closed-form tables of nuclear families at theta = 0 (stats/nuclear.h, used by
// FamilyTable) against the eliminator: JointWithTarget and PedigreeLikelihood, which never
// take the closed form. Random families (each parent typed or not, 0 to 5 typed children, the
// missing person a child, the father or the mother), random frequencies and genotypes
// (sometimes impossible ones), with and without random mutation matrices (different for the
// two sexes): every entry to 1e-12 relative, exactly 0 where the eliminator's is.
#include <cmath>
#include <optional>
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

// A random locus at theta 0: 2 to 9 alleles, mutation matrices (different for the two sexes)
// half the time; the frequencies sum to 1, or with `sometimes_unnormalised` one time in
// five per allele are divided by 1.1 more.
struct RandomLocus {
  std::vector<double> freqs;
  bool mutation = false;
  std::optional<PedigreeLocusModel> model;
};
RandomLocus DrawLocus(std::mt19937_64& rng, bool sometimes_unnormalised) {
  RandomLocus l;
  const int allele_ct = 2 + static_cast<int>(rng() % 8);
  std::uniform_real_distribution<double> u(0.01, 1);
  double sum = 0;
  for (int a = 0; a < allele_ct; ++a) l.freqs.push_back(u(rng)), sum += l.freqs.back();
  for (double& x : l.freqs) x /= sometimes_unnormalised ? sum * (rng() % 5 == 0 ? 1.1 : 1.0) : sum;
  l.mutation = rng() % 2 == 0;
  MutationMatrix male, female;
  if (l.mutation) male = RandomMutation(allele_ct, rng), female = RandomMutation(allele_ct, rng);
  auto model = PedigreeLocusModel::Create(l.freqs, male, female, 0);
  REQUIRE(model.ok());
  l.model = std::move(*model);
  return l;
}

}  // namespace

TEST_CASE("Nuclear families at theta 0: closed-form tables equal the eliminator's", "[pedigree][nuclear]") {
  std::mt19937_64 rng(4711);
  int compared = 0, zeros = 0, inconsistent = 0, cases = 0;
  for (int rep = 0; rep < 600; ++rep) {
    const RandomLocus locus = DrawLocus(rng, /*sometimes_unnormalised=*/true);
    const std::vector<double>& freqs = locus.freqs;
    const int allele_ct = static_cast<int>(freqs.size());
    const bool mutation = locus.mutation;
    const auto& model = locus.model;

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

TEST_CASE("Nuclear families: the closed form declines what is not two generations of nuclear families",
          "[pedigree][nuclear]") {
  auto model = PedigreeLocusModel::Create({0.5, 0.5}, {}, {}, 0);
  REQUIRE(model.ok());
  // Great-grandparents in the pedigree: every ancestor of the missing person matters, so the
  // father's father is not a founder: declined, whoever is typed.
  Pedigree ped("G");
  const int ggf = Add(&ped, "GGF", -1, -1, Sex::kMale), ggm = Add(&ped, "GGM", -1, -1, Sex::kFemale);
  const int gf = Add(&ped, "GF", ggf, ggm, Sex::kMale), gm = Add(&ped, "GM", -1, -1, Sex::kFemale);
  const int fa = Add(&ped, "FA", gf, gm, Sex::kMale), mo = Add(&ped, "MO", -1, -1, Sex::kFemale);
  const int mp = Add(&ped, "MP", fa, mo, Sex::kMale);
  std::vector<GenotypeIdx> g(ped.size(), kUntyped);
  g[gm] = GenotypeIndex(0, 1);
  CHECK_FALSE(internal::NuclearFamilyTables(ped, g, mp, *model).has_value());
  // A typed father whose parents matter: declined.
  Pedigree three("F");
  const int gf3 = Add(&three, "GF", -1, -1, Sex::kMale), gm3 = Add(&three, "GM", -1, -1, Sex::kFemale);
  const int fa3 = Add(&three, "FA", gf3, gm3, Sex::kMale), mo3 = Add(&three, "MO", -1, -1, Sex::kFemale);
  const int mp3 = Add(&three, "MP", fa3, mo3, Sex::kMale);
  std::vector<GenotypeIdx> g3(three.size(), kUntyped);
  g3[gm3] = GenotypeIndex(0, 1);
  CHECK(internal::NuclearFamilyTables(three, g3, mp3, *model).has_value());  // grandmother typed: taken
  g3[fa3] = GenotypeIndex(0, 0);
  CHECK_FALSE(internal::NuclearFamilyTables(three, g3, mp3, *model).has_value());
  static_cast<void>(gf), static_cast<void>(mo);
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
  g3[fa3] = kUntyped;  // the accepted case again
  auto theta = PedigreeLocusModel::Create({0.5, 0.5}, {}, {}, 0.01);
  CHECK_FALSE(internal::NuclearFamilyTables(three, g3, mp3, *theta).has_value());
  // Familias' untyped founders with mutation: the eliminator's pruning applies.
  MutationMatrix m(2, 2);
  m << 0.99, 0.01, 0.01, 0.99;
  auto familias = PedigreeLocusModel::Create({0.5, 0.5}, m, m, 0, UntypedFounders::kFamilias);
  CHECK_FALSE(internal::NuclearFamilyTables(three, g3, mp3, *familias).has_value());
}

TEST_CASE("Nuclear families: a parent who is the child of two founders (grandparents, aunts) equals the eliminator",
          "[pedigree][nuclear]") {
  std::mt19937_64 rng(1789);
  int compared = 0, cases = 0;
  for (int rep = 0; rep < 300; ++rep) {
    const RandomLocus locus = DrawLocus(rng, /*sometimes_unnormalised=*/false);
    const std::vector<double>& freqs = locus.freqs;
    const int allele_ct = static_cast<int>(freqs.size());
    const bool mutation = locus.mutation;
    const auto& model = locus.model;
    // Paternal grandparents with 0-2 aunts/uncles; the mother a founder or (one time in
    // three) the child of two founders too; 0-2 typed siblings of the missing person.
    Pedigree ped("GA");
    std::vector<int> typed_ok;
    const int gf = Add(&ped, "GF", -1, -1, Sex::kMale), gm = Add(&ped, "GM", -1, -1, Sex::kFemale);
    const int fa = Add(&ped, "FA", gf, gm, Sex::kMale);
    typed_ok = {gf, gm};
    for (int a = 0, n = static_cast<int>(rng() % 3); a < n; ++a)
      typed_ok.push_back(Add(&ped, "AU" + std::to_string(a), gf, gm, Sex::kFemale));
    int mo;
    if (rng() % 3 == 0) {
      const int mgf = Add(&ped, "MGF", -1, -1, Sex::kMale), mgm = Add(&ped, "MGM", -1, -1, Sex::kFemale);
      mo = Add(&ped, "MO", mgf, mgm, Sex::kFemale);
      typed_ok.push_back(mgf), typed_ok.push_back(mgm);
      for (int a = 0, n = static_cast<int>(rng() % 2); a < n; ++a)
        typed_ok.push_back(Add(&ped, "MAU" + std::to_string(a), mgf, mgm, Sex::kMale));
    } else {
      mo = Add(&ped, "MO", -1, -1, Sex::kFemale);
      typed_ok.push_back(mo);
    }
    for (int c = 0, n = static_cast<int>(rng() % 3); c < n; ++c)
      typed_ok.push_back(Add(&ped, "S" + std::to_string(c), fa, mo, Sex::kFemale));
    const int target = Add(&ped, "MP", fa, mo, Sex::kMale);
    // Gene dropping, every eligible member typed with probability 2/3.
    std::discrete_distribution<int> draw(freqs.begin(), freqs.end());
    std::vector<std::pair<int, int>> al(ped.size());
    for (int i = 0; i < ped.size(); ++i) {
      const Person& p = ped.person(i);
      if (p.father < 0) {
        al[i] = {draw(rng), draw(rng)};
      } else {
        al[i] = {rng() % 2 ? al[p.father].first : al[p.father].second,
                 rng() % 2 ? al[p.mother].first : al[p.mother].second};
      }
    }
    std::vector<GenotypeIdx> g(ped.size(), kUntyped);
    for (int i : typed_ok)
      if (rng() % 3 != 0) g[i] = GenotypeIndex(std::min(al[i].first, al[i].second), std::max(al[i].first, al[i].second));
    INFO("rep " << rep << " alleles " << allele_ct << " mutation " << mutation << " members " << ped.size());
    auto joint = JointWithTarget(ped, g, target, *model);
    auto refs = PedigreeLikelihood(ped, g, *model);
    REQUIRE(joint.ok());
    REQUIRE(refs.ok());
    auto nuc = internal::NuclearFamilyTables(ped, g, target, *model);
    if (!nuc) continue;  // e.g. an untyped aunt: pruned, still nuclear; a typed member in a
                         // shape the closed form declines would land here
    CHECK(std::abs(nuc->refs - *refs) <= 1e-12 * *refs);
    for (size_t h = 0; h < joint->size(); ++h) {
      INFO("genotype " << h << ": " << nuc->joint[h] << " vs " << (*joint)[h]);
      CHECK(std::abs(nuc->joint[h] - (*joint)[h]) <= 1e-12 * (*joint)[h]);
      ++compared;
    }
    ++cases;
  }
  CHECK(cases == 300);  // every one of these shapes is taken by the closed form
  CHECK(compared > 3000);
}
