// Reading the acceptance vectors of tests/data/validation (see its README).
#ifndef KINSHIP_TESTS_STATS_VALIDATION_UTIL_H_
#define KINSHIP_TESTS_STATS_VALIDATION_UTIL_H_

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "internal/csv.h"
#include "kinship/diagnostics.h"
#include "kinship/io.h"
#include "kinship/pedigree.h"
#include "kinship/profile.h"

namespace kinship::testing {

inline const std::string kValidationDir = std::string(KINSHIP_TEST_DATA_DIR) + "/validation/";

// A CSV file as rows of column name -> value.
inline std::vector<std::map<std::string, std::string>> ReadCsv(const std::string& path) {
  internal::LineReader in;
  REQUIRE(in.Open(path).ok());
  std::string line;
  std::vector<std::string> header, f;
  REQUIRE(in.Next(&line));
  REQUIRE(internal::SplitFields(line, ',', &header));
  std::vector<std::map<std::string, std::string>> rows;
  while (in.Next(&line)) {
    REQUIRE(internal::SplitFields(line, ',', &f));
    REQUIRE(f.size() == header.size());
    std::map<std::string, std::string> row;
    for (size_t i = 0; i < f.size(); ++i) row[header[i]] = f[i];
    rows.push_back(row);
  }
  return rows;
}

// The vectors write an exclusion as -Inf (R's spelling).
inline double ParseLog10(const std::string& s) {
  if (s == "-Inf") return -INFINITY;
  if (s == "Inf") return INFINITY;
  return std::stod(s);
}

// The acceptance criterion: 1e-9 absolute in log10 LR, and -inf exactly.
inline void CheckLog10(double got, double want) {
  if (std::isinf(want)) {
    REQUIRE(got == want);
  } else {
    REQUIRE(std::isfinite(got));
    REQUIRE(got == Approx(want).margin(1e-9).epsilon(0));
  }
}

// All families of a hypothesis file (`path`) as one pedigree (ids are unique across them).
inline Pedigree ReadHypothesis(const std::string& path) {
  Diagnostics diag;
  auto fams = ReadPedigrees(path, /*require_missing=*/false, &diag);
  REQUIRE(fams.ok());
  Pedigree all("H");
  for (const Pedigree& f : *fams) {
    const int offset = all.size();
    for (const Person& p : f.persons()) {
      Person q = p;
      if (q.father >= 0) q.father += offset, q.mother += offset;
      REQUIRE(all.Find(q.id) < 0);
      all.Add(q);
    }
  }
  return all;
}

// The `typed` column of cases.csv: `ID=sample_id;...` as a map.
inline std::map<std::string, std::string> ParseTyped(const std::string& typed) {
  std::map<std::string, std::string> out;
  size_t start = 0;
  while (start < typed.size()) {
    size_t semi = typed.find(';', start);
    std::string item = typed.substr(start, semi == std::string::npos ? std::string::npos : semi - start);
    size_t eq = item.find('=');
    out[item.substr(0, eq)] = item.substr(eq + 1);
    if (semi == std::string::npos) break;
    start = semi + 1;
  }
  return out;
}

// A case's profiles: the records of the samples named in `typed` (member -> sample), bound to
// `table` (imputation may add alleles to it).
inline ProfileSet CaseProfiles(const std::vector<GenotypeRecord>& all_records,
                               const std::map<std::string, std::string>& typed, AlleleFreqTable* table) {
  std::vector<GenotypeRecord> records;
  for (const GenotypeRecord& r : all_records)
    for (const auto& [member, sample] : typed)
      if (r.sample_id == sample) records.push_back(r);
  Diagnostics diag;
  auto profiles = BuildProfileSet(records, ProfileBuildOptions{}, table, &diag);
  REQUIRE(profiles.ok());
  return std::move(*profiles);
}

}  // namespace kinship::testing

#endif  // KINSHIP_TESTS_STATS_VALIDATION_UTIL_H_
