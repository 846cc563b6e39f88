// AVX-512 VBMI prefilter kernel. This file is compiled with -mavx512f -mavx512bw
// -mavx512vbmi and includes nothing but intrinsics, so that no inline library code built
// for AVX-512 can be picked up by the linker elsewhere; it is only called after the CPU
// check in screen.cc.
#include <immintrin.h>

#include <cstdint>

namespace kinship::internal {

// See screen/kernels.h (internal::Prefilter*). A 256-byte row is held in four registers;
// two 128-byte table permutes (vpermi2b on the code's low 7 bits) and a blend on the code's
// top bit give 64 lookups, sign-extended to int16 and accumulated. Four chunks of 64
// victims share each row load; the pass test is two int16 compares per chunk.
void PrefilterAvx512(const std::int8_t* const* rows, const std::uint8_t* const* codes, int locus_ct, int victim_ct,
                     std::int16_t offset, const std::int16_t* threshold, std::uint64_t* masks,
                     std::int16_t* sums) {
  const __m512i off = _mm512_set1_epi16(offset);
  for (int base = 0; base < victim_ct; base += 256) {
    const int chunks = (victim_ct - base) >= 256 ? 4 : (victim_ct - base) / 64;
    __m512i acc_lo[4], acc_hi[4];
    for (int c = 0; c < 4; ++c) acc_lo[c] = acc_hi[c] = _mm512_setzero_si512();
    for (int i = 0; i < locus_ct; ++i) {
      const std::int8_t* r = rows[i];
      const __m512i t0 = _mm512_loadu_si512(r);
      const __m512i t1 = _mm512_loadu_si512(r + 64);
      const __m512i t2 = _mm512_loadu_si512(r + 128);
      const __m512i t3 = _mm512_loadu_si512(r + 192);
      const std::uint8_t* code = codes[i] + base;
      for (int c = 0; c < chunks; ++c) {
        const __m512i idx = _mm512_loadu_si512(code + 64 * c);
        const __m512i lo = _mm512_permutex2var_epi8(t0, idx, t1);
        const __m512i hi = _mm512_permutex2var_epi8(t2, idx, t3);
        const __mmask64 top = _mm512_movepi8_mask(idx);
        const __m512i v = _mm512_mask_blend_epi8(top, lo, hi);
        acc_lo[c] = _mm512_add_epi16(acc_lo[c], _mm512_cvtepi8_epi16(_mm512_castsi512_si256(v)));
        acc_hi[c] = _mm512_add_epi16(acc_hi[c], _mm512_cvtepi8_epi16(_mm512_extracti64x4_epi64(v, 1)));
      }
    }
    for (int c = 0; c < chunks; ++c) {
      const int at = base + 64 * c;
      if (sums) {
        _mm512_storeu_si512(sums + at, acc_lo[c]);
        _mm512_storeu_si512(sums + at + 32, acc_hi[c]);
      }
      const __mmask32 m_lo = _mm512_cmpge_epi16_mask(_mm512_add_epi16(acc_lo[c], off),
                                                     _mm512_loadu_si512(threshold + at));
      const __mmask32 m_hi = _mm512_cmpge_epi16_mask(_mm512_add_epi16(acc_hi[c], off),
                                                     _mm512_loadu_si512(threshold + at + 32));
      masks[at / 64] = static_cast<std::uint64_t>(m_lo) | (static_cast<std::uint64_t>(m_hi) << 32);
    }
  }
}

}  // namespace kinship::internal
