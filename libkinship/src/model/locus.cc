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
    if (sum == 1) continue;
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
