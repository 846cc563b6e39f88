#include "cli_common.h"

#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace kinship::cli {

int ExitCodeFor(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk: return kExitOk;
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kUnknown: return kExitInternal;
    default: return kExitBadInput;
  }
}

int ReportError(const std::string& cmd, const absl::Status& status) {
  std::cerr << "kinship " << cmd << ": error: " << status.message() << "\n";
  return ExitCodeFor(status);
}

void PrintNotes(const std::string& cmd, const Diagnostics& diag, bool quiet) {
  for (const Note& n : diag.notes()) {
    if (quiet && n.level == NoteLevel::kInfo) continue;
    std::cerr << "kinship " << cmd << ": " << (n.level == NoteLevel::kWarning ? "warning: " : "note: ")
              << n.message << "\n";
  }
}

AtomicOutput::~AtomicOutput() {
  if (file_ && !is_stdout_) {
    std::fclose(file_);
    std::remove(tmp_path_.c_str());
  }
}

absl::Status AtomicOutput::Open(const std::string& path) {
  path_ = path;
  if (path == "-") {
    is_stdout_ = true;
    file_ = stdout;
    return absl::OkStatus();
  }
  tmp_path_ = absl::StrCat(path, ".tmp.", ::getpid());
  file_ = std::fopen(tmp_path_.c_str(), "wb");
  if (!file_)
    return absl::NotFoundError(absl::StrCat(path, ": cannot create output file (", std::strerror(errno), ")"));
  return absl::OkStatus();
}

absl::Status AtomicOutput::Commit() {
  if (is_stdout_) {
    if (std::fflush(stdout) == EOF || std::ferror(stdout))
      return absl::DataLossError("writing to standard output failed");
    return absl::OkStatus();
  }
  bool ok = std::fflush(file_) != EOF && !std::ferror(file_);
  ok = (std::fclose(file_) == 0) && ok;
  file_ = nullptr;
  if (!ok) {
    std::remove(tmp_path_.c_str());
    return absl::DataLossError(absl::StrCat(path_, ": write failed (", std::strerror(errno), ")"));
  }
  if (std::rename(tmp_path_.c_str(), path_.c_str()) != 0) {
    std::remove(tmp_path_.c_str());
    return absl::DataLossError(absl::StrCat(path_, ": cannot rename temporary file into place (",
                                            std::strerror(errno), ")"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<CsvRow>> ReadFixedCsv(const std::string& path,
                                                 const std::vector<std::string>& header) {
  std::ifstream in(path, std::ios::binary);
  std::string want = absl::StrJoin(header, ",");
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot open file"));
  std::vector<CsvRow> rows;
  std::string line;
  int line_no = 0;
  bool seen_header = false;
  while (std::getline(in, line)) {
    ++line_no;
    if (line_no == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    size_t first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line[first] == '#') continue;
    std::vector<std::string> f;
    for (absl::string_view cell : absl::StrSplit(line, ',')) {
      f.emplace_back(absl::StripAsciiWhitespace(cell));
    }
    std::string where = absl::StrCat(path, ":", line_no);
    if (!seen_header) {
      if (f != header) return absl::InvalidArgumentError(absl::StrCat(where, ": expected the header ", want));
      seen_header = true;
      continue;
    }
    if (f.size() != header.size())
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": found ", f.size(), " fields; expected ", header.size(), " (", want, ")"));
    for (size_t i = 0; i < f.size(); ++i)
      if (f[i].empty())
        return absl::InvalidArgumentError(absl::StrCat(where, ": empty ", header[i], "; expected ", want));
    rows.push_back({std::move(f), where});
  }
  if (!seen_header) return absl::InvalidArgumentError(absl::StrCat(path, ": empty file; expected the header ", want));
  if (rows.empty())
    return absl::InvalidArgumentError(absl::StrCat(path, ": no rows; expected at least one row after the header"));
  return rows;
}

std::vector<std::string> MendelianConflicts(const Pedigree& ped, const std::vector<GenotypeIdx>& g) {
  std::vector<std::string> out;
  for (int i = 0; i < ped.size(); ++i) {
    const Person& p = ped.person(i);
    if (p.father < 0 || g[i] == kUntyped) continue;
    const AllelePair c = GenotypeAlleles(g[i]);
    auto from = [&](int parent, int allele) {
      if (g[parent] == kUntyped) return true;
      AllelePair a = GenotypeAlleles(g[parent]);
      return a.a == allele || a.b == allele;
    };
    const bool ok = (from(p.father, c.a) && from(p.mother, c.b)) || (from(p.father, c.b) && from(p.mother, c.a));
    if (!ok) {
      std::string who = p.id;
      for (int par : {p.father, p.mother})
        if (g[par] != kUntyped) who += absl::StrCat(", ", ped.person(par).id);
      out.push_back(absl::StrCat("(", who, ")"));
    }
  }
  return out;
}

std::string FormatDouble(double v) {
  if (std::isinf(v)) return v < 0 ? "-inf" : "inf";
  return absl::StrFormat("%.17g", v);
}

}  // namespace kinship::cli
