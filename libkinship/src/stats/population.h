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

}  // namespace kinship::internal

#endif  // KINSHIP_STATS_POPULATION_H_
