// Links the installed library the way a program does (find_package(kinship)), runs a small
// screen through the pipeline API (kinship/match.h) with profiles held in memory, and checks
// the reported log10 LR of father -> child1 against the value `kinship lr` wrote for the same
// pair (argv[3], its CSV). Also one closed form: a homozygous parent and child, PI = 1/p.
//
// usage: find_package_consumer FREQS PROFILES LR_CSV
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "kinship/io.h"
#include "kinship/match.h"
#include "kinship/pairwise.h"
#include "kinship/report.h"
#include "kinship/version.h"

namespace {

// log10 LR of the pair (id1, id2) in a CSV written by `kinship lr --out`; NaN when absent.
double LrFromCli(const std::string& path, const std::string& id1, const std::string& id2) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    std::stringstream row(line);
    std::string a, b, rel, log10_lr;
    std::getline(row, a, ',');
    std::getline(row, b, ',');
    std::getline(row, rel, ',');
    std::getline(row, log10_lr, ',');
    if (a == id1 && b == id2) return std::stod(log10_lr);
  }
  return NAN;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) return 2;
  kinship::Diagnostics diag;

  // The closed form: PI = 1/p for a homozygous parent and child (allele 0 of locus 0).
  auto table = kinship::ReadAlleleFreqs(argv[1], &diag);
  if (!table.ok()) return 1;
  auto calc = kinship::PairwiseCalculator::Create(*table, *kinship::ParseRelationship("parent-child"), {});
  if (!calc.ok()) return 1;
  bool inconsistent;
  const double lr = calc->LocusLr(0, kinship::GenotypeIndex(0, 0), kinship::GenotypeIndex(0, 0), &inconsistent);
  const double want = 1 / table->locus(0).freq(0);
  std::printf("kinship %s: PI %g (expected %g)\n", KINSHIP_VERSION_STRING, lr, want);
  if (!(lr > want * (1 - 1e-12) && lr < want * (1 + 1e-12))) return 1;

  // Profiles in memory: the children and an unrelated person are the victims, the parents
  // the references.
  auto records = kinship::ReadProfileRecords(argv[2], &diag);
  if (!records.ok()) return 1;
  std::vector<kinship::GenotypeRecord> victims, references;
  for (const auto& r : *records) (r.sample_id == "father" || r.sample_id == "mother" ? references : victims).push_back(r);

  // The screen, in ten lines.
  kinship::MatchRequest req;
  req.model.freqs_path = argv[1];
  req.victims = {kinship::ProfileSource::Records(victims)};
  req.references = {kinship::ProfileSource::Records(references)};
  req.relationships = {"parent-child"};
  req.min_log10_lr = -INFINITY;
  auto result = kinship::Match(req, &diag);
  if (!result.ok()) {
    std::fprintf(stderr, "%s\n", std::string(result.status().message()).c_str());
    return 1;
  }
  kinship::WriteMatchTsv(*result, stdout);

  double screened = NAN;
  for (const kinship::MatchRow& row : result->rows)
    if (row.victim == "child1" && row.candidate == "father") screened = row.log10_lr;
  const double cli = LrFromCli(argv[3], "father", "child1");
  std::printf("father -> child1: log10 LR %.17g by the screen, %.17g by kinship lr\n", screened, cli);
  return std::fabs(screened - cli) <= 1e-9 ? 0 : 1;
}
