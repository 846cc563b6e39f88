#include <catch2/catch.hpp>

// Tests of ReadSampleSizes (kinship/io.h, src/io/sample_sizes_reader.cc): both layouts,
// line endings and BOM, and every documented error.

#include <algorithm>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "kinship/diagnostics.h"
#include "kinship/io.h"
#include "kinship/locus.h"
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
  TempDir() : testing::TempDir("kinship_sample_sizes_reader_test") {}
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

// Field-by-field equality of two tables.
void RequireSameTable(const AlleleFreqTable& a, const AlleleFreqTable& b) {
  REQUIRE(a.locus_ct() == b.locus_ct());
  for (int i = 0; i < a.locus_ct(); ++i) {
    const Locus& la = a.locus(i);
    const Locus& lb = b.locus(i);
    REQUIRE(la.name() == lb.name());
    REQUIRE(la.labels() == lb.labels());
    REQUIRE(la.freqs() == lb.freqs());
    REQUIRE(la.sample_size() == lb.sample_size());
    for (int k = 0; k < la.allele_ct(); ++k) REQUIRE(la.imputed(k) == lb.imputed(k));
  }
}

}  // namespace

// ---------------------------------------------------------------------------------
// ReadSampleSizes
// ---------------------------------------------------------------------------------

namespace {
AlleleFreqTable SmallTable() {
  AlleleFreqTable t;
  for (const char* name : {"CSF1PO", "TH01", "vWA"}) {
    Locus l(name);
    l.AddAllele("10", 1.0);
    t.AddLocus(std::move(l));
  }
  return t;
}
}  // namespace

TEST_CASE("Sample sizes: locus,n_individuals layout", "[io][sample_sizes]") {
  TempDir dir;
  const std::string text =
      "# sizes\n"
      "locus,n_individuals\n"
      "CSF1PO,1036\n"
      "\n"
      "VWA,1035\n"          // alias of vWA
      "D99S999,500\n";      // not in the table: noted
  std::string path = dir.Write("sizes.csv", text);
  AlleleFreqTable t = SmallTable();
  Diagnostics diag;
  REQUIRE(ReadSampleSizes(path, "anything.csv", &t, &diag).ok());
  REQUIRE(t.locus(0).sample_size() == std::optional<int>(1036));
  REQUIRE_FALSE(t.locus(1).sample_size().has_value());
  REQUIRE(t.locus(2).sample_size() == std::optional<int>(1035));
  INFO(AllNotes(diag));
  REQUIRE(diag.notes().size() == 1);
  REQUIRE(CountNotes(diag, "D99S999") == 1);
  REQUIRE(CountNotes(diag, path) == 1);

  SECTION("CRLF and BOM give the same sizes") {
    AlleleFreqTable t2 = SmallTable();
    Diagnostics d2;
    REQUIRE(ReadSampleSizes(dir.Write("sizes_crlf.csv", kBom + ToCrlf(text)), "x", &t2, &d2)
                .ok());
    RequireSameTable(t, t2);
    REQUIRE(d2.notes().size() == 1);
  }
  SECTION("`n` is a synonym of n_individuals") {
    AlleleFreqTable t2 = SmallTable();
    Diagnostics d2;
    REQUIRE(ReadSampleSizes(dir.Write("n.csv", "Locus,N\nTH01,42\n"), "x", &t2, &d2).ok());
    REQUIRE(t2.locus(1).sample_size() == std::optional<int>(42));
  }
}

TEST_CASE("Sample sizes: file,locus,n_individuals,n_alleles layout filtered by file name",
          "[io][sample_sizes]") {
  TempDir dir;
  std::string path = dir.Write("sizes.csv",
                               "file,locus,n_individuals,n_alleles\n"
                               "other.csv,CSF1PO,10,20\n"
                               "mine.csv,CSF1PO,300,600\n"
                               "other.csv,TH01,11,22\n"
                               "mine.csv,vWA,299,598\n"
                               "other.csv,vWA,bogus,\n");  // not validated: other file
  AlleleFreqTable t = SmallTable();
  Diagnostics diag;
  REQUIRE(ReadSampleSizes(path, "mine.csv", &t, &diag).ok());
  REQUIRE(t.locus(0).sample_size() == std::optional<int>(300));
  REQUIRE_FALSE(t.locus(1).sample_size().has_value());
  REQUIRE(t.locus(2).sample_size() == std::optional<int>(299));
  REQUIRE(diag.empty());

  SECTION("no row for the named file is FailedPrecondition") {
    AlleleFreqTable t2 = SmallTable();
    Diagnostics d2;
    CheckError(ReadSampleSizes(path, "absent.csv", &t2, &d2), absl::StatusCode::kFailedPrecondition,
               path, "absent.csv");
    CheckError(ReadSampleSizes(path, "absent.csv", &t2, &d2), absl::StatusCode::kFailedPrecondition,
               path, "expected rows for its loci");
  }
  SECTION("matching is on the exact base name") {
    AlleleFreqTable t2 = SmallTable();
    Diagnostics d2;
    CheckError(ReadSampleSizes(path, "MINE.csv", &t2, &d2),
               absl::StatusCode::kFailedPrecondition, path, "file name");
  }
}

TEST_CASE("Sample sizes: no row applies to the table's loci is FailedPrecondition",
          "[io][sample_sizes]") {
  TempDir dir;
  std::string path = dir.Write("sizes.csv", "locus,n_individuals\nD99S1,10\nD98S2,20\n");
  AlleleFreqTable t = SmallTable();
  Diagnostics diag;
  CheckError(ReadSampleSizes(path, "freqs.csv", &t, &diag),
             absl::StatusCode::kFailedPrecondition, path, "no sample size applies");
}

TEST_CASE("Sample sizes: malformed files", "[io][sample_sizes]") {
  TempDir dir;
  AlleleFreqTable t = SmallTable();
  Diagnostics diag;
  SECTION("missing file") {
    std::string path = dir.Path("none.csv");
    CheckError(ReadSampleSizes(path, "x", &t, &diag), absl::StatusCode::kNotFound, path,
               "cannot open");
  }
  SECTION("empty file") {
    std::string path = dir.Write("empty.csv", "\n# only a comment\n");
    CheckError(ReadSampleSizes(path, "x", &t, &diag), absl::StatusCode::kInvalidArgument,
               path + ": empty file", "expected a header locus,n_individuals");
  }
  SECTION("header-only file: nothing applies") {
    std::string path = dir.Write("hdr.csv", "locus,n_individuals\n");
    CheckError(ReadSampleSizes(path, "x", &t, &diag), absl::StatusCode::kFailedPrecondition,
               path, "no sample size applies");
  }
  SECTION("wrong header") {
    std::string path = dir.Write("hdr.csv", "locus,count\nTH01,5\n");
    CheckError(ReadSampleSizes(path, "x", &t, &diag), absl::StatusCode::kInvalidArgument,
               At(path, 1), "locus and n_individuals");
  }
  SECTION("wrong field count") {
    std::string path = dir.Write("fc.csv", "locus,n_individuals\nTH01,5\nvWA,6,7\n");
    CheckError(ReadSampleSizes(path, "x", &t, &diag), absl::StatusCode::kInvalidArgument,
               At(path, 3), "found 3 fields; expected 2");
  }
  SECTION("bad counts") {
    for (const char* bad : {"0", "1", "-3", "12.5", "many", "", "3000000000"}) {
      std::string path =
          dir.Write("bad.csv", std::string("locus,n_individuals\nTH01,5\nvWA,") + bad + "\n");
      INFO("n = '" << bad << "'");
      CheckError(ReadSampleSizes(path, "x", &t, &diag), absl::StatusCode::kInvalidArgument,
                 At(path, 3), "expected an integer from 3 to 1e9");
    }
  }
}
