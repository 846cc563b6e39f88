// The one-pass family tables at theta > 0 without mutation (InheritanceThetaTables, used by
// FamilyTable) against the genotype-by-genotype tables (two exact likelihoods per genotype,
// internal::FamilyTableByGenotype): random families of several shapes, loops included,
// random frequencies and genotypes, theta 0.01 and 0.03. Every entry agrees to 1e-12
// relative, and is exactly 0 where the genotype-by-genotype entry is.
#include <cmath>
#include <random>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "kinship/locus.h"
#include "kinship/pedigree.h"
#include "kinship/pedigree_lr.h"
#include "stats/random_mutation.h"
#include "kinship/mutation.h"
#include "stats/peeling_theta.h"

using namespace kinship;
using kinship::testing::RandomMutation;

namespace {

struct Family {
  Pedigree ped;
  int mp = -1;
  std::vector<int> typed;  // references
};

Family Shape(int shape) {
  Family f;
  auto add = [&](const char* id, const char* fa, const char* mo, Sex sex) {
    Person p;
    p.id = id;
    p.father = fa ? f.ped.Find(fa) : -1;
    p.mother = mo ? f.ped.Find(mo) : -1;
    p.sex = sex;
    return f.ped.Add(p);
  };
  const Sex M = Sex::kMale, F = Sex::kFemale;
  switch (shape) {
    case 0:  // trio
      f.typed = {add("FA", nullptr, nullptr, M), add("MO", nullptr, nullptr, F)};
      f.mp = add("MP", "FA", "MO", M);
      break;
    case 1:  // mother and a full sister
      add("FA", nullptr, nullptr, M);
      f.typed = {add("MO", nullptr, nullptr, F)};
      f.typed.push_back(add("S1", "FA", "MO", F));
      f.mp = add("MP", "FA", "MO", M);
      break;
    case 2:  // the missing man's wife and two children
      f.mp = add("MP", nullptr, nullptr, M);
      f.typed = {add("W", nullptr, nullptr, F)};
      f.typed.push_back(add("C1", "MP", "W", M));
      f.typed.push_back(add("C2", "MP", "W", F));
      break;
    case 3:  // paternal grandparents and an aunt
      f.typed = {add("GF", nullptr, nullptr, M), add("GM", nullptr, nullptr, F)};
      add("FA", "GF", "GM", M);
      f.typed.push_back(add("AU", "GF", "GM", F));
      add("MO", nullptr, nullptr, F);
      f.mp = add("MP", "FA", "MO", M);
      break;
    case 4:  // two siblings, untyped parents
      add("FA", nullptr, nullptr, M), add("MO", nullptr, nullptr, F);
      f.typed = {add("S1", "FA", "MO", F)};
      f.typed.push_back(add("S2", "FA", "MO", M));
      f.mp = add("MP", "FA", "MO", M);
      break;
    case 5:  // a loop: the missing person is the child of first cousins, with a sibling
      add("GF", nullptr, nullptr, M), add("GM", nullptr, nullptr, F);
      add("A", "GF", "GM", M), add("B", "GF", "GM", F);
      f.typed = {add("X", nullptr, nullptr, F)};
      add("Y", nullptr, nullptr, M);
      f.typed.push_back(add("C1", "A", "X", M));
      f.typed.push_back(add("C2", "Y", "B", F));
      f.typed.push_back(add("S", "C1", "C2", F));
      f.mp = add("MP", "C1", "C2", M);
      break;
    default:  // half-sibling and a paternal uncle; the mother a typed founder
      add("GF", nullptr, nullptr, M), add("GM", nullptr, nullptr, F);
      add("FA", "GF", "GM", M);
      f.typed = {add("UN", "GF", "GM", M), add("MO", nullptr, nullptr, F)};
      add("M2", nullptr, nullptr, F);
      f.typed.push_back(add("HS", "FA", "M2", F));
      f.mp = add("MP", "FA", "MO", M);
      break;
  }
  return f;
}

// Random frequencies (some rare), and the references' genotypes by gene dropping, or (one
// time in eight) drawn at random, which may make the references impossible.
struct Case {
  std::vector<double> freqs;
  std::vector<GenotypeIdx> g;
};

Case Draw(const Family& fam, std::mt19937_64& rng, const std::vector<double>* fixed_freqs = nullptr) {
  Case c;
  const int allele_ct = 2 + static_cast<int>(rng() % 7);
  std::uniform_real_distribution<double> u(0.01, 1);
  double sum = 0;
  for (int a = 0; a < allele_ct; ++a) {
    double x = u(rng);
    if (rng() % 4 == 0) x *= 0.01;
    c.freqs.push_back(x);
    sum += x;
  }
  for (double& x : c.freqs) x /= sum;
  if (fixed_freqs) c.freqs = *fixed_freqs;
  std::discrete_distribution<int> draw(c.freqs.begin(), c.freqs.end());
  std::vector<std::pair<int, int>> al(fam.ped.size());
  for (int i = 0; i < fam.ped.size(); ++i) {
    const Person& p = fam.ped.person(i);
    if (p.father < 0) {
      al[i] = {draw(rng), draw(rng)};
    } else {
      auto pick = [&](std::pair<int, int> x) { return rng() & 1 ? x.first : x.second; };
      al[i] = {pick(al[p.father]), pick(al[p.mother])};
    }
  }
  c.g.assign(fam.ped.size(), kUntyped);
  const bool random = rng() % 8 == 0;
  for (int i : fam.typed) {
    if (rng() % 6 == 0) continue;  // sometimes untyped at this locus
    c.g[i] = random ? GenotypeIndex(static_cast<int>(rng() % c.freqs.size()), static_cast<int>(rng() % c.freqs.size()))
                    : GenotypeIndex(al[i].first, al[i].second);
    if (GenotypeAlleles(c.g[i]).a > GenotypeAlleles(c.g[i]).b)
      c.g[i] = GenotypeIndex(GenotypeAlleles(c.g[i]).b, GenotypeAlleles(c.g[i]).a);
  }
  return c;
}

}  // namespace

namespace {


// Compares `fast` (a table function) with the genotype-by-genotype tables over random cases of
// every shape; returns the entries compared.
template <typename Fast>
int CompareWithByGenotype(bool mutation, std::uint64_t seed, Fast fast_table, int reps = 40) {
  std::mt19937_64 rng(seed);
  int compared = 0, zeros = 0, inconsistent = 0;
  for (int shape = 0; shape <= 6; ++shape) {
    const Family fam = Shape(shape);
    for (double theta : {0.01, 0.03}) {
      // The loop and the half-sibling shapes have six free founder alleles (Bell(6) = 203
      // eliminations per genotype by genotype): fewer cases keep the test quick.
      for (int rep = 0; rep < (shape >= 5 ? reps / 4 : reps); ++rep) {
        const Case c = Draw(fam, rng);
        const int allele_ct = static_cast<int>(c.freqs.size());
        MutationMatrix male, female;
        if (mutation) male = RandomMutation(allele_ct, rng), female = RandomMutation(allele_ct, rng);
        auto model = PedigreeLocusModel::Create(c.freqs, male, female, theta);
        REQUIRE(model.ok());
        absl::StatusOr<std::vector<double>> fast = fast_table(fam, c, *model);
        auto slow = internal::FamilyTableByGenotype(fam.ped, c.g, fam.mp, *model);
        INFO("shape " << shape << " theta " << theta << " rep " << rep);
        REQUIRE(fast.ok() == slow.ok());
        if (!slow.ok()) {
          CHECK(fast.status().code() == slow.status().code());
          ++inconsistent;
          continue;
        }
        REQUIRE(fast->size() == slow->size());
        for (size_t h = 0; h < slow->size(); ++h) {
          INFO("genotype " << h << ": " << (*fast)[h] << " vs " << (*slow)[h]);
          if ((*slow)[h] == 0) {
            CHECK((*fast)[h] == 0);
            ++zeros;
          } else {
            CHECK(std::abs((*fast)[h] - (*slow)[h]) <= 1e-12 * (*slow)[h]);
          }
          ++compared;
        }
      }
    }
  }
  if (!mutation) CHECK(inconsistent > 0);  // with mutation nearly anything is possible
  if (!mutation) CHECK(zeros > 0);
  return compared;
}

// The ratio of the two one-pass tables, as ScaledFamilyTable forms it.
absl::StatusOr<std::vector<double>> Ratio(const absl::StatusOr<internal::ThetaFamilyTables>& t) {
  if (!t.ok()) return t.status();
  std::vector<double> out(t->joint.mantissa.size());
  for (size_t h = 0; h < out.size(); ++h) {
    if (t->victim.mantissa[h] == 0)
      return absl::FailedPreconditionError("the references' genotypes are impossible under the pedigree");
    out[h] = t->joint.mantissa[h] / t->victim.mantissa[h];
  }
  return out;
}

}  // namespace

TEST_CASE("theta > 0 with mutation: one-pass tables over set partitions equal the genotype-by-genotype tables",
          "[pedigree][theta][mutation]") {
  const int compared = CompareWithByGenotype(
      /*mutation=*/true, 20261202,
      [](const Family& fam, const Case& c, const PedigreeLocusModel& model) {
        return FamilyTable(fam.ped, c.g, fam.mp, model);
      },
      16);
  CHECK(compared > 1000);
}

TEST_CASE("theta > 0 without mutation: the partition tables equal the genotype-by-genotype tables too",
          "[pedigree][theta]") {
  // FamilyTable takes the inheritance vectors for these small families; the set partitions
  // are its fallback for many meioses, and must agree as well.
  const int compared = CompareWithByGenotype(
      /*mutation=*/false, 977, [](const Family& fam, const Case& c, const PedigreeLocusModel& model) {
        return Ratio(internal::PartitionThetaTables(fam.ped, c.g, fam.mp, model, EngineLimits{}));
      },
      8);
  CHECK(compared > 500);
}

TEST_CASE("theta > 0 family tables in one pass equal the genotype-by-genotype tables",
          "[pedigree][theta]") {
  // Without mutation (the inheritance vectors for these families); the log10 tables agree
  // with the linear ones.
  const int compared = CompareWithByGenotype(
      /*mutation=*/false, 20240917, [](const Family& fam, const Case& c, const PedigreeLocusModel& model) {
        auto table = FamilyTable(fam.ped, c.g, fam.mp, model);
        auto log10 = FamilyLog10Table(fam.ped, c.g, fam.mp, model);
        CHECK(table.ok() == log10.ok());
        if (table.ok() && log10.ok())
          for (size_t h = 0; h < table->size(); ++h)
            if ((*table)[h] != 0) CHECK(std::abs((*log10)[h] - std::log10((*table)[h])) <= 1e-12);
        return table;
      });
  CHECK(compared > 3000);
}

namespace {

// Families for the engine's limits at theta > 0, built from (id, father, mother, typed).
Family Build(const std::vector<std::tuple<const char*, const char*, const char*, bool>>& members) {
  Family f;
  for (const auto& [id, fa, mo, typed] : members) {
    Person p;
    p.id = id;
    p.father = fa ? f.ped.Find(fa) : -1;
    p.mother = mo ? f.ped.Find(mo) : -1;
    p.sex = Sex::kUnknown;
    const int i = f.ped.Add(p);
    if (typed) f.typed.push_back(i);
    if (std::string(id) == "MP") f.mp = i;
  }
  return f;
}

}  // namespace

TEST_CASE("theta > 0 limits: large sibships, three generations and the partitions' edge run; past it refused",
          "[pedigree][theta][limits]") {
  // Twelve typed siblings with untyped parents: 26 meioses with the missing person (past the
  // inheritance vectors' 20), 4 free founder alleles.
  std::vector<std::tuple<const char*, const char*, const char*, bool>> sibs = {{"FA", nullptr, nullptr, false},
                                                                               {"MO", nullptr, nullptr, false}};
  static const char* kSib[] = {"C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8", "C9", "C10", "C11", "C12"};
  for (const char* id : kSib) sibs.emplace_back(id, "FA", "MO", true);
  sibs.emplace_back("MP", "FA", "MO", false);
  // Three generations, 15 members, 8 typed: grandparents, three children with their spouses
  // (one typed), five grandchildren typed, one untyped, and the missing grandchild.
  const Family three_gen = Build({{"GF", nullptr, nullptr, true}, {"GM", nullptr, nullptr, true},
                                  {"A", "GF", "GM", false},       {"B", "GF", "GM", false},
                                  {"C", "GF", "GM", false},       {"SA", nullptr, nullptr, true},
                                  {"SB", nullptr, nullptr, false}, {"SC", nullptr, nullptr, false},
                                  {"A1", "A", "SA", true},        {"A2", "A", "SA", true},
                                  {"B1", "B", "SB", true},        {"B2", "B", "SB", true},
                                  {"B3", "B", "SB", false},       {"C1", "C", "SC", true},
                                  {"MP", "C", "SC", false}});
  // The largest accepted: four untyped founders with typed descendants (8 free alleles, the
  // default limit); and with a fifth (10) the first refused with mutation.
  const std::vector<std::tuple<const char*, const char*, const char*, bool>> edge = {
      {"F1", nullptr, nullptr, false}, {"M1", nullptr, nullptr, false}, {"F2", nullptr, nullptr, false},
      {"M2", nullptr, nullptr, false}, {"X", "F1", "M1", false},         {"Y", "F2", "M2", false},
      {"S", "X", "Y", true},           {"MP", "X", "Y", false}};
  auto past = edge;
  past.emplace_back("Z", nullptr, nullptr, false);
  past.emplace_back("K", "S", "Z", true);
  const Family largest = Build(edge), refused = Build(past);
  REQUIRE(three_gen.ped.size() == 15);
  REQUIRE(three_gen.typed.size() == 8);

  std::mt19937_64 rng(15);
  const std::vector<double> freqs = {0.5, 0.3, 0.2};
  for (bool mutation : {false, true}) {
    MutationMatrix male, female;
    if (mutation) male = RandomMutation(3, rng), female = RandomMutation(3, rng);
    auto model = PedigreeLocusModel::Create(freqs, male, female, 0.02);
    REQUIRE(model.ok());
    for (const Family* fam : {&three_gen, &largest}) {
      Case c;
      c.freqs = freqs;
      for (int attempt = 0; attempt < 50; ++attempt) {  // consistent references
        c = Draw(*fam, rng, &freqs);
        if (internal::FamilyTableByGenotype(fam->ped, c.g, fam->mp, *model).ok()) break;
      }
      INFO("mutation " << mutation << " family of " << fam->ped.size());
      auto fast = FamilyTable(fam->ped, c.g, fam->mp, *model);
      auto slow = internal::FamilyTableByGenotype(fam->ped, c.g, fam->mp, *model);
      REQUIRE(fast.ok());
      REQUIRE(slow.ok());
      for (size_t h = 0; h < slow->size(); ++h) CHECK(std::abs((*fast)[h] - (*slow)[h]) <= 1e-12 * (*slow)[h]);
    }
    // Twelve siblings: too many genotype-by-genotype likelihoods to compare quickly; the
    // table is finite and positive, and its entries for the siblings' own genotype exceed 1.
    const Family twelve = Build(sibs);
    std::vector<GenotypeIdx> g(twelve.ped.size(), kUntyped);
    for (int i : twelve.typed) g[i] = GenotypeIndex(0, 1);
    auto t = FamilyTable(twelve.ped, g, twelve.mp, *model);
    REQUIRE(t.ok());
    CHECK((*t)[GenotypeIndex(0, 1)] > 1);
    for (double x : *t) CHECK((std::isfinite(x) && x > 0));
    // Past the partitions' limit: refused with mutation (ResourceExhausted, never a number);
    // without mutation the inheritance vectors (10 meioses) take it.
    std::vector<GenotypeIdx> gp(refused.ped.size(), kUntyped);
    for (int i : refused.typed) gp[i] = GenotypeIndex(0, 1);
    auto r = FamilyTable(refused.ped, gp, refused.mp, *model);
    if (mutation) {
      REQUIRE(r.status().code() == absl::StatusCode::kResourceExhausted);
      CHECK_THAT(std::string(r.status().message()), Catch::Matchers::Contains("5 untyped founders"));
    } else {
      CHECK(r.ok());
    }
  }
}
