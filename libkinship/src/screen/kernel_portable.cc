// Non-x86 builds: the AVX-512 entry point forwards to the scalar kernel (never chosen,
// since CpuHasAvx512Vbmi() is false there).
#include "screen/kernels.h"

namespace kinship::internal {
void PrefilterAvx512(const std::int8_t* const* rows, const std::uint8_t* const* codes, int locus_ct, int victim_ct,
                     std::int16_t offset, const std::int16_t* threshold, std::uint64_t* masks,
                     std::int16_t* sums) {
  PrefilterScalar(rows, codes, locus_ct, victim_ct, offset, threshold, masks, sums);
}
}  // namespace kinship::internal
