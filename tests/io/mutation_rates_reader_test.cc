#include <catch2/catch.hpp>

// Tests of ReadMutationRates (kinship/io.h, src/io/mutation_rates_reader.cc): one rate or
// a rate per sex, line endings and BOM, and every documented error.

#include <algorithm>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "kinship/diagnostics.h"
#include "kinship/io.h"
#include "test_util.h"

using namespace kinship;

namespace {

using testing::At;
using testing::CheckError;
using testing::kBom;
using testing::ToCrlf;

// Reader inputs live in a fresh temp folder per test.
class TempDir : public testing::TempDir {
 public:
  TempDir() : testing::TempDir("kinship_mutation_rates_reader_test") {}
};

int CountNotes(const Diagnostics& diag, const std::string& needle) {
  return static_cast<int>(std::count_if(diag.notes().begin(), diag.notes().end(),
                                        [&](const Note& n) {
                                          return n.message.find(needle) != std::string::npos;
                                        }));
}

std::string AllNotes(const Diagnostics& diag) {
  std::string s;
  for (const Note& n : diag.notes())
    s += (n.level == NoteLevel::kWarning ? "W: " : "I: ") + n.message + "\n";
  return s;
}

}  // namespace

// ---------------------------------------------------------------------------------
// ReadMutationRates
// ---------------------------------------------------------------------------------

TEST_CASE("Mutation rates: single rate column", "[io][rates]") {
  TempDir dir;
  const std::string text =
      "# rates\n"
      "locus,rate\n"
      "CSF1PO,0.0016\n"
      "\n"
      "VWA,0.0017\n"
      "TPOX,0\n";
  std::string path = dir.Write("rates.csv", text);
  Diagnostics diag;
  auto r = ReadMutationRates(path, &diag);
  REQUIRE(r.ok());
  REQUIRE(r->size() == 3);
  REQUIRE(r->at("CSF1PO").male == 0.0016);
  REQUIRE(r->at("CSF1PO").female == 0.0016);
  REQUIRE(r->count("vWA") == 1);
  REQUIRE(r->count("VWA") == 0);
  REQUIRE(r->at("vWA").male == 0.0017);
  REQUIRE(r->at("TPOX").female == 0.0);
  INFO(AllNotes(diag));
  REQUIRE(diag.notes().size() == 1);
  REQUIRE(CountNotes(diag, "'VWA' read as 'vWA'") == 1);

  SECTION("CRLF and BOM read identically") {
    Diagnostics d2;
    auto r2 = ReadMutationRates(dir.Write("rates_crlf.csv", kBom + ToCrlf(text)), &d2);
    REQUIRE(r2.ok());
    REQUIRE(r2->size() == r->size());
    for (const auto& [k, v] : *r) {
      REQUIRE(r2->count(k) == 1);
      REQUIRE(r2->at(k).male == v.male);
      REQUIRE(r2->at(k).female == v.female);
    }
    REQUIRE(d2.notes().size() == 1);
  }
}

TEST_CASE("Mutation rates: male and female columns and their synonyms", "[io][rates]") {
  TempDir dir;
  SECTION("rate_male,rate_female") {
    Diagnostics diag;
    auto r = ReadMutationRates(dir.Write("mf.csv",
                                         "locus,rate_female,rate_male\n"
                                         "D21S11,0.0007,0.0019\n"
                                         "Penta_E,0.0003,0.0015\n"),
                               &diag);
    REQUIRE(r.ok());
    REQUIRE(r->at("D21S11").male == 0.0019);
    REQUIRE(r->at("D21S11").female == 0.0007);
    REQUIRE(r->at("Penta E").male == 0.0015);
    REQUIRE(r->at("Penta E").female == 0.0003);
    REQUIRE(CountNotes(diag, "'Penta_E' read as 'Penta E'") == 1);
  }
  SECTION("paternal_rate,maternal_rate") {
    Diagnostics diag;
    auto r = ReadMutationRates(
        dir.Write("pm.csv", "Locus,Paternal_Rate,Maternal_Rate\nFGA,0.003,0.0005\n"), &diag);
    REQUIRE(r.ok());
    REQUIRE(r->at("FGA").male == 0.003);
    REQUIRE(r->at("FGA").female == 0.0005);
  }
}

TEST_CASE("Mutation rates: malformed files", "[io][rates]") {
  TempDir dir;
  Diagnostics diag;
  SECTION("missing file") {
    std::string path = dir.Path("none.csv");
    CheckError(ReadMutationRates(path, &diag).status(), absl::StatusCode::kNotFound, path,
               "cannot open");
  }
  SECTION("empty file") {
    std::string path = dir.Write("empty.csv", "");
    CheckError(ReadMutationRates(path, &diag).status(), absl::StatusCode::kInvalidArgument,
               path + ": empty file", "expected a header locus,rate_male,rate_female");
  }
  SECTION("header-only file") {
    std::string path = dir.Write("hdr.csv", "locus,rate\n");
    CheckError(ReadMutationRates(path, &diag).status(), absl::StatusCode::kInvalidArgument,
               path + ": ", "expected at least one data row");
  }
  SECTION("wrong header: male without female") {
    std::string path = dir.Write("h.csv", "locus,rate_male\nFGA,0.001\n");
    CheckError(ReadMutationRates(path, &diag).status(), absl::StatusCode::kInvalidArgument,
               At(path, 1), "locus and rate, or locus, rate_male and rate_female");
  }
  SECTION("wrong header: no locus") {
    std::string path = dir.Write("h.csv", "# c\nmarker,rate\nFGA,0.001\n");
    CheckError(ReadMutationRates(path, &diag).status(), absl::StatusCode::kInvalidArgument,
               At(path, 2), "header must name columns locus");
  }
  SECTION("wrong field count") {
    std::string path = dir.Write("fc.csv", "locus,rate\nFGA,0.001,3\n");
    CheckError(ReadMutationRates(path, &diag).status(), absl::StatusCode::kInvalidArgument,
               At(path, 2), "found 3 fields; expected 2");
  }
  SECTION("bad rates") {
    for (const char* bad : {"1", "1.5", "-0.001", "abc", "", "nan"}) {
      std::string path =
          dir.Write("bad.csv", std::string("locus,rate\nFGA,0.001\nTPOX,") + bad + "\n");
      INFO("rate '" << bad << "'");
      CheckError(ReadMutationRates(path, &diag).status(), absl::StatusCode::kInvalidArgument,
                 At(path, 3), "expected a rate in [0, 1)");
    }
  }
  SECTION("bad female rate names its column") {
    std::string path =
        dir.Write("badf.csv", "locus,rate_male,rate_female\nFGA,0.001,2\n");
    CheckError(ReadMutationRates(path, &diag).status(), absl::StatusCode::kInvalidArgument,
               At(path, 2), "rate_female '2'");
  }
  SECTION("duplicate locus, also under an alias") {
    std::string path = dir.Write("dup.csv", "locus,rate\nFGA,0.001\nvWA,0.002\nVWA,0.002\n");
    CheckError(ReadMutationRates(path, &diag).status(), absl::StatusCode::kInvalidArgument,
               At(path, 4), "locus vWA is listed twice; expected one row per locus");
  }
}

// Regression: an empty locus cell was once stored under the locus name "".
TEST_CASE("Mutation rates: empty locus is an error", "[io][rates]") {
  TempDir dir;
  Diagnostics diag;
  std::string path = dir.Write("noloc.csv", "locus,rate\nFGA,0.001\n,0.002\n");
  CheckError(ReadMutationRates(path, &diag).status(), absl::StatusCode::kInvalidArgument,
             At(path, 3), "locus");
}
