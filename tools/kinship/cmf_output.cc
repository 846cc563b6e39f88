#include "cmf_output.h"

#include <cstdio>

#include "atomic_output.h"
#include "kinship/io.h"

namespace kinship::cli {

absl::Status WriteProfilesAsCmf(const std::string& profiles_path, const std::string& out_path,
                                const CmfHeader& header, Diagnostics* diag) {
  absl::StatusOr<std::vector<GenotypeRecord>> records = ReadProfileRecords(profiles_path, diag);
  if (!records.ok()) return records.status();
  absl::StatusOr<std::string> text = FormatCmf(*records, header);
  if (!text.ok()) return text.status();
  AtomicOutput out;
  if (absl::Status st = out.Open(out_path); !st.ok()) return st;
  if (std::fwrite(text->data(), 1, text->size(), out.file()) != text->size())
    return absl::DataLossError(out_path + ": cannot write the CMF output");
  return out.Commit();
}

}  // namespace kinship::cli
