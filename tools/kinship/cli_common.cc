#include "cli_common.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "internal/csv.h"
#include "internal/status_macros.h"
#include "sha256.h"

namespace kinship::cli {

int ExitCodeFor(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk: return kExitOk;
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kUnknown: return kExitInternal;
    default: return kExitBadInput;
  }
}

int ReportError(const std::string& cmd, const absl::Status& status) {
  std::cerr << "kinship " << cmd << ": error: " << status.message() << "\n";
  return ExitCodeFor(status);
}

void PrintNotes(const std::string& cmd, const Diagnostics& diag, bool quiet) {
  for (const Note& n : diag.notes()) {
    if (quiet && n.level == NoteLevel::kInfo) continue;
    std::cerr << "kinship " << cmd << ": " << (n.level == NoteLevel::kWarning ? "warning: " : "note: ")
              << n.message << "\n";
  }
}

absl::StatusOr<std::vector<CsvRow>> ReadCsvColumns(const std::string& path, const std::vector<std::string>& required,
                                                   const std::vector<std::string>& optional) {
  std::vector<std::string> all = required;
  all.insert(all.end(), optional.begin(), optional.end());
  const std::string want = absl::StrCat(absl::StrJoin(required, ","),
                                        optional.empty() ? "" : absl::StrCat(" (optional: ", absl::StrJoin(optional, ","), ")"));
  // The library's line reader: BOM, CRLF, blank and '#' lines as every reader handles them, and
  // a directory named as one.
  internal::LineReader in;
  KINSHIP_RETURN_IF_ERROR(in.Open(path));
  std::vector<CsvRow> rows;
  std::vector<int> where_col;  // column of each of `all` in the file, -1 when absent
  std::string line;
  size_t width = 0;
  while (in.Next(&line)) {
    std::vector<std::string> f;
    for (absl::string_view cell : absl::StrSplit(line, ',')) f.emplace_back(absl::StripAsciiWhitespace(cell));
    const std::string where = in.Where();
    // Every cell is an id or a name that goes into the reports (TSV, CSV, JSON).
    for (size_t c = 0; c < f.size(); ++c)
      KINSHIP_RETURN_IF_ERROR(internal::CheckText(
          in, where_col.empty() ? "header cell" : absl::StrCat("field ", c + 1), f[c]));
    if (where_col.empty()) {
      where_col.assign(all.size(), -1);
      for (size_t c = 0; c < f.size(); ++c) {
        auto it = std::find(all.begin(), all.end(), f[c]);
        if (it == all.end() || where_col[it - all.begin()] >= 0)
          return absl::InvalidArgumentError(
              absl::StrCat(where, ": unexpected column '", f[c], "' in the header; expected the header ", want));
        where_col[it - all.begin()] = static_cast<int>(c);
      }
      for (size_t i = 0; i < required.size(); ++i)
        if (where_col[i] < 0)
          return absl::InvalidArgumentError(
              absl::StrCat(where, ": no column ", required[i], "; expected the header ", want));
      width = f.size();
      continue;
    }
    if (f.size() != width)
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": found ", f.size(), " fields; expected ", width, " (one per column of the header)"));
    CsvRow row{{}, where};
    for (size_t i = 0; i < all.size(); ++i) {
      row.fields.push_back(where_col[i] < 0 ? std::string() : f[where_col[i]]);
      if (i < required.size() && row.fields.back().empty())
        return absl::InvalidArgumentError(absl::StrCat(where, ": empty ", all[i], "; expected the header ", want));
    }
    rows.push_back(std::move(row));
  }
  if (in.read_error()) return in.FileError("read error");
  if (where_col.empty()) return absl::InvalidArgumentError(absl::StrCat(path, ": empty file; expected the header ", want));
  if (rows.empty())
    return absl::InvalidArgumentError(absl::StrCat(path, ": no rows; expected at least one row after the header"));
  return rows;
}

std::vector<std::string> MendelianConflicts(const Pedigree& ped, const std::vector<GenotypeIdx>& g) {
  std::vector<std::string> out;
  for (int i = 0; i < ped.size(); ++i) {
    const Person& p = ped.person(i);
    if (p.father < 0 || g[i] == kUntyped) continue;
    const AllelePair c = GenotypeAlleles(g[i]);
    auto from = [&](int parent, int allele) {
      if (g[parent] == kUntyped) return true;
      AllelePair a = GenotypeAlleles(g[parent]);
      return a.a == allele || a.b == allele;
    };
    const bool ok = (from(p.father, c.a) && from(p.mother, c.b)) || (from(p.father, c.b) && from(p.mother, c.a));
    if (!ok) {
      std::string who = p.id;
      for (int par : {p.father, p.mother})
        if (g[par] != kUntyped) who += absl::StrCat(", ", ped.person(par).id);
      out.push_back(absl::StrCat("(", who, ")"));
    }
  }
  return out;
}

std::optional<int> ParseCommandLine(const std::string& cmd, int argc, char** argv,
                                    const boost::program_options::options_description& desc,
                                    boost::program_options::variables_map* vm,
                                    const std::function<void(const boost::program_options::variables_map&)>& validate) {
  namespace po = boost::program_options;
  try {
    po::store(po::command_line_parser(argc, argv).options(desc).run(), *vm);
    if (vm->count("help")) {
      std::cout << desc << "\n";
      return kExitOk;
    }
    po::notify(*vm);
    // An empty path would otherwise mean standard output (or the current folder): refuse it.
    for (const char* name : {"out", "per-locus", "json", "write-freqs", "out-dir"})
      if (vm->count(name) && (*vm)[name].as<std::string>().empty())
        throw po::error(absl::StrCat("--", name, " must not be empty (give a file name, or - for standard output)"));
    validate(*vm);
  } catch (const po::error& e) {
    std::cerr << "kinship " << cmd << ": " << e.what() << "\n(see kinship " << cmd << " --help)\n";
    return kExitUsage;
  }
  return std::nullopt;
}

void AddModelOptions(boost::program_options::options_description* desc, ModelOptions* o) {
  namespace po = boost::program_options;
  desc->add_options()
      ("freqs", po::value(&o->freqs_path)->required(), "allele frequency table (long locus,allele,frequency or wide)")
      ("sample-sizes", po::value(&o->sample_sizes_path), "per-locus sample sizes (locus,n_individuals or file,locus,n_individuals,...) for the 5/(2N) minimum frequency")
      ("theta", po::value(&o->theta)->default_value(0), "subpopulation correction theta (Balding-Nichols), 0 = Hardy-Weinberg")
      ("mutation-model", po::value(&o->model_name)->default_value("none"), "none|equal|proportional|stepwise|extended-stepwise")
      ("mutation-rate", po::value(&o->rate)->default_value(0), "mutation rate; both sexes unless --mutation-rate-female is given, then males")
      ("mutation-rate-female", po::value(&o->rate_female), "female mutation rate")
      ("mutation-rate2", po::value(&o->rate2)->default_value(0), "stepwise: rate of mutations to another microvariant class (e.g. 9 -> 9.3)")
      ("mutation-range", po::value(&o->range)->default_value(0.5), "stepwise: relative probability of n+1 versus n repeat steps")
      ("mutation-transform", po::value(&o->transform_name)->default_value("none"),
       "none|PM|MH|BA|PR: make the mutation model stationary (PM) or reversible (MH, BA, PR) for the frequencies, both sexes (as pedmut's transform)")
      ("mutation-rates", po::value(&o->rates_path), "per-locus rates CSV: locus,rate or locus,rate_male,rate_female (replaces the rate for listed loci)")
      ("min-freq", po::value(&o->build.min_freq)->default_value(0.001), "frequency of an allele absent from the table when the locus' N is unknown (else 5/(2N))")
      ("untyped-founders", po::value(&o->untyped_founders)->default_value("exact"),
       "exact|familias: familias reproduces Familias, which draws the allele an untyped founder with one child passes on from p, without mutation (docs/model.md)")
      ("normalize-freqs", po::value(&o->normalize)->default_value(true),
       "after imputing unseen alleles, rescale every locus to sum to 1 (yes|no); no: use the frequencies as written, "
       "the missing mass of a locus as one unobserved rest allele (a locus summing to more than 1 is refused)")
      ("allow-unnormalised", po::bool_switch(&o->allow_unnormalised),
       "use a table with a locus more than 0.01 away from summing to 1 (an error otherwise)")
      ("freeze-freqs", po::bool_switch(&o->build.frozen_table),
       "the frequency table is frozen: an allele absent from it is an error (nothing imputed), so no profile "
       "changes another pair's numbers")
      ("write-freqs", po::value(&o->write_freqs_path),
       "write the effective frequency table (after imputation and normalisation) as locus,allele,frequency, "
       "to review and then use with --freeze-freqs");
}

UntypedFounders UntypedFoundersMode(const ModelOptions& opts) {
  return ParseUntypedFounders(opts.untyped_founders).value_or(UntypedFounders::kExact);
}

absl::Status LoadModel(ModelOptions& o, const boost::program_options::variables_map& vm,
                       AlleleFreqTable* table, MutationSpec* mutation, MutationModel* model, Diagnostics* diag) {
  auto m = ParseMutationModel(o.model_name);
  if (!m.ok()) return m.status();
  if (auto u = ParseUntypedFounders(o.untyped_founders); !u.ok()) return u.status();
  *model = *m;
  mutation->male = {*m, o.rate, o.rate2, o.range};
  mutation->female = {*m, vm.count("mutation-rate-female") ? o.rate_female : o.rate, o.rate2, o.range};
  auto transform = ParseMutationTransform(o.transform_name);
  if (!transform.ok()) return transform.status();
  mutation->male.transform = mutation->female.transform = *transform;
  if (*m == MutationModel::kNone && *transform != MutationTransform::kNone)
    return absl::InvalidArgumentError("--mutation-transform given but --mutation-model is none; name a model");
  // Every numeric option is checked here, before any file is read: NaN fails each test
  // (comparisons with NaN are false), and so does inf where it makes no sense.
  for (double r : {o.rate, o.rate2, mutation->female.rate})
    if (!(r >= 0 && r <= 1)) return absl::InvalidArgumentError(absl::StrCat("mutation rate ", r, " is outside [0, 1]"));
  // range is the relative probability of n+1 versus n repeat steps: above 1, larger steps
  // would be likelier than smaller ones, which no stepwise model means (and range^steps
  // overflows): refused.
  if (!(o.range > 0 && o.range <= 1))
    return absl::InvalidArgumentError(absl::StrCat(
        "--mutation-range ", o.range, " is outside (0, 1]; expected the relative probability of n+1 versus n "
        "repeat steps (above 1 larger steps would be likelier than smaller ones)"));
  if (!(o.theta >= 0 && o.theta < 1)) return absl::InvalidArgumentError(absl::StrCat("--theta ", o.theta, " is outside [0, 1)"));
  if (!(o.build.min_freq >= kMinFrequency && o.build.min_freq < 1))
    return absl::InvalidArgumentError(
        absl::StrCat("--min-freq ", o.build.min_freq, " is outside [1e-9, 1); expected a frequency for unseen alleles"));
  if (*m == MutationModel::kNone &&
      (!vm["mutation-rate"].defaulted() || vm.count("mutation-rate-female") || vm.count("mutation-rates")))
    return absl::InvalidArgumentError("mutation rates given but --mutation-model is none; name a model");
  SetStage(absl::StrCat("reading the frequency table ", o.freqs_path));
  auto t = ReadAlleleFreqs(o.freqs_path, diag);
  if (!t.ok()) return t.status();
  KINSHIP_RETURN_IF_ERROR(
      CheckFrequencySums(*t, o.freqs_path, kFrequencySumTolerance, o.allow_unnormalised, diag));
  *table = std::move(*t);
  if (!o.sample_sizes_path.empty()) {
    SetStage(absl::StrCat("reading the sample sizes ", o.sample_sizes_path));
    auto st = ReadSampleSizes(o.sample_sizes_path, std::filesystem::path(o.freqs_path).filename().string(), table,
                              diag);
    if (!st.ok()) return st;
  }
  if (!o.rates_path.empty()) {
    SetStage(absl::StrCat("reading the mutation rates ", o.rates_path));
    auto rates = ReadMutationRates(o.rates_path, diag);
    if (!rates.ok()) return rates.status();
    for (const auto& [locus, r] : *rates)
      if (table->FindLocus(locus) < 0)
        diag->Info(absl::StrCat(o.rates_path, ": rate for locus ", locus, " ignored (not in the frequency table)"));
    mutation->per_locus_rates = *rates;
    // A locus without a rate must not silently get rate 0 (an exclusion becomes possible
    // there): it takes the rate given with --mutation-rate, or the run stops.
    std::vector<std::string> missing;
    for (const Locus& l : table->loci())
      if (!rates->count(l.name())) missing.push_back(l.name());
    if (!missing.empty()) {
      if (vm["mutation-rate"].defaulted())
        return absl::FailedPreconditionError(absl::StrCat(
            o.rates_path, ": no mutation rate for ", missing.size(), " locus/loci of the frequency table (",
            absl::StrJoin(missing, ", "), "); expected a rate for every locus, or a fallback rate for the others "
            "with --mutation-rate (and --mutation-rate-female)"));
      diag->Info(absl::StrCat("loci without a rate in ", o.rates_path, " use the fallback rate of --mutation-rate: ",
                              absl::StrJoin(missing, ", ")));
    }
  }
  o.as_read = *table;
  return absl::OkStatus();
}

absl::StatusOr<TableReport> FinishTable(const ModelOptions& opts, AlleleFreqTable* table, Diagnostics* diag) {
  TableReport report;
  std::vector<std::string> changes;
  int imputed = 0;
  for (const Locus& l : table->loci())
    for (int a = 0; a < l.allele_ct(); ++a) imputed += l.imputed(a);
  if (imputed > 0) changes.push_back(absl::StrCat(imputed, " allele(s) imputed"));
  if (opts.normalize) {
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
      if (sum > 1 + 1e-12)
        return absl::FailedPreconditionError(absl::StrFormat(
            "locus %s: the frequencies sum to %.12g, more than 1, and --normalize-freqs no uses them as written; "
            "expected a sum of at most 1 (use --normalize-freqs yes)",
            l.name(), sum));
      if (sum < 1 - 1e-12) {
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
  report.effective_sha256 = Sha256Hex(report.effective_text);
  diag->Info(absl::StrCat("frequency table ", report.changed ? "changed by this run: " : "", report.change,
                          "; effective table sha256 ", report.effective_sha256,
                          opts.write_freqs_path.empty() ? "" : absl::StrCat(" (written to ", opts.write_freqs_path, ")")));
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

absl::Status CheckFamilyReferences(const Pedigree& ped, const std::vector<GenotypeIdx>& g,
                                   const PedigreeLocusModel& plain, const PedigreeLocusModel& model,
                                   bool mutation, const std::string& locus, Diagnostics* diag) {
  // log10 values: a likelihood below the smallest double is not an impossibility.
  auto lik = PedigreeLog10Likelihood(ped, g, plain);
  if (!lik.ok()) return lik.status();
  if (*lik > -INFINITY) return absl::OkStatus();
  if (mutation) {
    auto with = PedigreeLog10Likelihood(ped, g, model);
    if (!with.ok()) return with.status();
    if (*with == -INFINITY) {
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

absl::StatusOr<Sex> ParseSex(const std::string& s) {
  if (s == "male" || s == "1") return Sex::kMale;
  if (s == "female" || s == "2") return Sex::kFemale;
  if (s == "unknown" || s == "0") return Sex::kUnknown;
  return absl::InvalidArgumentError(absl::StrCat("sex '", s, "': expected male, female or unknown (or 1, 2, 0)"));
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

namespace {
std::string& StageText() {
  static std::string stage;
  return stage;
}
}  // namespace

void SetStage(std::string stage) { StageText() = std::move(stage); }
const std::string& Stage() { return StageText(); }

absl::Status CheckFinishedNumber(double v, const std::string& what) {
  if (!std::isnan(v)) return absl::OkStatus();
  return absl::InternalError(absl::StrCat(what, " is NaN (a bug: no result is NaN); no report written"));
}

std::string FormatDouble(double v) {
  if (std::isinf(v)) return v < 0 ? "-inf" : "inf";
  return absl::StrFormat("%.17g", v);
}

}  // namespace kinship::cli
