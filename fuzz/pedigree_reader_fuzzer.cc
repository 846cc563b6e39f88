// Fuzzes ReadPedigrees, then checks what it accepted with Pedigree::Validate and runs
// the engine on it at one 2-allele locus (members with a sample_id typed with a genotype
// derived from it), without and with mutation, under tight EngineLimits so that no input
// can make an execution slow. A likelihood must be a probability (log10 <= 0, never
// NaN); a family table must hold no NaN.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "fuzz_input.h"
#include "kinship/diagnostics.h"
#include "kinship/io.h"
#include "kinship/locus.h"
#include "kinship/mutation.h"
#include "kinship/pedigree.h"
#include "kinship/pedigree_lr.h"

namespace {

using namespace kinship;

// Pedigrees up to this size go through the engine (the elimination order's cost grows
// faster than linearly; large pedigrees are the business of the engine's own tests).
constexpr int kMaxEngineMembers = 64;

std::vector<PedigreeLocusModel> Models(const MutationSpec& mutation, double theta) {
  AlleleFreqTable t;
  Locus l("L");
  l.AddAllele("10", 0.3);
  l.AddAllele("11", 0.7);
  t.AddLocus(std::move(l));
  auto models = BuildPedigreeModels(t, mutation, theta);
  KINSHIP_FUZZ_CHECK(models.ok() && models->size() == 1);
  return *models;
}

const std::vector<PedigreeLocusModel>& AllModels() {
  static const auto* models = [] {
    auto* m = new std::vector<PedigreeLocusModel>;
    MutationSpec none;
    MutationSpec equal;
    equal.male = {MutationModel::kEqual, 0.01};
    equal.female = {MutationModel::kEqual, 0.002};
    m->push_back(Models(none, 0)[0]);
    m->push_back(Models(equal, 0)[0]);
    m->push_back(Models(none, 0.02)[0]);
    return m;
  }();
  return *models;
}

void RunEngine(const Pedigree& ped) {
  EngineLimits limits;
  limits.max_factor_entries = 1 << 12;
  limits.max_meioses_theta = 8;
  limits.max_untyped_founder_alleles_theta = 4;
  std::vector<GenotypeIdx> g(ped.size(), kUntyped);
  for (int i = 0; i < ped.size(); ++i) {
    const Person& p = ped.person(i);
    if (!p.sample_id.empty()) g[i] = static_cast<GenotypeIdx>(std::hash<std::string>()(p.sample_id) % 3);
  }
  const std::vector<int> mps = ped.MissingPersons();
  for (const PedigreeLocusModel& model : AllModels()) {
    auto log10_lik = PedigreeLog10Likelihood(ped, g, model, limits);
    if (log10_lik.ok()) KINSHIP_FUZZ_CHECK(!std::isnan(*log10_lik) && *log10_lik <= 1e-9);
    if (mps.empty()) continue;
    auto table = FamilyLog10Table(ped, g, mps[0], model, limits);
    if (!table.ok()) continue;
    KINSHIP_FUZZ_CHECK(table->size() == 3);
    for (double v : *table) KINSHIP_FUZZ_CHECK(!std::isnan(v));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Diagnostics diag;
  const std::string& path = fuzz::Input().Write(data, size);
  auto peds = ReadPedigrees(path, /*require_missing=*/false, &diag);
  Diagnostics diag_mp;
  auto peds_mp = ReadPedigrees(path, /*require_missing=*/true, &diag_mp);
  // Requiring a missing person can only refuse more.
  if (peds_mp.ok()) KINSHIP_FUZZ_CHECK(peds.ok());
  if (!peds.ok()) return 0;
  for (const Pedigree& ped : *peds) {
    // The reader refuses what Validate refuses (kinship/pedigree.h).
    KINSHIP_FUZZ_CHECK(ped.Validate().ok());
    for (int i = 0; i < ped.size(); ++i) KINSHIP_FUZZ_CHECK(ped.Find(ped.person(i).id) == i);
    if (ped.size() <= kMaxEngineMembers) RunEngine(ped);
  }
  return 0;
}
