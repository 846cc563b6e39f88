// The pipeline API (kinship/match.h, kinship/lr.h, kinship/report.h): what a program gets
// when it runs a screen or LRs in one call. The CLI tests check the same pipelines through
// `kinship match` and `kinship lr`; these check what only a library caller can see: profiles
// in memory, the progress callback, the cancel flag, the screen against ComputeLrs bit for
// bit, and the report writers.
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

#include "kinship/io.h"
#include "kinship/lr.h"
#include "kinship/match.h"
#include "kinship/report.h"
#include "kinship/simulate.h"
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

}  // namespace
}  // namespace kinship
