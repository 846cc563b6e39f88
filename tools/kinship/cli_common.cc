#include "cli_common.h"

#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

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

std::string FormatDouble(double v) {
  if (std::isinf(v)) return v < 0 ? "-inf" : "inf";
  return absl::StrFormat("%.17g", v);
}

}  // namespace kinship::cli
