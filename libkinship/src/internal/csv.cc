#include "internal/csv.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "absl/strings/str_cat.h"

namespace kinship::internal {

absl::Status LineReader::Open(const std::string& path) {
  path_ = path;
  in_.open(path, std::ios::binary);
  if (!in_) return absl::NotFoundError(absl::StrCat(path, ": cannot open file"));
  return absl::OkStatus();
}

bool LineReader::Next(std::string* line) {
  while (std::getline(in_, *line)) {
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

absl::Status LineReader::Error(const std::string& message) const {
  return absl::InvalidArgumentError(absl::StrCat(Where(), ": ", message));
}

absl::Status LineReader::FileError(const std::string& message) const {
  return absl::InvalidArgumentError(absl::StrCat(path_, ": ", message));
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
