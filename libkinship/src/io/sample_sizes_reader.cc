// Reader for per-locus sample sizes: CSV `locus,n_individuals` or
// `file,locus,n_individuals[,n_alleles]`.
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "internal/csv.h"
#include "internal/status_macros.h"
#include "kinship/io.h"

namespace kinship {

using internal::LineReader;
using internal::Lower;
using internal::ParseInt;
using internal::SplitFields;

absl::Status ReadSampleSizes(const std::string& path, const std::string& freq_file_name,
                             AlleleFreqTable* table, Diagnostics* diag) {
  LineReader in;
  KINSHIP_RETURN_IF_ERROR(in.Open(path));
  std::string line;
  if (!in.Next(&line)) return in.FileError("empty file; expected a header locus,n_individuals");
  std::vector<std::string> header, f;
  if (!SplitFields(line, ',', &header)) return in.Error("unterminated quote");
  int c_file = -1, c_locus = -1, c_n = -1;
  for (int i = 0; i < static_cast<int>(header.size()); ++i) {
    std::string h = Lower(header[i]);
    if (h == "file") c_file = i;
    else if (h == "locus") c_locus = i;
    else if (h == "n_individuals" || h == "n") c_n = i;
  }
  if (c_locus < 0 || c_n < 0)
    return in.Error("header must name columns locus and n_individuals (and optionally file)");
  std::set<std::string> unknown, seen;
  int used = 0;
  while (in.Next(&line)) {
    if (!SplitFields(line, ',', &f)) return in.Error("unterminated quote");
    if (f.size() != header.size())
      return in.Error(absl::StrCat("found ", f.size(), " fields; expected ", header.size()));
    if (c_file >= 0 && f[c_file] != freq_file_name) continue;
    KINSHIP_RETURN_IF_ERROR(internal::CheckText(in, "locus name", f[c_locus]));
    long n;
    if (!ParseInt(f[c_n], &n) || n < 3 || n > 1000000000L)
      return in.Error(absl::StrCat("n_individuals '", f[c_n], "'; expected an integer from 3 to 1e9 (so that 5/(2N) < 1)"));
    std::string name = CanonicalLocusName(f[c_locus]);
    int li = table->FindLocus(name);
    if (li < 0) {
      unknown.insert(name);
      continue;
    }
    if (!seen.insert(name).second)
      return in.Error(absl::StrCat("locus ", name, " is listed twice; expected one sample size per locus"));
    table->mutable_locus(li).set_sample_size(static_cast<int>(n));
    ++used;
  }
  if (in.read_error()) return in.FileError("read error");
  in.RecordInput(diag);
  if (used == 0)
    return absl::FailedPreconditionError(absl::StrCat(
        path, ": no sample size applies to the frequency table ", freq_file_name,
        "; expected rows for its loci", c_file >= 0 ? " with file = its file name" : ""));
  for (const std::string& u : unknown)
    diag->Info(absl::StrCat(path, ": sample size for locus ", u, " ignored (not in the frequency table)"));
  return absl::OkStatus();
}

}  // namespace kinship
