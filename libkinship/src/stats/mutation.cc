// Mutation matrices (pedmut / Familias parameterisation; see kinship/mutation.h).
#include "kinship/mutation.h"

#include <algorithm>
#include <cmath>

#include <Eigen/LU>

#include "absl/strings/ascii.h"
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

absl::StatusOr<MutationTransform> ParseMutationTransform(const std::string& name) {
  const std::string upper = absl::AsciiStrToUpper(name);
  if (upper == "NONE") return MutationTransform::kNone;
  if (upper == "PM") return MutationTransform::kPM;
  if (upper == "MH") return MutationTransform::kMH;
  if (upper == "BA") return MutationTransform::kBA;
  if (upper == "PR") return MutationTransform::kPR;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown mutation transform '", name, "'; expected none, PM, MH, BA or PR"));
}

const char* MutationTransformName(MutationTransform transform) {
  switch (transform) {
    case MutationTransform::kNone: return "none";
    case MutationTransform::kPM: return "PM";
    case MutationTransform::kMH: return "MH";
    case MutationTransform::kBA: return "BA";
    case MutationTransform::kPR: return "PR";
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
  if (locus.rest_allele() >= 0 || locus.silent_allele() >= 0) {
    // The rest and silent alleles neither mutate nor are reached: the model is built over the
    // other alleles with their frequencies renormalised (p / Σ of theirs), and the rest and
    // silent alleles' rows and columns are those of the identity.
    Locus listed(locus.name());
    double listed_sum = locus.FrequencySum();  // as before the silent allele, to the last bit
    if (locus.rest_allele() >= 0) listed_sum -= locus.freq(locus.rest_allele());
    if (locus.silent_allele() >= 0) listed_sum -= locus.freq(locus.silent_allele());
    for (int i = 0; i < n; ++i)
      if (locus.observable(i)) listed.AddAllele(locus.label(i), locus.freq(i) / listed_sum);
    if (listed.allele_ct() <= 1) return m;
    auto sub = BuildMutationMatrix(listed, params);
    if (!sub.ok()) return sub.status();
    for (int i = 0, si = 0; i < n; ++i) {
      if (!locus.observable(i)) continue;
      for (int j = 0, sj = 0; j < n; ++j) {
        if (!locus.observable(j)) continue;
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
      if (!(params.range > 0 && std::isfinite(params.range)))
        return bad(absl::StrCat("mutation range ", params.range, " must be a positive number"));
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
      // The weight of a step to k is range^d_ik (d_ik = |x_i - x_k| in whole repeats), normalised
      // over the other alleles of i's class. range^d overflows (range 1e17, d 20) or underflows
      // to 0/0 (a tiny range): each weight is taken relative to the largest, as
      // exp((d_ik - d_max) ln range) with d_max the d of the largest weight, which lies in (0, 1];
      // the sum is then at least 1 and no NaN can arise.
      const double ln_range = std::log(params.range);
      std::vector<double> step(n), weight(n);
      for (int i = 0; i < n; ++i) {
        int same = 0;                   // alleles of i's class, i included
        double max_exponent = -INFINITY;  // largest d_ik ln(range) over the others of i's class
        for (int k = 0; k < n; ++k) {
          if (v[k].microvariant_class != v[i].microvariant_class) continue;
          ++same;
          step[k] = std::round(std::fabs(v[i].repeats - v[k].repeats));
          if (k != i) max_exponent = std::max(max_exponent, step[k] * ln_range);
        }
        double s = 0;  // sum of the relative weights over the other alleles of i's class
        for (int k = 0; k < n; ++k) {
          weight[k] = 0;
          if (k == i || v[k].microvariant_class != v[i].microvariant_class) continue;
          weight[k] = std::exp(step[k] * ln_range - max_exponent);
          s += weight[k];
        }
        const int other = n - same;
        for (int j = 0; j < n; ++j) {
          if (j == i) {
            m(i, j) = other == 0 ? 1 - rate : same == 1 ? 1 - rate2 : 1 - rate - rate2;
          } else if (v[j].microvariant_class == v[i].microvariant_class) {
            m(i, j) = rate * weight[j] / s;
          } else {
            m(i, j) = rate2 / other;
          }
        }
      }
      break;
    }
  }
  if (params.transform != MutationTransform::kNone)
    return TransformMutationMatrix(locus, params.model, params.transform, m);
  return m;
}

// The formulas are those of pedmut 0.9.1 (R/makeStationary.R, R/makeReversible.R,
// R/adjustRate.R); see kinship/mutation.h and docs/model.md.
absl::StatusOr<MutationMatrix> TransformMutationMatrix(const Locus& locus, MutationModel model,
                                                       MutationTransform transform,
                                                       const MutationMatrix& m) {
  const int n = locus.allele_ct();
  if (m.rows() != n || m.cols() != n)
    return absl::InternalError(absl::StrCat("locus ", locus.name(), ": a ", m.rows(), " x ", m.cols(),
                                            " mutation matrix for ", n, " alleles"));
  if (transform == MutationTransform::kNone) return m;
  // The identity (rate 0, or a single allele) is its own transformation under every method;
  // the formulas below would divide 0 by 0 (R(M) = R(T) = 0).
  bool identity = true;
  for (int i = 0; i < n; ++i) identity = identity && m(i, i) == 1;
  if (identity) return m;

  const std::vector<double>& p = locus.freqs();
  const char* method = MutationTransformName(transform);
  auto refuse = [&](const std::string& why) {
    return absl::FailedPreconditionError(absl::StrCat(
        "locus ", locus.name(), ": the ", method, " transformation of the ", MutationModelName(model),
        " model does not exist for these frequencies (", why,
        transform == MutationTransform::kPM || transform == MutationTransform::kPR
            ? "); expected another --mutation-transform (MH or BA) or none"
            : "); expected a smaller mutation rate, another --mutation-transform or none"));
  };
  // R(X) = 1 - sum_i p_i X_ii, the overall mutation rate, written as pedmut::mutRate does:
  // it equals sum_i p_i (1 - X_ii) only when sum_i p_i = 1, and the vectors (frequencies
  // summing to 1 +- 1e-10) resolve the difference.
  auto rate_of = [&](const MutationMatrix& x) {
    double stay = 0;
    for (int i = 0; i < n; ++i) stay += p[i] * x(i, i);
    return 1 - stay;
  };
  const double rate_m = rate_of(m);
  MutationMatrix s(n, n);

  switch (transform) {
    case MutationTransform::kNone:
      return m;
    case MutationTransform::kPM: {
      // v: (M^T - I) v = 0 with the last equation replaced by sum_i v_i = 1.
      Eigen::MatrixXd x = m.transpose() - Eigen::MatrixXd::Identity(n, n);
      x.row(n - 1).setOnes();
      Eigen::VectorXd b = Eigen::VectorXd::Zero(n);
      b(n - 1) = 1;
      Eigen::FullPivLU<Eigen::MatrixXd> lu(x);
      if (!lu.isInvertible())
        return refuse("the model has no unique stationary distribution: some alleles cannot mutate into each other");
      const Eigen::VectorXd v = lu.solve(b);
      double stay = 0;  // sum_j M_jj v_j
      for (int j = 0; j < n; ++j) stay += m(j, j) * v(j);
      if (!(1 - stay > 0)) return refuse("the stationary distribution of the model has no mutation rate");
      int bad_ct = 0, first_bad = -1;
      double first_value = 0;
      std::vector<double> d(n);
      for (int i = 0; i < n; ++i) {
        d[i] = rate_m * v(i) / ((1 - stay) * p[i]);  // d_i = R(M) v_i / ((1 - sum_j M_jj v_j) p_i)
        const double leave = d[i] * (1 - m(i, i));
        if (leave > 1 || !(d[i] >= 0)) {
          if (bad_ct++ == 0) first_bad = i, first_value = leave;
        }
      }
      if (bad_ct > 0)
        return refuse(absl::StrCat(
            d[first_bad] < 0 ? absl::StrCat("d_i = ", d[first_bad], " < 0")
                             : absl::StrCat("d_i (1 - M_ii) = ", first_value, " > 1"),
            " for allele ", locus.label(first_bad),
            bad_ct > 1 ? absl::StrCat(" and ", bad_ct - 1, " other allele(s)") : std::string()));
      // S = I + diag(d) (M - I).
      for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j) s(i, j) = i == j ? 1 - d[i] * (1 - m(i, i)) : d[i] * m(i, j);
      return s;
    }
    case MutationTransform::kMH:
    case MutationTransform::kBA: {
      MutationMatrix t = MutationMatrix::Zero(n, n);
      for (int i = 0; i < n; ++i) {
        double off = 0;
        for (int j = 0; j < n; ++j) {
          if (j == i || m(i, j) == 0) continue;
          const double forward = p[i] * m(i, j), backward = p[j] * m(j, i);
          t(i, j) = transform == MutationTransform::kMH
                        ? m(i, j) * std::min(1.0, backward / forward)      // Metropolis-Hastings
                        : m(i, j) * backward / (forward + backward);       // Barker
          off += t(i, j);
        }
        t(i, i) = 1 - off;
      }
      // Rate restored: a = R(M) / R(T), S = a T + (1 - a) I, possible while every diagonal
      // stays >= 0, i.e. R(M) <= R(T) / (1 - min_i T_ii).
      const double rate_t = rate_of(t);
      if (!(rate_t > 0)) return refuse("no mutation of the model can be reversed, so R(T) = 0");
      const double min_diag = t.diagonal().minCoeff();
      const double max_rate = rate_t / (1 - min_diag);
      if (rate_m > max_rate)
        return refuse(absl::StrCat("the rate R(M) = ", rate_m, " exceeds the largest rate ", max_rate,
                                   " the reversible matrix can be scaled to"));
      const double a = rate_m / rate_t;
      for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j) s(i, j) = a * t(i, j) + (i == j ? 1 - a : 0.0);
      return s;
    }
    case MutationTransform::kPR: {
      // Refused if some (p M)_j > p_j (1 + 2 M_jj): S_jj = 1/2 + M_jj - (p M)_j / (2 p_j) < 0.
      int bad_ct = 0, first_bad = -1;
      double first_in = 0;
      for (int j = 0; j < n; ++j) {
        double in = 0;  // (p M)_j = sum_i p_i M_ij
        for (int i = 0; i < n; ++i) in += p[i] * m(i, j);
        if (in > p[j] * (1 + 2 * m(j, j)) && bad_ct++ == 0) first_bad = j, first_in = in;
      }
      if (bad_ct > 0)
        return refuse(absl::StrCat(
            "sum_i p_i M_ij = ", first_in, " > p_j (1 + 2 M_jj) = ",
            p[first_bad] * (1 + 2 * m(first_bad, first_bad)), " for allele ", locus.label(first_bad),
            bad_ct > 1 ? absl::StrCat(" and ", bad_ct - 1, " other allele(s)") : std::string(),
            ": its diagonal would be negative"));
      for (int i = 0; i < n; ++i) {
        double off = 0;
        for (int j = 0; j < n; ++j) {
          if (j == i) continue;
          s(i, j) = (p[i] * m(i, j) + p[j] * m(j, i)) / (2 * p[i]);  // S_ij = (p_i M_ij + p_j M_ji) / (2 p_i)
          off += s(i, j);
        }
        s(i, i) = 1 - off;
      }
      return s;
    }
  }
  return absl::InternalError("unknown mutation transform");
}

}  // namespace kinship
