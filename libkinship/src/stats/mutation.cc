// Mutation matrices (pedmut / Familias parameterisation; see kinship/mutation.h).
#include "kinship/mutation.h"

#include <cmath>

#include "absl/strings/str_cat.h"

namespace kinship {

absl::StatusOr<MutationModel> ParseMutationModel(const std::string& name) {
  if (name == "none") return MutationModel::kNone;
  if (name == "equal") return MutationModel::kEqual;
  if (name == "proportional") return MutationModel::kProportional;
  if (name == "stepwise") return MutationModel::kStepwise;
  if (name == "extended-stepwise") return MutationModel::kExtendedStepwise;
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown mutation model '", name,
      "'; expected none, equal, proportional, stepwise or extended-stepwise"));
}

const char* MutationModelName(MutationModel model) {
  switch (model) {
    case MutationModel::kNone: return "none";
    case MutationModel::kEqual: return "equal";
    case MutationModel::kProportional: return "proportional";
    case MutationModel::kStepwise: return "stepwise";
    case MutationModel::kExtendedStepwise: return "extended-stepwise";
  }
  return "?";
}

MutationParams MutationSpec::ParamsFor(const std::string& locus, Sex sex) const {
  MutationParams p = sex == Sex::kFemale ? female : male;
  auto it = per_locus_rates.find(locus);
  if (it != per_locus_rates.end()) p.rate = sex == Sex::kFemale ? it->second.female : it->second.male;
  return p;
}

absl::StatusOr<MutationMatrix> BuildMutationMatrix(const Locus& locus,
                                                   const MutationParams& params) {
  const int n = locus.allele_ct();
  MutationMatrix m = MutationMatrix::Identity(n, n);
  const double rate = params.rate, rate2 = params.rate2;
  auto bad = [&](const std::string& what) {
    return absl::InvalidArgumentError(absl::StrCat("locus ", locus.name(), ": ", what));
  };
  if (!(rate >= 0 && rate <= 1)) return bad(absl::StrCat("mutation rate ", rate, " is outside [0, 1]"));
  if (params.model == MutationModel::kNone || n == 1) return m;
  if (const int rest = locus.rest_allele(); rest >= 0) {
    // The rest allele neither mutates nor is reached: the model is built over the listed
    // alleles with their frequencies renormalised (p / Σ listed p), and the rest allele's row
    // and column are those of the identity.
    Locus listed(locus.name());
    const double listed_sum = locus.FrequencySum() - locus.freq(rest);
    for (int i = 0; i < n; ++i)
      if (i != rest) listed.AddAllele(locus.label(i), locus.freq(i) / listed_sum);
    auto sub = BuildMutationMatrix(listed, params);
    if (!sub.ok()) return sub.status();
    for (int i = 0, si = 0; i < n; ++i) {
      if (i == rest) continue;
      for (int j = 0, sj = 0; j < n; ++j) {
        if (j == rest) continue;
        m(i, j) = (*sub)(si, sj++);
      }
      ++si;
    }
    return m;
  }

  switch (params.model) {
    case MutationModel::kNone:
      break;
    case MutationModel::kEqual:
      for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j) m(i, j) = i == j ? 1 - rate : rate / (n - 1);
      break;
    case MutationModel::kProportional: {
      double h = 0;
      for (int k = 0; k < n; ++k) h += locus.freq(k) * (1 - locus.freq(k));
      const double a = rate / h;
      for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j)
          m(i, j) = a * locus.freq(j) + (i == j ? 1 - a : 0.0);
      if (a > 1)
        return bad(absl::StrCat("proportional mutation rate ", rate,
                                " gives an impossible matrix (a = ", a, " > 1); expected a smaller rate"));
      break;
    }
    case MutationModel::kStepwise:
    case MutationModel::kExtendedStepwise: {
      if (!(rate2 >= 0 && rate2 <= 1)) return bad(absl::StrCat("mutation rate2 ", rate2, " is outside [0, 1]"));
      if (rate + rate2 > 1) return bad(absl::StrCat("rate + rate2 = ", rate + rate2, " exceeds 1"));
      if (!(params.range > 0)) return bad(absl::StrCat("mutation range ", params.range, " must be positive"));
      if (params.model == MutationModel::kExtendedStepwise && rate2 <= 0)
        return bad("extended-stepwise needs a positive --mutation-rate2 (rate of microvariant mutations); "
                   "use stepwise for the model without them");
      std::vector<AlleleValue> v(n);
      for (int i = 0; i < n; ++i) {
        auto parsed = ParseAlleleValue(locus.label(i));
        if (!parsed)
          return bad(absl::StrCat("allele '", locus.label(i),
                                  "' is not a repeat number (such as 12 or 9.3); the stepwise model needs one"));
        v[i] = *parsed;
      }
      for (int i = 0; i < n; ++i) {
        int same = 0;  // alleles of i's class, i included
        double s = 0;  // sum of range^|x_i - x_k| over the other alleles of i's class
        for (int k = 0; k < n; ++k) {
          if (v[k].microvariant_class != v[i].microvariant_class) continue;
          ++same;
          if (k != i) s += std::pow(params.range, std::round(std::fabs(v[i].repeats - v[k].repeats)));
        }
        const int other = n - same;
        for (int j = 0; j < n; ++j) {
          if (j == i) {
            m(i, j) = other == 0 ? 1 - rate : same == 1 ? 1 - rate2 : 1 - rate - rate2;
          } else if (v[j].microvariant_class == v[i].microvariant_class) {
            m(i, j) = rate * std::pow(params.range, std::round(std::fabs(v[i].repeats - v[j].repeats))) / s;
          } else {
            m(i, j) = rate2 / other;
          }
        }
      }
      break;
    }
  }
  return m;
}

}  // namespace kinship
