// Private: line-oriented reading of delimited text files with exact positions.
#ifndef KINSHIP_INTERNAL_CSV_H_
#define KINSHIP_INTERNAL_CSV_H_

#include <fstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "internal/sha256.h"
#include "kinship/diagnostics.h"

namespace kinship::internal {

// Reads a text file line by line: strips a UTF-8 BOM on the first line and a
// trailing '\r' (CRLF files); skips blank lines and lines starting with '#'. Every byte read
// goes through a running SHA-256, so that the file's checksum comes from the one reading (a
// FIFO or a process substitution cannot be read twice).
class LineReader {
 public:
  // NotFound if the file cannot be opened; InvalidArgument if it is a directory.
  absl::Status Open(const std::string& path);
  // Next non-blank, non-comment line; false at end of file.
  bool Next(std::string* line);
  int line_no() const { return line_no_; }
  const std::string& path() const { return path_; }
  // "path:line"
  std::string Where() const;
  // InvalidArgument "path:line: message".
  absl::Status Error(const std::string& message) const;
  // InvalidArgument "path: message" (no line).
  absl::Status FileError(const std::string& message) const;
  bool read_error() const { return in_.bad(); }
  // Reads up to `n` bytes as they are in the file, after the lines read so far (no line
  // handling), through the checksum: for a layout detected from its first line that is not
  // line-oriented (CMF XML). Returns the bytes read; 0 at the end of the file (or on a read
  // error: see read_error()).
  size_t ReadRaw(char* buf, size_t n);
  // Reads what is left of the file (into the checksum only) and records the file's path,
  // SHA-256 and size in `diag` (nothing when diag is null). Call once, after a successful read.
  void RecordInput(Diagnostics* diag);

 private:
  std::ifstream in_;
  Sha256 sha_;
  std::string path_;
  int line_no_ = 0;
};

// InvalidArgument "path:line: message", as LineReader::Error writes it (for lines parsed away
// from their reader).
absl::Status LineError(const std::string& path, int line, const std::string& message);

// Splits one line on `delim`. Fields are trimmed of spaces and tabs (unless the
// delimiter is a tab, where only spaces are trimmed); a field may be quoted with '"'
// ('""' inside quotes is one '"'). Returns false on an unterminated quote.
bool SplitFields(const std::string& line, char delim, std::vector<std::string>* out);

// What makes `text` unusable as an identifier (a sample id, family or member id, locus name)
// written into TSV, CSV and JSON reports: a control character (tab, NUL, CR, ...) or bytes
// that are not UTF-8. Empty when the text is fine.
std::string TextProblem(const std::string& text);
// `text` with control characters and non-UTF-8 bytes escaped (\t, \x00), for messages.
std::string Escaped(const std::string& text);
// OK, or InvalidArgument "path:line: <what> '<escaped>' contains ...; expected ...".
absl::Status CheckText(const LineReader& in, const std::string& what, const std::string& text);
absl::Status CheckText(const std::string& path, int line, const std::string& what, const std::string& text);

// Lower-case copy, for header matching.
std::string Lower(const std::string& s);

// Parses a finite decimal number; false if the text is not entirely a number.
bool ParseDouble(const std::string& text, double* out);
bool ParseInt(const std::string& text, long* out);

}  // namespace kinship::internal

#endif  // KINSHIP_INTERNAL_CSV_H_
