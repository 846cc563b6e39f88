// Reading the acceptance vectors of tests/data/validation (see its README).
#ifndef KINSHIP_TESTS_STATS_VALIDATION_UTIL_H_
#define KINSHIP_TESTS_STATS_VALIDATION_UTIL_H_

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "internal/csv.h"

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

}  // namespace kinship::testing

#endif  // KINSHIP_TESTS_STATS_VALIDATION_UTIL_H_
