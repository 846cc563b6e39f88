// The model a pipeline runs with: frequency table, sample sizes, mutation rates (kinship/setup.h).
#include "kinship/setup.h"

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "internal/sha256.h"
#include "internal/status_macros.h"
#include "kinship/io.h"
#include "kinship/report.h"

namespace kinship {

ProfileBuildOptions ModelOptions::build_options() const {
  ProfileBuildOptions b;
  b.min_freq = min_freq;
  b.frozen_table = freeze_freqs;
  return b;
}

absl::StatusOr<LoadedModel> LoadModel(const ModelOptions& o, Diagnostics* diag,
                                      const std::function<void(const std::string&)>& stage) {
  auto set_stage = [&](const std::string& s) {
    if (stage) stage(s);
  };
  LoadedModel out;
  MutationSpec& mutation = out.mutation;
  const MutationModel m = o.mutation_model;
  const double rate = o.mutation_rate.value_or(0);
  mutation.male = {m, rate, o.mutation_rate2, o.mutation_range};
  mutation.female = {m, o.mutation_rate_female.value_or(rate), o.mutation_rate2, o.mutation_range};
  mutation.male.transform = mutation.female.transform = o.mutation_transform;
  if (m == MutationModel::kNone && o.mutation_transform != MutationTransform::kNone)
    return absl::InvalidArgumentError("--mutation-transform given but --mutation-model is none; name a model");
  // Every numeric option is checked here, before any file is read: NaN fails each test
  // (comparisons with NaN are false), and so does inf where it makes no sense.
  for (double r : {rate, o.mutation_rate2, mutation.female.rate})
    if (!(r >= 0 && r <= 1)) return absl::InvalidArgumentError(absl::StrCat("mutation rate ", r, " is outside [0, 1]"));
  // range is the relative probability of n+1 versus n repeat steps: above 1, larger steps
  // would be likelier than smaller ones, which no stepwise model means (and range^steps
  // overflows): refused.
  if (!(o.mutation_range > 0 && o.mutation_range <= 1))
    return absl::InvalidArgumentError(absl::StrCat(
        "--mutation-range ", o.mutation_range, " is outside (0, 1]; expected the relative probability of n+1 versus n "
        "repeat steps (above 1 larger steps would be likelier than smaller ones)"));
  if (!(o.theta >= 0 && o.theta < 1))
    return absl::InvalidArgumentError(absl::StrCat("--theta ", o.theta, " is outside [0, 1)"));
  if (!(o.min_freq >= kMinFrequency && o.min_freq < 1))
    return absl::InvalidArgumentError(
        absl::StrCat("--min-freq ", o.min_freq, " is outside [1e-9, 1); expected a frequency for unseen alleles"));
  if (m == MutationModel::kNone && (o.mutation_rate || o.mutation_rate_female || !o.rates_path.empty()))
    return absl::InvalidArgumentError("mutation rates given but --mutation-model is none; name a model");
  set_stage(absl::StrCat("reading the frequency table ", o.freqs_path));
  KINSHIP_ASSIGN_OR_RETURN(AlleleFreqTable table, ReadAlleleFreqs(o.freqs_path, diag));
  KINSHIP_RETURN_IF_ERROR(
      CheckFrequencySums(table, o.freqs_path, kFrequencySumTolerance, o.allow_unnormalised, diag));
  if (!o.sample_sizes_path.empty()) {
    set_stage(absl::StrCat("reading the sample sizes ", o.sample_sizes_path));
    KINSHIP_RETURN_IF_ERROR(ReadSampleSizes(o.sample_sizes_path,
                                            std::filesystem::path(o.freqs_path).filename().string(), &table, diag));
  }
  if (!o.rates_path.empty()) {
    set_stage(absl::StrCat("reading the mutation rates ", o.rates_path));
    KINSHIP_ASSIGN_OR_RETURN(auto rates, ReadMutationRates(o.rates_path, diag));
    for (const auto& [locus, r] : rates)
      if (table.FindLocus(locus) < 0)
        diag->Info(absl::StrCat(o.rates_path, ": rate for locus ", locus, " ignored (not in the frequency table)"));
    mutation.per_locus_rates = rates;
    // A locus without a rate must not silently get rate 0 (an exclusion becomes possible
    // there): it takes the rate given with --mutation-rate, or the run stops.
    std::vector<std::string> missing;
    for (const Locus& l : table.loci())
      if (!rates.count(l.name())) missing.push_back(l.name());
    if (!missing.empty()) {
      if (!o.mutation_rate)
        return absl::FailedPreconditionError(absl::StrCat(
            o.rates_path, ": no mutation rate for ", missing.size(), " locus/loci of the frequency table (",
            absl::StrJoin(missing, ", "), "); expected a rate for every locus, or a fallback rate for the others "
            "with --mutation-rate (and --mutation-rate-female)"));
      diag->Info(absl::StrCat("loci without a rate in ", o.rates_path, " use the fallback rate of --mutation-rate: ",
                              absl::StrJoin(missing, ", ")));
    }
  }
  out.as_read = table;
  out.table = std::move(table);
  return out;
}

absl::StatusOr<TableReport> FinishTable(const ModelOptions& opts, AlleleFreqTable* table, Diagnostics* diag) {
  TableReport report;
  std::vector<std::string> changes;
  int imputed = 0;
  for (const Locus& l : table->loci())
    for (int a = 0; a < l.allele_ct(); ++a) imputed += l.imputed(a);
  if (imputed > 0) changes.push_back(absl::StrCat(imputed, " allele(s) imputed"));
  if (opts.normalize_freqs) {
    std::string worst;
    double sum = 1;
    const int n = table->Normalize(&worst, &sum);
    if (n > 0) {
      diag->Info(absl::StrFormat("frequencies of %d locus/loci rescaled to sum to 1 (largest change: %s, which summed "
                                 "to %.10g; --normalize-freqs no keeps them as written)",
                                 n, worst, sum));
      changes.push_back(absl::StrCat(n, " locus/loci rescaled to sum to 1"));
    }
  } else {
    std::vector<std::string> rest;
    for (int li = 0; li < table->locus_ct(); ++li) {
      Locus& l = table->mutable_locus(li);
      const double sum = l.FrequencySum();
      // Within kAsWrittenTolerance of 1 (rounding in the table as published) a locus is used
      // exactly as written, as pedprobr and Familias use it: no rest allele, no error.
      if (std::abs(sum - 1) <= kAsWrittenTolerance) continue;
      if (sum > 1)
        return absl::FailedPreconditionError(absl::StrFormat(
            "locus %s: the frequencies sum to %.12g, more than 1, and --normalize-freqs no uses them as written; "
            "expected a sum of at most 1 (use --normalize-freqs yes)",
            l.name(), sum));
      if (sum < 1) {
        l.AddRestAllele(1 - sum);
        rest.push_back(absl::StrFormat("%s %.6g", l.name(), 1 - sum));
      }
    }
    if (!rest.empty())
      diag->Info(absl::StrCat("frequencies used as written (--normalize-freqs no); the missing mass of ", rest.size(),
                              " locus/loci is an unobserved rest allele: ", absl::StrJoin(rest, ", ")));
  }
  report.changed = !changes.empty();
  report.change = report.changed ? absl::StrJoin(changes, ", ") : "unchanged";
  report.effective_text = FormatAlleleFreqs(*table);
  report.effective_sha256 = internal::Sha256Hex(report.effective_text);
  diag->Info(absl::StrCat("frequency table ", report.changed ? "changed by this run: " : "", report.change,
                          "; effective table sha256 ", report.effective_sha256,
                          opts.effective_table_path.empty() ? ""
                                                            : absl::StrCat(" (written to ", opts.effective_table_path, ")")));
  return report;
}

std::vector<std::pair<std::string, std::string>> RatesInUse(const AlleleFreqTable& table,
                                                            const MutationSpec& mutation) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const Locus& l : table.loci())
    out.push_back({l.name(), absl::StrCat(FormatDouble(mutation.ParamsFor(l.name(), Sex::kMale).rate), "/",
                                          FormatDouble(mutation.ParamsFor(l.name(), Sex::kFemale).rate))});
  return out;
}

void NoteRatesInUse(const AlleleFreqTable& table, const MutationSpec& mutation, Diagnostics* diag) {
  if (!mutation.enabled()) return;
  std::vector<std::string> rates;
  for (const auto& [locus, r] : RatesInUse(table, mutation)) rates.push_back(absl::StrCat(locus, " ", r));
  diag->Info(absl::StrCat("mutation rates in use (male/female): ", absl::StrJoin(rates, ", ")));
}

absl::StatusOr<Sex> ParseSex(const std::string& s) {
  if (s == "male" || s == "1") return Sex::kMale;
  if (s == "female" || s == "2") return Sex::kFemale;
  if (s == "unknown" || s == "0") return Sex::kUnknown;
  return absl::InvalidArgumentError(absl::StrCat("sex '", s, "': expected male, female or unknown (or 1, 2, 0)"));
}

std::vector<std::string> MendelianConflicts(const Pedigree& ped, const std::vector<GenotypeIdx>& g) {
  std::vector<std::string> out;
  for (int i = 0; i < ped.size(); ++i) {
    const Person& p = ped.person(i);
    if (p.father < 0 || g[i] == kUntyped || g[i] == kEvidence) continue;
    const AllelePair c = GenotypeAlleles(g[i]);
    auto from = [&](int parent, int allele) {
      if (g[parent] == kUntyped || g[parent] == kEvidence) return true;
      AllelePair a = GenotypeAlleles(g[parent]);
      return a.a == allele || a.b == allele;
    };
    const bool ok = (from(p.father, c.a) && from(p.mother, c.b)) || (from(p.father, c.b) && from(p.mother, c.a));
    if (!ok) {
      std::string who = p.id;
      for (int par : {p.father, p.mother})
        if (g[par] != kUntyped && g[par] != kEvidence) who += absl::StrCat(", ", ped.person(par).id);
      out.push_back(absl::StrCat("(", who, ")"));
    }
  }
  return out;
}

absl::StatusOr<std::vector<std::vector<GenotypeIdx>>> FamilyGenotypes(const Pedigree& ped, const ProfileSet& profiles,
                                                                      const AlleleFreqTable& table,
                                                                      const ObservationTable* obs,
                                                                      FamilyEvidence* evidence,
                                                                      const std::string& source,
                                                                      const std::string& profile_files) {
  evidence->clear();
  const int locus_ct = profiles.locus_ct();
  std::vector<std::vector<GenotypeIdx>> g(locus_ct, std::vector<GenotypeIdx>(ped.size(), kUntyped));
  for (int i = 0; i < ped.size(); ++i) {
    const std::string& sid = ped.person(i).sample_id;
    if (sid.empty()) continue;
    const int s = profiles.FindSample(sid);
    if (s < 0)
      return absl::FailedPreconditionError(absl::StrCat(source, ": family ", ped.family(), ", member ",
                                                        ped.person(i).id, ": sample '", sid, "' is in no ", profile_files));
    for (int l = 0; l < locus_ct; ++l) {
      std::vector<double> w;
      g[l][i] = EngineObservation(table.locus(l), profiles.genotype(l, s), obs ? obs->Get(sid, l) : ObservationParams{},
                                  &w);
      if (g[l][i] != kEvidence) continue;
      if (evidence->empty()) evidence->assign(locus_ct, MemberEvidence(ped.size()));
      (*evidence)[l][i] = std::move(w);
    }
  }
  return g;
}

absl::Status CheckFamilyReferences(const Pedigree& ped, const std::vector<GenotypeIdx>& g,
                                   const PedigreeLocusModel& plain, const PedigreeLocusModel& model, bool mutation,
                                   const std::string& locus, Diagnostics* diag, const MemberEvidence* evidence) {
  EngineLimits limits;
  limits.evidence = evidence;
  // log10 values: a likelihood below the smallest double is not an impossibility.
  KINSHIP_ASSIGN_OR_RETURN(const double lik, PedigreeLog10Likelihood(ped, g, plain, limits));
  if (lik > -INFINITY) return absl::OkStatus();
  if (mutation) {
    KINSHIP_ASSIGN_OR_RETURN(const double with, PedigreeLog10Likelihood(ped, g, model, limits));
    if (with == -INFINITY) {
      std::vector<std::string> who = MendelianConflicts(ped, g);
      return absl::FailedPreconditionError(absl::StrCat(
          "family ", ped.family(), ", locus ", locus, ": the references are impossible under the pedigree even with ",
          "the mutation model", who.empty() ? std::string() : absl::StrCat(": ", absl::StrJoin(who, " ")),
          "; check the samples, or the model (a microvariant with --mutation-rate2 0 cannot mutate)"));
    }
  }
  std::vector<std::string> who = MendelianConflicts(ped, g);
  std::string msg = absl::StrCat("family ", ped.family(), ", locus ", locus,
                                 ": the references are inconsistent with the pedigree without mutation: ",
                                 who.empty() ? std::string("through untyped members") : absl::StrJoin(who, " "));
  if (!mutation) return absl::FailedPreconditionError(absl::StrCat(msg, "; check the samples, or use a mutation model"));
  diag->Warn(absl::StrCat(msg, "; the mutation model explains them"));
  return absl::OkStatus();
}

void CheckSexesAgainstAmel(const Pedigree& ped, const ProfileSet& profiles, Diagnostics* diag) {
  for (const Person& p : ped.persons()) {
    if (p.sample_id.empty() || p.sex == Sex::kUnknown) continue;
    const int s = profiles.FindSample(p.sample_id);
    if (s < 0) continue;
    const Sex amel = profiles.amel_sex(s);
    if (amel != Sex::kUnknown && amel != p.sex)
      diag->Warn(absl::StrCat("family ", ped.family(), ", member ", p.id, " is ", SexName(p.sex), " in the pedigree but ",
                              "the Amelogenin of sample ", p.sample_id, " says ", SexName(amel),
                              "; the pedigree's sex is used (check the sample)"));
  }
}

bool SexesDiffer(const MutationSpec& mutation) {
  return mutation.enabled() &&
         (mutation.male.rate != mutation.female.rate || mutation.male.rate2 != mutation.female.rate2 ||
          mutation.male.range != mutation.female.range || mutation.male.transform != mutation.female.transform ||
          !mutation.per_locus_rates.empty());
}

namespace {

// The category filter of BindSources: drops the records of samples whose category is not
// selected, counting samples kept and left out per category.
class CategoryFilter {
 public:
  explicit CategoryFilter(const CategorySelection& select)
      : select_(select), wanted_(select.categories.begin(), select.categories.end()) {}
  bool active() const { return !wanted_.empty(); }

  // Filters `batch` (from `source`, a path or "" for records in memory) in place.
  absl::Status Apply(const std::string& source, std::vector<GenotypeRecord>* batch) {
    for (const GenotypeRecord& r : *batch)
      if (!r.category)
        return absl::InvalidArgumentError(absl::StrCat(
            source.empty() ? std::string("profiles given in memory") : source, ": ", select_.option,
            " chooses samples by their CODIS CMF specimen category, but these profiles have none (sample ",
            r.sample_id, "); expected CMF files only with ", select_.option));
    // Records come grouped by sample: count a sample when the sample or category changes.
    std::string last_id, last_category;
    bool last_keep = false, first = true;
    std::erase_if(*batch, [&](const GenotypeRecord& r) {
      if (!first && r.sample_id == last_id && *r.category == last_category) return !last_keep;
      first = false;
      last_id = r.sample_id;
      last_category = *r.category;
      last_keep = wanted_.count(last_category) > 0;
      (last_keep ? kept_ : left_out_)[last_category].insert(last_id);
      return !last_keep;
    });
    return absl::OkStatus();
  }

  // The note of counts; InvalidArgument when nothing was kept.
  absl::Status Finish(Diagnostics* diag) const {
    auto counts = [](const std::map<std::string, std::set<std::string>>& by_category, std::int64_t* total) {
      std::vector<std::string> items;
      for (const auto& [category, samples] : by_category) {
        items.push_back(absl::StrCat(category, ": ", samples.size()));
        *total += static_cast<std::int64_t>(samples.size());
      }
      return absl::StrJoin(items, ", ");
    };
    std::int64_t kept_ct = 0, left_ct = 0;
    const std::string kept = counts(kept_, &kept_ct), left = counts(left_out_, &left_ct);
    if (kept_ct == 0)
      return absl::InvalidArgumentError(absl::StrCat(select_.option, " ", absl::StrJoin(select_.categories, ", "),
                                                     ": no sample has that category; the files have ", left));
    diag->Info(absl::StrCat(select_.option, ": ", kept_ct, " sample(s) kept (", kept, "); ", left_ct,
                            " left out", left_ct ? absl::StrCat(" (", left, ")") : std::string()));
    for (const std::string& c : wanted_)
      if (!kept_.count(c))
        diag->Warn(absl::StrCat(select_.option, " '", c, "': no sample has that category"));
    return absl::OkStatus();
  }

 private:
  const CategorySelection& select_;
  std::set<std::string> wanted_;
  std::map<std::string, std::set<std::string>> kept_, left_out_;  // category -> sample ids
};

}  // namespace

// Reads (or takes from memory) the profiles of `sources` into `binder`, recording the sample
// ids in order of first appearance in `ids` (when not null) and in `set`.
absl::Status BindSources(const std::vector<ProfileSource>& sources, ProfileBinder* binder, Diagnostics* diag,
                         const std::function<void(const std::string&)>& stage, std::vector<std::string>* ids,
                         std::set<std::string>* set, const CategorySelection& select) {
  auto record_ids = [&](const std::vector<GenotypeRecord>& batch) {
    const std::string* last = nullptr;  // rows come grouped by sample: look up on change
    for (const GenotypeRecord& rec : batch) {
      if (last && *last == rec.sample_id) continue;
      last = &rec.sample_id;
      if (set->insert(rec.sample_id).second && ids) ids->push_back(rec.sample_id);
    }
  };
  CategoryFilter filter(select);
  for (const ProfileSource& src : sources) {
    if (src.path.empty()) {
      if (filter.active()) {
        std::vector<GenotypeRecord> kept = src.records;
        KINSHIP_RETURN_IF_ERROR(filter.Apply("", &kept));
        record_ids(kept);
        KINSHIP_RETURN_IF_ERROR(binder->Add(kept));
        continue;
      }
      record_ids(src.records);
      KINSHIP_RETURN_IF_ERROR(binder->Add(src.records));
      continue;
    }
    if (stage) stage(absl::StrCat("reading the profiles ", src.path));
    auto sink = [&](std::vector<GenotypeRecord>* batch) -> absl::Status {
      if (filter.active()) KINSHIP_RETURN_IF_ERROR(filter.Apply(src.path, batch));
      record_ids(*batch);
      return binder->Add(*batch);
    };
    KINSHIP_RETURN_IF_ERROR(ReadProfileRecordsInChunks(src.path, diag, kProfileBatchRows, sink));
  }
  if (filter.active() && !sources.empty()) KINSHIP_RETURN_IF_ERROR(filter.Finish(diag));
  return absl::OkStatus();
}


std::vector<std::pair<std::string, std::string>> ModelParameters(const ModelOptions& model,
                                                                 const MutationSpec& mutation) {
  return {
      {"theta", FormatDouble(model.theta)},
      {"mutation_model", MutationModelName(model.mutation_model)},
      {"mutation_rate_male", FormatDouble(mutation.male.rate)},
      {"mutation_rate_female", FormatDouble(mutation.female.rate)},
      {"mutation_rate2", FormatDouble(model.mutation_rate2)},
      {"mutation_range", FormatDouble(model.mutation_range)},
      {"mutation_transform", MutationTransformName(mutation.male.transform)},
      {"min_freq", FormatDouble(model.min_freq)},
      {"normalize_freqs", model.normalize_freqs ? "yes" : "no"},
  };
}

absl::Status AddInputDigests(const std::vector<std::pair<std::string, std::string>>& inputs,
                             const Diagnostics& diag, Provenance* prov) {
  for (const auto& [role, path] : inputs) {
    const InputRecord* read = diag.FindInput(path);
    if (!read)
      return absl::InternalError(absl::StrCat(path, " (--", role, "): no checksum recorded while reading it"));
    prov->inputs.push_back({role, path, read->sha256});
  }
  return absl::OkStatus();
}

absl::StatusOr<ObservationTable> LoadObservations(const std::string& path, const AlleleFreqTable& table,
                                                  const ProfileSet& profiles, Diagnostics* diag,
                                                  const std::function<void(const std::string&)>& stage,
                                                  std::vector<std::pair<std::string, std::string>>* inputs) {
  ObservationTable obs;
  if (path.empty()) return obs;
  if (stage) stage(absl::StrCat("reading the observation parameters ", path));
  KINSHIP_ASSIGN_OR_RETURN(obs, ReadObservations(path, table, diag));
  inputs->push_back({"observation", path});
  KINSHIP_RETURN_IF_ERROR(CheckObservationSamples(obs, {&profiles}, path));
  return obs;
}

}  // namespace kinship
