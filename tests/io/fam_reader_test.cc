// Tests of ReadFamiliasFile (kinship/familias.h): every section of a Familias 3 .fam file
// read from the hand-made fixtures in tests/data/fam (README there), and one malformed
// variant per section, whose error names the file, the line and the thing expected.
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "kinship/familias.h"
#include "test_util.h"

using namespace kinship;
using Catch::Matchers::Contains;
using testing::CheckError;

namespace {

const std::string kDir = std::string(KINSHIP_TEST_DATA_DIR) + "/fam/";

std::vector<std::string> Lines(const std::string& name) {
  std::ifstream in(kDir + name, std::ios::binary);
  std::vector<std::string> out;
  std::string l;
  while (std::getline(in, l)) {
    if (!l.empty() && l.back() == '\r') l.pop_back();
    out.push_back(l);
  }
  return out;
}

std::string Join(const std::vector<std::string>& lines) {
  std::string s;
  for (const std::string& l : lines) s += l + "\n";
  return s;
}

// The fixture with line `line_no` (1-based) replaced by `text` (several lines if it holds '\n').
std::string Variant(const std::string& name, int line_no, const std::string& text) {
  std::vector<std::string> lines = Lines(name);
  REQUIRE(line_no >= 1);
  REQUIRE(line_no <= static_cast<int>(lines.size()));
  lines[line_no - 1] = text;
  return Join(lines);
}

// The 1-based number of the first line equal to `text` (at or after `from`).
int Find(const std::string& name, const std::string& text, int from = 1) {
  std::vector<std::string> lines = Lines(name);
  for (int i = from - 1; i < static_cast<int>(lines.size()); ++i)
    if (lines[i] == text) return i + 1;
  FAIL("line '" << text << "' not in " << name);
  return 0;
}

absl::Status ReadText(const testing::TempDir& dir, const std::string& text, std::string* path) {
  *path = dir.Write("case.fam", text);
  Diagnostics diag;
  return ReadFamiliasFile(*path, &diag).status();
}

}  // namespace

TEST_CASE("fam: persons, known relations and pedigrees", "[io][fam]") {
  Diagnostics diag;
  auto fam = ReadFamiliasFile(kDir + "pedigrees.fam", &diag);
  REQUIRE(fam.ok());
  CHECK(fam->producer == "Output from Familias, version 3.3.1");
  CHECK(fam->version == "3.3.1");
  REQUIRE(fam->persons.size() == 4);
  CHECK(fam->persons[0].name == "GF");
  CHECK(fam->persons[0].male);
  CHECK(fam->persons[0].genotypes.empty());
  CHECK(fam->persons[1].name == "Son");
  CHECK(fam->persons[1].consider_dropouts);
  CHECK_FALSE(fam->persons[0].consider_dropouts);
  REQUIRE(fam->persons[1].genotypes.size() == 1);
  CHECK(fam->persons[1].genotypes[0].allele1 == 0);
  CHECK(fam->persons[1].genotypes[0].allele2 == 1);
  CHECK(fam->persons[1].genotypes[0].locus == 0);
  CHECK(fam->persons[1].line == 12);
  CHECK_FALSE(fam->persons[3].male);
  CHECK(fam->known_extra_females == 1);
  CHECK(fam->known_extra_males == 0);
  REQUIRE(fam->known_relations.size() == 2);
  CHECK(fam->known_relations[1].parent == 4);
  CHECK(fam->known_relations[1].child == 1);
  REQUIRE(fam->pedigrees.size() == 4);
  CHECK(fam->pedigrees[1].name == "Uncle");
  CHECK(fam->pedigrees[1].extra_females == 1);
  CHECK(fam->pedigrees[1].extra_males == 1);
  REQUIRE(fam->pedigrees[1].relations.size() == 4);
  CHECK(fam->pedigrees[1].relations[2].parent == 6);
  CHECK(fam->pedigrees[1].relations[2].child == 2);
  CHECK(fam->pedigrees[3].relations.size() == 1);
  CHECK(fam->database.name == "hand-made");
  REQUIRE(fam->database.loci.size() == 1);
  CHECK(fam->database.loci[0].database_size == 500);
  CHECK(fam->database.loci[0].minor_allele_freq == 0.001);
  CHECK_FALSE(fam->dvi.present);
  CHECK_FALSE(fam->advanced.present);
  REQUIRE(diag.inputs().size() == 1);  // the checksum of what was read
  CHECK(diag.inputs()[0].path == kDir + "pedigrees.fam");

  // As kinship pedigrees: the extras, the added mother of "OnlyFather", parents first.
  auto peds = FamiliasPedigrees(*fam);
  REQUIRE(peds.ok());
  REQUIRE(peds->size() == 4);
  const Pedigree& uncle = (*peds)[1];
  const int gs = uncle.Find("Grandson");
  REQUIRE(gs >= 0);
  const Person& grandson = uncle.person(gs);
  REQUIRE(grandson.father >= 0);
  CHECK(uncle.person(grandson.father).id == "extra_Uncle_2");  // the pedigree's extra male
  CHECK(uncle.person(uncle.person(grandson.father).father).id == "GF");
  CHECK(uncle.person(uncle.person(grandson.father).mother).id == "extra_1");  // the known extra female
  CHECK(uncle.person(gs).sample_id == "Grandson");
  CHECK(uncle.person(uncle.Find("GF")).sample_id.empty());
  const Pedigree& only = (*peds)[3];
  const Person& g2 = only.person(only.Find("Grandson"));
  CHECK(only.person(g2.father).id == "Son");
  CHECK(only.person(g2.mother).id == "added_1");
  CHECK(only.person(g2.mother).sex == Sex::kFemale);
  for (const Pedigree& p : *peds)
    for (const Person& q : p.persons()) {
      if (q.father >= 0) CHECK(q.father < p.Find(q.id));
      if (q.mother >= 0) CHECK(q.mother < p.Find(q.id));
    }
}

TEST_CASE("fam: the database, each mutation model code", "[io][fam]") {
  Diagnostics diag;
  auto fam = ReadFamiliasFile(kDir + "models.fam", &diag);
  REQUIRE(fam.ok());
  CHECK(fam->persons.empty());
  CHECK(fam->pedigrees.empty());
  CHECK(fam->database.theta == 0.01);
  CHECK_FALSE(fam->database.has_info);
  const auto& loci = fam->database.loci;
  REQUIRE(loci.size() == 5);
  CHECK(loci[0].female_model == FamMutationCode::kEqual);
  CHECK(loci[1].male_model == FamMutationCode::kProportional);
  CHECK(loci[1].male_rate == 0.003);
  CHECK(loci[1].female_rate == 0.001);
  CHECK(loci[2].female_model == FamMutationCode::kStepwise);
  CHECK(loci[2].female_range == 0.1);
  CHECK(loci[2].male_range == 0.2);
  CHECK(loci[3].male_model == FamMutationCode::kStepwiseStationary);
  CHECK(loci[4].female_model == FamMutationCode::kEqual);
  CHECK(loci[4].male_model == FamMutationCode::kExtendedStepwise);
  CHECK(loci[4].male_rate2 == 1e-6);
  REQUIRE(loci[4].alleles.size() == 4);
  CHECK(loci[4].alleles[2] == "10.3");
  CHECK(loci[4].freqs[2] == 0.1);

  // The mapping onto kinship's models (kinship/mutation.h).
  MutationParams p = FamiliasMutationParams(loci[0], Sex::kMale);
  CHECK(p.model == MutationModel::kEqual);
  CHECK(p.rate == 0.002);
  p = FamiliasMutationParams(loci[0], Sex::kFemale);
  CHECK(p.rate == 0.001);
  CHECK(FamiliasMutationParams(loci[1], Sex::kMale).model == MutationModel::kProportional);
  p = FamiliasMutationParams(loci[2], Sex::kMale);
  CHECK(p.model == MutationModel::kStepwise);
  CHECK(p.range == 0.2);
  CHECK(p.transform == MutationTransform::kNone);
  p = FamiliasMutationParams(loci[3], Sex::kFemale);
  CHECK(p.model == MutationModel::kStepwise);
  CHECK(p.transform == MutationTransform::kPM);
  p = FamiliasMutationParams(loci[4], Sex::kMale);
  CHECK(p.model == MutationModel::kExtendedStepwise);
  CHECK(p.rate2 == 1e-6);
  CHECK(p.range == 0.1);
  CHECK(FamiliasMutationParams(loci[4], Sex::kFemale).model == MutationModel::kEqual);

  auto table = FamiliasFrequencyTable(*fam);
  REQUIRE(table.ok());
  CHECK(table->locus_ct() == 5);
  CHECK(table->locus(2).label(2) == "10.3");
}

TEST_CASE("fam: the DVI section, [Prior] and [Advanced]", "[io][fam]") {
  Diagnostics diag;
  auto fam = ReadFamiliasFile(kDir + "dvi.fam", &diag);
  REQUIRE(fam.ok());
  CHECK(fam->version == "3.3 (DVI)");
  REQUIRE(fam->dvi.present);
  REQUIRE(fam->dvi.unidentified.size() == 2);
  const FamDviPerson& v1 = fam->dvi.unidentified[0];
  CHECK(v1.name == "V1");
  CHECK(v1.sex == Sex::kMale);
  REQUIRE(v1.markers.size() == 2);
  CHECK(v1.markers[1].system == "L2");
  CHECK(v1.markers[1].allele1 == "7");
  CHECK(fam->dvi.unidentified[1].sex == Sex::kFemale);
  REQUIRE(fam->dvi.notes.size() == 1);
  CHECK(fam->dvi.notes[0] == "a note");
  REQUIRE(fam->dvi.families.size() == 1);
  const FamDviFamily& f = fam->dvi.families[0];
  CHECK(f.name == "F1");
  REQUIRE(f.persons.size() == 2);
  CHECK(f.persons[0].markers.size() == 1);
  CHECK(f.persons[1].name == "Missing male 1");
  CHECK(f.persons[1].markers.empty());
  REQUIRE(f.pedigrees.size() == 2);
  CHECK(f.pedigrees[0].name == "Reference pedigree");
  CHECK(f.pedigrees[0].relations.empty());
  REQUIRE(f.pedigrees[1].relations.size() == 2);
  CHECK(f.pedigrees[1].relations[0] == std::make_pair(std::string("R1"), std::string("Missing person")));
  REQUIRE(fam->prior.size() == 2);
  CHECK(fam->prior[1].key == "Size");
  CHECK(fam->prior[1].value == "2");
  CHECK(fam->advanced.present);
  CHECK(fam->advanced.number_of_decimals == 8);
  CHECK(fam->advanced.quick_search == "Disabled");
  CHECK(fam->advanced.allowed_mismatches == 3);
  REQUIRE(fam->advanced.simulation.size() == 3);
  CHECK(fam->advanced.simulation[0].value == "Enabled");
  CHECK(fam->settings.size() == 2 + 3 + 1 + 2 + 3);
  CHECK(CheckFamiliasSupported(*fam).ok());
}

TEST_CASE("fam: CRLF, the paternity case", "[io][fam]") {
  Diagnostics diag;
  auto fam = ReadFamiliasFile(kDir + "paternity.fam", &diag);  // written with CRLF
  REQUIRE(fam.ok());
  REQUIRE(fam->persons.size() == 3);
  CHECK(fam->persons[2].genotypes.size() == 10);
  CHECK(fam->database.loci.size() == 10);
  CHECK(fam->database.loci[4].name == "PENTA_E");
  CHECK(fam->database.loci[0].freqs[0] == 5.21594e-5);  // "5.21594e-005"
  CHECK(fam->advanced.present);
  CHECK(fam->advanced.dropout == 0);
}

TEST_CASE("fam: malformed files name the file, the line and what was expected", "[io][fam]") {
  testing::TempDir dir("kinship_fam_reader_test");
  std::string path;
  Diagnostics diag;
  CheckError(ReadFamiliasFile(dir.Path("absent.fam"), &diag).status(), absl::StatusCode::kNotFound, "absent.fam",
             "cannot open");

  SECTION("header") {
    auto st = ReadText(dir, Variant("pedigrees.fam", 1, "\"Output from Excel\""), &path);
    CheckError(st, absl::StatusCode::kInvalidArgument, testing::At(path, 1), "Output from Familias");
  }
  SECTION("persons: the sex") {
    auto st = ReadText(dir, Variant("pedigrees.fam", 10, "male"), &path);  // GF's sex line
    CheckError(st, absl::StatusCode::kInvalidArgument, testing::At(path, 10), "the sex of person 'GF'");
  }
  SECTION("persons: an allele index past the locus") {
    auto st = ReadText(dir, Variant("pedigrees.fam", 18, "9"), &path);  // Son's allele 1
    CheckError(st, absl::StatusCode::kInvalidArgument, testing::At(path, 18), "allele index 9 of person 'Son'");
  }
  SECTION("known relations") {
    auto st =
        ReadText(dir, Variant("pedigrees.fam", Find("pedigrees.fam", "\"Known relations\""), "\"Relations\""), &path);
    CheckError(st, absl::StatusCode::kInvalidArgument, testing::At(path, 36), "\"Known relations\"");
  }
  SECTION("pedigrees: a relation index") {
    const int line = Find("pedigrees.fam", "\"Father\"") + 4;  // first parent index
    auto st = ReadText(dir, Variant("pedigrees.fam", line, "x"), &path);
    CheckError(st, absl::StatusCode::kInvalidArgument, testing::At(path, line), "the parent's index of a relation");
  }
  SECTION("pedigrees: a twin relation") {
    const int line = Find("pedigrees.fam", "\"Father\"") + 4;
    auto st = ReadText(dir, Variant("pedigrees.fam", line, "1 Direct"), &path);
    CheckError(st, absl::StatusCode::kInvalidArgument, testing::At(path, line), "twin (\"Direct\") relation");
  }
  SECTION("pedigrees: a child index out of range") {
    const int line = Find("pedigrees.fam", "\"Father\"") + 5;
    auto st = ReadText(dir, Variant("pedigrees.fam", line, "12"), &path);
    CheckError(st, absl::StatusCode::kInvalidArgument, testing::At(path, line), "child index 12 in pedigree 'Father'");
  }
  SECTION("precomputed probabilities") {
    const int line = Find("pedigrees.fam", "#FALSE# (#Databases: 1 ;Theta/Kinship/Fst: 0 )");
    auto st = ReadText(dir, Variant("pedigrees.fam", line, "#TRUE#"), &path);
    CheckError(st, absl::StatusCode::kInvalidArgument, testing::At(path, line), "precomputed probabilities");
  }
  SECTION("database: theta") {
    const int line = Find("pedigrees.fam", "#FALSE# (#Databases: 1 ;Theta/Kinship/Fst: 0 )");
    auto st = ReadText(dir, Variant("pedigrees.fam", line, "#FALSE# (#Databases: 1 ;Theta/Kinship/Fst: x )"), &path);
    CheckError(st, absl::StatusCode::kInvalidArgument, testing::At(path, line), "Theta/Kinship/Fst");
  }
  SECTION("database: a mutation model code") {
    const int line = Find("models.fam", "\"EQ\"") + 3;  // female model
    auto st = ReadText(dir, Variant("models.fam", line, "5"), &path);
    CheckError(st, absl::StatusCode::kInvalidArgument, testing::At(path, line),
               "the female mutation model of locus 'EQ'");
  }
  SECTION("database: the allele count with the silent allele") {
    const int line = Find("models.fam", "\"EQ\"") + 5;
    auto st = ReadText(dir, Variant("models.fam", line, "5"), &path);
    CheckError(st, absl::StatusCode::kInvalidArgument, testing::At(path, line), "expected 4");
  }
  SECTION("database: the locus information") {
    const int line = Find("models.fam", "\"EQ\"") + 12;
    auto st = ReadText(dir, Variant("models.fam", line, "4\t(DatabaseSize = 1000 , Linkage = 2 )"), &path);
    CheckError(st, absl::StatusCode::kInvalidArgument, testing::At(path, line), "unknown locus information 'Linkage'");
  }
  SECTION("database: a frequency") {
    const int line = Find("models.fam", "\"EQ\"") + 14;
    auto st = ReadText(dir, Variant("models.fam", line, "1.5"), &path);
    CheckError(st, absl::StatusCode::kInvalidArgument, testing::At(path, line), "the frequency of allele '9'");
  }
  SECTION("DVI: a person's gender") {
    const int line = Find("dvi.fam", "Gender= Female");
    auto st = ReadText(dir, Variant("dvi.fam", line, "Gender= F"), &path);
    CheckError(st, absl::StatusCode::kInvalidArgument, testing::At(path, line), "Gender= Male or Female");
  }
  SECTION("DVI: a missing section") {
    const int line = Find("dvi.fam", "[[[[Pedigrees]]]]");
    auto st = ReadText(dir, Variant("dvi.fam", line, "[[[[Pedigree]]]]"), &path);
    CheckError(st, absl::StatusCode::kInvalidArgument, testing::At(path, line), "expected [[[[Pedigrees]]]]");
  }
  SECTION("DVI: a relation without its child") {
    const int line = Find("dvi.fam", "Child= Missing person");
    auto st = ReadText(dir, Variant("dvi.fam", line, "Kid= Missing person"), &path);
    CheckError(st, absl::StatusCode::kInvalidArgument, testing::At(path, line), "expected Child= value");
  }
  SECTION("Prior") {
    const int line = Find("dvi.fam", "Size= 2");
    auto st = ReadText(dir, Variant("dvi.fam", line, "Prior= flat"), &path);
    CheckError(st, absl::StatusCode::kInvalidArgument, testing::At(path, line), "unknown [Prior] setting 'Prior'");
  }
  SECTION("Advanced: an unknown setting (linked markers)") {
    const int line = Find("dvi.fam", "NumberOfDecimals= 8");
    auto st = ReadText(dir, Variant("dvi.fam", line, "NumberOfDecimals= 8\nLinkedMarkers= 2"), &path);
    CheckError(st, absl::StatusCode::kInvalidArgument, testing::At(path, line + 1),
               "unknown setting 'LinkedMarkers' in [[Other]]");
  }
  SECTION("Advanced: a value") {
    const int line = Find("dvi.fam", "Error= 0");
    auto st = ReadText(dir, Variant("dvi.fam", line, "Error= often"), &path);
    CheckError(st, absl::StatusCode::kInvalidArgument, testing::At(path, line), "a probability in [0, 1]");
  }
  SECTION("a section out of place") {
    auto lines = Lines("dvi.fam");
    lines.push_back("[DVI]");
    auto st = ReadText(dir, Join(lines), &path);
    CheckError(st, absl::StatusCode::kInvalidArgument, testing::At(path, static_cast<int>(lines.size())),
               "[DVI], [Prior] or [Advanced]");
  }
  SECTION("the file ends early") {
    auto lines = Lines("pedigrees.fam");
    lines.resize(20);
    auto st = ReadText(dir, Join(lines), &path);
    CheckError(st, absl::StatusCode::kInvalidArgument, testing::At(path, 21), "the file ends");
  }
}

TEST_CASE("fam: what kinship does not model is refused, naming it", "[io][fam]") {
  testing::TempDir dir("kinship_fam_supported_test");
  std::string path;
  auto check = [&](const std::string& text, int line, const std::string& hint) {
    path = dir.Write("case.fam", text);
    Diagnostics diag;
    auto fam = ReadFamiliasFile(path, &diag);
    REQUIRE(fam.ok());
    CheckError(CheckFamiliasSupported(*fam), absl::StatusCode::kFailedPrecondition, testing::At(path, line), hint);
    FamiliasLrOptions opts;
    CheckError(ComputeFamiliasLrs(*fam, opts, &diag).status(), absl::StatusCode::kFailedPrecondition,
               testing::At(path, line), hint);
  };
  SECTION("an error rate") {
    auto lines = Lines("paternity1.fam");
    for (const char* l : {"[Advanced]", "[[Direct/Identity]]", "Dropin= 0", "Dropout= 0", "Error= 0.01"})
      lines.push_back(l);
    check(Join(lines), static_cast<int>(lines.size()), "Error= 0.01");
  }
  SECTION("drop-out") {
    auto lines = Lines("paternity1.fam");
    for (const char* l : {"[Advanced]", "[[Direct/Identity]]", "Dropout= 0.1"}) lines.push_back(l);
    check(Join(lines), static_cast<int>(lines.size()), "Dropout= 0.1");
  }
  SECTION("drop-out of a person at a locus") {
    std::string text = Variant("paternity1.fam", 8, "-1 (Consider dropouts)");  // AF
    const int line = Find("paternity1.fam", "\"L1\"");
    const int info = line + 12;
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);) lines.push_back(l);
    lines[info - 1] = "3\t(DatabaseSize = 1000 , Dropout probability = 0.05 , Minor allele frequency = 0 )";
    check(Join(lines), line, "(Consider dropouts)");
  }
  SECTION("a silent allele") {
    const int line = Find("paternity1.fam", "\"L1\"");
    auto lines = Lines("paternity1.fam");
    lines[line + 5 - 1] = "4";        // alleles with the silent one
    lines[line + 10 - 1] = "#TRUE#";  // silent flag
    lines[line + 11 - 1] = "0.01";
    check(Join(lines), line, "silent allele");
  }
  SECTION("a person's unexplained fields") {
    check(Variant("paternity1.fam", 7, "#TRUE#"), 6, "whose meaning kinship does not know");
  }
}
