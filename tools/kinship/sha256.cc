#include "sha256.h"

#include "internal/sha256.h"

namespace kinship::cli {

std::string Sha256Hex(const std::string& data) { return internal::Sha256Hex(data); }

}  // namespace kinship::cli
