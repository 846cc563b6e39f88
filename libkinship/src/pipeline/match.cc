// The screen as one call (kinship/match.h): read and bind the batches, build the candidates
// (pairwise references, families' missing persons), screen, rank, and gather the provenance.
#include "kinship/match.h"

#include <algorithm>
#include <chrono>
#include <climits>
#include <cmath>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "internal/status_macros.h"
#include "kinship/exchange.h"
#include "kinship/io.h"
#include "kinship/pairwise.h"
#include "kinship/pedigree_lr.h"
#include "kinship/report.h"
#include "kinship/version.h"

namespace kinship {

namespace {

struct CandidateInfo {
  std::string label;       // reference sample id, or family id
  std::string family;      // family id (pedigree candidates)
  std::string missing_id;  // missing person (pedigree candidates)
  std::string hypothesis;  // relationship name, or "missing-person"
};

// A family's checks and tables (per missing person), with its notes kept apart.
struct FamilyWork {
  Diagnostics diag;
  absl::Status refs;
  std::vector<absl::StatusOr<FamilyRows>> rows;  // per missing person
};

// FamilyWork as bytes, for the other ranks (kinship/exchange.h); every double bit for bit.
void PutStatus(const absl::Status& st, ByteWriter* w) {
  w->Put<std::int32_t>(static_cast<std::int32_t>(st.code()));
  w->PutString(std::string(st.message()));
}
absl::Status GetStatus(ByteReader* in) {
  const auto code = static_cast<absl::StatusCode>(in->Get<std::int32_t>());
  std::string message = in->GetString();
  return code == absl::StatusCode::kOk ? absl::OkStatus() : absl::Status(code, message);
}
// The rows' linear LRs and victim weights go only for loci with observation columns (the
// builder reads them nowhere else: ScoreTablesBuilder::AddRow), `weighted[l]`.
void PutFamilyWork(const FamilyWork& work, const std::vector<char>& weighted, ByteWriter* w) {
  w->Put<std::uint64_t>(work.diag.notes().size());
  for (const Note& n : work.diag.notes()) {
    w->Put<std::uint8_t>(n.level == NoteLevel::kWarning);
    w->PutString(n.message);
  }
  PutStatus(work.refs, w);
  w->Put<std::uint64_t>(work.rows.size());
  for (const absl::StatusOr<FamilyRows>& rows : work.rows) {
    PutStatus(rows.status(), w);
    if (!rows.ok()) continue;
    w->Put<std::uint64_t>(rows->rows.size());
    for (const FamilyRows::Row& r : rows->rows) {
      w->Put<std::int32_t>(r.locus);
      w->PutVector(r.log10_lr);
      w->PutVector(r.inconsistent);
      w->Put<std::uint8_t>(r.candidate_untyped);
      w->PutVector(weighted[r.locus] ? r.lr : std::vector<double>{});
      w->PutVector(weighted[r.locus] ? r.victim_weights : std::vector<double>{});
    }
  }
}
void GetFamilyWork(ByteReader* in, FamilyWork* work) {
  const auto note_ct = in->Get<std::uint64_t>();
  for (std::uint64_t i = 0; i < note_ct && in->ok(); ++i) {
    const bool warning = in->Get<std::uint8_t>() != 0;
    std::string message = in->GetString();
    if (warning)
      work->diag.Warn(std::move(message));
    else
      work->diag.Info(std::move(message));
  }
  work->refs = GetStatus(in);
  const auto row_ct = in->Get<std::uint64_t>();
  for (std::uint64_t k = 0; k < row_ct && in->ok(); ++k) {
    absl::Status st = GetStatus(in);
    if (!st.ok()) {
      work->rows.push_back(st);
      continue;
    }
    FamilyRows rows;
    const auto n = in->Get<std::uint64_t>();
    for (std::uint64_t j = 0; j < n && in->ok(); ++j) {
      FamilyRows::Row r;
      r.locus = in->Get<std::int32_t>();
      r.log10_lr = in->GetVector<double>();
      r.inconsistent = in->GetVector<std::uint8_t>();
      r.candidate_untyped = in->Get<std::uint8_t>() != 0;
      r.lr = in->GetVector<double>();
      r.victim_weights = in->GetVector<double>();
      rows.rows.push_back(std::move(r));
    }
    work->rows.push_back(std::move(rows));
  }
}

// A slice of the victims' hits as bytes: the rescored count, then per victim its hits.
std::string PutHits(const ScreenResult& r) {
  ByteWriter w;
  w.Put<std::int64_t>(r.pairs_rescored);
  w.Put<std::uint64_t>(r.hits.size());
  for (const std::vector<ScreenHit>& hv : r.hits) w.PutVector(hv);
  return std::move(w).Take();
}

absl::StatusOr<MatchResult> MatchRanks(const MatchRequest& req, Diagnostics* diag);

}  // namespace

// One process, or one rank of several (req.exchange): a rank that fails meets the others
// at their exchange with its error (kinship/exchange.h), so every rank stops with it.
absl::StatusOr<MatchResult> Match(const MatchRequest& req, Diagnostics* diag) {
  absl::StatusOr<MatchResult> result = MatchRanks(req, diag);
  if (!result.ok() && req.exchange) return req.exchange->Abandon(result.status());
  return result;
}

namespace {

absl::StatusOr<MatchResult> MatchRanks(const MatchRequest& req, Diagnostics* diag) {
  const auto t_start = std::chrono::steady_clock::now();
  auto stage = [&](const std::string& s) {
    if (req.stage) req.stage(s);
  };
  if (req.top_k < 1) return absl::InvalidArgumentError("--top must be at least 1");
  if (std::isnan(req.min_log10_lr) || req.min_log10_lr == INFINITY)
    return absl::InvalidArgumentError("--min-log10-lr must be a number or -inf (+inf would report nothing)");
  if (req.prior && !(*req.prior > 0 && *req.prior < 1)) return absl::InvalidArgumentError("--prior must be in (0, 1)");
  if (req.references.empty() != req.relationships.empty())
    return absl::InvalidArgumentError("--references and --relationship go together");
  const bool have_families = !req.pedigrees_path.empty() || !req.families.empty();
  if (have_families == req.family_profiles.empty())
    return absl::InvalidArgumentError("--pedigrees and --profiles go together");
  if (req.references.empty() && !have_families)
    return absl::InvalidArgumentError(
        "nothing to screen against: give --references with --relationship, or --pedigrees with --profiles");
  // Every option is checked before any file is read (a bad value must not cost a long read).
  for (double x : {req.victim_observation.dropout, req.victim_observation.dropin})
    if (!(x >= 0 && x < 1))
      return absl::InvalidArgumentError(absl::StrCat("victim drop-out/drop-in ", x, " is outside [0, 1)"));
  for (const std::string& rel_name : req.relationships) KINSHIP_RETURN_IF_ERROR(ParseRelationship(rel_name).status());

  KINSHIP_ASSIGN_OR_RETURN(LoadedModel model, LoadModel(req.model, diag, req.stage));
  AlleleFreqTable* table = &model.table;
  const MutationSpec& mutation = model.mutation;
  const double theta = req.model.theta;

  // Ranks (kinship/exchange.h): each computes its share of the families' tables and screens
  // its slice of the victims; every rank reads every input.
  const int rank = req.exchange ? req.exchange->rank() : 0;
  const int ranks = req.exchange ? req.exchange->size() : 1;

  // Inputs, with their checksums for the report (taken by the readers as they read: each
  // input is read once, so a FIFO or a process substitution works).
  std::vector<std::pair<std::string, std::string>> inputs;  // (role, path)
  inputs.push_back({"freqs", req.model.freqs_path});
  if (!req.model.sample_sizes_path.empty()) inputs.push_back({"sample-sizes", req.model.sample_sizes_path});
  if (!req.model.rates_path.empty()) inputs.push_back({"mutation-rates", req.model.rates_path});
  auto add_inputs = [&](const char* role, const std::vector<ProfileSource>& sources) {
    for (const ProfileSource& s : sources)
      if (!s.path.empty()) inputs.push_back({role, s.path});
  };
  add_inputs("victims", req.victims);
  add_inputs("references", req.references);
  if (!req.pedigrees_path.empty()) inputs.push_back({"pedigrees", req.pedigrees_path});
  add_inputs("profiles", req.family_profiles);

  // Profiles: victims, pairwise references, family references; one table for all. Files
  // are read and bound in batches, so no file is held whole as text.
  ProfileBinder binder(req.model.build_options(), table, diag);
  std::vector<std::string> victim_ids, reference_ids;
  std::set<std::string> victim_set, reference_set, family_set;
  const CategorySelection victim_select{req.victim_categories, "--victim-category"};
  const CategorySelection reference_select{req.reference_categories, "--reference-category"};
  KINSHIP_RETURN_IF_ERROR(BindSources(req.victims, &binder, diag, req.stage, &victim_ids, &victim_set, victim_select));
  // References (--references) and family profiles (--profiles): one --reference-category.
  KINSHIP_RETURN_IF_ERROR(
      BindSources(req.references, &binder, diag, req.stage, &reference_ids, &reference_set, reference_select));
  KINSHIP_RETURN_IF_ERROR(
      BindSources(req.family_profiles, &binder, diag, req.stage, nullptr, &family_set, reference_select));
  for (const std::string& id : victim_ids)
    if (reference_set.count(id) || family_set.count(id))
      return absl::FailedPreconditionError(
          absl::StrCat("sample '", id, "' is both a victim (--victims) and a reference (--references or --profiles); ",
                       "expected distinct sample ids"));
  KINSHIP_ASSIGN_OR_RETURN(ProfileSet all, binder.Finish());
  KINSHIP_ASSIGN_OR_RETURN(TableReport table_report, FinishTable(req.model, table, diag));
  NoteRatesInUse(*table, mutation, diag);
  auto subset = [&](const std::vector<std::string>& ids) {
    std::vector<int> idx;
    for (const std::string& id : ids) idx.push_back(all.FindSample(id));
    return all.Subset(idx);
  };
  const ProfileSet victims = subset(victim_ids);
  const ProfileSet references = subset(reference_ids);
  // Drop-out and drop-in: the file's rows, and the victims' default (references: 0, 0).
  KINSHIP_ASSIGN_OR_RETURN(ObservationTable ref_obs,
                           LoadObservations(req.observation_path, *table, all, diag, req.stage, &inputs));
  ObservationTable victim_obs = ref_obs;
  victim_obs.set_default(req.victim_observation);
  const int locus_ct = table->locus_ct();
  if (locus_ct > kMaxScreenLoci)
    return absl::OutOfRangeError(absl::StrCat("the frequency table has ", locus_ct,
                                              " loci; the screen handles at most ", kMaxScreenLoci));

  // Candidates.
  ScoreTablesBuilder builder(*table, &victims, &victim_obs);
  std::vector<CandidateInfo> info;
  PairwiseOptions popts;
  popts.theta = theta;
  popts.mutation = mutation;
  popts.untyped_founders = req.model.untyped_founders;
  const Sex sex1 = req.reference_sex;
  // The sex of each reference (id1): reference_sex when given, else its Amelogenin. It matters
  // only where the sexes' mutation models differ; a stated sex that contradicts the
  // Amelogenin is a warning (first few named).
  const bool sexes_differ = SexesDiffer(mutation);
  std::vector<Sex> ref_sex(references.sample_ct(), sex1);
  {
    std::vector<std::string> conflicts;
    int from_amel = 0;
    for (int i = 0; i < references.sample_ct(); ++i) {
      const Sex amel = references.amel_sex(i);
      if (sex1 != Sex::kUnknown && amel != Sex::kUnknown && amel != sex1) conflicts.push_back(references.sample_id(i));
      if (sex1 == Sex::kUnknown && amel != Sex::kUnknown) {
        ref_sex[i] = amel;
        ++from_amel;
      }
    }
    if (!conflicts.empty())
      diag->Warn(absl::StrCat(conflicts.size(), " reference(s) are ", SexName(sex1), " by --sex1 but their Amelogenin ",
                              "says otherwise (",
                              absl::StrJoin(conflicts.begin(), conflicts.begin() + std::min<size_t>(conflicts.size(), 10),
                                            " "),
                              conflicts.size() > 10 ? " ..." : "", "); --sex1 is used"));
    if (from_amel > 0 && sexes_differ && !req.relationships.empty())
      diag->Info(absl::StrCat("the sexes of ", from_amel, " reference(s) taken from their Amelogenin"));
  }
  if (!sexes_differ) std::fill(ref_sex.begin(), ref_sex.end(), sex1);
  for (const std::string& rel_name : req.relationships) {
    KINSHIP_ASSIGN_OR_RETURN(Relationship rel, ParseRelationship(rel_name));
    std::map<Sex, std::unique_ptr<PairwiseCalculator>> calcs;
    std::vector<const PairwiseCalculator*> calc_of(references.sample_ct());
    for (int i = 0; i < references.sample_ct(); ++i) {
      auto& calc = calcs[ref_sex[i]];
      if (!calc) {
        popts.sex1 = ref_sex[i];
        auto c = PairwiseCalculator::Create(*table, rel, popts);
        if (!c.ok())
          return absl::Status(c.status().code(), absl::StrCat("reference ", references.sample_id(i), " (sex ",
                                                              SexName(ref_sex[i]), "): ", c.status().message()));
        calc = std::make_unique<PairwiseCalculator>(std::move(*c));
      }
      calc_of[i] = calc.get();
    }
    AddPairwiseCandidates(calc_of, references, &builder, &ref_obs);
    for (const std::string& id : reference_ids) info.push_back({id, "", "", rel_name});
  }
  int family_ct = 0;
  std::int64_t skipped = 0;  // families or missing persons skipped
  if (have_families) {
    std::vector<Pedigree> read_peds;
    if (!req.pedigrees_path.empty()) {
      stage(absl::StrCat("reading the pedigrees ", req.pedigrees_path));
      KINSHIP_ASSIGN_OR_RETURN(read_peds, ReadPedigrees(req.pedigrees_path, /*require_missing=*/true, diag));
    }
    const std::vector<Pedigree>& peds = req.pedigrees_path.empty() ? req.families : read_peds;
    const std::string source = req.pedigrees_path.empty() ? std::string("families") : req.pedigrees_path;
    family_ct = static_cast<int>(peds.size());
    KINSHIP_ASSIGN_OR_RETURN(auto models, BuildPedigreeModels(*table, mutation, theta, req.model.untyped_founders));
    // Without mutation, for the consistency checks and the rows' inconsistent flags, at
    // theta 0 whatever theta: whether a likelihood is 0 does not depend on theta (the
    // Balding-Nichols draws give a set of alleles positive probability exactly when the
    // frequencies do), and theta = 0 is one elimination (with theta and many untyped
    // founders the check cost more than the family's tables).
    std::vector<PedigreeLocusModel> plain;
    if (mutation.enabled()) {
      KINSHIP_ASSIGN_OR_RETURN(plain, BuildPedigreeModels(*table, MutationSpec{}, 0.0));
    }
    const std::vector<PedigreeLocusModel>& check_models = mutation.enabled() ? plain : models;
    // Every member's sample must be a family profile: checked first, in file order (the first
    // missing sample stops the run).
    std::vector<std::vector<std::vector<GenotypeIdx>>> family_g(peds.size());
    std::vector<FamilyEvidence> family_ev(peds.size());
    for (size_t f = 0; f < peds.size(); ++f) {
      const Pedigree& ped = peds[f];
      for (const Person& p : ped.persons())
        if (!p.sample_id.empty() && !family_set.count(p.sample_id))
          return absl::FailedPreconditionError(absl::StrCat(source, ": family ", ped.family(), ", member ", p.id,
                                                            ": sample '", p.sample_id, "' is in no --profiles file"));
      KINSHIP_ASSIGN_OR_RETURN(family_g[f], FamilyGenotypes(ped, all, *table, &ref_obs, &family_ev[f], source));
    }
    // The families' checks and tables, computed in parallel (oneTBB) in chunks of families,
    // each family's notes kept apart; then merged in family order, so the tables, the
    // candidates and the notes are the same for any thread count. The chunks bound the memory
    // of the rows computed but not yet added.
    // With several ranks, a chunk holds 256 families per rank, shared out among them (ShareOut,
    // kinship/exchange.h), and the ranks exchange their work after each chunk (every rank then
    // merges the whole chunk, in family order, as one process does).
    const std::int64_t family_total = static_cast<std::int64_t>(peds.size());
    const size_t chunk = 256 * static_cast<size_t>(ranks);
    for (size_t first = 0; first < peds.size(); first += chunk) {
      const size_t last = std::min(peds.size(), first + chunk);
      std::vector<FamilyWork> work(last - first);
      // This rank's families of the chunk (offsets from first): all of them in one process.
      std::vector<std::vector<size_t>> shares;
      if (ranks > 1) shares = ShareOut(last - first, ranks, first);
      std::vector<size_t> all_of_chunk;
      if (ranks == 1)
        for (size_t i = 0; i < last - first; ++i) all_of_chunk.push_back(i);
      const std::vector<size_t>& mine = ranks > 1 ? shares[rank] : all_of_chunk;
      tbb::parallel_for(tbb::blocked_range<size_t>(0, mine.size(), 1), [&](const tbb::blocked_range<size_t>& range) {
        for (size_t j = range.begin(); j < range.end(); ++j) {
          const size_t f = first + mine[j];
          if (req.cancel && req.cancel->load(std::memory_order_relaxed)) return;
          const Pedigree& ped = peds[f];
          const auto& g = family_g[f];
          FamilyWork& w = work[f - first];
          CheckSexesAgainstAmel(ped, all, &w.diag);
          const FamilyEvidence& ev = family_ev[f];
          for (int l = 0; l < locus_ct && w.refs.ok(); ++l)
            w.refs = CheckFamilyReferences(ped, g[l], check_models[l], models[l], mutation.enabled(),
                                           table->locus(l).name(), &w.diag, ev.empty() ? nullptr : &ev[l]);
          if (!w.refs.ok()) continue;
          for (int mp : ped.MissingPersons())
            w.rows.push_back(ComputeFamilyRows(ped, g, mp, models, mutation.enabled() ? &plain : nullptr, &ev));
        }
      });
      if (req.cancel && req.cancel->load()) return absl::CancelledError("the screen was cancelled; no report written");
      if (ranks > 1) {
        ByteWriter w;
        std::vector<char> weighted(locus_ct);
        for (int l = 0; l < locus_ct; ++l) weighted[l] = builder.has_observations(l);
        for (size_t i : mine) PutFamilyWork(work[i], weighted, &w);
        KINSHIP_ASSIGN_OR_RETURN(std::vector<std::string> parts, req.exchange->Share(std::move(w).Take(), false));
        for (int r = 0; r < ranks; ++r) {
          if (r == rank) continue;
          ByteReader in(parts[r]);
          for (size_t i : shares[r]) GetFamilyWork(&in, &work[i]);
          if (!in.done()) return absl::InternalError(absl::StrCat("the family tables of rank ", r, " do not read back"));
        }
      }
      // One family must not stop a screen: a family whose references are inconsistent, or
      // whose exact computation is past the engine's limits, is skipped with a warning (in
      // the report) and counted; the rest of the screen runs. Bugs (Internal) still stop it.
      auto skip = [&](const absl::Status& st, const std::string& who) {
        diag->Warn(absl::StrCat(who, " skipped: ", st.message()));
        ++skipped;
      };
      for (size_t f = first; f < last; ++f) {
        const Pedigree& ped = peds[f];
        FamilyWork& w = work[f - first];
        for (const Note& n : w.diag.notes()) {
          if (n.level == NoteLevel::kWarning)
            diag->Warn(n.message);
          else
            diag->Info(n.message);
        }
        if (!w.refs.ok()) {
          if (w.refs.code() == absl::StatusCode::kInternal) return w.refs;
          skip(w.refs, absl::StrCat("family ", ped.family()));
          continue;
        }
        const std::vector<int> missing = ped.MissingPersons();
        for (size_t k = 0; k < missing.size(); ++k) {
          const absl::StatusOr<FamilyRows>& rows = w.rows[k];
          if (!rows.ok()) {
            if (rows.status().code() == absl::StatusCode::kInternal) return rows.status();
            skip(rows.status(), absl::StrCat("family ", ped.family(), ", missing person ", ped.person(missing[k]).id));
            continue;
          }
          AddFamilyRows(*rows, &builder);
          info.push_back({ped.family(), ped.family(), ped.person(missing[k]).id, "missing-person"});
        }
      }
      if (req.family_progress) req.family_progress(static_cast<std::int64_t>(last), family_total);
    }
  }
  stage(absl::StrCat("building the score tables (", builder.candidate_ct(), " candidates)"));
  KINSHIP_ASSIGN_OR_RETURN(const ScoreTables tables, std::move(builder).Build());
  const int candidate_ct = tables.candidate_ct(), victim_ct = victims.sample_ct();
  // This rank's victims: a contiguous slice (all of them in one process).
  const int slice_begin = static_cast<int>(static_cast<std::int64_t>(victim_ct) * rank / ranks);
  const int slice_end = static_cast<int>(static_cast<std::int64_t>(victim_ct) * (rank + 1) / ranks);
  std::optional<ProfileSet> slice_victims;
  if (ranks > 1) {
    std::vector<int> idx;
    for (int v = slice_begin; v < slice_end; ++v) idx.push_back(v);
    slice_victims = victims.Subset(idx);
  }
  std::optional<VictimColumns> columns;  // the victims screened here; on rank 0 later, all
  columns.emplace(tables, slice_victims ? *slice_victims : victims, &victim_obs);
  const double prior = req.prior ? *req.prior : candidate_ct > 1 ? 1.0 / candidate_ct : 0.5;

  // The screen.
  ScreenOptions sopts;
  sopts.top_k = req.by == RankBy::kVictim ? req.top_k : INT_MAX;
  sopts.min_log10_lr = req.min_log10_lr;
  sopts.kernel = req.kernel;
  sopts.cancel = req.cancel;
  std::mutex progress_mutex;
  std::int64_t victims_done = 0;
  if (req.progress)
    sopts.progress = [&](std::int64_t block_victims) {
      std::lock_guard<std::mutex> lock(progress_mutex);
      victims_done += block_victims;
      req.progress(victims_done, slice_end - slice_begin, candidate_ct);
    };
  stage(absl::StrCat("screening ", victim_ct, " victims against ", candidate_ct, " candidates"));
  ScreenResult screened = Screen(tables, *columns, sopts);
  if (req.cancel && req.cancel->load()) return absl::CancelledError("the screen was cancelled; no report written");
  if (ranks > 1) {
    // Rank 0 gathers the slices' hits in victim order; the other ranks are done.
    KINSHIP_ASSIGN_OR_RETURN(std::vector<std::string> parts, req.exchange->Share(PutHits(screened), true));
    req.exchange->Finish();
    if (rank != 0) return MatchResult{};
    screened.hits.clear();
    screened.pairs_rescored = 0;
    for (int r = 0; r < ranks; ++r) {
      ByteReader in(parts[r]);
      screened.pairs_rescored += in.Get<std::int64_t>();
      const auto n = in.Get<std::uint64_t>();
      for (std::uint64_t v = 0; v < n && in.ok(); ++v) screened.hits.push_back(in.GetVector<ScreenHit>());
      if (!in.done()) return absl::InternalError(absl::StrCat("the hits of rank ", r, " do not read back"));
    }
    if (static_cast<int>(screened.hits.size()) != victim_ct)
      return absl::InternalError(absl::StrCat("the ranks returned hits for ", screened.hits.size(), " victims of ",
                                              victim_ct));
    screened.pairs_screened = static_cast<std::int64_t>(victim_ct) * candidate_ct;
    columns.emplace(tables, victims, &victim_obs);  // the rows' per-locus values need every victim
  }

  // Rows of the report.
  struct Ranked {
    int victim, candidate, rank;
    const ScreenHit* hit;
  };
  std::vector<Ranked> ranked;
  if (req.by == RankBy::kVictim) {
    for (int v = 0; v < victim_ct; ++v)
      for (size_t r = 0; r < screened.hits[v].size(); ++r)
        ranked.push_back({v, screened.hits[v][r].candidate, static_cast<int>(r + 1), &screened.hits[v][r]});
  } else {
    std::vector<std::vector<Ranked>> per(candidate_ct);
    for (int v = 0; v < victim_ct; ++v)
      for (const ScreenHit& h : screened.hits[v]) per[h.candidate].push_back({v, h.candidate, 0, &h});
    for (auto& list : per) {
      std::sort(list.begin(), list.end(), [](const Ranked& a, const Ranked& b) {
        return a.hit->log10_lr != b.hit->log10_lr ? a.hit->log10_lr > b.hit->log10_lr : a.victim < b.victim;
      });
      if (static_cast<int>(list.size()) > req.top_k) list.resize(req.top_k);
      for (size_t r = 0; r < list.size(); ++r) {
        list[r].rank = static_cast<int>(r + 1);
        ranked.push_back(list[r]);
      }
    }
  }
  MatchResult result;
  result.by = req.by;
  result.rows.reserve(ranked.size());
  for (const Ranked& r : ranked) {
    const CandidateInfo& c = info[r.candidate];
    MatchRow row;
    row.victim = victims.sample_id(r.victim);
    row.rank = r.rank;
    row.candidate = c.label;
    row.family = c.family;
    row.missing_id = c.missing_id;
    row.hypothesis = c.hypothesis;
    row.log10_lr = r.hit->log10_lr;
    row.posterior = Posterior(r.hit->log10_lr, prior);
    row.loci_compared = r.hit->loci_compared;
    row.loci_inconsistent = r.hit->loci_inconsistent;
    // A NaN must never become a row (nor vanish from the report by failing a comparison).
    const std::string what = absl::StrCat("log10 LR of victim ", row.victim, " and candidate ", row.candidate);
    KINSHIP_RETURN_IF_ERROR(CheckFinishedNumber(row.log10_lr, what));
    KINSHIP_RETURN_IF_ERROR(CheckFinishedNumber(row.posterior, "posterior of the " + what));
    for (int l = 0; l < locus_ct; ++l) {
      const int row_idx = tables.row_idx(r.candidate, l);
      const GenotypeIdx g = columns->genotype(l, r.victim);
      if (row_idx < 0) continue;
      // An untyped victim contributes the candidate's one-sided value (0 = LR 1: omitted).
      const double x = g == kUntyped ? tables.untyped_exact(l, row_idx) : tables.exact(l, row_idx, g);
      if (g == kUntyped && x == 0) continue;
      row.per_locus.push_back({table->locus(l).name(), x});
    }
    result.rows.push_back(std::move(row));
  }

  // Provenance.
  Provenance& prov = result.provenance;
  prov.version = KINSHIP_VERSION_STRING;
  prov.command = req.command;
  prov.parameters = ModelParameters(req.model, mutation);
  prov.parameters.insert(prov.parameters.end(), {
      {"untyped_founders", UntypedFoundersName(req.model.untyped_founders)},
      {"relationships", absl::StrJoin(req.relationships, ";")},
      {"sex1", SexName(req.reference_sex)},
      {"top", absl::StrCat(req.top_k)},
      {"by", req.by == RankBy::kVictim ? "victim" : "candidate"},
      {"min_log10_lr", FormatDouble(req.min_log10_lr)},
      {"prior", FormatDouble(prior)},
      {"prefilter_scale", FormatDouble(tables.scale())},
      {"freeze_freqs", req.model.freeze_freqs ? "yes" : "no"},
      {"allow_unnormalised", req.model.allow_unnormalised ? "yes" : "no"},
  });
  // CMF categories chosen (absent when none, as before).
  if (!req.victim_categories.empty())
    prov.parameters.push_back({"victim_categories", absl::StrJoin(req.victim_categories, ";")});
  if (!req.reference_categories.empty())
    prov.parameters.push_back({"reference_categories", absl::StrJoin(req.reference_categories, ";")});
  if (req.victim_observation.dropout > 0 || req.victim_observation.dropin > 0) {  // absent otherwise, as before
    prov.parameters.push_back({"victim_dropout", FormatDouble(req.victim_observation.dropout)});
    prov.parameters.push_back({"victim_dropin", FormatDouble(req.victim_observation.dropin)});
  }
  if (mutation.enabled())
    for (const auto& [locus, r] : RatesInUse(*table, mutation)) prov.parameters.push_back({"mutation_rate." + locus, r});
  KINSHIP_RETURN_IF_ERROR(AddInputDigests(inputs, *diag, &prov));
  prov.table = std::move(table_report);
  result.counts = {{"victims", victim_ct},
                   {"references", static_cast<std::int64_t>(reference_ids.size())},
                   {"families", family_ct},
                   {"candidates", candidate_ct},
                   {"candidates_skipped", skipped},
                   {"pairs_screened", screened.pairs_screened},
                   {"pairs_rescored", screened.pairs_rescored},
                   {"rows", static_cast<std::int64_t>(result.rows.size())}};
  result.notes = diag->notes();
  result.kernel = screened.kernel;
  result.victim_ct = victim_ct;
  result.candidate_ct = candidate_ct;
  result.pairs_screened = screened.pairs_screened;
  result.pairs_rescored = screened.pairs_rescored;
  result.candidates_skipped = skipped;
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
  return result;
}

}  // namespace

}  // namespace kinship
