// Fuzzes ReadMutationRates; every rate it accepts must be in [0, 1) (kinship/io.h), and
// a mutation matrix built from it must be a stochastic matrix.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "fuzz_input.h"
#include "kinship/diagnostics.h"
#include "kinship/io.h"
#include "kinship/mutation.h"
#include "small_table.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace kinship;
  Diagnostics diag;
  auto rates = ReadMutationRates(fuzz::Input().Write(data, size), &diag);
  if (!rates.ok()) return 0;
  static const AlleleFreqTable kTable = fuzz::SmallTable();
  const Locus& th01 = kTable.locus(kTable.FindLocus("TH01"));  // has a microvariant, 9.3
  int built = 0;
  for (const auto& [locus, r] : *rates) {
    KINSHIP_FUZZ_CHECK(r.male >= 0 && r.male < 1);
    KINSHIP_FUZZ_CHECK(r.female >= 0 && r.female < 1);
    if (built++ >= 4) continue;  // a few matrices per input keep the harness fast
    MutationParams params;
    params.model = MutationModel::kStepwise;
    params.rate = r.male;
    params.rate2 = 0.5 * std::min(r.female, 1 - r.male);  // rate + rate2 < 1
    params.range = 0.5;
    auto m = BuildMutationMatrix(th01, params);
    KINSHIP_FUZZ_CHECK(m.ok());
    for (int i = 0; i < m->rows(); ++i) {
      double row_sum = 0;
      for (int j = 0; j < m->cols(); ++j) {
        KINSHIP_FUZZ_CHECK(std::isfinite((*m)(i, j)) && (*m)(i, j) >= 0);
        row_sum += (*m)(i, j);
      }
      KINSHIP_FUZZ_CHECK(std::abs(row_sum - 1) < 1e-9);
    }
  }
  return 0;
}
