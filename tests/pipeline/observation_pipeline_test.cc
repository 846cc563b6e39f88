// The observation model end to end: every case of tests/data/validation-observation (drop-out,
// drop-in, failed and silent alleles; brute-force values) through `kinship lr`'s library call
// (ComputeLrs, pairs and missing-person cases) to 1e-9 in log10 LR, and through the screen
// (Match, where an uncertain victim is an observation column of the score tables and an
// uncertain reference enters its row or its family's table) equal to ComputeLrs to 1e-12.
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "kinship/io.h"
#include "kinship/lr.h"
#include "kinship/match.h"
#include "stats/validation_util.h"
#include "test_util.h"

using namespace kinship;

namespace {

using testing::ParseLog10;
using testing::ParseTyped;
using testing::ReadCsv;
const std::string kDir = std::string(KINSHIP_TEST_DATA_DIR) + "/validation-observation/";

ModelOptions CaseModel(std::map<std::string, std::string>& c) {
  ModelOptions m;
  m.freqs_path = kDir + c["freq_file"];
  m.theta = std::stod(c["theta"]);
  if (c["mut_model"] != "none") {
    auto model = ParseMutationModel(c["mut_model"]);
    REQUIRE(model.ok());
    m.mutation_model = *model;
    m.mutation_rate = std::stod(c["mut_rate"]);
    if (m.mutation_model == MutationModel::kStepwise) {
      m.mutation_rate2 = std::stod(c["mut_rate2"]);
      m.mutation_range = std::stod(c["mut_range"]);
    }
  }
  return m;
}

const std::map<std::string, std::string> kRelationship = {
    {"peds/rel_PO.ped", "parent-child"}, {"peds/rel_FS.ped", "full-siblings"},
    {"peds/rel_HS.ped", "half-siblings"}, {"peds/rel_GP.ped", "grandparent"},
    {"peds/rel_AV.ped", "avuncular"},     {"peds/rel_FC.ped", "first-cousins"}};

std::vector<GenotypeRecord> RecordsOf(const std::vector<GenotypeRecord>& all, const std::string& sample) {
  std::vector<GenotypeRecord> out;
  for (const GenotypeRecord& r : all)
    if (r.sample_id == sample) out.push_back(r);
  return out;
}

// The match of `req` for its one victim and one candidate (every pair reported).
double Screened(MatchRequest req) {
  req.min_log10_lr = -INFINITY;
  req.top_k = 10;
  Diagnostics diag;
  auto m = Match(req, &diag);
  INFO(m.status().ToString());
  REQUIRE(m.ok());
  REQUIRE(m->rows.size() == 1);
  return m->rows[0].log10_lr;
}

void CheckEqual(double got, double want, double margin) {
  if (std::isinf(want)) {
    CHECK(got == want);
  } else {
    CHECK(got == Approx(want).margin(margin).epsilon(0));
  }
}

}  // namespace

TEST_CASE("Observation cases through ComputeLrs match the vectors, and the screen matches ComputeLrs",
          "[pipeline][observation][golden]") {
  auto cases = ReadCsv(kDir + "cases.csv");
  Diagnostics ignored;
  auto all_records = ReadProfileRecords(kDir + "profiles.csv", &ignored);
  REQUIRE(all_records.ok());
  testing::TempDir tmp;
  int pairs = 0, missing_person = 0;
  for (auto& c : cases) {
    INFO("case " << c["case_id"] << " " << c["kind"] << " " << c["h1_ped"] << " " << c["mut_model"] << " theta "
                 << c["theta"]);
    auto typed = ParseTyped(c["typed"]);
    const std::string obs_path = c["obs_file"].empty() ? "" : kDir + c["obs_file"];
    const double want = ParseLog10(c["log10_lr"]);
    if (kRelationship.count(c["h1_ped"])) {
      const std::string rel = kRelationship.at(c["h1_ped"]);
      LrRequest lr;
      lr.model = CaseModel(c);
      lr.profiles = {ProfileSource::Records(*all_records)};
      lr.pairs = {PairQuery::Of(typed["A"], typed["B"], rel)};
      lr.observation_path = obs_path;
      Diagnostics diag;
      auto got = ComputeLrs(lr, &diag);
      INFO(got.status().ToString());
      REQUIRE(got.ok());
      testing::CheckLog10(got->rows[0].log10_lr, want);
      // The screen: B the victim, A the reference.
      MatchRequest m;
      m.model = lr.model;
      m.victims = {ProfileSource::Records(RecordsOf(*all_records, typed["B"]))};
      m.references = {ProfileSource::Records(RecordsOf(*all_records, typed["A"]))};
      m.relationships = {rel};
      m.observation_path = obs_path;
      CheckEqual(Screened(m), got->rows[0].log10_lr, 1e-12);
      ++pairs;
      continue;
    }
    // A missing-person case: the H2 pedigree's family FAM, the victim V apart.
    const Pedigree h2 = testing::ReadHypothesis(kDir + c["h2_ped"]);
    std::string peds = "family,id,father,mother,sex,sample_id,missing\n";
    std::vector<GenotypeRecord> refs;
    for (const Person& p : h2.persons()) {
      if (p.id == "V") continue;
      const std::string sample = typed.count(p.id) ? typed[p.id] : "";
      peds += "FAM," + p.id + "," + (p.father >= 0 ? h2.person(p.father).id : "0") + "," +
              (p.mother >= 0 ? h2.person(p.mother).id : "0") + "," + (p.sex == Sex::kFemale ? "2" : "1") + "," +
              sample + "," + (p.id == "MP" ? "1" : "0") + "\n";
      if (!sample.empty())
        for (const GenotypeRecord& r : RecordsOf(*all_records, sample)) refs.push_back(r);
    }
    const std::string peds_path = tmp.Write(c["case_id"] + "_peds.csv", peds);
    LrRequest lr;
    lr.model = CaseModel(c);
    lr.profiles = {ProfileSource::Records(*all_records)};
    lr.pedigrees_path = peds_path;
    lr.cases = {{"FAM", "MP", typed["V"], ""}};
    lr.observation_path = obs_path;
    Diagnostics diag;
    auto got = ComputeLrs(lr, &diag);
    INFO(got.status().ToString());
    REQUIRE(got.ok());
    testing::CheckLog10(got->rows[0].log10_lr, want);
    MatchRequest m;
    m.model = lr.model;
    m.victims = {ProfileSource::Records(RecordsOf(*all_records, typed["V"]))};
    m.pedigrees_path = peds_path;
    m.family_profiles = {ProfileSource::Records(refs)};
    m.observation_path = obs_path;
    CheckEqual(Screened(m), got->rows[0].log10_lr, 1e-12);
    ++missing_person;
  }
  CHECK(pairs == 87);
  CHECK(missing_person == 79);
}
