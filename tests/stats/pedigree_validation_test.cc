// Every case of the acceptance vectors (tests/data/validation, computed by the R
// pedsuite) through the pedigree engine, from its H1 and H2 pedigree files: log10 LR
// to 1e-9, total and per locus, and -inf exactly. Also: the family table (one pass
// over the missing person's genotypes) equals the direct two-hypothesis computation.
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "internal/csv.h"
#include "stats/validation_util.h"
#include "kinship/io.h"
#include "kinship/pedigree.h"
#include "kinship/pedigree_lr.h"
#include "kinship/profile.h"

using namespace kinship;


namespace {

using testing::CheckLog10;
using testing::ParseLog10;
using testing::ReadCsv;
const std::string& kDir = testing::kValidationDir;

// Hypothesis files are named relative to the validation folder.
Pedigree ReadHypothesis(const std::string& file) { return testing::ReadHypothesis(kDir + file); }
using testing::ParseTyped;

// A case's total log10 LR through the engine (PedigreeLog10Likelihood per locus, H1 and
// H2 from their pedigree files) with untyped founders treated as `mode`.
double CaseLog10Lr(std::map<std::string, std::string>& c, const std::vector<GenotypeRecord>& all_records,
                   UntypedFounders mode) {
  Pedigree h1 = ReadHypothesis(c["h1_ped"]);
  Pedigree h2 = ReadHypothesis(c["h2_ped"]);
  auto typed = ParseTyped(c["typed"]);
  Diagnostics diag;
  auto table = ReadAlleleFreqs(kDir + c["freq_file"], &diag);
  REQUIRE(table.ok());
  const ProfileSet profiles = testing::CaseProfiles(all_records, typed, &*table);
  MutationSpec mut;
  if (c["mut_model"] != "none") {
    auto model = ParseMutationModel(c["mut_model"]);
    REQUIRE(model.ok());
    mut.male = mut.female = {*model, std::stod(c["mut_rate"]), std::stod(c["mut_rate2"]), std::stod(c["mut_range"])};
  }
  auto models = BuildPedigreeModels(*table, mut, std::stod(c["theta"]), mode);
  REQUIRE(models.ok());
  // Who has a genotype at some locus (Familias reduces the pedigree by it, once).
  EngineLimits limits1, limits2;
  limits1.typed_anywhere.assign(h1.size(), 0);
  limits2.typed_anywhere.assign(h2.size(), 0);
  for (auto& [member, sample] : typed)
    for (int l = 0; l < table->locus_ct(); ++l)
      if (profiles.genotype(l, profiles.FindSample(sample)) != kUntyped)
        limits1.typed_anywhere[h1.Find(member)] = limits2.typed_anywhere[h2.Find(member)] = 1;
  double total = 0;
  for (int l = 0; l < table->locus_ct(); ++l) {
    std::vector<GenotypeIdx> g1(h1.size(), kUntyped), g2(h2.size(), kUntyped);
    for (auto& [member, sample] : typed) {
      GenotypeIdx g = profiles.genotype(l, profiles.FindSample(sample));
      g1[h1.Find(member)] = g;
      g2[h2.Find(member)] = g;
    }
    auto l1 = PedigreeLog10Likelihood(h1, g1, (*models)[l], limits1);
    auto l2 = PedigreeLog10Likelihood(h2, g2, (*models)[l], limits2);
    REQUIRE(l1.ok());
    REQUIRE(l2.ok());
    REQUIRE(std::isfinite(*l2));
    total += *l1 - *l2;
  }
  return total;
}

}  // namespace

TEST_CASE("Every validation case matches the R pedsuite through the pedigree engine",
          "[stats][golden][pedigree]") {
  auto cases = ReadCsv(kDir + "cases.csv");
  std::map<std::string, std::map<std::string, double>> per_locus;
  for (auto& r : ReadCsv(kDir + "per_locus.csv")) per_locus[r["case_id"]][r["locus"]] = ParseLog10(r["log10_lr"]);
  Diagnostics ignored;
  auto all_records = ReadProfileRecords(kDir + "profiles.csv", &ignored);
  REQUIRE(all_records.ok());

  int checked = 0, table_checked = 0;
  std::map<std::string, int> by_kind;
  for (auto& c : cases) {
    INFO("case " << c["case_id"] << " " << c["h1_ped"] << " " << c["mut_model"] << " theta " << c["theta"]);
    Pedigree h1 = ReadHypothesis(c["h1_ped"]);
    Pedigree h2 = ReadHypothesis(c["h2_ped"]);
    auto typed = ParseTyped(c["typed"]);
    Diagnostics diag;
    auto table = ReadAlleleFreqs(kDir + c["freq_file"], &diag);
    REQUIRE(table.ok());
    const ProfileSet profiles = testing::CaseProfiles(*all_records, typed, &*table);

    MutationSpec mut;
    if (c["mut_model"] != "none") {
      auto model = ParseMutationModel(c["mut_model"]);
      REQUIRE(model.ok());
      mut.male = mut.female = {*model, std::stod(c["mut_rate"]), std::stod(c["mut_rate2"]), std::stod(c["mut_range"])};
    }
    auto models = BuildPedigreeModels(*table, mut, std::stod(c["theta"]));
    REQUIRE(models.ok());

    double total = 0;
    for (int l = 0; l < table->locus_ct(); ++l) {
      std::vector<GenotypeIdx> g1(h1.size(), kUntyped), g2(h2.size(), kUntyped);
      for (auto& [member, sample] : typed) {
        GenotypeIdx g = profiles.genotype(l, profiles.FindSample(sample));
        int i1 = h1.Find(member), i2 = h2.Find(member);
        REQUIRE(i1 >= 0);
        REQUIRE(i2 >= 0);
        g1[i1] = g;
        g2[i2] = g;
      }
      auto l1 = PedigreeLikelihood(h1, g1, (*models)[l]);
      auto l2 = PedigreeLikelihood(h2, g2, (*models)[l]);
      REQUIRE(l1.ok());
      REQUIRE(l2.ok());
      REQUIRE(*l2 > 0);
      const double log10_lr = std::log10(*l1 / *l2);
      const std::string& name = table->locus(l).name();
      for (auto& [locus_name, want] : per_locus[c["case_id"]])
        if (CanonicalLocusName(locus_name) == name) {
          INFO("locus " << name);
          CheckLog10(log10_lr, want);
        }
      total += log10_lr;

      // Missing-person cases: the family table at the victim's genotype gives the same LR.
      const int v = h2.Find("V"), mp = h2.Find("MP");
      if (mp >= 0 && g1[h1.Find("V")] != kUntyped && l % 4 == 0) {
        std::vector<GenotypeIdx> refs = g2;
        refs[v] = kUntyped;
        INFO("family table, locus " << name);
        const GenotypeIdx gv = g1[h1.Find("V")];
        if ((*models)[l].theta() == 0) {
          auto ftable = FamilyTable(h2, refs, mp, (*models)[l]);
          REQUIRE(ftable.ok());
          CHECK((*ftable)[gv] == Approx(*l1 / *l2).epsilon(1e-12));
        } else {  // theta > 0: the table is this per genotype; one genotype suffices here
          auto lr = MissingPersonLocusLr(h2, refs, mp, gv, (*models)[l]);
          REQUIRE(lr.ok());
          CHECK(*lr == Approx(*l1 / *l2).epsilon(1e-12));
        }
        ++table_checked;
      }
    }
    CheckLog10(total, ParseLog10(c["log10_lr"]));
    ++checked;
    ++by_kind[c["kind"]];
  }
  CHECK(checked == 271);
  CHECK(by_kind["mp"] == 102);
  CHECK(by_kind["mp_theta"] == 8);
  CHECK(table_checked > 100);
}

// Familias 2.6.4's values (tests/data/validation/familias.csv) in the Familias mode of the
// engine: every case Familias computed, to 1e-9 in log10 LR. The cases where Familias
// differs from the exact model (equal/stepwise mutation with an untyped founder that has
// one child: rel_PO's mother, mp_mother_sib's father, ...) must differ in exact mode, which
// shows the test can fail.
TEST_CASE("Familias mode reproduces Familias on every validation case it computed",
          "[stats][golden][pedigree][familias]") {
  std::map<std::string, std::map<std::string, std::string>> cases;
  for (auto& c : ReadCsv(kDir + "cases.csv")) cases[c["case_id"]] = c;
  Diagnostics ignored;
  auto all_records = ReadProfileRecords(kDir + "profiles.csv", &ignored);
  REQUIRE(all_records.ok());
  int checked = 0, differ_from_exact = 0;
  for (auto& f : ReadCsv(kDir + "familias.csv")) {
    INFO("case " << f["case_id"]);
    REQUIRE(cases.count(f["case_id"]) == 1);
    auto& c = cases[f["case_id"]];
    INFO(c["h1_ped"] << " " << c["mut_model"] << " theta " << c["theta"]);
    const double want = ParseLog10(f["log10_lr_familias"]);
    CheckLog10(CaseLog10Lr(c, *all_records, UntypedFounders::kFamilias), want);
    const double exact = ParseLog10(c["log10_lr"]);
    if (std::isfinite(want) && std::fabs(exact - want) > 1e-6) {
      ++differ_from_exact;
      CHECK(std::fabs(CaseLog10Lr(c, *all_records, UntypedFounders::kExact) - want) > 1e-6);
    }
    ++checked;
  }
  CHECK(checked == 266);
  CHECK(differ_from_exact == 40);
}
