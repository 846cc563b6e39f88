#include "kinship/profile.h"

#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace kinship {

int ProfileSet::FindSample(const std::string& id) const {
  auto it = index_.find(id);
  return it == index_.end() ? -1 : it->second;
}

int ProfileSet::AddSample(const std::string& id) {
  int s = sample_ct();
  sample_ids_.push_back(id);
  index_.emplace(id, s);
  for (auto& col : columns_) col.push_back(kUntyped);
  return s;
}

ProfileSet ProfileSet::Subset(const std::vector<int>& samples) const {
  ProfileSet out;
  out.Reset(locus_ct());
  for (int s : samples) out.AddSample(sample_ids_[s]);
  for (int l = 0; l < locus_ct(); ++l)
    for (size_t i = 0; i < samples.size(); ++i) out.columns_[l][i] = columns_[l][samples[i]];
  return out;
}

absl::StatusOr<ProfileSet> BuildProfileSet(const std::vector<GenotypeRecord>& records,
                                           const ProfileBuildOptions& options,
                                           AlleleFreqTable* table, Diagnostics* diag) {
  if (!(options.min_freq >= kMinFrequency && options.min_freq < 1))
    return absl::InvalidArgumentError(
        absl::StrCat("minimum allele frequency ", options.min_freq, " is outside [1e-9, 1)"));
  std::set<std::string> renamed;
  std::map<std::string, std::set<std::string>> unknown_loci;  // locus -> samples
  // Imputed alleles: (locus index, allele label) -> samples.
  std::map<std::pair<int, std::string>, std::set<std::string>> imputed;

  // Pass 1: canonical loci, imputation of unseen alleles.
  std::vector<int> rec_locus(records.size(), -1);
  std::unordered_map<std::string, std::pair<std::string, int>> locus_cache;  // written -> (canonical, index)
  for (size_t r = 0; r < records.size(); ++r) {
    const GenotypeRecord& rec = records[r];
    auto cached = locus_cache.find(rec.locus);
    if (cached == locus_cache.end()) {
      std::string canonical = CanonicalLocusName(rec.locus);
      cached = locus_cache.emplace(rec.locus, std::make_pair(canonical, table->FindLocus(canonical))).first;
    }
    const std::string& name = cached->second.first;
    if (name != rec.locus && renamed.insert(rec.locus).second) {
      std::string file = rec.file ? *rec.file : std::string("?");
      diag->Info(absl::StrCat(file, ": locus '", rec.locus, "' read as '", name, "'"));
    }
    int li = cached->second.second;
    if (li < 0) {
      unknown_loci[name].insert(rec.sample_id);
      continue;
    }
    rec_locus[r] = li;
    if (rec.allele1.empty() != rec.allele2.empty())
      return absl::InvalidArgumentError(absl::StrCat(
          rec.where(), ": sample ", rec.sample_id, " locus ", rec.locus,
          " has one allele; expected two (a homozygote repeats its allele) or none"));
    if (rec.allele1.empty()) continue;
    for (const std::string* a : {&rec.allele1, &rec.allele2}) {
      Locus& locus = table->mutable_locus(li);
      if (const int idx = locus.FindAllele(*a); idx >= 0) {
        if (locus.imputed(idx)) imputed[{li, *a}].insert(rec.sample_id);
        continue;
      }
      if (locus.allele_ct() >= kMaxAllelesPerLocus)
        return absl::OutOfRangeError(absl::StrCat(rec.where(), ": locus ", name, " would have more than ",
                                                  kMaxAllelesPerLocus, " alleles"));
      double f = locus.sample_size() ? 5.0 / (2.0 * *locus.sample_size()) : options.min_freq;
      locus.AddAllele(*a, f, /*imputed=*/true);
      imputed[{li, *a}].insert(rec.sample_id);
    }
  }
  std::set<int> imputed_loci;
  std::map<std::pair<int, std::string>, double> imputed_freq;  // as imputed, before rescaling
  for (const auto& [key, samples] : imputed) {
    imputed_loci.insert(key.first);
    const Locus& locus = table->locus(key.first);
    imputed_freq[key] = locus.freq(locus.FindAllele(key.second));
  }
  if (options.rescale_after_imputation) {
    for (int li : imputed_loci) {
      Locus& locus = table->mutable_locus(li);
      double s = locus.FrequencySum();
      locus.ScaleFrequencies(1.0 / s);
      diag->Info(absl::StrFormat("locus %s rescaled by 1/%.10g after imputation", locus.name(), s));
    }
  }
  for (const auto& [key, samples] : imputed) {
    const Locus& locus = table->locus(key.first);
    std::string rule = locus.sample_size()
                           ? absl::StrCat("5/(2N), N = ", *locus.sample_size())
                           : std::string("--min-freq");
    std::vector<std::string> ids(samples.begin(), samples.end());
    if (ids.size() > 10) {
      ids.resize(10);
      ids.push_back("...");
    }
    diag->Warn(absl::StrFormat("allele %s at %s not in the frequency table: imputed frequency %.10g (%s)%s; %d sample(s): %s",
                               key.second, locus.name(), imputed_freq[key], rule,
                               options.rescale_after_imputation ? " before rescaling" : "",
                               samples.size(), absl::StrJoin(ids, " ")));
  }
  for (const auto& [name, samples] : unknown_loci)
    diag->Warn(absl::StrCat("locus ", name, " is not in the frequency table: skipped (",
                            samples.size(), " sample(s))"));

  // Pass 2: genotypes into columns, duplicates checked.
  ProfileSet set;
  set.Reset(table->locus_ct());
  std::vector<int> rec_sample(records.size());
  for (size_t r = 0; r < records.size(); ++r) {
    int s = set.FindSample(records[r].sample_id);
    rec_sample[r] = s < 0 ? set.AddSample(records[r].sample_id) : s;
  }
  const size_t nl = static_cast<size_t>(table->locus_ct());
  std::vector<std::int64_t> first_record(static_cast<size_t>(set.sample_ct()) * nl, -1);  // (sample, locus) -> record
  for (size_t r = 0; r < records.size(); ++r) {
    const GenotypeRecord& rec = records[r];
    const int s = rec_sample[r];
    int li = rec_locus[r];
    if (li < 0) continue;
    GenotypeIdx g = kUntyped;
    if (!rec.allele1.empty()) {
      const Locus& locus = table->locus(li);
      g = GenotypeIndex(locus.FindAllele(rec.allele1), locus.FindAllele(rec.allele2));
    }
    std::int64_t& first = first_record[static_cast<size_t>(s) * nl + li];
    if (first < 0) {
      first = static_cast<std::int64_t>(r);
    } else {
      const GenotypeRecord& prev = records[first];
      if (set.genotype(li, s) != g)
        return absl::InvalidArgumentError(absl::StrCat(
            rec.where(), ": sample ", rec.sample_id, " has a second, different genotype at ",
            table->locus(li).name(), " (first at ", prev.where(),
            "); expected one genotype per sample and locus"));
      diag->Warn(absl::StrCat(rec.where(), ": sample ", rec.sample_id, " locus ", table->locus(li).name(),
                              " repeats the genotype of ", prev.where(), "; kept once"));
      continue;
    }
    set.set_genotype(li, s, g);
  }
  return set;
}

}  // namespace kinship
