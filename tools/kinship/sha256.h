// SHA-256 of files, for the provenance lines of reports (FIPS 180-4).
#ifndef KINSHIP_TOOLS_SHA256_H_
#define KINSHIP_TOOLS_SHA256_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace kinship::cli {

// Lower-case hex digest of `data`.
std::string Sha256Hex(const std::string& data);
// Digest of a file's bytes; NotFound if it cannot be read.
absl::StatusOr<std::string> Sha256File(const std::string& path);

}  // namespace kinship::cli

#endif  // KINSHIP_TOOLS_SHA256_H_
