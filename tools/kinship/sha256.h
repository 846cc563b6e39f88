// SHA-256 of text, for the provenance lines of reports (FIPS 180-4). The inputs' checksums
// are taken while they are read (kinship::Diagnostics::inputs), never by reading a file again.
#ifndef KINSHIP_TOOLS_SHA256_H_
#define KINSHIP_TOOLS_SHA256_H_

#include <string>

namespace kinship::cli {

// Lower-case hex digest of `data`.
std::string Sha256Hex(const std::string& data);

}  // namespace kinship::cli

#endif  // KINSHIP_TOOLS_SHA256_H_
