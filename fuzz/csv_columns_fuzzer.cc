// Fuzzes ReadCsvColumns (tools/kinship/cli_common.cc), the reader of the pairs file
// (`lr --pairs`) and the cases file (`lr --cases`), with both headers on every input.
// What it accepts has one field per column, required fields non-empty.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "cli_common.h"
#include "fuzz_input.h"

namespace {

void ReadAndCheck(const std::string& path, const std::vector<std::string>& required,
                  const std::vector<std::string>& optional) {
  auto rows = kinship::cli::ReadCsvColumns(path, required, optional);
  if (!rows.ok()) return;
  for (const kinship::cli::CsvRow& row : *rows) {
    KINSHIP_FUZZ_CHECK(row.fields.size() == required.size() + optional.size());
    for (size_t i = 0; i < required.size(); ++i) KINSHIP_FUZZ_CHECK(!row.fields[i].empty());
    KINSHIP_FUZZ_CHECK(row.where.rfind(path + ":", 0) == 0);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string& path = kinship::fuzz::Input().Write(data, size);
  // The headers of lr_cmd.cc: pairs, then cases.
  ReadAndCheck(path, {"id1", "id2", "relationship"}, {"alternative", "sex1", "sex2"});
  ReadAndCheck(path, {"family", "missing_id", "sample_id"}, {});
  return 0;
}
