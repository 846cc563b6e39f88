// Reader for pedigree files: CSV `family,id,father,mother,sex[,sample_id][,missing]`.
#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "internal/csv.h"
#include "internal/status_macros.h"
#include "kinship/io.h"
#include "kinship/pedigree.h"

namespace kinship {

namespace {
struct Row {
  std::string id, father, mother, sample_id, where;
  Sex sex;
  bool missing;
};
}  // namespace

absl::StatusOr<std::vector<Pedigree>> ReadPedigrees(const std::string& path, bool require_missing,
                                                    Diagnostics* diag) {
  internal::LineReader in;
  KINSHIP_RETURN_IF_ERROR(in.Open(path));
  std::string line;
  if (!in.Next(&line))
    return in.FileError("empty file; expected a header family,id,father,mother,sex,sample_id,missing");
  std::vector<std::string> header, f;
  if (!internal::SplitFields(line, ',', &header)) return in.Error("unterminated quote");
  int c_fam = -1, c_id = -1, c_fa = -1, c_mo = -1, c_sex = -1, c_sample = -1, c_missing = -1;
  for (int i = 0; i < static_cast<int>(header.size()); ++i) {
    std::string h = internal::Lower(header[i]);
    if (h == "family") c_fam = i;
    else if (h == "id") c_id = i;
    else if (h == "father") c_fa = i;
    else if (h == "mother") c_mo = i;
    else if (h == "sex") c_sex = i;
    else if (h == "sample_id") c_sample = i;
    else if (h == "missing") c_missing = i;
  }
  if (c_fam < 0 || c_id < 0 || c_fa < 0 || c_mo < 0 || c_sex < 0)
    return in.Error("header must name columns family,id,father,mother,sex (and optionally sample_id,missing)");
  std::vector<std::string> order;
  std::map<std::string, std::vector<Row>> fams;
  std::map<std::pair<std::string, std::string>, std::string> sample_where;  // (family, sample) -> where
  std::map<std::string, std::set<std::string>> sample_families;             // sample -> families
  while (in.Next(&line)) {
    if (!internal::SplitFields(line, ',', &f)) return in.Error("unterminated quote");
    if (f.size() != header.size())
      return in.Error(absl::StrCat("found ", f.size(), " fields; expected ", header.size()));
    Row r;
    r.where = in.Where();
    const std::string& fam = f[c_fam];
    r.id = f[c_id];
    if (fam.empty()) return in.Error("empty family");
    if (r.id.empty() || r.id == "0") return in.Error("empty member id (0 is reserved for 'unknown parent')");
    r.father = f[c_fa];
    r.mother = f[c_mo];
    // Ids go into TSV and JSON reports: a tab, NUL or non-UTF-8 byte would break them.
    KINSHIP_RETURN_IF_ERROR(internal::CheckText(in, "family", fam));
    KINSHIP_RETURN_IF_ERROR(internal::CheckText(in, "id", r.id));
    KINSHIP_RETURN_IF_ERROR(internal::CheckText(in, "father", r.father));
    KINSHIP_RETURN_IF_ERROR(internal::CheckText(in, "mother", r.mother));
    const std::string& sex = f[c_sex];
    if (sex == "1") r.sex = Sex::kMale;
    else if (sex == "2") r.sex = Sex::kFemale;
    else if (sex == "0" || sex.empty()) r.sex = Sex::kUnknown;
    else return in.Error(absl::StrCat("sex '", sex, "'; expected 1 (male), 2 (female) or 0 (unknown)"));
    r.sample_id = c_sample >= 0 ? f[c_sample] : "";
    KINSHIP_RETURN_IF_ERROR(internal::CheckText(in, "sample_id", r.sample_id));
    std::string miss = c_missing >= 0 ? f[c_missing] : "0";
    if (miss == "1") r.missing = true;
    else if (miss == "0" || miss.empty()) r.missing = false;
    else return in.Error(absl::StrCat("missing '", miss, "'; expected 1 or 0"));
    if (r.missing && !r.sample_id.empty())
      return in.Error(absl::StrCat("family ", fam, ", member ", r.id,
                                   ": a missing person has no reference sample; expected an empty sample_id"));
    if (!r.sample_id.empty()) {
      // A donor may be a reference in several families (a mother whose husband and son are
      // missing, in two case files); within one family a sample is one member.
      auto [it, inserted] = sample_where.emplace(std::make_pair(fam, r.sample_id), r.where);
      if (!inserted)
        return in.Error(absl::StrCat("family ", fam, ": sample ", r.sample_id, " is linked twice (first at ",
                                     it->second, "); expected one member per sample within a family"));
      sample_families[r.sample_id].insert(fam);
    }
    if (!fams.count(fam)) order.push_back(fam);
    fams[fam].push_back(std::move(r));
  }
  if (in.read_error()) return in.FileError("read error");
  if (order.empty()) return in.FileError("no members; expected at least one data row after the header");
  in.RecordInput(diag);

  std::vector<Pedigree> out;
  for (const std::string& fam : order) {
    const std::vector<Row>& rows = fams[fam];
    std::map<std::string, int> row_of;
    for (int i = 0; i < static_cast<int>(rows.size()); ++i) {
      if (!row_of.emplace(rows[i].id, i).second)
        return absl::InvalidArgumentError(absl::StrCat(rows[i].where, ": family ", fam, ", member ",
                                                       rows[i].id, " is listed twice"));
    }
    auto known = [](const std::string& id) { return id != "0" && !id.empty(); };
    for (const Row& r : rows) {
      auto err = [&](const std::string& what) {
        return absl::FailedPreconditionError(absl::StrCat(r.where, ": family ", fam, ", member ", r.id, ": ", what));
      };
      for (const std::string* par : {&r.father, &r.mother})
        if (known(*par) && !row_of.count(*par)) return err(absl::StrCat("parent '", *par, "' is not a member of the family"));
      if (known(r.father) != known(r.mother))
        return err("one parent given without the other; expected both (add an untyped parent) or none");
      if (!known(r.father)) continue;
      if (r.father == r.mother) return err("father and mother are the same person");
      if (rows[row_of[r.father]].sex == Sex::kFemale) return err(absl::StrCat("father ", r.father, " has sex 2 (female)"));
      if (rows[row_of[r.mother]].sex == Sex::kMale) return err(absl::StrCat("mother ", r.mother, " has sex 1 (male)"));
    }
    // Add parents before children; a cycle leaves members unplaced. The order is that of
    // repeated passes over the rows, each placing (in row order) every row whose parents
    // are placed: row i is placed in pass
    //   pass(i) = max(1, max over its parents q of (q < i ? pass(q) : pass(q) + 1)),
    // and the rows go in by (pass, row). Computed in topological order with a queue
    // (Kahn) instead of by the passes themselves, which were quadratic when rows come
    // children first (a 5,000-generation line took 5,000 passes). Persons' indices, and so
    // the engine's variable order and its results, are those of the passes.
    const int n_rows = static_cast<int>(rows.size());
    std::vector<int> father_row(n_rows, -1), mother_row(n_rows, -1), unplaced_parents(n_rows, 0);
    std::vector<std::vector<int>> children(n_rows);
    std::vector<int> queue;
    queue.reserve(n_rows);
    for (int i = 0; i < n_rows; ++i) {
      if (known(rows[i].father)) {
        father_row[i] = row_of[rows[i].father];
        mother_row[i] = row_of[rows[i].mother];
        children[father_row[i]].push_back(i);
        children[mother_row[i]].push_back(i);
        unplaced_parents[i] = 2;
      } else {
        queue.push_back(i);
      }
    }
    std::vector<int> pass(n_rows, 0);  // 0 = not placed (on or below a cycle)
    for (size_t head = 0; head < queue.size(); ++head) {
      const int i = queue[head];
      pass[i] = 1;
      for (int q : {father_row[i], mother_row[i]})
        if (q >= 0) pass[i] = std::max(pass[i], q < i ? pass[q] : pass[q] + 1);
      for (int c : children[i])
        if (--unplaced_parents[c] == 0) queue.push_back(c);
    }
    std::vector<int> by_pass(queue);
    std::sort(by_pass.begin(), by_pass.end(), [&](int x, int y) {
      return pass[x] != pass[y] ? pass[x] < pass[y] : x < y;
    });
    Pedigree ped(fam);
    std::vector<int> placed(rows.size(), -1);
    const int n_placed = static_cast<int>(by_pass.size());
    for (int i : by_pass) {
      const Row& r = rows[i];
      Person p;
      p.id = r.id;
      p.father = father_row[i] < 0 ? -1 : placed[father_row[i]];
      p.mother = mother_row[i] < 0 ? -1 : placed[mother_row[i]];
      p.sex = r.sex;
      p.sample_id = r.sample_id;
      p.missing = r.missing;
      placed[i] = ped.Add(std::move(p));
    }
    if (n_placed < static_cast<int>(rows.size())) {
      // Every unplaced member has an unplaced parent: walking up through unplaced parents
      // from any of them must revisit a member, and that member is on a cycle.
      size_t at = 0;
      while (placed[at] >= 0) ++at;
      std::vector<char> seen(rows.size(), 0);
      while (!seen[at]) {
        seen[at] = 1;
        const Row& r = rows[at];
        const size_t fa = row_of[r.father], mo = row_of[r.mother];
        at = placed[fa] < 0 ? fa : mo;
      }
      return absl::FailedPreconditionError(absl::StrCat(rows[at].where, ": family ", fam, ", member ", rows[at].id,
                                                        " is their own ancestor"));
    }
    absl::Status st = ped.Validate();
    if (!st.ok()) return absl::FailedPreconditionError(absl::StrCat(path, ": ", st.message()));
    if (require_missing && ped.MissingPersons().empty())
      return absl::FailedPreconditionError(
          absl::StrCat(path, ": family ", fam, " has no missing person; expected a member with missing = 1"));
    out.push_back(std::move(ped));
  }
  for (const auto& [sample, families] : sample_families)
    if (families.size() > 1)
      diag->Info(absl::StrCat(path, ": sample ", sample, " is a reference in ", families.size(), " families (",
                              absl::StrJoin(families, ", "), ")"));
  return out;
}

}  // namespace kinship
