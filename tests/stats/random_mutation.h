// Random mutation matrices for the engine's property tests: rows sum to 1, the diagonal
// dominant (rates 0.001-0.101), about a third of the off-diagonal entries 0 (a row of no
// mutation when all are).
#ifndef KINSHIP_TESTS_STATS_RANDOM_MUTATION_H_
#define KINSHIP_TESTS_STATS_RANDOM_MUTATION_H_

#include <random>

#include "kinship/mutation.h"

namespace kinship::testing {

inline MutationMatrix RandomMutation(int allele_ct, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u(0, 1);
  MutationMatrix m(allele_ct, allele_ct);
  for (int a = 0; a < allele_ct; ++a) {
    double sum = 0;
    for (int b = 0; b < allele_ct; ++b) sum += m(a, b) = a == b ? 0 : u(rng) * (rng() % 3 == 0 ? 0 : 1);
    const double rate = 0.001 + 0.1 * u(rng);
    for (int b = 0; b < allele_ct; ++b) m(a, b) = a == b ? 1 - rate : sum > 0 ? rate * m(a, b) / sum : 0;
    if (sum == 0) m(a, a) = 1;
  }
  return m;
}

}  // namespace kinship::testing

#endif  // KINSHIP_TESTS_STATS_RANDOM_MUTATION_H_
