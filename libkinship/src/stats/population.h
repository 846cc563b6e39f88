// File: stats/population.h (private)
//
// The two population-genetics formulas every engine shares, written once:
//  * Hardy-Weinberg genotype probabilities, P({a, b}) = p_a^2 (a = b) or 2 p_a p_b
//    (NRC II 4.1);
//  * the Balding-Nichols draw (Balding & Nichols 1994; the sampling formula behind
//    NRC II 4.10's theta-corrected match probabilities): from a
//    subpopulation with coancestry theta, after `drawn` alleles of which `count` are x,
//    the next allele is x with probability
//        (count θ + (1-θ) p_x) / (1 + (drawn - 1) θ).
// The functions are inline and evaluate in the order written, so callers' results are
// bit-identical to the expressions they replace.
#ifndef KINSHIP_STATS_POPULATION_H_
#define KINSHIP_STATS_POPULATION_H_

#include <initializer_list>
#include <vector>

#include "kinship/locus.h"

namespace kinship::internal {

// Hardy-Weinberg probability of the genotype {ab.a, ab.b} (both phases of a heterozygote).
inline double HardyWeinberg(const std::vector<double>& freqs, AllelePair ab) {
  return ab.a == ab.b ? freqs[ab.a] * freqs[ab.a] : 2 * freqs[ab.a] * freqs[ab.b];
}

inline double HardyWeinberg(const std::vector<double>& freqs, GenotypeIdx g) {
  return HardyWeinberg(freqs, GenotypeAlleles(g));
}

// The Balding-Nichols draw's numerator, count θ + (1-θ) p (the weight of a "new" allele).
inline double BaldingNicholsWeight(int count, double p, double theta) {
  return count * theta + (1 - theta) * p;
}

// The Balding-Nichols draw's denominator after `drawn` alleles, 1 + (drawn - 1) θ.
inline double BaldingNicholsDenominator(int drawn, double theta) { return 1 + (drawn - 1) * theta; }

// P(next allele = x | `drawn` alleles drawn, `count` of them x), p = p_x.
inline double BaldingNicholsDraw(int count, int drawn, double p, double theta) {
  return BaldingNicholsWeight(count, p, theta) / BaldingNicholsDenominator(drawn, theta);
}

// P(genotypes) of unrelated persons of one subpopulation: their alleles drawn in order by
// Balding-Nichols (one phase each, times 2 per heterozygote); at theta = 0 the product of the
// Hardy-Weinberg probabilities. `gs`: one or more genotypes (REQUIRES: none kUntyped).
inline double UnrelatedProbability(const std::vector<double>& freqs, double theta,
                                   std::initializer_list<GenotypeIdx> gs) {
  double prob = 1;
  if (theta == 0) {
    for (GenotypeIdx g : gs) prob *= HardyWeinberg(freqs, g);
    return prob;
  }
  int drawn = 0;
  int counts[4] = {0, 0, 0, 0};
  int seen[4] = {-1, -1, -1, -1};
  auto count_of = [&](int x) -> int& {
    for (int i = 0; i < 4; ++i)
      if (seen[i] == x || seen[i] < 0) {
        seen[i] = x;
        return counts[i];
      }
    return counts[3];  // unreachable with at most two genotypes
  };
  for (GenotypeIdx g : gs) {
    const AllelePair ab = GenotypeAlleles(g);
    for (int x : {static_cast<int>(ab.a), static_cast<int>(ab.b)}) {
      int& c = count_of(x);
      prob *= BaldingNicholsDraw(c, drawn, freqs[x], theta);
      ++c;
      ++drawn;
    }
    if (ab.a != ab.b) prob *= 2;
  }
  return prob;
}

}  // namespace kinship::internal

#endif  // KINSHIP_STATS_POPULATION_H_
