#include "kinship/locus.h"

#include <catch2/catch.hpp>

using namespace kinship;

TEST_CASE("Genotype index is triangular and round-trips", "[model]") {
  REQUIRE(GenotypeIndex(0, 0) == 0);
  REQUIRE(GenotypeIndex(0, 1) == 1);
  REQUIRE(GenotypeIndex(1, 1) == 2);
  REQUIRE(GenotypeIndex(2, 0) == 3);
  for (int b = 0; b < kMaxAllelesPerLocus; ++b)
    for (int a = 0; a <= b; ++a) {
      AllelePair p = GenotypeAlleles(GenotypeIndex(b, a));
      REQUIRE(p.a == a);
      REQUIRE(p.b == b);
    }
  REQUIRE(GenotypeCount(kMaxAllelesPerLocus) - 1 < kUntyped);
}
