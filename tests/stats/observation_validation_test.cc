// The acceptance vectors of the observation model (tests/data/validation-observation, computed
// by an independent brute-force implementation: drop-out, drop-in, failed and silent alleles)
// through the pedigree engine, from each case's H1 and H2 pedigree files: log10 LR to 1e-9,
// total and per locus, and -inf exactly. Members whose observation is uncertain enter as
// evidence (kEvidence); the others as their genotypes.
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "kinship/io.h"
#include "kinship/observation.h"
#include "kinship/pedigree.h"
#include "kinship/pedigree_lr.h"
#include "kinship/profile.h"
#include "stats/validation_util.h"

using namespace kinship;

namespace {

using testing::CheckLog10;
using testing::ParseLog10;
using testing::ParseTyped;
using testing::ReadCsv;
const std::string kDir = std::string(KINSHIP_TEST_DATA_DIR) + "/validation-observation/";

MutationSpec CaseMutation(std::map<std::string, std::string>& c) {
  MutationSpec mut;
  if (c["mut_model"] != "none") {
    auto model = ParseMutationModel(c["mut_model"]);
    REQUIRE(model.ok());
    mut.male = mut.female = {*model, std::stod(c["mut_rate"]), std::stod(c["mut_rate2"]), std::stod(c["mut_range"])};
  }
  return mut;
}

// One hypothesis' input at a locus: every typed member's observation, certain or as evidence.
struct LocusInput {
  std::vector<GenotypeIdx> g;
  std::vector<std::vector<double>> evidence;
  EngineLimits limits;
};

void Fill(const Pedigree& ped, const std::map<std::string, std::string>& typed, const ProfileSet& profiles,
          const ObservationTable& obs, const Locus& locus, int l, LocusInput* in) {
  in->g.assign(ped.size(), kUntyped);
  in->evidence.assign(ped.size(), {});
  for (const auto& [member, sample] : typed) {
    const int i = ped.Find(member);
    REQUIRE(i >= 0);
    in->g[i] = EngineObservation(locus, profiles.genotype(l, profiles.FindSample(sample)), obs.Get(sample, l),
                                 &in->evidence[i]);
  }
  in->limits.evidence = &in->evidence;
}

}  // namespace

TEST_CASE("Every observation validation case matches the brute-force implementation through the engine",
          "[stats][golden][observation]") {
  auto cases = ReadCsv(kDir + "cases.csv");
  std::map<std::string, std::map<std::string, double>> per_locus;
  for (auto& r : ReadCsv(kDir + "per_locus.csv")) per_locus[r["case_id"]][r["locus"]] = ParseLog10(r["log10_lr"]);
  Diagnostics ignored;
  auto all_records = ReadProfileRecords(kDir + "profiles.csv", &ignored);
  REQUIRE(all_records.ok());
  int checked = 0, evidence_loci = 0, exclusions = 0;
  std::map<std::string, int> by_kind;
  for (auto& c : cases) {
    INFO("case " << c["case_id"] << " " << c["kind"] << " " << c["h1_ped"] << " " << c["mut_model"] << " theta "
                 << c["theta"]);
    const Pedigree h1 = testing::ReadHypothesis(kDir + c["h1_ped"]);
    const Pedigree h2 = testing::ReadHypothesis(kDir + c["h2_ped"]);
    auto typed = ParseTyped(c["typed"]);
    Diagnostics diag;
    auto table = ReadAlleleFreqs(kDir + c["freq_file"], &diag);
    REQUIRE(table.ok());
    const ProfileSet profiles = testing::CaseProfiles(*all_records, typed, &*table);
    ObservationTable obs;
    if (!c["obs_file"].empty()) {
      auto read = ReadObservations(kDir + c["obs_file"], *table, &diag);
      REQUIRE(read.ok());
      obs = std::move(*read);
      REQUIRE(CheckObservationSamples(obs, {&profiles}, c["obs_file"]).ok());
    }
    auto models = BuildPedigreeModels(*table, CaseMutation(c), std::stod(c["theta"]));
    REQUIRE(models.ok());
    double total = 0;
    for (int l = 0; l < table->locus_ct(); ++l) {
      const Locus& locus = table->locus(l);
      LocusInput in1, in2;
      Fill(h1, typed, profiles, obs, locus, l, &in1);
      Fill(h2, typed, profiles, obs, locus, l, &in2);
      for (GenotypeIdx x : in1.g) evidence_loci += x == kEvidence;
      auto l1 = PedigreeLog10Likelihood(h1, in1.g, (*models)[l], in1.limits);
      auto l2 = PedigreeLog10Likelihood(h2, in2.g, (*models)[l], in2.limits);
      REQUIRE(l1.ok());
      REQUIRE(l2.ok());
      REQUIRE(std::isfinite(*l2));
      const double log10_lr = *l1 - *l2;
      for (auto& [locus_name, want] : per_locus[c["case_id"]])
        if (CanonicalLocusName(locus_name) == locus.name()) {
          INFO("locus " << locus.name());
          CheckLog10(log10_lr, want);
        }
      total += log10_lr;
    }
    const double want = ParseLog10(c["log10_lr"]);
    CheckLog10(total, want);
    exclusions += std::isinf(want);
    ++checked;
    ++by_kind[c["kind"]];
  }
  CHECK(checked == 166);
  CHECK(by_kind["hard_dropout_exclusion"] == 7);
  CHECK(by_kind["mixed_mp"] == 20);
  CHECK(evidence_loci > 300);
}
