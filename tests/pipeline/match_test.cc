// The pipeline API (kinship/match.h, kinship/lr.h, kinship/report.h): what a program gets
// when it runs a screen or LRs in one call. The CLI tests check the same pipelines through
// `kinship match` and `kinship lr`; these check what only a library caller can see: profiles
// in memory, the progress callback, the cancel flag, the screen against ComputeLrs bit for
// bit, and the report writers.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <tbb/global_control.h>

#include "kinship/exchange.h"
#include "kinship/io.h"
#include "kinship/lr.h"
#include "kinship/match.h"
#include "kinship/report.h"
#include "kinship/simulate.h"
#include "local_exchange.h"
#include "test_util.h"

namespace kinship {
namespace {

const std::string kData = KINSHIP_TEST_DATA_DIR "/validation";

// The validation profiles split into victims (P... samples, candidates of the cases) and
// references (F... samples, family members), 40 of each.
struct Split {
  std::vector<GenotypeRecord> victims, references;
};
Split SplitProfiles() {
  Diagnostics diag;
  auto records = ReadProfileRecords(kData + "/profiles.csv", &diag);
  REQUIRE(records.ok());
  Split s;
  std::map<std::string, int> seen;
  int counts[2] = {0, 0};
  for (const GenotypeRecord& r : *records) {
    const int k = r.sample_id[0] == 'P' ? 0 : 1;
    if (!seen.count(r.sample_id)) {
      if (counts[k] == 40) continue;
      seen.emplace(r.sample_id, counts[k]++);
    }
    (k == 0 ? s.victims : s.references).push_back(r);
  }
  return s;
}

MatchRequest PairwiseRequest(const Split& s) {
  MatchRequest req;
  req.model.freqs_path = kData + "/freqs.csv";
  req.victims = {ProfileSource::Records(s.victims)};
  req.references = {ProfileSource::Records(s.references)};
  req.relationships = {"parent-child", "full-siblings"};
  req.min_log10_lr = -INFINITY;
  req.top_k = 1000;  // every pair
  return req;
}

std::string Written(void (*write)(const MatchResult&, std::FILE*), const MatchResult& r) {
  char* buf = nullptr;
  size_t len = 0;
  std::FILE* f = open_memstream(&buf, &len);
  write(r, f);
  std::fclose(f);
  std::string s(buf, len);
  std::free(buf);
  return s;
}

TEST_CASE("Match: profiles from files and in memory give the same report", "[pipeline]") {
  const Split s = SplitProfiles();
  testing::TempDir dir;
  auto write = [&](const std::string& name, const std::vector<GenotypeRecord>& recs) {
    std::string text = "sample_id,locus,allele1,allele2\n";
    for (const GenotypeRecord& r : recs) text += r.sample_id + "," + r.locus + "," + r.allele1 + "," + r.allele2 + "\n";
    return dir.Write(name, text);
  };
  MatchRequest from_memory = PairwiseRequest(s);
  MatchRequest from_files = from_memory;
  from_files.victims = {ProfileSource::File(write("victims.csv", s.victims))};
  from_files.references = {ProfileSource::File(write("references.csv", s.references))};
  Diagnostics d1, d2;
  auto a = Match(from_memory, &d1);
  auto b = Match(from_files, &d2);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  REQUIRE(a->rows.size() == b->rows.size());
  REQUIRE(!a->rows.empty());
  for (size_t i = 0; i < a->rows.size(); ++i) {
    CHECK(a->rows[i].victim == b->rows[i].victim);
    CHECK(a->rows[i].candidate == b->rows[i].candidate);
    CHECK(a->rows[i].log10_lr == b->rows[i].log10_lr);  // bit for bit
  }
  // Only files have checksums in the provenance.
  CHECK(a->provenance.inputs.size() == 1);  // the frequency table
  CHECK(b->provenance.inputs.size() == 3);
}

TEST_CASE("Match: one thread and two give the same bytes", "[pipeline]") {
  const Split s = SplitProfiles();
  std::string reports[2];
  for (int threads : {1, 2}) {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
    Diagnostics diag;
    MatchRequest req = PairwiseRequest(s);
    req.top_k = 3;
    auto r = Match(req, &diag);
    REQUIRE(r.ok());
    r->seconds = 0;  // the one line that may differ
    reports[threads - 1] = Written(WriteMatchTsv, *r) + Written(WriteMatchJson, *r);
  }
  CHECK(reports[0] == reports[1]);
}

TEST_CASE("Match: every screened pair equals ComputeLrs for that pair, bit for bit", "[pipeline]") {
  const Split s = SplitProfiles();
  // Without mutation, and with a stepwise model (one-sided loci enter the total).
  const bool stepwise = GENERATE(false, true);
  MatchRequest req = PairwiseRequest(s);
  if (stepwise) {
    req.model.mutation_model = MutationModel::kStepwise;
    req.model.mutation_rate = 0.002;
    req.model.mutation_range = 0.1;
  }
  Diagnostics diag;
  auto screened = Match(req, &diag);
  REQUIRE(screened.ok());
  // The same profiles bound in the same order (victims, then references): the same table.
  LrRequest lr;
  lr.model = req.model;
  lr.profiles = {ProfileSource::Records(s.victims), ProfileSource::Records(s.references)};
  for (const MatchRow& row : screened->rows) lr.pairs.push_back(PairQuery::Of(row.candidate, row.victim, row.hypothesis));
  Diagnostics diag2;
  auto computed = ComputeLrs(lr, &diag2);
  REQUIRE(computed.ok());
  REQUIRE(computed->rows.size() == screened->rows.size());
  // Pairs with no locus typed in both are not reported by the screen; all of these are.
  for (size_t i = 0; i < screened->rows.size(); ++i) {
    INFO(screened->rows[i].candidate << " " << screened->rows[i].victim << " " << screened->rows[i].hypothesis);
    CHECK(computed->rows[i].log10_lr == screened->rows[i].log10_lr);
    CHECK(computed->rows[i].loci_compared == screened->rows[i].loci_compared);
    CHECK(computed->rows[i].loci_inconsistent == screened->rows[i].loci_inconsistent);
    // The per-locus values sum (in locus order) to the total.
    double sum = 0;
    for (const LocusValue& v : screened->rows[i].per_locus) sum += v.log10_lr;
    CHECK(sum == screened->rows[i].log10_lr);
  }
}

TEST_CASE("Match: the progress callback counts every victim once; cancel stops the screen", "[pipeline]") {
  const Split s = SplitProfiles();
  MatchRequest req = PairwiseRequest(s);
  std::int64_t last = 0, calls = 0, victim_total = 0;
  req.progress = [&](std::int64_t done, std::int64_t victim_ct, std::int64_t candidate_ct) {
    CHECK(done > last);
    CHECK(candidate_ct > 0);
    last = done;
    victim_total = victim_ct;
    ++calls;
  };
  Diagnostics diag;
  auto r = Match(req, &diag);
  REQUIRE(r.ok());
  CHECK(calls >= 1);
  CHECK(last == r->victim_ct);
  CHECK(victim_total == r->victim_ct);

  std::atomic<bool> cancel{true};
  req.cancel = &cancel;
  req.progress = nullptr;
  Diagnostics diag2;
  auto cancelled = Match(req, &diag2);
  CHECK(cancelled.status().code() == absl::StatusCode::kCancelled);
}

TEST_CASE("Match: bad requests are errors, not reports", "[pipeline]") {
  const Split s = SplitProfiles();
  Diagnostics diag;
  MatchRequest req = PairwiseRequest(s);
  req.relationships.clear();  // references without a relationship
  CHECK(Match(req, &diag).status().code() == absl::StatusCode::kInvalidArgument);
  req = PairwiseRequest(s);
  req.top_k = 0;
  CHECK(Match(req, &diag).status().code() == absl::StatusCode::kInvalidArgument);
  req = PairwiseRequest(s);
  req.references.push_back(ProfileSource::Records({s.victims.front()}));  // a victim as a reference
  CHECK(Match(req, &diag).status().code() == absl::StatusCode::kFailedPrecondition);
  req = PairwiseRequest(s);
  req.relationships = {"cousin-ish"};
  CHECK(Match(req, &diag).status().code() == absl::StatusCode::kInvalidArgument);
}

TEST_CASE("Report: posterior, number format and JSON", "[pipeline]") {
  // Posterior = LR P / (LR P + 1 - P): LR 100, P 0.01 -> 1 / 1.99.
  CHECK(std::fabs(Posterior(2, 0.01) - 1 / 1.99) < 1e-15);
  CHECK(Posterior(-INFINITY, 0.5) == 0);
  // LR 10^400 (beyond a double) with P 0.5: 1 - 10^-400, i.e. 1.
  CHECK(Posterior(400, 0.5) == 1);
  CHECK(FormatDouble(0.1) == "0.10000000000000001");
  CHECK(FormatDouble(-INFINITY) == "-inf");
  CHECK(CheckFinishedNumber(NAN, "x").code() == absl::StatusCode::kInternal);

  // JSON: valid, the same numbers as the TSV, and still valid with an id that is not UTF-8.
  const Split s = SplitProfiles();
  Split odd = s;
  for (GenotypeRecord& r : odd.victims)
    if (r.sample_id == s.victims.front().sample_id) r.sample_id = "caf\xE9";  // Latin-1 e-acute
  Diagnostics diag;
  MatchRequest req = PairwiseRequest(odd);
  req.top_k = 2;
  auto r = Match(req, &diag);
  REQUIRE(r.ok());
  const nlohmann::json j = nlohmann::json::parse(Written(WriteMatchJson, *r));
  REQUIRE(j["results"].size() == r->rows.size());
  bool found = false;
  for (size_t i = 0; i < r->rows.size(); ++i) {
    CHECK(j["results"][i]["log10_lr"].get<double>() == r->rows[i].log10_lr);
    CHECK(j["results"][i]["per_locus_log10_lr"].size() == r->rows[i].per_locus.size());
    found |= j["results"][i]["victim"].get<std::string>() == "caf\xEF\xBF\xBD";  // U+FFFD
  }
  CHECK(found);
  CHECK(j["counts"]["rows"].get<std::int64_t>() == static_cast<std::int64_t>(r->rows.size()));
}

TEST_CASE("ComputeLrs: pairs in memory, unknown samples named", "[pipeline]") {
  LrRequest req;
  req.model.freqs_path = kData + "/freqs.csv";
  const Split s = SplitProfiles();
  req.profiles = {ProfileSource::Records(s.references)};
  req.pairs = {{s.references.front().sample_id, "nobody", "parent-child", "", "", "", "pairs:2"}};
  Diagnostics diag;
  auto r = ComputeLrs(req, &diag);
  testing::CheckError(r.status(), absl::StatusCode::kFailedPrecondition, "pairs:2", "'nobody' is in no profile file");
}

}  // namespace
}  // namespace kinship

namespace kinship {
namespace {

// Simulated families (kinship/simulate.h) written as the files kinship match reads.
struct SimFiles {
  testing::TempDir dir;
  std::string pedigrees, references, victims;
};
std::unique_ptr<SimFiles> SimulatedFiles(int family_ct) {
  Diagnostics diag;
  auto table = ReadAlleleFreqs(kData + "/freqs.csv", &diag);
  REQUIRE(table.ok());
  SimulateOptions opts;
  opts.family_ct = family_ct;
  opts.unrelated_ct = 40;
  opts.seed = 11;
  opts.dropout = 0.2;
  auto sim = Simulate(*table, opts);
  REQUIRE(sim.ok());
  auto files = std::make_unique<SimFiles>();
  auto write = [&](const std::string& name, auto writer) {
    const std::string path = files->dir.Path(name);
    std::FILE* f = std::fopen(path.c_str(), "w");
    writer(f);
    std::fclose(f);
    return path;
  };
  files->pedigrees = write("pedigrees.csv", [&](std::FILE* f) { WriteSimulatedPedigreesCsv(*sim, f); });
  files->references = write("references.csv", [&](std::FILE* f) { WriteSimulatedProfilesCsv(sim->references, *table, f); });
  files->victims = write("victims.csv", [&](std::FILE* f) { WriteSimulatedProfilesCsv(sim->victims, *table, f); });
  return files;
}

TEST_CASE("Match: families' tables built in parallel give the same report for 1 and 2 threads", "[pipeline]") {
  // 300 families: two chunks of the parallel table building (256 + 44).
  const auto files = SimulatedFiles(300);
  std::string reports[2];
  for (int threads : {1, 2}) {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
    MatchRequest req;
    req.model.freqs_path = kData + "/freqs.csv";
    req.model.mutation_model = MutationModel::kStepwise;
    req.model.mutation_rate = 0.002;
    req.model.mutation_range = 0.1;
    req.victims = {ProfileSource::File(files->victims)};
    req.pedigrees_path = files->pedigrees;
    req.family_profiles = {ProfileSource::File(files->references)};
    req.top_k = 3;
    std::vector<std::int64_t> done;
    req.family_progress = [&](std::int64_t families_done, std::int64_t family_ct) {
      CHECK(family_ct == 300);
      done.push_back(families_done);
    };
    Diagnostics diag;
    auto r = Match(req, &diag);
    REQUIRE(r.ok());
    CHECK(done == std::vector<std::int64_t>{256, 300});
    CHECK(r->candidate_ct == 300);
    r->seconds = 0;
    reports[threads - 1] = Written(WriteMatchTsv, *r) + Written(WriteMatchJson, *r);
  }
  CHECK(reports[0] == reports[1]);
}

// Ranks (kinship/exchange.h), as threads with LocalExchange: rank 0's report is the one
// process's, byte for byte (time aside), and so are the notes; the other ranks return no rows.
struct RankRun {
  std::vector<absl::StatusOr<MatchResult>> results;
  std::vector<std::vector<Note>> notes;
  std::vector<int> transfers;
};
RankRun RunAsRanks(int n, const std::function<MatchRequest(int rank)>& request) {
  RankRun run;
  run.results.assign(n, absl::UnknownError("not run"));
  run.notes.resize(n);
  run.transfers.resize(n);
  testing::RunRanks(n, [&](int rank, testing::LocalExchange* ex) {
    MatchRequest req = request(rank);
    req.exchange = ex;
    Diagnostics diag;
    run.results[rank] = Match(req, &diag);
    run.notes[rank] = diag.notes();
    run.transfers[rank] = ex->transfers();
  });
  return run;
}

std::string Report(MatchResult r) {
  r.seconds = 0;
  return Written(WriteMatchTsv, r) + Written(WriteMatchJson, r);
}

bool SameNotes(const std::vector<Note>& a, const std::vector<Note>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i].level != b[i].level || a[i].message != b[i].message) return false;
  return true;
}

TEST_CASE("Match over ranks: pedigree screen with theta and mutation, the one process's bytes", "[pipeline][ranks]") {
  // 600 families: with 2 ranks two exchanges of family tables (512 + 88), with 3 one (768).
  // Without and with the victims' drop-out (observation columns: the rows' linear LRs and
  // victim weights are exchanged for those loci only).
  const auto files = SimulatedFiles(600);
  for (double dropout : {0.0, 0.05}) {
  INFO("victim drop-out " << dropout);
  auto request = [&](int) {
    MatchRequest req;
    req.model.freqs_path = kData + "/freqs.csv";
    req.model.mutation_model = MutationModel::kStepwise;
    req.model.mutation_rate = 0.002;
    req.model.mutation_range = 0.1;
    req.model.theta = 0.01;
    req.victims = {ProfileSource::File(files->victims)};
    req.pedigrees_path = files->pedigrees;
    req.family_profiles = {ProfileSource::File(files->references)};
    req.victim_observation.dropout = dropout;
    req.top_k = 3;
    req.min_log10_lr = -INFINITY;
    return req;
  };
  Diagnostics diag;
  auto one = Match(request(0), &diag);
  REQUIRE(one.ok());
  REQUIRE(one->candidate_ct == 600);
  REQUIRE(one->pairs_rescored > 0);
  const std::string expected = Report(*one);
  for (int n : {2, 3}) {
    INFO(n << " ranks");
    const RankRun run = RunAsRanks(n, request);
    for (int r = 0; r < n; ++r) {
      INFO(run.results[r].status().ToString());
      REQUIRE(run.results[r].ok());
    }
    CHECK(Report(*run.results[0]) == expected);
    CHECK(SameNotes(run.notes[0], diag.notes()));
    for (int r = 1; r < n; ++r) CHECK(run.results[r]->rows.empty());
    // Family chunks of 256 per rank, then the hits: every rank the same number of exchanges.
    const int chunks = (600 + 256 * n - 1) / (256 * n);
    for (int r = 0; r < n; ++r) CHECK(run.transfers[r] == chunks + 1);
  }
  }
}

TEST_CASE("Match over ranks: pairwise screens, by victim and by candidate, more ranks than victims", "[pipeline][ranks]") {
  const Split s = SplitProfiles();
  for (RankBy by : {RankBy::kVictim, RankBy::kCandidate}) {
    auto request = [&](int) {
      MatchRequest req = PairwiseRequest(s);
      req.top_k = 3;
      req.by = by;
      return req;
    };
    Diagnostics diag;
    auto one = Match(request(0), &diag);
    REQUIRE(one.ok());
    REQUIRE(!one->rows.empty());
    for (int n : {2, 4}) {
      const RankRun run = RunAsRanks(n, request);
      REQUIRE(run.results[0].ok());
      CHECK(Report(*run.results[0]) == Report(*one));
      for (int r = 0; r < n; ++r) CHECK(run.transfers[r] == 1);  // no families: the hits only
    }
  }
  // 3 victims over 5 ranks: two ranks screen no victim.
  Split few = s;
  few.victims.clear();
  std::map<std::string, int> kept;
  for (const GenotypeRecord& r : s.victims)
    if (kept.size() < 3 || kept.count(r.sample_id)) {
      kept[r.sample_id] = 1;
      few.victims.push_back(r);
    }
  auto request = [&](int) {
    MatchRequest req = PairwiseRequest(few);
    req.top_k = 2;
    return req;
  };
  Diagnostics diag;
  auto one = Match(request(0), &diag);
  REQUIRE(one.ok());
  CHECK(one->victim_ct == 3);
  const RankRun run = RunAsRanks(5, request);
  REQUIRE(run.results[0].ok());
  CHECK(Report(*run.results[0]) == Report(*one));
}

TEST_CASE("Match over ranks: a failure on one rank stops every rank with its message", "[pipeline][ranks]") {
  const auto files = SimulatedFiles(20);
  auto good = [&](int) {
    MatchRequest req;
    req.model.freqs_path = kData + "/freqs.csv";
    req.victims = {ProfileSource::File(files->victims)};
    req.pedigrees_path = files->pedigrees;
    req.family_profiles = {ProfileSource::File(files->references)};
    return req;
  };
  // Rank 1 cannot read its victims (as a node without the shared file system would): it
  // fails before the first exchange, the others at it, all with rank 1's message.
  const RankRun run = RunAsRanks(3, [&](int rank) {
    MatchRequest req = good(rank);
    if (rank == 1) req.victims = {ProfileSource::File(files->dir.Path("absent.csv"))};
    return req;
  });
  for (int r = 0; r < 3; ++r) {
    REQUIRE(!run.results[r].ok());
    CHECK(run.results[r].status().code() == absl::StatusCode::kNotFound);
    CHECK_THAT(std::string(run.results[r].status().message()), Catch::StartsWith("rank 1: "));
    CHECK_THAT(std::string(run.results[r].status().message()), Catch::Contains("absent.csv"));
    CHECK(run.transfers[r] == 1);
  }
  // The same bad input on every rank: rank 0's error, worded as one process words it.
  auto bad = [&](int rank) {
    MatchRequest req = good(rank);
    req.victims = {ProfileSource::File(files->dir.Path("absent.csv"))};
    return req;
  };
  Diagnostics diag;
  auto one = Match(bad(0), &diag);
  REQUIRE(!one.ok());
  const RankRun all = RunAsRanks(2, bad);
  for (int r = 0; r < 2; ++r) {
    REQUIRE(!all.results[r].ok());
    CHECK(all.results[r].status() == one.status());
  }
}

TEST_CASE("ShareOut: every family once, shares within one of each other, a periodic input spread", "[pipeline][ranks]") {
  for (int ranks : {1, 2, 3, 7}) {
    for (size_t count : {size_t{0}, size_t{5}, size_t{600}}) {
      const auto shares = ShareOut(count, ranks, 42);
      REQUIRE(static_cast<int>(shares.size()) == ranks);
      std::vector<int> seen(count, 0);
      size_t smallest = count, largest = 0;
      for (const auto& share : shares) {
        CHECK(std::is_sorted(share.begin(), share.end()));
        for (size_t i : share) ++seen[i];
        smallest = std::min(smallest, share.size());
        largest = std::max(largest, share.size());
      }
      CHECK(std::all_of(seen.begin(), seen.end(), [](int n) { return n == 1; }));
      if (count > 0) CHECK(largest - smallest <= 1);
      CHECK(ShareOut(count, ranks, 42) == shares);  // deterministic
    }
  }
  // Families whose cost repeats every 6 rows (a simulation's shapes in turn): dealt i mod 2,
  // rank 0 would get every costly shape (i mod 6 in {0, 2, 4}); shared out, each rank gets
  // about half of them, 150 (a hypergeometric draw of 300 of 600: standard deviation 6.1;
  // the bounds are 8.5 of them, so the check fails only when the costly ones cluster).
  const auto shares = ShareOut(600, 2, 0);
  int costly_on_0 = 0;
  for (size_t i : shares[0]) costly_on_0 += i % 6 == 0 || i % 6 == 2 || i % 6 == 4;
  CHECK(costly_on_0 > 150 - 52);
  CHECK(costly_on_0 < 150 + 52);
}

TEST_CASE("ByteReader: reads what ByteWriter wrote, and refuses short or long input", "[pipeline][ranks]") {
  ByteWriter w;
  w.Put<std::int32_t>(-7);
  w.PutString("family F1");
  w.PutVector(std::vector<double>{0.5, -INFINITY, 1e-300});
  const std::string bytes = std::move(w).Take();
  ByteReader in(bytes);
  CHECK(in.Get<std::int32_t>() == -7);
  CHECK(in.GetString() == "family F1");
  const std::vector<double> v = in.GetVector<double>();
  CHECK(in.done());
  REQUIRE(v.size() == 3);
  CHECK(v[1] == -INFINITY);
  CHECK(v[2] == 1e-300);
  ByteReader short_in(std::string_view(bytes).substr(0, bytes.size() - 1));
  (void)short_in.Get<std::int32_t>();
  (void)short_in.GetString();
  CHECK(short_in.GetVector<double>().empty());
  CHECK(!short_in.ok());
  CHECK(!short_in.done());
  const std::string longer = bytes + "x";
  ByteReader long_in(longer);
  (void)long_in.Get<std::int32_t>();
  (void)long_in.GetString();
  (void)long_in.GetVector<double>();
  CHECK(long_in.ok());
  CHECK(!long_in.done());  // a byte left over
}

}  // namespace
}  // namespace kinship
