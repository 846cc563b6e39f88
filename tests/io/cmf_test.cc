#include <catch2/catch.hpp>

// Tests of CODIS CMF 3.2/3.3 XML profiles (src/io/cmf.cc): reading through
// ReadProfileRecords (fixtures in tests/data/cmf/, hand-written: see its README), every
// malformed case with its line, the writer FormatCmf (exact bytes, escaping, limits), the
// round trip read -> write -> read, CMF against the same profiles as CSV (binding and
// ComputeLrs, bit for bit), the choice of samples by category (BindSources), and two profile
// reader checks: a ';'-separated CSV and samples with no typed locus.

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "kinship/cmf.h"
#include "kinship/diagnostics.h"
#include "kinship/io.h"
#include "kinship/locus.h"
#include "kinship/lr.h"
#include "kinship/profile.h"
#include "kinship/setup.h"
#include "test_util.h"

using namespace kinship;
using Catch::Matchers::Contains;

namespace {

namespace fs = std::filesystem;
using testing::At;
using testing::CheckError;

const std::string kCmfDir = std::string(KINSHIP_TEST_DATA_DIR) + "/cmf";
const std::string kV32 = kCmfDir + "/family_v32.xml";
const std::string kV33 = kCmfDir + "/prefixed_v33.xml";
const std::string kCsv = kCmfDir + "/family.csv";

std::string NistTable() {
  // KINSHIP_TEST_DATA_DIR is <repo>/tests/data; the bundled tables are in <repo>/data.
  return (fs::path(KINSHIP_TEST_DATA_DIR).parent_path().parent_path() / "data" / "allele_freqs" / "NIST1036_All.csv")
      .string();
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The line (1-based) of the first occurrence of `needle` in `text`.
int LineOf(const std::string& text, const std::string& needle, size_t from = 0) {
  const size_t at = text.find(needle, from);
  REQUIRE(at != std::string::npos);
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
}

bool HasNote(const Diagnostics& diag, NoteLevel level, const std::string& needle) {
  return std::any_of(diag.notes().begin(), diag.notes().end(), [&](const Note& n) {
    return n.level == level && n.message.find(needle) != std::string::npos;
  });
}

std::string Category(const GenotypeRecord& r) { return r.category ? *r.category : std::string("<none>"); }

// A record as compared across layouts: sample, canonical locus, alleles.
std::string Key(const GenotypeRecord& r) {
  return r.sample_id + "|" + CanonicalLocusName(r.locus) + "|" + r.allele1 + "|" + r.allele2;
}

std::vector<GenotypeRecord> MustRead(const std::string& path, Diagnostics* diag) {
  auto records = ReadProfileRecords(path, diag);
  INFO(records.status().ToString());
  REQUIRE(records.ok());
  return *records;
}

// A CMF document around `specimens` (the header of a minimal file).
std::string Cmf(const std::string& specimens) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<CODISImportFile xmlns=\"urn:CODISImportFile-schema\">\n"
         "  <HEADERVERSION>3.2</HEADERVERSION>\n"
         "  <MESSAGETYPE>Import</MESSAGETYPE>\n" +
         specimens + "</CODISImportFile>\n";
}

}  // namespace

TEST_CASE("CMF 3.2: specimens, categories, homozygotes, Y markers, lines", "[io][cmf]") {
  Diagnostics diag;
  const std::vector<GenotypeRecord> records = MustRead(kV32, &diag);
  const std::string text = Slurp(kV32);
  // 5 specimens x 8 loci + 2 Amelogenin (father, mother); DYS391 is skipped.
  REQUIRE(records.size() == 42);
  const GenotypeRecord& first = records[0];
  CHECK(first.sample_id == "father");
  CHECK(first.locus == "CSF1PO");
  CHECK(first.allele1 == "12");  // one ALLELE: a homozygote
  CHECK(first.allele2 == "12");
  CHECK(Category(first) == "Biological Father");
  CHECK(first.file);
  CHECK(*first.file == kV32);
  CHECK(first.line == LineOf(text, "<LOCUSNAME>CSF1PO") - 1);  // the <LOCUS> line above it
  CHECK(records[1].allele1 == "30");
  CHECK(records[1].allele2 == "32.2");
  // Amelogenin is kept (it gives the sex); the Y marker is not, with a note.
  CHECK(records[8].locus == "AMEL");
  CHECK(records[8].allele1 == "X");
  CHECK(records[8].allele2 == "Y");
  for (const GenotypeRecord& r : records) CHECK(r.locus != "DYS391");
  CHECK(HasNote(diag, NoteLevel::kInfo, "marker DYS391 skipped (Y marker, 1 specimen(s))"));
  // Categories are shared per category, and each specimen keeps its own.
  std::set<std::string> ups;
  for (const GenotypeRecord& r : records)
    if (Category(r) == "Unidentified Person") ups.insert(r.sample_id);
  CHECK(ups == std::set<std::string>{"child1", "child2", "unrelated"});
  CHECK(records[9].sample_id == "mother");
  CHECK(Category(records[9]) == "Biological Mother");
  // One-line loci: the line is that of the LOCUS element.
  const GenotypeRecord& ol = records[10 + 8 + 5];  // child1's TH01
  CHECK(ol.sample_id == "child1");
  CHECK(ol.locus == "TH01");
  CHECK(ol.allele2 == "OL");
  CHECK(ol.line == LineOf(text, "<ALLELEVALUE>OL<"));
  // The file was read to its end and checksummed.
  const InputRecord* input = diag.FindInput(kV32);
  REQUIRE(input != nullptr);
  CHECK(input->byte_ct == text.size());
  CHECK(input->sha256.size() == 64);
}

TEST_CASE("CMF 3.3: prefixed namespace, attributes, CDATA, entities, spaces", "[io][cmf]") {
  Diagnostics diag;
  const std::vector<GenotypeRecord> records = MustRead(kV33, &diag);
  REQUIRE(records.size() == 4);
  CHECK(records[0].sample_id == "S&1");  // &amp;
  CHECK(Category(records[0]) == "Missing Person");
  CHECK(records[0].locus == "TH01");
  CHECK(records[0].allele1 == "9.3");  // " 9.3 " trimmed
  CHECK(records[0].allele2 == "6");    // CDATA
  CHECK(records[1].allele1 == "8");
  CHECK(records[1].allele2 == "8");
  CHECK(records[2].sample_id == "S2");
  CHECK(Category(records[2]) == "Biological Child");
  CHECK(records[3].locus == "Amelogenin");
  CHECK(records[3].allele1 == "X");
  CHECK(records[3].allele2 == "X");
  CHECK(diag.notes().empty());
}

TEST_CASE("CMF: chunked reading gives the same records", "[io][cmf]") {
  Diagnostics whole_diag, chunk_diag;
  const std::vector<GenotypeRecord> whole = MustRead(kV32, &whole_diag);
  std::vector<GenotypeRecord> chunked;
  int batches = 0;
  absl::Status st = ReadProfileRecordsInChunks(kV32, &chunk_diag, 5, [&](std::vector<GenotypeRecord>* batch) {
    CHECK(batch->size() <= 5);
    ++batches;
    chunked.insert(chunked.end(), batch->begin(), batch->end());
    return absl::OkStatus();
  });
  REQUIRE(st.ok());
  CHECK(batches == 9);  // 42 records in batches of 5
  REQUIRE(chunked.size() == whole.size());
  for (size_t i = 0; i < whole.size(); ++i) {
    CHECK(Key(chunked[i]) == Key(whole[i]));
    CHECK(chunked[i].line == whole[i].line);
    CHECK(Category(chunked[i]) == Category(whole[i]));
  }
  // An error from the sink stops the reading and is returned as it is.
  st = ReadProfileRecordsInChunks(kV32, &chunk_diag, 5, [&](std::vector<GenotypeRecord>*) {
    return absl::FailedPreconditionError("sink says no");
  });
  CHECK(st.code() == absl::StatusCode::kFailedPrecondition);
  CHECK(st.message() == "sink says no");
}

TEST_CASE("CMF reads as the same profiles as the CSV", "[io][cmf]") {
  Diagnostics diag;
  const std::vector<GenotypeRecord> cmf = MustRead(kV32, &diag);
  const std::vector<GenotypeRecord> csv = MustRead(kCsv, &diag);
  REQUIRE(cmf.size() == csv.size());
  for (size_t i = 0; i < cmf.size(); ++i) CHECK(Key(cmf[i]) == Key(csv[i]));
  for (const GenotypeRecord& r : csv) CHECK_FALSE(r.category);  // CSV has no categories

  auto table = ReadAlleleFreqs(NistTable(), &diag);
  REQUIRE(table.ok());
  AlleleFreqTable t1 = *table, t2 = *table;
  auto a = BuildProfileSet(cmf, {}, &t1, &diag);
  auto b = BuildProfileSet(csv, {}, &t2, &diag);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  REQUIRE(a->sample_ct() == 5);
  REQUIRE(a->sample_ct() == b->sample_ct());
  for (int s = 0; s < a->sample_ct(); ++s) {
    CHECK(a->sample_id(s) == b->sample_id(s));
    CHECK(a->amel_sex(s) == b->amel_sex(s));
    for (int l = 0; l < a->locus_ct(); ++l) CHECK(a->genotype(l, s) == b->genotype(l, s));
  }
  CHECK(a->amel_sex(a->FindSample("father")) == Sex::kMale);
  CHECK(a->amel_sex(a->FindSample("mother")) == Sex::kFemale);
  // child1's 8,OL is the wildcard 8,F at TH01.
  const int th01 = t1.FindLocus("TH01");
  REQUIRE(th01 >= 0);
  const GenotypeIdx g = a->genotype(th01, a->FindSample("child1"));
  REQUIRE(IsWildcard(g));
  CHECK(t1.locus(th01).label(WildcardAllele(g)) == "8");
}

TEST_CASE("CMF: LRs equal those of the same profiles as CSV, bit for bit", "[io][cmf][lr]") {
  std::vector<PairQuery> pairs;
  for (const auto& [a, b, rel] : std::vector<std::array<std::string, 3>>{{"father", "child1", "parent-child"},
                                                                         {"mother", "child2", "parent-child"},
                                                                         {"child1", "child2", "full-siblings"},
                                                                         {"father", "unrelated", "parent-child"},
                                                                         {"child1", "unrelated", "half-siblings"}}) {
    PairQuery q;
    q.id1 = a;
    q.id2 = b;
    q.relationship = rel;
    pairs.push_back(q);
  }
  auto run = [&](const std::string& profiles) {
    LrRequest req;
    req.model.freqs_path = NistTable();
    req.model.theta = 0.01;
    req.profiles.push_back(ProfileSource::File(profiles));
    req.pairs = pairs;
    Diagnostics diag;
    auto result = ComputeLrs(req, &diag);
    INFO(result.status().ToString());
    REQUIRE(result.ok());
    return *result;
  };
  const LrResult cmf = run(kV32), csv = run(kCsv);
  REQUIRE(cmf.rows.size() == pairs.size());
  REQUIRE(csv.rows.size() == pairs.size());
  for (size_t i = 0; i < pairs.size(); ++i) {
    INFO(pairs[i].id1 << " " << pairs[i].id2);
    CHECK(cmf.rows[i].log10_lr == csv.rows[i].log10_lr);  // bit for bit
    if (i < 3) CHECK(std::isfinite(cmf.rows[i].log10_lr));  // relatives; the others are excluded (-inf)
    CHECK(cmf.rows[i].loci_compared == csv.rows[i].loci_compared);
    REQUIRE(cmf.rows[i].per_locus.size() == csv.rows[i].per_locus.size());
    for (size_t l = 0; l < cmf.rows[i].per_locus.size(); ++l) {
      const double x = cmf.rows[i].per_locus[l], y = csv.rows[i].per_locus[l];
      CHECK(((std::isnan(x) && std::isnan(y)) || x == y));
    }
  }
  // By hand, θ = 0: father -> child1 at CSF1PO, both 12,12 (the father written as one
  // ALLELE). Under H1 the child's paternal allele is 12 with probability 1, under H2 with
  // probability p(12); the maternal allele cancels: PI = 1/p(12).
  LrRequest req;
  req.model.freqs_path = NistTable();
  req.profiles.push_back(ProfileSource::File(kV32));
  req.pairs = {pairs[0]};
  Diagnostics diag;
  auto hand = ComputeLrs(req, &diag);
  REQUIRE(hand.ok());
  auto table = ReadAlleleFreqs(NistTable(), &diag);
  REQUIRE(table.ok());
  const int csf = table->FindLocus("CSF1PO");
  const Locus& locus = table->locus(csf);
  // The run rescales each locus to sum to 1 (the table sums to 1 within 1e-7 here).
  const double p12 = locus.freq(locus.FindAllele("12")) / locus.FrequencySum();
  const auto it = std::find(hand->locus_names.begin(), hand->locus_names.end(), "CSF1PO");
  REQUIRE(it != hand->locus_names.end());
  CHECK_THAT(hand->rows[0].per_locus[static_cast<size_t>(it - hand->locus_names.begin())],
             Catch::Matchers::WithinRel(std::log10(1 / p12), 1e-12));
}

TEST_CASE("CMF: malformed files name the line and what was expected", "[io][cmf]") {
  testing::TempDir dir("kinship_cmf_test");
  struct Case {
    const char* name;
    std::string content;
    int line;  // 0: no line (file-level message)
    const char* hint;
  };
  const std::string locus = "    <LOCUS><LOCUSNAME>TH01</LOCUSNAME><ALLELE><ALLELEVALUE>6</ALLELEVALUE></ALLELE></LOCUS>\n";
  const std::string id = "    <SPECIMENID>S1</SPECIMENID>\n    <SPECIMENCATEGORY>Missing Person</SPECIMENCATEGORY>\n";
  const std::vector<Case> cases = {
      {"not XML", "<this is not xml\n", 1, "malformed XML"},
      {"wrong root", "<?xml version=\"1.0\"?>\n<profiles/>\n", 2,
       "root element <profiles>; expected <CODISImportFile>"},
      {"wrong namespace", "<?xml version=\"1.0\"?>\n<CODISImportFile xmlns=\"urn:CODISRapidImportFile-schema\">\n",
       2, "expected 'urn:CODISImportFile-schema'"},
      {"truncated", Cmf("  <SPECIMEN>\n" + id + locus).substr(0, 200), 6, "malformed XML"},  // cut in line 6
      {"mismatched tag", Cmf("  <SPECIMEN>\n" + id + locus + "  </SPECIMENS>\n"), 9, "malformed XML"},
      {"missing SPECIMENID", Cmf("  <SPECIMEN>\n    <SPECIMENCATEGORY>X</SPECIMENCATEGORY>\n" + locus + "  </SPECIMEN>\n"),
       5, "<SPECIMEN> without <SPECIMENID>; expected one"},
      {"missing SPECIMENCATEGORY", Cmf("  <SPECIMEN>\n    <SPECIMENID>S1</SPECIMENID>\n" + locus + "  </SPECIMEN>\n"),
       5, "specimen S1: <SPECIMEN> without <SPECIMENCATEGORY>"},
      {"second SPECIMENID", Cmf("  <SPECIMEN>\n" + id + "    <SPECIMENID>S2</SPECIMENID>\n" + locus + "  </SPECIMEN>\n"),
       8, "a second <SPECIMENID> in the <SPECIMEN> of line 5"},
      {"empty SPECIMENID", Cmf("  <SPECIMEN>\n    <SPECIMENID> </SPECIMENID>\n" + locus + "  </SPECIMEN>\n"), 6,
       "empty <SPECIMENID>"},
      {"LOCUS without LOCUSNAME",
       Cmf("  <SPECIMEN>\n" + id + "    <LOCUS>\n      <ALLELE><ALLELEVALUE>6</ALLELEVALUE></ALLELE>\n    </LOCUS>\n"
           "  </SPECIMEN>\n"),
       8, "<LOCUS> without <LOCUSNAME>; expected one"},
      {"three alleles",
       Cmf("  <SPECIMEN>\n" + id +
           "    <LOCUS><LOCUSNAME>D3S1358</LOCUSNAME><ALLELE><ALLELEVALUE>15</ALLELEVALUE></ALLELE>"
           "<ALLELE><ALLELEVALUE>16</ALLELEVALUE></ALLELE><ALLELE><ALLELEVALUE>17</ALLELEVALUE></ALLELE></LOCUS>\n"
           "  </SPECIMEN>\n"),
       8, "specimen S1 has 3 alleles at D3S1358 (15,16,17); expected at most 2: kinship needs single-source"},
      {"empty ALLELEVALUE",
       Cmf("  <SPECIMEN>\n" + id + "    <LOCUS><LOCUSNAME>TH01</LOCUSNAME>\n      <ALLELE><ALLELEVALUE></ALLELEVALUE>"
           "</ALLELE></LOCUS>\n  </SPECIMEN>\n"),
       9, "empty <ALLELEVALUE> in the <ALLELE> of line 9; expected an allele designation"},
      {"ALLELE without ALLELEVALUE",
       Cmf("  <SPECIMEN>\n" + id + "    <LOCUS><LOCUSNAME>TH01</LOCUSNAME>\n      <ALLELE/></LOCUS>\n  </SPECIMEN>\n"),
       9, "<ALLELE> without <ALLELEVALUE>"},
      {"second ALLELEVALUE",
       Cmf("  <SPECIMEN>\n" + id + "    <LOCUS><LOCUSNAME>TH01</LOCUSNAME>\n      <ALLELE><ALLELEVALUE>6</ALLELEVALUE>"
           "<ALLELEVALUE>7</ALLELEVALUE></ALLELE></LOCUS>\n  </SPECIMEN>\n"),
       9, "a second <ALLELEVALUE>"},
      {"misspelt ALLELE", Cmf("  <SPECIMEN>\n" + id + "    <LOCUS><LOCUSNAME>TH01</LOCUSNAME>\n      <ALELLE/>"
                              "</LOCUS>\n  </SPECIMEN>\n"),
       9, "element <ALELLE> in <LOCUS>; expected LOCUSNAME, READINGBY, READINGDATETIME and ALLELE"},
      {"ALLELE outside a LOCUS", Cmf("  <SPECIMEN>\n" + id + "    <ALLELE><ALLELEVALUE>6</ALLELEVALUE></ALLELE>\n"
                                      "  </SPECIMEN>\n"),
       8, "element <ALLELE> in <SPECIMEN>; expected it in a <LOCUS>"},
      {"element in a value", Cmf("  <SPECIMEN>\n    <SPECIMENID>S<b/>1</SPECIMENID>\n  </SPECIMEN>\n"), 6,
       "element <b> in <SPECIMENID>; expected text only"},
      {"text in LOCUS", Cmf("  <SPECIMEN>\n" + id + "    <LOCUS>6,7<LOCUSNAME>TH01</LOCUSNAME></LOCUS>\n  </SPECIMEN>\n"),
       8, "text '6,7' in <LOCUS>; expected elements only"},
      {"tab in SPECIMENID", Cmf("  <SPECIMEN>\n    <SPECIMENID>S&#9;1</SPECIMENID>\n  </SPECIMEN>\n"), 6,
       "SPECIMENID 'S\\t1' contains a tab"},
      {"DOCTYPE with an external entity",
       "<?xml version=\"1.0\"?>\n<!DOCTYPE CODISImportFile [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>\n"
       "<CODISImportFile xmlns=\"urn:CODISImportFile-schema\"><SPECIMEN><SPECIMENID>&e;</SPECIMENID>"
       "</SPECIMEN></CODISImportFile>\n",
       2, "a DOCTYPE declaration; expected none"},
      {"undeclared entity", Cmf("  <SPECIMEN>\n    <SPECIMENID>&e;</SPECIMENID>\n  </SPECIMEN>\n"), 6,
       "malformed XML: Entity 'e' not defined"},
      {"content after the root", Cmf("") + "<CODISImportFile/>\n", 6, "malformed XML"},
      {"no specimen", Cmf(""), 0, "no genotypes (0 SPECIMEN elements); expected at least one SPECIMEN with a LOCUS"},
      {"XML declaration after blank lines", "\n\n<?xml version=\"1.0\"?>\n<CODISImportFile/>\n", 3, "malformed XML"},
      {"a line past 65535 (libxml2 keeps lines of elements in 16 bits; its parser position is exact)",
       Cmf(std::string(70000, '\n') + "  <SPECIMEN>\n" + locus + "  </SPECIMEN>\n"), 70005,
       "<SPECIMEN> without <SPECIMENID>"},
      {"CMF after blank lines, error on line 5",
       "\n\n<CODISImportFile xmlns=\"urn:CODISImportFile-schema\">\n <SPECIMEN>\n  <SPECIMENID></SPECIMENID>\n",
       5, "empty <SPECIMENID>"},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    const std::string path = dir.Write("bad.xml", c.content);
    Diagnostics diag;
    auto records = ReadProfileRecords(path, &diag);
    CheckError(records.status(), absl::StatusCode::kInvalidArgument, c.line ? At(path, c.line) : path + ": ", c.hint);
  }
}

TEST_CASE("CMF: values pass through the binder's allele handling", "[io][cmf]") {
  testing::TempDir dir("kinship_cmf_test");
  Diagnostics diag;
  auto table = ReadAlleleFreqs(NistTable(), &diag);
  REQUIRE(table.ok());
  auto bind = [&](const std::string& values) {
    const std::string path = dir.Write(
        "b.xml", Cmf("  <SPECIMEN>\n    <SPECIMENID>S1</SPECIMENID><SPECIMENCATEGORY>C</SPECIMENCATEGORY>\n"
                     "    <LOCUS><LOCUSNAME>TH01</LOCUSNAME>" +
                     values + "</LOCUS>\n  </SPECIMEN>\n"));
    auto records = ReadProfileRecords(path, &diag);
    REQUIRE(records.ok());
    AlleleFreqTable t = *table;
    return std::make_pair(path, BuildProfileSet(*records, {}, &t, &diag).status());
  };
  // A label that is no allele designation: the binder's error, at the LOCUS line (7).
  auto [path, st] = bind("<ALLELE><ALLELEVALUE>abc</ALLELEVALUE></ALLELE>");
  CheckError(st, absl::StatusCode::kInvalidArgument, At(path, 7), "allele 'abc' is not an allele designation");
  // <n beside an allele: off-ladder, read as n,F with a warning (as in the other layouts).
  auto [path2, st2] = bind("<ALLELE><ALLELEVALUE>6</ALLELEVALUE></ALLELE><ALLELE><ALLELEVALUE>&lt;5</ALLELEVALUE></ALLELE>");
  CHECK(st2.ok());
  CHECK(HasNote(diag, NoteLevel::kWarning, "off-ladder allele (6,<5) read as 6,F"));
  // A LOCUS without ALLELE: untyped.
  auto [path3, st3] = bind("");
  CHECK(st3.ok());
}

TEST_CASE("CMF: foreign elements are skipped with a note; specimens without loci warned", "[io][cmf]") {
  testing::TempDir dir("kinship_cmf_test");
  const std::string path = dir.Write(
      "f.xml", Cmf("  <LABNOTE>x</LABNOTE>\n"
                   "  <SPECIMEN>\n    <SPECIMENID>S1</SPECIMENID><SPECIMENCATEGORY>C</SPECIMENCATEGORY>\n"
                   "    <x:EXTRA xmlns:x=\"urn:other\"><LOCUS/></x:EXTRA>\n"
                   "    <LOCUS><LOCUSNAME>TH01</LOCUSNAME><ALLELE><ALLELEVALUE>6</ALLELEVALUE></ALLELE></LOCUS>\n"
                   "  </SPECIMEN>\n"
                   "  <SPECIMEN><SPECIMENID>S2</SPECIMENID><SPECIMENCATEGORY>C</SPECIMENCATEGORY></SPECIMEN>\n"));
  Diagnostics diag;
  const std::vector<GenotypeRecord> records = MustRead(path, &diag);
  REQUIRE(records.size() == 1);
  CHECK(records[0].sample_id == "S1");
  CHECK(HasNote(diag, NoteLevel::kInfo, path + ":5: element <LABNOTE> in <CODISImportFile> skipped (1 time"));
  CHECK(HasNote(diag, NoteLevel::kInfo, "element <EXTRA> (namespace 'urn:other') in <SPECIMEN> skipped"));
  CHECK(HasNote(diag, NoteLevel::kWarning, "1 specimen(s) without a <LOCUS>, left out: S2"));
}

TEST_CASE("CMF writer: exact bytes, escaping, determinism", "[io][cmf][writer]") {
  GenotypeRecord a;
  a.sample_id = "A&B<1>";
  a.locus = "TH01";
  a.allele1 = "9.3";
  a.allele2 = "6";
  GenotypeRecord b = a;  // a homozygote: one ALLELE
  b.locus = "TPOX";
  b.allele1 = b.allele2 = "8";
  GenotypeRecord untyped = a;  // left out
  untyped.locus = "FGA";
  untyped.allele1 = untyped.allele2 = "";
  GenotypeRecord c;
  c.sample_id = "M1";
  c.locus = "vWA";
  c.allele1 = "17";
  c.allele2 = "18";
  c.category = std::make_shared<const std::string>("Biological Mother");
  CmfHeader header;
  header.source_lab = "XX0000000";
  header.kit = "GlobalFiler";
  header.default_category = "Missing Person";
  auto text = FormatCmf({a, b, untyped, c}, header);
  REQUIRE(text.ok());
  // Written by hand from formats.md section 2.
  const std::string want =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<CODISImportFile xmlns=\"urn:CODISImportFile-schema\">\n"
      "  <HEADERVERSION>3.2</HEADERVERSION>\n"
      "  <MESSAGETYPE>Import</MESSAGETYPE>\n"
      "  <DESTINATIONORI>UNKNOWN</DESTINATIONORI>\n"
      "  <SOURCELAB>XX0000000</SOURCELAB>\n"
      "  <SUBMITBYUSERID>kinship</SUBMITBYUSERID>\n"
      "  <SUBMITDATETIME>1970-01-01T00:00:00</SUBMITDATETIME>\n"
      "  <KIT>GlobalFiler</KIT>\n"
      "  <SPECIMEN>\n"
      "    <SPECIMENID>A&amp;B&lt;1&gt;</SPECIMENID>\n"
      "    <SPECIMENCATEGORY>Missing Person</SPECIMENCATEGORY>\n"
      "    <LOCUS>\n"
      "      <LOCUSNAME>TH01</LOCUSNAME>\n"
      "      <READINGBY>kinship</READINGBY>\n"
      "      <READINGDATETIME>1970-01-01T00:00:00</READINGDATETIME>\n"
      "      <ALLELE>\n"
      "        <ALLELEVALUE>9.3</ALLELEVALUE>\n"
      "      </ALLELE>\n"
      "      <ALLELE>\n"
      "        <ALLELEVALUE>6</ALLELEVALUE>\n"
      "      </ALLELE>\n"
      "    </LOCUS>\n"
      "    <LOCUS>\n"
      "      <LOCUSNAME>TPOX</LOCUSNAME>\n"
      "      <READINGBY>kinship</READINGBY>\n"
      "      <READINGDATETIME>1970-01-01T00:00:00</READINGDATETIME>\n"
      "      <ALLELE>\n"
      "        <ALLELEVALUE>8</ALLELEVALUE>\n"
      "      </ALLELE>\n"
      "    </LOCUS>\n"
      "  </SPECIMEN>\n"
      "  <SPECIMEN>\n"
      "    <SPECIMENID>M1</SPECIMENID>\n"
      "    <SPECIMENCATEGORY>Biological Mother</SPECIMENCATEGORY>\n"
      "    <LOCUS>\n"
      "      <LOCUSNAME>vWA</LOCUSNAME>\n"
      "      <READINGBY>kinship</READINGBY>\n"
      "      <READINGDATETIME>1970-01-01T00:00:00</READINGDATETIME>\n"
      "      <ALLELE>\n"
      "        <ALLELEVALUE>17</ALLELEVALUE>\n"
      "      </ALLELE>\n"
      "      <ALLELE>\n"
      "        <ALLELEVALUE>18</ALLELEVALUE>\n"
      "      </ALLELE>\n"
      "    </LOCUS>\n"
      "  </SPECIMEN>\n"
      "</CODISImportFile>\n";
  CHECK(*text == want);
  CHECK(*FormatCmf({a, b, untyped, c}, header) == *text);  // deterministic

  // Read back: the same genotypes and categories, the escaped id as it was.
  testing::TempDir dir("kinship_cmf_test");
  const std::string path = dir.Write("w.xml", *text);
  Diagnostics diag;
  const std::vector<GenotypeRecord> back = MustRead(path, &diag);
  REQUIRE(back.size() == 3);
  CHECK(back[0].sample_id == "A&B<1>");
  CHECK(Key(back[0]) == Key(a));
  CHECK(Key(back[1]) == Key(b));
  CHECK(Category(back[1]) == "Missing Person");
  CHECK(Key(back[2]) == Key(c));
  CHECK(Category(back[2]) == "Biological Mother");

  // WriteCmf writes the same bytes.
  const std::string out_path = dir.Path("w2.xml");
  std::FILE* f = std::fopen(out_path.c_str(), "wb");
  REQUIRE(f != nullptr);
  CHECK(WriteCmf({a, b, untyped, c}, header, f).ok());
  std::fclose(f);
  CHECK(Slurp(out_path) == want);
}

TEST_CASE("CMF writer: what it refuses", "[io][cmf][writer]") {
  GenotypeRecord r;
  r.sample_id = "S1";
  r.locus = "TH01";
  r.allele1 = "6";
  r.allele2 = "7";
  r.file = std::make_shared<const std::string>("in.csv");
  r.line = 4;
  auto refused = [](std::vector<GenotypeRecord> records, const std::string& hint, CmfHeader header = {}) {
    auto text = FormatCmf(records, header);
    INFO(hint);
    REQUIRE_FALSE(text.ok());
    CHECK(text.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK_THAT(std::string(text.status().message()), Contains(hint));
  };
  GenotypeRecord x = r;
  x.sample_id = std::string(25, 'a');
  refused({x}, "in.csv:4: sample id '" + std::string(25, 'a') + "' has 25 characters; CMF's SPECIMENID allows at most 24");
  x = r;
  x.allele2 = "12345678901";
  refused({x}, "allele '12345678901' has 11 characters; CMF's ALLELEVALUE allows at most 10");
  x = r;
  x.allele2 = "";
  refused({x}, "in.csv:4: sample S1 locus TH01 has one allele");
  x = r;
  x.sample_id = "S\x01";
  refused({x}, "sample id 'S\\x01' contains the control character 0x01");
  x = r;
  x.locus = "";
  refused({x}, "empty locus");
  x = r;
  x.locus = std::string(256, 'L');
  refused({x}, "has 256 bytes; expected printable UTF-8 text of at most 255 bytes");
  x = r;
  x.sample_id = "S\xEF\xBF\xBF";  // U+FFFF: valid UTF-8, not an XML character
  refused({x}, "contains U+FFFE or U+FFFF, which XML does not allow");
  x = r;
  x.category = std::make_shared<const std::string>("Spouse");
  GenotypeRecord y = r;
  y.locus = "TPOX";
  y.category = std::make_shared<const std::string>("Biological Child");
  refused({x, y}, "sample S1 has the category 'Biological Child' here and 'Spouse' before");
  CmfHeader h;
  h.default_category = "";
  refused({r}, "has no category and the default category is empty", h);
  h = CmfHeader();
  h.header_version = "4.0";
  refused({r}, "CMF header version '4.0'; expected 3.2 or 3.3", h);
  h = CmfHeader();
  h.source_lab = "a\tb";
  refused({r}, "CMF header: SOURCELAB 'a\\tb' contains a tab", h);
  // Records in memory are named by their index.
  x = r;
  x.file = nullptr;
  x.allele1 = "";
  refused({r, x}, "record 2: sample S1 locus TH01 has one allele");
}

TEST_CASE("CMF round trip: read, write, read gives the same profiles", "[io][cmf][writer]") {
  testing::TempDir dir("kinship_cmf_test");
  for (const std::string& source : {kV32, kV33, kCsv}) {
    INFO(source);
    Diagnostics diag;
    const std::vector<GenotypeRecord> first = MustRead(source, &diag);
    CmfHeader header;
    header.default_category = "Unidentified Person";  // for the CSV
    auto text = FormatCmf(first, header);
    REQUIRE(text.ok());
    const std::string path = dir.Write("rt.xml", *text);
    const std::vector<GenotypeRecord> second = MustRead(path, &diag);
    REQUIRE(second.size() == first.size());
    for (size_t i = 0; i < first.size(); ++i) {
      CHECK(Key(second[i]) == Key(first[i]));
      CHECK(second[i].locus == first[i].locus);
      CHECK(Category(second[i]) == (first[i].category ? *first[i].category : header.default_category));
    }
    // Writing what was read back gives the same bytes.
    auto again = FormatCmf(second, header);
    REQUIRE(again.ok());
    CHECK(*again == *text);
  }
}

TEST_CASE("Samples chosen by CMF category (BindSources)", "[io][cmf][setup]") {
  Diagnostics diag;
  auto table = ReadAlleleFreqs(NistTable(), &diag);
  REQUIRE(table.ok());
  auto bind = [&](const std::vector<ProfileSource>& sources, const std::vector<std::string>& categories,
                  Diagnostics* d, std::vector<std::string>* ids) {
    AlleleFreqTable t = *table;
    ProfileBinder binder({}, &t, d);
    std::set<std::string> set;
    absl::Status st = BindSources(sources, &binder, d, {}, ids, &set, {categories, "--victim-category"});
    if (st.ok()) {
      auto profiles = binder.Finish();
      REQUIRE(profiles.ok());
      CHECK(profiles->sample_ct() == static_cast<int>(ids->size()));
    }
    return st;
  };
  {
    Diagnostics d;
    std::vector<std::string> ids;
    REQUIRE(bind({ProfileSource::File(kV32)}, {"Unidentified Person"}, &d, &ids).ok());
    CHECK(ids == std::vector<std::string>{"child1", "child2", "unrelated"});
    CHECK(HasNote(d, NoteLevel::kInfo,
                  "--victim-category: 3 sample(s) kept (Unidentified Person: 3); 2 left out (Biological Father: 1, "
                  "Biological Mother: 1)"));
  }
  {
    // Two categories, one of which no sample has (a warning); records in memory too.
    Diagnostics d;
    std::vector<std::string> ids;
    auto records = ReadProfileRecords(kV32, &d);
    REQUIRE(records.ok());
    REQUIRE(bind({ProfileSource::Records(*records)}, {"Biological Mother", "Biological Father", "Spouse"}, &d, &ids)
                .ok());
    CHECK(ids == std::vector<std::string>{"father", "mother"});
    CHECK(HasNote(d, NoteLevel::kWarning, "--victim-category 'Spouse': no sample has that category"));
  }
  {
    Diagnostics d;
    std::vector<std::string> ids;
    absl::Status st = bind({ProfileSource::File(kV32)}, {"Spouse"}, &d, &ids);
    CheckError(st, absl::StatusCode::kInvalidArgument, "--victim-category Spouse: no sample has that category",
               "the files have Biological Father: 1, Biological Mother: 1, Unidentified Person: 3");
  }
  {
    Diagnostics d;
    std::vector<std::string> ids;
    absl::Status st = bind({ProfileSource::File(kV32), ProfileSource::File(kCsv)}, {"Unidentified Person"}, &d, &ids);
    CheckError(st, absl::StatusCode::kInvalidArgument, kCsv + ": --victim-category chooses samples by their CODIS CMF",
               "expected CMF files only with --victim-category");
  }
  {
    // No selection: every sample, no note about categories.
    Diagnostics d;
    std::vector<std::string> ids;
    REQUIRE(bind({ProfileSource::File(kV32)}, {}, &d, &ids).ok());
    CHECK(ids.size() == 5);
    CHECK_FALSE(HasNote(d, NoteLevel::kInfo, "kept"));
  }
}

TEST_CASE("Profile CSV separated by ';' is named as such", "[io][cmf][profiles]") {
  testing::TempDir dir("kinship_cmf_test");
  const std::string path = dir.Write("semi.csv", "sample_id;locus;allele1;allele2\nS1;TH01;6;9,3\n");
  Diagnostics diag;
  CheckError(ReadProfileRecords(path, &diag).status(), absl::StatusCode::kInvalidArgument, At(path, 1),
             "is separated by ';'; expected ','");
  // A one-column header without ';' keeps the general message.
  const std::string other = dir.Write("other.csv", "sample\nS1\n");
  CheckError(ReadProfileRecords(other, &diag).status(), absl::StatusCode::kInvalidArgument, At(other, 1),
             "header must name columns sample_id,locus,allele1,allele2");
  const std::string utf16 = dir.Write("u16.csv", std::string("\xFF\xFEs\0a\0\n\0", 8));
  CheckError(ReadProfileRecords(utf16, &diag).status(), absl::StatusCode::kInvalidArgument, At(utf16, 1),
             "UTF-16 text; expected UTF-8");
}

TEST_CASE("Samples with no typed locus are a warning listing them", "[io][cmf][profiles]") {
  Diagnostics diag;
  auto table = ReadAlleleFreqs(NistTable(), &diag);
  REQUIRE(table.ok());
  auto rec = [](const std::string& id, const std::string& locus, const std::string& a1, const std::string& a2) {
    GenotypeRecord r;
    r.sample_id = id;
    r.locus = locus;
    r.allele1 = a1;
    r.allele2 = a2;
    return r;
  };
  const std::vector<GenotypeRecord> records = {
      rec("typed", "TH01", "6", "7"),
      rec("amel_only", "AMEL", "X", "Y"),           // sex only
      rec("unknown_locus", "NOTALOCUS", "1", "2"),  // a locus the table lacks
      rec("untyped", "TH01", "", ""),               // written untyped
      rec("off_ladder", "TH01", "OL", "OL"),        // names no allele
      rec("wildcard", "TPOX", "8", "F"),            // 8,F: typed (a seen allele)
  };
  AlleleFreqTable t = *table;
  Diagnostics d;
  auto set = BuildProfileSet(records, {}, &t, &d);
  REQUIRE(set.ok());
  CHECK(set->sample_ct() == 6);  // kept, only said
  CHECK(HasNote(d, NoteLevel::kWarning,
                "4 sample(s) have no typed locus of the frequency table, so nothing of theirs is compared (they give "
                "no evidence): amel_only unknown_locus untyped off_ladder"));
  // None: no such warning.
  Diagnostics d2;
  AlleleFreqTable t2 = *table;
  REQUIRE(BuildProfileSet({records[0], records[5]}, {}, &t2, &d2).ok());
  CHECK_FALSE(HasNote(d2, NoteLevel::kWarning, "no typed locus"));
}
