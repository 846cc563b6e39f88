// Fuzzes ReadFamiliasFile (Familias .fam case files), then what kinship builds from an accepted
// case: CheckFamiliasSupported, FamiliasFrequencyTable, FamiliasPedigrees (each must pass
// Pedigree::Validate) and, for small cases under tight EngineLimits, ComputeFamiliasLrs in
// both untyped-founder conventions: no NaN, the reference's own LR 1 (log10 0) at every locus.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_input.h"
#include "kinship/diagnostics.h"
#include "kinship/familias.h"

namespace {
using namespace kinship;
constexpr int kMaxEngineMembers = 24;
constexpr size_t kMaxEngineLoci = 4;
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Diagnostics diag;
  const std::string& path = fuzz::Input().Write(data, size);
  auto fam = ReadFamiliasFile(path, &diag);
  if (!fam.ok()) return 0;
  // Indices the reader accepted are in range.
  for (const FamPerson& p : fam->persons)
    for (const FamGenotype& g : p.genotypes) {
      KINSHIP_FUZZ_CHECK(g.locus >= 0 && g.locus < static_cast<int>(fam->database.loci.size()));
      const int n = static_cast<int>(fam->database.loci[g.locus].alleles.size());
      KINSHIP_FUZZ_CHECK(g.allele1 >= 0 && g.allele1 < n && g.allele2 >= 0 && g.allele2 < n);
    }
  for (const FamLocus& L : fam->database.loci) KINSHIP_FUZZ_CHECK(L.alleles.size() == L.freqs.size());
  auto table = FamiliasFrequencyTable(*fam);
  auto peds = FamiliasPedigrees(*fam);
  if (!table.ok() || !peds.ok()) return 0;
  KINSHIP_FUZZ_CHECK(table->locus_ct() == static_cast<int>(fam->database.loci.size()));
  int largest = 0;
  for (const Pedigree& ped : *peds) {
    KINSHIP_FUZZ_CHECK(ped.Validate().ok());
    largest = std::max(largest, ped.size());
  }
  if (!CheckFamiliasSupported(*fam).ok() || largest > kMaxEngineMembers || fam->database.loci.size() > kMaxEngineLoci)
    return 0;
  for (UntypedFounders mode : {UntypedFounders::kExact, UntypedFounders::kFamilias}) {
    FamiliasLrOptions opts;
    opts.untyped_founders = mode;
    opts.limits.max_factor_entries = 1 << 12;
    opts.limits.max_meioses_theta = 8;
    opts.limits.max_untyped_founder_alleles_theta = 4;
    auto lrs = ComputeFamiliasLrs(*fam, opts, &diag);
    if (!lrs.ok()) continue;
    KINSHIP_FUZZ_CHECK(lrs->rows.size() == peds->size());
    for (const FamiliasLrRow& r : lrs->rows) {
      KINSHIP_FUZZ_CHECK(!std::isnan(r.log10_lr));
      for (double v : r.per_locus) KINSHIP_FUZZ_CHECK(!std::isnan(v));
      if (r.pedigree == lrs->reference)
        for (double v : r.per_locus) KINSHIP_FUZZ_CHECK(v == 0);
    }
  }
  return 0;
}
