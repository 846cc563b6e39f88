// Readers of the small CSVs that say what to compute: pairs (kinship lr --pairs) and
// missing-person cases (--cases). Columns are found by name, in any order.
#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "internal/csv.h"
#include "internal/status_macros.h"
#include "kinship/lr.h"

namespace kinship {

namespace {

// One row of a small CSV: its fields and "path:line".
struct CsvRow {
  std::vector<std::string> fields;
  std::string where;
};

// A small CSV whose header names every column of `required` and any of `optional`, in any
// order (any other column is an error). CRLF, a UTF-8 BOM, blank and '#' lines are accepted.
// Rows come back with the required fields first, then the optional ones in the order given
// ("" where the column is absent or the cell empty). Required fields must not be empty.
absl::StatusOr<std::vector<CsvRow>> ReadCsvColumns(const std::string& path, const std::vector<std::string>& required,
                                                   const std::vector<std::string>& optional) {
  std::vector<std::string> all = required;
  all.insert(all.end(), optional.begin(), optional.end());
  const std::string want = absl::StrCat(
      absl::StrJoin(required, ","),
      optional.empty() ? "" : absl::StrCat(" (optional: ", absl::StrJoin(optional, ","), ")"));
  // The library's line reader: BOM, CRLF, blank and '#' lines as every reader handles them, and
  // a directory named as one.
  internal::LineReader in;
  KINSHIP_RETURN_IF_ERROR(in.Open(path));
  std::vector<CsvRow> rows;
  std::vector<int> where_col;  // column of each of `all` in the file, -1 when absent
  std::string line;
  size_t width = 0;
  while (in.Next(&line)) {
    std::vector<std::string> f;
    for (absl::string_view cell : absl::StrSplit(line, ',')) f.emplace_back(absl::StripAsciiWhitespace(cell));
    const std::string where = in.Where();
    // Every cell is an id or a name that goes into the reports (TSV, CSV, JSON).
    for (size_t c = 0; c < f.size(); ++c)
      KINSHIP_RETURN_IF_ERROR(
          internal::CheckText(in, where_col.empty() ? "header cell" : absl::StrCat("field ", c + 1), f[c]));
    if (where_col.empty()) {
      where_col.assign(all.size(), -1);
      for (size_t c = 0; c < f.size(); ++c) {
        auto it = std::find(all.begin(), all.end(), f[c]);
        if (it == all.end() || where_col[it - all.begin()] >= 0)
          return absl::InvalidArgumentError(
              absl::StrCat(where, ": unexpected column '", f[c], "' in the header; expected the header ", want));
        where_col[it - all.begin()] = static_cast<int>(c);
      }
      for (size_t i = 0; i < required.size(); ++i)
        if (where_col[i] < 0)
          return absl::InvalidArgumentError(
              absl::StrCat(where, ": no column ", required[i], "; expected the header ", want));
      width = f.size();
      continue;
    }
    if (f.size() != width)
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": found ", f.size(), " fields; expected ", width, " (one per column of the header)"));
    CsvRow row{{}, where};
    for (size_t i = 0; i < all.size(); ++i) {
      row.fields.push_back(where_col[i] < 0 ? std::string() : f[where_col[i]]);
      if (i < required.size() && row.fields.back().empty())
        return absl::InvalidArgumentError(absl::StrCat(where, ": empty ", all[i], "; expected the header ", want));
    }
    rows.push_back(std::move(row));
  }
  if (in.read_error()) return in.FileError("read error");
  if (where_col.empty()) return absl::InvalidArgumentError(absl::StrCat(path, ": empty file; expected the header ", want));
  if (rows.empty())
    return absl::InvalidArgumentError(absl::StrCat(path, ": no rows; expected at least one row after the header"));
  return rows;
}

}  // namespace

absl::StatusOr<std::vector<PairQuery>> ReadPairs(const std::string& path) {
  KINSHIP_ASSIGN_OR_RETURN(auto rows, ReadCsvColumns(path, {"id1", "id2", "relationship"},
                                                     {"alternative", "sex1", "sex2"}));
  std::vector<PairQuery> out;
  out.reserve(rows.size());
  for (CsvRow& r : rows) {
    auto& f = r.fields;
    out.push_back({std::move(f[0]), std::move(f[1]), std::move(f[2]), std::move(f[3]), std::move(f[4]),
                   std::move(f[5]), std::move(r.where)});
  }
  return out;
}

absl::StatusOr<std::vector<CaseQuery>> ReadCases(const std::string& path) {
  KINSHIP_ASSIGN_OR_RETURN(auto rows, ReadCsvColumns(path, {"family", "missing_id", "sample_id"}, {}));
  std::vector<CaseQuery> out;
  out.reserve(rows.size());
  for (CsvRow& r : rows) {
    auto& f = r.fields;
    out.push_back({std::move(f[0]), std::move(f[1]), std::move(f[2]), std::move(r.where)});
  }
  return out;
}

absl::StatusOr<std::vector<TrioQuery>> ReadTrios(const std::string& path) {
  KINSHIP_ASSIGN_OR_RETURN(auto rows, ReadCsvColumns(path, {"alleged_parent", "child"}, {"known_parent", "sex"}));
  std::vector<TrioQuery> out;
  out.reserve(rows.size());
  for (CsvRow& r : rows) {
    auto& f = r.fields;
    out.push_back({std::move(f[0]), std::move(f[1]), std::move(f[2]), std::move(f[3]), std::move(r.where)});
  }
  return out;
}

}  // namespace kinship
