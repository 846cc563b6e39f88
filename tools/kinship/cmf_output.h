// A profile file written as CODIS CMF XML, for a command that converts profiles (e.g.
// `kinship convert --profiles FILE --to cmf --out OUT.xml`).
#ifndef KINSHIP_TOOLS_CMF_OUTPUT_H_
#define KINSHIP_TOOLS_CMF_OUTPUT_H_

#include <string>

#include "absl/status/status.h"
#include "kinship/cmf.h"
#include "kinship/diagnostics.h"

namespace kinship::cli {

// Reads `profiles_path` (any layout of ReadProfileRecords, kinship/io.h: CSV, GeneMapper,
// CMF) and writes its profiles as CMF (FormatCmf, kinship/cmf.h) to `out_path` ("-": standard
// output), committed whole or not at all (atomic_output.h). Each sample's category is its own
// (a CMF input) or `header.default_category`. The readers' and FormatCmf's errors; the output
// is untouched on error.
absl::Status WriteProfilesAsCmf(const std::string& profiles_path, const std::string& out_path,
                                const CmfHeader& header, Diagnostics* diag);

}  // namespace kinship::cli

#endif  // KINSHIP_TOOLS_CMF_OUTPUT_H_
