#include <catch2/catch.hpp>
#include <algorithm>
#include <cstdint>
#include <vector>

// Issue 13 (items 4-7): what the readers promise about hostile or odd inputs. Each case failed
// on the code before the change, as its comment says.
//  * Every reader records the SHA-256 of the bytes it read, taken while reading (match used
//    to read each input a second time to hash it: a FIFO hung, `<(...)` hashed nothing).
//  * A wide table's `2N` row is checked after halving (2N = 4 gave N = 2 and 5/(2N) = 1.25).
//  * Ids with a tab, a NUL byte, another control character or invalid UTF-8, and locus names
//    with control characters, are refused with path:line (they broke the TSV and JSON reports).
//  * A directory given as an input is named as one (it read as "empty file").

#include <string>

#include "absl/status/status.h"
#include "internal/csv.h"
#include "internal/sha256.h"
#include "kinship/diagnostics.h"
#include "kinship/io.h"
#include "kinship/pedigree.h"
#include "test_util.h"

using namespace kinship;
using Catch::Matchers::Contains;
using testing::At;
using testing::CheckError;

namespace {

class TempDir : public testing::TempDir {
 public:
  TempDir() : testing::TempDir("kinship_reader_reliability_test") {}
};

const char kFreqs[] = "locus,allele,frequency\nTH01,6,0.5\nTH01,7,0.5\n";
const char kProfiles[] = "sample_id,locus,allele1,allele2\nS1,TH01,6,7\n";
const char kPedigrees[] = "family,id,father,mother,sex,sample_id,missing\nF1,FA,0,0,1,S1,0\nF1,MO,0,0,2,,0\nF1,MP,FA,MO,1,,1\n";

}  // namespace

TEST_CASE("Sha256: FIPS 180-4 test vectors, in one piece and in ragged pieces", "[reliability][sha256]") {
  REQUIRE(internal::Sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  REQUIRE(internal::Sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const std::string two_blocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  REQUIRE(internal::Sha256Hex(two_blocks) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  // A million 'a', given in pieces of 1 to 200 bytes (the block buffer's ragged ends).
  internal::Sha256 h;
  const std::string a(1000000, 'a');
  for (size_t i = 0, k = 1; i < a.size(); i += k, k = k % 200 + 1) h.Update(a.data() + i, std::min(k, a.size() - i));
  REQUIRE(h.HexDigest() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

// The SHA extensions' compression (used where the CPU has them) against the portable one, on
// pseudo-random blocks one at a time and in runs; the FIPS vectors above go through whichever
// the CPU uses, and through the portable one here, so both are checked against the standard.
TEST_CASE("Sha256: the SHA-extensions compression equals the portable one", "[reliability][sha256]") {
  std::uint64_t x = 0x9E3779B97F4A7C15ULL;
  std::vector<unsigned char> data(64 * 257);
  for (unsigned char& c : data) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    c = static_cast<unsigned char>(x >> 24);
  }
  const std::uint32_t init[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  // "abc", padded by hand to one block: the portable function alone gives FIPS 180-4's digest.
  unsigned char abc[64] = {'a', 'b', 'c', 0x80};
  abc[63] = 24;
  std::uint32_t s[8];
  std::copy(init, init + 8, s);
  internal::Sha256CompressPortable(s, abc, 1);
  CHECK(s[0] == 0xba7816bf);
  CHECK(s[7] == 0xf20015ad);
  std::uint32_t shani[8];
  std::copy(init, init + 8, shani);
  if (!internal::Sha256CompressShaNi(shani, abc, 1)) {
    WARN("this CPU has no SHA extensions: only the portable compression is tested");
    return;
  }
  CHECK(std::equal(s, s + 8, shani));
  for (size_t blocks : {size_t{1}, size_t{2}, size_t{3}, size_t{64}, size_t{257}}) {
    std::uint32_t a[8], b[8];
    std::copy(init, init + 8, a);
    std::copy(init, init + 8, b);
    for (size_t off = 0; off + 64 * blocks <= data.size(); off += 64 * blocks) {
      internal::Sha256CompressPortable(a, data.data() + off, blocks);
      REQUIRE(internal::Sha256CompressShaNi(b, data.data() + off, blocks));
      REQUIRE(std::equal(a, a + 8, b));
    }
  }
}

// Before: readers recorded nothing; match hashed each file by opening it again.
TEST_CASE("Readers record the SHA-256 of every byte they read", "[reliability][io][sha256]") {
  TempDir dir;
  // A BOM, CRLF, comments, blank lines and no final newline: the checksum is of the bytes in
  // the file, not of the lines the reader keeps.
  const std::string freqs = std::string(testing::kBom) + "# comment\r\nlocus,allele,frequency\r\n\r\nTH01,6,0.5\r\nTH01,7,0.5";
  const std::string path = dir.Write("freqs.csv", freqs);
  Diagnostics diag;
  REQUIRE(ReadAlleleFreqs(path, &diag).ok());
  const InputRecord* rec = diag.FindInput(path);
  REQUIRE(rec != nullptr);
  CHECK(rec->sha256 == internal::Sha256Hex(freqs));
  CHECK(rec->byte_ct == freqs.size());

  SECTION("profiles, pedigrees, rates and sample sizes too") {
    auto freq_table = ReadAlleleFreqs(path, &diag);
    REQUIRE(freq_table.ok());
    const std::string prof = dir.Write("p.csv", std::string(kProfiles) + "\n\n# trailing comment\n");
    const std::string peds = dir.Write("peds.csv", kPedigrees);
    const std::string rates = dir.Write("rates.csv", "locus,rate\nTH01,0.001\n");
    const std::string sizes = dir.Write("sizes.csv", "locus,n_individuals\nTH01,100\n");
    REQUIRE(ReadProfileRecords(prof, &diag).ok());
    REQUIRE(ReadPedigrees(peds, true, &diag).ok());
    REQUIRE(ReadMutationRates(rates, &diag).ok());
    REQUIRE(ReadSampleSizes(sizes, "freqs.csv", &*freq_table, &diag).ok());
    for (const auto& [p, content] : std::vector<std::pair<std::string, std::string>>{
             {prof, std::string(kProfiles) + "\n\n# trailing comment\n"},
             {peds, kPedigrees},
             {rates, "locus,rate\nTH01,0.001\n"},
             {sizes, "locus,n_individuals\nTH01,100\n"}}) {
      INFO(p);
      const InputRecord* r = diag.FindInput(p);
      REQUIRE(r != nullptr);
      CHECK(r->sha256 == internal::Sha256Hex(content));
    }
  }
}

// Before: "2N,4" passed the N >= 3 check before halving, so N = 2 and an unseen allele got
// 5/(2N) = 1.25.
TEST_CASE("Wide table: N >= 3 is checked after a 2N row is halved", "[reliability][io][freq]") {
  TempDir dir;
  for (const char* two_n : {"4", "2"}) {
    INFO("2N = " << two_n);
    const std::string path = dir.Write("w.csv", std::string("Allele,TPOX\n8,0.5\n9,0.5\n2N,") + two_n + "\n");
    Diagnostics diag;
    CheckError(ReadAlleleFreqs(path, &diag).status(), absl::StatusCode::kInvalidArgument, At(path, 4),
               std::string(two_n) == "4" ? "gives N = 2 individuals" : "expected an integer from 3");
  }
  // 2N = 6 is N = 3, the smallest allowed: 5/(2N) = 5/6 < 1.
  const std::string ok = dir.Write("ok.csv", "Allele,TPOX\n8,0.5\n9,0.5\n2N,6\n");
  Diagnostics diag;
  auto t = ReadAlleleFreqs(ok, &diag);
  REQUIRE(t.ok());
  REQUIRE(t->locus(0).sample_size() == std::optional<int>(3));
}

// Before: every one of these was accepted; the id went into the TSV (an extra field), was cut
// at the NUL, or made the JSON invalid UTF-8.
TEST_CASE("Ids with a tab, NUL, control character or invalid UTF-8 are refused with path:line",
          "[reliability][io][ids]") {
  TempDir dir;
  const std::vector<std::pair<std::string, std::string>> bad_ids = {
      {std::string("S\t1"), "contains a tab"},
      {std::string("S\0" "1", 3), "contains a NUL byte"},
      {std::string("S\x1b[31m"), "contains the control character 0x1B"},
      {std::string("S\xff"), "is not valid UTF-8"},
      {std::string("S\xc0\xaf"), "is not valid UTF-8"},     // overlong '/'
      {std::string("S\xed\xa0\x80"), "is not valid UTF-8"},  // a UTF-16 surrogate
  };
  for (const auto& [id, problem] : bad_ids) {
    INFO("id " << internal::Escaped(id));
    SECTION("long profile CSV " + internal::Escaped(id)) {
      // A tab inside a CSV field: quoted so that the field keeps it.
      const std::string path =
          dir.Write("p.csv", "sample_id,locus,allele1,allele2\nOK,TH01,6,7\n\"" + id + "\",TH01,6,7\n");
      Diagnostics diag;
      CheckError(ReadProfileRecords(path, &diag).status(), absl::StatusCode::kInvalidArgument, At(path, 3), problem);
    }
    SECTION("pedigree ids " + internal::Escaped(id)) {
      for (int col = 0; col < 3; ++col) {  // family, id, sample_id
        std::string row[3] = {"F1", "MP", ""};
        row[col] = id;
        const std::string path = dir.Write(
            "peds.csv", "family,id,father,mother,sex,sample_id,missing\n\"" + row[0] + "\",\"" + row[1] +
                            "\",0,0,1,\"" + row[2] + "\"," + (col == 2 ? "0" : "1") + "\n");
        Diagnostics diag;
        INFO("column " << col);
        CheckError(ReadPedigrees(path, false, &diag).status(), absl::StatusCode::kInvalidArgument, At(path, 2),
                   problem);
      }
    }
  }
  SECTION("GeneMapper Sample Name with a NUL or invalid UTF-8") {
    for (const std::string& id : {std::string("S\0" "1", 3), std::string("S\xfe")}) {
      const std::string path =
          dir.Write("gm.txt", "Sample Name\tMarker\tAllele 1\tAllele 2\n" + id + "\tTH01\t6\t7\n");
      Diagnostics diag;
      auto st = ReadProfileRecords(path, &diag).status();
      CheckError(st, absl::StatusCode::kInvalidArgument, At(path, 2), "Sample Name");
    }
  }
  SECTION("UTF-8 ids are fine") {
    const std::string path = dir.Write("p.csv", "sample_id,locus,allele1,allele2\nJos\xc3\xa9_\xe6\x9d\x8e,TH01,6,7\n");
    Diagnostics diag;
    auto recs = ReadProfileRecords(path, &diag);
    REQUIRE(recs.ok());
    REQUIRE((*recs)[0].sample_id == "Jos\xc3\xa9_\xe6\x9d\x8e");
  }
}

// Before: accepted; a locus name is printed in every report.
TEST_CASE("Locus names with control characters are refused in every reader", "[reliability][io][ids]") {
  TempDir dir;
  Diagnostics diag;
  std::string p = dir.Write("f.csv", "locus,allele,frequency\nTH\x01" "01,6,1\n");
  CheckError(ReadAlleleFreqs(p, &diag).status(), absl::StatusCode::kInvalidArgument, At(p, 2), "0x01");
  p = dir.Write("w.csv", "Allele,\"TH\t01\"\n6,1\n");
  CheckError(ReadAlleleFreqs(p, &diag).status(), absl::StatusCode::kInvalidArgument, At(p, 1), "contains a tab");
  p = dir.Write("p.csv", "sample_id,locus,allele1,allele2\nS1,TH\x7f" "01,6,7\n");
  CheckError(ReadProfileRecords(p, &diag).status(), absl::StatusCode::kInvalidArgument, At(p, 2), "0x7F");
  p = dir.Write("r.csv", "locus,rate\nTH\x02" "01,0.001\n");
  CheckError(ReadMutationRates(p, &diag).status(), absl::StatusCode::kInvalidArgument, At(p, 2), "0x02");
  auto table = ReadAlleleFreqs(dir.Write("ok.csv", kFreqs), &diag);
  REQUIRE(table.ok());
  p = dir.Write("n.csv", "locus,n_individuals\nTH\x03" "01,100\n");
  CheckError(ReadSampleSizes(p, "ok.csv", &*table, &diag), absl::StatusCode::kInvalidArgument, At(p, 2), "0x03");
}

// Before: "path: empty file; expected a header ...".
TEST_CASE("A directory given as an input is named as one", "[reliability][io]") {
  TempDir dir;
  const std::string d = dir.Path("");
  Diagnostics diag;
  for (const absl::Status& st :
       {ReadAlleleFreqs(d, &diag).status(), ReadProfileRecords(d, &diag).status(), ReadPedigrees(d, true, &diag).status(),
        ReadMutationRates(d, &diag).status()}) {
    INFO(st.ToString());
    CHECK(st.code() == absl::StatusCode::kInvalidArgument);
    CHECK_THAT(std::string(st.message()), Contains("is a directory; expected a file"));
  }
}
