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

TEST_CASE("ReadAlleleLabel: canonical repeat numbers and the known notations", "[locus][labels]") {
  struct Case {
    const char* written;
    AlleleLabelKind kind;
    const char* text;
    bool comma;
  };
  const Case cases[] = {
      {"12", AlleleLabelKind::kNumeric, "12", false},     {"12.0", AlleleLabelKind::kNumeric, "12", false},
      {"012", AlleleLabelKind::kNumeric, "12", false},    {"09.3", AlleleLabelKind::kNumeric, "9.3", false},
      {"9.30", AlleleLabelKind::kNumeric, "9.3", false},  {"30,2", AlleleLabelKind::kNumeric, "30.2", true},
      {"0", AlleleLabelKind::kNumeric, "0", false},       {"00.00", AlleleLabelKind::kNumeric, "0", false},
      {"9.31", AlleleLabelKind::kNumeric, "9.31", false}, {"OL", AlleleLabelKind::kOffLadder, "OL", false},
      {"ol", AlleleLabelKind::kOffLadder, "ol", false},   {"<8", AlleleLabelKind::kOffLadder, "<8", false},
      {">20.3", AlleleLabelKind::kOffLadder, ">20.3", false}, {"F", AlleleLabelKind::kFailed, "F", false},
      {"Silent", AlleleLabelKind::kSilent, "Silent", false},  {"x?", AlleleLabelKind::kInvalid, "x?", false},
      {"9.", AlleleLabelKind::kInvalid, "9.", false},     {".3", AlleleLabelKind::kInvalid, ".3", false},
      {"9.3.1", AlleleLabelKind::kInvalid, "9.3.1", false}, {"<", AlleleLabelKind::kInvalid, "<", false},
      {"-1", AlleleLabelKind::kInvalid, "-1", false},     {"", AlleleLabelKind::kInvalid, "", false},
  };
  for (const Case& c : cases) {
    INFO(c.written);
    const AlleleLabel l = ReadAlleleLabel(c.written);
    CHECK(l.kind == c.kind);
    CHECK(l.text == c.text);
    CHECK(l.comma_decimal == c.comma);
  }
}
