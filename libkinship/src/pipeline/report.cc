// Report writers (kinship/report.h). JSON strings are escaped by nlohmann::json (invalid
// UTF-8 replaced by U+FFFD, so the file is always valid JSON); numbers are written by
// FormatDouble, digit for digit as in the TSV (nlohmann's shortest round-trip form would
// print the same double differently in the two reports).
#include "kinship/report.h"

#include <cmath>

#include <nlohmann/json.hpp>

#include "kinship/case_report.h"
#include "kinship/version.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace kinship {

namespace {

std::string JsonString(const std::string& s) {
  return nlohmann::json(s).dump(-1, ' ', /*ensure_ascii=*/false, nlohmann::json::error_handler_t::replace);
}

// log10 values in JSON: a number, or the string "-inf" for an exclusion.
std::string JsonNumber(double v) { return std::isfinite(v) ? FormatDouble(v) : JsonString(FormatDouble(v)); }

const char* RankByName(RankBy by) { return by == RankBy::kVictim ? "victim" : "candidate"; }

}  // namespace

std::string FormatDouble(double v) {
  if (std::isinf(v)) return v < 0 ? "-inf" : "inf";
  return absl::StrFormat("%.17g", v);
}

double Posterior(double log10_lr, double prior) {
  if (log10_lr == -INFINITY) return 0;
  const double x = log10_lr + std::log10(prior) - std::log10(1 - prior);  // log10 posterior odds
  return 1 / (1 + std::pow(10.0, -x));
}

absl::Status CheckFinishedNumber(double v, const std::string& what) {
  if (!std::isnan(v)) return absl::OkStatus();
  return absl::InternalError(what + " is NaN (a bug: no result is NaN); no report written");
}

void WriteProvenanceLines(const Provenance& prov, const std::vector<std::pair<std::string, std::int64_t>>& counts,
                          const std::vector<Note>& notes, double seconds, std::FILE* f) {
  std::fprintf(f, "##kinship_version=%s\n##command=%s\n", prov.version.c_str(), prov.command.c_str());
  for (const auto& [k, v] : prov.parameters) std::fprintf(f, "##parameter.%s=%s\n", k.c_str(), v.c_str());
  for (const InputDigest& in : prov.inputs)
    std::fprintf(f, "##input.%s=%s sha256=%s\n", in.role.c_str(), in.path.c_str(), in.sha256.c_str());
  std::fprintf(f, "##frequency_table=%s\n##frequency_table.effective_sha256=%s\n", prov.table.change.c_str(),
               prov.table.effective_sha256.c_str());
  for (const auto& [k, v] : counts) std::fprintf(f, "##count.%s=%lld\n", k.c_str(), static_cast<long long>(v));
  for (const Note& n : notes)
    std::fprintf(f, "##%s=%s\n", n.level == NoteLevel::kWarning ? "warning" : "note", n.message.c_str());
  std::fprintf(f, "##time_seconds=%.3f\n", seconds);
}

void WriteMatchTsv(const MatchResult& result, std::FILE* f) {
  WriteProvenanceLines(result.provenance, result.counts, result.notes, result.seconds, f);
  const bool by_victim = result.by == RankBy::kVictim;
  if (by_victim)
    std::fputs("victim\trank\tcandidate\tfamily\tmissing_id\thypothesis\tlog10_lr\tposterior\tloci_compared\tloci_"
               "inconsistent\n",
               f);
  else
    std::fputs("candidate\tfamily\tmissing_id\thypothesis\trank\tvictim\tlog10_lr\tposterior\tloci_compared\tloci_"
               "inconsistent\n",
               f);
  for (const MatchRow& r : result.rows) {
    const std::string lr = FormatDouble(r.log10_lr), post = FormatDouble(r.posterior);
    if (by_victim)
      std::fprintf(f, "%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%d\n", r.victim.c_str(), r.rank, r.candidate.c_str(),
                   r.family.c_str(), r.missing_id.c_str(), r.hypothesis.c_str(), lr.c_str(), post.c_str(),
                   r.loci_compared, r.loci_inconsistent);
    else
      std::fprintf(f, "%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\t%d\t%d\n", r.candidate.c_str(), r.family.c_str(),
                   r.missing_id.c_str(), r.hypothesis.c_str(), r.rank, r.victim.c_str(), lr.c_str(), post.c_str(),
                   r.loci_compared, r.loci_inconsistent);
  }
}

void WriteMatchJson(const MatchResult& result, std::FILE* j) {
  const Provenance& prov = result.provenance;
  std::fprintf(j, "{\n  \"kinship_version\": %s,\n  \"command\": %s,\n  \"parameters\": {",
               JsonString(prov.version).c_str(), JsonString(prov.command).c_str());
  for (size_t i = 0; i < prov.parameters.size(); ++i)
    std::fprintf(j, "%s\n    %s: %s", i ? "," : "", JsonString(prov.parameters[i].first).c_str(),
                 JsonString(prov.parameters[i].second).c_str());
  std::fputs("\n  },\n  \"inputs\": [", j);
  for (size_t i = 0; i < prov.inputs.size(); ++i)
    std::fprintf(j, "%s\n    {\"role\": %s, \"path\": %s, \"sha256\": %s}", i ? "," : "",
                 JsonString(prov.inputs[i].role).c_str(), JsonString(prov.inputs[i].path).c_str(),
                 JsonString(prov.inputs[i].sha256).c_str());
  std::fputs("\n  ],\n  \"counts\": {", j);
  for (size_t i = 0; i < result.counts.size(); ++i)
    std::fprintf(j, "%s\n    %s: %lld", i ? "," : "", JsonString(result.counts[i].first).c_str(),
                 static_cast<long long>(result.counts[i].second));
  std::fputs("\n  },\n  \"notes\": [", j);
  for (size_t i = 0; i < result.notes.size(); ++i)
    std::fprintf(j, "%s\n    %s", i ? "," : "", JsonString(result.notes[i].message).c_str());
  std::fprintf(j, "\n  ],\n  \"time_seconds\": %.3f,\n  \"by\": %s,\n  \"results\": [", result.seconds,
               JsonString(RankByName(result.by)).c_str());
  for (size_t i = 0; i < result.rows.size(); ++i) {
    const MatchRow& r = result.rows[i];
    std::fprintf(j,
                 "%s\n    {\"victim\": %s, \"rank\": %d, \"candidate\": %s, \"family\": %s, \"missing_id\": %s, "
                 "\"hypothesis\": %s, \"log10_lr\": %s, \"posterior\": %s, \"loci_compared\": %d, "
                 "\"loci_inconsistent\": %d, \"per_locus_log10_lr\": {",
                 i ? "," : "", JsonString(r.victim).c_str(), r.rank, JsonString(r.candidate).c_str(),
                 JsonString(r.family).c_str(), JsonString(r.missing_id).c_str(), JsonString(r.hypothesis).c_str(),
                 JsonNumber(r.log10_lr).c_str(), FormatDouble(r.posterior).c_str(), r.loci_compared,
                 r.loci_inconsistent);
    for (size_t l = 0; l < r.per_locus.size(); ++l)
      std::fprintf(j, "%s%s: %s", l ? ", " : "", JsonString(r.per_locus[l].locus).c_str(),
                   JsonNumber(r.per_locus[l].log10_lr).c_str());
    std::fputs("}", j);
    if (r.detail) std::fprintf(j, ", \"detail\": %s", CaseDetailJson(*r.detail).c_str());
    std::fputs("}", j);
  }
  std::fputs("\n  ]\n}\n", j);
}

void WriteLrCsv(const LrResult& result, std::FILE* out) {
  std::fprintf(out, "%s,log10_lr,loci_compared,loci_inconsistent%s\n", absl::StrJoin(result.key_header, ",").c_str(),
               result.trios ? ",sex" : result.cases ? "" : ",alternative,sex1,sex2");
  for (const LrRow& r : result.rows) {
    const std::string extra = r.extra.empty() ? "" : absl::StrCat(",", absl::StrJoin(r.extra, ","));
    std::fprintf(out, "%s,%s,%d,%d%s\n", absl::StrJoin(r.key, ",").c_str(), FormatDouble(r.log10_lr).c_str(),
                 r.loci_compared, r.loci_inconsistent, extra.c_str());
  }
}

void WriteLrPerLocusCsv(const LrResult& result, std::FILE* out) {
  std::fprintf(out, "%s,locus,log10_lr%s\n", absl::StrJoin(result.key_header, ",").c_str(),
               result.cases ? "" : ",alternative");
  for (const LrRow& r : result.rows) {
    const std::string key = absl::StrJoin(r.key, ",");
    const std::string alternative = r.extra.empty() || result.cases ? "" : absl::StrCat(",", r.extra[0]);
    for (size_t l = 0; l < r.per_locus.size(); ++l)
      if (!std::isnan(r.per_locus[l]))
        std::fprintf(out, "%s,%s,%s%s\n", key.c_str(), result.locus_names[l].c_str(),
                     FormatDouble(r.per_locus[l]).c_str(), alternative.c_str());
  }
}

void WriteLrSummary(const LrResult& result, std::FILE* out) {
  std::fprintf(out, "kinship %s lr: %zu %s, theta %g, mutation %s\n", KINSHIP_VERSION_STRING, result.rows.size(),
               result.trios ? "trio(s)" : result.cases ? "case(s)" : "pair(s)", result.theta, MutationModelName(result.mutation_model));
  const auto& h = result.key_header;
  std::fprintf(out, "%-14s %-14s %-16s %12s %14s %6s %6s\n", h[0].c_str(), h[1].c_str(), h[2].c_str(), "log10 LR",
               "LR", "loci", "incons");
  for (const LrRow& r : result.rows) {
    const std::string lr = r.log10_lr > 300 ? ">1e300" : absl::StrFormat("%.4g", std::pow(10.0, r.log10_lr));
    std::fprintf(out, "%-14s %-14s %-16s %12.4f %14s %6d %6d\n", r.key[0].c_str(), r.key[1].c_str(),
                 r.key[2].c_str(), r.log10_lr, lr.c_str(), r.loci_compared, r.loci_inconsistent);
  }
}

}  // namespace kinship
