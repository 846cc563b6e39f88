#include <catch2/catch.hpp>

// Tests of the strict frequency-table reader: ReadAlleleFreqs (long and wide
// layouts), and the locus-name / allele-label helpers it relies on (CanonicalLocusName,
// IsSexOrYMarker, ParseAlleleValue). ReadSampleSizes and ReadMutationRates are tested in
// sample_sizes_reader_test.cc and mutation_rates_reader_test.cc.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "kinship/diagnostics.h"
#include "kinship/io.h"
#include "kinship/locus.h"
#include "test_util.h"

using namespace kinship;
using Catch::Matchers::Contains;

namespace {

namespace fs = std::filesystem;

using testing::At;
using testing::CheckError;
using testing::kBom;
using testing::ToCrlf;

// Reader inputs live in a fresh temp folder per test.
class TempDir : public testing::TempDir {
 public:
  TempDir() : testing::TempDir("kinship_freq_reader_test") {}
};

int CountNotes(const Diagnostics& diag, const std::string& needle) {
  return static_cast<int>(std::count_if(diag.notes().begin(), diag.notes().end(),
                                        [&](const Note& n) {
                                          return n.message.find(needle) != std::string::npos;
                                        }));
}

int CountLevel(const Diagnostics& diag, NoteLevel level) {
  return static_cast<int>(std::count_if(diag.notes().begin(), diag.notes().end(),
                                        [&](const Note& n) { return n.level == level; }));
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

const Locus& RequireLocus(const AlleleFreqTable& t, const std::string& name) {
  const Locus* l = t.Find(name);
  INFO("locus " << name);
  REQUIRE(l != nullptr);
  return *l;
}

double FreqOf(const Locus& l, const std::string& label) {
  int i = l.FindAllele(label);
  INFO("allele " << label << " of " << l.name());
  REQUIRE(i >= 0);
  return l.freq(i);
}

// A small, well-formed long table (sums to 1 per locus), with a comment line, a blank
// line, a whitespace-only line and an indented comment.
const std::string kLongTable =
    "# allele frequencies, test population\n"
    "locus,allele,frequency\n"
    "CSF1PO,10,0.25\n"
    "CSF1PO,11,0.25\n"
    "\n"
    "CSF1PO,12,0.5\n"
    "   # indented comment\n"
    "TH01,6,0.2\n"
    "  \t \n"
    "TH01,9.3,0.3\n"
    "TH01,7,0.5\n";

}  // namespace

// ---------------------------------------------------------------------------------
// ReadAlleleFreqs: long layout
// ---------------------------------------------------------------------------------

TEST_CASE("Long frequency table is read in order with comments and blank lines skipped",
          "[io][freq]") {
  TempDir dir;
  std::string path = dir.Write("long.csv", kLongTable);
  Diagnostics diag;
  auto table = ReadAlleleFreqs(path, &diag);
  REQUIRE(table.ok());
  REQUIRE(table->locus_ct() == 2);
  REQUIRE(table->locus(0).name() == "CSF1PO");
  REQUIRE(table->locus(1).name() == "TH01");
  const Locus& csf = table->locus(0);
  REQUIRE(csf.labels() == std::vector<std::string>{"10", "11", "12"});
  REQUIRE(csf.freqs() == std::vector<double>{0.25, 0.25, 0.5});
  REQUIRE_FALSE(csf.sample_size().has_value());
  REQUIRE_FALSE(csf.imputed(0));
  const Locus& th01 = table->locus(1);
  REQUIRE(th01.labels() == std::vector<std::string>{"6", "9.3", "7"});
  REQUIRE(th01.FindAllele("9.3") == 1);
  REQUIRE(th01.FindAllele("8") == -1);
  REQUIRE(FreqOf(th01, "9.3") == Approx(0.3));
  REQUIRE(table->FindLocus("TH01") == 1);
  REQUIRE(table->FindLocus("THO1") == -1);  // Find takes canonical names only
  INFO(AllNotes(diag));
  REQUIRE(diag.empty());
}

TEST_CASE("Long frequency table: CRLF line endings and a UTF-8 BOM read identically",
          "[io][freq]") {
  TempDir dir;
  Diagnostics d_lf, d_crlf, d_bom, d_both;
  auto lf = ReadAlleleFreqs(dir.Write("lf.csv", kLongTable), &d_lf);
  auto crlf = ReadAlleleFreqs(dir.Write("crlf.csv", ToCrlf(kLongTable)), &d_crlf);
  auto bom = ReadAlleleFreqs(dir.Write("bom.csv", kBom + kLongTable), &d_bom);
  auto both = ReadAlleleFreqs(dir.Write("both.csv", kBom + ToCrlf(kLongTable)), &d_both);
  REQUIRE(lf.ok());
  REQUIRE(crlf.ok());
  REQUIRE(bom.ok());
  REQUIRE(both.ok());
  RequireSameTable(*lf, *crlf);
  RequireSameTable(*lf, *bom);
  RequireSameTable(*lf, *both);
  REQUIRE(d_crlf.notes().size() == d_lf.notes().size());
  REQUIRE(d_bom.notes().size() == d_lf.notes().size());
  REQUIRE(d_both.notes().size() == d_lf.notes().size());

  // BOM directly before the header (no comment first) is also stripped.
  Diagnostics d;
  auto t = ReadAlleleFreqs(
      dir.Write("bom_header.csv", kBom + ToCrlf("locus,allele,frequency\nTPOX,8,1\n")), &d);
  REQUIRE(t.ok());
  REQUIRE(t->locus(0).name() == "TPOX");
  REQUIRE(t->locus(0).labels() == std::vector<std::string>{"8"});

  // No newline after the last line.
  Diagnostics d2;
  auto t2 = ReadAlleleFreqs(dir.Write("no_eol.csv", "locus,allele,frequency\r\nTPOX,8,1"), &d2);
  REQUIRE(t2.ok());
  REQUIRE(t2->locus(0).freqs() == std::vector<double>{1.0});
}

TEST_CASE("Long frequency table: header column order, synonyms and extra columns",
          "[io][freq]") {
  TempDir dir;
  Diagnostics diag;
  auto t = ReadAlleleFreqs(
      dir.Write("cols.csv",
                "Marker,Source,Freq,Allele\n"
                "FGA,x,0.4,20\n"
                "FGA,y,0.6,21\n"),
      &diag);
  REQUIRE(t.ok());
  const Locus& fga = RequireLocus(*t, "FGA");
  REQUIRE(fga.labels() == std::vector<std::string>{"20", "21"});
  REQUIRE(fga.freqs() == std::vector<double>{0.4, 0.6});
}

TEST_CASE("Long frequency table: quoted fields", "[io][freq]") {
  TempDir dir;
  Diagnostics diag;
  auto t = ReadAlleleFreqs(dir.Write("quoted.csv",
                                     "\"locus\",\"allele\",\"frequency\"\n"
                                     "\"Penta E\",\"5\",\"0.5\"\n"
                                     " \"Penta E\" , \"8\" ,0.25\n"
                                     "\"Penta E\",\"30,2\",\"0.25\"\n"),
                           &diag);
  REQUIRE(t.ok());
  const Locus& pe = RequireLocus(*t, "Penta E");
  // A quoted decimal comma is read as a decimal point, with a note.
  REQUIRE(pe.labels() == std::vector<std::string>{"5", "8", "30.2"});
  REQUIRE(pe.freqs() == std::vector<double>{0.5, 0.25, 0.25});

  SECTION("an unterminated quote is an error at its line") {
    std::string path = dir.Write("unterminated.csv",
                                 "locus,allele,frequency\n"
                                 "TPOX,8,0.5\n"
                                 "\"TPOX,9,0.5\n");
    Diagnostics d;
    CheckError(ReadAlleleFreqs(path, &d).status(), absl::StatusCode::kInvalidArgument,
               At(path, 3), "quote");
  }
}

TEST_CASE("Missing, empty and header-only frequency files are errors", "[io][freq]") {
  TempDir dir;
  Diagnostics diag;

  SECTION("missing file is NotFound naming the path") {
    std::string path = dir.Path("does_not_exist.csv");
    CheckError(ReadAlleleFreqs(path, &diag).status(), absl::StatusCode::kNotFound, path,
               "cannot open");
  }
  SECTION("empty file") {
    std::string path = dir.Write("empty.csv", "");
    CheckError(ReadAlleleFreqs(path, &diag).status(), absl::StatusCode::kInvalidArgument,
               path + ": empty file", "expected a header locus,allele,frequency");
  }
  SECTION("file with only comments and blank lines counts as empty") {
    std::string path = dir.Write("comments.csv", "# nothing\n\n   \n# here\n");
    CheckError(ReadAlleleFreqs(path, &diag).status(), absl::StatusCode::kInvalidArgument,
               path + ": empty file", "expected a header");
  }
  SECTION("header-only long file") {
    std::string path = dir.Write("header_only.csv", "locus,allele,frequency\n\n# no rows\n");
    CheckError(ReadAlleleFreqs(path, &diag).status(), absl::StatusCode::kInvalidArgument,
               path + ": ", "expected at least one data row");
  }
  SECTION("header-only wide file") {
    std::string path = dir.Write("header_only_wide.csv", "Allele,CSF1PO,TH01\n");
    CheckError(ReadAlleleFreqs(path, &diag).status(), absl::StatusCode::kInvalidArgument,
               path + ": ", "no allele with a frequency");
  }
}

TEST_CASE("Long frequency table: wrong header", "[io][freq]") {
  TempDir dir;
  Diagnostics diag;
  SECTION("no frequency column") {
    std::string path = dir.Write("h1.csv", "locus,allele,count\nTPOX,8,12\n");
    CheckError(ReadAlleleFreqs(path, &diag).status(), absl::StatusCode::kInvalidArgument,
               At(path, 1), "locus, allele and frequency");
  }
  SECTION("no allele column, after comment lines (line number counts them)") {
    std::string path = dir.Write("h2.csv", "# c\n\nlocus,label,frequency\nTPOX,8,1\n");
    CheckError(ReadAlleleFreqs(path, &diag).status(), absl::StatusCode::kInvalidArgument,
               At(path, 3), "locus, allele and frequency");
  }
  SECTION("a single-column header") {
    std::string path = dir.Write("h3.csv", "Allele\n8\n");
    CheckError(ReadAlleleFreqs(path, &diag).status(), absl::StatusCode::kInvalidArgument,
               At(path, 1), "expected a long table");
  }
}

// Regression: the layout was once chosen from the first header cell only, so a long
// table with a misnamed first column was read as a wide table and failed at line 2 with
// a misleading frequency error instead of a header error at line 1.
TEST_CASE("Header whose first cell is neither locus nor Allele is a header error",
          "[io][freq]") {
  TempDir dir;
  Diagnostics diag;
  std::string path = dir.Write("h.csv", "locus_name,allele,frequency\nTPOX,8,1\n");
  auto t = ReadAlleleFreqs(path, &diag);
  CheckError(t.status(), absl::StatusCode::kInvalidArgument, At(path, 1), "expected");
}

TEST_CASE("Long frequency table: wrong field count", "[io][freq]") {
  TempDir dir;
  Diagnostics diag;
  SECTION("too few") {
    std::string path = dir.Write("few.csv", "locus,allele,frequency\nTPOX,8,0.5\nTPOX,9\n");
    CheckError(ReadAlleleFreqs(path, &diag).status(), absl::StatusCode::kInvalidArgument,
               At(path, 3), "found 2 fields; expected 3");
  }
  SECTION("too many") {
    std::string path =
        dir.Write("many.csv", "locus,allele,frequency\n\n# c\nTPOX,8,0.5,extra\n");
    CheckError(ReadAlleleFreqs(path, &diag).status(), absl::StatusCode::kInvalidArgument,
               At(path, 4), "found 4 fields; expected 3");
  }
}

TEST_CASE("Long frequency table: bad frequencies", "[io][freq]") {
  TempDir dir;
  Diagnostics diag;
  struct Case {
    const char* text;
    const char* hint;
  };
  const Case cases[] = {
      {"abc", "is not a number"},   {"", "is not a number"},   {"0x1p-3", "is not a number"},
      {"inf", "is not a number"},   {"nan", "is not a number"}, {"0.1.2", "is not a number"},
      {"-0.1", "outside [1e-9, 1]"},   {"0", "outside [1e-9, 1]"},    {"0.0", "outside [1e-9, 1]"},
      {"1.5", "outside [1e-9, 1]"},    {"1.0000001", "outside [1e-9, 1]"},  {"1e-10", "outside [1e-9, 1]"},
  };
  int k = 0;
  for (const Case& c : cases) {
    std::string path = dir.Write("bad" + std::to_string(k++) + ".csv",
                                 std::string("locus,allele,frequency\nTPOX,8,0.5\nTPOX,9,") +
                                     c.text + "\n");
    INFO("frequency '" << c.text << "'");
    CheckError(ReadAlleleFreqs(path, &diag).status(), absl::StatusCode::kInvalidArgument,
               At(path, 3), c.hint);
    CheckError(ReadAlleleFreqs(path, &diag).status(), absl::StatusCode::kInvalidArgument,
               At(path, 3), "expected a decimal in [1e-9, 1]");
  }

  SECTION("1 and scientific notation are accepted") {
    Diagnostics d;
    auto t = ReadAlleleFreqs(
        dir.Write("ok.csv", "locus,allele,frequency\nTPOX,8,1\nFGA,20,5e-1\nFGA,21,+0.5\n"), &d);
    REQUIRE(t.ok());
    REQUIRE(FreqOf(RequireLocus(*t, "TPOX"), "8") == 1.0);
    REQUIRE(FreqOf(RequireLocus(*t, "FGA"), "20") == 0.5);
    REQUIRE(FreqOf(RequireLocus(*t, "FGA"), "21") == 0.5);
  }
}

TEST_CASE("Long frequency table: duplicate allele rows and empty names", "[io][freq]") {
  TempDir dir;
  Diagnostics diag;
  SECTION("same allele twice") {
    std::string path = dir.Write(
        "dup.csv", "locus,allele,frequency\nTPOX,8,0.5\nTH01,6,1\nTPOX,9,0.25\nTPOX,8,0.25\n");
    CheckError(ReadAlleleFreqs(path, &diag).status(), absl::StatusCode::kInvalidArgument,
               At(path, 5), "allele '8' of locus TPOX is listed twice");
    CheckError(ReadAlleleFreqs(path, &diag).status(), absl::StatusCode::kInvalidArgument,
               At(path, 5), "expected one row per allele");
  }
  SECTION("same allele under two spellings of one locus") {
    std::string path =
        dir.Write("dup_alias.csv", "locus,allele,frequency\nvWA,17,0.5\nVWA,17,0.5\n");
    CheckError(ReadAlleleFreqs(path, &diag).status(), absl::StatusCode::kInvalidArgument,
               At(path, 3), "listed twice");
  }
  SECTION("empty locus") {
    std::string path = dir.Write("noloc.csv", "locus,allele,frequency\n,8,1\n");
    CheckError(ReadAlleleFreqs(path, &diag).status(), absl::StatusCode::kInvalidArgument,
               At(path, 2), "empty locus");
  }
  SECTION("empty allele") {
    std::string path = dir.Write("noallele.csv", "locus,allele,frequency\nTPOX,,1\n");
    CheckError(ReadAlleleFreqs(path, &diag).status(), absl::StatusCode::kInvalidArgument,
               At(path, 2), "empty allele label; expected an allele");
  }
}

TEST_CASE("Long frequency table: more than 255 alleles at a locus is OutOfRange",
          "[io][freq]") {
  TempDir dir;
  std::ostringstream s;
  s << "locus,allele,frequency\n";
  for (int a = 1; a <= kMaxAllelesPerLocus + 1; ++a) s << "SE33," << a << ",0.003\n";
  std::string path = dir.Write("many.csv", s.str());
  Diagnostics diag;
  CheckError(ReadAlleleFreqs(path, &diag).status(), absl::StatusCode::kOutOfRange,
             At(path, kMaxAllelesPerLocus + 2), "more than 255 alleles");

  // Exactly 255 is fine.
  std::ostringstream ok;
  ok << "locus,allele,frequency\n";
  for (int a = 1; a <= kMaxAllelesPerLocus; ++a) ok << "SE33," << a << ",0.003\n";
  Diagnostics d2;
  auto t = ReadAlleleFreqs(dir.Write("max.csv", ok.str()), &d2);
  REQUIRE(t.ok());
  REQUIRE(t->locus(0).allele_ct() == kMaxAllelesPerLocus);
}

TEST_CASE("Frequency sums off by more than 1e-3 are warned about and kept", "[io][freq]") {
  TempDir dir;
  std::string path = dir.Write("sums.csv",
                               "locus,allele,frequency\n"
                               "TPOX,8,0.5\n"
                               "TPOX,9,0.4\n"        // sums to 0.9: warned
                               "FGA,20,0.5\n"
                               "FGA,21,0.5005\n"     // 1.0005: within 1e-3
                               "D5S818,11,0.6\n"
                               "D5S818,12,0.6\n"     // 1.2: warned
                               "TH01,6,0.9995\n");   // 0.9995: within 1e-3
  Diagnostics diag;
  auto t = ReadAlleleFreqs(path, &diag);
  REQUIRE(t.ok());
  INFO(AllNotes(diag));
  REQUIRE(diag.notes().size() == 2);
  REQUIRE(CountLevel(diag, NoteLevel::kWarning) == 2);
  REQUIRE(CountNotes(diag, "locus TPOX sum to 0.9") == 1);
  REQUIRE(CountNotes(diag, "locus D5S818 sum to 1.2") == 1);
  REQUIRE(CountNotes(diag, path) == 2);
  REQUIRE(CountNotes(diag, "FGA") == 0);
  REQUIRE(CountNotes(diag, "TH01") == 0);
  // Used as written.
  REQUIRE(RequireLocus(*t, "TPOX").FrequencySum() == Approx(0.9));
  REQUIRE(FreqOf(RequireLocus(*t, "D5S818"), "12") == 0.6);
}

TEST_CASE("Locus aliases are made canonical with one note per written spelling",
          "[io][freq]") {
  TempDir dir;
  std::string path = dir.Write("aliases.csv",
                               "locus,allele,frequency\n"
                               "VWA,16,0.25\n"
                               "VWA,17,0.25\n"
                               "vwa,18,0.25\n"
                               "vWA,19,0.25\n"
                               "THO1,6,0.5\n"
                               "THO1,7,0.25\n"
                               "TH01,8,0.25\n"
                               "PENTA_E,5,0.25\n"
                               "Penta E,6,0.25\n"
                               "PentaE,7,0.25\n"
                               "PENTA_E,8,0.25\n"
                               "d2s1338,17,0.5\n"
                               "d2s1338,18,0.5\n");
  Diagnostics diag;
  auto t = ReadAlleleFreqs(path, &diag);
  REQUIRE(t.ok());
  REQUIRE(t->locus_ct() == 4);
  REQUIRE(t->locus(0).name() == "vWA");
  REQUIRE(t->locus(1).name() == "TH01");
  REQUIRE(t->locus(2).name() == "Penta E");
  REQUIRE(t->locus(3).name() == "D2S1338");
  REQUIRE(t->locus(0).labels() == std::vector<std::string>{"16", "17", "18", "19"});
  REQUIRE(t->locus(1).labels() == std::vector<std::string>{"6", "7", "8"});
  REQUIRE(t->locus(2).labels() == std::vector<std::string>{"5", "6", "7", "8"});
  INFO(AllNotes(diag));
  // One Info note per spelling that differs from the canonical one.
  REQUIRE(diag.notes().size() == 6);
  REQUIRE(CountLevel(diag, NoteLevel::kInfo) == 6);
  REQUIRE(CountNotes(diag, "'VWA' read as 'vWA'") == 1);
  REQUIRE(CountNotes(diag, "'vwa' read as 'vWA'") == 1);
  REQUIRE(CountNotes(diag, "'THO1' read as 'TH01'") == 1);
  REQUIRE(CountNotes(diag, "'PENTA_E' read as 'Penta E'") == 1);
  REQUIRE(CountNotes(diag, "'PentaE' read as 'Penta E'") == 1);
  REQUIRE(CountNotes(diag, "'d2s1338' read as 'D2S1338'") == 1);
  REQUIRE(CountNotes(diag, "'vWA'") == 2);  // only as the target; no note for vWA itself
  REQUIRE(CountNotes(diag, "'Penta E' read") == 0);
  REQUIRE(CountNotes(diag, "'TH01' read") == 0);
  REQUIRE(CountNotes(diag, path) == 6);
}

// ---------------------------------------------------------------------------------
// ReadAlleleFreqs: wide layout
// ---------------------------------------------------------------------------------

namespace {
const std::string kWideTable =
    "# published table\n"
    "Allele,CSF1PO,TH01,VWA\n"
    "6,,0.25,-\n"
    "7,0,0.25,\n"
    "\n"
    "9.3,0.5,0.5,NA\n"
    "10,0.5,,0.0\n"
    "16,,,0.6\n"
    "17,-,,0.4\n"
    "N,100,120,\n";
}  // namespace

TEST_CASE("Wide frequency table: empty, '-', NA and 0 cells are absent alleles, N row sets sample sizes",
          "[io][freq][wide]") {
  TempDir dir;
  std::string path = dir.Write("wide.csv", kWideTable);
  Diagnostics diag;
  auto t = ReadAlleleFreqs(path, &diag);
  REQUIRE(t.ok());
  REQUIRE(t->locus_ct() == 3);
  const Locus& csf = t->locus(0);
  REQUIRE(csf.name() == "CSF1PO");
  REQUIRE(csf.labels() == std::vector<std::string>{"9.3", "10"});
  REQUIRE(csf.freqs() == std::vector<double>{0.5, 0.5});
  REQUIRE(csf.sample_size() == std::optional<int>(100));
  const Locus& th01 = t->locus(1);
  REQUIRE(th01.name() == "TH01");
  REQUIRE(th01.labels() == std::vector<std::string>{"6", "7", "9.3"});
  REQUIRE(th01.sample_size() == std::optional<int>(120));
  const Locus& vwa = t->locus(2);
  REQUIRE(vwa.name() == "vWA");
  REQUIRE(vwa.labels() == std::vector<std::string>{"16", "17"});
  REQUIRE_FALSE(vwa.sample_size().has_value());  // empty N cell: unknown
  INFO(AllNotes(diag));
  REQUIRE(diag.notes().size() == 1);
  REQUIRE(CountNotes(diag, "'VWA' read as 'vWA'") == 1);
}

TEST_CASE("Wide frequency table: CRLF and BOM read identically", "[io][freq][wide]") {
  TempDir dir;
  Diagnostics d1, d2, d3;
  auto lf = ReadAlleleFreqs(dir.Write("lf.csv", kWideTable), &d1);
  auto crlf = ReadAlleleFreqs(dir.Write("crlf.csv", ToCrlf(kWideTable)), &d2);
  auto both = ReadAlleleFreqs(dir.Write("both.csv", kBom + ToCrlf(kWideTable)), &d3);
  REQUIRE(lf.ok());
  REQUIRE(crlf.ok());
  REQUIRE(both.ok());
  RequireSameTable(*lf, *crlf);
  RequireSameTable(*lf, *both);
  REQUIRE(d2.notes().size() == d1.notes().size());
  REQUIRE(d3.notes().size() == d1.notes().size());
}

TEST_CASE("Wide frequency table: 2N row is halved, odd 2N rejected", "[io][freq][wide]") {
  TempDir dir;
  SECTION("2N halved") {
    Diagnostics diag;
    auto t = ReadAlleleFreqs(dir.Write("2n.csv",
                                       "Allele,TPOX,FGA\n"
                                       "8,1,0.5\n"
                                       "20,,0.5\n"
                                       "2N,2072,2070\n"),
                             &diag);
    REQUIRE(t.ok());
    REQUIRE(t->locus(0).sample_size() == std::optional<int>(1036));
    REQUIRE(t->locus(1).sample_size() == std::optional<int>(1035));
  }
  SECTION("lower-case n and 2n are accepted") {
    Diagnostics diag;
    auto t = ReadAlleleFreqs(dir.Write("n.csv", "Allele,TPOX\n8,1\nn,50\n"), &diag);
    REQUIRE(t.ok());
    REQUIRE(t->locus(0).sample_size() == std::optional<int>(50));
  }
  SECTION("odd 2N") {
    Diagnostics diag;
    std::string path = dir.Write("odd.csv", "Allele,TPOX,FGA\n8,1,0.5\n20,,0.5\n2N,2072,2071\n");
    CheckError(ReadAlleleFreqs(path, &diag).status(), absl::StatusCode::kInvalidArgument,
               At(path, 4), "2N = 2071 for FGA is odd; expected a count of alleles");
  }
  SECTION("non-integer, too small and negative N") {
    for (const char* bad : {"abc", "0", "2", "-5", "100.5", "3000000000"}) {
      Diagnostics diag;
      std::string path = dir.Write("badn.csv", std::string("Allele,TPOX\n8,1\nN,") + bad + "\n");
      INFO("N = " << bad);
      CheckError(ReadAlleleFreqs(path, &diag).status(), absl::StatusCode::kInvalidArgument,
                 At(path, 3), "expected an integer from 3 to 2e9");
    }
  }
}

TEST_CASE("Wide frequency table: a row after the N row is rejected", "[io][freq][wide]") {
  TempDir dir;
  Diagnostics diag;
  std::string path =
      dir.Write("after_n.csv", "Allele,TPOX,FGA\n8,1,0.5\nN,10,10\n# c\n20,,0.5\n");
  CheckError(ReadAlleleFreqs(path, &diag).status(), absl::StatusCode::kInvalidArgument,
             At(path, 5), "expected the N row to be last");
}

TEST_CASE("Wide frequency table: malformed content", "[io][freq][wide]") {
  TempDir dir;
  Diagnostics diag;
  SECTION("wrong field count") {
    std::string path = dir.Write("fields.csv", "Allele,TPOX,FGA\n8,1,0.5\n20,0.5\n");
    CheckError(ReadAlleleFreqs(path, &diag).status(), absl::StatusCode::kInvalidArgument,
               At(path, 3), "found 2 fields; expected 3");
  }
  SECTION("non-numeric cell") {
    std::string path = dir.Write("nan.csv", "Allele,TPOX,FGA\n8,1,0.5\n20,x,0.5\n");
    CheckError(ReadAlleleFreqs(path, &diag).status(), absl::StatusCode::kInvalidArgument,
               At(path, 3), "frequency 'x' for TPOX is not a number");
  }
  SECTION("negative and >1 cells") {
    for (const char* bad : {"-0.2", "1.2"}) {
      std::string path =
          dir.Write("range.csv", std::string("Allele,TPOX,FGA\n8,1,0.5\n20,0.3,") + bad + "\n");
      INFO("cell " << bad);
      CheckError(ReadAlleleFreqs(path, &diag).status(), absl::StatusCode::kInvalidArgument,
                 At(path, 3), "outside [1e-9, 1]");
    }
  }
  SECTION("duplicate allele row") {
    std::string path = dir.Write("dup.csv", "Allele,TPOX\n8,0.5\n9,0.25\n8,0.25\n");
    CheckError(ReadAlleleFreqs(path, &diag).status(), absl::StatusCode::kInvalidArgument,
               At(path, 4), "allele '8' of locus TPOX is listed twice");
  }
  SECTION("empty allele label with a frequency") {
    std::string path = dir.Write("nolabel.csv", "Allele,TPOX\n8,0.5\n,0.5\n");
    CheckError(ReadAlleleFreqs(path, &diag).status(), absl::StatusCode::kInvalidArgument,
               At(path, 3), "empty allele label");
  }
  SECTION("empty locus header cell") {
    std::string path = dir.Write("nohdr.csv", "Allele,TPOX,,FGA\n8,0.5,,1\n");
    CheckError(ReadAlleleFreqs(path, &diag).status(), absl::StatusCode::kInvalidArgument,
               At(path, 1), "column 3 has no locus name");
  }
  SECTION("one locus in two columns (after aliasing)") {
    std::string path = dir.Write("twice.csv", "Allele,vWA,VWA\n16,0.5,0.5\n");
    CheckError(ReadAlleleFreqs(path, &diag).status(), absl::StatusCode::kInvalidArgument,
               At(path, 1), "locus vWA appears in two columns");
  }
  SECTION("a locus column without any frequency") {
    std::string path = dir.Write("emptycol.csv", "Allele,TPOX,FGA\n8,1,\n9,,-\nN,10,10\n");
    CheckError(ReadAlleleFreqs(path, &diag).status(), absl::StatusCode::kInvalidArgument,
               path + ": ", "locus FGA has no allele with a frequency");
  }
}

TEST_CASE("Wide frequency table: aliases in the header are noted once each, sums checked",
          "[io][freq][wide]") {
  TempDir dir;
  std::string path = dir.Write("wide_alias.csv",
                               "Allele,THO1,PENTA_E,d2s1338,vWA\n"
                               "6,1,0.5,,0.5\n"
                               "7,,0.5,0.5,0.3\n"   // vWA sums to 0.8
                               "N,10,10,10,10\n");
  Diagnostics diag;
  auto t = ReadAlleleFreqs(path, &diag);
  REQUIRE(t.ok());
  REQUIRE(t->locus(0).name() == "TH01");
  REQUIRE(t->locus(1).name() == "Penta E");
  REQUIRE(t->locus(2).name() == "D2S1338");
  REQUIRE(t->locus(3).name() == "vWA");
  INFO(AllNotes(diag));
  REQUIRE(CountNotes(diag, "'THO1' read as 'TH01'") == 1);
  REQUIRE(CountNotes(diag, "'PENTA_E' read as 'Penta E'") == 1);
  REQUIRE(CountNotes(diag, "'d2s1338' read as 'D2S1338'") == 1);
  REQUIRE(CountNotes(diag, "read as") == 3);
  // D2S1338 sums to 0.5 and vWA to 0.8.
  REQUIRE(CountLevel(diag, NoteLevel::kWarning) == 2);
  REQUIRE(CountNotes(diag, "locus D2S1338 sum to 0.5") == 1);
  REQUIRE(CountNotes(diag, "locus vWA sum to 0.8") == 1);
}

// ---------------------------------------------------------------------------------
// CanonicalLocusName, IsSexOrYMarker, ParseAlleleValue
// ---------------------------------------------------------------------------------

TEST_CASE("CanonicalLocusName maps aliases to one spelling", "[io][locus_names]") {
  const std::map<std::string, std::string> cases = {
      {"VWA", "vWA"},          {"vwa", "vWA"},          {"vWA", "vWA"},
      {"HUMVWA31A", "vWA"},    {"VWA31", "vWA"},        {"THO1", "TH01"},
      {"tho1", "TH01"},        {"TH01", "TH01"},        {"HUMTH01", "TH01"},
      {"PENTA_E", "Penta E"},  {"Penta E", "Penta E"},  {"PentaE", "Penta E"},
      {"penta-e", "Penta E"},  {"Penta.E", "Penta E"},  {"PENTA D", "Penta D"},
      {"d2s1338", "D2S1338"},  {"D2S1338", "D2S1338"},  {"d8s1179", "D8S1179"},
      {"FIBRA", "FGA"},        {"fga", "FGA"},          {"ACTBP2", "SE33"},
      {"csf1po", "CSF1PO"},    {"F13A1", "F13A01"},     {"D22GATA198B05", "D22GATA198B05"},
      {" d 5 s 818 ", "D5S818"},
  };
  for (const auto& [in, out] : cases) {
    INFO("'" << in << "'");
    CHECK(CanonicalLocusName(in) == out);
  }
  // Outside the alias table: upper case, separators removed.
  CHECK(CanonicalLocusName("d99s.12-3_4 x") == "D99S1234X");
  CHECK(CanonicalLocusName("Amelogenin") == "AMELOGENIN");
  // Canonical names are fixed points.
  for (const auto& [in, out] : cases) CHECK(CanonicalLocusName(out) == out);
}

TEST_CASE("IsSexOrYMarker", "[io][locus_names]") {
  for (const char* m : {"AMEL", "Amelogenin", "amel", "AM", "DYS391", "dys 391", "DYS576",
                        "Yindel", "Y indel", "Y-indel", "DYF387S1", "Y GATA H4"}) {
    INFO(m);
    CHECK(IsSexOrYMarker(m));
  }
  for (const char* m : {"D3S1358", "vWA", "TH01", "Penta E", "SE33", "D1S1656", "DXS10074"}) {
    INFO(m);
    CHECK_FALSE(IsSexOrYMarker(m));
  }
}

TEST_CASE("ParseAlleleValue reads repeat numbers and microvariant classes",
          "[io][allele_value]") {
  auto v = ParseAlleleValue("12");
  REQUIRE(v.has_value());
  CHECK(v->repeats == 12.0);
  CHECK(v->microvariant_class == 0);

  v = ParseAlleleValue("9.3");
  REQUIRE(v.has_value());
  CHECK(v->repeats == Approx(9.3));
  CHECK(v->microvariant_class == 3);

  v = ParseAlleleValue("33.2");
  REQUIRE(v.has_value());
  CHECK(v->repeats == Approx(33.2));
  CHECK(v->microvariant_class == 2);

  v = ParseAlleleValue("15.0");
  REQUIRE(v.has_value());
  CHECK(v->repeats == 15.0);
  CHECK(v->microvariant_class == 0);

  v = ParseAlleleValue("7");
  REQUIRE(v.has_value());
  CHECK(v->repeats == 7.0);

  for (const char* bad : {"OL", "<8", ">30", "9.31", "", "9.", ".3", "-1", "9.3 ", " 9",
                          "9a", "1234567", "9,3", "X"}) {
    INFO("'" << bad << "'");
    CHECK_FALSE(ParseAlleleValue(bad).has_value());
  }
}

// ---------------------------------------------------------------------------------
// The bundled NIST 1036 table
// ---------------------------------------------------------------------------------

TEST_CASE("Bundled NIST1036_All table with its sample sizes", "[io][freq][data]") {
  // KINSHIP_TEST_DATA_DIR is <repo>/tests/data; the bundled tables are in <repo>/data.
  const fs::path repo = fs::path(KINSHIP_TEST_DATA_DIR).parent_path().parent_path();
  const fs::path data = repo / "data" / "allele_freqs";
  const std::string freq_path = (data / "NIST1036_All.csv").string();
  const std::string sizes_path = (data / "sample_sizes.csv").string();
  Diagnostics diag;
  auto t = ReadAlleleFreqs(freq_path, &diag);
  INFO(AllNotes(diag));
  INFO(t.status().ToString());
  REQUIRE(t.ok());
  REQUIRE(t->locus_ct() == 29);
  REQUIRE(diag.empty());  // canonical names, sums within 1e-3
  for (const Locus& l : t->loci()) {
    INFO(l.name());
    CHECK(l.FrequencySum() == Approx(1.0).margin(1e-3));
    CHECK(CanonicalLocusName(l.name()) == l.name());
    CHECK_FALSE(l.sample_size().has_value());
  }
  REQUIRE(t->locus(0).name() == "CSF1PO");
  REQUIRE(FreqOf(RequireLocus(*t, "TH01"), "9.3") == Approx(0.20559846));
  REQUIRE(FreqOf(RequireLocus(*t, "vWA"), "17") == Approx(0.26206564));
  REQUIRE(FreqOf(RequireLocus(*t, "Penta E"), "5") == Approx(0.07287645));
  REQUIRE(RequireLocus(*t, "SE33").allele_ct() == 53);

  REQUIRE(ReadSampleSizes(sizes_path, "NIST1036_All.csv", &*t, &diag).ok());
  REQUIRE(diag.empty());
  int n1036 = 0;
  for (const Locus& l : t->loci()) {
    INFO(l.name());
    REQUIRE(l.sample_size().has_value());
    if (*l.sample_size() == 1036) ++n1036;
  }
  CHECK(n1036 == 27);
  CHECK(RequireLocus(*t, "TPOX").sample_size() == std::optional<int>(1035));
  CHECK(RequireLocus(*t, "Penta D").sample_size() == std::optional<int>(1035));
  CHECK(RequireLocus(*t, "CSF1PO").sample_size() == std::optional<int>(1036));
}

TEST_CASE("Frequency table: labels are canonical; two spellings of one allele are an error", "[io][freq][labels]") {
  TempDir dir;
  Diagnostics diag;
  auto t = ReadAlleleFreqs(dir.Write("canon.csv", "locus,allele,frequency\nTH01,06,0.5\nTH01,9.30,0.5\n"), &diag);
  REQUIRE(t.ok());
  CHECK(RequireLocus(*t, "TH01").labels() == std::vector<std::string>{"6", "9.3"});
  const std::string dup = dir.Write("dup.csv", "locus,allele,frequency\nTH01,12,0.5\nTH01,12.0,0.5\n");
  auto d = ReadAlleleFreqs(dup, &diag);
  CheckError(d.status(), absl::StatusCode::kInvalidArgument, At(dup, 3), "same allele as '12'");
  for (const char* bad : {"OL", "<8", "x?", "F"}) {
    INFO(bad);
    const std::string p = dir.Write("bad.csv", std::string("locus,allele,frequency\nTH01,6,0.5\nTH01,") + bad + ",0.5\n");
    CheckError(ReadAlleleFreqs(p, &diag).status(), absl::StatusCode::kInvalidArgument, At(p, 3), "not a repeat number");
  }
}
