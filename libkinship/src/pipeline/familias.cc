// Familias cases (kinship/familias.h): what kinship models of a read .fam file, its
// pedigrees, table and mutation parameters, the LRs of its pedigrees, and the conversion to
// kinship's CSV inputs.
#include "kinship/familias.h"

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
      return Refused(fam, L.line,
                     absl::StrCat("locus '", L.name, "' has a silent allele (frequency ", L.silent_freq,
                                  "); kinship does not model Familias' silent alleles here; expected "
                                  "#FALSE# for the silent-allele flag"));
    if (L.dropout > 0)
      for (const FamPerson& p : fam.persons)
        if (p.consider_dropouts)
          return Refused(fam, L.line,
                         absl::StrCat("locus '", L.name, "' has Dropout probability = ", L.dropout, " and person '",
                                      p.name, "' (line ", p.line,
                                      ") is marked (Consider dropouts): kinship cannot "
                                      "reproduce Familias' drop-out model exactly; expected no drop-out (use kinship "
                                      "lr --observation with kinship's own drop-out model)"));
  }
  const FamAdvanced& a = fam.advanced;
  if (a.error > 0)
    return Refused(fam, a.error_line,
                   absl::StrCat("[Advanced] Error= ", a.error,
                                ": kinship does not model a "
                                "genotyping error rate; expected 0"));
  if (a.dropin > 0)
    return Refused(fam, a.dropin_line,
                   absl::StrCat("[Advanced] Dropin= ", a.dropin,
                                ": kinship cannot map Familias' "
                                "drop-in setting exactly; expected 0"));
  if (a.dropout > 0)
    return Refused(fam, a.dropout_line,
                   absl::StrCat("[Advanced] Dropout= ", a.dropout,
                                ": kinship cannot map "
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
      return absl::OutOfRangeError(absl::StrCat(fam.path, ":", L.line, ": locus '", L.name, "' has ", L.alleles.size(),
                                                " alleles; kinship handles at most ", kMaxAllelesPerLocus));
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
        return absl::FailedPreconditionError(
            absl::StrCat(fam.path, ":", r->line, ": in pedigree '", fp.name, "', '", ids[r->child], "' gets a second ",
                         is_father ? "father" : "mother", " '", ids[r->parent], "' (the first, '", ids[slot],
                         "', on line ", slot_line, "); expected one father and one mother"));
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
    if (!valid.ok()) return absl::FailedPreconditionError(absl::StrCat(fam.path, ":", fp.line, ": ", valid.message()));
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
    return absl::InvalidArgumentError(absl::StrCat(fam.path,
                                                   ": the case has no pedigrees; expected at least one "
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
                                                     "pedigree of ", fam.path,
                                                     "; expected one of: ", absl::StrJoin(names, ", ")));
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
        return absl::FailedPreconditionError(absl::StrCat(fam.path, ": locus ", locus.name(),
                                                          ": the data are impossible under both pedigree '",
                                                          peds[k].family(), "' and the reference '", result.reference,
                                                          "' (0/0); expected data possible under the reference (check "
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
    std::fprintf(out, "%s,%s,%s,%s\n", CsvField(r.pedigree).c_str(), CsvField(result.reference).c_str(),
                 FormatDouble(r.log10_lr).c_str(), FormatDouble(std::pow(10.0, r.log10_lr)).c_str());
}

void WriteFamiliasLrPerLocusCsv(const FamiliasLrResult& result, std::FILE* out) {
  std::fputs("pedigree,reference,locus,log10_lr\n", out);
  for (const FamiliasLrRow& r : result.rows)
    for (size_t l = 0; l < result.locus_names.size(); ++l)
      std::fprintf(out, "%s,%s,%s,%s\n", CsvField(r.pedigree).c_str(), CsvField(result.reference).c_str(),
                   CsvField(result.locus_names[l]).c_str(), FormatDouble(r.per_locus[l]).c_str());
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

// The database as kinship's inputs: freqs.csv (as written), mutation_rates.csv, and the one
// model (with range, rate2, transform) kinship's options can say; FailedPrecondition when the
// loci or sexes differ in those.
struct DatabaseFiles {
  std::string freqs, rates;
  OneModel model;
};

absl::StatusOr<DatabaseFiles> ConvertDatabase(const FamiliasCase& fam, const AlleleFreqTable& table,
                                              Diagnostics* diag) {
  DatabaseFiles out;
  OneModel& one = out.model;
  out.rates = "locus,rate_male,rate_female\n";
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
        MutationParams a{one.model, 0, one.rate2, one.range, one.transform};
        return absl::FailedPreconditionError(absl::StrCat(
            where, ": mutation model ", Describe(p), " differs from ", Describe(a), " at ", one.where,
            "; kinship's options give one model (with its range and rate2) for every locus and both sexes, with "
            "per-locus rates only; expected one model (kinship lr --fam computes such a case directly)"));
      }
    }
    absl::StrAppend(&out.rates, name, ",", FormatDouble(rate[0]), ",", FormatDouble(rate[1]), "\n");
  }
  out.freqs = "locus,allele,frequency\n";
  std::vector<std::string> off;
  for (const Locus& L : table.loci()) {
    for (int a = 0; a < L.allele_ct(); ++a) {
      const AlleleLabel read = ReadAlleleLabel(L.label(a));
      if (read.kind != AlleleLabelKind::kNumeric)
        return absl::FailedPreconditionError(absl::StrCat(fam.path, ": locus ", L.name(), ": allele '",
                                                          internal::Escaped(L.label(a)),
                                                          "' is not a repeat number, "
                                                          "which kinship's frequency tables require"));
      absl::StrAppend(&out.freqs, L.name(), ",", L.label(a), ",", FormatDouble(L.freq(a)), "\n");
    }
    if (std::fabs(L.FrequencySum() - 1) > kAsWrittenTolerance)
      off.push_back(absl::StrCat(L.name(), " (", FormatDouble(L.FrequencySum()), ")"));
  }
  if (!off.empty() && diag)
    diag->Warn(absl::StrCat(fam.path, ": the frequencies of ", off.size(), " locus/loci sum to more than ",
                            kAsWrittenTolerance, " away from 1: ", absl::StrJoin(off, ", "),
                            "; kinship --normalize-freqs no adds a rest allele there (or refuses an excess), so "
                            "its LRs will differ from Familias' (and kinship lr --fam's) at these loci"));
  return out;
}

// The model options of kinship lr / dvi that say `one` (theta and frequencies as written too).
std::vector<std::string> ModelArgsFor(const FamiliasCase& fam, const OneModel& one) {
  std::vector<std::string> args = {"--freqs freqs.csv", "--normalize-freqs no",
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
  return args;
}

std::string ModelLine(const OneModel& one) {
  return one.model == MutationModel::kNone ? std::string("none")
                                           : absl::StrCat(Describe({one.model, 0, one.rate2, one.range, one.transform}),
                                                          ", per-locus and per-sex rates in mutation_rates.csv");
}

absl::Status CheckCsvName(const FamiliasCase& fam, const std::string& what, const std::string& name) {
  if (CsvSafe(name)) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(fam.path, ": ", what, " '", internal::Escaped(name),
                                                    "' cannot be a CSV field of kinship's inputs (a comma, quote, "
                                                    "line break, leading '#' or surrounding space)"));
}

absl::StatusOr<FamiliasConversion> ConvertDvi(const FamiliasCase& fam, const DatabaseFiles& db, Diagnostics* diag);

}  // namespace

absl::StatusOr<FamiliasConversion> ConvertFamilias(const FamiliasCase& fam, const FamiliasLrOptions& opts,
                                                   Diagnostics* diag) {
  KINSHIP_RETURN_IF_ERROR(CheckFamiliasSupported(fam));
  KINSHIP_ASSIGN_OR_RETURN(AlleleFreqTable table, FamiliasFrequencyTable(fam));
  if (fam.pedigrees.empty() && !fam.dvi.present)
    return absl::FailedPreconditionError(absl::StrCat(fam.path,
                                                      ": the case has neither pedigrees nor a DVI "
                                                      "section; nothing to convert"));
  KINSHIP_ASSIGN_OR_RETURN(DatabaseFiles db, ConvertDatabase(fam, table, diag));
  if (fam.pedigrees.empty()) return ConvertDvi(fam, db, diag);
  if (fam.dvi.present && diag)
    diag->Warn(absl::StrCat(fam.path,
                            ": the file has pedigrees and a DVI section; the pedigrees are converted, "
                            "the DVI section is not"));
  KINSHIP_ASSIGN_OR_RETURN(std::vector<Pedigree> peds, FamiliasPedigrees(fam));
  int ref = 0;
  if (!opts.reference_pedigree.empty()) {
    ref = -1;
    for (size_t k = 0; k < fam.pedigrees.size(); ++k)
      if (fam.pedigrees[k].name == opts.reference_pedigree) ref = static_cast<int>(k);
    if (ref < 0)
      return absl::InvalidArgumentError(
          absl::StrCat("--reference-pedigree '", opts.reference_pedigree, "' is not a pedigree of ", fam.path));
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
    KINSHIP_RETURN_IF_ERROR(CheckCsvName(fam, "pedigree name", ped.family()));
    for (const Person& p : ped.persons()) KINSHIP_RETURN_IF_ERROR(CheckCsvName(fam, "person name", p.id));
  }
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
                      p.sex == Sex::kMale     ? "1"
                      : p.sex == Sex::kFemale ? "2"
                                              : "0",
                      ",", cand ? "" : p.sample_id, ",", cand ? "1" : "0", "\n");
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
  std::vector<std::string> args = {"kinship lr"};
  for (const std::string& a : ModelArgsFor(fam, db.model)) args.push_back(a);
  for (const char* a :
       {"--profiles profiles.csv", "--pedigrees pedigrees.csv", "--pedigrees-h2 pedigrees_h2.csv", "--cases cases.csv"})
    args.push_back(a);
  args.push_back(absl::StrCat("--untyped-founders ", UntypedFoundersName(opts.untyped_founders)));
  args.push_back("--out lr.csv --per-locus lr_per_locus.csv");
  const std::string command = absl::StrJoin(args, " \\\n    ");
  std::string readme = absl::StrCat(
      "# Converted from a Familias case file by kinship convert --fam\n"
      "#\n"
      "# source: ",
      fam.path, " (", fam.producer, ", version ", fam.version, ")\n", "# pedigrees: ", fam.pedigrees.size(),
      "; reference (H2 of every row): ", peds[ref].family(), "\n",
      "# database: ", fam.database.name.empty() ? "(unnamed)" : fam.database.name, ", ", table.locus_ct(),
      " loci, theta ", FormatDouble(fam.database.theta), "\n", "# mutation: ", ModelLine(db.model), "\n",
      "# untyped founders: ", UntypedFoundersName(opts.untyped_founders), "\n", "# candidate: ", candidate->name,
      " is each case's missing person (any typed person serves: the LR is over everyone typed)\n"
      "#\n"
      "# Files: freqs.csv (frequencies as written), profiles.csv, pedigrees.csv (one family per\n"
      "# pedigree of the case), pedigrees_h2.csv (the reference pedigree under each family name),\n"
      "# cases.csv, mutation_rates.csv (locus,rate_male,rate_female).\n"
      "# Each row of lr.csv is then the LR of that pedigree against the reference, as kinship lr --fam\n"
      "# gives it:\n\n",
      command, "\n");
  FamiliasConversion conv;
  conv.files = {{"freqs.csv", db.freqs},       {"profiles.csv", profiles}, {"pedigrees.csv", peds_h1},
                {"pedigrees_h2.csv", peds_h2}, {"cases.csv", cases},       {"mutation_rates.csv", db.rates},
                {"README.txt", readme}};
  return conv;
}

namespace {

// A missing person of a DVI family: "Missing person" and the untyped persons the Familias DVI
// module names "Missing male 1", "Missing female 2", ... (dvir's familias2dvir reads "^Missing").
bool IsMissingName(const std::string& name) { return name.rfind("Missing", 0) == 0; }

// Familias' DVI families: each has "Reference pedigree" and the pedigree(s) placing the
// "Missing person"; kinship dvi takes one pedigree per family with its missing persons marked.
absl::StatusOr<FamiliasConversion> ConvertDvi(const FamiliasCase& fam, const DatabaseFiles& db, Diagnostics* diag) {
  const std::string kMissing = "Missing person";
  // Sample ids: a person's name, or "family/name" where the name is used more than once.
  std::map<std::string, int> uses;
  for (const FamDviPerson& v : fam.dvi.unidentified) ++uses[v.name];
  for (const FamDviFamily& f : fam.dvi.families)
    for (const FamDviPerson& p : f.persons)
      if (!p.markers.empty()) ++uses[p.name];
  for (const FamDviPerson& v : fam.dvi.unidentified) {
    KINSHIP_RETURN_IF_ERROR(CheckCsvName(fam, "victim name", v.name));
    if (uses[v.name] > 1)
      return absl::FailedPreconditionError(absl::StrCat(fam.path, ":", v.line, ": unidentified person '", v.name,
                                                        "' is also a reference's name; expected distinct names"));
  }
  auto marker_rows = [&](const FamDviPerson& p, const std::string& id, std::string* out) -> absl::Status {
    for (const FamDviMarker& m : p.markers) {
      KINSHIP_RETURN_IF_ERROR(CheckCsvName(fam, "marker", m.system));
      KINSHIP_RETURN_IF_ERROR(CheckCsvName(fam, "allele", m.allele1));
      KINSHIP_RETURN_IF_ERROR(CheckCsvName(fam, "allele", m.allele2));
      absl::StrAppend(out, id, ",", m.system, ",", m.allele1, ",", m.allele2, "\n");
    }
    return absl::OkStatus();
  };
  std::string victims = "sample_id,locus,allele1,allele2\n", victim_sex = "sample_id,sex\n";
  for (const FamDviPerson& v : fam.dvi.unidentified) {
    KINSHIP_RETURN_IF_ERROR(marker_rows(v, v.name, &victims));
    absl::StrAppend(&victim_sex, v.name, ",", v.sex == Sex::kMale ? "1" : "2", "\n");
  }
  std::string refs = "sample_id,locus,allele1,allele2\n", peds = "family,id,father,mother,sex,sample_id,missing\n";
  int unknown_sex = 0;
  std::vector<std::string> dropped, guessed;
  bool sexes_matter = false;
  for (const FamLocus& L : fam.database.loci) {
    const MutationParams m = FamiliasMutationParams(L, Sex::kMale), w = FamiliasMutationParams(L, Sex::kFemale);
    sexes_matter |= m.model != w.model || m.rate != w.rate || m.rate2 != w.rate2 || m.range != w.range ||
                    m.transform != w.transform;
  }
  for (const FamDviFamily& f : fam.dvi.families) {
    KINSHIP_RETURN_IF_ERROR(CheckCsvName(fam, "family name", f.name));
    // The pedigree: the one placing the missing person (alternatives that are all the same, one).
    const FamDviPedigree* chosen = nullptr;
    for (const FamDviPedigree& p : f.pedigrees) {
      if (p.name == "Reference pedigree" && f.pedigrees.size() > 1) continue;
      if (chosen && chosen->relations != p.relations)
        return absl::FailedPreconditionError(absl::StrCat(
            fam.path, ":", p.line, ": family '", f.name, "' has alternative pedigrees '", chosen->name, "' and '",
            p.name, "' that differ; kinship dvi takes one pedigree per family (convert each as its own family)"));
      if (!chosen) chosen = &p;
    }
    bool has_mp = false;
    if (chosen)
      for (const auto& [a, b] : chosen->relations) has_mp |= a == kMissing || b == kMissing;
    if (!has_mp)
      return absl::FailedPreconditionError(absl::StrCat(fam.path, ":", f.line, ": family '", f.name,
                                                        "': no pedigree places the \"Missing person\"; expected one"));
    // Members: the family's persons, then the other names of the relations.
    std::vector<std::string> ids;
    std::vector<Sex> sexes;
    std::vector<std::string> samples;
    std::map<std::string, int> at;
    std::set<std::string> related;
    for (const auto& [a, b] : chosen->relations) related.insert(a), related.insert(b);
    for (const FamDviPerson& p : f.persons) {
      KINSHIP_RETURN_IF_ERROR(CheckCsvName(fam, "person name", p.name));
      if (IsMissingName(p.name) && p.markers.empty() && !related.count(p.name)) {
        dropped.push_back(absl::StrCat(f.name, "/", p.name));
        continue;
      }
      at[p.name] = static_cast<int>(ids.size());
      ids.push_back(p.name);
      sexes.push_back(p.sex);
      const std::string sample = p.markers.empty() ? "" : uses[p.name] > 1 ? f.name + "/" + p.name : p.name;
      samples.push_back(sample);
      KINSHIP_RETURN_IF_ERROR(marker_rows(p, sample, &refs));
    }
    for (const auto& [a, b] : chosen->relations)
      for (const std::string& n : {a, b})
        if (!at.count(n)) {
          KINSHIP_RETURN_IF_ERROR(CheckCsvName(fam, "person name", n));
          at[n] = static_cast<int>(ids.size());
          ids.push_back(n);
          sexes.push_back(Sex::kUnknown);
          samples.push_back("");
        }
    // A parent of unknown sex: the other sex of its children's other parents (as pedFamilias).
    for (size_t i = 0; i < ids.size(); ++i) {
      if (sexes[i] != Sex::kUnknown) continue;
      std::set<Sex> others;
      bool parent = false;
      for (const auto& [a, b] : chosen->relations) {
        if (a != ids[i]) continue;
        parent = true;
        for (const auto& [c, d] : chosen->relations)
          if (d == b && c != a) others.insert(sexes[at[c]]);
      }
      if (!parent) continue;
      if (others.size() == 1 && *others.begin() != Sex::kUnknown) {
        sexes[i] = *others.begin() == Sex::kMale ? Sex::kFemale : Sex::kMale;
      } else if (others.empty() && !sexes_matter) {
        // No other parent to tell by: sex unknown (a victim of either sex may stand there),
        // written in the mother column; the two sexes mutate alike at every locus here, so no
        // LR depends on the column.
        guessed.push_back(absl::StrCat(f.name, "/", ids[i]));
      } else
        return absl::FailedPreconditionError(absl::StrCat(fam.path, ":", chosen->line, ": family '", f.name,
                                                          "': cannot tell the sex of parent '", ids[i],
                                                          "' from the other parents of its children (and the sexes' "
                                                          "mutation models differ, so it matters)"));
    }
    std::vector<int> father(ids.size(), -1), mother(ids.size(), -1);
    for (const auto& [a, b] : chosen->relations) {
      const int pa = at[a], ch = at[b];
      int& slot = sexes[pa] == Sex::kMale ? father[ch] : mother[ch];
      if (slot >= 0 && slot != pa)
        return absl::FailedPreconditionError(absl::StrCat(fam.path, ":", chosen->line, ": family '", f.name, "': '", b,
                                                          "' has two ",
                                                          sexes[pa] == Sex::kMale ? "fathers" : "mothers"));
      slot = pa;
    }
    int added = 0;
    const size_t n = ids.size();
    for (size_t c = 0; c < n; ++c) {
      if ((father[c] < 0) == (mother[c] < 0)) continue;
      std::string name;
      do name = absl::StrCat("added_", ++added);
      while (at.count(name));
      at[name] = static_cast<int>(ids.size());
      ids.push_back(name);
      const Sex sex = father[c] < 0 ? Sex::kMale : Sex::kFemale;
      sexes.push_back(sex);
      samples.push_back("");
      father.push_back(-1);
      mother.push_back(-1);
      (sex == Sex::kMale ? father[c] : mother[c]) = static_cast<int>(ids.size()) - 1;
    }
    // Checked as a kinship pedigree (parents, sexes, no one their own ancestor).
    Pedigree check(f.name);
    for (size_t i = 0; i < ids.size(); ++i) {
      Person q;
      q.id = ids[i];
      q.father = father[i];
      q.mother = mother[i];
      q.sex = sexes[i];
      check.Add(q);
    }
    if (auto st = check.Validate(); !st.ok())
      return absl::FailedPreconditionError(absl::StrCat(fam.path, ":", chosen->line, ": ", st.message()));
    // kinship dvi names missing persons across families: "family/name" when several families.
    std::vector<char> missing(ids.size(), 0);
    for (size_t i = 0; i < ids.size(); ++i) missing[i] = IsMissingName(ids[i]) && samples[i].empty();
    auto id = [&](int i) { return missing[i] && fam.dvi.families.size() > 1 ? f.name + "/" + ids[i] : ids[i]; };
    for (size_t i = 0; i < ids.size(); ++i) {
      const bool mp = missing[i];
      unknown_sex += mp && sexes[i] == Sex::kUnknown;
      absl::StrAppend(&peds, f.name, ",", id(static_cast<int>(i)), ",", father[i] < 0 ? "0" : id(father[i]), ",",
                      mother[i] < 0 ? "0" : id(mother[i]), ",",
                      sexes[i] == Sex::kMale     ? "1"
                      : sexes[i] == Sex::kFemale ? "2"
                                                 : "0",
                      ",", samples[i], ",", mp ? "1" : "0", "\n");
    }
  }
  if (!dropped.empty() && diag)
    diag->Info(absl::StrCat(fam.path, ": ", dropped.size(),
                            " untyped person(s) named as missing but in no relation "
                            "of their family's pedigree left out (as dvir does; an unconnected missing person would "
                            "take a victim at LR 1): ",
                            absl::StrJoin(dropped, ", ")));
  if (!guessed.empty() && diag)
    diag->Info(absl::StrCat(
        fam.path, ": ", guessed.size(),
        " parent(s) of unknown sex without another parent to "
        "tell by: sex 0, in the mother column of their children (both sexes mutate alike here, so no LR depends "
        "on it): ",
        absl::StrJoin(guessed, ", ")));
  if (unknown_sex && diag)
    diag->Info(absl::StrCat(fam.path, ": ", unknown_sex,
                            " missing person(s) of unknown sex (not a parent in the "
                            "file): sex 0 in pedigrees.csv, so a victim of either sex may stand there"));
  std::vector<std::string> args = {"kinship dvi"};
  for (const std::string& a : ModelArgsFor(fam, db.model)) args.push_back(a);
  for (const char* a : {"--victims victims.csv", "--victim-sex victim_sex.csv", "--pedigrees pedigrees.csv",
                        "--profiles references.csv", "--out-dir dvi"})
    args.push_back(a);
  const std::string readme = absl::StrCat(
      "# Converted from a Familias DVI case file by kinship convert --fam\n"
      "#\n"
      "# source: ",
      fam.path, " (", fam.producer, ", version ", fam.version, ")\n", "# victims: ", fam.dvi.unidentified.size(),
      "; families: ", fam.dvi.families.size(),
      " (each family's pedigree placing \"Missing person\"; it and the untyped persons named \"Missing ...\"\n"
      "# are missing persons, missing = 1, as dvir reads them)\n",
      "# database: ", fam.database.name.empty() ? "(unnamed)" : fam.database.name, ", ", fam.database.loci.size(),
      " loci, theta ", FormatDouble(fam.database.theta), "\n", "# mutation: ", ModelLine(db.model), "\n",
      "#\n"
      "# Files: freqs.csv (frequencies as written), victims.csv, victim_sex.csv, references.csv\n"
      "# (a reference's sample id is family/name where the name is used twice), pedigrees.csv,\n"
      "# mutation_rates.csv (locus,rate_male,rate_female). A child with one parent given gets the\n"
      "# other as an untyped founder added_<k>. With several families a missing person's id is\n"
      "# \"family/Missing person\" (kinship dvi needs them distinct).\n\n",
      absl::StrJoin(args, " \\\n    "), "\n");
  FamiliasConversion conv;
  conv.files = {{"freqs.csv", db.freqs},  {"victims.csv", victims}, {"victim_sex.csv", victim_sex},
                {"references.csv", refs}, {"pedigrees.csv", peds},  {"mutation_rates.csv", db.rates},
                {"README.txt", readme}};
  return conv;
}

}  // namespace

}  // namespace kinship
