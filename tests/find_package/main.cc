// Links the installed library and computes one LR: proves find_package(kinship) works.
#include <cstdio>

#include "kinship/io.h"
#include "kinship/pairwise.h"
#include "kinship/version.h"

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  kinship::Diagnostics diag;
  auto table = kinship::ReadAlleleFreqs(argv[1], &diag);
  if (!table.ok()) return 1;
  auto calc = kinship::PairwiseCalculator::Create(*table, *kinship::ParseRelationship("parent-child"), {});
  if (!calc.ok()) return 1;
  bool inconsistent;
  // Homozygous parent and child at locus 0, allele 0: PI = 1/p.
  double lr = calc->LocusLr(0, kinship::GenotypeIndex(0, 0), kinship::GenotypeIndex(0, 0), &inconsistent);
  double want = 1 / table->locus(0).freq(0);
  std::printf("kinship %s: LR %g (expected %g)\n", KINSHIP_VERSION_STRING, lr, want);
  return lr > want * (1 - 1e-12) && lr < want * (1 + 1e-12) ? 0 : 1;
}
