// Familias cases (kinship/familias.h): what kinship models of a read .fam file, its
// pedigrees, table and mutation parameters, the LRs of its pedigrees, and the conversion to
// kinship's CSV inputs.
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "internal/csv.h"
#include "internal/status_macros.h"
#include "kinship/familias.h"
#include "kinship/report.h"
#include "kinship/setup.h"

namespace kinship {

namespace {

// A CSV field: quoted (RFC 4180) when it holds a comma, quote or line break.
std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

absl::Status Refused(const FamiliasCase& fam, int line, const std::string& what) {
  return absl::FailedPreconditionError(absl::StrCat(fam.path, ":", line, ": ", what));
}

}  // namespace

absl::Status CheckFamiliasSupported(const FamiliasCase& fam) {
  for (const FamPerson& p : fam.persons) {
    if (p.flag1 || p.flag2 || p.number != -1)
      return Refused(fam, p.line,
                     absl::StrCat("person '", p.name, "' has the values ", p.flag1 ? "#TRUE#" : "#FALSE#", ", ",
                                  p.number, ", ", p.flag2 ? "#TRUE#" : "#FALSE#",
                                  " on the three lines after the name, whose meaning kinship does not know; expected "
                                  "#FALSE#, -1, #FALSE# (the only values seen in Familias files)"));
  }
  for (const FamLocus& L : fam.database.loci) {
    if (L.has_silent)
      return Refused(fam, L.line, absl::StrCat("locus '", L.name, "' has a silent allele (frequency ", L.silent_freq,
                                               "); kinship does not model Familias' silent alleles here; expected "
                                               "#FALSE# for the silent-allele flag"));
    if (L.dropout > 0)
      for (const FamPerson& p : fam.persons)
        if (p.consider_dropouts)
          return Refused(fam, L.line,
                         absl::StrCat("locus '", L.name, "' has Dropout probability = ", L.dropout, " and person '",
                                      p.name, "' (line ", p.line, ") is marked (Consider dropouts): kinship cannot "
                                      "reproduce Familias' drop-out model exactly; expected no drop-out (use kinship "
                                      "lr --observation with kinship's own drop-out model)"));
  }
  const FamAdvanced& a = fam.advanced;
  if (a.error > 0)
    return Refused(fam, a.error_line, absl::StrCat("[Advanced] Error= ", a.error, ": kinship does not model a "
                                                   "genotyping error rate; expected 0"));
  if (a.dropin > 0)
    return Refused(fam, a.dropin_line, absl::StrCat("[Advanced] Dropin= ", a.dropin, ": kinship cannot map Familias' "
                                                    "drop-in setting exactly; expected 0"));
  if (a.dropout > 0)
    return Refused(fam, a.dropout_line, absl::StrCat("[Advanced] Dropout= ", a.dropout, ": kinship cannot map "
                                                     "Familias' drop-out setting exactly; expected 0"));
  return absl::OkStatus();
}

absl::StatusOr<AlleleFreqTable> FamiliasFrequencyTable(const FamiliasCase& fam) {
  AlleleFreqTable table;
  for (const FamLocus& L : fam.database.loci) {
    const std::string name = CanonicalLocusName(L.name);
    if (table.FindLocus(name) >= 0)
      return absl::InvalidArgumentError(absl::StrCat(fam.path, ":", L.line, ": locus '", L.name, "' is locus ", name,
                                                     " a second time; expected each locus once"));
    if (static_cast<int>(L.alleles.size()) > kMaxAllelesPerLocus)
      return absl::OutOfRangeError(absl::StrCat(fam.path, ":", L.line, ": locus '", L.name, "' has ",
                                                L.alleles.size(), " alleles; kinship handles at most ",
                                                kMaxAllelesPerLocus));
    Locus locus(name);
    for (size_t a = 0; a < L.alleles.size(); ++a) {
      const AlleleLabel read = ReadAlleleLabel(L.alleles[a]);
      const std::string label = read.kind == AlleleLabelKind::kNumeric ? read.text : L.alleles[a];
      if (locus.FindAllele(label) >= 0)
        return absl::InvalidArgumentError(absl::StrCat(fam.path, ":", L.line, ": locus '", L.name, "': alleles '",
                                                       locus.label(locus.FindAllele(label)), "' and '", L.alleles[a],
                                                       "' are one allele (", label, "); expected each allele once"));
      locus.AddAllele(label, L.freqs[a]);
    }
    table.AddLocus(std::move(locus));
  }
  return table;
}

MutationParams FamiliasMutationParams(const FamLocus& L, Sex sex) {
  const bool female = sex == Sex::kFemale;
  const FamMutationCode code = female ? L.female_model : L.male_model;
  MutationParams p;
  p.rate = female ? L.female_rate : L.male_rate;
  const bool stepwise = code == FamMutationCode::kStepwise || code == FamMutationCode::kStepwiseStationary ||
                        code == FamMutationCode::kExtendedStepwise;
  if (stepwise) {
    p.rate2 = female ? L.female_rate2 : L.male_rate2;
    p.range = female ? L.female_range : L.male_range;
    p.model = p.rate2 > 0 ? MutationModel::kExtendedStepwise : MutationModel::kStepwise;
    if (code == FamMutationCode::kStepwiseStationary) p.transform = MutationTransform::kPM;
  } else {
    p.model = code == FamMutationCode::kEqual ? MutationModel::kEqual : MutationModel::kProportional;
  }
  if (p.rate == 0 && p.rate2 == 0) p = MutationParams{};
  return p;
}

absl::StatusOr<std::vector<Pedigree>> FamiliasPedigrees(const FamiliasCase& fam) {
  std::vector<Pedigree> out;
  const int n_persons = static_cast<int>(fam.persons.size());
  for (const FamPedigree& fp : fam.pedigrees) {
    // Members in file order: persons, known extras (females, males), this pedigree's extras.
    std::vector<std::string> ids;
    std::vector<Sex> sexes;
    std::set<std::string> taken;
    for (const FamPerson& p : fam.persons) {
      ids.push_back(p.name);
      sexes.push_back(p.male ? Sex::kMale : Sex::kFemale);
      taken.insert(p.name);
    }
    auto fresh = [&](std::string name) {
      while (taken.count(name)) name += "_";
      taken.insert(name);
      return name;
    };
    const int known = fam.known_extra_females + fam.known_extra_males;
    for (int k = 0; k < known; ++k) {
      ids.push_back(fresh(absl::StrCat("extra_", k + 1)));
      sexes.push_back(k < fam.known_extra_females ? Sex::kFemale : Sex::kMale);
    }
    for (int k = 0; k < fp.extra_females + fp.extra_males; ++k) {
      ids.push_back(fresh(absl::StrCat("extra_", fp.name, "_", k + 1)));
      sexes.push_back(k < fp.extra_females ? Sex::kFemale : Sex::kMale);
    }
    const int size = static_cast<int>(ids.size());
    std::vector<int> father(size, -1), mother(size, -1), father_line(size, 0), mother_line(size, 0);
    std::vector<const FamRelation*> rels;
    for (const FamRelation& r : fam.known_relations) rels.push_back(&r);
    for (const FamRelation& r : fp.relations) rels.push_back(&r);
    for (const FamRelation* r : rels) {
      if (r->parent >= size || r->child >= size)
        return absl::FailedPreconditionError(absl::StrCat(fam.path, ":", r->line, ": relation ", r->parent, " -> ",
                                                          r->child, " in pedigree '", fp.name, "' names no member"));
      const bool is_father = sexes[r->parent] == Sex::kMale;
      int& slot = is_father ? father[r->child] : mother[r->child];
      int& slot_line = is_father ? father_line[r->child] : mother_line[r->child];
      if (slot >= 0)
        return absl::FailedPreconditionError(absl::StrCat(
            fam.path, ":", r->line, ": in pedigree '", fp.name, "', '", ids[r->child], "' gets a second ",
            is_father ? "father" : "mother", " '", ids[r->parent], "' (the first, '", ids[slot], "', on line ",
            slot_line, "); expected one father and one mother"));
      slot = r->parent;
      slot_line = r->line;
    }
    // A child with one parent: the other is an unknown member of the population.
    int added = 0;
    for (int c = 0; c < size; ++c) {
      if ((father[c] < 0) == (mother[c] < 0)) continue;
      const Sex sex = father[c] < 0 ? Sex::kMale : Sex::kFemale;
      ids.push_back(fresh(absl::StrCat("added_", ++added)));
      sexes.push_back(sex);
      father.push_back(-1);
      mother.push_back(-1);
      (sex == Sex::kMale ? father[c] : mother[c]) = static_cast<int>(ids.size()) - 1;
    }
    // Parents before children (the order the engine and the CSV readers expect).
    const int total = static_cast<int>(ids.size());
    std::vector<int> at(total, -1);
    Pedigree ped(fp.name);
    for (int round = 0, placed = 0; placed < total; ++round) {
      int before = placed;
      for (int i = 0; i < total; ++i) {
        if (at[i] >= 0) continue;
        if ((father[i] >= 0 && at[father[i]] < 0) || (mother[i] >= 0 && at[mother[i]] < 0)) continue;
        Person p;
        p.id = ids[i];
        p.sex = sexes[i];
        p.father = father[i] >= 0 ? at[father[i]] : -1;
        p.mother = mother[i] >= 0 ? at[mother[i]] : -1;
        if (i < n_persons && !fam.persons[i].genotypes.empty()) p.sample_id = fam.persons[i].name;
        at[i] = ped.Add(std::move(p));
        ++placed;
      }
      if (placed == before) {
        std::vector<std::string> stuck;
        for (int i = 0; i < total; ++i)
          if (at[i] < 0) stuck.push_back(ids[i]);
        return absl::FailedPreconditionError(absl::StrCat(fam.path, ":", fp.line, ": pedigree '", fp.name,
                                                          "': a person is their own ancestor (among ",
                                                          absl::StrJoin(stuck, ", "), ")"));
      }
    }
    auto valid = ped.Validate();
    if (!valid.ok())
      return absl::FailedPreconditionError(absl::StrCat(fam.path, ":", fp.line, ": ", valid.message()));
    out.push_back(std::move(ped));
  }
  return out;
}

namespace {

// Per locus and member of `ped`: the genotype from the case's persons (kUntyped otherwise).
std::vector<std::vector<GenotypeIdx>> CaseGenotypes(const FamiliasCase& fam, const Pedigree& ped) {
  std::vector<std::vector<GenotypeIdx>> g(fam.database.loci.size(), std::vector<GenotypeIdx>(ped.size(), kUntyped));
  for (const FamPerson& p : fam.persons) {
    const int i = ped.Find(p.name);
    for (const FamGenotype& x : p.genotypes) g[x.locus][i] = GenotypeIndex(x.allele1, x.allele2);
  }
  return g;
}

}  // namespace

absl::StatusOr<FamiliasLrResult> ComputeFamiliasLrs(const FamiliasCase& fam, const FamiliasLrOptions& opts,
                                                    Diagnostics* diag) {
  KINSHIP_RETURN_IF_ERROR(CheckFamiliasSupported(fam));
  if (fam.pedigrees.empty())
    return absl::InvalidArgumentError(absl::StrCat(fam.path, ": the case has no pedigrees; expected at least one "
                                                   "(the DVI section is not a pedigree LR case)"));
  bool any_data = false;
  for (const FamPerson& p : fam.persons) any_data |= !p.genotypes.empty();
  if (!any_data)
    return absl::InvalidArgumentError(absl::StrCat(fam.path, ": no person has typed markers; expected data"));
  int ref = 0;
  if (!opts.reference_pedigree.empty()) {
    ref = -1;
    std::vector<std::string> names;
    for (size_t k = 0; k < fam.pedigrees.size(); ++k) {
      names.push_back(fam.pedigrees[k].name);
      if (fam.pedigrees[k].name == opts.reference_pedigree) ref = static_cast<int>(k);
    }
    if (ref < 0)
      return absl::InvalidArgumentError(absl::StrCat("--reference-pedigree '", opts.reference_pedigree, "' is not a ",
                                                     "pedigree of ", fam.path, "; expected one of: ",
                                                     absl::StrJoin(names, ", ")));
  }
  KINSHIP_ASSIGN_OR_RETURN(AlleleFreqTable table, FamiliasFrequencyTable(fam));
  KINSHIP_ASSIGN_OR_RETURN(std::vector<Pedigree> peds, FamiliasPedigrees(fam));
  const int locus_ct = table.locus_ct();
  const double theta = fam.database.theta;

  FamiliasLrResult result;
  result.reference = fam.pedigrees[ref].name;
  result.theta = theta;
  result.untyped_founders = opts.untyped_founders;
  for (int l = 0; l < locus_ct; ++l) result.locus_names.push_back(table.locus(l).name());

  std::vector<std::vector<std::vector<GenotypeIdx>>> g(peds.size());
  std::vector<EngineLimits> limits(peds.size(), opts.limits);
  for (size_t k = 0; k < peds.size(); ++k) {
    g[k] = CaseGenotypes(fam, peds[k]);
    limits[k].typed_anywhere.assign(peds[k].size(), 0);
    for (const FamPerson& p : fam.persons)
      if (!p.genotypes.empty()) limits[k].typed_anywhere[peds[k].Find(p.name)] = 1;
  }
  std::vector<FamiliasLrRow> rows(peds.size());
  for (size_t k = 0; k < peds.size(); ++k) {
    rows[k].pedigree = peds[k].family();
    rows[k].per_locus.assign(locus_ct, 0.0);
  }
  for (int l = 0; l < locus_ct; ++l) {
    const FamLocus& fl = fam.database.loci[l];
    const Locus& locus = table.locus(l);
    bool typed = false;
    for (const FamPerson& p : fam.persons)
      for (const FamGenotype& x : p.genotypes) typed |= x.locus == l;
    if (!typed) continue;  // nobody typed: 1 under every pedigree
    const MutationParams male = FamiliasMutationParams(fl, Sex::kMale);
    const MutationParams female = FamiliasMutationParams(fl, Sex::kFemale);
    MutationMatrix mm, mf;
    if (male.model != MutationModel::kNone || female.model != MutationModel::kNone) {
      auto build = [&](const MutationParams& p) -> absl::StatusOr<MutationMatrix> {
        auto m = BuildMutationMatrix(locus, p);
        if (!m.ok())
          return absl::Status(m.status().code(), absl::StrCat(fam.path, ":", fl.line, ": ", m.status().message()));
        return m;
      };
      KINSHIP_ASSIGN_OR_RETURN(mm, build(male));
      KINSHIP_ASSIGN_OR_RETURN(mf, build(female));
    }
    KINSHIP_ASSIGN_OR_RETURN(PedigreeLocusModel model,
                             PedigreeLocusModel::Create(locus.freqs(), mm, mf, theta, opts.untyped_founders));
    std::vector<double> log10_lik(peds.size());
    for (size_t k = 0; k < peds.size(); ++k) {
      auto lik = PedigreeLog10Likelihood(peds[k], g[k][l], model, limits[k]);
      if (!lik.ok())
        return absl::Status(lik.status().code(), absl::StrCat(fam.path, ": pedigree '", peds[k].family(), "', locus ",
                                                              locus.name(), ": ", lik.status().message()));
      log10_lik[k] = *lik;
    }
    for (size_t k = 0; k < peds.size(); ++k) {
      if (log10_lik[k] == -INFINITY && log10_lik[ref] == -INFINITY)
        return absl::FailedPreconditionError(absl::StrCat(
            fam.path, ": locus ", locus.name(), ": the data are impossible under both pedigree '", peds[k].family(),
            "' and the reference '", result.reference, "' (0/0); expected data possible under the reference (check "
            "the genotypes, or use a mutation model)"));
      rows[k].per_locus[l] = log10_lik[k] - log10_lik[ref];
      rows[k].log10_lr += rows[k].per_locus[l];
    }
  }
  for (FamiliasLrRow& r : rows)
    if (std::isnan(r.log10_lr))
      return absl::FailedPreconditionError(absl::StrCat(
          fam.path, ": pedigree '", r.pedigree, "': one locus excludes it and another excludes the reference '",
          result.reference, "'; expected data possible under at least one of them"));
  if (diag)
    diag->Info(absl::StrCat(fam.path, ": ", peds.size(), " pedigree(s) against '", result.reference, "', ", locus_ct,
                            " loci, theta ", theta, ", untyped founders: ", UntypedFoundersName(opts.untyped_founders),
                            ", frequencies as written"));
  result.rows = std::move(rows);
  return result;
}

void WriteFamiliasLrCsv(const FamiliasLrResult& result, std::FILE* out) {
  std::fputs("pedigree,reference,log10_lr,lr\n", out);
  for (const FamiliasLrRow& r : result.rows)
    std::fprintf(out, "%s,%s,%s,%s\n", CsvField(r.pedigree).c_str(),
                 CsvField(result.reference).c_str(), FormatDouble(r.log10_lr).c_str(),
                 FormatDouble(std::pow(10.0, r.log10_lr)).c_str());
}

void WriteFamiliasLrPerLocusCsv(const FamiliasLrResult& result, std::FILE* out) {
  std::fputs("pedigree,reference,locus,log10_lr\n", out);
  for (const FamiliasLrRow& r : result.rows)
    for (size_t l = 0; l < result.locus_names.size(); ++l)
      std::fprintf(out, "%s,%s,%s,%s\n", CsvField(r.pedigree).c_str(),
                   CsvField(result.reference).c_str(), CsvField(result.locus_names[l]).c_str(),
                   FormatDouble(r.per_locus[l]).c_str());
}

// ---- Conversion to kinship's CSV inputs ----

namespace {

// One kinship model for the whole case: the (model, range, rate2, transform) of every locus
// and sex that mutates must be one.
struct OneModel {
  MutationModel model = MutationModel::kNone;
  double range = 0.5, rate2 = 0;
  MutationTransform transform = MutationTransform::kNone;
  std::string where;
};

std::string Describe(const MutationParams& p) {
  std::string s = MutationModelName(p.model);
  if (p.model == MutationModel::kStepwise || p.model == MutationModel::kExtendedStepwise)
    absl::StrAppend(&s, " range ", p.range, " rate2 ", p.rate2);
  if (p.transform != MutationTransform::kNone) absl::StrAppend(&s, " transform ", MutationTransformName(p.transform));
  return s;
}

bool CsvSafe(const std::string& s) {
  if (s.empty() || s[0] == '#' || s.find_first_of(",\"\r\n") != std::string::npos) return false;
  const auto blank = [](char c) { return c == ' ' || c == '\t'; };
  return !blank(s.front()) && !blank(s.back());
}

}  // namespace

absl::StatusOr<FamiliasConversion> ConvertFamilias(const FamiliasCase& fam, const FamiliasLrOptions& opts,
                                                   Diagnostics* diag) {
  KINSHIP_RETURN_IF_ERROR(CheckFamiliasSupported(fam));
  if (fam.pedigrees.empty())
    return absl::FailedPreconditionError(absl::StrCat(fam.path, ": the case has no pedigrees; nothing to convert for "
                                                      "kinship lr"));
  KINSHIP_ASSIGN_OR_RETURN(AlleleFreqTable table, FamiliasFrequencyTable(fam));
  KINSHIP_ASSIGN_OR_RETURN(std::vector<Pedigree> peds, FamiliasPedigrees(fam));
  int ref = 0;
  if (!opts.reference_pedigree.empty()) {
    ref = -1;
    for (size_t k = 0; k < fam.pedigrees.size(); ++k)
      if (fam.pedigrees[k].name == opts.reference_pedigree) ref = static_cast<int>(k);
    if (ref < 0)
      return absl::InvalidArgumentError(absl::StrCat("--reference-pedigree '", opts.reference_pedigree,
                                                     "' is not a pedigree of ", fam.path));
  }
  // The candidate: the first person with data (any typed person serves: the LR is over
  // everyone typed in either pedigree).
  const FamPerson* candidate = nullptr;
  for (const FamPerson& p : fam.persons)
    if (!p.genotypes.empty()) {
      candidate = &p;
      break;
    }
  if (!candidate)
    return absl::FailedPreconditionError(absl::StrCat(fam.path, ": no person has typed markers; nothing to convert"));
  for (const Pedigree& ped : peds) {
    if (!CsvSafe(ped.family()))
      return absl::FailedPreconditionError(absl::StrCat(fam.path, ": pedigree name '", internal::Escaped(ped.family()),
                                                        "' cannot be a CSV field of kinship's inputs (a comma, quote, "
                                                        "line break, leading '#' or surrounding space)"));
    for (const Person& p : ped.persons())
      if (!CsvSafe(p.id))
        return absl::FailedPreconditionError(absl::StrCat(fam.path, ": person name '", internal::Escaped(p.id),
                                                          "' cannot be a CSV field of kinship's inputs (a comma, "
                                                          "quote, line break, leading '#' or surrounding space)"));
  }
  // The mutation model: one for the case.
  OneModel one;
  std::string rates = "locus,rate_male,rate_female\n";
  for (size_t l = 0; l < fam.database.loci.size(); ++l) {
    const FamLocus& fl = fam.database.loci[l];
    const std::string& name = table.locus(static_cast<int>(l)).name();
    double rate[2] = {0, 0};
    for (int s = 0; s < 2; ++s) {
      const Sex sex = s == 0 ? Sex::kMale : Sex::kFemale;
      const MutationParams p = FamiliasMutationParams(fl, sex);
      rate[s] = p.rate;
      if (p.model == MutationModel::kNone) continue;
      const std::string where = absl::StrCat(fam.path, ":", fl.line, ": locus ", fl.name, " (", SexName(sex), ")");
      if (one.model == MutationModel::kNone) {
        one = {p.model, p.range, p.rate2, p.transform, where};
      } else if (p.model != one.model || p.range != one.range || p.rate2 != one.rate2 || p.transform != one.transform) {
        OneModel q{p.model, p.range, p.rate2, p.transform, where};
        MutationParams a{one.model, 0, one.rate2, one.range, one.transform};
        return absl::FailedPreconditionError(absl::StrCat(
            where, ": mutation model ", Describe(p), " differs from ", Describe(a), " at ", one.where,
            "; kinship's options give one model (with its range and rate2) for every locus and both sexes, with "
            "per-locus rates only; expected one model (kinship lr --fam computes such a case directly)"));
      }
    }
    absl::StrAppend(&rates, name, ",", FormatDouble(rate[0]), ",", FormatDouble(rate[1]), "\n");
  }
  // Frequencies as written.
  std::string freqs = "locus,allele,frequency\n";
  std::vector<std::string> off;
  for (const Locus& L : table.loci()) {
    for (int a = 0; a < L.allele_ct(); ++a) {
      const AlleleLabel read = ReadAlleleLabel(L.label(a));
      if (read.kind != AlleleLabelKind::kNumeric)
        return absl::FailedPreconditionError(absl::StrCat(fam.path, ": locus ", L.name(), ": allele '",
                                                          internal::Escaped(L.label(a)), "' is not a repeat number, "
                                                          "which kinship's frequency tables require"));
      absl::StrAppend(&freqs, L.name(), ",", L.label(a), ",", FormatDouble(L.freq(a)), "\n");
    }
    if (std::fabs(L.FrequencySum() - 1) > kAsWrittenTolerance)
      off.push_back(absl::StrCat(L.name(), " (", FormatDouble(L.FrequencySum()), ")"));
  }
  if (!off.empty() && diag)
    diag->Warn(absl::StrCat(fam.path, ": the frequencies of ", off.size(), " locus/loci sum to more than ",
                            kAsWrittenTolerance, " away from 1: ", absl::StrJoin(off, ", "),
                            "; kinship lr --normalize-freqs no adds a rest allele there (or refuses an excess), so "
                            "its LRs will differ from kinship lr --fam at these loci"));
  // Profiles: every typed person, by name.
  std::string profiles = "sample_id,locus,allele1,allele2\n";
  for (const FamPerson& p : fam.persons)
    for (const FamGenotype& g : p.genotypes) {
      const Locus& L = table.locus(g.locus);
      absl::StrAppend(&profiles, p.name, ",", L.name(), ",", L.label(g.allele1), ",", L.label(g.allele2), "\n");
    }
  // Pedigrees: each pedigree as a family of the same name, the candidate its missing person
  // (its sample linked by the case); the H2 file holds the reference pedigree under every name.
  auto write_ped = [&](const Pedigree& ped, const std::string& family, std::string* out) {
    for (const Person& p : ped.persons()) {
      const bool cand = p.id == candidate->name;
      absl::StrAppend(out, family, ",", p.id, ",", p.father < 0 ? "0" : ped.person(p.father).id, ",",
                      p.mother < 0 ? "0" : ped.person(p.mother).id, ",",
                      p.sex == Sex::kMale ? "1" : p.sex == Sex::kFemale ? "2" : "0", ",", cand ? "" : p.sample_id, ",",
                      cand ? "1" : "0", "\n");
    }
  };
  const std::string header = "family,id,father,mother,sex,sample_id,missing\n";
  std::string peds_h1 = header, peds_h2 = header, cases = "family,missing_id,sample_id\n";
  for (const Pedigree& ped : peds) {
    write_ped(ped, ped.family(), &peds_h1);
    write_ped(peds[ref], ped.family(), &peds_h2);
    absl::StrAppend(&cases, ped.family(), ",", candidate->name, ",", candidate->name, "\n");
  }
  // The options that say the model.
  std::vector<std::string> args = {"kinship lr", "--freqs freqs.csv", "--profiles profiles.csv",
                                   "--pedigrees pedigrees.csv", "--pedigrees-h2 pedigrees_h2.csv",
                                   "--cases cases.csv", "--normalize-freqs no",
                                   absl::StrCat("--theta ", FormatDouble(fam.database.theta))};
  if (one.model != MutationModel::kNone) {
    args.push_back(absl::StrCat("--mutation-model ", MutationModelName(one.model)));
    args.push_back("--mutation-rates mutation_rates.csv");
    if (one.model == MutationModel::kStepwise || one.model == MutationModel::kExtendedStepwise) {
      args.push_back(absl::StrCat("--mutation-range ", FormatDouble(one.range)));
      if (one.rate2 > 0) args.push_back(absl::StrCat("--mutation-rate2 ", FormatDouble(one.rate2)));
    }
    if (one.transform != MutationTransform::kNone)
      args.push_back(absl::StrCat("--mutation-transform ", MutationTransformName(one.transform)));
  }
  args.push_back(absl::StrCat("--untyped-founders ", UntypedFoundersName(opts.untyped_founders)));
  args.push_back("--out lr.csv --per-locus lr_per_locus.csv");
  const std::string command = absl::StrJoin(args, " \\\n    ");
  std::string readme = absl::StrCat(
      "# Converted from a Familias case file by kinship convert --fam\n"
      "#\n"
      "# source: ", fam.path, " (", fam.producer, ", version ", fam.version, ")\n",
      "# pedigrees: ", fam.pedigrees.size(), "; reference (H2 of every row): ", peds[ref].family(), "\n",
      "# database: ", fam.database.name.empty() ? "(unnamed)" : fam.database.name, ", ", table.locus_ct(),
      " loci, theta ", FormatDouble(fam.database.theta), "\n",
      "# mutation: ",
      one.model == MutationModel::kNone
          ? std::string("none")
          : absl::StrCat(Describe({one.model, 0, one.rate2, one.range, one.transform}),
                         ", per-locus and per-sex rates in mutation_rates.csv"),
      "\n",
      "# untyped founders: ", UntypedFoundersName(opts.untyped_founders), "\n",
      "# candidate: ", candidate->name,
      " is each case's missing person (any typed person serves: the LR is over everyone typed)\n"
      "#\n"
      "# Files: freqs.csv (frequencies as written), profiles.csv, pedigrees.csv (one family per\n"
      "# pedigree of the case), pedigrees_h2.csv (the reference pedigree under each family name),\n"
      "# cases.csv, mutation_rates.csv (locus,rate_male,rate_female).\n"
      "# Each row of lr.csv is then the LR of that pedigree against the reference, as kinship lr --fam\n"
      "# gives it:\n\n",
      command, "\n");
  FamiliasConversion conv;
  conv.files = {{"freqs.csv", freqs},       {"profiles.csv", profiles}, {"pedigrees.csv", peds_h1},
                {"pedigrees_h2.csv", peds_h2}, {"cases.csv", cases},       {"mutation_rates.csv", rates},
                {"README.txt", readme}};
  return conv;
}

}  // namespace kinship
