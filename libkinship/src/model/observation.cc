// The observation model (kinship/observation.h; docs/model.md, "Observations").
#include "kinship/observation.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "internal/csv.h"
#include "internal/status_macros.h"
#include "kinship/pedigree_lr.h"

namespace kinship {

namespace {

// D(S | G): the probability that exactly the set S (sorted, distinct) of G's visible alleles
// survives drop-out d. `v` holds G's visible alleles as a set (0, 1 or 2 of them).
double Survive(const std::vector<int>& s, const std::vector<int>& v, double d) {
  for (int x : s)
    if (std::find(v.begin(), v.end(), x) == v.end()) return 0;  // S ⊄ V
  if (v.size() == 2) {
    if (s.size() == 2) return (1 - d) * (1 - d);
    if (s.size() == 1) return d * (1 - d);
    return d * d;
  }
  if (v.size() == 1) return s.size() == 1 ? 1 - d * d : d * d;
  return s.empty() ? 1 : 0;
}

}  // namespace

double ObservationProbability(const Locus& locus, const std::vector<int>& o, int g1, int g2,
                              ObservationParams params) {
  std::vector<int> v;
  for (int x : {g1, g2})
    if (x != locus.silent_allele() && std::find(v.begin(), v.end(), x) == v.end()) v.push_back(x);
  std::sort(v.begin(), v.end());
  std::vector<int> os = o;
  std::sort(os.begin(), os.end());
  // p̃: the frequencies of the alleles a profile can show, renormalised.
  double shown = 0;
  for (int a = 0; a < locus.allele_ct(); ++a)
    if (a != locus.silent_allele()) shown += locus.freq(a);
  const double d = params.dropout, c = params.dropin;
  const double direct = Survive(os, v, d);
  double in_sum = 0, via = 0;
  for (size_t i = 0; i < os.size(); ++i) {
    const double pt = locus.freq(os[i]) / shown;
    in_sum += pt;
    std::vector<int> rest;
    for (size_t j = 0; j < os.size(); ++j)
      if (j != i) rest.push_back(os[j]);
    via += Survive(rest, v, d) * pt;
  }
  return (1 - c) * direct + c * (direct * in_sum + via);
}

bool ObservationUncertain(const Locus& locus, GenotypeIdx observed, ObservationParams params) {
  if (IsWildcard(observed) || params.dropin > 0) return true;
  // Without drop-in, two alleles seen are the genotype itself (drop-out only multiplies both
  // hypotheses by (1 - d)²); one allele seen may hide a dropped or a silent one.
  const AllelePair ab = GenotypeAlleles(observed);
  return ab.a == ab.b && (params.dropout > 0 || locus.silent_allele() >= 0);
}

std::vector<double> ObservationLikelihoods(const Locus& locus, GenotypeIdx observed, ObservationParams params) {
  const int n = locus.allele_ct();
  std::vector<double> w(GenotypeCount(n), 0.0);
  if (IsWildcard(observed)) {  // a seen: G holds a
    const int a = WildcardAllele(observed);
    for (int x = 0; x < n; ++x) w[GenotypeIndex(a, x)] = 1;
    return w;
  }
  const AllelePair ab = GenotypeAlleles(observed);
  std::vector<int> o = {ab.a};
  if (ab.b != ab.a) o.push_back(ab.b);
  for (int b = 0; b < n; ++b)
    for (int a = 0; a <= b; ++a) w[GenotypeIndex(a, b)] = ObservationProbability(locus, o, a, b, params);
  return w;
}

GenotypeIdx EngineObservation(const Locus& locus, GenotypeIdx observed, ObservationParams params,
                              std::vector<double>* evidence) {
  if (observed == kUntyped || !ObservationUncertain(locus, observed, params)) return observed;
  *evidence = ObservationLikelihoods(locus, observed, params);
  return kEvidence;
}

ObservationParams ObservationTable::Get(const std::string& sample, int locus) const {
  if (!by_locus_.empty())
    if (auto it = by_locus_.find({sample, locus}); it != by_locus_.end()) return it->second;
  if (auto it = by_sample_.find(sample); it != by_sample_.end()) return it->second;
  return default_;
}

bool ObservationTable::any() const {
  auto positive = [](ObservationParams p) { return p.dropout > 0 || p.dropin > 0; };
  if (positive(default_)) return true;
  for (const auto& [k, p] : by_sample_)
    if (positive(p)) return true;
  for (const auto& [k, p] : by_locus_)
    if (positive(p)) return true;
  return false;
}

bool ObservationTable::SetSample(const std::string& sample, ObservationParams p) {
  return by_sample_.emplace(sample, p).second;
}

bool ObservationTable::SetSampleLocus(const std::string& sample, int locus, ObservationParams p) {
  return by_locus_.emplace(std::make_pair(sample, locus), p).second;
}

absl::StatusOr<ObservationTable> ReadObservations(const std::string& path, const AlleleFreqTable& table,
                                                  Diagnostics* diag) {
  using internal::Lower;
  internal::LineReader in;
  KINSHIP_RETURN_IF_ERROR(in.Open(path));
  std::string line;
  if (!in.Next(&line)) return in.FileError("empty file; expected a header sample_id,dropout,dropin[,locus]");
  std::vector<std::string> header, f;
  if (!internal::SplitFields(line, ',', &header)) return in.Error("unterminated quote");
  int c_sample = -1, c_dropout = -1, c_dropin = -1, c_locus = -1;
  for (int i = 0; i < static_cast<int>(header.size()); ++i) {
    const std::string h = Lower(header[i]);
    if (h == "sample_id" || h == "sample") c_sample = i;
    else if (h == "dropout") c_dropout = i;
    else if (h == "dropin") c_dropin = i;
    else if (h == "locus" || h == "marker") c_locus = i;
    else return in.Error(absl::StrCat("unknown column '", header[i], "'; expected sample_id, dropout, dropin, locus"));
  }
  if (c_sample < 0 || c_dropout < 0 || c_dropin < 0)
    return in.Error("header must name columns sample_id, dropout and dropin (and optionally locus)");
  ObservationTable out;
  auto parse = [&](int col, double* v) -> absl::Status {
    if (!internal::ParseDouble(f[col], v) || !(*v >= 0 && *v < 1))
      return in.Error(absl::StrCat(header[col], " '", f[col], "'; expected a probability in [0, 1)"));
    return absl::OkStatus();
  };
  int rows = 0;
  while (in.Next(&line)) {
    if (!internal::SplitFields(line, ',', &f)) return in.Error("unterminated quote");
    if (f.size() != header.size())
      return in.Error(absl::StrCat("found ", f.size(), " fields; expected ", header.size()));
    const std::string& sample = f[c_sample];
    if (sample.empty()) return in.Error("empty sample_id; expected a sample of the profiles");
    KINSHIP_RETURN_IF_ERROR(internal::CheckText(in, "sample id", sample));
    ObservationParams p;
    KINSHIP_RETURN_IF_ERROR(parse(c_dropout, &p.dropout));
    KINSHIP_RETURN_IF_ERROR(parse(c_dropin, &p.dropin));
    out.NoteWhere(sample, in.Where());
    ++rows;
    if (c_locus >= 0 && !f[c_locus].empty()) {
      const int li = table.FindLocus(CanonicalLocusName(f[c_locus]));
      if (li < 0)
        return in.Error(absl::StrCat("locus '", f[c_locus], "' is not in the frequency table; expected one of its loci"));
      if (!out.SetSampleLocus(sample, li, p))
        return in.Error(absl::StrCat("sample ", sample, " at locus ", table.locus(li).name(),
                                     " is given twice; expected one row per sample and locus"));
    } else if (!out.SetSample(sample, p)) {
      return in.Error(absl::StrCat("sample ", sample, " is given twice; expected one row per sample (and one per "
                                   "sample and locus in a locus column)"));
    }
  }
  if (in.read_error()) return in.FileError("read error");
  if (rows == 0) return in.FileError("no rows; expected at least one data row after the header");
  in.RecordInput(diag);
  return out;
}

absl::Status CheckObservationSamples(const ObservationTable& obs, const std::vector<const ProfileSet*>& profiles,
                                     const std::string& path) {
  for (const auto& [sample, where] : obs.samples_named()) {
    bool found = false;
    for (const ProfileSet* p : profiles) found |= p->FindSample(sample) >= 0;
    if (!found)
      return absl::FailedPreconditionError(absl::StrCat(
          where, ": sample '", sample, "' is in no profile file; expected a sample of the profiles (", path, ")"));
  }
  return absl::OkStatus();
}

}  // namespace kinship
