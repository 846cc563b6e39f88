// Fuzzes ReadProfileRecords (long CSV, GeneMapper ID-X tab-separated exports and CODIS CMF
// XML, which libxml2 parses: nothing the input says may make it read elsewhere), then
// BuildProfileSet against a small table, with imputation and with a frozen table. What it
// accepts must be consistent: every genotype is untyped, a valid index at its locus, or a
// failed-allele wildcard (a,F) naming an observable allele of the locus,
// imputed frequencies are in [kMinFrequency, 1), and the chunked reader gives the same
// records as the whole-file reader; and what FormatCmf writes of the records reads back
// as the same genotypes.
#include <cstddef>
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_input.h"
#include "kinship/cmf.h"
#include "kinship/diagnostics.h"
#include "kinship/io.h"
#include "kinship/profile.h"
#include "small_table.h"

namespace {

void CheckSet(const kinship::ProfileSet& set, const kinship::AlleleFreqTable& table) {
  KINSHIP_FUZZ_CHECK(set.locus_ct() == table.locus_ct());
  for (int l = 0; l < set.locus_ct(); ++l) {
    const kinship::Locus& locus = table.locus(l);
    for (int a = 0; a < locus.allele_ct(); ++a)
      KINSHIP_FUZZ_CHECK(locus.freq(a) >= kinship::kMinFrequency && locus.freq(a) <= 1);
    for (int s = 0; s < set.sample_ct(); ++s) {
      kinship::GenotypeIdx g = set.genotype(l, s);
      KINSHIP_FUZZ_CHECK(g == kinship::kUntyped || g < locus.genotype_ct() ||
                         (kinship::IsWildcard(g) && kinship::WildcardAllele(g) < locus.allele_ct() &&
                          locus.observable(kinship::WildcardAllele(g))));
    }
  }
  for (int s = 0; s < set.sample_ct(); ++s) KINSHIP_FUZZ_CHECK(set.FindSample(set.sample_id(s)) == s);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace kinship;
  static const AlleleFreqTable kTable = fuzz::SmallTable();
  const std::string& path = fuzz::Input().Write(data, size);
  Diagnostics diag;
  auto records = ReadProfileRecords(path, &diag);

  // The chunked reader (used by the CLI) must agree with the whole-file reader.
  std::vector<GenotypeRecord> chunked;
  Diagnostics diag_chunked;
  absl::Status st = ReadProfileRecordsInChunks(path, &diag_chunked, 3, [&](std::vector<GenotypeRecord>* batch) {
    KINSHIP_FUZZ_CHECK(batch->size() <= 3);
    chunked.insert(chunked.end(), batch->begin(), batch->end());
    return absl::OkStatus();
  });
  KINSHIP_FUZZ_CHECK(st.ok() == records.ok());
  if (!records.ok()) return 0;
  KINSHIP_FUZZ_CHECK(chunked.size() == records->size());
  for (size_t i = 0; i < chunked.size(); ++i) {
    const GenotypeRecord& a = chunked[i];
    const GenotypeRecord& b = (*records)[i];
    KINSHIP_FUZZ_CHECK(a.sample_id == b.sample_id && a.locus == b.locus && a.allele1 == b.allele1 &&
                       a.allele2 == b.allele2 && a.line == b.line);
    KINSHIP_FUZZ_CHECK(!a.category == !b.category && (!a.category || *a.category == *b.category));
    // Only CMF records carry a category, and CMF ids are never empty.
    KINSHIP_FUZZ_CHECK(!b.category || (!b.sample_id.empty() && !b.locus.empty()));
  }

  // What the CMF writer accepts reads back as the same genotypes (typed records, Y markers
  // aside; a sample's records gathered, so compared as sorted lists) and categories.
  {
    CmfHeader header;
    auto text = FormatCmf(*records, header);
    KINSHIP_FUZZ_CHECK(text.ok() || text.status().code() == absl::StatusCode::kInvalidArgument);
    if (text.ok()) {
      auto keys = [&](const std::vector<GenotypeRecord>& rs) {
        std::vector<std::string> k;
        for (const GenotypeRecord& r : rs)
          if (!r.allele1.empty() && !(IsSexOrYMarker(r.locus) && !IsAmelogenin(r.locus)))
            k.push_back(r.sample_id + '\x1f' + r.locus + '\x1f' + r.allele1 + '\x1f' + r.allele2 + '\x1f' +
                        (r.category ? *r.category : header.default_category));
        std::sort(k.begin(), k.end());
        return k;
      };
      const std::vector<std::string> want = keys(*records);
      const std::string& again = fuzz::Input().Write(reinterpret_cast<const std::uint8_t*>(text->data()), text->size());
      Diagnostics back_diag;
      auto back = ReadProfileRecords(again, &back_diag);
      KINSHIP_FUZZ_CHECK(back.ok() || want.empty());
      if (back.ok()) KINSHIP_FUZZ_CHECK(keys(*back) == want);
      fuzz::Input().Write(data, size);  // the input again, for what follows
    }
  }

  for (bool frozen : {false, true}) {
    AlleleFreqTable table = kTable;
    ProfileBuildOptions options;
    options.frozen_table = frozen;
    options.rescale_after_imputation = !frozen;
    Diagnostics build_diag;
    auto set = BuildProfileSet(*records, options, &table, &build_diag);
    if (set.ok()) CheckSet(*set, table);
  }
  return 0;
}
