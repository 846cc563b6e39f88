// Private: SHA-256 (FIPS 180-4), streaming, for the checksums of inputs in reports.
#ifndef KINSHIP_INTERNAL_SHA256_H_
#define KINSHIP_INTERNAL_SHA256_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace kinship::internal {

// Bytes go in with Update, in any number of pieces; HexDigest ends the stream (call it once).
class Sha256 {
 public:
  void Update(const void* data, size_t n);
  void Update(const std::string& s) { Update(s.data(), s.size()); }
  // Lower-case hex digest of everything given to Update.
  std::string HexDigest();
  std::uint64_t byte_ct() const { return length_; }

 private:
  void Compress(const unsigned char* data, size_t blocks);

  std::array<std::uint32_t, 8> h_ = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                     0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  unsigned char block_[64];
  size_t fill_ = 0;
  std::uint64_t length_ = 0;
};

// Lower-case hex digest of `data`.
std::string Sha256Hex(const std::string& data);

// The compression function over `blocks` whole 64-byte blocks, updating `state` (exposed for
// the test that the two implementations agree). Sha256 uses the SHA extensions' version where
// the CPU has them (Intel since Ice Lake and Goldmont, AMD since Zen): about 5 times faster,
// which matters because every byte of every input is hashed for the provenance.
void Sha256CompressPortable(std::uint32_t state[8], const unsigned char* data, size_t blocks);
// False (and nothing done) where the CPU or the compiler lacks the SHA extensions.
bool Sha256CompressShaNi(std::uint32_t state[8], const unsigned char* data, size_t blocks);

}  // namespace kinship::internal

#endif  // KINSHIP_INTERNAL_SHA256_H_
