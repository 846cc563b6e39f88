// Fuzzes ReadSampleSizes (both layouts) against a small table; what it accepts must be a
// sample size from 3 to 1e9 (kinship/io.h), on a locus of the table.
#include <cstddef>
#include <cstdint>

#include "fuzz_input.h"
#include "kinship/diagnostics.h"
#include "kinship/io.h"
#include "small_table.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace kinship;
  static const AlleleFreqTable kTable = fuzz::SmallTable();
  AlleleFreqTable table = kTable;
  Diagnostics diag;
  // The base name the seeds' `file` column uses (data/allele_freqs/sample_sizes.csv).
  absl::Status st = ReadSampleSizes(fuzz::Input().Write(data, size), "NIST1036_All.csv", &table, &diag);
  if (!st.ok()) return 0;
  KINSHIP_FUZZ_CHECK(table.locus_ct() == kTable.locus_ct());
  for (const Locus& l : table.loci()) {
    if (!l.sample_size()) continue;
    KINSHIP_FUZZ_CHECK(*l.sample_size() >= 3 && *l.sample_size() <= 1000000000);
  }
  return 0;
}
