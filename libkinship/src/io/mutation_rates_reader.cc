// Reader for per-locus mutation rates: CSV `locus,rate` or `locus,rate_male,rate_female`.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "internal/csv.h"
#include "internal/status_macros.h"
#include "kinship/io.h"
#include "kinship/mutation.h"

namespace kinship {

using internal::LineReader;
using internal::Lower;
using internal::SplitFields;

absl::StatusOr<std::map<std::string, LocusRates>> ReadMutationRates(const std::string& path,
                                                                   Diagnostics* diag) {
  LineReader in;
  KINSHIP_RETURN_IF_ERROR(in.Open(path));
  std::string line;
  if (!in.Next(&line)) return in.FileError("empty file; expected a header locus,rate_male,rate_female");
  std::vector<std::string> header, f;
  if (!SplitFields(line, ',', &header)) return in.Error("unterminated quote");
  int c_locus = -1, c_rate = -1, c_male = -1, c_female = -1;
  for (int i = 0; i < static_cast<int>(header.size()); ++i) {
    std::string h = Lower(header[i]);
    if (h == "locus") c_locus = i;
    else if (h == "rate") c_rate = i;
    else if (h == "rate_male" || h == "paternal_rate") c_male = i;
    else if (h == "rate_female" || h == "maternal_rate") c_female = i;
  }
  if (c_locus < 0 || (c_rate < 0 && (c_male < 0 || c_female < 0)))
    return in.Error("header must name columns locus and rate, or locus, rate_male and rate_female");
  std::map<std::string, LocusRates> out;
  std::set<std::string> renamed;
  auto parse = [&](int col, double* v) -> absl::Status {
    if (!internal::ParseDouble(f[col], v) || *v < 0 || *v >= 1)
      return in.Error(absl::StrCat(header[col], " '", f[col], "'; expected a rate in [0, 1)"));
    return absl::OkStatus();
  };
  while (in.Next(&line)) {
    if (!SplitFields(line, ',', &f)) return in.Error("unterminated quote");
    if (f.size() != header.size())
      return in.Error(absl::StrCat("found ", f.size(), " fields; expected ", header.size()));
    if (f[c_locus].empty()) return in.Error("empty locus name; expected a locus such as TH01");
    KINSHIP_RETURN_IF_ERROR(internal::CheckText(in, "locus name", f[c_locus]));
    std::string name = CanonicalLocusName(f[c_locus]);
    if (name != f[c_locus] && renamed.insert(f[c_locus]).second)
      diag->Info(absl::StrCat(path, ": locus '", f[c_locus], "' read as '", name, "'"));
    LocusRates r{};
    if (c_rate >= 0) {
      KINSHIP_RETURN_IF_ERROR(parse(c_rate, &r.male));
      r.female = r.male;
    } else {
      KINSHIP_RETURN_IF_ERROR(parse(c_male, &r.male));
      KINSHIP_RETURN_IF_ERROR(parse(c_female, &r.female));
    }
    if (!out.emplace(name, r).second)
      return in.Error(absl::StrCat("locus ", name, " is listed twice; expected one row per locus"));
  }
  if (in.read_error()) return in.FileError("read error");
  if (out.empty()) return in.FileError("no rates; expected at least one data row after the header");
  in.RecordInput(diag);
  return out;
}

}  // namespace kinship
