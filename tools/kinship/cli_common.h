// Shared pieces of the kinship subcommands: exit codes, messages, atomic output.
#ifndef KINSHIP_TOOLS_CLI_COMMON_H_
#define KINSHIP_TOOLS_CLI_COMMON_H_

#include <cstdio>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "kinship/diagnostics.h"
#include "kinship/pedigree.h"

namespace kinship::cli {

// Exit codes (documented in `kinship --help`).
inline constexpr int kExitOk = 0;
inline constexpr int kExitBadInput = 1;  // bad input or I/O failure
inline constexpr int kExitUsage = 2;     // unknown option, missing argument
inline constexpr int kExitInternal = 3;  // internal error

int ExitCodeFor(const absl::Status& status);

// Prints "kinship <cmd>: error: <message>" on stderr and returns the exit code.
int ReportError(const std::string& cmd, const absl::Status& status);

// Prints every note on stderr as "kinship <cmd>: note|warning: ..." unless quiet
// (warnings are printed even when quiet).
void PrintNotes(const std::string& cmd, const Diagnostics& diag, bool quiet);

// A file written under a temporary name beside its destination and renamed into
// place by Commit(); destroyed uncommitted, it removes the temporary file. Path "-"
// writes to stdout.
class AtomicOutput {
 public:
  AtomicOutput() = default;
  AtomicOutput(const AtomicOutput&) = delete;
  AtomicOutput& operator=(const AtomicOutput&) = delete;
  ~AtomicOutput();
  absl::Status Open(const std::string& path);
  std::FILE* file() { return file_; }
  // Flushes, closes and renames; an error (disk full, ...) is returned.
  absl::Status Commit();

 private:
  std::string path_, tmp_path_;
  std::FILE* file_ = nullptr;
  bool is_stdout_ = false;
};

// A small CSV with a fixed header (e.g. id1,id2,relationship): every row has exactly the
// header's fields, none empty. CRLF, a UTF-8 BOM, blank and '#' lines are accepted.
struct CsvRow {
  std::vector<std::string> fields;
  std::string where;  // "path:line"
};
absl::StatusOr<std::vector<CsvRow>> ReadFixedCsv(const std::string& path,
                                                 const std::vector<std::string>& header);

// Members whose typed genotypes break Mendel's laws at a locus, as "(child, parent, ...)"
// groups; empty when the inconsistency runs through untyped members.
std::vector<std::string> MendelianConflicts(const Pedigree& ped, const std::vector<GenotypeIdx>& g);

// Formats a double with 17 significant digits ("-inf" for an exclusion).
std::string FormatDouble(double v);

}  // namespace kinship::cli

#endif  // KINSHIP_TOOLS_CLI_COMMON_H_
