// Reader (and writer) for allele frequency tables.
#include <cmath>
#include <map>
#include <set>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "internal/csv.h"
#include "internal/status_macros.h"
#include "kinship/io.h"

namespace kinship {

using internal::LineReader;
using internal::Lower;
using internal::ParseDouble;
using internal::ParseInt;
using internal::SplitFields;

namespace {

// Notes a renamed locus once per file.
void NoteRename(const std::string& path, const std::string& written,
                const std::string& canonical, std::set<std::string>* seen,
                Diagnostics* diag) {
  if (written == canonical || !seen->insert(written).second) return;
  diag->Info(absl::StrCat(path, ": locus '", written, "' read as '", canonical, "'"));
}

// The message for a locus name that could not be written back as a row of a long table: one
// that canonicalizes to nothing (`-`, `_`, `.`: only the characters CanonicalLocusName drops),
// or one beginning with `#` (its rows would read as comments); empty when the name is fine.
std::string BadCanonicalName(const std::string& written, const std::string& canonical) {
  if (canonical.empty())
    return absl::StrCat("locus name '", written, "' has no letter or digit; expected a locus such as TH01");
  if (canonical[0] == '#')
    return absl::StrCat("locus name '", written, "' begins with '#', which marks a comment; expected a locus "
                        "such as TH01");
  return std::string();
}

absl::Status CheckFrequency(const LineReader& in, const std::string& text, double* f) {
  if (!ParseDouble(text, f))
    return in.Error(absl::StrCat("frequency '", text, "' is not a number; expected a decimal in [1e-9, 1]"));
  if (*f < kMinFrequency || *f > 1)
    return in.Error(absl::StrCat("frequency ", text, " is outside [1e-9, 1]; expected a decimal in [1e-9, 1]"));
  return absl::OkStatus();
}

// Adds an allele row, its label made canonical (`12.0` -> `12`; ReadAlleleLabel). Two rows
// whose labels are the same allele are an error naming both spellings; a label that is not a
// repeat number is an error (such a row could never be matched safely: `OL` is not an allele).
// `written` maps (locus, canonical label) to the spelling first seen, for messages.
absl::Status AddAlleleChecked(const LineReader& in, Locus* locus, const std::string& label,
                              double f, std::map<std::pair<std::string, std::string>, std::string>* written,
                              Diagnostics* diag) {
  if (label.empty()) return in.Error("empty allele label; expected an allele such as 12 or 9.3");
  const AlleleLabel read = ReadAlleleLabel(label);
  if (read.kind == AlleleLabelKind::kSilent) {  // the null allele (docs/model.md, "Observations")
    if (locus->silent_allele() >= 0)
      return in.Error(absl::StrCat("locus ", locus->name(), " has two silent-allele rows; expected one"));
    if (locus->allele_ct() >= kMaxAllelesPerLocus)
      return absl::OutOfRangeError(absl::StrCat(in.Where(), ": locus ", locus->name(), " has more than ",
                                                kMaxAllelesPerLocus, " alleles"));
    locus->AddSilentAllele(f);
    return absl::OkStatus();
  }
  if (read.kind != AlleleLabelKind::kNumeric)
    return in.Error(absl::StrCat("allele '", label, "' of locus ", locus->name(),
                                 " is not a repeat number; expected an allele such as 12 or 9.3 (or silent)"));
  auto [it, fresh] = written->emplace(std::make_pair(locus->name(), read.text), label);
  if (!fresh) {
    if (it->second == label)
      return in.Error(absl::StrCat("allele '", label, "' of locus ", locus->name(),
                                   " is listed twice; expected one row per allele"));
    return in.Error(absl::StrCat("allele '", label, "' of locus ", locus->name(), " is the same allele as '",
                                 it->second, "' (both read as ", read.text, "); expected one row per allele"));
  }
  if (read.text != label)
    diag->Info(absl::StrCat(in.Where(), ": allele '", label, "' of locus ", locus->name(), " read as '", read.text,
                            "'", read.comma_decimal ? " (decimal comma)" : ""));
  if (locus->allele_ct() >= kMaxAllelesPerLocus)
    return absl::OutOfRangeError(absl::StrCat(in.Where(), ": locus ", locus->name(), " has more than ",
                                              kMaxAllelesPerLocus, " alleles"));
  locus->AddAllele(read.text, f);
  return absl::OkStatus();
}

absl::StatusOr<AlleleFreqTable> ReadLong(LineReader& in, const std::vector<std::string>& header,
                                         Diagnostics* diag) {
  int c_locus = -1, c_allele = -1, c_freq = -1;
  for (int i = 0; i < static_cast<int>(header.size()); ++i) {
    std::string h = Lower(header[i]);
    if (h == "locus" || h == "marker") c_locus = i;
    else if (h == "allele") c_allele = i;
    else if (h == "frequency" || h == "freq") c_freq = i;
  }
  if (c_locus < 0 || c_allele < 0 || c_freq < 0)
    return in.Error("header must name columns locus, allele and frequency");
  AlleleFreqTable table;
  std::set<std::string> renamed;
  std::map<std::pair<std::string, std::string>, std::string> written_labels;
  std::string line;
  std::vector<std::string> f;
  const size_t need = static_cast<size_t>(std::max({c_locus, c_allele, c_freq})) + 1;
  while (in.Next(&line)) {
    if (!SplitFields(line, ',', &f)) return in.Error("unterminated quote");
    if (f.size() != header.size())
      return in.Error(absl::StrCat("found ", f.size(), " fields; expected ", header.size(),
                                   " (locus,allele,frequency)"));
    (void)need;
    const std::string& written = f[c_locus];
    if (written.empty()) return in.Error("empty locus name");
    KINSHIP_RETURN_IF_ERROR(internal::CheckText(in, "locus name", written));
    std::string name = CanonicalLocusName(written);
    if (std::string bad = BadCanonicalName(written, name); !bad.empty()) return in.Error(bad);
    NoteRename(in.path(), written, name, &renamed, diag);
    double freq;
    KINSHIP_RETURN_IF_ERROR(CheckFrequency(in, f[c_freq], &freq));
    int li = table.FindLocus(name);
    if (li < 0) li = table.AddLocus(Locus(name));
    KINSHIP_RETURN_IF_ERROR(AddAlleleChecked(in, &table.mutable_locus(li), f[c_allele], freq,
                                              &written_labels, diag));
  }
  if (in.read_error()) return in.FileError("read error");
  return table;
}

absl::StatusOr<AlleleFreqTable> ReadWide(LineReader& in, const std::vector<std::string>& header,
                                         Diagnostics* diag) {
  if (header.size() < 2)
    return in.Error("expected a long table (locus,allele,frequency) or a wide table (Allele,<locus>,...)");
  AlleleFreqTable table;
  std::set<std::string> renamed;
  std::map<std::pair<std::string, std::string>, std::string> written_labels;
  std::vector<int> col_locus(header.size(), -1);
  for (size_t c = 1; c < header.size(); ++c) {
    if (header[c].empty()) return in.Error(absl::StrCat("column ", c + 1, " has no locus name"));
    KINSHIP_RETURN_IF_ERROR(internal::CheckText(in, "locus name", header[c]));
    std::string name = CanonicalLocusName(header[c]);
    if (std::string bad = BadCanonicalName(header[c], name); !bad.empty())
      return in.Error(absl::StrCat("column ", c + 1, ": ", bad));
    NoteRename(in.path(), header[c], name, &renamed, diag);
    if (table.FindLocus(name) >= 0)
      return in.Error(absl::StrCat("locus ", name, " appears in two columns"));
    col_locus[c] = table.AddLocus(Locus(name));
  }
  std::string line;
  std::vector<std::string> f;
  bool seen_n = false;
  while (in.Next(&line)) {
    if (!SplitFields(line, ',', &f)) return in.Error("unterminated quote");
    if (f.size() != header.size())
      return in.Error(absl::StrCat("found ", f.size(), " fields; expected ", header.size(),
                                   " (one per column of the header)"));
    if (seen_n) return in.Error("rows after the N row; expected the N row to be last");
    std::string first = Lower(f[0]);
    if (first == "n" || first == "2n") {
      seen_n = true;
      for (size_t c = 1; c < f.size(); ++c) {
        if (f[c].empty()) continue;
        long n;
        if (!ParseInt(f[c], &n) || n < 3 || n > 2000000000L)
          return in.Error(absl::StrCat("sample size '", f[c], "' for ", header[c],
                                       "; expected an integer from 3 to 2e9 (so that 5/(2N) < 1)"));
        if (first == "2n") {
          if (n % 2 != 0)
            return in.Error(absl::StrCat("2N = ", n, " for ", header[c], " is odd; expected a count of alleles"));
          n /= 2;
        }
        // Checked on N itself, after halving a 2N row: an unseen allele gets 5/(2N), which
        // must be a frequency below 1 (2N = 4 would give 1.25).
        if (n < 3)
          return in.Error(absl::StrCat(first == "2n" ? "2N" : "N", " = ", f[c], " for ", header[c], " gives N = ", n,
                                       " individuals and an unseen allele the frequency 5/(2N) = ",
                                       5.0 / (2.0 * static_cast<double>(n)), "; expected N >= 3 (2N >= 6)"));
        table.mutable_locus(col_locus[c]).set_sample_size(static_cast<int>(n));
      }
      continue;
    }
    for (size_t c = 1; c < f.size(); ++c) {
      const std::string& cell = f[c];
      if (cell.empty() || cell == "-" || cell == "NA") continue;
      double freq;
      if (!ParseDouble(cell, &freq))
        return in.Error(absl::StrCat("frequency '", cell, "' for ", header[c],
                                     " is not a number; expected a decimal in [0, 1]"));
      if (freq == 0) continue;
      KINSHIP_RETURN_IF_ERROR(CheckFrequency(in, cell, &freq));
      KINSHIP_RETURN_IF_ERROR(AddAlleleChecked(in, &table.mutable_locus(col_locus[c]), f[0], freq,
                                              &written_labels, diag));
    }
  }
  if (in.read_error()) return in.FileError("read error");
  for (const Locus& l : table.loci())
    if (l.allele_ct() == 0)
      return in.FileError(absl::StrCat("locus ", l.name(), " has no allele with a frequency"));
  return table;
}

}  // namespace

absl::StatusOr<AlleleFreqTable> ReadAlleleFreqs(const std::string& path, Diagnostics* diag) {
  LineReader in;
  KINSHIP_RETURN_IF_ERROR(in.Open(path));
  std::string line;
  if (!in.Next(&line))
    return in.FileError("empty file; expected a header locus,allele,frequency (or Allele,<locus>,...)");
  std::vector<std::string> header;
  if (!SplitFields(line, ',', &header)) return in.Error("unterminated quote");
  absl::StatusOr<AlleleFreqTable> table;
  bool has_locus = false;
  for (const std::string& h : header) has_locus |= Lower(h) == "locus" || Lower(h) == "marker";
  if (has_locus) {
    table = ReadLong(in, header, diag);
  } else if (Lower(header[0]) == "allele") {
    table = ReadWide(in, header, diag);
  } else {
    return in.Error("expected a header locus,allele,frequency (long layout) or Allele,<locus>,... (wide layout)");
  }
  if (!table.ok()) return table;
  if (table->locus_ct() == 0)
    return in.FileError("no frequencies; expected at least one data row after the header");
  in.RecordInput(diag);
  for (const Locus& l : table->loci()) {
    double s = l.FrequencySum();
    if (std::fabs(s - 1) > 1e-3)
      diag->Warn(absl::StrFormat("%s: frequencies of locus %s sum to %.6f, not 1", path, l.name(), s));
  }
  return table;
}

absl::Status CheckFrequencySums(const AlleleFreqTable& table, const std::string& path, double tolerance, bool allow,
                                Diagnostics* diag) {
  std::vector<std::string> off;
  for (const Locus& l : table.loci()) {
    double s = 0;
    for (int a = 0; a < l.allele_ct(); ++a)
      if (a != l.rest_allele()) s += l.freq(a);
    if (std::fabs(s - 1) > tolerance) off.push_back(absl::StrFormat("%s (sum %.6f)", l.name(), s));
  }
  if (off.empty()) return absl::OkStatus();
  const std::string list = absl::StrJoin(off, ", ");
  if (!allow)
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s: the frequencies of %d locus/loci are more than %g away from summing to 1: %s; expected a complete "
        "table (check the file; --allow-unnormalised uses it all the same)",
        path, off.size(), tolerance, list));
  diag->Warn(absl::StrFormat("%s: the frequencies of %d locus/loci are more than %g away from summing to 1: %s; "
                             "used because of --allow-unnormalised",
                             path, off.size(), tolerance, list));
  return absl::OkStatus();
}

std::string FormatAlleleFreqs(const AlleleFreqTable& table) {
  std::string out = "locus,allele,frequency\n";
  for (const Locus& l : table.loci())
    for (int a = 0; a < l.allele_ct(); ++a)
      if (a != l.rest_allele()) absl::StrAppendFormat(&out, "%s,%s,%.17g\n", l.name(), l.label(a), l.freq(a));
  return out;
}

}  // namespace kinship
