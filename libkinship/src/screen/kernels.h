// Private to libkinship (tests and benchmarks may include it): the screen's prefilter
// kernels and the CPU check that chooses between them (see kinship/screen.h for the
// prefilter's bound and Screen for how the kernels are called).
#ifndef KINSHIP_SCREEN_KERNELS_H_
#define KINSHIP_SCREEN_KERNELS_H_

#include <cstdint>

namespace kinship::internal {

// Kernel entry points, for one candidate and a block of victims [0, victim_ct), victim_ct a
// multiple of 64: sum[v] = Σ_i rows[i][codes[i][v]] over the candidate's locus_ct typed loci
// (rows[i]: the 256-byte prefilter row of locus i; codes[i]: the block's code column), and
// bit v of masks[v / 64] set iff
// sum[v] + offset >= threshold[v]. `sums`, when not null, receives the sums. All in int16
// (|sum| <= 128 per locus).
void PrefilterScalar(const std::int8_t* const* rows, const std::uint8_t* const* codes, int locus_ct, int victim_ct,
                     std::int16_t offset, const std::int16_t* threshold, std::uint64_t* masks, std::int16_t* sums);
void PrefilterAvx512(const std::int8_t* const* rows, const std::uint8_t* const* codes, int locus_ct, int victim_ct,
                     std::int16_t offset, const std::int16_t* threshold, std::uint64_t* masks, std::int16_t* sums);
// Whether this CPU has AVX-512 F, BW and VBMI and the library was built with the AVX-512
// kernel (false elsewhere).
bool CpuHasAvx512Vbmi();

}  // namespace kinship::internal

#endif  // KINSHIP_SCREEN_KERNELS_H_
