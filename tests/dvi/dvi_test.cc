// Joint DVI: the solver against brute-force enumeration on random problems (exact and pruned),
// and hand-derived cases through RunDvi (a father and son both missing; the sex rule; a victim
// excluded everywhere; ties).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <tbb/global_control.h>

#include "kinship/dvi.h"
#include "test_util.h"

using namespace kinship;

namespace {

// Every valid assignment of a problem: each family one option or none, no victim twice.
struct Brute {
  std::vector<std::pair<double, std::vector<int>>> all;  // (LR, option per family)
  double total = 0;
};

void Enumerate(const DviProblem& p, size_t f, std::vector<int>* choice, std::vector<char>* used, double lr,
               Brute* out) {
  if (f == p.families.size()) {
    out->all.push_back({lr, *choice});
    out->total += lr;
    return;
  }
  (*choice)[f] = -1;
  Enumerate(p, f + 1, choice, used, lr, out);
  for (size_t x = 0; x < p.families[f].options.size(); ++x) {
    const DviOption& o = p.families[f].options[x];
    bool free = true;
    for (const auto& [m, v] : o.placed) free &= !(*used)[v];
    if (!free) continue;
    for (const auto& [m, v] : o.placed) (*used)[v] = 1;
    (*choice)[f] = static_cast<int>(x);
    Enumerate(p, f + 1, choice, used, lr * std::pow(10.0, o.log10_lr), out);
    for (const auto& [m, v] : o.placed) (*used)[v] = 0;
  }
  (*choice)[f] = -1;
}

Brute Enumerate(const DviProblem& p) {
  Brute b;
  std::vector<int> choice(p.families.size(), -1);
  std::vector<char> used(p.victim_ct, 0);
  Enumerate(p, 0, &choice, &used, 1.0, &b);
  std::stable_sort(b.all.begin(), b.all.end(), [](const auto& a, const auto& c) { return a.first > c.first; });
  return b;
}

// A random problem: families of 1-3 MPs, each local assignment (a partial injective map from
// MPs to victims) present with probability `density` and a log10 LR in [-4, 6].
DviProblem RandomProblem(std::mt19937_64* rng, double density) {
  std::uniform_int_distribution<int> nv_d(1, 6), nf_d(1, 4), mp_d(1, 3);
  std::uniform_real_distribution<double> u(0, 1), lr_d(-4, 6);
  DviProblem p;
  p.victim_ct = nv_d(*rng);
  const int nf = nf_d(*rng);
  for (int f = 0; f < nf; ++f) {
    DviFamilyOptions fam;
    const int mps = mp_d(*rng);
    // All partial injective maps MP -> victim, by recursion over MPs.
    std::vector<std::vector<std::pair<int, int>>> maps = {{}};
    for (int m = 0; m < mps; ++m) {
      std::vector<std::vector<std::pair<int, int>>> next;
      for (const auto& mp : maps) {
        next.push_back(mp);
        for (int v = 0; v < p.victim_ct; ++v) {
          bool used = false;
          for (const auto& [mm, vv] : mp) used |= vv == v;
          if (used) continue;
          auto c = mp;
          c.push_back({m, v});
          next.push_back(c);
        }
      }
      maps = std::move(next);
    }
    for (const auto& mp : maps)
      if (!mp.empty() && u(*rng) < density) fam.options.push_back({mp, lr_d(*rng)});
    p.families.push_back(std::move(fam));
  }
  return p;
}

void CheckAgainstBrute(const DviProblem& p, const DviSolution& s, bool exact) {
  const Brute b = Enumerate(p);
  const double tol = exact ? 1e-12 : s.error_bound + 1e-12;
  REQUIRE(s.log10_total == Approx(std::log10(b.total)).margin(1e-12));
  // Option posteriors, unassigned posteriors, best LR with each option.
  for (size_t f = 0; f < p.families.size(); ++f) {
    double none_best = -INFINITY;
    for (size_t x = 0; x <= p.families[f].options.size(); ++x) {
      const int want = x == p.families[f].options.size() ? -1 : static_cast<int>(x);
      double post = 0, best = 0;
      for (const auto& [lr, choice] : b.all)
        if (choice[f] == want) {
          post += lr / b.total;
          best = std::max(best, lr);
        }
      if (want < 0) {
        none_best = best;
        continue;
      }
      REQUIRE(std::abs(s.option_posterior[f][x] - post) <= tol);
      if (exact) REQUIRE(s.option_best_log10[f][x] == Approx(std::log10(best)).margin(1e-9));
    }
    REQUIRE(s.none_best_log10[f] == Approx(std::log10(none_best)).margin(1e-9));
  }
  for (int v = 0; v < p.victim_ct; ++v) {
    double post = 0;
    for (const auto& [lr, choice] : b.all) {
      bool assigned = false;
      for (size_t f = 0; f < p.families.size(); ++f)
        if (choice[f] >= 0)
          for (const auto& [m, vv] : p.families[f].options[choice[f]].placed) assigned |= vv == v;
      if (!assigned) post += lr / b.total;
    }
    REQUIRE(std::abs(s.unassigned_posterior[v] - post) <= tol);
  }
  // The top list: the brute force's best LRs, in order, each an assignment with that LR.
  REQUIRE(!s.top.empty());
  const size_t k = std::min<size_t>(5, b.all.size());
  REQUIRE(s.top.size() >= k);
  for (size_t i = 0; i < k; ++i) {
    REQUIRE(s.top[i].log10_lr == Approx(std::log10(b.all[i].first)).margin(1e-9));
    double lr = 1;
    for (size_t f = 0; f < p.families.size(); ++f)
      if (s.top[i].option_of_family[f] >= 0) lr *= std::pow(10.0, p.families[f].options[s.top[i].option_of_family[f]].log10_lr);
    REQUIRE(std::log10(lr) == Approx(s.top[i].log10_lr).margin(1e-9));
    REQUIRE(std::abs(s.top[i].posterior - b.all[i].first / b.total) <= tol);
  }
}

}  // namespace

TEST_CASE("DVI solver: random problems against brute-force enumeration, exact and pruned", "[dvi]") {
  std::mt19937_64 rng(20261203);
  int pruned_trials = 0;
  for (int trial = 0; trial < 300; ++trial) {
    const double density = trial % 3 == 0 ? 0.9 : trial % 3 == 1 ? 0.4 : 0.1;
    const DviProblem p = RandomProblem(&rng, density);
    INFO("trial " << trial);
    DviSolveOptions o;
    o.top_k = 5;
    o.exact = true;
    auto exact = SolveDvi(p, o);
    REQUIRE(exact.ok());
    REQUIRE(exact->error_bound == 0);
    CheckAgainstBrute(p, *exact, true);
    o.exact = false;
    o.max_error = 1e-4;  // loose, so that pruning happens in small problems; the bound must hold
    auto pruned = SolveDvi(p, o);
    REQUIRE(pruned.ok());
    REQUIRE(pruned->error_bound <= 1e-4);
    CheckAgainstBrute(p, *pruned, false);
    pruned_trials += pruned->options_dropped > 0;
  }
  REQUIRE(pruned_trials > 30);  // the pruned path is exercised
}

TEST_CASE("DVI solver: ties, a victim in no option, the state limit, bad problems", "[dvi]") {
  // Two MPs in two families, two victims, each victim equally likely at each MP (LR 100):
  // V0->A,V1->B and V0->B,V1->A tie; the posteriors and marginals are symmetric.
  DviProblem p;
  p.victim_ct = 3;  // victim 2 is in no option
  p.families.resize(2);
  for (int f = 0; f < 2; ++f)
    for (int v = 0; v < 2; ++v) p.families[f].options.push_back({{{0, v}}, 2.0});
  DviSolveOptions o;
  o.exact = true;
  auto s = SolveDvi(p, o);
  REQUIRE(s.ok());
  // Assignments: none (1), one pairing (4 × 100), two (2 × 10^4): total 20401.
  REQUIRE(s->log10_total == Approx(std::log10(20401.0)).margin(1e-12));
  REQUIRE(s->top[0].log10_lr == s->top[1].log10_lr);
  REQUIRE(s->top[0].posterior == Approx(1e4 / 20401).margin(1e-15));
  REQUIRE(s->option_posterior[0][0] == Approx(s->option_posterior[0][1]).margin(1e-15));
  // P(V0 -> A) = (100 + 10^4) / 20401.
  REQUIRE(s->option_posterior[0][0] == Approx(10100.0 / 20401).margin(1e-15));
  REQUIRE(s->unassigned_posterior[2] == 1);
  REQUIRE(s->components == 1);

  o.max_states = 2;
  REQUIRE(SolveDvi(p, o).status().code() == absl::StatusCode::kResourceExhausted);

  DviProblem bad = p;
  bad.families[0].options[0].placed = {{0, 5}};
  REQUIRE(SolveDvi(bad, DviSolveOptions{}).status().code() == absl::StatusCode::kInvalidArgument);
  bad = p;
  bad.families[0].options[0].placed = {{0, 0}, {1, 0}};
  REQUIRE(SolveDvi(bad, DviSolveOptions{}).status().code() == absl::StatusCode::kInvalidArgument);
  bad = p;
  bad.families[0].options[0].log10_lr = INFINITY;
  REQUIRE(SolveDvi(bad, DviSolveOptions{}).status().code() == absl::StatusCode::kInvalidArgument);
}

namespace {

// One locus L1, alleles 10, 11, 12 with p = 0.2, 0.3, 0.5. Family F: father FA and son S
// missing, the mother MO typed 10/11 (a/b), S the child of FA and MO.
struct FatherSon {
  testing::TempDir dir;
  DviRequest req;
  explicit FatherSon(const std::string& victims, const std::string& sexes) {
    req.model.freqs_path = dir.Write("freqs.csv", "locus,allele,frequency\nL1,10,0.2\nL1,11,0.3\nL1,12,0.5\n");
    req.pedigrees_path = dir.Write("peds.csv",
                                   "family,id,father,mother,sex,sample_id,missing\n"
                                   "F,FA,0,0,1,,1\nF,MO,0,0,2,MO,0\nF,S,FA,MO,1,,1\n");
    req.profiles = {ProfileSource::File(dir.Write("refs.csv", "sample_id,locus,allele1,allele2\nMO,L1,10,11\n"))};
    req.victims = {ProfileSource::File(dir.Write("victims.csv", victims))};
    req.victim_sex_path = dir.Write("sex.csv", sexes);
  }
};

std::map<std::string, double> Marginals(const DviResult& r) {
  std::map<std::string, double> m;
  for (const DviMarginalRow& x : r.marginals) m[x.victim + "=" + x.missing_id] = x.posterior;
  return m;
}

}  // namespace

TEST_CASE("DVI: a father and son both missing, by hand", "[dvi]") {
  // V1 = 12/12 (c/c), V2 = 10/12 (a/c), both male. Local LRs of family F:
  //  V@FA alone: FA is a founder beside MO, independent of her: LR 1 (V1 and V2).
  //  V1@S: S = c/c needs a c from MO = a/b: 0 (excluded).
  //  V2@S: S = a/c gets a from MO (1/2) and c from the untyped FA (p_c = 0.5): 0.25;
  //        over P(a/c) = 2 p_a p_c = 0.2: LR 1.25.
  //  V1@FA, V2@S: S = a/c given FA = c/c (c for sure) and MO = a/b (a with 1/2): 0.5; / 0.2 = 2.5.
  //  V2@FA, V1@S: 0 (S = c/c again).
  // Valid assignments (both victims male, both MPs male): (V1, V2) in (*,*) 1, (*,FA) 1,
  // (*,S) 1.25, (FA,*) 1, (S,*) 0, (FA,S) 2.5, (S,FA) 0: 7 of them, sum 6.75.
  FatherSon t("sample_id,locus,allele1,allele2\nV1,L1,12,12\nV2,L1,10,12\n", "sample_id,sex\nV1,1\nV2,1\n");
  Diagnostics diag;
  auto r = RunDvi(t.req, &diag);
  INFO(r.status());
  REQUIRE(r.ok());
  REQUIRE(r->log10_valid_assignments == Approx(std::log10(7.0)).margin(1e-12));
  REQUIRE(r->assignments.size() == 5);  // the two with LR 0 are not listed
  REQUIRE(r->assignments[0].assignment == "V1=FA;V2=S");
  REQUIRE(r->assignments[0].log10_lr == Approx(std::log10(2.5)).margin(1e-12));
  REQUIRE(r->assignments[0].posterior == Approx(2.5 / 6.75).margin(1e-12));
  REQUIRE(r->assignments[1].assignment == "V1=*;V2=S");
  REQUIRE(r->assignments[1].posterior == Approx(1.25 / 6.75).margin(1e-12));
  // Ties at LR 1, in byte order of the assignment: (*,*), (*,FA), (FA,*).
  REQUIRE(r->assignments[2].assignment == "V1=*;V2=*");
  REQUIRE(r->assignments[3].assignment == "V1=*;V2=FA");
  REQUIRE(r->assignments[4].assignment == "V1=FA;V2=*");
  auto m = Marginals(*r);
  REQUIRE(m["V1=FA"] == Approx(3.5 / 6.75).margin(1e-12));
  REQUIRE(m["V1=S"] == 0);
  REQUIRE(m["V1=*"] == Approx(3.25 / 6.75).margin(1e-12));
  REQUIRE(m["V2=FA"] == Approx(1 / 6.75).margin(1e-12));
  REQUIRE(m["V2=S"] == Approx(3.75 / 6.75).margin(1e-12));
  REQUIRE(m["V2=*"] == Approx(2 / 6.75).margin(1e-12));
  // Pairwise: V1@S is an exclusion.
  std::map<std::string, double> pw;
  for (const DviPairwiseRow& x : r->pairwise) pw[x.victim + "=" + x.missing_id] = x.log10_lr;
  REQUIRE(pw.size() == 4);
  REQUIRE(pw["V1=S"] == -INFINITY);
  REQUIRE(pw["V2=S"] == Approx(std::log10(1.25)).margin(1e-12));
  REQUIRE(pw["V1=FA"] == Approx(0).margin(1e-12));
  // Summary: V2's best is S (3.75/6.75); the best with V2 = S is 2.5, without it 1: LR 2.5.
  for (const DviSummaryRow& s : r->summary)
    if (s.victim == "V2") {
      REQUIRE(s.missing_id == "S");
      REQUIRE(s.log10_lr == Approx(std::log10(2.5)).margin(1e-12));
      REQUIRE(s.conclusion == "not identified");
    }
}

TEST_CASE("DVI: the sex rule, and a victim excluded everywhere", "[dvi]") {
  // V1 female: no MP of hers (both are male): no pairwise row, unassigned with probability 1.
  // V2 = 12/12 male: FA possible (LR 1), S excluded. V3 without a sex: either MP.
  FatherSon t("sample_id,locus,allele1,allele2\nV1,L1,10,12\nV2,L1,12,12\nV3,L1,10,12\n",
              "sample_id,sex\nV1,female\nV2,male\n");
  Diagnostics diag;
  auto r = RunDvi(t.req, &diag);
  INFO(r.status());
  REQUIRE(r.ok());
  for (const DviPairwiseRow& x : r->pairwise) REQUIRE(x.victim != "V1");
  auto m = Marginals(*r);
  REQUIRE(m.count("V1=FA") == 0);
  REQUIRE(m["V1=*"] == 1);
  REQUIRE(m["V2=S"] == 0);
  REQUIRE(m.count("V3=S") == 1);
  // Valid: MPs FA, S; V2 and V3 may take either; V1 none: 1 + 2 + 2 + 2 = 7.
  REQUIRE(r->log10_valid_assignments == Approx(std::log10(7.0)).margin(1e-12));
  bool noted = false;
  for (const Note& n : diag.notes()) noted |= n.message.find("V3") != std::string::npos;
  REQUIRE(noted);
  // Every victim's marginals sum to 1.
  std::map<std::string, double> sums;
  for (const DviMarginalRow& x : r->marginals) sums[x.victim] += x.posterior;
  for (const auto& [v, s] : sums) REQUIRE(s == Approx(1).margin(1e-12));
}

TEST_CASE("DVI: the same bytes for 1 and 2 threads, and bad inputs", "[dvi]") {
  FatherSon t("sample_id,locus,allele1,allele2\nV1,L1,12,12\nV2,L1,10,12\n", "sample_id,sex\nV1,1\nV2,1\n");
  auto text = [&](int threads) {
    tbb::global_control c(tbb::global_control::max_allowed_parallelism, threads);
    Diagnostics diag;
    auto r = RunDvi(t.req, &diag);
    REQUIRE(r.ok());
    r->seconds = 0;
    std::string out;
    for (auto w : {WriteDviPairwise, WriteDviAssignments, WriteDviMarginals, WriteDviSummary}) {
      char* buf = nullptr;
      size_t len = 0;
      std::FILE* f = open_memstream(&buf, &len);
      w(*r, f);
      std::fclose(f);
      out += std::string(buf, len);
      std::free(buf);
    }
    return out;
  };
  REQUIRE(text(1) == text(2));

  Diagnostics diag;
  DviRequest bad = t.req;
  bad.victim_sex_path = t.dir.Write("sex2.csv", "sample_id,sex\nV1,1\nV9,2\n");
  REQUIRE(RunDvi(bad, &diag).status().code() == absl::StatusCode::kFailedPrecondition);
  bad.victim_sex_path = t.dir.Write("sex3.csv", "sample_id,sex\nV1,x\n");
  auto st = RunDvi(bad, &diag).status();
  REQUIRE(st.code() == absl::StatusCode::kInvalidArgument);
  REQUIRE(std::string(st.message()).find("sex3.csv:2") != std::string::npos);
  bad = t.req;
  bad.top_k = 0;
  REQUIRE(RunDvi(bad, &diag).status().code() == absl::StatusCode::kInvalidArgument);
  // A missing person's id in two families.
  bad = t.req;
  bad.pedigrees_path = t.dir.Write("peds2.csv",
                                   "family,id,father,mother,sex,sample_id,missing\n"
                                   "F,FA,0,0,1,,1\nF,MO,0,0,2,MO,0\nG,FA,0,0,1,,1\n");
  REQUIRE(RunDvi(bad, &diag).status().code() == absl::StatusCode::kFailedPrecondition);
  // The limit on local assignments.
  bad = t.req;
  bad.max_local_assignments = 1;
  REQUIRE(RunDvi(bad, &diag).status().code() == absl::StatusCode::kResourceExhausted);
}

TEST_CASE("DVI: drop-out turns an exclusion into evidence, by hand", "[dvi][observation]") {
  // V1 shows 12 alone. Without drop-out V1 = 12/12 cannot be S (S takes 10 or 11 from MO).
  // With drop-out d = 0.1 the true genotype may be 12/x with x dropped (d(1 - d)), or 12/12
  // (1 - d²). Pairwise at S: numerator Σ_G P(O | G) P(S = G | MO = 10/11, FA untyped):
  // P(S = 10/12) = P(S = 11/12) = 1/2 · p12 = 0.25, P(S = 12/12) = 0, so 0.5 d(1 - d) = 0.045;
  // denominator Σ_G P(O | G) HW(G) = 0.25 (1 - d²) + d(1 - d)(2·0.2·0.5 + 2·0.3·0.5)
  // = 0.2475 + 0.045 = 0.2925. LR = 0.045 / 0.2925 = 2/13.
  FatherSon t("sample_id,locus,allele1,allele2\nV1,L1,12,12\nV2,L1,10,12\n", "sample_id,sex\nV1,1\nV2,1\n");
  Diagnostics diag;
  auto plain = RunDvi(t.req, &diag);
  REQUIRE(plain.ok());
  t.req.victim_observation = {0.1, 0};
  auto r = RunDvi(t.req, &diag);
  INFO(r.status());
  REQUIRE(r.ok());
  std::map<std::string, double> pw, pw0;
  for (const DviPairwiseRow& x : r->pairwise) pw[x.victim + "=" + x.missing_id] = x.log10_lr;
  for (const DviPairwiseRow& x : plain->pairwise) pw0[x.victim + "=" + x.missing_id] = x.log10_lr;
  REQUIRE(pw0["V1=S"] == -INFINITY);
  REQUIRE(pw["V1=S"] == Approx(std::log10(2.0 / 13)).margin(1e-12));
  // V2 shows two alleles: certain whatever the drop-out (a factor common to both hypotheses).
  REQUIRE(pw["V2=S"] == Approx(pw0["V2=S"]).margin(1e-12));
  // The same through a file: V1's row, V2 none.
  t.req.victim_observation = {};
  t.req.observation_path = t.dir.Write("obs.csv", "sample_id,dropout,dropin\nV1,0.1,0\n");
  auto f = RunDvi(t.req, &diag);
  REQUIRE(f.ok());
  for (const DviPairwiseRow& x : f->pairwise)
    if (x.victim == "V1" && x.missing_id == "S") REQUIRE(x.log10_lr == pw["V1=S"]);
  t.req.observation_path = t.dir.Write("obs2.csv", "sample_id,dropout,dropin\nNOBODY,0.1,0\n");
  REQUIRE(RunDvi(t.req, &diag).status().code() == absl::StatusCode::kFailedPrecondition);
}
