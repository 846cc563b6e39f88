#include "internal/csv.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace kinship::internal {

absl::Status LineReader::Open(const std::string& path) {
  path_ = path;
  // A directory opens as a stream that reads nothing ("empty file"): say what it is. (stat
  // does not block on a FIFO, as opening one does.)
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    return absl::InvalidArgumentError(absl::StrCat(path, ": is a directory; expected a file"));
  in_.open(path, std::ios::binary);
  if (!in_) return absl::NotFoundError(absl::StrCat(path, ": cannot open file"));
  return absl::OkStatus();
}

bool LineReader::Next(std::string* line) {
  while (std::getline(in_, *line)) {
    // The checksum sees the bytes as read: the line, and its '\n' unless the file ended
    // without one.
    sha_.Update(*line);
    if (!in_.eof()) sha_.Update("\n", 1);
    ++line_no_;
    if (line_no_ == 1 && line->size() >= 3 && (*line)[0] == '\xEF' &&
        (*line)[1] == '\xBB' && (*line)[2] == '\xBF') {
      line->erase(0, 3);
    }
    if (!line->empty() && line->back() == '\r') line->pop_back();
    size_t first = line->find_first_not_of(" \t");
    if (first == std::string::npos) continue;  // blank
    if ((*line)[first] == '#') continue;       // comment
    return true;
  }
  return false;
}

std::string LineReader::Where() const { return absl::StrCat(path_, ":", line_no_); }

absl::Status LineReader::Error(const std::string& message) const { return LineError(path_, line_no_, message); }

absl::Status LineError(const std::string& path, int line, const std::string& message) {
  return absl::InvalidArgumentError(absl::StrCat(path, ":", line, ": ", message));
}

absl::Status LineReader::FileError(const std::string& message) const {
  return absl::InvalidArgumentError(absl::StrCat(path_, ": ", message));
}

size_t LineReader::ReadRaw(char* buf, size_t n) {
  if (!in_) return 0;
  in_.read(buf, static_cast<std::streamsize>(n));
  const size_t got = static_cast<size_t>(in_.gcount());
  sha_.Update(buf, got);
  return got;
}

void LineReader::RecordInput(Diagnostics* diag) {
  std::vector<char> buf(1 << 16);
  while (in_) {
    in_.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    sha_.Update(buf.data(), static_cast<size_t>(in_.gcount()));
  }
  const std::uint64_t bytes = sha_.byte_ct();
  std::string digest = sha_.HexDigest();
  if (diag) diag->RecordInput({path_, std::move(digest), bytes});
}

namespace {

// Length of the UTF-8 sequence at s[i] (1-4), or 0 when it is not well formed (overlong,
// surrogate, beyond U+10FFFF, truncated).
size_t Utf8Length(const std::string& s, size_t i) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  if (c < 0x80) return 1;
  size_t n;
  unsigned lo = 0x80, hi = 0xBF;  // range of the second byte
  if (c >= 0xC2 && c <= 0xDF) n = 2;
  else if (c == 0xE0) n = 3, lo = 0xA0;
  else if (c == 0xED) n = 3, hi = 0x9F;
  else if (c >= 0xE1 && c <= 0xEF) n = 3;
  else if (c == 0xF0) n = 4, lo = 0x90;
  else if (c >= 0xF1 && c <= 0xF3) n = 4;
  else if (c == 0xF4) n = 4, hi = 0x8F;
  else return 0;
  if (i + n > s.size()) return 0;
  if (b(i + 1) < lo || b(i + 1) > hi) return 0;
  for (size_t k = 2; k < n; ++k)
    if (b(i + k) < 0x80 || b(i + k) > 0xBF) return 0;
  return n;
}

bool IsControl(unsigned char c) { return c < 0x20 || c == 0x7F; }

}  // namespace

std::string TextProblem(const std::string& text) {
  for (size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\t') return "contains a tab";
    if (c == '\0') return "contains a NUL byte";
    if (IsControl(c)) return absl::StrFormat("contains the control character 0x%02X", c);
    const size_t n = Utf8Length(text, i);
    if (n == 0) return absl::StrFormat("is not valid UTF-8 (byte 0x%02X at offset %d)", c, i);
    i += n;
  }
  return "";
}

std::string Escaped(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    const size_t n = IsControl(c) ? 0 : Utf8Length(text, i);
    if (c == '\t') out += "\\t";
    else if (n == 0) out += absl::StrFormat("\\x%02X", c);
    if (n == 0) {
      ++i;
      continue;
    }
    out.append(text, i, n);
    i += n;
  }
  return out;
}

absl::Status CheckText(const LineReader& in, const std::string& what, const std::string& text) {
  return CheckText(in.path(), in.line_no(), what, text);
}

absl::Status CheckText(const std::string& path, int line, const std::string& what, const std::string& text) {
  const std::string problem = TextProblem(text);
  if (problem.empty()) return absl::OkStatus();
  return LineError(path, line,
                   absl::StrCat(what, " '", Escaped(text), "' ", problem,
                                "; expected printable UTF-8 text (no tabs, NUL or other control characters)"));
}

namespace {
std::string Trim(const std::string& s, const char* ws) {
  size_t b = s.find_first_not_of(ws);
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(ws);
  return s.substr(b, e - b + 1);
}
}  // namespace

bool SplitFields(const std::string& line, char delim, std::vector<std::string>* out) {
  out->clear();
  const char* ws = delim == '\t' ? " " : " \t";
  size_t i = 0, n = line.size();
  while (true) {
    // Skip leading whitespace to detect a quoted field.
    size_t j = i;
    while (j < n && line[j] != delim && (line[j] == ' ' || (delim != '\t' && line[j] == '\t'))) ++j;
    if (j < n && line[j] == '"') {
      std::string field;
      size_t k = j + 1;
      bool closed = false;
      while (k < n) {
        if (line[k] == '"') {
          if (k + 1 < n && line[k + 1] == '"') {
            field += '"';
            k += 2;
            continue;
          }
          closed = true;
          ++k;
          break;
        }
        field += line[k++];
      }
      if (!closed) return false;
      while (k < n && line[k] != delim) {
        if (line[k] != ' ' && line[k] != '\t') return false;  // text after closing quote
        ++k;
      }
      out->push_back(field);
      if (k >= n) break;
      i = k + 1;
    } else {
      size_t k = line.find(delim, i);
      if (k == std::string::npos) {
        out->push_back(Trim(line.substr(i), ws));
        break;
      }
      out->push_back(Trim(line.substr(i, k - i), ws));
      i = k + 1;
    }
  }
  return true;
}

std::string Lower(const std::string& s) {
  std::string r = s;
  for (char& c : r) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return r;
}

bool ParseDouble(const std::string& text, double* out) {
  if (text.empty()) return false;
  const char* s = text.c_str();
  char* end = nullptr;
  errno = 0;
  double v = std::strtod(s, &end);
  if (end == s || *end != '\0' || errno == ERANGE || !std::isfinite(v)) return false;
  // strtod accepts hex floats, "inf", "nan": refuse anything but decimal digits.
  for (const char* p = s; *p; ++p) {
    char c = *p;
    if (!(std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == '-' ||
          c == '+' || c == 'e' || c == 'E'))
      return false;
  }
  *out = v;
  return true;
}

bool ParseInt(const std::string& text, long* out) {
  if (text.empty()) return false;
  const char* s = text.c_str();
  char* end = nullptr;
  errno = 0;
  long v = std::strtol(s, &end, 10);
  if (end == s || *end != '\0' || errno == ERANGE) return false;
  *out = v;
  return true;
}

}  // namespace kinship::internal
