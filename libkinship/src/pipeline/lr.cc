// Exact likelihood ratios as one call (kinship/lr.h): pairs, and missing-person cases in
// pedigrees (against unrelated or an alternative pedigree).
#include "kinship/lr.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <tuple>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/str_join.h"
#include "internal/sha256.h"
#include "internal/status_macros.h"
#include "kinship/io.h"
#include "kinship/pairwise.h"
#include "kinship/pedigree_lr.h"
#include "kinship/report.h"
#include "kinship/version.h"
#include "stats/population.h"

namespace kinship {

namespace {

// ---- Case detail (LrRequest::detail) ----

// Alleles in the order people read them: by repeat number where both labels have one
// (an imputed allele comes last in the table), else by table order.
bool AlleleBefore(const Locus& locus, int a, int b) {
  const auto va = ParseAlleleValue(locus.label(a)), vb = ParseAlleleValue(locus.label(b));
  if (va && vb && va->repeats != vb->repeats) return va->repeats < vb->repeats;
  return a < b;
}

// A genotype as allele labels: "12/14", "9.3/F" (a failed allele), "" untyped.
std::string GenotypeLabel(const Locus& locus, GenotypeIdx g) {
  if (g == kUntyped) return "";
  if (IsWildcard(g)) return absl::StrCat(locus.label(WildcardAllele(g)), "/F");
  AllelePair ab = GenotypeAlleles(g);
  if (AlleleBefore(locus, ab.b, ab.a)) std::swap(ab.a, ab.b);
  return absl::StrCat(locus.label(ab.a), "/", locus.label(ab.b));
}

// "0.0030000000000000001/0.002" as people read it: "0.003/0.002" (6 significant digits).
std::string RatesForPeople(const std::string& rates) {
  std::vector<std::string> parts;
  for (const std::string& part : std::vector<std::string>(absl::StrSplit(rates, '/'))) {
    char* end = nullptr;
    const double v = std::strtod(part.c_str(), &end);
    parts.push_back(end && *end == '\0' && !part.empty() ? absl::StrFormat("%.6g", v) : part);
  }
  return absl::StrJoin(parts, "/");
}

// Per locus: every typed sample's genotype and observation parameters, the frequencies of
// the alleles seen, the per-locus value and inconsistency of `row`, the rates in use.
void FillDetailLoci(const AlleleFreqTable& table, const MutationSpec& mutation, const ProfileSet& profiles,
                    const ObservationTable* obs, const LrRow& row, CaseDetail* d) {
  std::vector<std::pair<std::string, std::string>> rates;
  if (mutation.enabled()) rates = RatesInUse(table, mutation);
  for (int l = 0; l < table.locus_ct(); ++l) {
    const Locus& locus = table.locus(l);
    LocusDetail ld;
    ld.locus = locus.name();
    std::set<int> alleles;
    for (const std::string& id : d->samples) {
      const int s = profiles.FindSample(id);
      const GenotypeIdx g = s < 0 ? kUntyped : profiles.genotype(l, s);
      ld.genotypes.push_back(GenotypeLabel(locus, g));
      std::string o;
      if (obs && g != kUntyped) {
        const ObservationParams p = obs->Get(id, l);
        if (p.dropout > 0 || p.dropin > 0) o = absl::StrCat("d=", FormatDouble(p.dropout), " c=", FormatDouble(p.dropin));
      }
      ld.observations.push_back(o);
      if (g == kUntyped) continue;
      if (IsWildcard(g)) {
        alleles.insert(WildcardAllele(g));
      } else {
        const AllelePair ab = GenotypeAlleles(g);
        alleles.insert(ab.a);
        alleles.insert(ab.b);
      }
    }
    std::vector<int> sorted(alleles.begin(), alleles.end());
    std::sort(sorted.begin(), sorted.end(), [&](int a, int b) { return AlleleBefore(locus, a, b); });
    for (int a : sorted) ld.freqs.push_back({locus.label(a), locus.freq(a), locus.imputed(a)});
    ld.log10_lr = row.per_locus[l];
    ld.inconsistent = !row.inconsistent_loci.empty() && row.inconsistent_loci[l];
    if (!rates.empty()) ld.mutation_rates = RatesForPeople(rates[l].second);
    d->loci.push_back(std::move(ld));
  }
}

// A pedigree as drawn: its members, `candidate_at` (-1: none) holding `candidate`.
DetailPedigree ToDetail(const Pedigree& ped, int candidate_at, const std::string& candidate, std::string title) {
  DetailPedigree d;
  d.title = std::move(title);
  for (int i = 0; i < ped.size(); ++i) {
    const Person& p = ped.person(i);
    DetailMember m;
    m.id = p.id;
    m.father = p.father;
    m.mother = p.mother;
    m.sex = p.sex;
    m.sample_id = p.sample_id;
    m.missing = p.missing;
    if (i == candidate_at) {
      m.sample_id = candidate;
      m.candidate = true;
    }
    d.members.push_back(std::move(m));
  }
  return d;
}

// The pedigree of a pairwise relationship, along the paternal line as docs/model.md ("Other
// relationships with mutation") computes it: half siblings share a father, id1 is id2's
// father's parent (grandparent) or brother (avuncular), the cousins' fathers are brothers;
// id1 and id2 typed, untyped links named for what they are.
DetailPedigree RelationshipPedigree(const std::string& rel, const std::string& id1, Sex sex1, const std::string& id2,
                                    Sex sex2, std::string title) {
  DetailPedigree d;
  d.title = std::move(title);
  auto add = [&](std::string id, Sex sex, int father, int mother, std::string sample = "") {
    DetailMember m;
    m.id = std::move(id);
    m.sex = sex;
    m.father = father;
    m.mother = mother;
    m.sample_id = std::move(sample);
    d.members.push_back(std::move(m));
    return static_cast<int>(d.members.size()) - 1;
  };
  auto other = [](Sex s) { return s == Sex::kMale ? Sex::kFemale : s == Sex::kFemale ? Sex::kMale : Sex::kUnknown; };
  // A couple (first the given person's sex, the partner the other), father index first.
  auto parents = [&](int a, int b, int* father, int* mother) {
    const bool a_mother = d.members[a].sex == Sex::kFemale;
    *father = a_mother ? b : a;
    *mother = a_mother ? a : b;
  };
  int f, m;
  const std::string of1 = " of " + id1, of2 = " of " + id2;
  if (rel == "parent-child") {
    const int p1 = add(id1, sex1, -1, -1, id1);
    const int p2 = add("other parent" + of2, other(sex1), -1, -1);
    parents(p1, p2, &f, &m);
    add(id2, sex2, f, m, id2);
  } else if (rel == "full-siblings") {
    const int a = add("father of both", Sex::kMale, -1, -1);
    const int b = add("mother of both", Sex::kFemale, -1, -1);
    add(id1, sex1, a, b, id1);
    add(id2, sex2, a, b, id2);
  } else if (rel == "half-siblings") {
    const int a = add("father of both", Sex::kMale, -1, -1);
    const int b = add("mother" + of1, Sex::kFemale, -1, -1), b2 = add("mother" + of2, Sex::kFemale, -1, -1);
    add(id1, sex1, a, b, id1);
    add(id2, sex2, a, b2, id2);
  } else if (rel == "grandparent") {
    const int g1 = add(id1, sex1, -1, -1, id1);
    const int g2 = add("partner" + of1, other(sex1), -1, -1);
    parents(g1, g2, &f, &m);
    const int p = add("father" + of2, Sex::kMale, f, m);
    const int p2 = add("mother" + of2, Sex::kFemale, -1, -1);
    add(id2, sex2, p, p2, id2);
  } else if (rel == "avuncular" || rel == "first-cousins") {
    const int a = add("grandfather", Sex::kMale, -1, -1), b = add("grandmother", Sex::kFemale, -1, -1);
    if (rel == "avuncular") {
      add(id1, sex1, a, b, id1);
      const int s = add("father" + of2, Sex::kMale, a, b);
      const int o = add("mother" + of2, Sex::kFemale, -1, -1);
      add(id2, sex2, s, o, id2);
    } else {
      const int s1 = add("father" + of1, Sex::kMale, a, b), s2 = add("father" + of2, Sex::kMale, a, b);
      const int o1 = add("mother" + of1, Sex::kFemale, -1, -1), o2 = add("mother" + of2, Sex::kFemale, -1, -1);
      add(id1, sex1, s1, o1, id1);
      add(id2, sex2, s2, o2, id2);
    }
  } else {  // unrelated, ibd:k0:k1:k2
    add(id1, sex1, -1, -1, id1);
    add(id2, sex2, -1, -1, id2);
    if (rel != "unrelated") d.note = "no pedigree: the relationship is given by its IBD coefficients " + rel;
  }
  for (DetailMember& x : d.members) x.candidate = x.sample_id == id2;
  return d;
}

// A relationship in words, of id1 to id2.
std::string RelationshipWords(const std::string& rel, const std::string& id1, const std::string& id2) {
  if (rel == "parent-child") return absl::StrCat(id1, " is a parent of ", id2);
  if (rel == "full-siblings") return absl::StrCat(id1, " and ", id2, " are full siblings");
  if (rel == "half-siblings") return absl::StrCat(id1, " and ", id2, " are half siblings");
  if (rel == "grandparent") return absl::StrCat(id1, " is a grandparent of ", id2);
  if (rel == "avuncular") return absl::StrCat(id1, " is an uncle or aunt of ", id2);
  if (rel == "first-cousins") return absl::StrCat(id1, " and ", id2, " are first cousins");
  if (rel == "unrelated") return absl::StrCat(id1, " and ", id2, " are unrelated");
  return absl::StrCat(id1, " and ", id2, " are related with IBD coefficients ", rel.substr(rel.find(':') + 1),
                      " (k0:k1:k2)");
}

// The SHA-256 of `path` as its reader recorded it, else of the file read now (small inputs
// such as the pairs and cases files); "unavailable" when it cannot be read again.
std::string InputSha256(const std::string& path, const Diagnostics& diag) {
  if (const InputRecord* r = diag.FindInput(path)) return r->sha256;
  std::ifstream in(path, std::ios::binary);
  if (!in) return "unavailable";
  internal::Sha256 sha;
  char buf[1 << 16];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) sha.Update(buf, static_cast<size_t>(in.gcount()));
  return in.bad() ? "unavailable" : sha.HexDigest();
}

// P(data | H1) / P(data | H2) for one case, with H1 the candidate (sample `s`) at `mp` of `ped`
// and H2 the candidate at the member of the same id in the family of the same name in
// `peds_h2`; the data are every typed member of each pedigree and the candidate. Per locus
// log10 P(data | H1) - log10 P(data | H2), both rescaled (no underflow); a locus impossible
// under both is a FailedPrecondition (0/0). A locus counts as compared when the candidate and
// a reference of H1 are typed there; inconsistent when H1 is impossible there without mutation.
absl::Status AlternativeCase(const Pedigree& ped, const std::vector<Pedigree>& peds_h2,
                             const std::map<std::string, int>& fam_h2, int mp, int s, const ProfileSet& profiles,
                             const std::vector<PedigreeLocusModel>& models,
                             const std::vector<PedigreeLocusModel>& plain, const std::string& where,
                             const std::string& h2_path, LrRow* row, const AlleleFreqTable& table,
                             const ObservationTable* obs) {
  auto it = fam_h2.find(ped.family());
  if (it == fam_h2.end())
    return absl::FailedPreconditionError(
        absl::StrCat(where, ": family '", ped.family(), "' is not in ", h2_path, "; expected the same families"));
  const Pedigree& alt = peds_h2[it->second];
  const int mp2 = alt.Find(ped.person(mp).id);
  if (mp2 < 0 || !alt.person(mp2).sample_id.empty())
    return absl::FailedPreconditionError(absl::StrCat(where, ": family ", ped.family(), " in ", h2_path,
                                                      " has no untyped member '", ped.person(mp).id,
                                                      "'; expected the candidate's place under H2"));
  for (const Person& q : alt.persons())
    if (q.sample_id == profiles.sample_id(s))
      return absl::FailedPreconditionError(absl::StrCat(where, ": sample '", q.sample_id, "' is a reference of family ",
                                                        ped.family(), " in ", h2_path));
  // The engine's input for pedigree p with the candidate at `at`: genotypes (kEvidence for
  // an uncertain observation, kinship/observation.h) and their evidence.
  auto genotypes = [&](const Pedigree& p, int at, int l, MemberEvidence* ev) {
    std::vector<GenotypeIdx> g(p.size(), kUntyped);
    ev->assign(p.size(), {});
    bool any_ref = false;
    auto observe = [&](int i, int sample) {
      g[i] = EngineObservation(table.locus(l), profiles.genotype(l, sample),
                               obs ? obs->Get(profiles.sample_id(sample), l) : ObservationParams{}, &(*ev)[i]);
    };
    for (int i = 0; i < p.size(); ++i)
      if (!p.person(i).sample_id.empty()) {
        observe(i, profiles.FindSample(p.person(i).sample_id));
        any_ref |= g[i] != kUntyped;
      }
    observe(at, s);
    return std::make_pair(g, any_ref);
  };
  MemberEvidence ev1, ev2;
  EngineLimits lim1, lim2;
  lim1.evidence = &ev1;
  lim2.evidence = &ev2;
  // UntypedFounders::kFamilias reduces each pedigree once for the case, by who has data at
  // some locus (the candidate included), as the cases without --pedigrees-h2 do.
  auto typed_anywhere = [&](const Pedigree& p, int at) {
    std::vector<char> t(p.size(), 0);
    const int locus_ct = static_cast<int>(models.size());
    auto any = [&](int sample) {
      for (int l = 0; l < locus_ct; ++l)
        if (profiles.genotype(l, sample) != kUntyped) return true;
      return false;
    };
    for (int i = 0; i < p.size(); ++i)
      if (!p.person(i).sample_id.empty()) t[i] = any(profiles.FindSample(p.person(i).sample_id));
    t[at] = any(s);
    return t;
  };
  lim1.typed_anywhere = typed_anywhere(ped, mp);
  lim2.typed_anywhere = typed_anywhere(alt, mp2);
  for (int l = 0; l < static_cast<int>(models.size()); ++l) {
    auto [g1, refs1] = genotypes(ped, mp, l, &ev1);
    auto [g2, refs2] = genotypes(alt, mp2, l, &ev2);
    const bool victim = g1[mp] != kUntyped;
    if (!victim && !refs1 && !refs2) continue;  // nobody typed: 1 under both
    KINSHIP_ASSIGN_OR_RETURN(const double l1, PedigreeLog10Likelihood(ped, g1, models[l], lim1));
    KINSHIP_ASSIGN_OR_RETURN(const double l2, PedigreeLog10Likelihood(alt, g2, models[l], lim2));
    if (l1 == -INFINITY && l2 == -INFINITY)
      return absl::FailedPreconditionError(absl::StrCat(
          where, ": locus ", table.locus(l).name(), ": the data are impossible under both pedigrees (0/0); expected "
          "data possible under at least one (check the samples, or use a mutation model)"));
    const double log10_lr = l1 - l2;
    row->per_locus[l] = log10_lr;
    row->log10_lr += log10_lr;
    if (victim && refs1) {
      ++row->loci_compared;
      bool inconsistent = l1 == -INFINITY;
      if (!plain.empty()) {
        KINSHIP_ASSIGN_OR_RETURN(const double x, PedigreeLog10Likelihood(ped, g1, plain[l], lim1));
        inconsistent = x == -INFINITY;
      }
      row->loci_inconsistent += inconsistent;
      row->inconsistent_loci[l] = inconsistent;
    }
  }
  if (std::isnan(row->log10_lr))
    return absl::FailedPreconditionError(absl::StrCat(
        where, ": one locus excludes H1 and another excludes H2: the data are impossible under both pedigrees; "
        "expected data possible under at least one (check the samples, or use a mutation model)"));
  return absl::OkStatus();
}

// Pairs mode.
absl::Status ComputePairs(const LrRequest& req, const AlleleFreqTable& table, const MutationSpec& mutation,
                          const ProfileSet& profiles, const ObservationTable* obs, Diagnostics* diag,
                          LrResult* result) {
  const int locus_ct = table.locus_ct();
  result->key_header = {"id1", "id2", "relationship"};
  std::vector<PairQuery> read_pairs;
  if (!req.pairs_path.empty()) {
    if (req.stage) req.stage(absl::StrCat("reading the pairs ", req.pairs_path));
    KINSHIP_ASSIGN_OR_RETURN(read_pairs, ReadPairs(req.pairs_path));
  }
  const std::vector<PairQuery>& pairs = req.pairs_path.empty() ? req.pairs : read_pairs;
  PairwiseOptions opts;
  opts.theta = req.model.theta;
  opts.mutation = mutation;
  opts.untyped_founders = req.model.untyped_founders;
  // One calculator per (relationship, sex of id1).
  std::map<std::pair<std::string, Sex>, std::unique_ptr<PairwiseCalculator>> calcs;
  auto calculator = [&](const std::string& rel_name, Sex sex,
                        const std::string& where) -> absl::StatusOr<const PairwiseCalculator*> {
    auto& calc = calcs[{rel_name, sex}];
    if (!calc) {
      auto rel = ParseRelationship(rel_name);
      if (!rel.ok()) return absl::InvalidArgumentError(absl::StrCat(where, ": ", rel.status().message()));
      opts.sex1 = sex;
      auto c = PairwiseCalculator::Create(table, *rel, opts);
      if (!c.ok()) return absl::Status(c.status().code(), absl::StrCat(where, ": ", c.status().message()));
      calc = std::make_unique<PairwiseCalculator>(std::move(*c));
    }
    return calc.get();
  };
  int sexes_from_amel = 0;
  for (const PairQuery& q : pairs) {
    const std::string alternative = q.alternative.empty() ? "unrelated" : q.alternative;
    const int i1 = profiles.FindSample(q.id1), i2 = profiles.FindSample(q.id2);
    if (i1 < 0 || i2 < 0)
      return absl::FailedPreconditionError(
          absl::StrCat(q.where, ": sample '", i1 < 0 ? q.id1 : q.id2, "' is in no profile file"));
    if (i1 == i2) return absl::InvalidArgumentError(absl::StrCat(q.where, ": id1 and id2 are the same sample"));
    // The sex of each person: the pair's own, else sex1 (id1), else Amelogenin.
    Sex sex[2];
    for (int k = 0; k < 2; ++k) {
      const std::string& written = k == 0 ? q.sex1 : q.sex2;
      const std::string& id = k == 0 ? q.id1 : q.id2;
      const Sex amel = profiles.amel_sex(k == 0 ? i1 : i2);
      Sex given = Sex::kUnknown;
      if (!written.empty()) {
        auto parsed = ParseSex(written);
        if (!parsed.ok())
          return absl::InvalidArgumentError(absl::StrCat(q.where, ": sex", k + 1, ": ", parsed.status().message()));
        given = *parsed;
      } else if (k == 0) {
        given = req.sex1;
      }
      if (given != Sex::kUnknown && amel != Sex::kUnknown && given != amel)
        diag->Warn(absl::StrCat(q.where, ": ", id, " is given as ", SexName(given), " but the Amelogenin of the ",
                                "profile says ", SexName(amel), "; ", SexName(given), " is used (check the sample)"));
      sex[k] = given != Sex::kUnknown ? given : amel;
      sexes_from_amel += given == Sex::kUnknown && amel != Sex::kUnknown;
    }
    KINSHIP_ASSIGN_OR_RETURN(const PairwiseCalculator* h1, calculator(q.relationship, sex[0], q.where));
    LrRow r;
    r.key = {q.id1, q.id2, q.relationship};
    r.extra = {alternative, SexName(sex[0]), SexName(sex[1])};
    std::vector<double> values;
    bool one_sided = h1->one_sided();
    if (alternative == "unrelated") {
      const PairResult pr = h1->Compute(profiles, i1, profiles, i2, &values, obs);
      r.log10_lr = pr.log10_lr;
      r.loci_compared = pr.loci_compared;
      r.loci_inconsistent = pr.loci_inconsistent;
    } else {
      KINSHIP_ASSIGN_OR_RETURN(const PairwiseCalculator* h2, calculator(alternative, sex[0], q.where));
      one_sided |= h2->one_sided();
      auto cmp = ComparePair(table, *h1, *h2, profiles, i1, profiles, i2, &values, obs);
      if (!cmp.ok()) return absl::Status(cmp.status().code(), absl::StrCat(q.where, ": ", cmp.status().message()));
      r.log10_lr = cmp->log10_lr;
      r.loci_compared = cmp->loci_compared;
      r.loci_inconsistent = cmp->loci_inconsistent;
    }
    r.per_locus.assign(locus_ct, NAN);
    for (int l = 0; l < locus_ct; ++l) {
      const int typed = (profiles.genotype(l, i1) != kUntyped) + (profiles.genotype(l, i2) != kUntyped);
      // Typed in both, or in one with one-sided loci computed (kinship/pairwise.h).
      if (typed == 2 || (typed == 1 && one_sided)) r.per_locus[l] = values[l];
    }
    if (req.detail) {
      // Per locus: impossible under the relationship without mutation (as Compute counts it).
      r.inconsistent_loci.assign(locus_ct, 0);
      for (int l = 0; l < locus_ct; ++l) {
        const GenotypeIdx g1 = profiles.genotype(l, i1), g2 = profiles.genotype(l, i2);
        if (g1 == kUntyped || g2 == kUntyped) continue;
        const Locus& locus = table.locus(l);
        const ObservationParams p1 = obs ? obs->Get(q.id1, l) : ObservationParams{};
        const ObservationParams p2 = obs ? obs->Get(q.id2, l) : ObservationParams{};
        bool inconsistent = false;
        if (ObservationUncertain(locus, g1, p1) || ObservationUncertain(locus, g2, p2)) {
          h1->EvidenceLocusLr(l, ObservationLikelihoods(locus, g1, p1), ObservationLikelihoods(locus, g2, p2),
                              &inconsistent);
        } else {
          h1->LocusLr(l, g1, g2, &inconsistent);
        }
        r.inconsistent_loci[l] = inconsistent;
      }
      auto d = std::make_shared<CaseDetail>();
      const std::string& rel1 = h1->relationship().name;
      d->h1 = RelationshipWords(rel1, q.id1, q.id2);
      d->h2 = RelationshipWords(alternative, q.id1, q.id2);
      d->samples = {q.id1, q.id2};
      d->roles = {"id1", "id2"};
      d->ped_h1 = RelationshipPedigree(rel1, q.id1, sex[0], q.id2, sex[1], "H1: " + d->h1);
      d->ped_h2 = RelationshipPedigree(alternative, q.id1, sex[0], q.id2, sex[1], "H2: " + d->h2);
      FillDetailLoci(table, mutation, profiles, obs, r, d.get());
      r.detail = std::move(d);
    }
    result->rows.push_back(std::move(r));
  }
  if (sexes_from_amel > 0)
    diag->Info(absl::StrCat(sexes_from_amel, " sex(es) of the pairs taken from the profiles' Amelogenin"));
  return absl::OkStatus();
}

// Cases mode.
// log10 P(refs, MP = victim) - log10 P(refs) P(V = victim) at one locus where the victim's
// observation or a reference's is uncertain (kinship/observation.h): the references `g` with
// their evidence `ev`, the victim's observation `gv` (kEvidence with evidence `wv`, or a
// genotype). H1 puts the victim at the missing person `mp`; H2 makes it an unrelated member
// (at theta = 0 independent: P(refs) Σ_g wv(g) HW(g); at theta > 0 a further founder of the
// subpopulation). `*h1_log10` gets log10 P(data | H1).
absl::StatusOr<double> ObservedCaseLocus(const Pedigree& ped, const std::vector<GenotypeIdx>& g,
                                         const MemberEvidence& ev, int mp, GenotypeIdx gv,
                                         const std::vector<double>& wv, const PedigreeLocusModel& model,
                                         const EngineLimits& fam_limits, double* h1_log10) {
  MemberEvidence ev1 = ev;
  ev1.resize(ped.size());
  std::vector<GenotypeIdx> h1 = g;
  h1[mp] = gv;
  if (gv == kEvidence) ev1[mp] = wv;
  EngineLimits lim1 = fam_limits;
  lim1.evidence = &ev1;
  if (!lim1.typed_anywhere.empty()) lim1.typed_anywhere[mp] = 1;
  KINSHIP_ASSIGN_OR_RETURN(*h1_log10, PedigreeLog10Likelihood(ped, h1, model, lim1));
  double l2;
  if (model.theta() == 0) {
    EngineLimits lim_refs = fam_limits;
    lim_refs.evidence = &ev1;  // the references' evidence (the missing person untyped in g)
    KINSHIP_ASSIGN_OR_RETURN(const double refs, PedigreeLog10Likelihood(ped, g, model, lim_refs));
    double victim = 0;
    if (gv == kEvidence) {
      for (size_t x = 0; x < wv.size(); ++x)
        if (wv[x] != 0) victim += wv[x] * internal::HardyWeinberg(model.freqs(), static_cast<GenotypeIdx>(x));
    } else {
      victim = internal::HardyWeinberg(model.freqs(), gv);
    }
    l2 = refs + std::log10(victim);
  } else {
    Pedigree h2 = ped;
    Person v;
    v.id = "\x01victim";  // cannot clash with a member id read from a file
    h2.Add(v);
    std::vector<GenotypeIdx> g2 = g;
    g2.push_back(gv);
    MemberEvidence ev2 = ev;
    ev2.resize(ped.size());
    ev2.push_back(gv == kEvidence ? wv : std::vector<double>{});
    EngineLimits lim2 = fam_limits;
    lim2.evidence = &ev2;
    if (!lim2.typed_anywhere.empty()) lim2.typed_anywhere.push_back(1);
    KINSHIP_ASSIGN_OR_RETURN(l2, PedigreeLog10Likelihood(h2, g2, model, lim2));
  }
  if (l2 == -INFINITY)
    return absl::FailedPreconditionError(absl::StrCat("family ", ped.family(),
                                                      ": the references are impossible under the pedigree"));
  return *h1_log10 - l2;
}

// The cases `cases` of the families `peds` (read from `peds_label`, named in messages).
absl::Status ComputeCases(const LrRequest& req, const std::vector<Pedigree>& peds, const std::string& peds_label,
                          const std::vector<CaseQuery>& cases, const AlleleFreqTable& table,
                          const MutationSpec& mutation, const ProfileSet& profiles, const ObservationTable* obs,
                          Diagnostics* diag, LrResult* result) {
  const int locus_ct = table.locus_ct();
  const double theta = req.model.theta;
  result->key_header = {"family", "missing_id", "sample_id"};
  std::map<std::string, int> fam_index;
  // Per family: every member's genotypes per locus.
  std::vector<std::vector<std::vector<GenotypeIdx>>> refs(peds.size());
  std::vector<FamilyEvidence> ref_ev(peds.size());
  for (size_t f = 0; f < peds.size(); ++f) {
    const Pedigree& ped = peds[f];
    if (!fam_index.emplace(ped.family(), static_cast<int>(f)).second)
      return absl::InvalidArgumentError(absl::StrCat(peds_label, ": family ", ped.family(), " twice"));
    KINSHIP_ASSIGN_OR_RETURN(refs[f], FamilyGenotypes(ped, profiles, table, obs, &ref_ev[f], peds_label));
  }
  for (const Pedigree& ped : peds) CheckSexesAgainstAmel(ped, profiles, diag);
  // The alternative hypothesis' pedigrees, by family.
  std::vector<Pedigree> peds_h2;
  std::map<std::string, int> fam_h2;
  if (!req.pedigrees_h2_path.empty()) {
    KINSHIP_ASSIGN_OR_RETURN(peds_h2, ReadPedigrees(req.pedigrees_h2_path, /*require_missing=*/false, diag));
    for (size_t f = 0; f < peds_h2.size(); ++f) {
      if (!fam_h2.emplace(peds_h2[f].family(), static_cast<int>(f)).second)
        return absl::InvalidArgumentError(
            absl::StrCat(req.pedigrees_h2_path, ": family ", peds_h2[f].family(), " twice"));
      FamilyEvidence unused;
      KINSHIP_RETURN_IF_ERROR(FamilyGenotypes(peds_h2[f], profiles, table, obs, &unused, req.pedigrees_h2_path).status());
      CheckSexesAgainstAmel(peds_h2[f], profiles, diag);
    }
  }
  KINSHIP_ASSIGN_OR_RETURN(auto models, BuildPedigreeModels(table, mutation, theta, req.model.untyped_founders));
  // Per family: which members have a genotype at some locus (Familias mode reduces the
  // pedigree by it once, not per locus).
  std::vector<EngineLimits> fam_limits(peds.size());
  for (size_t f = 0; f < peds.size(); ++f) {
    fam_limits[f].typed_anywhere.assign(peds[f].size(), 0);
    for (int l = 0; l < locus_ct; ++l)
      for (int i = 0; i < peds[f].size(); ++i)
        if (refs[f][l][i] != kUntyped) fam_limits[f].typed_anywhere[i] = 1;
  }
  // Without mutation, for loci_inconsistent and the consistency checks; at theta 0 whatever
  // theta (whether a likelihood is 0 does not depend on theta; see pipeline/match.cc).
  std::vector<PedigreeLocusModel> plain;
  if (mutation.enabled()) {
    KINSHIP_ASSIGN_OR_RETURN(plain, BuildPedigreeModels(table, MutationSpec{}, 0.0));
  }
  // Consistency of each family's references, checked once per family and locus.
  std::set<std::pair<int, int>> checked;
  auto check_refs = [&](int f, int l) -> absl::Status {
    if (!checked.insert({f, l}).second) return absl::OkStatus();
    return CheckFamilyReferences(peds[f], refs[f][l], mutation.enabled() ? plain[l] : models[l], models[l],
                                 mutation.enabled(), table.locus(l).name(), diag,
                                 ref_ev[f].empty() ? nullptr : &ref_ev[f][l]);
  };
  // Family tables (theta = 0), cached per (family, missing person, locus).
  std::map<std::tuple<int, int, int>, std::vector<double>> tables;
  for (const CaseQuery& q : cases) {
    auto fit = fam_index.find(q.family);
    if (fit == fam_index.end())
      return absl::FailedPreconditionError(
          absl::StrCat(q.where, ": family '", q.family, "' is not in ", peds_label));
    const int f = fit->second;
    const Pedigree& ped = peds[f];
    const int mp = ped.Find(q.missing_id);
    if (mp < 0 || !ped.person(mp).missing)
      return absl::FailedPreconditionError(
          absl::StrCat(q.where, ": '", q.missing_id, "' is not a missing person of family ", q.family));
    const int s = profiles.FindSample(q.sample_id);
    if (s < 0)
      return absl::FailedPreconditionError(
          absl::StrCat(q.where, ": sample '", q.sample_id, "' is in no profile file"));
    for (int i = 0; i < ped.size(); ++i)
      if (ped.person(i).sample_id == q.sample_id)
        return absl::FailedPreconditionError(absl::StrCat(q.where, ": sample '", q.sample_id,
                                                          "' is a reference of family ", q.family, " (member ",
                                                          ped.person(i).id, ")"));
    LrRow r;
    r.key = {q.family, q.missing_id, q.sample_id};
    r.per_locus.assign(locus_ct, NAN);
    r.inconsistent_loci.assign(locus_ct, 0);
    // The case's detail (LrRequest::detail): who is typed, both pedigrees, per locus.
    auto add_detail = [&](LrRow* row) {
      if (!req.detail) return;
      auto d = std::make_shared<CaseDetail>();
      d->h1 = absl::StrCat("sample ", q.sample_id, " is the missing person ", q.missing_id, " of family ", q.family);
      d->samples = {q.sample_id};
      d->roles = {"candidate"};
      auto add_refs = [&](const Pedigree& p, const char* role) {
        for (const Person& x : p.persons())
          if (!x.sample_id.empty() &&
              std::find(d->samples.begin(), d->samples.end(), x.sample_id) == d->samples.end()) {
            d->samples.push_back(x.sample_id);
            d->roles.push_back(absl::StrCat(role, " (member ", x.id, ")"));
          }
      };
      add_refs(ped, "reference");
      d->ped_h1 = ToDetail(ped, mp, q.sample_id, "H1: " + d->h1);
      if (req.pedigrees_h2_path.empty()) {
        d->h2 = absl::StrCat("sample ", q.sample_id, " is unrelated to family ", q.family);
        d->ped_h2 = ToDetail(ped, -1, "", "H2: " + d->h2);
        DetailMember v;
        v.id = q.sample_id;
        v.sex = profiles.amel_sex(s);
        v.sample_id = q.sample_id;
        v.candidate = true;
        d->ped_h2.members.push_back(std::move(v));
      } else {
        const Pedigree& alt = peds_h2[fam_h2.at(q.family)];
        d->h2 = absl::StrCat("sample ", q.sample_id, " stands at ", q.missing_id, " in the alternative pedigree of family ",
                             q.family, " (", req.pedigrees_h2_path, ")");
        d->ped_h2 = ToDetail(alt, alt.Find(q.missing_id), q.sample_id, "H2: " + d->h2);
        add_refs(alt, "reference under H2");
      }
      FillDetailLoci(table, mutation, profiles, obs, *row, d.get());
      row->detail = std::move(d);
    };
    if (!req.pedigrees_h2_path.empty()) {
      KINSHIP_RETURN_IF_ERROR(AlternativeCase(ped, peds_h2, fam_h2, mp, s, profiles, models, plain, q.where,
                                              req.pedigrees_h2_path, &r, table, obs));
      add_detail(&r);
      result->rows.push_back(std::move(r));
      continue;
    }
    for (int l = 0; l < locus_ct; ++l) {
      const GenotypeIdx gv = profiles.genotype(l, s);
      if (gv == kUntyped) continue;
      const std::vector<GenotypeIdx>& g = refs[f][l];
      bool any_ref = false;
      for (GenotypeIdx x : g) any_ref |= x != kUntyped;
      // No reference typed here: LR(g) = P(MP = g) / P(V = g), 1 unless the victim's
      // alleles reach the missing person through mutated transmissions (pairwise.h,
      // OneSidedLociInformative); such a locus counts in the total, not as compared.
      const bool one_sided = !any_ref;
      if (one_sided && !OneSidedLociInformative(models[l])) continue;
      KINSHIP_RETURN_IF_ERROR(check_refs(f, l));
      std::vector<double> wv;
      const GenotypeIdx ge = EngineObservation(table.locus(l), gv, obs ? obs->Get(q.sample_id, l) : ObservationParams{},
                                               &wv);
      bool refs_evidence = false;
      for (GenotypeIdx x : g) refs_evidence |= x == kEvidence;
      if (ge == kEvidence || refs_evidence) {
        // Uncertain observations: both hypotheses' likelihoods with the evidence.
        static const MemberEvidence kNone;
        double h1_log10;
        KINSHIP_ASSIGN_OR_RETURN(const double log10_lr,
                                 ObservedCaseLocus(ped, g, ref_ev[f].empty() ? kNone : ref_ev[f][l], mp, ge, wv,
                                                   models[l], fam_limits[f], &h1_log10));
        bool inconsistent = h1_log10 == -INFINITY;
        if (mutation.enabled()) {
          double plain_h1;
          KINSHIP_RETURN_IF_ERROR(ObservedCaseLocus(ped, g, ref_ev[f].empty() ? kNone : ref_ev[f][l], mp, ge, wv,
                                                    plain[l], fam_limits[f], &plain_h1)
                                      .status());
          inconsistent = plain_h1 == -INFINITY;
        }
        r.per_locus[l] = log10_lr;
        r.log10_lr += log10_lr;
        if (one_sided) continue;
        ++r.loci_compared;
        r.loci_inconsistent += inconsistent;
        r.inconsistent_loci[l] = inconsistent;
        continue;
      }
      double lr;
      if (theta == 0) {
        auto& t = tables[{f, mp, l}];
        if (t.empty()) {
          KINSHIP_ASSIGN_OR_RETURN(t, FamilyTable(ped, g, mp, models[l], fam_limits[f]));
        }
        lr = t[gv];
      } else {
        KINSHIP_ASSIGN_OR_RETURN(lr, MissingPersonLocusLr(ped, g, mp, gv, models[l], fam_limits[f]));
      }
      bool inconsistent = lr == 0;
      if (mutation.enabled()) {  // impossible under H1 without mutation?
        std::vector<GenotypeIdx> h1 = g;
        h1[mp] = gv;
        KINSHIP_ASSIGN_OR_RETURN(const double x, PedigreeLog10Likelihood(ped, h1, plain[l]));
        inconsistent = x == -INFINITY;
      }
      const double log10_lr = std::log10(lr);
      r.per_locus[l] = log10_lr;
      r.log10_lr += log10_lr;
      if (one_sided) continue;
      ++r.loci_compared;
      r.loci_inconsistent += inconsistent;
      r.inconsistent_loci[l] = inconsistent;
    }
    add_detail(&r);
    result->rows.push_back(std::move(r));
  }
  return absl::OkStatus();
}

// Cases mode: the pedigrees and cases files (or cases in memory).
absl::Status ComputeCasesFromFiles(const LrRequest& req, const AlleleFreqTable& table, const MutationSpec& mutation,
                                   const ProfileSet& profiles, const ObservationTable* obs, Diagnostics* diag,
                                   LrResult* result) {
  if (req.stage) req.stage(absl::StrCat("reading the pedigrees ", req.pedigrees_path));
  KINSHIP_ASSIGN_OR_RETURN(std::vector<Pedigree> peds,
                           ReadPedigrees(req.pedigrees_path, /*require_missing=*/true, diag));
  std::vector<CaseQuery> read_cases;
  if (!req.cases_path.empty()) {
    if (req.stage) req.stage(absl::StrCat("reading the cases ", req.cases_path));
    KINSHIP_ASSIGN_OR_RETURN(read_cases, ReadCases(req.cases_path));
  }
  return ComputeCases(req, peds, req.pedigrees_path, req.cases_path.empty() ? req.cases : read_cases, table,
                      mutation, profiles, obs, diag, result);
}

// Trios mode: each trio is the family {alleged parent (missing), known parent, child} (the
// known parent untyped for a duo) with the alleged parent's sample as the candidate, against
// unrelated: P(data | AP parent of C) / P(data | AP unrelated, C's other parent untyped), which
// is the paternity index with the known parent (Evett & Weir 1998, ch. 9).
absl::Status ComputeTrios(const LrRequest& req, const AlleleFreqTable& table, const MutationSpec& mutation,
                          const ProfileSet& profiles, const ObservationTable* obs, Diagnostics* diag,
                          LrResult* result) {
  std::vector<TrioQuery> read_trios;
  if (!req.trios_path.empty()) {
    if (req.stage) req.stage(absl::StrCat("reading the trios ", req.trios_path));
    KINSHIP_ASSIGN_OR_RETURN(read_trios, ReadTrios(req.trios_path));
  }
  const std::vector<TrioQuery>& trios = req.trios_path.empty() ? req.trios : read_trios;
  // Whether the sexes' mutation models differ anywhere (then the alleged parent's sex matters).
  bool sexes_differ = false;
  if (mutation.enabled())
    for (const Locus& l : table.loci()) {
      const MutationParams m = mutation.ParamsFor(l.name(), Sex::kMale);
      const MutationParams f = mutation.ParamsFor(l.name(), Sex::kFemale);
      sexes_differ |= m.model != f.model || m.rate != f.rate || m.rate2 != f.rate2 || m.range != f.range ||
                      m.transform != f.transform;
    }
  std::vector<Pedigree> peds;
  std::vector<CaseQuery> cases;
  std::vector<std::string> sexes;
  std::set<std::string> seen;
  for (const TrioQuery& t : trios) {
    const std::string label = req.trios_path.empty() ? std::string("trios") : req.trios_path;
    const std::string where = t.where.empty() ? label : t.where;
    const std::string key = absl::StrCat(t.alleged_parent, ",", t.child, ",", t.known_parent);
    if (!seen.insert(key).second)
      return absl::InvalidArgumentError(absl::StrCat(where, ": the trio ", key, " is given twice"));
    for (const std::string* id : {&t.alleged_parent, &t.child, &t.known_parent}) {
      if (id->empty()) continue;
      if (profiles.FindSample(*id) < 0)
        return absl::FailedPreconditionError(absl::StrCat(where, ": sample '", *id, "' is in no profile file"));
    }
    if (t.alleged_parent == t.child || t.alleged_parent == t.known_parent || t.child == t.known_parent)
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": a sample appears twice in the trio ", key, "; expected three different samples"));
    Sex sex = Sex::kUnknown;
    std::string how;
    if (!t.sex.empty()) {
      auto parsed = ParseSex(t.sex);
      if (!parsed.ok() || *parsed == Sex::kUnknown)
        return absl::InvalidArgumentError(
            absl::StrCat(where, ": sex '", t.sex, "' of the alleged parent; expected male or female (or 1 or 2)"));
      sex = *parsed;
    } else if (Sex a = profiles.amel_sex(profiles.FindSample(t.alleged_parent)); a != Sex::kUnknown) {
      sex = a;
      how = "Amelogenin";
    } else if (Sex k = t.known_parent.empty() ? Sex::kUnknown : profiles.amel_sex(profiles.FindSample(t.known_parent));
               k != Sex::kUnknown) {
      sex = k == Sex::kMale ? Sex::kFemale : Sex::kMale;
      how = "the known parent's Amelogenin";
    } else if (sexes_differ) {
      return absl::FailedPreconditionError(absl::StrCat(
          where, ": the alleged parent's sex is needed (the mutation rates of the sexes differ) and neither the "
                 "trio nor an Amelogenin gives it; expected a sex column (male or female)"));
    } else {
      sex = Sex::kMale;  // the model is the same for both sexes: the result does not depend on it
      how = "unknown (the model is the same for both sexes)";
    }
    Pedigree ped(absl::StrCat("trio ", key));
    Person ap{"alleged_parent", -1, -1, sex, "", /*missing=*/true};
    Person kp{"known_parent", -1, -1, sex == Sex::kMale ? Sex::kFemale : Sex::kMale, t.known_parent, false};
    const int a = ped.Add(ap);
    const int k = ped.Add(kp);
    Person ch{"child", sex == Sex::kMale ? a : k, sex == Sex::kMale ? k : a, Sex::kUnknown, t.child, false};
    ped.Add(ch);
    KINSHIP_RETURN_IF_ERROR(ped.Validate());
    peds.push_back(std::move(ped));
    cases.push_back({peds.back().family(), "alleged_parent", t.alleged_parent, where});
    sexes.push_back(how.empty() ? std::string(SexName(sex)) : absl::StrCat(SexName(sex), " (", how, ")"));
    if (absl::StrContains(how, "Amelogenin"))
      diag->Info(absl::StrCat(where, ": alleged parent ", t.alleged_parent, " taken as ", SexName(sex), " from ", how));
  }
  KINSHIP_RETURN_IF_ERROR(ComputeCases(req, peds, req.trios_path.empty() ? "trios" : req.trios_path, cases, table,
                                       mutation, profiles, obs, diag, result));
  result->key_header = {"alleged_parent", "child", "known_parent"};
  for (size_t i = 0; i < trios.size(); ++i) {
    const TrioQuery& t = trios[i];
    LrRow& row = result->rows[i];
    row.key = {t.alleged_parent, t.child, t.known_parent};
    row.extra = {sexes[i]};
    if (!row.detail) continue;
    // The case's words said as the paternity question it is.
    auto d = std::make_shared<CaseDetail>(*row.detail);
    const Sex sex = peds[i].person(0).sex;
    const char* parent = sex == Sex::kFemale ? "mother" : "father";
    const std::string with = t.known_parent.empty() ? std::string() : absl::StrCat(", with ", t.known_parent,
                                                                                    " as the other parent");
    d->h1 = absl::StrCat(t.alleged_parent, " is the ", parent, " of ", t.child, with);
    d->h2 = absl::StrCat(t.alleged_parent, " is unrelated to ", t.child, ", whose ", parent,
                         " is another, untyped person", with);
    d->ped_h1.title = "H1: " + d->h1;
    d->ped_h2.title = "H2: " + d->h2;
    for (std::string& role : d->roles) {
      if (role == "candidate") role = absl::StrCat("alleged ", parent);
      else if (absl::StrContains(role, "known_parent")) role = "known parent";
      else if (absl::StrContains(role, "child")) role = "child";
    }
    row.detail = std::move(d);
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<LrResult> ComputeLrs(const LrRequest& req, Diagnostics* diag) {
  const bool trios_mode = !req.trios_path.empty() || !req.trios.empty();
  const bool cases_mode = req.pairs_path.empty() && req.pairs.empty();
  if (cases_mode && req.pedigrees_path.empty() && !trios_mode)
    return absl::InvalidArgumentError("give either --pairs, --trios, or --pedigrees with --cases");
  if (trios_mode && (!cases_mode || !req.pedigrees_path.empty()))
    return absl::InvalidArgumentError("--trios goes alone: not with --pairs or --pedigrees");
  // Inputs: frequencies, sample sizes, rates, profiles (imputation completes the table).
  KINSHIP_ASSIGN_OR_RETURN(LoadedModel model, LoadModel(req.model, diag, req.stage));
  AlleleFreqTable* table = &model.table;
  ProfileBinder binder(req.model.build_options(), table, diag);  // files bound in batches, never held whole
  for (const ProfileSource& src : req.profiles) {
    if (src.path.empty()) {
      KINSHIP_RETURN_IF_ERROR(binder.Add(src.records));
      continue;
    }
    if (req.stage) req.stage(absl::StrCat("reading the profiles ", src.path));
    KINSHIP_RETURN_IF_ERROR(ReadProfileRecordsInChunks(
        src.path, diag, kProfileBatchRows, [&](std::vector<GenotypeRecord>* batch) { return binder.Add(*batch); }));
  }
  KINSHIP_ASSIGN_OR_RETURN(ProfileSet profiles, binder.Finish());
  LrResult result;
  KINSHIP_ASSIGN_OR_RETURN(result.table, FinishTable(req.model, table, diag));
  // Drop-out and drop-in per sample (kinship/observation.h), over the finished table's loci.
  std::optional<ObservationTable> obs;
  if (!req.observation_path.empty()) {
    if (req.stage) req.stage(absl::StrCat("reading the observation parameters ", req.observation_path));
    KINSHIP_ASSIGN_OR_RETURN(obs, ReadObservations(req.observation_path, *table, diag));
    KINSHIP_RETURN_IF_ERROR(CheckObservationSamples(*obs, {&profiles}, req.observation_path));
  }
  const ObservationTable* obs_ptr = obs ? &*obs : nullptr;
  NoteRatesInUse(*table, model.mutation, diag);
  result.cases = cases_mode;
  result.theta = req.model.theta;
  result.mutation_model = req.model.mutation_model;
  for (const Locus& l : table->loci()) result.locus_names.push_back(l.name());
  result.trios = trios_mode;
  if (trios_mode) {
    KINSHIP_RETURN_IF_ERROR(ComputeTrios(req, *table, model.mutation, profiles, obs_ptr, diag, &result));
  } else if (cases_mode) {
    KINSHIP_RETURN_IF_ERROR(ComputeCasesFromFiles(req, *table, model.mutation, profiles, obs_ptr, diag, &result));
  } else {
    KINSHIP_RETURN_IF_ERROR(ComputePairs(req, *table, model.mutation, profiles, obs_ptr, diag, &result));
  }
  if (req.detail) {
    Provenance& prov = result.provenance;
    prov.version = KINSHIP_VERSION_STRING;
    prov.command = req.command;
    prov.parameters = ModelParameters(req.model, model.mutation);
    prov.parameters.push_back({"untyped_founders", UntypedFoundersName(req.model.untyped_founders)});
    std::vector<std::pair<std::string, std::string>> inputs = {{"freqs", req.model.freqs_path}};
    if (!req.model.sample_sizes_path.empty()) inputs.push_back({"sample-sizes", req.model.sample_sizes_path});
    if (!req.model.rates_path.empty()) inputs.push_back({"mutation-rates", req.model.rates_path});
    for (const ProfileSource& src : req.profiles)
      if (!src.path.empty()) inputs.push_back({"profiles", src.path});
    for (const auto& [role, path] : {std::pair<std::string, std::string>{"pairs", req.pairs_path},
                                     {"pedigrees", cases_mode ? req.pedigrees_path : ""},
                                     {"cases", req.cases_path},
                                     {"pedigrees-h2", req.pedigrees_h2_path},
                                     {"observation", req.observation_path}})
      if (!path.empty()) inputs.push_back({role, path});
    for (const auto& [role, path] : inputs) prov.inputs.push_back({role, path, InputSha256(path, *diag)});
    prov.table = result.table;
  }
  // A NaN must never become a row (a per-locus NaN makes the total NaN too).
  for (const LrRow& r : result.rows)
    KINSHIP_RETURN_IF_ERROR(
        CheckFinishedNumber(r.log10_lr, absl::StrCat("log10 LR of ", absl::StrJoin(r.key, ","))));
  return result;
}

}  // namespace kinship
