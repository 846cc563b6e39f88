// Tests of ReadPedigrees (kinship/io.h): the CSV format
// family,id,father,mother,sex[,sample_id][,missing], rows in any order, several
// families, line endings and BOM, and every documented error with its code and a
// message naming the file, the line, the family and the member.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "kinship/diagnostics.h"
#include "kinship/io.h"
#include "kinship/pedigree.h"
#include "test_util.h"

using namespace kinship;
using Catch::Matchers::Contains;

namespace {

namespace fs = std::filesystem;

using testing::ToCrlf;

// Reader inputs live in a fresh temp folder per test.
class PedTempDir : public testing::TempDir {
 public:
  PedTempDir() : testing::TempDir("kinship_pedigree_reader_test") {}
};

absl::StatusOr<std::vector<Pedigree>> Read(const std::string& path, bool require_missing = false) {
  Diagnostics diag;
  return ReadPedigrees(path, require_missing, &diag);
}

// An error of `code` whose message contains every one of `parts`.
void CheckError(const absl::StatusOr<std::vector<Pedigree>>& r, absl::StatusCode code,
                const std::vector<std::string>& parts) {
  INFO("status: " << r.status().ToString());
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == code);
  for (const std::string& part : parts) CHECK_THAT(std::string(r.status().message()), Contains(part));
}

std::string Line(const std::string& path, int line) { return path + ":" + std::to_string(line); }

// Persons must come after their parents (the engine's requirement).
void CheckParentsFirst(const Pedigree& ped) {
  for (int i = 0; i < ped.size(); ++i) {
    INFO("family " << ped.family() << " member " << ped.person(i).id);
    CHECK(ped.person(i).father < i);
    CHECK(ped.person(i).mother < i);
    CHECK((ped.person(i).father < 0) == (ped.person(i).mother < 0));
  }
}

// "father id" of member `id` in `ped`, or "" for a founder.
std::string FatherOf(const Pedigree& ped, const std::string& id) {
  const int i = ped.Find(id);
  REQUIRE(i >= 0);
  return ped.person(i).father < 0 ? "" : ped.person(ped.person(i).father).id;
}
std::string MotherOf(const Pedigree& ped, const std::string& id) {
  const int i = ped.Find(id);
  REQUIRE(i >= 0);
  return ped.person(i).mother < 0 ? "" : ped.person(ped.person(i).mother).id;
}

// Two families; children listed before their parents; comments and blank lines.
const std::string kTwoFamilies =
    "family,id,father,mother,sex,sample_id,missing\n"
    "# the Smith family: a missing son, his sister and parents\n"
    "Smith,Son,Dad,Mum,1,,1\n"
    "Smith,Daughter,Dad,Mum,2,S-DAU,0\n"
    "\n"
    "Smith,Grandchild,Spouse,Daughter,0,S-GC,\n"
    "Smith,Dad,0,0,1,S-DAD,0\n"
    "Smith,Mum,,,2,,0\n"
    "Smith,Spouse,0,0,1,,\n"
    "Jones,Child,F,M,2,J-CH,0\n"
    "Jones,Missing,F,M,1,,1\n"
    "Jones,F,0,0,1,,0\n"
    "Jones,M,0,0,2,J-M,0\n";

void CheckTwoFamilies(const std::vector<Pedigree>& fams) {
  REQUIRE(fams.size() == 2);
  // Families in order of first appearance.
  const Pedigree& smith = fams[0];
  const Pedigree& jones = fams[1];
  CHECK(smith.family() == "Smith");
  CHECK(jones.family() == "Jones");
  REQUIRE(smith.size() == 6);
  REQUIRE(jones.size() == 4);
  CheckParentsFirst(smith);
  CheckParentsFirst(jones);

  CHECK(FatherOf(smith, "Son") == "Dad");
  CHECK(MotherOf(smith, "Son") == "Mum");
  CHECK(FatherOf(smith, "Grandchild") == "Spouse");
  CHECK(MotherOf(smith, "Grandchild") == "Daughter");
  CHECK(FatherOf(smith, "Dad").empty());
  CHECK(MotherOf(smith, "Mum").empty());  // empty parent fields: founder
  CHECK(FatherOf(jones, "Missing") == "F");

  const Person& son = smith.person(smith.Find("Son"));
  CHECK(son.sex == Sex::kMale);
  CHECK(son.missing);
  CHECK(son.sample_id.empty());
  const Person& dau = smith.person(smith.Find("Daughter"));
  CHECK(dau.sex == Sex::kFemale);
  CHECK_FALSE(dau.missing);
  CHECK(dau.sample_id == "S-DAU");
  const Person& gc = smith.person(smith.Find("Grandchild"));
  CHECK(gc.sex == Sex::kUnknown);
  CHECK_FALSE(gc.missing);  // empty missing field = 0
  CHECK(gc.sample_id == "S-GC");
  CHECK(smith.person(smith.Find("Mum")).sample_id.empty());

  REQUIRE(smith.MissingPersons().size() == 1);
  CHECK(smith.person(smith.MissingPersons()[0]).id == "Son");
  REQUIRE(jones.MissingPersons().size() == 1);
  CHECK(jones.person(jones.MissingPersons()[0]).id == "Missing");
  CHECK(jones.person(jones.Find("M")).sample_id == "J-M");
  CHECK(smith.Find("Child") == -1);  // members belong to their own family
  CHECK(smith.Validate().ok());
  CHECK(jones.Validate().ok());
}

}  // namespace

TEST_CASE("ReadPedigrees: several families, rows in any order", "[pedigree][io][pedigree_reader]") {
  PedTempDir dir;
  const std::string path = dir.Write("fams.csv", kTwoFamilies);
  auto r = Read(path, /*require_missing=*/true);
  INFO(r.status().ToString());
  REQUIRE(r.ok());
  CheckTwoFamilies(*r);
}

TEST_CASE("ReadPedigrees: CRLF line endings and a UTF-8 BOM read identically",
          "[pedigree][io][pedigree_reader]") {
  PedTempDir dir;
  for (const std::string& content :
       {ToCrlf(kTwoFamilies), "\xEF\xBB\xBF" + kTwoFamilies, "\xEF\xBB\xBF" + ToCrlf(kTwoFamilies)}) {
    const std::string path = dir.Write("fams.csv", content);
    auto r = Read(path, true);
    INFO(r.status().ToString());
    REQUIRE(r.ok());
    CheckTwoFamilies(*r);
  }
}

TEST_CASE("ReadPedigrees: optional columns, header case and column order",
          "[pedigree][io][pedigree_reader]") {
  PedTempDir dir;
  SECTION("only the five required columns: everyone untyped, nobody missing") {
    const std::string path = dir.Write("p.csv",
                                       "family,id,father,mother,sex\n"
                                       "F1,kid,dad,mum,1\n"
                                       "F1,dad,0,0,1\n"
                                       "F1,mum,0,0,2\n");
    auto r = Read(path);
    INFO(r.status().ToString());
    REQUIRE(r.ok());
    REQUIRE(r->size() == 1);
    const Pedigree& p = (*r)[0];
    REQUIRE(p.size() == 3);
    CheckParentsFirst(p);
    for (const Person& per : p.persons()) {
      CHECK(per.sample_id.empty());
      CHECK_FALSE(per.missing);
    }
    // Without a missing column no family has a missing person.
    CheckError(Read(path, true), absl::StatusCode::kFailedPrecondition,
               {path, "family F1", "no missing person"});
  }
  SECTION("missing column without sample_id, columns permuted, header in capitals") {
    const std::string path = dir.Write("p.csv",
                                       "Missing,SEX,Mother,Father,ID,Family\n"
                                       "1,1,mum,dad,kid,F1\n"
                                       "0,2,0,0,mum,F1\n"
                                       "0,1,0,0,dad,F1\n");
    auto r = Read(path, true);
    INFO(r.status().ToString());
    REQUIRE(r.ok());
    const Pedigree& p = (*r)[0];
    REQUIRE(p.size() == 3);
    CheckParentsFirst(p);
    CHECK(FatherOf(p, "kid") == "dad");
    CHECK(MotherOf(p, "kid") == "mum");
    CHECK(p.person(p.Find("mum")).sex == Sex::kFemale);
    REQUIRE(p.MissingPersons() == std::vector<int>{p.Find("kid")});
  }
  SECTION("three generations listed youngest first") {
    const std::string path = dir.Write("p.csv",
                                       "family,id,father,mother,sex,sample_id,missing\n"
                                       "F,g3,g2f,g2m,1,,1\n"
                                       "F,g2f,g1f,g1m,1,s1,0\n"
                                       "F,g2m,0,0,2,,0\n"
                                       "F,g1f,0,0,1,s2,0\n"
                                       "F,g1m,0,0,2,,0\n");
    auto r = Read(path, true);
    INFO(r.status().ToString());
    REQUIRE(r.ok());
    const Pedigree& p = (*r)[0];
    REQUIRE(p.size() == 5);
    CheckParentsFirst(p);
    CHECK(FatherOf(p, "g2f") == "g1f");
    CHECK(FatherOf(p, "g3") == "g2f");
  }
}

TEST_CASE("ReadPedigrees: unknown parent id", "[pedigree][io][pedigree_reader]") {
  PedTempDir dir;
  const std::string path = dir.Write("p.csv",
                                     "family,id,father,mother,sex,sample_id,missing\n"
                                     "F1,dad,0,0,1,,0\n"
                                     "F1,mum,0,0,2,,0\n"
                                     "F1,kid,dad,mom,1,,1\n");
  CheckError(Read(path), absl::StatusCode::kFailedPrecondition,
             {Line(path, 4), "family F1", "member kid", "'mom'"});
  // A parent from another family is not a member of this one.
  const std::string other = dir.Write("q.csv",
                                      "family,id,father,mother,sex\n"
                                      "F1,dad,0,0,1\n"
                                      "F1,mum,0,0,2\n"
                                      "F2,kid,dad,mum,1\n");
  CheckError(Read(other), absl::StatusCode::kFailedPrecondition,
             {Line(other, 4), "family F2", "member kid", "'dad'"});
}

TEST_CASE("ReadPedigrees: structural errors name file, family and member",
          "[pedigree][io][pedigree_reader]") {
  PedTempDir dir;
  SECTION("one parent only") {
    const std::string path = dir.Write("p.csv",
                                       "family,id,father,mother,sex\n"
                                       "F1,dad,0,0,1\n"
                                       "F1,kid,dad,0,1\n");
    CheckError(Read(path), absl::StatusCode::kFailedPrecondition,
               {path, "family F1", "member kid", "one parent"});
  }
  SECTION("father of sex 2") {
    const std::string path = dir.Write("p.csv",
                                       "family,id,father,mother,sex\n"
                                       "F1,dad,0,0,2\n"
                                       "F1,mum,0,0,2\n"
                                       "F1,kid,dad,mum,1\n");
    CheckError(Read(path), absl::StatusCode::kFailedPrecondition,
               {path, "family F1", "member kid", "father dad", "sex 2"});
  }
  SECTION("mother of sex 1") {
    const std::string path = dir.Write("p.csv",
                                       "family,id,father,mother,sex\n"
                                       "F1,dad,0,0,1\n"
                                       "F1,mum,0,0,1\n"
                                       "F1,kid,dad,mum,1\n");
    CheckError(Read(path), absl::StatusCode::kFailedPrecondition,
               {path, "family F1", "member kid", "mother mum", "sex 1"});
  }
  SECTION("unknown sexes of parents are accepted") {
    const std::string path = dir.Write("p.csv",
                                       "family,id,father,mother,sex\n"
                                       "F1,dad,0,0,0\n"
                                       "F1,mum,0,0,\n"
                                       "F1,kid,dad,mum,1\n");
    auto r = Read(path);
    INFO(r.status().ToString());
    REQUIRE(r.ok());
    CHECK((*r)[0].person((*r)[0].Find("mum")).sex == Sex::kUnknown);
  }
  SECTION("the same person as father and mother") {
    const std::string path = dir.Write("p.csv",
                                       "family,id,father,mother,sex\n"
                                       "F1,par,0,0,0\n"
                                       "F1,kid,par,par,1\n");
    CheckError(Read(path), absl::StatusCode::kFailedPrecondition, {path, "family F1", "member kid"});
  }
}

// Regression: these structure errors once came without the line of the member's row.
TEST_CASE("ReadPedigrees: structural errors name the line of the member's row",
          "[pedigree][io][pedigree_reader]") {
  PedTempDir dir;
  const std::string one_parent = dir.Write("a.csv",
                                           "family,id,father,mother,sex\n"
                                           "F1,dad,0,0,1\n"
                                           "F1,kid,dad,0,1\n");
  CheckError(Read(one_parent), absl::StatusCode::kFailedPrecondition,
             {Line(one_parent, 3), "family F1", "member kid"});
  const std::string female_father = dir.Write("b.csv",
                                              "family,id,father,mother,sex\n"
                                              "F1,dad,0,0,2\n"
                                              "F1,mum,0,0,2\n"
                                              "F1,kid,dad,mum,1\n");
  CheckError(Read(female_father), absl::StatusCode::kFailedPrecondition,
             {Line(female_father, 4), "family F1", "member kid"});
  const std::string male_mother = dir.Write("c.csv",
                                            "family,id,father,mother,sex\n"
                                            "F1,dad,0,0,1\n"
                                            "F1,mum,0,0,1\n"
                                            "F1,kid,dad,mum,1\n");
  CheckError(Read(male_mother), absl::StatusCode::kFailedPrecondition,
             {Line(male_mother, 4), "family F1", "member kid"});
}

TEST_CASE("ReadPedigrees: a person who is their own ancestor", "[pedigree][io][pedigree_reader]") {
  PedTempDir dir;
  SECTION("two members each other's father") {
    const std::string path = dir.Write("p.csv",
                                       "family,id,father,mother,sex\n"
                                       "F1,m1,0,0,2\n"
                                       "F1,m2,0,0,2\n"
                                       "F1,a,b,m1,1\n"
                                       "F1,b,a,m2,1\n");
    auto r = Read(path);
    CheckError(r, absl::StatusCode::kFailedPrecondition, {"family F1", "own ancestor"});
    const std::string msg(r.status().message());
    // The named member and its line are one of the two in the cycle.
    const bool names_a = msg.find(Line(path, 4) + ": family F1, member a ") != std::string::npos;
    const bool names_b = msg.find(Line(path, 5) + ": family F1, member b ") != std::string::npos;
    INFO(msg);
    CHECK((names_a || names_b));
  }
  SECTION("own father") {
    const std::string path = dir.Write("p.csv",
                                       "family,id,father,mother,sex\n"
                                       "F1,mum,0,0,2\n"
                                       "F1,self,self,mum,1\n");
    CheckError(Read(path), absl::StatusCode::kFailedPrecondition,
               {Line(path, 3), "family F1", "member self", "own ancestor"});
  }
}

// Regression: a descendant of a cycle (x, child of a in the cycle a <-> b) was once named
// as "their own ancestor".
TEST_CASE("ReadPedigrees: the member named for a cycle is in the cycle",
          "[pedigree][io][pedigree_reader]") {
  PedTempDir dir;
  const std::string path = dir.Write("p.csv",
                                     "family,id,father,mother,sex\n"
                                     "F1,x,a,m0,1\n"
                                     "F1,m0,0,0,2\n"
                                     "F1,m1,0,0,2\n"
                                     "F1,m2,0,0,2\n"
                                     "F1,a,b,m1,1\n"
                                     "F1,b,a,m2,1\n");
  auto r = Read(path);
  CheckError(r, absl::StatusCode::kFailedPrecondition, {"family F1", "own ancestor"});
  const std::string msg(r.status().message());
  INFO(msg);
  CHECK(msg.find("member x ") == std::string::npos);
  const bool names_a = msg.find(Line(path, 6) + ": family F1, member a ") != std::string::npos;
  const bool names_b = msg.find(Line(path, 7) + ": family F1, member b ") != std::string::npos;
  CHECK((names_a || names_b));
}

TEST_CASE("ReadPedigrees: duplicate members and samples", "[pedigree][io][pedigree_reader]") {
  PedTempDir dir;
  SECTION("a member listed twice in a family") {
    const std::string path = dir.Write("p.csv",
                                       "family,id,father,mother,sex\n"
                                       "F1,dad,0,0,1\n"
                                       "F1,mum,0,0,2\n"
                                       "F1,dad,0,0,1\n");
    CheckError(Read(path), absl::StatusCode::kInvalidArgument,
               {Line(path, 4), "family F1", "member dad", "twice"});
  }
  SECTION("the same id in two families is two people") {
    const std::string path = dir.Write("p.csv",
                                       "family,id,father,mother,sex\n"
                                       "F1,dad,0,0,1\n"
                                       "F2,dad,0,0,1\n");
    auto r = Read(path);
    INFO(r.status().ToString());
    REQUIRE(r.ok());
    REQUIRE(r->size() == 2);
  }
  SECTION("a sample linked twice within a family") {
    const std::string path = dir.Write("p.csv",
                                       "family,id,father,mother,sex,sample_id\n"
                                       "F1,dad,0,0,1,S1\n"
                                       "F1,mum,0,0,2,S1\n");
    CheckError(Read(path), absl::StatusCode::kInvalidArgument,
               {Line(path, 3), "family F1", "S1", "linked twice", Line(path, 2)});
  }
  SECTION("a donor in two families is allowed, with a note") {
    // A mother whose husband (family F1) and son (family F2) are both missing.
    const std::string across = dir.Write("q.csv",
                                         "family,id,father,mother,sex,sample_id,missing\n"
                                         "F1,husband,0,0,1,,1\n"
                                         "F1,wife,0,0,2,S1,0\n"
                                         "F2,mother,0,0,2,S1,0\n"
                                         "F2,father,0,0,1,,0\n"
                                         "F2,son,father,mother,1,,1\n");
    Diagnostics diag;
    auto r = ReadPedigrees(across, /*require_missing=*/true, &diag);
    INFO(r.status().ToString());
    REQUIRE(r.ok());
    REQUIRE(r->size() == 2);
    CHECK((*r)[0].person((*r)[0].Find("wife")).sample_id == "S1");
    CHECK((*r)[1].person((*r)[1].Find("mother")).sample_id == "S1");
    REQUIRE(diag.notes().size() == 1);
    CHECK_THAT(diag.notes()[0].message, Contains("sample S1 is a reference in 2 families (F1, F2)"));
  }
}

TEST_CASE("ReadPedigrees: bad field values", "[pedigree][io][pedigree_reader]") {
  PedTempDir dir;
  const std::string header = "family,id,father,mother,sex,sample_id,missing\n";
  SECTION("sex") {
    for (const std::string bad : {"3", "M", "male", "-1"}) {
      const std::string path = dir.Write("p.csv", header + "F1,dad,0,0,1,,0\nF1,mum,0,0," + bad + ",,0\n");
      CheckError(Read(path), absl::StatusCode::kInvalidArgument, {Line(path, 3), "sex '" + bad + "'"});
    }
  }
  SECTION("missing") {
    for (const std::string bad : {"2", "yes", "true", "-"}) {
      const std::string path = dir.Write("p.csv", header + "F1,dad,0,0,1,,0\nF1,mum,0,0,2,," + bad + "\n");
      CheckError(Read(path), absl::StatusCode::kInvalidArgument, {Line(path, 3), "missing '" + bad + "'"});
    }
  }
  SECTION("a missing person with a sample_id") {
    const std::string path = dir.Write("p.csv", header + "F1,dad,0,0,1,,0\nF1,mp,0,0,1,S9,1\n");
    CheckError(Read(path), absl::StatusCode::kInvalidArgument,
               {Line(path, 3), "family F1", "member mp", "sample_id"});
  }
  SECTION("wrong number of fields") {
    const std::string path = dir.Write("p.csv", header + "F1,dad,0,0,1,,0\nF1,mum,0,0,2\n");
    CheckError(Read(path), absl::StatusCode::kInvalidArgument, {Line(path, 3), "fields"});
  }
  SECTION("member id 0 and empty family") {
    std::string path = dir.Write("p.csv", header + "F1,0,0,0,1,,0\n");
    CheckError(Read(path), absl::StatusCode::kInvalidArgument, {Line(path, 2), "member id"});
    path = dir.Write("p.csv", header + ",dad,0,0,1,,0\n");
    CheckError(Read(path), absl::StatusCode::kInvalidArgument, {Line(path, 2), "family"});
  }
}

TEST_CASE("ReadPedigrees: require_missing", "[pedigree][io][pedigree_reader]") {
  PedTempDir dir;
  const std::string path = dir.Write("p.csv",
                                     "family,id,father,mother,sex,sample_id,missing\n"
                                     "F1,dad,0,0,1,S1,0\n"
                                     "F1,mp,dad,mum,1,,1\n"
                                     "F1,mum,0,0,2,,0\n"
                                     "F2,ref,0,0,1,S2,0\n");
  CheckError(Read(path, true), absl::StatusCode::kFailedPrecondition,
             {path, "family F2", "no missing person"});
  auto r = Read(path, false);
  INFO(r.status().ToString());
  REQUIRE(r.ok());
  REQUIRE(r->size() == 2);
  CHECK((*r)[1].MissingPersons().empty());
}

TEST_CASE("ReadPedigrees: empty files, wrong headers, unreadable files",
          "[pedigree][io][pedigree_reader]") {
  PedTempDir dir;
  SECTION("empty file") {
    const std::string path = dir.Write("empty.csv", "");
    CheckError(Read(path), absl::StatusCode::kInvalidArgument, {path, "empty"});
    const std::string only_comments = dir.Write("comments.csv", "# nothing here\n\n");
    CheckError(Read(only_comments), absl::StatusCode::kInvalidArgument, {only_comments, "empty"});
  }
  SECTION("header only") {
    const std::string path = dir.Write("h.csv", "family,id,father,mother,sex,sample_id,missing\n");
    CheckError(Read(path), absl::StatusCode::kInvalidArgument, {path, "no members"});
  }
  SECTION("wrong header") {
    for (const std::string header :
         {"family,id,father,mother\n", "fam,id,father,mother,sex\n", "F1,dad,0,0,1\n",
          "family;id;father;mother;sex\n"}) {
      const std::string path = dir.Write("h.csv", header + "F1,dad,0,0,1\n");
      CheckError(Read(path), absl::StatusCode::kInvalidArgument, {Line(path, 1), "header"});
    }
  }
  SECTION("a file that does not exist") {
    CheckError(Read(dir.Path("absent.csv")), absl::StatusCode::kNotFound, {dir.Path("absent.csv")});
  }
}
