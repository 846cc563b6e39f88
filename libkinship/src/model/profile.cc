#include "kinship/profile.h"

#include <array>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "internal/status_macros.h"

namespace kinship {

namespace {
// In ProfileBinder::Add's pass 1, the allele slot of an `F` (or off-ladder) allele.
constexpr int kWildcardSlot = -2;
}  // namespace

int ProfileSet::FindSample(const std::string& id) const {
  auto it = index_.find(id);
  return it == index_.end() ? -1 : it->second;
}

int ProfileSet::AddSample(const std::string& id) {
  int s = sample_ct();
  sample_ids_.push_back(id);
  index_.emplace(id, s);
  amel_sex_.push_back(Sex::kUnknown);
  for (auto& col : columns_) col.push_back(kUntyped);
  return s;
}

ProfileSet ProfileSet::Subset(const std::vector<int>& samples) const {
  ProfileSet out;
  out.Reset(locus_ct());
  for (int s : samples) out.amel_sex_[out.AddSample(sample_ids_[s])] = amel_sex_[s];
  for (int l = 0; l < locus_ct(); ++l)
    for (size_t i = 0; i < samples.size(); ++i) out.columns_[l][i] = columns_[l][samples[i]];
  return out;
}

ProfileBinder::ProfileBinder(const ProfileBuildOptions& options, AlleleFreqTable* table, Diagnostics* diag)
    : options_(options), table_(table), diag_(diag) {
  set_.Reset(table->locus_ct());
}

int ProfileBinder::FileIndex(const std::shared_ptr<const std::string>& file) {
  const std::string name = file ? *file : std::string("?");
  for (size_t i = 0; i < files_.size(); ++i)
    if (files_[i] == name) return static_cast<int>(i);
  files_.push_back(name);
  return static_cast<int>(files_.size()) - 1;
}

absl::Status ProfileBinder::AddSexMarker(const GenotypeRecord& rec, const std::string& name) {
  if (!IsAmelogenin(name)) {
    ++sex_markers_skipped_[name];
    return absl::OkStatus();
  }
  if (rec.allele1.empty()) return absl::OkStatus();
  auto upper = [](std::string a) {
    for (char& c : a) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return a;
  };
  const std::string a = upper(rec.allele1), b = upper(rec.allele2);
  Sex sex;
  if (a == "X" && b == "X") sex = Sex::kFemale;
  else if ((a == "X" && b == "Y") || (a == "Y" && b == "X") || (a == "Y" && b == "Y")) sex = Sex::kMale;
  else
    return absl::InvalidArgumentError(absl::StrCat(rec.where(), ": sample ", rec.sample_id, " Amelogenin (",
                                                   rec.allele1, ",", rec.allele2, "); expected X and/or Y"));
  auto [it, fresh] = amel_.emplace(rec.sample_id, sex);
  if (!fresh && it->second != sex)
    return absl::InvalidArgumentError(absl::StrCat(rec.where(), ": sample ", rec.sample_id,
                                                   " has a second, different Amelogenin; expected one per sample"));
  return absl::OkStatus();
}

absl::Status ProfileBinder::Add(const std::vector<GenotypeRecord>& records) {
  if (!(options_.min_freq >= kMinFrequency && options_.min_freq < 1))
    return absl::InvalidArgumentError(
        absl::StrCat("minimum allele frequency ", options_.min_freq, " is outside [1e-9, 1)"));
  AlleleFreqTable* table = table_;
  // Pass 1: canonical loci and allele labels, imputation of unseen alleles.
  std::vector<int> rec_locus(records.size(), -1);
  std::vector<std::array<int, 2>> rec_alleles(records.size(), {-1, -1});
  for (size_t r = 0; r < records.size(); ++r) {
    const GenotypeRecord& rec = records[r];
    auto cached = locus_cache_.find(rec.locus);
    if (cached == locus_cache_.end()) {
      std::string canonical = CanonicalLocusName(rec.locus);
      cached = locus_cache_.emplace(rec.locus, std::make_pair(canonical, table->FindLocus(canonical))).first;
    }
    const std::string& name = cached->second.first;
    if (name != rec.locus && renamed_.insert(rec.locus).second) {
      std::string file = rec.file ? *rec.file : std::string("?");
      diag_->Info(absl::StrCat(file, ": locus '", rec.locus, "' read as '", name, "'"));
    }
    int li = cached->second.second;
    if (li < 0) {
      if (IsSexOrYMarker(name)) {
        KINSHIP_RETURN_IF_ERROR(AddSexMarker(rec, name));
        continue;
      }
      unknown_loci_[name].insert(rec.sample_id);
      continue;
    }
    if (rec.allele1.empty() != rec.allele2.empty())
      return absl::InvalidArgumentError(absl::StrCat(
          rec.where(), ": sample ", rec.sample_id, " locus ", rec.locus,
          " has one allele; expected two (a homozygote repeats its allele) or none"));
    rec_locus[r] = li;
    if (rec.allele1.empty()) continue;
    // Fast path: a label found in the table as written is canonical (table labels are), and
    // is the allele; only other labels are read (canonical spelling, notation, errors).
    {
      const Locus& locus = table->locus(li);
      const int i1 = locus.FindAllele(rec.allele1), i2 = locus.FindAllele(rec.allele2);
      if (i1 >= 0 && i2 >= 0 && locus.observable(i1) && locus.observable(i2)) {
        if (locus.imputed(i1)) imputed_[{li, rec.allele1}].insert(rec.sample_id);
        if (locus.imputed(i2)) imputed_[{li, rec.allele2}].insert(rec.sample_id);
        rec_alleles[r] = {i1, i2};
        continue;
      }
    }
    AlleleLabel read[2] = {ReadAlleleLabel(rec.allele1), ReadAlleleLabel(rec.allele2)};
    int unknown = 0;  // alleles seen whose designation is not known: F, OL, <n, >n
    bool failed = false;
    for (const AlleleLabel& a : read) {
      switch (a.kind) {
        case AlleleLabelKind::kNumeric: break;
        case AlleleLabelKind::kOffLadder: ++unknown; break;
        case AlleleLabelKind::kFailed: ++unknown, failed = true; break;
        case AlleleLabelKind::kSilent:
          return absl::InvalidArgumentError(absl::StrCat(
              rec.where(), ": sample ", rec.sample_id, " locus ", rec.locus, ": '", a.text,
              "' is never observed in a profile; expected the alleles seen (a/silent is written a,a)"));
        case AlleleLabelKind::kInvalid:
          return absl::InvalidArgumentError(absl::StrCat(
              rec.where(), ": sample ", rec.sample_id, " locus ", rec.locus, ": allele '", a.text,
              "' is not an allele designation; expected a repeat number (12, 9.3), OL, <n, >n or F"));
      }
    }
    if (unknown == 2 && read[0].kind == AlleleLabelKind::kFailed && read[1].kind == AlleleLabelKind::kFailed)
      return absl::InvalidArgumentError(absl::StrCat(
          rec.where(), ": sample ", rec.sample_id, " locus ", rec.locus,
          ": F,F (both alleles failed); expected at least one allele seen (write no row for a locus that failed)"));
    if (unknown == 2) {
      // Nothing known of either allele: no information, the locus is untyped for this sample.
      if (++off_ladder_ct_ <= kMaxOffLadderWarnings)
        diag_->Warn(absl::StrCat(rec.where(), ": sample ", rec.sample_id, " locus ", name, ": (", rec.allele1, ",",
                                 rec.allele2, ") names no allele; locus treated as untyped for this sample"));
      continue;
    }
    if (unknown == 1 && !failed && ++off_ladder_ct_ <= kMaxOffLadderWarnings)
      // An off-ladder call is an allele of unknown designation: it must never count as shared
      // with another person's allele, so it becomes the wildcard of `a,F` (docs/model.md).
      diag_->Warn(absl::StrCat(rec.where(), ": sample ", rec.sample_id, " locus ", name, ": off-ladder allele (",
                               rec.allele1, ",", rec.allele2, ") read as ",
                               read[0].kind == AlleleLabelKind::kNumeric ? rec.allele1 : rec.allele2,
                               ",F: the other allele is not determined"));
    for (int k = 0; k < 2; ++k) {
      const AlleleLabel& a = read[k];
      if (a.kind != AlleleLabelKind::kNumeric) {
        rec_alleles[r][k] = kWildcardSlot;
        continue;
      }
      const std::string& written = k == 0 ? rec.allele1 : rec.allele2;
      if (a.text != written && relabelled_.insert({rec.file ? *rec.file : std::string("?"), written}).second)
        diag_->Info(absl::StrCat(rec.file ? *rec.file : std::string("?"), ": allele '", written, "' read as '", a.text,
                                 "'", a.comma_decimal ? " (decimal comma)" : "", " (first at line ", rec.line, ")"));
      Locus& locus = table->mutable_locus(li);
      if (const int idx = locus.FindAllele(a.text); idx >= 0) {
        if (locus.imputed(idx)) imputed_[{li, a.text}].insert(rec.sample_id);
        rec_alleles[r][k] = idx;
        continue;
      }
      if (options_.frozen_table) {
        frozen_misses_[{li, a.text}].insert(rec.sample_id);
        if (!first_frozen_miss_.has_value()) first_frozen_miss_ = rec.where();
        rec_alleles[r] = {-1, -1};  // never bound: Finish() reports the error
        break;
      }
      if (locus.allele_ct() >= kMaxAllelesPerLocus)
        return absl::OutOfRangeError(absl::StrCat(rec.where(), ": locus ", name, " would have more than ",
                                                  kMaxAllelesPerLocus, " alleles"));
      double f = locus.sample_size() ? 5.0 / (2.0 * *locus.sample_size()) : options_.min_freq;
      rec_alleles[r][k] = locus.AddAllele(a.text, f, /*imputed=*/true);
      imputed_[{li, a.text}].insert(rec.sample_id);
      imputed_freq_[{li, a.text}] = f;
    }
  }
  // Pass 2: genotypes into columns, duplicates checked (also against earlier batches).
  const size_t nl = static_cast<size_t>(table->locus_ct());
  int file = -1;
  const std::string* last_file = nullptr;
  for (size_t r = 0; r < records.size(); ++r) {
    const GenotypeRecord& rec = records[r];
    int s = set_.FindSample(rec.sample_id);
    if (s < 0) {
      s = set_.AddSample(rec.sample_id);
      first_file_.resize(first_file_.size() + nl, -1);
      first_line_.resize(first_line_.size() + nl, 0);
    }
    const int li = rec_locus[r];
    if (li < 0) continue;
    // Untyped: no alleles, an off-ladder call, or (frozen table) an allele not in the table.
    GenotypeIdx g = kUntyped;
    if (rec_alleles[r][0] >= 0 && rec_alleles[r][1] >= 0) g = GenotypeIndex(rec_alleles[r][0], rec_alleles[r][1]);
    else if (rec_alleles[r][0] >= 0 && rec_alleles[r][1] == kWildcardSlot) g = WildcardCode(rec_alleles[r][0]);
    else if (rec_alleles[r][1] >= 0 && rec_alleles[r][0] == kWildcardSlot) g = WildcardCode(rec_alleles[r][1]);
    const size_t cell = static_cast<size_t>(s) * nl + li;
    if (first_file_[cell] < 0) {
      if (rec.file.get() != last_file || file < 0) {
        file = FileIndex(rec.file);
        last_file = rec.file.get();
      }
      first_file_[cell] = file;
      first_line_[cell] = rec.line;
      set_.set_genotype(li, s, g);
      continue;
    }
    const std::string prev = absl::StrCat(files_[first_file_[cell]], ":", first_line_[cell]);
    if (set_.genotype(li, s) != g)
      return absl::InvalidArgumentError(absl::StrCat(
          rec.where(), ": sample ", rec.sample_id, " has a second, different genotype at ", table->locus(li).name(),
          " (first at ", prev, "); expected one genotype per sample and locus"));
    diag_->Warn(absl::StrCat(rec.where(), ": sample ", rec.sample_id, " locus ", table->locus(li).name(),
                             " repeats the genotype of ", prev, "; kept once"));
  }
  return absl::OkStatus();
}

absl::StatusOr<ProfileSet> ProfileBinder::Finish() {
  AlleleFreqTable* table = table_;
  std::set<int> imputed_loci;
  for (const auto& [key, samples] : imputed_) imputed_loci.insert(key.first);
  if (options_.rescale_after_imputation) {
    for (int li : imputed_loci) {
      Locus& locus = table->mutable_locus(li);
      double s = locus.FrequencySum();
      locus.ScaleFrequencies(1.0 / s);
      diag_->Info(absl::StrFormat("locus %s rescaled by 1/%.10g after imputation", locus.name(), s));
    }
  }
  for (const auto& [key, samples] : imputed_) {
    const Locus& locus = table->locus(key.first);
    std::string rule = locus.sample_size() ? absl::StrCat("5/(2N), N = ", *locus.sample_size())
                                           : std::string("--min-freq");
    std::vector<std::string> ids(samples.begin(), samples.end());
    if (ids.size() > 10) {
      ids.resize(10);
      ids.push_back("...");
    }
    diag_->Warn(absl::StrFormat(
        "allele %s at %s not in the frequency table: imputed frequency %.10g (%s)%s; %d sample(s): %s", key.second,
        locus.name(), imputed_freq_[key], rule, options_.rescale_after_imputation ? " before rescaling" : "",
        samples.size(), absl::StrJoin(ids, " ")));
  }
  if (!frozen_misses_.empty()) {
    std::vector<std::string> items;
    for (const auto& [key, samples] : frozen_misses_) {
      std::vector<std::string> ids(samples.begin(), samples.end());
      if (ids.size() > 5) {
        ids.resize(5);
        ids.push_back("...");
      }
      items.push_back(absl::StrCat(table->locus(key.first).name(), " ", key.second, " (", absl::StrJoin(ids, " "), ")"));
    }
    if (items.size() > 20) {
      items.resize(20);
      items.push_back("...");
    }
    return absl::FailedPreconditionError(absl::StrCat(
        *first_frozen_miss_, ": ", frozen_misses_.size(), " allele(s) not in the frozen frequency table: ",
        absl::StrJoin(items, "; "),
        "; expected every allele in the table (update the table in an explicit step: run without --freeze-freqs "
        "and with --write-freqs, then review and use the written table)"));
  }
  if (off_ladder_ct_ > kMaxOffLadderWarnings)
    diag_->Warn(absl::StrCat(off_ladder_ct_, " off-ladder genotypes in all (the first ", kMaxOffLadderWarnings,
                             " are listed above); each locus treated as untyped for its sample"));
  for (const auto& [sample, sex] : amel_) {
    const int s = set_.FindSample(sample);
    if (s >= 0) set_.set_amel_sex(s, sex);
  }
  for (const auto& [name, rows] : sex_markers_skipped_)
    diag_->Info(absl::StrCat("marker ", name, " skipped (Y marker, ", rows, " rows)"));
  for (const auto& [name, samples] : unknown_loci_)
    diag_->Warn(absl::StrCat("locus ", name, " is not in the frequency table: skipped (", samples.size(),
                             " sample(s))"));
  // A sample with no typed locus of the table (every locus untyped, unknown to the table or
  // off-ladder; Amelogenin alone) gives no evidence: it is kept, but said.
  std::vector<std::string> empty;
  std::int64_t empty_ct = 0;
  for (int s = 0; s < set_.sample_ct(); ++s) {
    bool typed = false;
    for (int l = 0; l < set_.locus_ct() && !typed; ++l) typed = set_.genotype(l, s) != kUntyped;
    if (typed) continue;
    if (++empty_ct <= 10) empty.push_back(set_.sample_id(s));
  }
  if (empty_ct > 0)
    diag_->Warn(absl::StrCat(empty_ct, " sample(s) have no typed locus of the frequency table, so nothing of ",
                             "theirs is compared (they give no evidence): ", absl::StrJoin(empty, " "), empty_ct > 10 ? " ..." : ""));
  first_file_.clear();
  first_line_.clear();
  return std::move(set_);
}

absl::StatusOr<ProfileSet> BuildProfileSet(const std::vector<GenotypeRecord>& records,
                                           const ProfileBuildOptions& options,
                                           AlleleFreqTable* table, Diagnostics* diag) {
  ProfileBinder binder(options, table, diag);
  if (auto st = binder.Add(records); !st.ok()) return st;
  return binder.Finish();
}

}  // namespace kinship
