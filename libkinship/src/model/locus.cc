#include "kinship/locus.h"

#include <array>
#include <cassert>
#include <cctype>
#include <cmath>

namespace kinship {

namespace {
struct GenotypeDecodeTable {
  std::array<AllelePair, GenotypeCount(kMaxAllelesPerLocus)> pairs;
  GenotypeDecodeTable() {
    for (int b = 0; b < kMaxAllelesPerLocus; ++b)
      for (int a = 0; a <= b; ++a)
        pairs[GenotypeIndex(a, b)] = {static_cast<AlleleIdx>(a), static_cast<AlleleIdx>(b)};
  }
};
const GenotypeDecodeTable& DecodeTable() {
  static const GenotypeDecodeTable table;
  return table;
}
}  // namespace

AllelePair GenotypeAlleles(GenotypeIdx g) {
  assert(g != kUntyped);
  return DecodeTable().pairs[g];
}

std::optional<AlleleValue> ParseAlleleValue(const std::string& label) {
  // digits, optionally '.' and exactly one digit.
  size_t i = 0, n = label.size();
  if (n == 0) return std::nullopt;
  int whole = 0;
  size_t digits = 0;
  while (i < n && std::isdigit(static_cast<unsigned char>(label[i]))) {
    if (digits < 6) whole = whole * 10 + (label[i] - '0');
    ++digits;
    ++i;
  }
  if (digits == 0 || digits > 6) return std::nullopt;
  int cls = 0;
  if (i < n) {
    if (label[i] != '.' || i + 2 != n || !std::isdigit(static_cast<unsigned char>(label[i + 1])))
      return std::nullopt;
    cls = label[i + 1] - '0';
  }
  return AlleleValue{whole + cls / 10.0, cls};
}

AlleleLabel ReadAlleleLabel(const std::string& written) {
  const size_t n = written.size();
  auto is_digit = [&](size_t i) { return std::isdigit(static_cast<unsigned char>(written[i])) != 0; };
  // A repeat number: digits [ ('.' | ',') digits ].
  auto numeric_end = [&](size_t from, bool* comma) -> size_t {
    size_t i = from;
    while (i < n && is_digit(i)) ++i;
    if (i == from) return std::string::npos;
    if (i < n && (written[i] == '.' || written[i] == ',')) {
      *comma = written[i] == ',';
      const size_t dot = i++;
      while (i < n && is_digit(i)) ++i;
      if (i == dot + 1) return std::string::npos;
    }
    return i;
  };
  bool comma = false;
  if (numeric_end(0, &comma) == n) {
    std::string whole, frac;
    const size_t sep = written.find_first_of(".,");
    whole = written.substr(0, sep);
    if (sep != std::string::npos) frac = written.substr(sep + 1);
    const size_t first = whole.find_first_not_of('0');
    whole = first == std::string::npos ? "0" : whole.substr(first);
    const size_t last = frac.find_last_not_of('0');
    frac = last == std::string::npos ? "" : frac.substr(0, last + 1);
    return {AlleleLabelKind::kNumeric, frac.empty() ? whole : whole + "." + frac, comma};
  }
  std::string lower;
  for (char c : written) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "ol") return {AlleleLabelKind::kOffLadder, written};
  if (n >= 2 && (written[0] == '<' || written[0] == '>')) {
    bool c2 = false;
    if (numeric_end(1, &c2) == n) return {AlleleLabelKind::kOffLadder, written};
  }
  if (lower == "f") return {AlleleLabelKind::kFailed, written};
  if (lower == "silent") return {AlleleLabelKind::kSilent, written};
  return {AlleleLabelKind::kInvalid, written};
}

const char* SexName(Sex sex) {
  switch (sex) {
    case Sex::kMale: return "male";
    case Sex::kFemale: return "female";
    default: return "unknown";
  }
}

int Locus::FindAllele(const std::string& label) const {
  auto it = index_.find(label);
  return it == index_.end() ? -1 : it->second;
}

int Locus::AddAllele(std::string label, double freq, bool imputed) {
  assert(FindAllele(label) < 0);
  assert(allele_ct() < kMaxAllelesPerLocus);
  int idx = allele_ct();
  index_.emplace(label, idx);
  labels_.push_back(std::move(label));
  freqs_.push_back(freq);
  imputed_.push_back(imputed);
  return idx;
}

int Locus::AddRestAllele(double freq) {
  assert(rest_ < 0);
  rest_ = AddAllele(kRestAlleleLabel, freq);
  return rest_;
}

int Locus::AddSilentAllele(double freq) {
  assert(silent_ < 0);
  silent_ = AddAllele(kSilentAlleleLabel, freq);
  return silent_;
}

void Locus::ScaleFrequencies(double factor) {
  for (double& f : freqs_) f *= factor;
}

double Locus::FrequencySum() const {
  double s = 0;
  for (double f : freqs_) s += f;
  return s;
}

int AlleleFreqTable::FindLocus(const std::string& canonical_name) const {
  auto it = index_.find(canonical_name);
  return it == index_.end() ? -1 : it->second;
}

int AlleleFreqTable::AddLocus(Locus locus) {
  assert(FindLocus(locus.name()) < 0);
  int idx = locus_ct();
  index_.emplace(locus.name(), idx);
  loci_.push_back(std::move(locus));
  return idx;
}

int AlleleFreqTable::Normalize(std::string* worst_locus, double* worst_sum) {
  int changed = 0;
  double worst = -1;
  for (Locus& l : loci_) {
    const double sum = l.FrequencySum();
    if (std::fabs(sum - 1) <= 1e-14) continue;
    ++changed;
    if (std::fabs(sum - 1) > worst) {
      worst = std::fabs(sum - 1);
      if (worst_locus) *worst_locus = l.name();
      if (worst_sum) *worst_sum = sum;
    }
    l.ScaleFrequencies(1 / sum);
  }
  return changed;
}

}  // namespace kinship
