// Fuzzes ReadAlleleFreqs (long and wide layouts, N / 2N rows), then checks what it
// accepted: frequencies in [kMinFrequency, 1], and FormatAlleleFreqs reads back to the
// same loci, labels and frequencies bit for bit (the promise of kinship/io.h).
#include <cstddef>
#include <cstdint>
#include <cstdio>

#include "fuzz_input.h"
#include "kinship/diagnostics.h"
#include "kinship/io.h"
#include "kinship/locus.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace kinship;
  Diagnostics diag;
  auto table = ReadAlleleFreqs(fuzz::Input().Write(data, size), &diag);
  if (!table.ok()) return 0;
  for (const Locus& l : table->loci()) {
    for (int a = 0; a < l.allele_ct(); ++a)
      KINSHIP_FUZZ_CHECK(l.freq(a) >= kMinFrequency && l.freq(a) <= 1);
  }
  (void)CheckFrequencySums(*table, "fuzz", 1e-3, /*allow=*/true, &diag);

  const std::string text = FormatAlleleFreqs(*table);
  Diagnostics diag2;
  auto back = ReadAlleleFreqs(
      fuzz::Input().Write(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()), &diag2);
  if (!back.ok()) {
    std::fprintf(stderr, "%s\nwritten:\n", back.status().ToString().c_str());
    std::fwrite(text.data(), 1, text.size(), stderr);
  }
  KINSHIP_FUZZ_CHECK(back.ok());
  KINSHIP_FUZZ_CHECK(back->locus_ct() == table->locus_ct());
  for (int i = 0; i < table->locus_ct(); ++i) {
    const Locus& a = table->locus(i);
    const Locus& b = back->locus(i);
    KINSHIP_FUZZ_CHECK(a.name() == b.name());
    KINSHIP_FUZZ_CHECK(a.labels() == b.labels());
    KINSHIP_FUZZ_CHECK(a.freqs() == b.freqs());
  }
  return 0;
}
