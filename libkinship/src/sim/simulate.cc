// Simulated families, missing persons and victims (kinship/simulate.h).
#include "kinship/simulate.h"

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace kinship {

namespace {

// A family shape: members (id, father, mother, sex, typed, missing) in parent-before-child
// order. The one-MP shapes name their missing person "MP".
struct ShapeMember {
  const char* id;
  const char* father;
  const char* mother;
  int sex;
  bool typed;
  bool missing = false;
};
struct Shape {
  const char* name;
  std::vector<ShapeMember> members;
};

const std::vector<Shape>& Shapes() {
  static const std::vector<Shape> shapes = {
      {"parents", {{"FA", nullptr, nullptr, 1, true}, {"MO", nullptr, nullptr, 2, true}, {"MP", "FA", "MO", 1, false}}},
      {"mother-sister",
       {{"FA", nullptr, nullptr, 1, false},
        {"MO", nullptr, nullptr, 2, true},
        {"S1", "FA", "MO", 2, true},
        {"MP", "FA", "MO", 1, false}}},
      {"wife-children",
       {{"MP", nullptr, nullptr, 1, false},
        {"W", nullptr, nullptr, 2, true},
        {"C1", "MP", "W", 1, true},
        {"C2", "MP", "W", 2, true}}},
      {"grandparents-aunt",
       {{"GF", nullptr, nullptr, 1, true},
        {"GM", nullptr, nullptr, 2, true},
        {"FA", "GF", "GM", 1, false},
        {"AU", "GF", "GM", 2, true},
        {"MO", nullptr, nullptr, 2, false},
        {"MP", "FA", "MO", 1, false}}},
      {"siblings",
       {{"FA", nullptr, nullptr, 1, false},
        {"MO", nullptr, nullptr, 2, false},
        {"S1", "FA", "MO", 2, true},
        {"S2", "FA", "MO", 1, true},
        {"MP", "FA", "MO", 1, false}}},
      {"father", {{"FA", nullptr, nullptr, 1, true}, {"MO", nullptr, nullptr, 2, false}, {"MP", "FA", "MO", 1, false}}},
      // Several missing persons (for `kinship dvi`; SimulationDviShapeNames()).
      {"father-son",
       {{"FA", nullptr, nullptr, 1, false, true},
        {"MO", nullptr, nullptr, 2, true},
        {"S1", "FA", "MO", 1, false, true},
        {"D1", "FA", "MO", 2, true}}},
      {"two-sisters",
       {{"FA", nullptr, nullptr, 1, true},
        {"MO", nullptr, nullptr, 2, false},
        {"D1", "FA", "MO", 2, false, true},
        {"D2", "FA", "MO", 2, false, true},
        {"S1", "FA", "MO", 1, true}}},
      {"parents-son",
       {{"GF", nullptr, nullptr, 1, false},
        {"GM", nullptr, nullptr, 2, true},
        {"FA", nullptr, nullptr, 1, false, true},
        {"MO", "GF", "GM", 2, false, true},
        {"S1", "FA", "MO", 1, false, true},
        {"D1", "FA", "MO", 2, true}}},
  };
  return shapes;
}

bool IsMissing(const ShapeMember& m) { return m.missing || std::string(m.id) == "MP"; }
constexpr int kDefaultShapeCount = 6;  // the one-MP shapes: SimulationShapeNames()

int MemberIndex(const Shape& shape, const char* id) {
  for (size_t i = 0; i < shape.members.size(); ++i)
    if (std::string(shape.members[i].id) == id) return static_cast<int>(i);
  return -1;
}

// Portable draws (the same numbers on every platform for a seed): std::mt19937_64 is
// specified exactly; the distributions here are our own.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : gen_(seed) {}
  double Uniform() { return static_cast<double>(gen_() >> 11) * 0x1.0p-53; }
  bool Coin() { return (gen_() >> 63) != 0; }
  std::uint64_t Below(std::uint64_t n) { return gen_() % n; }

 private:
  std::mt19937_64 gen_;
};

// An allele drawn with the table's frequencies (Hardy-Weinberg: a founder's two alleles are
// two independent draws), by inversion of the cumulative sums.
int DrawAllele(const std::vector<double>& cumulative, Rng& rng) {
  const double u = rng.Uniform() * cumulative.back();
  int a = 0;
  while (a + 1 < static_cast<int>(cumulative.size()) && cumulative[a] <= u) ++a;
  return a;
}

// What a lab sees of the true genotype `truth` at `locus` (docs/model.md, "Observations"):
// each visible allele (not silent) fails with probability d = allele_dropout (a homozygote's
// two copies both with d²), then with probability c = dropin one allele drawn from the
// visible alleles' frequencies joins. One allele seen is written x,x; nothing seen, or three
// alleles (no two-allele row can hold them), is kUntyped. Draws: one uniform per visible
// allele (one for a homozygote) when d > 0, then one for the drop-in and its allele when c > 0.
GenotypeIdx Observe(const Locus& locus, GenotypeIdx truth, const SimulateOptions& options,
                    const std::vector<double>& visible_cumulative, Rng& rng) {
  const AllelePair ab = GenotypeAlleles(truth);
  std::vector<int> seen;
  for (int x : {static_cast<int>(ab.a), static_cast<int>(ab.b)})
    if (locus.observable(x) && std::find(seen.begin(), seen.end(), x) == seen.end()) seen.push_back(x);
  const double d = options.allele_dropout;
  if (d > 0) {
    if (seen.size() == 2) {
      std::vector<int> kept;
      for (int x : seen)
        if (!(rng.Uniform() < d)) kept.push_back(x);
      seen = kept;
    } else if (seen.size() == 1 && rng.Uniform() < d * d) {
      seen.clear();
    }
  }
  if (options.dropin > 0 && rng.Uniform() < options.dropin) {
    const int z = DrawAllele(visible_cumulative, rng);
    if (std::find(seen.begin(), seen.end(), z) == seen.end()) seen.push_back(z);
  }
  if (seen.empty() || seen.size() > 2) return kUntyped;
  return GenotypeIndex(seen[0], seen.size() == 2 ? seen[1] : seen[0]);
}

// Alleles per locus in the order drawn (a child takes its father's allele first): transmission
// picks by position, so the order is part of the random stream.
using OrderedGenotypes = std::vector<std::pair<int, int>>;

std::vector<GenotypeIdx> Unordered(const OrderedGenotypes& alleles) {
  std::vector<GenotypeIdx> genotypes(alleles.size());
  for (size_t l = 0; l < alleles.size(); ++l) genotypes[l] = GenotypeIndex(alleles[l].first, alleles[l].second);
  return genotypes;
}

absl::Status CheckOptions(const AlleleFreqTable& freqs, const SimulateOptions& options) {
  if (options.family_ct < 0 || options.unrelated_ct < 0)
    return absl::InvalidArgumentError("the numbers of families and unrelated victims must be >= 0");
  if (options.family_ct > kMaxSimulated || options.unrelated_ct > kMaxSimulated)
    return absl::InvalidArgumentError(
        absl::StrCat("the numbers of families and unrelated victims must be at most ", kMaxSimulated));
  if (options.family_ct + options.unrelated_ct == 0)
    return absl::InvalidArgumentError("nothing to simulate: no families and no unrelated victims");
  if (!(options.dropout >= 0 && options.dropout < 1))
    return absl::InvalidArgumentError("the dropout probability must be in [0, 1)");
  if (!(options.allele_dropout >= 0 && options.allele_dropout < 1))
    return absl::InvalidArgumentError("the allele drop-out probability must be in [0, 1)");
  if (!(options.dropin >= 0 && options.dropin < 1))
    return absl::InvalidArgumentError("the drop-in probability must be in [0, 1)");
  if (options.family_ct > 0 && options.shapes.empty())
    return absl::InvalidArgumentError("no family shapes given");
  if (freqs.locus_ct() == 0) return absl::FailedPreconditionError("the frequency table has no locus");
  for (const Locus& locus : freqs.loci())
    if (locus.allele_ct() == 0)
      return absl::FailedPreconditionError(absl::StrCat("locus ", locus.name(), " has no allele"));
  return absl::OkStatus();
}

}  // namespace

std::vector<std::string> SimulationShapeNames() {
  std::vector<std::string> names;
  for (int i = 0; i < kDefaultShapeCount; ++i) names.emplace_back(Shapes()[i].name);
  return names;
}

std::vector<std::string> SimulationDviShapeNames() { return {"father", "father-son", "two-sisters", "parents-son"}; }

absl::StatusOr<Simulation> Simulate(const AlleleFreqTable& freqs, const SimulateOptions& options) {
  std::vector<const Shape*> shapes;
  for (const std::string& name : options.shapes) {
    const Shape* found = nullptr;
    for (const Shape& s : Shapes())
      if (name == s.name) found = &s;
    if (!found) {
      std::string known;
      for (const Shape& s : Shapes()) absl::StrAppend(&known, known.empty() ? "" : ", ", s.name);
      return absl::InvalidArgumentError(absl::StrCat("unknown shape '", name, "'; expected one of ", known));
    }
    shapes.push_back(found);
  }
  if (absl::Status st = CheckOptions(freqs, options); !st.ok()) return st;

  const int locus_ct = freqs.locus_ct();
  std::vector<std::vector<double>> cumulative(locus_ct), visible_cumulative(locus_ct);
  for (int l = 0; l < locus_ct; ++l) {
    double s = 0, v = 0;
    const Locus& locus = freqs.locus(l);
    for (int a = 0; a < locus.allele_ct(); ++a) {
      cumulative[l].push_back(s += locus.freq(a));
      visible_cumulative[l].push_back(v += locus.observable(a) ? locus.freq(a) : 0.0);  // drop-in draws
    }
  }
  // The order of the draws below is part of the output for a seed: founders' alleles and
  // children's transmissions member by member, family by family; unrelated victims; the
  // shuffle; then each victim's dropout, in the shuffled order.
  Rng rng(options.seed);
  Simulation sim;
  struct Victim {
    OrderedGenotypes alleles;
    std::string family, shape, missing_id;
    int sex = 0;
  };
  std::vector<Victim> victims;
  victims.reserve(static_cast<size_t>(options.family_ct) + options.unrelated_ct);
  for (int fam = 0; fam < options.family_ct; ++fam) {
    const Shape& shape = *shapes[fam % shapes.size()];
    const std::string family_id = absl::StrFormat("F%06d", fam + 1);
    std::vector<OrderedGenotypes> alleles(shape.members.size(), OrderedGenotypes(locus_ct));
    for (size_t i = 0; i < shape.members.size(); ++i) {
      const ShapeMember& m = shape.members[i];
      const int fa = m.father ? MemberIndex(shape, m.father) : -1;
      const int mo = m.mother ? MemberIndex(shape, m.mother) : -1;
      for (int l = 0; l < locus_ct; ++l) {
        if (fa < 0) {
          alleles[i][l] = {DrawAllele(cumulative[l], rng), DrawAllele(cumulative[l], rng)};
        } else {  // Mendel: one allele from each parent, each of a parent's two with probability 1/2
          const auto& pf = alleles[fa][l];
          const auto& pm = alleles[mo][l];
          alleles[i][l] = {rng.Coin() ? pf.first : pf.second, rng.Coin() ? pm.first : pm.second};
        }
      }
      SimulatedMember member;
      member.family = family_id;
      member.id = m.id;
      auto parent_id = [&](const char* id) -> std::string {
        if (!id) return "";
        return options.dvi && IsMissing(shape.members[MemberIndex(shape, id)]) ? absl::StrCat(family_id, "_", id) : id;
      };
      member.father = parent_id(m.father);
      member.mother = parent_id(m.mother);
      member.sex = m.sex;
      member.sample_id = m.typed ? absl::StrCat(family_id, "_", m.id) : "";
      member.missing = IsMissing(m);
      // Missing persons named across families (`kinship dvi` names them in assignments).
      if (options.dvi && member.missing) member.id = absl::StrCat(family_id, "_", m.id);
      member.genotypes = Unordered(alleles[i]);
      if (m.typed) sim.references.push_back({member.sample_id, member.genotypes});
      if (member.missing) victims.push_back({alleles[i], family_id, shape.name, member.id, m.sex});
      sim.members.push_back(std::move(member));
    }
  }
  for (int u = 0; u < options.unrelated_ct; ++u) {
    OrderedGenotypes alleles(locus_ct);
    for (int l = 0; l < locus_ct; ++l) alleles[l] = {DrawAllele(cumulative[l], rng), DrawAllele(cumulative[l], rng)};
    const int sex = options.dvi ? (rng.Coin() ? 1 : 2) : 0;  // no draw otherwise: the same stream
    victims.push_back({std::move(alleles), "", "", "", sex});
  }
  // Fisher-Yates with our own draws.
  for (size_t i = victims.size(); i > 1; --i) std::swap(victims[i - 1], victims[rng.Below(i)]);
  sim.victims.reserve(victims.size());
  sim.truth.reserve(victims.size());
  for (size_t i = 0; i < victims.size(); ++i) {
    const std::string victim_id = absl::StrFormat("V%07d", i + 1);
    SimulatedProfile profile{victim_id, Unordered(victims[i].alleles)};
    int kept_ct = 0;
    for (int l = 0; l < locus_ct; ++l) {
      if (rng.Uniform() < options.dropout) {
        profile.genotypes[l] = kUntyped;
      } else {
        ++kept_ct;
      }
    }
    if (kept_ct == 0) {  // a victim keeps at least one locus
      const int l = static_cast<int>(rng.Below(locus_ct));
      profile.genotypes[l] = GenotypeIndex(victims[i].alleles[l].first, victims[i].alleles[l].second);
    }
    if (options.allele_dropout > 0 || options.dropin > 0) {  // no draws otherwise: the same bytes
      kept_ct = 0;
      for (int l = 0; l < locus_ct; ++l) {
        const GenotypeIdx truth = profile.genotypes[l];
        if (truth == kUntyped) continue;
        profile.genotypes[l] = Observe(freqs.locus(l), truth, options, visible_cumulative[l], rng);
        if (profile.genotypes[l] != truth)
          sim.observations.push_back({static_cast<int>(i), l, truth, profile.genotypes[l]});
        kept_ct += profile.genotypes[l] != kUntyped;
      }
      if (kept_ct == 0) {  // everything lost: the rule above, one locus as it truly is
        const int l = static_cast<int>(rng.Below(locus_ct));
        profile.genotypes[l] = GenotypeIndex(victims[i].alleles[l].first, victims[i].alleles[l].second);
        if (!sim.observations.empty() && sim.observations.back().victim == static_cast<int>(i))
          std::erase_if(sim.observations,
                        [&](const SimulatedObservation& o) { return o.victim == static_cast<int>(i) && o.locus == l; });
      }
    }
    sim.victims.push_back(std::move(profile));
    sim.truth.push_back({victim_id, victims[i].family, victims[i].missing_id, victims[i].shape, victims[i].sex});
    victims[i] = Victim();  // release as we go
  }
  return sim;
}

void WriteSimulatedPedigreesCsv(const Simulation& sim, std::FILE* out) {
  std::fputs("family,id,father,mother,sex,sample_id,missing\n", out);
  for (const SimulatedMember& m : sim.members)
    std::fprintf(out, "%s,%s,%s,%s,%d,%s,%d\n", m.family.c_str(), m.id.c_str(),
                 m.father.empty() ? "0" : m.father.c_str(), m.mother.empty() ? "0" : m.mother.c_str(), m.sex,
                 m.sample_id.c_str(), m.missing ? 1 : 0);
}

void WriteSimulatedProfilesCsv(const std::vector<SimulatedProfile>& profiles, const AlleleFreqTable& freqs,
                               std::FILE* out) {
  std::fputs("sample_id,locus,allele1,allele2\n", out);
  for (const SimulatedProfile& p : profiles) {
    for (size_t l = 0; l < p.genotypes.size(); ++l) {
      if (p.genotypes[l] == kUntyped) continue;
      const Locus& locus = freqs.locus(static_cast<int>(l));
      AllelePair ab = GenotypeAlleles(p.genotypes[l]);
      // A silent allele is never seen: a/silent is written a,a, silent/silent not at all.
      if (!locus.observable(ab.a) && !locus.observable(ab.b)) continue;
      if (!locus.observable(ab.a)) ab.a = ab.b;
      if (!locus.observable(ab.b)) ab.b = ab.a;
      std::fprintf(out, "%s,%s,%s,%s\n", p.sample_id.c_str(), locus.name().c_str(), locus.label(ab.a).c_str(),
                   locus.label(ab.b).c_str());
    }
  }
}

void WriteSimulatedObservationsCsv(const Simulation& sim, const AlleleFreqTable& freqs, std::FILE* out) {
  std::fputs("victim_id,locus,true_allele1,true_allele2,observed_allele1,observed_allele2\n", out);
  for (const SimulatedObservation& o : sim.observations) {
    const Locus& locus = freqs.locus(o.locus);
    const AllelePair t = GenotypeAlleles(o.truth);
    std::string seen1, seen2;
    if (o.observed != kUntyped) {
      const AllelePair s = GenotypeAlleles(o.observed);
      seen1 = locus.label(s.a), seen2 = locus.label(s.b);
    }
    std::fprintf(out, "%s,%s,%s,%s,%s,%s\n", sim.victims[o.victim].sample_id.c_str(), locus.name().c_str(),
                 locus.label(t.a).c_str(), locus.label(t.b).c_str(), seen1.c_str(), seen2.c_str());
  }
}

void WriteSimulatedVictimSexCsv(const Simulation& sim, std::FILE* out) {
  std::fputs("sample_id,sex\n", out);
  for (const SimulatedTruth& t : sim.truth) std::fprintf(out, "%s,%d\n", t.victim_id.c_str(), t.sex);
}

void WriteSimulatedTruthCsv(const Simulation& sim, std::FILE* out) {
  std::fputs("victim_id,family,missing_id,shape\n", out);
  for (const SimulatedTruth& t : sim.truth)
    std::fprintf(out, "%s,%s,%s,%s\n", t.victim_id.c_str(), t.family.c_str(), t.missing_id.c_str(),
                 t.shape.c_str());
}

}  // namespace kinship
