#include <catch2/catch.hpp>

// Tests of the profile readers: ReadProfileRecords (long CSV and GeneMapper ID-X
// tab-separated export) and BuildProfileSet (binding to a frequency table: locus
// aliases, imputation of unseen alleles, duplicates, unknown loci).

#include <tbb/global_control.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "kinship/diagnostics.h"
#include "kinship/io.h"
#include "kinship/locus.h"
#include "test_util.h"
#include "kinship/profile.h"

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
  TempDir() : testing::TempDir("kinship_profile_reader_test") {}
};
std::string Where(const std::string& path, int line) {
  return path + ":" + std::to_string(line);
}

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

// The one note containing `needle` (fails unless exactly one).
const Note& OnlyNote(const Diagnostics& diag, const std::string& needle) {
  INFO("note containing '" << needle << "'");
  REQUIRE(CountNotes(diag, needle) == 1);
  return *std::find_if(diag.notes().begin(), diag.notes().end(), [&](const Note& n) {
    return n.message.find(needle) != std::string::npos;
  });
}

std::string AllNotes(const Diagnostics& diag) {
  std::string s;
  for (const Note& n : diag.notes())
    s += (n.level == NoteLevel::kWarning ? "W: " : "I: ") + n.message + "\n";
  return s;
}

// Equal records, the `where` compared on line numbers (the files differ in name).
void RequireSameRecords(const std::vector<GenotypeRecord>& a,
                        const std::vector<GenotypeRecord>& b) {
  REQUIRE(a.size() == b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    INFO("record " << i);
    REQUIRE(a[i].sample_id == b[i].sample_id);
    REQUIRE(a[i].locus == b[i].locus);
    REQUIRE(a[i].allele1 == b[i].allele1);
    REQUIRE(a[i].allele2 == b[i].allele2);
    REQUIRE(a[i].line == b[i].line);
  }
}

void RequireRecord(const GenotypeRecord& r, const std::string& sample, const std::string& locus,
                   const std::string& a1, const std::string& a2, const std::string& where) {
  CHECK(r.sample_id == sample);
  CHECK(r.locus == locus);
  CHECK(r.allele1 == a1);
  CHECK(r.allele2 == a2);
  CHECK(r.where() == where);
}

GenotypeRecord Rec(std::string sample, std::string locus, std::string a1, std::string a2,
                   std::string where) {
  GenotypeRecord r;
  r.sample_id = std::move(sample);
  r.locus = std::move(locus);
  r.allele1 = std::move(a1);
  r.allele2 = std::move(a2);
  // where = "path:line"
  const size_t colon = where.rfind(':');
  r.file = std::make_shared<const std::string>(where.substr(0, colon));
  r.line = std::stoi(where.substr(colon + 1));
  return r;
}

// TH01 {6, 7, 9.3} and vWA {16, 17, 18} with N = 500; FGA {20, 21} with N unknown.
AlleleFreqTable TestTable() {
  AlleleFreqTable t;
  Locus th01("TH01");
  th01.AddAllele("6", 0.2);
  th01.AddAllele("7", 0.3);
  th01.AddAllele("9.3", 0.5);
  th01.set_sample_size(500);
  t.AddLocus(std::move(th01));
  Locus vwa("vWA");
  vwa.AddAllele("16", 0.25);
  vwa.AddAllele("17", 0.25);
  vwa.AddAllele("18", 0.5);
  vwa.set_sample_size(500);
  t.AddLocus(std::move(vwa));
  Locus fga("FGA");
  fga.AddAllele("20", 0.5);
  fga.AddAllele("21", 0.5);
  t.AddLocus(std::move(fga));
  return t;
}

GenotypeIdx Gt(const AlleleFreqTable& t, const std::string& locus, const std::string& a,
               const std::string& b) {
  const Locus* l = t.Find(locus);
  REQUIRE(l != nullptr);
  int ia = l->FindAllele(a), ib = l->FindAllele(b);
  INFO(locus << " " << a << "/" << b);
  REQUIRE(ia >= 0);
  REQUIRE(ib >= 0);
  return GenotypeIndex(ia, ib);
}

const std::string kLongProfiles =
    "# two samples\n"
    "sample_id,locus,allele1,allele2\n"
    "P001,TH01,6,9.3\n"
    "P001,vWA,17,17\n"           // homozygote
    "\n"
    "P001,FGA,,\n"               // untyped (both empty)
    "P002, TH01 , 7 ,\"9.3\"\n"  // trimmed, quoted
    "  # indented comment\n"
    "P002,VWA,NA,NA\n"           // untyped (both NA)
    "P002,FGA,na,na\n";          // untyped (lower-case na)

}  // namespace

// ---------------------------------------------------------------------------------
// ReadProfileRecords: long CSV
// ---------------------------------------------------------------------------------

TEST_CASE("Long profile CSV: records as written, untyped rows, places", "[io][profile]") {
  TempDir dir;
  std::string path = dir.Write("profiles.csv", kLongProfiles);
  Diagnostics diag;
  auto recs = ReadProfileRecords(path, &diag);
  INFO(recs.status().ToString());
  REQUIRE(recs.ok());
  REQUIRE(recs->size() == 6);
  RequireRecord((*recs)[0], "P001", "TH01", "6", "9.3", Where(path, 3));
  RequireRecord((*recs)[1], "P001", "vWA", "17", "17", Where(path, 4));
  RequireRecord((*recs)[2], "P001", "FGA", "", "", Where(path, 6));
  RequireRecord((*recs)[3], "P002", "TH01", "7", "9.3", Where(path, 7));
  RequireRecord((*recs)[4], "P002", "VWA", "", "", Where(path, 9));  // locus as written
  RequireRecord((*recs)[5], "P002", "FGA", "", "", Where(path, 10));
  REQUIRE(diag.empty());
}

TEST_CASE("Long profile CSV: CRLF line endings and a BOM read identically", "[io][profile]") {
  TempDir dir;
  Diagnostics d1, d2, d3, d4;
  auto lf = ReadProfileRecords(dir.Write("lf.csv", kLongProfiles), &d1);
  auto crlf = ReadProfileRecords(dir.Write("crlf.csv", ToCrlf(kLongProfiles)), &d2);
  auto bom = ReadProfileRecords(dir.Write("bom.csv", kBom + kLongProfiles), &d3);
  auto both = ReadProfileRecords(dir.Write("both.csv", kBom + ToCrlf(kLongProfiles)), &d4);
  REQUIRE(lf.ok());
  REQUIRE(crlf.ok());
  REQUIRE(bom.ok());
  REQUIRE(both.ok());
  RequireSameRecords(*lf, *crlf);
  RequireSameRecords(*lf, *bom);
  RequireSameRecords(*lf, *both);
  REQUIRE(d2.notes().size() == d1.notes().size());
  REQUIRE(d4.notes().size() == d1.notes().size());

  // BOM right before the header line.
  Diagnostics d5;
  auto t = ReadProfileRecords(
      dir.Write("bom_hdr.csv", kBom + ToCrlf("sample_id,locus,allele1,allele2\nS,TPOX,8,8\n")),
      &d5);
  REQUIRE(t.ok());
  REQUIRE(t->size() == 1);
  RequireRecord((*t)[0], "S", "TPOX", "8", "8", Where(dir.Path("bom_hdr.csv"), 2));

  // No newline after the last line.
  Diagnostics d6;
  auto t2 = ReadProfileRecords(
      dir.Write("no_eol.csv", "sample_id,locus,allele1,allele2\r\nS,TPOX,8,9"), &d6);
  REQUIRE(t2.ok());
  REQUIRE(t2->size() == 1);
  RequireRecord((*t2)[0], "S", "TPOX", "8", "9", Where(dir.Path("no_eol.csv"), 2));
}

TEST_CASE("Long profile CSV: column order, synonyms and extra columns", "[io][profile]") {
  TempDir dir;
  Diagnostics diag;
  std::string path = dir.Write("cols.csv",
                               "Marker,Allele2,Case,Sample,Allele1\n"
                               "TH01,9.3,c1,S1,6\n");
  auto recs = ReadProfileRecords(path, &diag);
  REQUIRE(recs.ok());
  REQUIRE(recs->size() == 1);
  RequireRecord((*recs)[0], "S1", "TH01", "6", "9.3", Where(path, 2));
}

TEST_CASE("Long profile CSV: one allele without its partner is an error", "[io][profile]") {
  TempDir dir;
  Diagnostics diag;
  const char* rows[] = {"P001,TH01,6,", "P001,TH01,,6", "P001,TH01,NA,6", "P001,TH01,6,NA"};
  int k = 0;
  for (const char* row : rows) {
    std::string path =
        dir.Write("half" + std::to_string(k++) + ".csv",
                  std::string("sample_id,locus,allele1,allele2\nP000,FGA,20,21\n\n") + row + "\n");
    INFO(row);
    auto st = ReadProfileRecords(path, &diag).status();
    CheckError(st, absl::StatusCode::kInvalidArgument, At(path, 4), "sample P001 locus TH01");
    CheckError(st, absl::StatusCode::kInvalidArgument, At(path, 4), "expected two");
  }
}

TEST_CASE("Long profile CSV: malformed files", "[io][profile]") {
  TempDir dir;
  Diagnostics diag;
  SECTION("missing file") {
    std::string path = dir.Path("none.csv");
    CheckError(ReadProfileRecords(path, &diag).status(), absl::StatusCode::kNotFound, path,
               "cannot open");
  }
  SECTION("empty file") {
    std::string path = dir.Write("empty.csv", "");
    CheckError(ReadProfileRecords(path, &diag).status(), absl::StatusCode::kInvalidArgument,
               path + ": empty file", "expected a header sample_id,locus,allele1,allele2");
  }
  SECTION("only comments and blank lines") {
    std::string path = dir.Write("comments.csv", "# a\r\n\r\n# b\r\n");
    CheckError(ReadProfileRecords(path, &diag).status(), absl::StatusCode::kInvalidArgument,
               path + ": empty file", "expected a header");
  }
  SECTION("header-only file") {
    std::string path = dir.Write("hdr.csv", "sample_id,locus,allele1,allele2\n# none\n");
    CheckError(ReadProfileRecords(path, &diag).status(), absl::StatusCode::kInvalidArgument,
               path + ": no genotypes", "expected at least one data row");
  }
  SECTION("wrong header") {
    std::string path = dir.Write("h.csv", "# c\nsample_id,locus,a1,a2\nP1,TH01,6,7\n");
    CheckError(ReadProfileRecords(path, &diag).status(), absl::StatusCode::kInvalidArgument,
               At(path, 2), "sample_id,locus,allele1,allele2");
  }
  SECTION("tab-separated long file without Sample Name is a header error") {
    std::string path = dir.Write("tabs.csv", "sample_id\tlocus\tallele1\tallele2\nP1\tTH01\t6\t7\n");
    CheckError(ReadProfileRecords(path, &diag).status(), absl::StatusCode::kInvalidArgument,
               At(path, 1), "header must name columns");
  }
  SECTION("wrong field count") {
    std::string path =
        dir.Write("fc.csv", "sample_id,locus,allele1,allele2\nP1,TH01,6,7\nP1,FGA,20\n");
    CheckError(ReadProfileRecords(path, &diag).status(), absl::StatusCode::kInvalidArgument,
               At(path, 3), "found 3 fields; expected 4");
  }
  SECTION("too many fields") {
    std::string path =
        dir.Write("fc2.csv", "sample_id,locus,allele1,allele2\nP1,TH01,6,7,8\n");
    CheckError(ReadProfileRecords(path, &diag).status(), absl::StatusCode::kInvalidArgument,
               At(path, 2), "found 5 fields; expected 4");
  }
  SECTION("empty sample id") {
    std::string path = dir.Write("nos.csv", "sample_id,locus,allele1,allele2\n,TH01,6,7\n");
    CheckError(ReadProfileRecords(path, &diag).status(), absl::StatusCode::kInvalidArgument,
               At(path, 2), "empty sample_id");
  }
  SECTION("empty locus") {
    std::string path = dir.Write("nol.csv", "sample_id,locus,allele1,allele2\nP1,,6,7\n");
    CheckError(ReadProfileRecords(path, &diag).status(), absl::StatusCode::kInvalidArgument,
               At(path, 2), "empty locus");
  }
  SECTION("unterminated quote") {
    std::string path =
        dir.Write("q.csv", "sample_id,locus,allele1,allele2\nP1,TH01,6,7\n\"P1,FGA,20,21\n");
    CheckError(ReadProfileRecords(path, &diag).status(), absl::StatusCode::kInvalidArgument,
               At(path, 3), "unterminated quote");
  }
}

// ---------------------------------------------------------------------------------
// ReadProfileRecords: GeneMapper ID-X export
// ---------------------------------------------------------------------------------

namespace {
// Tab-separated, with columns kinship ignores (Sample File, Panel, Dye, Size k) and
// trailing empty cells dropped as the exporter does.
const std::string kGeneMapper =
    "Sample File\tSample Name\tPanel\tMarker\tDye\tAllele 1\tAllele 2\tAllele 3\tAllele 4\t"
    "Size 1\tSize 2\n"
    "A01.hid\tP001\tGlobalFiler\tD3S1358\tB\t15\t17\t\t\t120.1\t128.3\n"
    "A01.hid\tP001\tGlobalFiler\tVWA\tB\t16\n"                  // one allele: homozygote
    "A01.hid\tP001\tGlobalFiler\tAMEL\tR\tX\tY\n"                 // kept: the sex
    "A01.hid\tP001\tGlobalFiler\tDYS391\tR\t10\n"                 // skipped
    "\n"
    "A01.hid\tP001\tGlobalFiler\tTH01\tG\t9.3\t9.3\t\t\t\t\n"    // both alleles written
    "A01.hid\tP001\tGlobalFiler\tFGA\tG\n"                        // no allele: untyped
    "# exported by GeneMapper ID-X\n"
    "A02.hid\tP002\tGlobalFiler\tD3S1358\tB\t14\tOL\n"
    "A02.hid\tP002\tGlobalFiler\tAMEL\tR\tX\n"
    "A02.hid\tP002\tGlobalFiler\tTH01\tG\t\t7\n";                 // allele in column 2 only
}  // namespace

TEST_CASE("GeneMapper export: Sample Name / Marker / Allele k, other columns ignored",
          "[io][profile][genemapper]") {
  TempDir dir;
  std::string path = dir.Write("gm.txt", kGeneMapper);
  Diagnostics diag;
  auto recs = ReadProfileRecords(path, &diag);
  INFO(recs.status().ToString());
  REQUIRE(recs.ok());
  REQUIRE(recs->size() == 8);
  RequireRecord((*recs)[0], "P001", "D3S1358", "15", "17", Where(path, 2));
  RequireRecord((*recs)[1], "P001", "VWA", "16", "16", Where(path, 3));
  RequireRecord((*recs)[2], "P001", "AMEL", "X", "Y", Where(path, 4));
  RequireRecord((*recs)[3], "P001", "TH01", "9.3", "9.3", Where(path, 7));
  RequireRecord((*recs)[4], "P001", "FGA", "", "", Where(path, 8));
  RequireRecord((*recs)[5], "P002", "D3S1358", "14", "OL", Where(path, 10));
  RequireRecord((*recs)[6], "P002", "AMEL", "X", "X", Where(path, 11));
  RequireRecord((*recs)[7], "P002", "TH01", "7", "7", Where(path, 12));
  INFO(AllNotes(diag));
  // One note per skipped Y marker, with its row count; Amelogenin is kept for the sex.
  REQUIRE(diag.notes().size() == 1);
  REQUIRE(CountLevel(diag, NoteLevel::kInfo) == 1);
  CHECK_THAT(OnlyNote(diag, "DYS391").message, Contains(path));
  CHECK_THAT(OnlyNote(diag, "DYS391").message, Contains("1 rows"));
  CHECK_THAT(OnlyNote(diag, "DYS391").message, Contains("skipped"));
}

TEST_CASE("GeneMapper export: CRLF and BOM read identically", "[io][profile][genemapper]") {
  TempDir dir;
  Diagnostics d1, d2, d3;
  auto lf = ReadProfileRecords(dir.Write("lf.txt", kGeneMapper), &d1);
  auto crlf = ReadProfileRecords(dir.Write("crlf.txt", ToCrlf(kGeneMapper)), &d2);
  auto both = ReadProfileRecords(dir.Write("both.txt", kBom + ToCrlf(kGeneMapper)), &d3);
  REQUIRE(lf.ok());
  REQUIRE(crlf.ok());
  REQUIRE(both.ok());
  RequireSameRecords(*lf, *crlf);
  RequireSameRecords(*lf, *both);
  REQUIRE(d2.notes().size() == d1.notes().size());
  REQUIRE(d3.notes().size() == d1.notes().size());
}

TEST_CASE("GeneMapper export: three alleles at a locus is an error naming the sample",
          "[io][profile][genemapper]") {
  TempDir dir;
  Diagnostics diag;
  std::string path = dir.Write("mix.txt",
                               "Sample Name\tMarker\tAllele 1\tAllele 2\tAllele 3\n"
                               "P001\tTH01\t6\t7\n"
                               "MIX01\tD8S1179\t10\t11\t12\n");
  auto st = ReadProfileRecords(path, &diag).status();
  CheckError(st, absl::StatusCode::kInvalidArgument, At(path, 3),
             "sample MIX01 has 3 alleles at D8S1179 (10,11,12)");
  CheckError(st, absl::StatusCode::kInvalidArgument, At(path, 3), "expected at most 2");
}

TEST_CASE("GeneMapper export: malformed files", "[io][profile][genemapper]") {
  TempDir dir;
  Diagnostics diag;
  SECTION("only one Allele column") {
    std::string path = dir.Write("h.txt", "Sample Name\tMarker\tAllele 1\nP1\tTH01\t6\n");
    CheckError(ReadProfileRecords(path, &diag).status(), absl::StatusCode::kInvalidArgument,
               At(path, 1), "Sample Name, Marker, Allele 1, Allele 2");
  }
  SECTION("no Marker column") {
    std::string path =
        dir.Write("h2.txt", "Sample Name\tLocus\tAllele 1\tAllele 2\nP1\tTH01\t6\t7\n");
    CheckError(ReadProfileRecords(path, &diag).status(), absl::StatusCode::kInvalidArgument,
               At(path, 1), "Marker");
  }
  SECTION("more cells than the header") {
    std::string path = dir.Write(
        "wide.txt", "Sample Name\tMarker\tAllele 1\tAllele 2\nP1\tTH01\t6\t7\n\nP1\tFGA\t20\t21\t22\n");
    CheckError(ReadProfileRecords(path, &diag).status(), absl::StatusCode::kInvalidArgument,
               At(path, 4), "found 5 fields; expected at most 4");
  }
  SECTION("empty Sample Name") {
    std::string path =
        dir.Write("nos.txt", "Sample Name\tMarker\tAllele 1\tAllele 2\n\tTH01\t6\t7\n");
    CheckError(ReadProfileRecords(path, &diag).status(), absl::StatusCode::kInvalidArgument,
               At(path, 2), "empty Sample Name");
  }
  SECTION("empty Marker names the sample") {
    std::string path =
        dir.Write("nom.txt", "Sample Name\tMarker\tAllele 1\tAllele 2\nP9\t\t6\t7\n");
    CheckError(ReadProfileRecords(path, &diag).status(), absl::StatusCode::kInvalidArgument,
               At(path, 2), "sample P9: empty Marker");
  }
  SECTION("only Y markers: no genotypes") {
    std::string path = dir.Write(
        "sex.txt", "Sample Name\tMarker\tAllele 1\tAllele 2\nP1\tDYS19\t14\nP1\tDYS391\t10\n");
    CheckError(ReadProfileRecords(path, &diag).status(), absl::StatusCode::kInvalidArgument,
               path + ": no genotypes", "expected at least one data row");
  }
}

// ---------------------------------------------------------------------------------
// BuildProfileSet
// ---------------------------------------------------------------------------------

TEST_CASE("BuildProfileSet: genotype indices, untyped loci, sample order", "[profile]") {
  AlleleFreqTable table = TestTable();
  std::vector<GenotypeRecord> recs = {
      Rec("S2", "FGA", "21", "20", "p.csv:2"),
      Rec("S1", "TH01", "9.3", "6", "p.csv:3"),
      Rec("S2", "TH01", "7", "7", "p.csv:4"),
      Rec("S3", "vWA", "", "", "p.csv:5"),  // untyped
      Rec("S1", "vWA", "16", "18", "p.csv:6"),
  };
  Diagnostics diag;
  ProfileBuildOptions opts;
  auto set = BuildProfileSet(recs, opts, &table, &diag);
  INFO(set.status().ToString());
  REQUIRE(set.ok());
  INFO(AllNotes(diag));
  // One note only: S3, untyped everywhere, gives no evidence (named).
  REQUIRE(diag.notes().size() == 1);
  CHECK(OnlyNote(diag, "no typed locus").message.find("): S3") != std::string::npos);
  REQUIRE(set->locus_ct() == 3);
  REQUIRE(set->sample_ct() == 3);
  REQUIRE(set->sample_id(0) == "S2");
  REQUIRE(set->sample_id(1) == "S1");
  REQUIRE(set->sample_id(2) == "S3");
  REQUIRE(set->FindSample("S1") == 1);
  REQUIRE(set->FindSample("nobody") == -1);
  const int th01 = table.FindLocus("TH01"), vwa = table.FindLocus("vWA"),
            fga = table.FindLocus("FGA");
  REQUIRE(set->genotype(fga, 0) == Gt(table, "FGA", "20", "21"));
  REQUIRE(set->genotype(fga, 0) == GenotypeIndex(0, 1));
  REQUIRE(set->genotype(th01, 0) == Gt(table, "TH01", "7", "7"));
  REQUIRE(set->genotype(th01, 0) == GenotypeIndex(1, 1));
  REQUIRE(set->genotype(vwa, 0) == kUntyped);  // no record
  REQUIRE(set->genotype(th01, 1) == GenotypeIndex(2, 0));
  REQUIRE(set->genotype(vwa, 1) == Gt(table, "vWA", "16", "18"));
  REQUIRE(set->genotype(fga, 1) == kUntyped);
  REQUIRE(set->genotype(vwa, 2) == kUntyped);  // untyped record
  REQUIRE(set->genotype(th01, 2) == kUntyped);
  REQUIRE(set->column(th01).size() == 3);
  for (int l = 0; l < 3; ++l)
    for (int s = 0; s < 3; ++s) {
      GenotypeIdx g = set->genotype(l, s);
      if (g != kUntyped) REQUIRE(g < table.locus(l).genotype_ct());
    }
  // Nothing imputed: the table is unchanged.
  REQUIRE(table.locus(th01).allele_ct() == 3);
  REQUIRE(table.locus(fga).FrequencySum() == 1.0);
}

TEST_CASE("BuildProfileSet: locus aliases in records, one note per spelling", "[profile]") {
  AlleleFreqTable table = TestTable();
  std::vector<GenotypeRecord> recs = {
      Rec("S1", "VWA", "16", "17", "/x/p.csv:2"),
      Rec("S2", "VWA", "17", "18", "/x/p.csv:3"),
      Rec("S3", "vwa", "16", "16", "/x/p.csv:4"),
      Rec("S1", "THO1", "6", "7", "/x/p.csv:5"),
      Rec("S2", "TH01", "6", "6", "/x/p.csv:6"),
  };
  Diagnostics diag;
  auto set = BuildProfileSet(recs, ProfileBuildOptions{}, &table, &diag);
  REQUIRE(set.ok());
  INFO(AllNotes(diag));
  REQUIRE(diag.notes().size() == 3);
  CHECK_THAT(OnlyNote(diag, "'VWA' read as 'vWA'").message, Contains("/x/p.csv"));
  OnlyNote(diag, "'vwa' read as 'vWA'");
  OnlyNote(diag, "'THO1' read as 'TH01'");
  REQUIRE(set->genotype(table.FindLocus("vWA"), set->FindSample("S3")) ==
          Gt(table, "vWA", "16", "16"));
  REQUIRE(set->genotype(table.FindLocus("TH01"), set->FindSample("S1")) ==
          Gt(table, "TH01", "6", "7"));
}

TEST_CASE("BuildProfileSet: alleles absent from the table are imputed and noted",
          "[profile][impute]") {
  AlleleFreqTable table = TestTable();
  std::vector<GenotypeRecord> recs = {
      Rec("S1", "TH01", "6", "10", "p.csv:2"),   // TH01 10: N = 500 -> 5/1000
      Rec("S2", "TH01", "10", "10", "p.csv:3"),  // same imputed allele, second sample
      Rec("S1", "FGA", "22", "19.2", "p.csv:4"),  // N unknown -> min_freq, two alleles
      Rec("S3", "TH01", "7", "9.3", "p.csv:5"),
  };
  ProfileBuildOptions opts;
  opts.min_freq = 0.002;
  Diagnostics diag;
  auto set = BuildProfileSet(recs, opts, &table, &diag);
  INFO(set.status().ToString());
  REQUIRE(set.ok());
  INFO(AllNotes(diag));

  const Locus& th01 = *table.Find("TH01");
  REQUIRE(th01.allele_ct() == 4);
  REQUIRE(th01.label(3) == "10");
  REQUIRE(th01.imputed(3));
  REQUIRE_FALSE(th01.imputed(0));
  REQUIRE(th01.freq(3) == Approx(5.0 / (2.0 * 500)));
  REQUIRE(th01.FrequencySum() == Approx(1.005));  // no rescaling by default
  const Locus& fga = *table.Find("FGA");
  REQUIRE(fga.labels() == std::vector<std::string>{"20", "21", "22", "19.2"});
  REQUIRE(fga.freq(2) == 0.002);
  REQUIRE(fga.freq(3) == 0.002);
  REQUIRE(fga.imputed(2));
  REQUIRE(fga.imputed(3));

  // Genotypes use the imputed alleles' indices.
  REQUIRE(set->genotype(0, set->FindSample("S1")) == GenotypeIndex(0, 3));
  REQUIRE(set->genotype(0, set->FindSample("S2")) == GenotypeIndex(3, 3));
  REQUIRE(set->genotype(2, set->FindSample("S1")) == GenotypeIndex(2, 3));
  REQUIRE(set->genotype(0, set->FindSample("S3")) == Gt(table, "TH01", "7", "9.3"));

  // One warning per imputed allele: locus, allele, frequency, rule and samples.
  REQUIRE(diag.notes().size() == 3);
  REQUIRE(CountLevel(diag, NoteLevel::kWarning) == 3);
  const Note& n_th01 = OnlyNote(diag, "allele 10 at TH01");
  CHECK_THAT(n_th01.message, Contains("imputed frequency 0.005"));
  CHECK_THAT(n_th01.message, Contains("5/(2N), N = 500"));
  CHECK_THAT(n_th01.message, Contains("2 sample(s): S1 S2"));
  const Note& n_22 = OnlyNote(diag, "allele 22 at FGA");
  CHECK_THAT(n_22.message, Contains("imputed frequency 0.002"));
  CHECK_THAT(n_22.message, Contains("min-freq"));
  CHECK_THAT(n_22.message, Contains("1 sample(s): S1"));
  const Note& n_192 = OnlyNote(diag, "allele 19.2 at FGA");
  CHECK_THAT(n_192.message, Contains("0.002"));
  CHECK_THAT(n_192.message, Contains("S1"));
}

TEST_CASE("BuildProfileSet: default min_freq is 0.001, bad min_freq rejected",
          "[profile][impute]") {
  REQUIRE(ProfileBuildOptions{}.min_freq == 0.001);
  REQUIRE_FALSE(ProfileBuildOptions{}.rescale_after_imputation);
  {
    AlleleFreqTable table = TestTable();
    Diagnostics diag;
    auto set = BuildProfileSet({Rec("S1", "FGA", "30", "20", "p.csv:2")}, ProfileBuildOptions{},
                               &table, &diag);
    REQUIRE(set.ok());
    REQUIRE(table.Find("FGA")->freq(table.Find("FGA")->FindAllele("30")) == 0.001);
  }
  for (double bad : {0.0, -0.01, 1.0, 2.0, 1e-10}) {
    AlleleFreqTable table = TestTable();
    Diagnostics diag;
    ProfileBuildOptions opts;
    opts.min_freq = bad;
    INFO("min_freq " << bad);
    CheckError(BuildProfileSet({Rec("S1", "FGA", "20", "20", "p.csv:2")}, opts, &table, &diag)
                   .status(),
               absl::StatusCode::kInvalidArgument, "minimum allele frequency", "[1e-9, 1)");
  }
}

TEST_CASE("BuildProfileSet: rescale_after_imputation makes the locus sum to 1",
          "[profile][impute]") {
  AlleleFreqTable table = TestTable();
  std::vector<GenotypeRecord> recs = {
      Rec("S1", "TH01", "6", "10", "p.csv:2"),
      Rec("S1", "FGA", "20", "21", "p.csv:3"),
  };
  ProfileBuildOptions opts;
  opts.rescale_after_imputation = true;
  Diagnostics diag;
  auto set = BuildProfileSet(recs, opts, &table, &diag);
  REQUIRE(set.ok());
  INFO(AllNotes(diag));
  const Locus& th01 = *table.Find("TH01");
  REQUIRE(th01.FrequencySum() == Approx(1.0).epsilon(1e-12));
  REQUIRE(th01.freq(0) == Approx(0.2 / 1.005));
  REQUIRE(th01.freq(3) == Approx(0.005 / 1.005));
  // Loci without imputation are left alone.
  REQUIRE(table.Find("FGA")->freqs() == std::vector<double>{0.5, 0.5});
  REQUIRE(table.Find("vWA")->freqs() == std::vector<double>{0.25, 0.25, 0.5});
  CHECK(CountNotes(diag, "rescaled") == 1);
  CHECK_THAT(OnlyNote(diag, "rescaled").message, Contains("TH01"));
  CHECK(CountNotes(diag, "allele 10 at TH01") == 1);
}

// Regression: with rescale_after_imputation the note once printed the frequency after
// rescaling (0.004975124378 here) where it says "before rescaling" (5/(2N) = 0.005).
TEST_CASE("BuildProfileSet: the imputation note gives the frequency before rescaling",
          "[profile][impute]") {
  AlleleFreqTable table = TestTable();
  ProfileBuildOptions opts;
  opts.rescale_after_imputation = true;
  Diagnostics diag;
  auto set = BuildProfileSet({Rec("S1", "TH01", "6", "10", "p.csv:2")}, opts, &table, &diag);
  REQUIRE(set.ok());
  INFO(AllNotes(diag));
  const Note& n = OnlyNote(diag, "allele 10 at TH01");
  CHECK_THAT(n.message, Contains("imputed frequency 0.005 (5/(2N), N = 500) before rescaling"));
}

TEST_CASE("BuildProfileSet: a repeated identical genotype is kept once with a warning",
          "[profile][duplicates]") {
  AlleleFreqTable table = TestTable();
  std::vector<GenotypeRecord> recs = {
      Rec("S1", "TH01", "6", "9.3", "a.csv:2"),
      Rec("S1", "FGA", "20", "21", "a.csv:3"),
      Rec("S1", "THO1", "9.3", "6", "b.csv:7"),  // same genotype, other order and spelling
  };
  Diagnostics diag;
  auto set = BuildProfileSet(recs, ProfileBuildOptions{}, &table, &diag);
  INFO(set.status().ToString());
  REQUIRE(set.ok());
  INFO(AllNotes(diag));
  REQUIRE(set->sample_ct() == 1);
  REQUIRE(set->genotype(0, 0) == Gt(table, "TH01", "6", "9.3"));
  REQUIRE(CountLevel(diag, NoteLevel::kWarning) == 1);
  const Note& n = OnlyNote(diag, "repeats the genotype");
  CHECK(n.level == NoteLevel::kWarning);
  CHECK_THAT(n.message, Contains("b.csv:7"));
  CHECK_THAT(n.message, Contains("a.csv:2"));
  CHECK_THAT(n.message, Contains("S1"));
  CHECK_THAT(n.message, Contains("TH01"));
  CHECK_THAT(n.message, Contains("kept once"));
}

TEST_CASE("BuildProfileSet: two different genotypes for a sample/locus is an error",
          "[profile][duplicates]") {
  AlleleFreqTable table = TestTable();
  std::vector<GenotypeRecord> recs = {
      Rec("S1", "TH01", "6", "9.3", "/d/a.csv:2"),
      Rec("S2", "TH01", "6", "7", "/d/a.csv:3"),
      Rec("S1", "TH01", "6", "7", "/d/a.csv:9"),
  };
  Diagnostics diag;
  auto st = BuildProfileSet(recs, ProfileBuildOptions{}, &table, &diag).status();
  CheckError(st, absl::StatusCode::kInvalidArgument, "/d/a.csv:9:", "(first at /d/a.csv:2)");
  CheckError(st, absl::StatusCode::kInvalidArgument, "sample S1", "TH01");
  CheckError(st, absl::StatusCode::kInvalidArgument, "/d/a.csv:9",
             "expected one genotype per sample and locus");
}

TEST_CASE("BuildProfileSet: a locus absent from the table is skipped with a warning",
          "[profile]") {
  AlleleFreqTable table = TestTable();
  std::vector<GenotypeRecord> recs = {
      Rec("S0", "D99S999", "10", "11", "p.csv:2"),  // S0 only has an unknown locus
      Rec("S1", "TH01", "6", "7", "p.csv:3"),
      Rec("S1", "d99s999", "10", "12", "p.csv:4"),
      Rec("S1", "SE33", "20", "21", "p.csv:5"),
  };
  Diagnostics diag;
  auto set = BuildProfileSet(recs, ProfileBuildOptions{}, &table, &diag);
  INFO(set.status().ToString());
  REQUIRE(set.ok());
  INFO(AllNotes(diag));
  REQUIRE(table.locus_ct() == 3);  // nothing added
  REQUIRE(set->locus_ct() == 3);
  REQUIRE(set->sample_ct() == 2);
  REQUIRE(set->sample_id(0) == "S0");
  for (int l = 0; l < 3; ++l) REQUIRE(set->genotype(l, 0) == kUntyped);
  REQUIRE(set->genotype(table.FindLocus("TH01"), 1) == Gt(table, "TH01", "6", "7"));
  REQUIRE(CountLevel(diag, NoteLevel::kWarning) == 3);  // with S0's: no typed locus
  CHECK_THAT(OnlyNote(diag, "no typed locus").message, Contains("): S0"));
  const Note& n = OnlyNote(diag, "locus D99S999 is not in the frequency table");
  CHECK(n.level == NoteLevel::kWarning);
  CHECK_THAT(n.message, Contains("skipped"));
  CHECK_THAT(n.message, Contains("2 sample(s)"));
  CHECK_THAT(OnlyNote(diag, "locus SE33 is not in the frequency table").message,
             Contains("1 sample(s)"));
  OnlyNote(diag, "'d99s999' read as 'D99S999'");
}

// profile.h: "an allele given without its partner is an InvalidArgument error" (for
// records built by hand; the readers already refuse such rows). Neither allele may be
// imputed as an empty label, nor the record read as untyped.
TEST_CASE("BuildProfileSet: an allele without its partner is an error", "[profile]") {
  SECTION("allele2 missing") {
    AlleleFreqTable table = TestTable();
    Diagnostics diag;
    auto st = BuildProfileSet({Rec("S1", "TH01", "6", "", "p.csv:2")}, ProfileBuildOptions{},
                              &table, &diag)
                  .status();
    CheckError(st, absl::StatusCode::kInvalidArgument, "p.csv:2", "S1");
    CHECK(table.Find("TH01")->FindAllele("") == -1);
  }
  SECTION("allele1 missing") {
    AlleleFreqTable table = TestTable();
    Diagnostics diag;
    auto st = BuildProfileSet({Rec("S1", "TH01", "", "6", "p.csv:2")}, ProfileBuildOptions{},
                              &table, &diag)
                  .status();
    CheckError(st, absl::StatusCode::kInvalidArgument, "p.csv:2", "S1");
    CHECK(table.Find("TH01")->allele_ct() == 3);
  }
}

TEST_CASE("BuildProfileSet: imputing past 255 alleles at a locus is OutOfRange",
          "[profile][impute]") {
  AlleleFreqTable table;
  Locus l("SE33");
  for (int a = 0; a < kMaxAllelesPerLocus - 1; ++a) l.AddAllele(std::to_string(a), 1.0 / 254);
  table.AddLocus(std::move(l));
  Diagnostics diag;
  auto st = BuildProfileSet({Rec("S1", "SE33", "1000", "1001", "p.csv:7")},
                            ProfileBuildOptions{}, &table, &diag)
                .status();
  CheckError(st, absl::StatusCode::kOutOfRange, "p.csv:7:", "more than 255 alleles");
}

// ---------------------------------------------------------------------------------
// End to end: files on disk and the bundled NIST table
// ---------------------------------------------------------------------------------

TEST_CASE("Profiles read from long CSV and GeneMapper files bind to the NIST 1036 table",
          "[profile][data]") {
  // KINSHIP_TEST_DATA_DIR is <repo>/tests/data; the bundled tables are in <repo>/data.
  const fs::path repo = fs::path(KINSHIP_TEST_DATA_DIR).parent_path().parent_path();
  const fs::path data = repo / "data" / "allele_freqs";
  Diagnostics diag;
  auto table = ReadAlleleFreqs((data / "NIST1036_All.csv").string(), &diag);
  INFO(table.status().ToString());
  REQUIRE(table.ok());
  REQUIRE(table->locus_ct() == 29);
  REQUIRE(ReadSampleSizes((data / "sample_sizes.csv").string(), "NIST1036_All.csv", &*table,
                          &diag)
              .ok());
  REQUIRE(diag.empty());

  TempDir dir;
  std::string long_path = dir.Write("long.csv",
                                    kBom + ToCrlf("sample_id,locus,allele1,allele2\n"
                                                  "MOTHER,TH01,9.3,6\n"
                                                  "MOTHER,VWA,17,17\n"
                                                  "CHILD,TH01,9.3,13\n"  // 13: not in table
                                                  "CHILD,AMEL,X,Y\n"));  // the sex
  std::string gm_path = dir.Write("gm.txt",
                                  "Sample File\tSample Name\tPanel\tMarker\tAllele 1\tAllele 2\n"
                                  "f1\tFATHER\tp\tTH01\t13\n"
                                  "f1\tFATHER\tp\tAMEL\tX\tY\n"
                                  "f1\tFATHER\tp\tPenta E\t5\t7\n");
  auto r1 = ReadProfileRecords(long_path, &diag);
  REQUIRE(r1.ok());
  auto r2 = ReadProfileRecords(gm_path, &diag);
  REQUIRE(r2.ok());
  std::vector<GenotypeRecord> recs = *r1;
  recs.insert(recs.end(), r2->begin(), r2->end());
  REQUIRE(recs.size() == 7);

  auto set = BuildProfileSet(recs, ProfileBuildOptions{}, &*table, &diag);
  INFO(set.status().ToString());
  REQUIRE(set.ok());
  INFO(AllNotes(diag));
  REQUIRE(set->sample_ct() == 3);
  REQUIRE(set->sample_id(0) == "MOTHER");
  REQUIRE(set->sample_id(1) == "CHILD");
  REQUIRE(set->sample_id(2) == "FATHER");
  const int th01 = table->FindLocus("TH01");
  const Locus& l = table->locus(th01);
  int i13 = l.FindAllele("13");
  REQUIRE(i13 >= 0);
  REQUIRE(l.imputed(i13));
  REQUIRE(l.freq(i13) == Approx(5.0 / 2072));
  REQUIRE(set->genotype(th01, 1) == GenotypeIndex(l.FindAllele("9.3"), i13));
  REQUIRE(set->genotype(th01, 2) == GenotypeIndex(i13, i13));
  REQUIRE(set->genotype(table->FindLocus("vWA"), 0) == Gt(*table, "vWA", "17", "17"));
  REQUIRE(set->genotype(table->FindLocus("Penta E"), 2) == Gt(*table, "Penta E", "5", "7"));
  const Note& imp = OnlyNote(diag, "allele 13 at TH01");
  CHECK_THAT(imp.message, Contains("N = 1036"));
  CHECK_THAT(imp.message, Contains("CHILD FATHER"));
  // Amelogenin gives the sex and is no locus of the screen: no "not in the table" warning.
  CHECK(set->amel_sex(0) == Sex::kUnknown);
  CHECK(set->amel_sex(1) == Sex::kMale);
  CHECK(set->amel_sex(2) == Sex::kMale);
  for (const Note& n : diag.notes()) CHECK_THAT(n.message, !Contains("AMEL"));
  CHECK_THAT(OnlyNote(diag, "'VWA' read as 'vWA'").message, Contains(long_path));
}

TEST_CASE("Chunked reading and binding equal reading the whole file", "[profile][io]") {
  TempDir dir;
  const std::string path = dir.Write(
      "p.csv",
      "sample_id,locus,allele1,allele2\n"
      "S1,TH01,6,7\nS1,vWA,16,17\nS2,TH01,9.3,13\nS2,vWA,18,18\nS2,FGA,20,21\n"
      "S3,TH01,6,6\nS3,THO1,6,6\nS3,D99S1,1,2\nS4,vWA,17,99\nS1,FGA,,\n");
  AlleleFreqTable t_whole = TestTable();
  Diagnostics d_whole;
  auto whole = ReadProfileRecords(path, &d_whole);
  REQUIRE(whole.ok());
  auto set_whole = BuildProfileSet(*whole, ProfileBuildOptions{}, &t_whole, &d_whole);
  REQUIRE(set_whole.ok());
  for (size_t chunk : {1, 2, 3, 7, 100}) {
    INFO("chunk " << chunk);
    AlleleFreqTable t = TestTable();
    Diagnostics d;
    ProfileBinder binder(ProfileBuildOptions{}, &t, &d);
    int batches = 0;
    size_t largest = 0;  // the sink may run on a worker thread: no Catch2 assertion inside it
    REQUIRE(ReadProfileRecordsInChunks(path, &d, chunk, [&](std::vector<GenotypeRecord>* b) {
              largest = std::max(largest, b->size());
              ++batches;
              return binder.Add(*b);
            }).ok());
    REQUIRE(largest <= chunk);
    auto set = binder.Finish();
    REQUIRE(set.ok());
    REQUIRE(batches == static_cast<int>((10 + chunk - 1) / chunk));
    REQUIRE(set->sample_ct() == set_whole->sample_ct());
    for (int s = 0; s < set->sample_ct(); ++s) {
      REQUIRE(set->sample_id(s) == set_whole->sample_id(s));
      for (int l = 0; l < set->locus_ct(); ++l) REQUIRE(set->genotype(l, s) == set_whole->genotype(l, s));
    }
    REQUIRE(d.notes().size() == d_whole.notes().size());
    for (size_t i = 0; i < d.notes().size(); ++i) CHECK(d.notes()[i].message == d_whole.notes()[i].message);
    REQUIRE(t.Find("vWA")->FindAllele("99") >= 0);
  }
}

TEST_CASE("A conflicting genotype in a later batch is an error naming both places", "[profile][io]") {
  TempDir dir;
  const std::string path =
      dir.Write("p.csv", "sample_id,locus,allele1,allele2\nS1,TH01,6,7\nS2,TH01,6,6\nS1,TH01,7,7\n");
  AlleleFreqTable t = TestTable();
  Diagnostics d;
  ProfileBinder binder(ProfileBuildOptions{}, &t, &d);
  absl::Status st = ReadProfileRecordsInChunks(path, &d, 1, [&](std::vector<GenotypeRecord>* b) {
    return binder.Add(*b);
  });
  CheckError(st, absl::StatusCode::kInvalidArgument, At(path, 4), "first at " + path + ":2");
}

// Profile files are read as a oneTBB pipeline: lines read in order, parsed in parallel in
// batches of 4096 lines, records handed to the sink (binding) in order. What must not change
// with that, whatever the thread count: batches reach the sink one at a time and in file order;
// the profiles and the notes are those of one thread (a GeneMapper file of 3 line batches,
// whose reader notes the skipped Y markers after the last row, with imputations noted by the
// binder in between); the first error in file order is the one returned, a sink's error before
// a parse error further on, and a parse error in a late batch after everything before it.
TEST_CASE("Chunked reading: the sink's order, results and errors do not depend on the threads",
          "[profile][io][threads]") {
  TempDir dir;
  std::string gm = "Sample Name\tMarker\tAllele 1\tAllele 2\n";
  for (int s = 0; s < 5000; ++s) {
    gm += absl::StrCat("S", s, "\tTH01\t", 6 + s % 4, "\t", 7 + s % 3, "\n");
    gm += absl::StrCat("S", s, "\tvWA\t", 14 + s % 7, "\t", 17 + s % 5, "\n");  // 20, 21 imputed
    if (s % 50 == 0) gm += absl::StrCat("S", s, "\tDYS391\t10\t\n");  // 100 rows
  }
  const std::string path = dir.Write("gm.txt", gm);
  struct Run {
    std::vector<int> first_lines;  // of each batch
    int most_in_flight = 0;
    std::vector<std::string> notes;
    std::vector<std::string> ids;
    std::vector<int> genotypes;
  };
  auto run = [&](int threads, size_t chunk) {
    tbb::global_control control(tbb::global_control::max_allowed_parallelism, threads);
    Run r;
    AlleleFreqTable t = TestTable();
    Diagnostics d;
    ProfileBinder binder(ProfileBuildOptions{}, &t, &d);
    std::atomic<int> in_flight{0};
    absl::Status st = ReadProfileRecordsInChunks(path, &d, chunk, [&](std::vector<GenotypeRecord>* b) {
      r.most_in_flight = std::max(r.most_in_flight, ++in_flight);
      r.first_lines.push_back(b->front().line);
      if (r.first_lines.size() % 16 == 0) std::this_thread::sleep_for(std::chrono::microseconds(500));
      absl::Status added = binder.Add(*b);
      --in_flight;
      return added;
    });
    REQUIRE(st.ok());
    auto set = binder.Finish();
    REQUIRE(set.ok());
    for (const auto& n : d.notes()) r.notes.push_back(n.message);
    for (int s = 0; s < set->sample_ct(); ++s) {
      r.ids.push_back(set->sample_id(s));
      for (int l = 0; l < set->locus_ct(); ++l) r.genotypes.push_back(set->genotype(l, s));
    }
    return r;
  };
  for (size_t chunk : {7, 64, 20000}) {
    INFO("chunk " << chunk);
    const Run one = run(1, chunk);
    REQUIRE(one.most_in_flight == 1);
    REQUIRE(std::is_sorted(one.first_lines.begin(), one.first_lines.end()));
    REQUIRE(one.first_lines.size() == (10000 + chunk - 1) / chunk);
    REQUIRE(one.ids.size() == 5000);
    REQUIRE(!one.notes.empty());
    CHECK(std::any_of(one.notes.begin(), one.notes.end(), [](const std::string& n) {
      return n.find("marker DYS391 skipped (Y marker, 100 rows)") != std::string::npos;
    }));
    for (int threads : {2, 4}) {
      INFO("threads " << threads);
      const Run many = run(threads, chunk);
      CHECK(many.most_in_flight == 1);
      CHECK(many.first_lines == one.first_lines);
      CHECK(many.notes == one.notes);
      CHECK(many.ids == one.ids);
      CHECK(many.genotypes == one.genotypes);
    }
  }
  // Sink batches of 2 rows: lines 2-3, 4-5, 6-7. The sink refuses batch 2 and line 7 has one
  // allele: the sink's error is the one returned, as in the serial order.
  const std::string bad = dir.Write("bad.csv",
                                    "sample_id,locus,allele1,allele2\nS1,TH01,6,7\nS2,TH01,6,6\n"
                                    "S3,TH01,7,7\nS4,TH01,8,8\nS5,TH01,6,7\nS6,TH01,6,\n");
  for (int threads : {1, 2, 4}) {
    INFO("threads " << threads);
    tbb::global_control control(tbb::global_control::max_allowed_parallelism, threads);
    Diagnostics d;
    int batch = 0;
    absl::Status st = ReadProfileRecordsInChunks(bad, &d, 2, [&](std::vector<GenotypeRecord>*) {
      if (++batch < 2) return absl::OkStatus();
      return absl::FailedPreconditionError("the sink refused batch 2");
    });
    CheckError(st, absl::StatusCode::kFailedPrecondition, "the sink refused", "batch 2");
    CHECK(batch == 2);
    // Without the sink's error, the parse error is returned.
    batch = 0;
    st = ReadProfileRecordsInChunks(bad, &d, 2, [&](std::vector<GenotypeRecord>*) {
      ++batch;
      return absl::OkStatus();
    });
    CheckError(st, absl::StatusCode::kInvalidArgument, At(bad, 7), "has one allele");
    CHECK(batch == 2);  // batch 3 (lines 6-7) never reached the sink
  }
  // Parse batches of 4096 lines: lines 2-4097, 4098-8193, 8194-12289, 12290-14001. Bad rows
  // at lines 6000 (second batch) and 10001 (third), clean rows after: the first is the error,
  // and the sink has had the whole sink batches before it (lines 2-5001; the rows of the
  // unfinished sink batch, 5002-5999, are dropped with the error, as line by line) and none
  // after it. Then a sink that refuses its first batch (lines 2-1001, in the first parse
  // batch) against the parse error in the second: the sink's error.
  std::string late = "sample_id,locus,allele1,allele2\n";
  for (int i = 2; i <= 14001; ++i)
    late += (i == 6000 || i == 10001) ? absl::StrCat("S", i, ",TH01,6\n") : absl::StrCat("S", i, ",TH01,6,7\n");
  const std::string late_path = dir.Write("late.csv", late);
  for (int threads : {1, 2, 4}) {
    INFO("threads " << threads);
    tbb::global_control control(tbb::global_control::max_allowed_parallelism, threads);
    Diagnostics d;
    std::vector<int> lines;
    absl::Status st = ReadProfileRecordsInChunks(late_path, &d, 1000, [&](std::vector<GenotypeRecord>* b) {
      for (const GenotypeRecord& r : *b) lines.push_back(r.line);
      return absl::OkStatus();
    });
    CheckError(st, absl::StatusCode::kInvalidArgument, At(late_path, 6000), "fields; expected 4");
    REQUIRE(lines.size() == 5000);
    CHECK(lines.front() == 2);
    CHECK(lines.back() == 5001);
    CHECK(std::is_sorted(lines.begin(), lines.end()));
    int calls = 0;
    st = ReadProfileRecordsInChunks(late_path, &d, 1000, [&](std::vector<GenotypeRecord>*) {
      ++calls;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));  // the parser runs ahead meanwhile
      return absl::FailedPreconditionError("the sink refused its first batch");
    });
    CheckError(st, absl::StatusCode::kFailedPrecondition, "the sink refused", "first batch");
    CHECK(calls == 1);
  }
}

// ---------------------------------------------------------------------------------
// Allele labels as real lab files write them (issue 7, item 1)
// ---------------------------------------------------------------------------------

TEST_CASE("BuildProfileSet: numeric labels are canonical (12.0 = 12, 09.30 = 9.3, 30,2 = 30.2)",
          "[profile][labels]") {
  // Before canonical labels, a child's `12.0` against a father's `12` was imputed as a new
  // rare allele and parent-child became an exclusion. Each spelling must bind to the table's
  // allele, with one note per (file, spelling), and nothing imputed.
  AlleleFreqTable table = TestTable();
  std::vector<GenotypeRecord> recs = {
      Rec("S1", "TH01", "6.0", "09.3", "p.csv:2"),
      Rec("S2", "TH01", "9.30", "7", "p.csv:3"),
      Rec("S3", "TH01", "006", "6.0", "p.csv:4"),  // 6.0 again: noted once
      Rec("S1", "FGA", "20,0", "21", "q.txt:7"),   // decimal comma (GeneMapper, European locale)
  };
  Diagnostics diag;
  auto set = BuildProfileSet(recs, ProfileBuildOptions{}, &table, &diag);
  INFO(set.status().ToString());
  REQUIRE(set.ok());
  INFO(AllNotes(diag));
  REQUIRE(table.Find("TH01")->allele_ct() == 3);  // nothing imputed
  REQUIRE(table.Find("FGA")->allele_ct() == 2);
  CHECK(set->genotype(0, set->FindSample("S1")) == Gt(table, "TH01", "6", "9.3"));
  CHECK(set->genotype(0, set->FindSample("S2")) == Gt(table, "TH01", "9.3", "7"));
  CHECK(set->genotype(0, set->FindSample("S3")) == Gt(table, "TH01", "6", "6"));
  CHECK(set->genotype(2, set->FindSample("S1")) == Gt(table, "FGA", "20", "21"));
  CHECK(CountNotes(diag, "allele '6.0' read as '6'") == 1);
  CHECK(CountNotes(diag, "allele '09.3' read as '9.3'") == 1);
  CHECK(CountNotes(diag, "allele '9.30' read as '9.3'") == 1);
  CHECK(CountNotes(diag, "allele '006' read as '6'") == 1);
  CHECK_THAT(OnlyNote(diag, "allele '20,0' read as '20'").message, Contains("decimal comma"));
  CHECK(CountLevel(diag, NoteLevel::kWarning) == 0);
}

TEST_CASE("BuildProfileSet: off-ladder calls are failed-allele wildcards, with a warning",
          "[profile][labels]") {
  // An off-ladder call is an allele whose designation is unknown: it must never count as
  // shared with another person's allele, so `OL,6` is read as `6,F` (6 seen, the other allele
  // not determined) and two such calls name no allele (untyped).
  AlleleFreqTable table = TestTable();
  std::vector<GenotypeRecord> recs = {
      Rec("S1", "TH01", "OL", "6", "p.csv:2"),   Rec("S2", "TH01", "6", "ol", "p.csv:3"),
      Rec("S3", "TH01", "<5", "7", "p.csv:4"),   Rec("S4", "TH01", ">13.3", ">13.3", "p.csv:5"),
      Rec("S1", "vWA", "16", "17", "p.csv:6"),
  };
  Diagnostics diag;
  auto set = BuildProfileSet(recs, ProfileBuildOptions{}, &table, &diag);
  INFO(set.status().ToString());
  REQUIRE(set.ok());
  INFO(AllNotes(diag));
  const Locus& th01 = *table.Find("TH01");
  REQUIRE(th01.allele_ct() == 3);  // no `OL` allele was added to the table
  CHECK(set->genotype(0, set->FindSample("S1")) == WildcardCode(th01.FindAllele("6")));
  CHECK(set->genotype(0, set->FindSample("S2")) == WildcardCode(th01.FindAllele("6")));
  CHECK(set->genotype(0, set->FindSample("S3")) == WildcardCode(th01.FindAllele("7")));
  CHECK(set->genotype(0, set->FindSample("S4")) == kUntyped);
  CHECK(set->genotype(1, set->FindSample("S1")) == Gt(table, "vWA", "16", "17"));
  REQUIRE(CountLevel(diag, NoteLevel::kWarning) == 5);  // 4 calls, and S4 has no typed locus
  CHECK_THAT(OnlyNote(diag, "no typed locus").message, Contains("): S4"));
  const Note& w = OnlyNote(diag, "p.csv:2");
  CHECK(w.level == NoteLevel::kWarning);
  CHECK_THAT(w.message, Contains("sample S1"));
  CHECK_THAT(w.message, Contains("off-ladder"));
  CHECK_THAT(w.message, Contains("6,F"));
  CHECK_THAT(OnlyNote(diag, "p.csv:5").message, Contains("untyped"));
}

TEST_CASE("BuildProfileSet: F is a failed-allele wildcard; F,F is an error", "[profile][labels]") {
  AlleleFreqTable table = TestTable();
  Diagnostics diag;
  auto set = BuildProfileSet({Rec("S1", "TH01", "7", "F", "p.csv:2"), Rec("S2", "TH01", "f", "6", "p.csv:3")},
                             ProfileBuildOptions{}, &table, &diag);
  REQUIRE(set.ok());
  const Locus& th01 = *table.Find("TH01");
  CHECK(set->genotype(0, set->FindSample("S1")) == WildcardCode(th01.FindAllele("7")));
  CHECK(set->genotype(0, set->FindSample("S2")) == WildcardCode(th01.FindAllele("6")));
  CHECK(IsWildcard(set->genotype(0, 0)));
  CHECK(!IsWildcard(kUntyped));
  CHECK(!IsWildcard(GenotypeIndex(254, 254)));  // the largest genotype index is no wildcard
  AlleleFreqTable table2 = TestTable();
  auto bad = BuildProfileSet({Rec("S1", "TH01", "F", "F", "p.csv:4")}, ProfileBuildOptions{}, &table2, &diag);
  CheckError(bad.status(), absl::StatusCode::kInvalidArgument, "p.csv:4", "F,F");
}

TEST_CASE("BuildProfileSet: labels that are no allele designation are errors naming file and line",
          "[profile][labels]") {
  for (const char* bad : {"x?", "9.3.1", "12a", "silent", ".", "rest"}) {
    AlleleFreqTable table = TestTable();
    Diagnostics diag;
    INFO(bad);
    auto set = BuildProfileSet({Rec("S1", "TH01", "6", "7", "p.csv:2"), Rec("S2", "TH01", "6", bad, "p.csv:9")},
                               ProfileBuildOptions{}, &table, &diag);
    CheckError(set.status(), absl::StatusCode::kInvalidArgument, "p.csv:9", "sample S2");
  }
}

TEST_CASE("BuildProfileSet: a frozen table imputes nothing and lists every unseen allele",
          "[profile][frozen]") {
  AlleleFreqTable table = TestTable();
  ProfileBuildOptions opts;
  opts.frozen_table = true;
  Diagnostics diag;
  auto set = BuildProfileSet({Rec("S1", "TH01", "6", "7", "p.csv:2"), Rec("S2", "TH01", "6", "10", "p.csv:3"),
                              Rec("S3", "FGA", "22", "20", "p.csv:4"), Rec("S4", "TH01", "10", "10", "p.csv:5")},
                             opts, &table, &diag);
  CheckError(set.status(), absl::StatusCode::kFailedPrecondition, "p.csv:3", "frozen frequency table");
  CHECK_THAT(std::string(set.status().message()), Contains("TH01 10 (S2 S4)"));
  CHECK_THAT(std::string(set.status().message()), Contains("FGA 22 (S3)"));
  CHECK(table.Find("TH01")->allele_ct() == 3);  // the table is untouched
  CHECK(table.Find("FGA")->allele_ct() == 2);
}

TEST_CASE("BuildProfileSet: Amelogenin gives the sample's sex", "[profile][sex]") {
  AlleleFreqTable table = TestTable();
  Diagnostics diag;
  auto set = BuildProfileSet({Rec("M", "AMEL", "X", "Y", "p.csv:2"), Rec("M", "TH01", "6", "7", "p.csv:3"),
                              Rec("W", "Amelogenin", "x", "x", "p.csv:4"), Rec("U", "TH01", "6", "7", "p.csv:5")},
                             ProfileBuildOptions{}, &table, &diag);
  REQUIRE(set.ok());
  CHECK(set->amel_sex(set->FindSample("M")) == Sex::kMale);
  CHECK(set->amel_sex(set->FindSample("W")) == Sex::kFemale);
  CHECK(set->amel_sex(set->FindSample("U")) == Sex::kUnknown);
  CHECK(set->Subset({1, 0}).amel_sex(1) == Sex::kMale);
  auto bad = BuildProfileSet({Rec("M", "AMEL", "X", "Q", "p.csv:2")}, ProfileBuildOptions{}, &table, &diag);
  CheckError(bad.status(), absl::StatusCode::kInvalidArgument, "p.csv:2", "expected X and/or Y");
}
