// Joint DVI against dvir: every problem of tests/data/validation-dvi (dvir's bundled examples
// with dvir's results; README there) through RunDvi, the library call of `kinship dvi`. Every
// pairwise log10 LR to 1e-9 (an exclusion exactly), every listed assignment's log10 LR to 1e-9
// and posterior to 1e-9 absolute, every marginal to 1e-9 absolute.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "kinship/dvi.h"
#include "kinship/exchange.h"
#include "kinship/lr.h"
#include "local_exchange.h"
#include "stats/validation_util.h"

using namespace kinship;

namespace {

using testing::CheckLog10;
using testing::ParseLog10;
using testing::ReadCsv;
const std::string kDir = std::string(KINSHIP_TEST_DATA_DIR) + "/validation-dvi/";

DviRequest Request(const std::string& name) {
  const std::string d = kDir + name + "/";
  DviRequest req;
  req.model.freqs_path = d + "freqs.csv";
  req.model.normalize_freqs = false;  // dvir uses the frequencies as stored
  std::ifstream has_mutation(d + "mutation.csv");
  if (has_mutation) {
    auto rows = ReadCsv(d + "mutation.csv");
    REQUIRE(!rows.empty());
    auto model = ParseMutationModel(rows[0]["model"]);
    REQUIRE(model.ok());
    req.model.mutation_model = *model;
    req.model.mutation_rate = std::stod(rows[0]["rate"]);
    for (auto& r : rows) {  // one model for every locus and both sexes
      REQUIRE(r["model"] == rows[0]["model"]);
      REQUIRE(r["rate"] == rows[0]["rate"]);
      REQUIRE(r["sexes"] == "both");
    }
  }
  req.victims = {ProfileSource::File(d + "victims.csv")};
  req.pedigrees_path = d + "pedigrees.csv";
  req.profiles = {ProfileSource::File(d + "references.csv")};
  req.victim_sex_path = d + "victim_sex.csv";
  req.top_k = 20;
  return req;
}

void CheckPairwise(const std::string& name, const DviResult& r) {
  std::map<std::pair<std::string, std::string>, double> got;
  for (const DviPairwiseRow& x : r.pairwise) got[{x.victim, x.missing_id}] = x.log10_lr;
  auto want = ReadCsv(kDir + name + "/pairwise_lr.csv");
  REQUIRE(!want.empty());
  REQUIRE(got.size() == want.size());  // dvir lists every sex-consistent pair, as kinship does
  for (auto& w : want) {
    INFO(name << " pairwise " << w["victim"] << " " << w["missing_id"]);
    auto it = got.find({w["victim"], w["missing_id"]});
    REQUIRE(it != got.end());
    CheckLog10(it->second, ParseLog10(w["log10_lr"]));
  }
}

void CheckJoint(const std::string& name, const DviResult& r) {
  std::map<std::string, const DviAssignmentRow*> got;
  for (const DviAssignmentRow& a : r.assignments) got[a.assignment] = &a;
  auto want = ReadCsv(kDir + name + "/assignments.csv");
  REQUIRE(!want.empty());
  // dvir's order within a tie group is rounding noise, and a group may be cut by its top 20:
  // rows of the last group need not be the same ones.
  const std::string last_group = want.back()["tie_rank"];
  int positive = 0;
  for (auto& w : want) {
    INFO(name << " assignment " << w["assignment"]);
    const double lr = ParseLog10(w["log10_lr"]);
    if (lr == -INFINITY) {
      // kinship lists only assignments with LR > 0; dvir fills its 20 with impossible ones.
      REQUIRE(got.count(w["assignment"]) == 0);
      REQUIRE(std::stod(w["posterior"]) == 0);
      continue;
    }
    ++positive;
    auto it = got.find(w["assignment"]);
    if (it == got.end()) {
      REQUIRE(w["tie_rank"] == last_group);
      REQUIRE(static_cast<int>(want.size()) == 20);
      continue;
    }
    CheckLog10(it->second->log10_lr, lr);
    REQUIRE(it->second->posterior == Approx(std::stod(w["posterior"])).margin(1e-9).epsilon(0));
  }
  // As many rows as dvir's positive ones (all of them, or 20).
  REQUIRE(static_cast<int>(r.assignments.size()) == positive);
  // Ranks: by decreasing LR.
  for (size_t i = 1; i < r.assignments.size(); ++i)
    REQUIRE(r.assignments[i].log10_lr <= r.assignments[i - 1].log10_lr + 1e-9);

  std::map<std::pair<std::string, std::string>, double> marg;
  for (const DviMarginalRow& m : r.marginals) marg[{m.victim, m.missing_id}] = m.posterior;
  auto want_m = ReadCsv(kDir + name + "/marginals.csv");
  REQUIRE(!want_m.empty());
  for (auto& w : want_m) {
    INFO(name << " marginal " << w["victim"] << " " << w["missing_id"]);
    const double x = std::stod(w["posterior"]);
    auto it = marg.find({w["victim"], w["missing_id"]});
    if (it == marg.end()) {  // sex-inconsistent: kinship has no row, dvir a 0
      REQUIRE(x == 0);
      continue;
    }
    REQUIRE(it->second == Approx(x).margin(1e-9).epsilon(0));
  }
  // Each victim's marginals sum to 1.
  std::map<std::string, double> sums;
  for (const DviMarginalRow& m : r.marginals) sums[m.victim] += m.posterior;
  for (const auto& [v, s] : sums) REQUIRE(s == Approx(1).margin(1e-12));
}

}  // namespace

TEST_CASE("DVI: dvir's examples, pairwise LRs, top assignments and marginals to 1e-9", "[dvi][validation]") {
  for (const char* name : {"example1", "example2", "fire", "symmetricSibs", "KETPchap481", "KETPchap484",
                           "KETPexer497", "KETPexer498", "planecrash", "grave", "icmp"}) {
    SECTION(name) {
      Diagnostics diag;
      auto r = RunDvi(Request(name), &diag);
      INFO(name << ": " << r.status());
      REQUIRE(r.ok());
      CheckPairwise(name, *r);
      CheckJoint(name, *r);
      REQUIRE(r->error_bound < 1e-12);
    }
  }
}

TEST_CASE("DVI: exclusionExample, 4e13 valid assignments, dvir's pairwise LRs; pruned equals exact", "[dvi][validation]") {
  Diagnostics diag;
  DviRequest req = Request("exclusionExample");
  auto r = RunDvi(req, &diag);
  INFO(r.status());
  REQUIRE(r.ok());
  CheckPairwise("exclusionExample", *r);
  // dvir counts 40,476,722,545,169 valid assignments (its README).
  REQUIRE(r->log10_valid_assignments == Approx(std::log10(40476722545169.0)).margin(1e-12));
  REQUIRE(r->error_bound > 0);
  REQUIRE(r->error_bound < 1e-13);
  // Without pruning: the same assignments' LRs and posteriors, marginals within the bound.
  req.exact = true;
  Diagnostics diag2;
  auto e = RunDvi(req, &diag2);
  REQUIRE(e.ok());
  REQUIRE(e->error_bound == 0);
  REQUIRE(e->assignments.size() == r->assignments.size());
  for (size_t i = 0; i < r->assignments.size(); ++i) {
    REQUIRE(e->assignments[i].assignment == r->assignments[i].assignment);
    REQUIRE(e->assignments[i].log10_lr == r->assignments[i].log10_lr);
    REQUIRE(std::abs(e->assignments[i].posterior - r->assignments[i].posterior) <= r->error_bound + 1e-15);
  }
  REQUIRE(e->marginals.size() == r->marginals.size());
  for (size_t i = 0; i < r->marginals.size(); ++i)
    REQUIRE(std::abs(e->marginals[i].posterior - r->marginals[i].posterior) <= r->error_bound + 1e-15);
  // The two identifications dvir's dviSolve makes (V5 = M13, V15 = M6) are the summary's.
  std::map<std::string, std::string> best;
  for (const DviSummaryRow& s : r->summary)
    if (s.conclusion == "identified") best[s.victim] = s.missing_id;
  REQUIRE(best == std::map<std::string, std::string>{{"V15", "M6"}, {"V5", "M13"}});
}

TEST_CASE("DVI: each pairwise LR equals kinship lr's missing-person LR for that case", "[dvi][validation]") {
  // At theta = 0 a victim alone at an MP is kinship lr's case (family, MP, victim): the same
  // number from the same engine, through the family table or the direct path.
  for (const char* name : {"planecrash", "fire", "KETPchap484"}) {
    INFO(name);
    Diagnostics diag;
    DviRequest req = Request(name);
    auto r = RunDvi(req, &diag);
    REQUIRE(r.ok());
    LrRequest lr;
    lr.model = req.model;
    lr.profiles = {req.profiles[0], req.victims[0]};
    lr.pedigrees_path = req.pedigrees_path;
    for (const DviPairwiseRow& p : r->pairwise) lr.cases.push_back({p.family, p.missing_id, p.victim, "test"});
    Diagnostics diag2;
    auto got = ComputeLrs(lr, &diag2);
    INFO(got.status());
    REQUIRE(got.ok());
    REQUIRE(got->rows.size() == r->pairwise.size());
    for (size_t i = 0; i < r->pairwise.size(); ++i) {
      if (std::isinf(r->pairwise[i].log10_lr)) {
        REQUIRE(got->rows[i].log10_lr == r->pairwise[i].log10_lr);
        continue;
      }
      REQUIRE(got->rows[i].log10_lr == Approx(r->pairwise[i].log10_lr).margin(1e-12));
    }
  }
}

namespace {
std::string AllReports(DviResult r) {
  r.seconds = 0;
  std::string out;
  for (auto write : {WriteDviPairwise, WriteDviAssignments, WriteDviMarginals, WriteDviSummary}) {
    char* buf = nullptr;
    size_t len = 0;
    std::FILE* f = open_memstream(&buf, &len);
    write(r, f);
    std::fclose(f);
    out.append(buf, len);
    std::free(buf);
  }
  return out;
}
}  // namespace

TEST_CASE("DVI over ranks: the one process's reports, byte for byte; a rank's failure stops all", "[dvi][ranks]") {
  // Families on rank f mod ranks, exchanged (kinship/exchange.h); ranks as threads.
  for (const char* name : {"planecrash", "fire", "icmp", "KETPchap484"}) {
    INFO(name);
    Diagnostics diag;
    auto one = RunDvi(Request(name), &diag);
    REQUIRE(one.ok());
    for (int n : {2, 3}) {
      INFO(n << " ranks");
      std::vector<absl::StatusOr<DviResult>> got(n, absl::UnknownError("not run"));
      std::vector<std::vector<Note>> notes(n);
      kinship::testing::RunRanks(n, [&](int rank, kinship::testing::LocalExchange* ex) {
        DviRequest req = Request(name);
        req.exchange = ex;
        Diagnostics d;
        got[rank] = RunDvi(req, &d);
        notes[rank] = d.notes();
      });
      for (int r = 0; r < n; ++r) REQUIRE(got[r].ok());
      CHECK(AllReports(*got[0]) == AllReports(*one));
      REQUIRE(notes[0].size() == diag.notes().size());
      for (size_t i = 0; i < notes[0].size(); ++i) CHECK(notes[0][i].message == diag.notes()[i].message);
      for (int r = 1; r < n; ++r) CHECK(got[r]->summary.empty());
    }
  }
  // Rank 2 of 3 cannot read the pedigrees: every rank stops with its message.
  std::vector<absl::Status> st(3);
  kinship::testing::RunRanks(3, [&](int rank, kinship::testing::LocalExchange* ex) {
    DviRequest req = Request("planecrash");
    if (rank == 2) req.pedigrees_path = kDir + "planecrash/absent.csv";
    req.exchange = ex;
    Diagnostics d;
    st[rank] = RunDvi(req, &d).status();
  });
  for (int r = 0; r < 3; ++r) {
    CHECK(st[r].code() == absl::StatusCode::kNotFound);
    CHECK_THAT(std::string(st[r].message()), Catch::StartsWith("rank 2: ") && Catch::Contains("absent.csv"));
  }
}
