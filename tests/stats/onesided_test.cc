// Loci typed in one person only ("one-sided", kinship/pairwise.h and docs/model.md): with a
// non-stationary mutation model, or any mutation with theta > 0, the typed person's
// genotype has another distribution in the relationship's pedigree than alone, so the
// exact LR differs from 1. Checked against the independent vectors of
// tests/data/onesided (kinds plain_pair, plain_onesided, plain_mp), against the pedigree
// engine on the vectors' own pedigree files, and against hand derivations.
#include <cmath>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "stats/validation_util.h"
#include "kinship/io.h"
#include "kinship/pairwise.h"
#include "kinship/pedigree.h"
#include "kinship/pedigree_lr.h"
#include "kinship/profile.h"
#include "kinship/screen.h"

using namespace kinship;

namespace {

using testing::CheckLog10;
using testing::ParseLog10;
using testing::ReadCsv;
const std::string kDir = std::string(KINSHIP_TEST_DATA_DIR) + "/onesided/";

const std::map<std::string, std::string> kRelOfPed = {
    {"peds/rel_PO.ped", "parent-child"},  {"peds/rel_FS.ped", "full-siblings"},
    {"peds/rel_HS.ped", "half-siblings"}, {"peds/rel_GP.ped", "grandparent"},
    {"peds/rel_AV.ped", "avuncular"},     {"peds/rel_FC.ped", "first-cousins"}};

using testing::ParseTyped;

MutationSpec CaseMutation(std::map<std::string, std::string>& c) {
  MutationSpec mut;
  if (c["mut_model"] == "none") return mut;
  auto model = ParseMutationModel(c["mut_model"]);
  REQUIRE(model.ok());
  mut.male = mut.female = {*model, std::stod(c["mut_rate"]), std::stod(c["mut_rate2"]), std::stod(c["mut_range"])};
  return mut;
}

// The one family of a pedigree file that holds `member`.
Pedigree FamilyWith(const std::string& file, const std::string& member) {
  Diagnostics diag;
  auto fams = ReadPedigrees(kDir + file, /*require_missing=*/false, &diag);
  REQUIRE(fams.ok());
  for (const Pedigree& f : *fams)
    if (f.Find(member) >= 0) return f;
  FAIL("no family with " << member << " in " << file);
  return Pedigree();
}

}  // namespace

TEST_CASE("Pairwise plain cases, one-sided loci included, match the vectors to 1e-9", "[stats][golden][onesided]") {
  auto cases = ReadCsv(kDir + "cases.csv");
  std::map<std::string, std::map<std::string, double>> per_locus;
  for (auto& r : ReadCsv(kDir + "per_locus.csv")) per_locus[r["case_id"]][r["locus"]] = ParseLog10(r["log10_lr"]);
  Diagnostics ignored;
  auto all_records = ReadProfileRecords(kDir + "profiles.csv", &ignored);
  REQUIRE(all_records.ok());
  int checked = 0, onesided_loci = 0, onesided_not_one = 0;
  for (auto& c : cases) {
    if (c["kind"].rfind("plain_", 0) != 0) continue;
    auto rel_it = kRelOfPed.find(c["h1_ped"]);
    if (rel_it == kRelOfPed.end()) continue;  // missing-person case
    REQUIRE(c["h2_ped"] == "peds/rel_UN.ped");
    INFO("case " << c["case_id"] << " " << rel_it->second << " " << c["mut_model"] << " theta " << c["theta"]);
    auto typed = ParseTyped(c["typed"]);
    Diagnostics diag;
    auto table = ReadAlleleFreqs(kDir + c["freq_file"], &diag);
    REQUIRE(table.ok());
    const ProfileSet profiles = testing::CaseProfiles(*all_records, typed, &*table);
    PairwiseOptions opts;
    opts.theta = std::stod(c["theta"]);
    opts.mutation = CaseMutation(c);
    opts.sex1 = Sex::kMale;  // rel_PO: A is B's father
    auto calc = PairwiseCalculator::Create(*table, *ParseRelationship(rel_it->second), opts);
    REQUIRE(calc.ok());
    const int ia = profiles.FindSample(typed["A"]), ib = profiles.FindSample(typed["B"]);
    std::vector<double> values;
    const PairResult r = calc->Compute(profiles, ia, profiles, ib, &values);
    CheckLog10(r.log10_lr, ParseLog10(c["log10_lr"]));
    int both = 0;
    for (auto& [locus_name, want] : per_locus[c["case_id"]]) {
      const int l = table->FindLocus(CanonicalLocusName(locus_name));
      REQUIRE(l >= 0);
      INFO("locus " << locus_name);
      CheckLog10(values[l], want);
      const int n_typed = (profiles.genotype(l, ia) != kUntyped) + (profiles.genotype(l, ib) != kUntyped);
      both += n_typed == 2;
      if (n_typed == 1) {
        ++onesided_loci;
        onesided_not_one += std::fabs(want) > 1e-6;
      }
    }
    REQUIRE(r.loci_compared == both);  // one-sided loci are in the total, not compared
    ++checked;
  }
  CHECK(checked == 17);              // 15 plain_pair + 2 plain_onesided
  // O0001, O0016, O0023, O0028 (two), O0033, O0063 (two), O0065 (two).
  CHECK(onesided_loci == 10);
  CHECK(onesided_not_one == 4);  // O0063 and O0065: proportional mutation with theta 0.02
}

TEST_CASE("Missing-person plain cases through the screen's family rows, one-sided loci included",
          "[stats][golden][onesided][screen]") {
  auto cases = ReadCsv(kDir + "cases.csv");
  std::map<std::string, std::map<std::string, double>> per_locus;
  for (auto& r : ReadCsv(kDir + "per_locus.csv")) per_locus[r["case_id"]][r["locus"]] = ParseLog10(r["log10_lr"]);
  Diagnostics ignored;
  auto all_records = ReadProfileRecords(kDir + "profiles.csv", &ignored);
  REQUIRE(all_records.ok());
  int checked = 0, onesided_loci = 0;
  for (auto& c : cases) {
    if (c["kind"].rfind("plain_", 0) != 0 || c["h1_ped"].rfind("peds/mp_", 0) != 0) continue;
    INFO("case " << c["case_id"] << " " << c["h1_ped"] << " " << c["mut_model"] << " theta " << c["theta"]);
    auto typed = ParseTyped(c["typed"]);
    // H2's family: the references and the untyped missing person MP.
    const Pedigree fam = FamilyWith(c["h2_ped"], "MP");
    const int mp = fam.Find("MP");
    Diagnostics diag;
    auto table = ReadAlleleFreqs(kDir + c["freq_file"], &diag);
    REQUIRE(table.ok());
    const ProfileSet profiles = testing::CaseProfiles(*all_records, typed, &*table);
    auto models = BuildPedigreeModels(*table, CaseMutation(c), std::stod(c["theta"]));
    REQUIRE(models.ok());
    const int nl = table->locus_ct();
    std::vector<std::vector<GenotypeIdx>> g(nl, std::vector<GenotypeIdx>(fam.size(), kUntyped));
    for (auto& [member, sample] : typed) {
      if (member == "V") continue;
      const int i = fam.Find(member);
      REQUIRE(i >= 0);
      for (int l = 0; l < nl; ++l) g[l][i] = profiles.genotype(l, profiles.FindSample(sample));
    }
    ScoreTablesBuilder builder(*table);
    auto cand = AddFamilyCandidate(fam, g, mp, *models, nullptr, &builder);
    REQUIRE(cand.ok());
    auto built = std::move(builder).Build();
    REQUIRE(built.ok());
    const ScoreTables& tables = *built;
    ProfileSet victim = profiles.Subset({profiles.FindSample(typed["V"])});
    VictimColumns cols(tables, victim);
    const ScreenHit h = ExactPair(tables, cols, *cand, 0);
    CheckLog10(h.log10_lr, ParseLog10(c["log10_lr"]));
    for (auto& [locus_name, want] : per_locus[c["case_id"]]) {
      const int l = table->FindLocus(CanonicalLocusName(locus_name));
      REQUIRE(l >= 0);
      INFO("locus " << locus_name);
      const GenotypeIdx gv = victim.genotype(l, 0);
      const int row_idx = tables.row_idx(*cand, l);
      const double got = row_idx < 0 ? 0.0
                         : gv == kUntyped ? tables.untyped_exact(l, row_idx)
                                          : tables.exact(l, row_idx, gv);
      CheckLog10(got, want);
      bool any_ref = false;
      for (GenotypeIdx x : g[l]) any_ref |= x != kUntyped;
      if (!any_ref && gv != kUntyped) {
        ++onesided_loci;
        REQUIRE(row_idx >= 0);  // equal / stepwise: informative
        REQUIRE(tables.candidate_untyped(l, row_idx));
      }
    }
    // Lower bound of the prefilter holds.
    REQUIRE(PrefilterSum(tables, cols, *cand, 0) / tables.scale() + tables.candidate_offset(*cand) >= h.log10_lr - 1e-9);
    ++checked;
  }
  CHECK(checked == 13);       // 11 plain_mp + 2 plain_onesided
  CHECK(onesided_loci == 4);  // O0068 (stepwise) and O0070 (equal): two loci each
}

TEST_CASE("One-sided LRs equal the pedigree engine on the relationship's pedigree file to 1e-12", "[stats][onesided]") {
  // A toy table (9 loci of 3-6 alleles, frequencies summing to 1): every genotype of every
  // locus, and the engine at theta > 0 stays fast.
  Diagnostics diag;
  auto table = ReadAlleleFreqs(kDir + "freqs_toyA8.csv", &diag);
  REQUIRE(table.ok());
  const Pedigree un = FamilyWith("peds/rel_UN.ped", "A");
  Pedigree unrelated("UN");
  {
    const Pedigree un_b = FamilyWith("peds/rel_UN.ped", "B");
    unrelated.Add(un.person(un.Find("A")));
    unrelated.Add(un_b.person(un_b.Find("B")));
  }
  struct Model {
    MutationParams params;
    double theta;
  };
  const Model kModels[] = {{{MutationModel::kStepwise, 0.005, 1e-6, 0.1}, 0.0},
                           {{MutationModel::kEqual, 0.005, 0, 0.5}, 0.02}};
  int compared = 0, founder_ones = 0;
  for (const auto& [ped_file, rel_name] : kRelOfPed) {
    const Pedigree ped = FamilyWith(ped_file, "A");
    for (const Model& m : kModels) {
      INFO(rel_name << " model " << MutationModelName(m.params.model) << " theta " << m.theta);
      PairwiseOptions opts;
      opts.theta = m.theta;
      opts.mutation.male = opts.mutation.female = m.params;
      opts.sex1 = Sex::kMale;
      auto calc = PairwiseCalculator::Create(*table, *ParseRelationship(rel_name), opts);
      REQUIRE(calc.ok());
      REQUIRE(calc->one_sided());
      auto models = BuildPedigreeModels(*table, opts.mutation, m.theta);
      REQUIRE(models.ok());
      for (int person = 0; person < 2; ++person) {
        const int who = ped.Find(person == 0 ? "A" : "B");
        const bool founder = ped.person(who).father < 0;
        for (int l = 0; l < table->locus_ct(); ++l) {
          const int gc = table->locus(l).genotype_ct();
          std::vector<double> row;
          calc->OneSidedRow(l, person, &row);
          REQUIRE(static_cast<int>(row.size()) == gc);
          for (int x = 0; x < gc; ++x) {
            const GenotypeIdx gx = static_cast<GenotypeIdx>(x);
            INFO("person " << person << " locus " << l << " genotype " << x);
            const double lr = calc->OneSidedLr(l, person, gx);
            REQUIRE(std::memcmp(&lr, &row[x], sizeof(double)) == 0);
            if (founder) {
              REQUIRE(lr == 1.0);  // drawn as in H2
              ++founder_ones;
              continue;
            }
            std::vector<GenotypeIdx> g1(ped.size(), kUntyped), g2(2, kUntyped);
            g1[who] = gx;
            g2[person] = gx;
            const double want = *PedigreeLikelihood(ped, g1, (*models)[l]) / *PedigreeLikelihood(unrelated, g2, (*models)[l]);
            REQUIRE(lr == Approx(want).epsilon(1e-12));
            ++compared;
          }
        }
      }
    }
  }
  CHECK(compared > 1000);
  CHECK(founder_ones > 100);  // parent-child and grandparent: id1 is a founder
}

TEST_CASE("One-sided loci by hand: parent-child, two alleles, equal mutation", "[stats][onesided]") {
  // p = (0.3, 0.7), equal model rate r = 0.01: M = [[0.99, 0.01], [0.01, 0.99]].
  // p M = (0.3 * 0.99 + 0.7 * 0.01, ...) = (0.304, 0.696).
  AlleleFreqTable table;
  for (const char* name : {"L0", "L1"}) {
    Locus locus(name);
    locus.AddAllele("10", 0.3);
    locus.AddAllele("11", 0.7);
    table.AddLocus(locus);
  }
  PairwiseOptions opts;
  opts.mutation.male = opts.mutation.female = {MutationModel::kEqual, 0.01, 0, 0.5};
  auto calc = PairwiseCalculator::Create(table, *ParseRelationship("parent-child"), opts);
  REQUIRE(calc.ok());
  REQUIRE(calc->one_sided());
  const GenotypeIdx g00 = GenotypeIndex(0, 0), g01 = GenotypeIndex(0, 1), g11 = GenotypeIndex(1, 1);
  // The parent (a founder) alone: LR 1 exactly.
  for (GenotypeIdx g : {g00, g01, g11}) REQUIRE(calc->OneSidedLr(0, 0, g) == 1.0);
  // The child alone: both its alleles come from untyped founders through M, P(c, e) =
  // (pM)_c (pM)_e (times 2 for c != e), against Hardy-Weinberg:
  //   0/0: 0.304^2 / 0.09 = 0.092416 / 0.09;  0/1: 2 0.304 0.696 / (2 0.3 0.7) = 0.211584 / 0.21;
  //   1/1: 0.696^2 / 0.49 = 0.484416 / 0.49.
  CHECK(calc->OneSidedLr(0, 1, g00) == Approx(0.092416 / 0.09).epsilon(1e-13));
  CHECK(calc->OneSidedLr(0, 1, g01) == Approx(0.211584 / 0.21).epsilon(1e-13));
  CHECK(calc->OneSidedLr(0, 1, g11) == Approx(0.484416 / 0.49).epsilon(1e-13));

  // Through Compute: L0 typed in both, L1 in the child only.
  ProfileSet s;
  s.Reset(2);
  s.AddSample("P");
  s.AddSample("C");
  s.set_genotype(0, 0, g01);
  s.set_genotype(0, 1, g01);
  s.set_genotype(1, 1, g00);
  std::vector<double> values;
  const PairResult r = calc->Compute(s, 0, s, 1, &values);
  bool inc;
  const double l0 = std::log10(calc->LocusLr(0, g01, g01, &inc));
  CHECK(values[0] == l0);
  CHECK(values[1] == Approx(std::log10(0.092416 / 0.09)).margin(1e-13));
  CHECK(r.log10_lr == Approx(l0 + std::log10(0.092416 / 0.09)).margin(1e-13));
  CHECK(r.loci_compared == 1);
  // Reversed roles (the parent typed alone at L1): LR 1, log10 0.
  s.set_genotype(1, 0, g00);
  s.set_genotype(1, 1, kUntyped);
  const PairResult r2 = calc->Compute(s, 0, s, 1, &values);
  CHECK(values[1] == 0.0);
  CHECK(r2.log10_lr == l0);

  // theta = 0.1: the child's alleles are two distinct founder alleles, jointly
  // P(x, y) = p_x ((1 - θ) p_y + θ [x = y]) / (1 + θ), each through M:
  //   P(0/0) = ((1 - θ) (pM)_0^2 + θ Σ_x p_x M[x][0]^2) / (1 + θ)
  //          = (0.9 * 0.092416 + 0.1 * (0.3 * 0.9801 + 0.7 * 0.0001)) / 1.1 = 0.1125844 / 1.1,
  // against the Balding-Nichols singleton p_0 (θ + (1 - θ) p_0) / (1 + θ) = 0.111 / 1.1.
  opts.theta = 0.1;
  auto calc_theta = PairwiseCalculator::Create(table, *ParseRelationship("parent-child"), opts);
  REQUIRE(calc_theta.ok());
  CHECK(calc_theta->OneSidedLr(1, 1, g00) == Approx(0.1125844 / 0.111).epsilon(1e-13));
  CHECK(calc_theta->OneSidedLr(1, 0, g00) == 1.0);
}

TEST_CASE("One-sided loci stay LR 1 without mutation or with a stationary model at theta 0", "[stats][onesided]") {
  AlleleFreqTable table;
  Locus locus("L0");
  locus.AddAllele("10", 0.25);
  locus.AddAllele("11", 0.75);
  table.AddLocus(locus);
  ProfileSet s;
  s.Reset(1);
  s.AddSample("A");
  s.AddSample("B");
  s.set_genotype(0, 1, GenotypeIndex(0, 0));
  for (const char* rel : {"parent-child", "full-siblings"}) {
    INFO(rel);
    PairwiseOptions none;
    none.theta = 0.05;
    PairwiseOptions prop;
    prop.mutation.male = prop.mutation.female = {MutationModel::kProportional, 0.01, 0, 0.5};
    for (const PairwiseOptions& o : {none, prop}) {
      auto calc = PairwiseCalculator::Create(table, *ParseRelationship(rel), o);
      REQUIRE(calc.ok());
      REQUIRE(!calc->one_sided());
      std::vector<double> values;
      const PairResult r = calc->Compute(s, 0, s, 1, &values);
      REQUIRE(r.log10_lr == 0.0);
      REQUIRE(values[0] == 0.0);
      REQUIRE(r.loci_compared == 0);
    }
  }
  // proportional with theta > 0: informative (mutation breaks the Balding-Nichols sharing).
  PairwiseOptions prop_theta;
  prop_theta.theta = 0.05;
  prop_theta.mutation.male = prop_theta.mutation.female = {MutationModel::kProportional, 0.01, 0, 0.5};
  auto calc = PairwiseCalculator::Create(table, *ParseRelationship("full-siblings"), prop_theta);
  REQUIRE(calc.ok());
  REQUIRE(calc->one_sided());
}
