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

absl::StatusOr<ProfileSet> BuildProfileSet(const std::vector<GenotypeRecord>& records,
                                           const ProfileBuildOptions& options,
                                           AlleleFreqTable* table, Diagnostics* diag) {
  if (!(options.min_freq > 0 && options.min_freq < 1))
    return absl::InvalidArgumentError(
        absl::StrCat("minimum allele frequency ", options.min_freq, " is outside (0, 1)"));
  std::set<std::string> renamed;
  std::map<std::string, std::set<std::string>> unknown_loci;  // locus -> samples
  // Imputed alleles: (locus index, allele label) -> samples.
  std::map<std::pair<int, std::string>, std::set<std::string>> imputed;

  // Pass 1: canonical loci, imputation of unseen alleles.
  std::vector<int> rec_locus(records.size(), -1);
  for (size_t r = 0; r < records.size(); ++r) {
    const GenotypeRecord& rec = records[r];
    std::string name = CanonicalLocusName(rec.locus);
    if (name != rec.locus && renamed.insert(rec.locus).second) {
      std::string file = rec.where.substr(0, rec.where.rfind(':'));
      diag->Info(absl::StrCat(file, ": locus '", rec.locus, "' read as '", name, "'"));
    }
    int li = table->FindLocus(name);
    if (li < 0) {
      unknown_loci[name].insert(rec.sample_id);
      continue;
    }
    rec_locus[r] = li;
    if (rec.allele1.empty() != rec.allele2.empty())
      return absl::InvalidArgumentError(absl::StrCat(
          rec.where, ": sample ", rec.sample_id, " locus ", rec.locus,
          " has one allele; expected two (a homozygote repeats its allele) or none"));
    if (rec.allele1.empty()) continue;
    for (const std::string* a : {&rec.allele1, &rec.allele2}) {
      Locus& locus = table->mutable_locus(li);
      if (locus.FindAllele(*a) >= 0) {
        auto it = imputed.find({li, *a});
        if (it != imputed.end()) it->second.insert(rec.sample_id);
        continue;
      }
      if (locus.allele_ct() >= kMaxAllelesPerLocus)
        return absl::OutOfRangeError(absl::StrCat(rec.where, ": locus ", name, " would have more than ",
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
  std::map<std::pair<int, int>, size_t> first_record;  // (sample, locus) -> record
  int identical_dups = 0;
  for (size_t r = 0; r < records.size(); ++r) {
    const GenotypeRecord& rec = records[r];
    int s = set.FindSample(rec.sample_id);
    if (s < 0) s = set.AddSample(rec.sample_id);
    int li = rec_locus[r];
    if (li < 0) continue;
    GenotypeIdx g = kUntyped;
    if (!rec.allele1.empty()) {
      const Locus& locus = table->locus(li);
      g = GenotypeIndex(locus.FindAllele(rec.allele1), locus.FindAllele(rec.allele2));
    }
    auto [it, inserted] = first_record.emplace(std::make_pair(s, li), r);
    if (!inserted) {
      const GenotypeRecord& prev = records[it->second];
      if (set.genotype(li, s) != g)
        return absl::InvalidArgumentError(absl::StrCat(
            rec.where, ": sample ", rec.sample_id, " has a second, different genotype at ",
            table->locus(li).name(), " (first at ", prev.where,
            "); expected one genotype per sample and locus"));
      ++identical_dups;
      diag->Warn(absl::StrCat(rec.where, ": sample ", rec.sample_id, " locus ", table->locus(li).name(),
                              " repeats the genotype of ", prev.where, "; kept once"));
      continue;
    }
    set.set_genotype(li, s, g);
  }
  (void)identical_dups;
  return set;
}

}  // namespace kinship
