// Reader for Familias 3 case files (.fam): the persons, known relations, pedigrees, the
// database, the DVI section, [Prior] and [Advanced]. The layout (docs/user-guide.md,
// "Familias case files") is line-oriented: one value per line, strings in double quotes,
// booleans #TRUE#/#FALSE#, indices 0-based; the DVI, Prior and Advanced sections are INI-like
// (`[Section]`, nesting by the number of brackets, `Key= value`).
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "internal/csv.h"
#include "internal/sha256.h"
#include "internal/status_macros.h"
#include "kinship/familias.h"

namespace kinship {

const char* FamMutationCodeName(FamMutationCode code) {
  switch (code) {
    case FamMutationCode::kEqual:
      return "equal";
    case FamMutationCode::kProportional:
      return "proportional";
    case FamMutationCode::kStepwise:
      return "stepwise (unstationary)";
    case FamMutationCode::kStepwiseStationary:
      return "stepwise (stationary)";
    case FamMutationCode::kExtendedStepwise:
      return "extended stepwise";
  }
  return "?";
}

namespace {

std::string Trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t')) --e;
  return s.substr(b, e - b);
}

bool ParseDouble(const std::string& text, double* out) {
  const std::string t = Trim(text);
  if (t.empty()) return false;
  errno = 0;
  char* end = nullptr;
  const double v = std::strtod(t.c_str(), &end);
  if (end != t.c_str() + t.size() || errno == ERANGE || !std::isfinite(v)) return false;
  // strtod also reads hexadecimal and "infinity"; Familias writes decimals only.
  for (char c : t)
    if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E')) return false;
  *out = v;
  return true;
}

bool ParseInt(const std::string& text, long long* out) {
  const std::string t = Trim(text);
  if (t.empty() || t.size() > 18) return false;
  size_t i = t[0] == '-' ? 1 : 0;
  if (i == t.size()) return false;
  for (size_t k = i; k < t.size(); ++k)
    if (t[k] < '0' || t[k] > '9') return false;
  *out = std::strtoll(t.c_str(), nullptr, 10);
  return true;
}

// The file as lines (1-based positions), read once with its checksum.
class FamLines {
 public:
  absl::Status Read(const std::string& path, Diagnostics* diag) {
    path_ = path;
    std::ifstream in(path, std::ios::binary);
    if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot open"));
    std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) return absl::NotFoundError(absl::StrCat(path, ": read error"));
    internal::Sha256 sha;
    sha.Update(all);
    const std::uint64_t bytes = sha.byte_ct();
    std::string digest = sha.HexDigest();
    size_t start = 0;
    if (all.size() >= 3 && all.compare(0, 3, "\xEF\xBB\xBF") == 0) start = 3;
    while (start < all.size()) {
      size_t nl = all.find('\n', start);
      std::string line = all.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      lines_.push_back(std::move(line));
      if (nl == std::string::npos) break;
      start = nl + 1;
    }
    if (diag) diag->RecordInput({path, std::move(digest), bytes});
    return absl::OkStatus();
  }

  int size() const { return static_cast<int>(lines_.size()); }
  bool AtEnd() const { return pos_ >= size(); }
  int pos() const { return pos_; }          // 0-based index of the next line
  int line_no() const { return pos_ + 1; }  // 1-based number of the next line
  const std::string& Peek() const { return lines_[pos_]; }
  const std::string& path() const { return path_; }

  absl::Status ErrorAt(int line_no, const std::string& message) const {
    return absl::InvalidArgumentError(absl::StrCat(path_, ":", line_no, ": ", message));
  }
  // "found '<line>'; expected <what>" at the next line (or "file ends").
  absl::Status Expected(const std::string& what) const {
    if (AtEnd()) return ErrorAt(size() + 1, absl::StrCat("the file ends; expected ", what));
    return ErrorAt(line_no(), absl::StrCat("found '", internal::Escaped(Peek()), "'; expected ", what));
  }

  absl::StatusOr<std::string> Raw(const std::string& what) {
    if (AtEnd()) return Expected(what);
    return lines_[pos_++];
  }
  // A double-quoted string.
  absl::StatusOr<std::string> Quoted(const std::string& what) {
    if (AtEnd()) return Expected(what);
    const std::string& s = Peek();
    if (s.size() < 2 || s.front() != '"' || s.back() != '"') return Expected(absl::StrCat(what, " in double quotes"));
    std::string v = s.substr(1, s.size() - 2);
    if (v.find('"') != std::string::npos) return Expected(absl::StrCat(what, " in double quotes"));
    ++pos_;
    return v;
  }
  absl::StatusOr<long long> Int(const std::string& what, long long lo, long long hi) {
    long long v = 0;
    if (AtEnd() || !ParseInt(Peek(), &v) || v < lo || v > hi)
      return Expected(absl::StrCat(what, " (an integer from ", lo, " to ", hi, ")"));
    ++pos_;
    return v;
  }
  absl::StatusOr<double> Num(const std::string& what, double lo, double hi) {
    double v = 0;
    if (AtEnd() || !ParseDouble(Peek(), &v) || v < lo || v > hi)
      return Expected(absl::StrCat(what, " (a number from ", lo, " to ", hi, ")"));
    ++pos_;
    return v;
  }
  absl::StatusOr<bool> Bool(const std::string& what) {
    if (AtEnd() || (Peek() != "#TRUE#" && Peek() != "#FALSE#"))
      return Expected(absl::StrCat(what, " (#TRUE# or #FALSE#)"));
    return lines_[pos_++] == "#TRUE#";
  }

 private:
  std::string path_;
  std::vector<std::string> lines_;
  int pos_ = 0;
};

constexpr long long kMaxCount = 1000000;
// Extra persons (untyped members Familias adds to a pedigree): a handful in practice.
constexpr long long kMaxExtras = 1000;

// One parent -> child relation (two lines). A twin relation is written with "Direct".
absl::StatusOr<FamRelation> ReadRelation(FamLines* in) {
  FamRelation r;
  r.line = in->line_no();
  if (!in->AtEnd() && in->Peek().find("Direct") != std::string::npos)
    return in->ErrorAt(in->line_no(), absl::StrCat("found '", internal::Escaped(in->Peek()),
                                                   "': a twin (\"Direct\") relation, which kinship does not "
                                                   "model; expected a parent index"));
  KINSHIP_ASSIGN_OR_RETURN(long long p, in->Int("the parent's index of a relation", 0, kMaxCount));
  if (!in->AtEnd() && in->Peek().find("Direct") != std::string::npos)
    return in->ErrorAt(in->line_no(), absl::StrCat("found '", internal::Escaped(in->Peek()),
                                                   "': a twin (\"Direct\") relation, which kinship does not "
                                                   "model; expected a child index"));
  KINSHIP_ASSIGN_OR_RETURN(long long c, in->Int("the child's index of a relation", 0, kMaxCount));
  r.parent = static_cast<int>(p);
  r.child = static_cast<int>(c);
  return r;
}

absl::Status ReadPersons(FamLines* in, FamiliasCase* fam) {
  KINSHIP_ASSIGN_OR_RETURN(long long n, in->Int("the number of persons", 0, kMaxCount));
  for (long long i = 0; i < n; ++i) {
    FamPerson p;
    p.line = in->line_no();
    KINSHIP_ASSIGN_OR_RETURN(p.name, in->Quoted(absl::StrCat("the name of person ", i + 1)));
    if (p.name.empty()) return in->ErrorAt(p.line, "empty person name; expected a name");
    for (const FamPerson& q : fam->persons)
      if (q.name == p.name)
        return in->ErrorAt(p.line,
                           absl::StrCat("person '", p.name, "' twice (line ", q.line, "); expected unique names"));
    KINSHIP_ASSIGN_OR_RETURN(p.flag1, in->Bool(absl::StrCat("the first flag of person '", p.name, "'")));
    {
      const std::string what = absl::StrCat("the options line of person '", p.name,
                                            "' (an integer, optionally followed by \" (Consider dropouts)\")");
      if (in->AtEnd()) return in->Expected(what);
      std::string s = in->Peek();
      const std::string kDrop = " (Consider dropouts)";
      if (s.size() > kDrop.size() && s.compare(s.size() - kDrop.size(), kDrop.size(), kDrop) == 0) {
        p.consider_dropouts = true;
        s = s.substr(0, s.size() - kDrop.size());
      }
      long long v = 0;
      if (!ParseInt(s, &v) || v < -1000000 || v > 1000000) return in->Expected(what);
      p.number = static_cast<int>(v);
      KINSHIP_RETURN_IF_ERROR(in->Raw(what).status());
    }
    KINSHIP_ASSIGN_OR_RETURN(p.flag2, in->Bool(absl::StrCat("the second flag of person '", p.name, "'")));
    KINSHIP_ASSIGN_OR_RETURN(p.male, in->Bool(absl::StrCat("the sex of person '", p.name, "' (#TRUE# = male)")));
    KINSHIP_ASSIGN_OR_RETURN(
        long long m, in->Int(absl::StrCat("the number of typed markers of person '", p.name, "'"), 0, kMaxCount));
    for (long long k = 0; k < m; ++k) {
      FamGenotype g;
      g.line = in->line_no();
      const std::string who = absl::StrCat(" of typed marker ", k + 1, " of person '", p.name, "'");
      KINSHIP_ASSIGN_OR_RETURN(long long a1, in->Int(absl::StrCat("allele 1's index", who), 0, kMaxCount));
      KINSHIP_ASSIGN_OR_RETURN(long long a2, in->Int(absl::StrCat("allele 2's index", who), 0, kMaxCount));
      KINSHIP_ASSIGN_OR_RETURN(long long l, in->Int(absl::StrCat("the marker's index", who), 0, kMaxCount));
      g.allele1 = static_cast<int>(a1);
      g.allele2 = static_cast<int>(a2);
      g.locus = static_cast<int>(l);
      for (const FamGenotype& h : p.genotypes)
        if (h.locus == g.locus)
          return in->ErrorAt(g.line, absl::StrCat("person '", p.name, "' typed twice at marker index ", g.locus,
                                                  " (line ", h.line, "); expected one genotype per marker"));
      p.genotypes.push_back(g);
    }
    fam->persons.push_back(std::move(p));
  }
  return absl::OkStatus();
}

absl::Status ReadRelationsAndPedigrees(FamLines* in, FamiliasCase* fam) {
  if (in->AtEnd() || in->Peek() != "\"Known relations\"") return in->Expected("\"Known relations\"");
  KINSHIP_RETURN_IF_ERROR(in->Raw("").status());
  KINSHIP_ASSIGN_OR_RETURN(long long nf, in->Int("the number of extra females (known relations)", 0, kMaxExtras));
  KINSHIP_ASSIGN_OR_RETURN(long long nm, in->Int("the number of extra males (known relations)", 0, kMaxExtras));
  fam->known_extra_females = static_cast<int>(nf);
  fam->known_extra_males = static_cast<int>(nm);
  KINSHIP_ASSIGN_OR_RETURN(long long nr, in->Int("the number of known relations", 0, kMaxCount));
  for (long long i = 0; i < nr; ++i) {
    KINSHIP_ASSIGN_OR_RETURN(FamRelation r, ReadRelation(in));
    fam->known_relations.push_back(r);
  }
  KINSHIP_ASSIGN_OR_RETURN(long long np, in->Int("the number of pedigrees", 0, kMaxCount));
  for (long long i = 0; i < np; ++i) {
    FamPedigree ped;
    ped.line = in->line_no();
    KINSHIP_ASSIGN_OR_RETURN(long long idx, in->Int(absl::StrCat("the index of pedigree ", i + 1), i, i));
    ped.index = static_cast<int>(idx);
    KINSHIP_ASSIGN_OR_RETURN(ped.name, in->Quoted(absl::StrCat("the name of pedigree ", i + 1)));
    if (ped.name.empty()) return in->ErrorAt(in->line_no() - 1, "empty pedigree name; expected a name");
    for (const FamPedigree& q : fam->pedigrees)
      if (q.name == ped.name)
        return in->ErrorAt(in->line_no() - 1,
                           absl::StrCat("pedigree '", ped.name, "' twice (line ", q.line, "); expected unique names"));
    const std::string who = absl::StrCat(" of pedigree '", ped.name, "'");
    KINSHIP_ASSIGN_OR_RETURN(long long pf, in->Int(absl::StrCat("the number of extra females", who), 0, kMaxExtras));
    KINSHIP_ASSIGN_OR_RETURN(long long pm, in->Int(absl::StrCat("the number of extra males", who), 0, kMaxExtras));
    ped.extra_females = static_cast<int>(pf);
    ped.extra_males = static_cast<int>(pm);
    KINSHIP_ASSIGN_OR_RETURN(long long pr, in->Int(absl::StrCat("the number of relations", who), 0, kMaxCount));
    for (long long k = 0; k < pr; ++k) {
      KINSHIP_ASSIGN_OR_RETURN(FamRelation r, ReadRelation(in));
      ped.relations.push_back(r);
    }
    fam->pedigrees.push_back(std::move(ped));
  }
  return absl::OkStatus();
}

// "(DatabaseSize = 1000 , Dropout probability = 0 , Minor allele frequency = 0 )".
absl::Status ReadLocusInfo(const FamLines& in, int line_no, const std::string& text, FamLocus* locus) {
  std::string t = Trim(text);
  const std::string what =
      "\"(DatabaseSize = N , Dropout probability = d , Minor allele frequency = m )\" after the number of alleles";
  if (t.size() < 2 || t.front() != '(' || t.back() != ')')
    return in.ErrorAt(line_no, absl::StrCat("found '", internal::Escaped(text), "'; expected ", what));
  t = t.substr(1, t.size() - 2);
  size_t start = 0;
  while (start <= t.size()) {
    size_t comma = t.find(',', start);
    const std::string part = Trim(t.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    start = comma == std::string::npos ? t.size() + 1 : comma + 1;
    if (part.empty()) continue;
    const size_t eq = part.find('=');
    if (eq == std::string::npos)
      return in.ErrorAt(line_no, absl::StrCat("found '", internal::Escaped(part), "'; expected key = value in ", what));
    const std::string key = Trim(part.substr(0, eq)), value = Trim(part.substr(eq + 1));
    double v = 0;
    if (!ParseDouble(value, &v))
      return in.ErrorAt(line_no, absl::StrCat(key, " = '", internal::Escaped(value), "'; expected a number"));
    if (key == "DatabaseSize") {
      long long n = 0;
      if (!ParseInt(value, &n) || n < 0)
        return in.ErrorAt(
            line_no, absl::StrCat("DatabaseSize = '", internal::Escaped(value), "'; expected a non-negative integer"));
      locus->database_size = n;
    } else if (key == "Dropout probability") {
      if (v < 0 || v > 1)
        return in.ErrorAt(line_no, absl::StrCat("Dropout probability = ", value, "; expected a number in [0, 1]"));
      locus->dropout = v;
    } else if (key == "Minor allele frequency") {
      if (v < 0 || v > 1)
        return in.ErrorAt(line_no, absl::StrCat("Minor allele frequency = ", value, "; expected a number in [0, 1]"));
      locus->minor_allele_freq = v;
    } else {
      return in.ErrorAt(line_no, absl::StrCat("unknown locus information '", internal::Escaped(key),
                                              "'; expected DatabaseSize, Dropout probability or Minor allele "
                                              "frequency"));
    }
  }
  return absl::OkStatus();
}

absl::Status ReadDatabase(FamLines* in, FamiliasCase* fam) {
  FamDatabase& db = fam->database;
  db.line = in->line_no();
  const std::string what = "the database line \"#FALSE# (#Databases: 1 ;Theta/Kinship/Fst: t )\"";
  if (in->AtEnd()) return in->Expected(what);
  const std::string head = in->Peek();
  if (head.rfind("#TRUE#", 0) == 0)
    return in->ErrorAt(in->line_no(),
                       "the file holds precomputed probabilities (a line starting #TRUE# after the "
                       "pedigrees), which kinship does not read; expected #FALSE# (save the case "
                       "in Familias without computed results)");
  if (head.rfind("#FALSE#", 0) != 0) return in->Expected(what);
  {
    const std::string kDb = "#Databases:", kTheta = "Theta/Kinship/Fst:";
    const size_t d = head.find(kDb), t = head.find(kTheta);
    if (d == std::string::npos || t == std::string::npos || t < d) return in->Expected(what);
    const size_t semi = head.find(';', d);
    long long n = 0;
    if (semi == std::string::npos || semi > t || !ParseInt(head.substr(d + kDb.size(), semi - d - kDb.size()), &n))
      return in->Expected(what);
    if (n != 1)
      return in->ErrorAt(in->line_no(), absl::StrCat("#Databases: ", n,
                                                     "; kinship reads a case with one database; "
                                                     "expected 1"));
    db.database_ct = 1;
    const size_t close = head.find(')', t);
    double theta = 0;
    if (close == std::string::npos || !ParseDouble(head.substr(t + kTheta.size(), close - t - kTheta.size()), &theta) ||
        Trim(head.substr(close + 1)) != "")
      return in->Expected(what);
    if (theta < 0 || theta >= 1)
      return in->ErrorAt(in->line_no(), absl::StrCat("Theta/Kinship/Fst ", theta, "; expected a number in [0, 1)"));
    db.theta = theta;
  }
  KINSHIP_RETURN_IF_ERROR(in->Raw(what).status());
  KINSHIP_ASSIGN_OR_RETURN(long long nl, in->Int("the number of loci", 0, kMaxCount));
  KINSHIP_ASSIGN_OR_RETURN(db.has_info, in->Bool("the database information flag"));
  if (db.has_info) {
    KINSHIP_ASSIGN_OR_RETURN(db.name, in->Quoted("the database name"));
  }
  for (long long i = 0; i < nl; ++i) {
    FamLocus L;
    L.line = in->line_no();
    KINSHIP_ASSIGN_OR_RETURN(L.name, in->Quoted(absl::StrCat("the name of locus ", i + 1)));
    if (L.name.empty()) return in->ErrorAt(L.line, "empty locus name; expected a name");
    for (const FamLocus& q : db.loci)
      if (q.name == L.name)
        return in->ErrorAt(L.line,
                           absl::StrCat("locus '", L.name, "' twice (line ", q.line, "); expected unique names"));
    const std::string of = absl::StrCat(" of locus '", L.name, "'");
    KINSHIP_ASSIGN_OR_RETURN(L.female_rate, in->Num(absl::StrCat("the female mutation rate", of), 0, 1));
    KINSHIP_ASSIGN_OR_RETURN(L.male_rate, in->Num(absl::StrCat("the male mutation rate", of), 0, 1));
    KINSHIP_ASSIGN_OR_RETURN(long long fc,
                             in->Int(absl::StrCat("the female mutation model", of,
                                                  " (0 equal, 1 proportional, 2 stepwise, 3 stepwise stationary, 4 "
                                                  "extended stepwise)"),
                                     0, 4));
    KINSHIP_ASSIGN_OR_RETURN(long long mc,
                             in->Int(absl::StrCat("the male mutation model", of,
                                                  " (0 equal, 1 proportional, 2 stepwise, 3 stepwise stationary, 4 "
                                                  "extended stepwise)"),
                                     0, 4));
    L.female_model = static_cast<FamMutationCode>(fc);
    L.male_model = static_cast<FamMutationCode>(mc);
    const int with_silent_line = in->line_no();
    KINSHIP_ASSIGN_OR_RETURN(long long ns,
                             in->Int(absl::StrCat("the number of alleles (with the silent one)", of), 0, kMaxCount));
    L.allele_ct_with_silent = static_cast<int>(ns);
    KINSHIP_ASSIGN_OR_RETURN(L.female_range, in->Num(absl::StrCat("the female mutation range", of), 0, 1e9));
    KINSHIP_ASSIGN_OR_RETURN(L.male_range, in->Num(absl::StrCat("the male mutation range", of), 0, 1e9));
    KINSHIP_ASSIGN_OR_RETURN(L.female_rate2, in->Num(absl::StrCat("the female mutation rate2", of), 0, 1));
    KINSHIP_ASSIGN_OR_RETURN(L.male_rate2, in->Num(absl::StrCat("the male mutation rate2", of), 0, 1));
    KINSHIP_ASSIGN_OR_RETURN(L.has_silent, in->Bool(absl::StrCat("the silent-allele flag", of)));
    KINSHIP_ASSIGN_OR_RETURN(L.silent_freq, in->Num(absl::StrCat("the silent allele frequency", of), 0, 1));
    // "n\t(DatabaseSize = ...)"
    const int info_line = in->line_no();
    KINSHIP_ASSIGN_OR_RETURN(std::string info, in->Raw(absl::StrCat("the number of alleles", of)));
    const size_t paren = info.find('(');
    long long n = 0;
    if (!ParseInt(paren == std::string::npos ? info : info.substr(0, paren), &n) || n < 1 || n > kMaxCount)
      return in->ErrorAt(info_line,
                         absl::StrCat("found '", internal::Escaped(info), "'; expected the number of alleles", of,
                                      " (a positive integer), then its information in parentheses"));
    if (paren != std::string::npos) KINSHIP_RETURN_IF_ERROR(ReadLocusInfo(*in, info_line, info.substr(paren), &L));
    if (L.allele_ct_with_silent != n + (L.has_silent ? 1 : 0))
      return in->ErrorAt(with_silent_line,
                         absl::StrCat("number of alleles with the silent one ", L.allele_ct_with_silent, of,
                                      "; expected ", n + (L.has_silent ? 1 : 0), " (", n, " alleles on line ",
                                      info_line, L.has_silent ? " and the silent allele)" : ", no silent allele)"));
    for (long long a = 0; a < n; ++a) {
      KINSHIP_ASSIGN_OR_RETURN(std::string label, in->Quoted(absl::StrCat("the label of allele ", a + 1, of)));
      if (Trim(label).empty()) return in->ErrorAt(in->line_no() - 1, absl::StrCat("empty allele label", of));
      for (size_t b = 0; b < L.alleles.size(); ++b)
        if (L.alleles[b] == label)
          return in->ErrorAt(in->line_no() - 1, absl::StrCat("allele '", label, "' twice", of));
      KINSHIP_ASSIGN_OR_RETURN(double f, in->Num(absl::StrCat("the frequency of allele '", label, "'", of), 0, 1));
      L.alleles.push_back(std::move(label));
      L.freqs.push_back(f);
    }
    db.loci.push_back(std::move(L));
  }
  return absl::OkStatus();
}

// ---- The INI-like part: [DVI], [Prior], [Advanced] ----

struct IniLine {
  int depth = 0;     // number of brackets; 0 a key line, -1 a blank line, -2 other text
  std::string name;  // section name (brackets and surrounding spaces removed)
  std::string key, value;
  std::string raw;
  int line = 0;
};

absl::StatusOr<IniLine> ParseIniLine(const FamLines& in, const std::string& s, int line_no) {
  IniLine l;
  l.raw = s;
  l.line = line_no;
  if (Trim(s).empty()) {
    l.depth = -1;
    return l;
  }
  if (s[0] == '[') {
    size_t open = 0;
    while (open < s.size() && s[open] == '[') ++open;
    size_t close = 0;
    while (close < s.size() && s[s.size() - 1 - close] == ']') ++close;
    if (open != close || open * 2 >= s.size())
      return in.ErrorAt(line_no, absl::StrCat("found '", internal::Escaped(s),
                                              "'; expected a section header with as "
                                              "many ']' as '['"));
    l.depth = static_cast<int>(open);
    l.name = Trim(s.substr(open, s.size() - 2 * open));
    return l;
  }
  const size_t eq = s.find('=');
  if (eq == std::string::npos) {
    l.depth = -2;  // free text: only [[Notes]] holds it (anywhere else it is not what was expected)
    return l;
  }
  l.key = Trim(s.substr(0, eq));
  l.value = Trim(s.substr(eq + 1));
  return l;
}

class IniReader {
 public:
  IniReader(const FamLines& in, std::vector<IniLine> lines) : in_(in), lines_(std::move(lines)) {}

  bool AtEnd() const { return i_ >= lines_.size(); }
  const IniLine& Peek() const { return lines_[i_]; }
  void Skip() { ++i_; }
  void SkipBlank() {
    while (!AtEnd() && Peek().depth == -1) ++i_;
  }
  int LineNo() const { return AtEnd() ? in_.size() + 1 : Peek().line; }

  absl::Status Expected(const std::string& what) const {
    if (AtEnd()) return in_.ErrorAt(in_.size() + 1, absl::StrCat("the file ends; expected ", what));
    return in_.ErrorAt(Peek().line, absl::StrCat("found '", internal::Escaped(Peek().raw), "'; expected ", what));
  }
  // A section header of this depth and name ("Person" matches "Person 3").
  absl::StatusOr<int> Header(int depth, const std::string& name, bool numbered) {
    SkipBlank();
    const std::string what = absl::StrCat(std::string(depth, '['), name, numbered ? " k" : "", std::string(depth, ']'));
    if (AtEnd() || Peek().depth != depth) return Expected(what);
    const std::string& n = Peek().name;
    if (numbered ? n.rfind(name + " ", 0) != 0 : n != name) return Expected(what);
    return lines_[i_++].line;
  }
  absl::StatusOr<std::string> Value(const std::string& key) {
    SkipBlank();
    if (AtEnd() || Peek().depth != 0 || Peek().key != key) return Expected(absl::StrCat(key, "= value"));
    return lines_[i_++].value;
  }
  absl::StatusOr<long long> Count(const std::string& key) {
    SkipBlank();
    const std::string what = absl::StrCat(key, "= n (a non-negative integer)");
    if (AtEnd() || Peek().depth != 0 || Peek().key != key) return Expected(what);
    long long v = 0;
    if (!ParseInt(Peek().value, &v) || v < 0 || v > kMaxCount) return Expected(what);
    ++i_;
    return v;
  }
  absl::Status ErrorAt(int line, const std::string& message) const { return in_.ErrorAt(line, message); }

 private:
  const FamLines& in_;
  std::vector<IniLine> lines_;
  size_t i_ = 0;
};

absl::StatusOr<FamDviPerson> ReadDviPerson(IniReader* r, int depth) {
  FamDviPerson p;
  KINSHIP_ASSIGN_OR_RETURN(p.line, r->Header(depth, "Person", true));
  KINSHIP_ASSIGN_OR_RETURN(p.name, r->Value("Name"));
  if (p.name.empty()) return r->Expected("a non-empty Name");
  const int gline = r->LineNo();
  KINSHIP_ASSIGN_OR_RETURN(std::string g, r->Value("Gender"));
  if (g == "Male")
    p.sex = Sex::kMale;
  else if (g == "Female")
    p.sex = Sex::kFemale;
  else
    return r->ErrorAt(gline, absl::StrCat("Gender= '", internal::Escaped(g), "'; expected Gender= Male or Female"));
  KINSHIP_RETURN_IF_ERROR(r->Header(depth + 1, "DNA data", false).status());
  KINSHIP_ASSIGN_OR_RETURN(long long n, r->Count("nSystems"));
  for (long long k = 0; k < n; ++k) {
    FamDviMarker m;
    m.line = r->LineNo();
    KINSHIP_ASSIGN_OR_RETURN(m.system, r->Value("SystemName"));
    KINSHIP_ASSIGN_OR_RETURN(m.allele1, r->Value("Allele1"));
    KINSHIP_ASSIGN_OR_RETURN(m.allele2, r->Value("Allele2"));
    if (m.system.empty() || m.allele1.empty() || m.allele2.empty())
      return r->Expected(
          absl::StrCat("a marker of person '", p.name, "' with a name and two alleles (line ", m.line, ")"));
    for (const FamDviMarker& q : p.markers)
      if (q.system == m.system)
        return r->Expected(
            absl::StrCat("marker ", m.system, " of person '", p.name, "' once (also line ", q.line, ")"));
    p.markers.push_back(std::move(m));
  }
  return p;
}

absl::Status ReadDvi(IniReader* r, FamDvi* dvi) {
  dvi->present = true;
  KINSHIP_ASSIGN_OR_RETURN(dvi->line, r->Header(1, "DVI", false));
  KINSHIP_RETURN_IF_ERROR(r->Header(2, "Unidentified persons", false).status());
  KINSHIP_ASSIGN_OR_RETURN(long long n, r->Count("nPersons"));
  for (long long i = 0; i < n; ++i) {
    KINSHIP_ASSIGN_OR_RETURN(FamDviPerson p, ReadDviPerson(r, 3));
    dvi->unidentified.push_back(std::move(p));
  }
  r->SkipBlank();
  if (!r->AtEnd() && r->Peek().depth == 2 && r->Peek().name == "Notes") {
    r->Skip();
    KINSHIP_RETURN_IF_ERROR(r->Count("nFamilies").status());
    while (!r->AtEnd() && r->Peek().depth <= 0) {
      dvi->notes.push_back(r->Peek().raw);
      r->Skip();
    }
    while (!dvi->notes.empty() && Trim(dvi->notes.back()).empty()) dvi->notes.pop_back();
  }
  KINSHIP_RETURN_IF_ERROR(r->Header(2, "Reference Families", false).status());
  KINSHIP_ASSIGN_OR_RETURN(long long nf, r->Count("nFamilies"));
  for (long long f = 0; f < nf; ++f) {
    FamDviFamily fam;
    KINSHIP_ASSIGN_OR_RETURN(fam.line, r->Header(3, "Family", true));
    KINSHIP_ASSIGN_OR_RETURN(fam.name, r->Value("Name"));
    KINSHIP_RETURN_IF_ERROR(r->Header(4, "Persons", false).status());
    KINSHIP_ASSIGN_OR_RETURN(long long np, r->Count("nPersons"));
    for (long long i = 0; i < np; ++i) {
      KINSHIP_ASSIGN_OR_RETURN(FamDviPerson p, ReadDviPerson(r, 5));
      for (const FamDviPerson& q : fam.persons)
        if (q.name == p.name)
          return r->Expected(absl::StrCat("unique person names in family '", fam.name, "' ('", p.name,
                                          "' also on line ", q.line, ")"));
      fam.persons.push_back(std::move(p));
    }
    KINSHIP_RETURN_IF_ERROR(r->Header(4, "Pedigrees", false).status());
    KINSHIP_ASSIGN_OR_RETURN(long long nped, r->Count("nPedigrees"));
    for (long long k = 0; k < nped; ++k) {
      FamDviPedigree ped;
      KINSHIP_ASSIGN_OR_RETURN(ped.line, r->Header(5, "Pedigree", true));
      KINSHIP_ASSIGN_OR_RETURN(ped.name, r->Value("Name"));
      KINSHIP_ASSIGN_OR_RETURN(long long nr, r->Count("nRelations"));
      for (long long j = 0; j < nr; ++j) {
        const int line = r->LineNo();
        KINSHIP_ASSIGN_OR_RETURN(std::string parent, r->Value("Parent"));
        KINSHIP_ASSIGN_OR_RETURN(std::string child, r->Value("Child"));
        if (parent.empty() || child.empty() || parent == child)
          return r->Expected(absl::StrCat("a relation between two named persons (line ", line, ")"));
        ped.relations.emplace_back(std::move(parent), std::move(child));
      }
      fam.pedigrees.push_back(std::move(ped));
    }
    dvi->families.push_back(std::move(fam));
  }
  return absl::OkStatus();
}

absl::Status ReadAdvanced(IniReader* r, const FamLines& in, FamiliasCase* fam) {
  FamAdvanced& adv = fam->advanced;
  adv.present = true;
  KINSHIP_RETURN_IF_ERROR(r->Header(1, "Advanced", false).status());
  std::string sub;
  while (true) {
    r->SkipBlank();
    if (r->AtEnd() || r->Peek().depth == 1) break;
    const IniLine& l = r->Peek();
    if (l.depth == 2) {
      sub = l.name;
      if (sub != "Direct/Identity" && sub != "Other" && sub != "DVI" && sub != "Simulation")
        return in.ErrorAt(l.line, absl::StrCat("unknown [Advanced] section [[", internal::Escaped(sub),
                                               "]], which kinship does not model; expected [[Direct/Identity]], "
                                               "[[Other]], [[DVI]] or [[Simulation]]"));
      r->Skip();
      continue;
    }
    if (l.depth != 0 || sub.empty()) return r->Expected("'Key= value' in a [[subsection]] of [Advanced]");
    FamSetting s{absl::StrCat("Advanced/", sub), l.key, l.value, l.line};
    auto bad = [&](const std::string& expected) {
      return in.ErrorAt(l.line, absl::StrCat(l.key, "= '", internal::Escaped(l.value), "'; expected ", expected));
    };
    auto unknown = [&]() {
      return in.ErrorAt(l.line, absl::StrCat("unknown setting '", internal::Escaped(l.key), "' in [[", sub,
                                             "]], which kinship does not model"));
    };
    double v = 0;
    long long k = 0;
    if (sub == "Direct/Identity") {
      if (l.key != "Dropin" && l.key != "Dropout" && l.key != "Error") return unknown();
      if (!ParseDouble(l.value, &v) || v < 0 || v > 1) return bad("a probability in [0, 1]");
      if (l.key == "Dropin") adv.dropin = v, adv.dropin_line = l.line;
      if (l.key == "Dropout") adv.dropout = v, adv.dropout_line = l.line;
      if (l.key == "Error") adv.error = v, adv.error_line = l.line;
    } else if (sub == "Other") {
      if (l.key != "NumberOfDecimals") return unknown();
      if (!ParseInt(l.value, &k) || k < 0 || k > 100) return bad("an integer from 0 to 100");
      adv.number_of_decimals = static_cast<int>(k);
    } else if (sub == "DVI") {
      if (l.key == "QuickSearch") {
        if (l.value != "Enabled" && l.value != "Disabled") return bad("Enabled or Disabled");
        adv.quick_search = l.value;
      } else if (l.key == "AllowedMismatches") {
        if (!ParseInt(l.value, &k) || k < 0 || k > kMaxCount) return bad("a non-negative integer");
        adv.allowed_mismatches = static_cast<int>(k);
      } else {
        return unknown();
      }
    } else {  // Simulation
      if (l.key != "SaveGenotypes" && l.key != "SaveComplete" && l.key != "ForceMAF") return unknown();
      if (l.value != "Enabled" && l.value != "Disabled") return bad("Enabled or Disabled");
      adv.simulation.push_back(s);
    }
    fam->settings.push_back(std::move(s));
    r->Skip();
  }
  return absl::OkStatus();
}

absl::Status ReadPrior(IniReader* r, const FamLines& in, FamiliasCase* fam) {
  KINSHIP_RETURN_IF_ERROR(r->Header(1, "Prior", false).status());
  while (true) {
    r->SkipBlank();
    if (r->AtEnd() || r->Peek().depth == 1) break;
    const IniLine& l = r->Peek();
    if (l.depth != 0) return r->Expected("'Key= value' in [Prior]");
    long long k = 0;
    if (l.key == "UseList") {
      if (l.value != "Yes" && l.value != "No")
        return in.ErrorAt(l.line, absl::StrCat("UseList= '", internal::Escaped(l.value), "'; expected Yes or No"));
    } else if (l.key == "Size") {
      if (!ParseInt(l.value, &k) || k < 0)
        return in.ErrorAt(l.line,
                          absl::StrCat("Size= '", internal::Escaped(l.value), "'; expected a non-negative integer"));
    } else {
      return in.ErrorAt(l.line, absl::StrCat("unknown [Prior] setting '", internal::Escaped(l.key),
                                             "', which kinship does not model; expected UseList or Size"));
    }
    FamSetting s{"Prior", l.key, l.value, l.line};
    fam->prior.push_back(s);
    fam->settings.push_back(std::move(s));
    r->Skip();
  }
  return absl::OkStatus();
}

absl::Status ReadSections(FamLines* in, FamiliasCase* fam) {
  std::vector<IniLine> lines;
  while (!in->AtEnd()) {
    const int no = in->line_no();
    KINSHIP_ASSIGN_OR_RETURN(std::string s, in->Raw(""));
    KINSHIP_ASSIGN_OR_RETURN(IniLine l, ParseIniLine(*in, s, no));
    lines.push_back(std::move(l));
  }
  IniReader r(*in, std::move(lines));
  bool seen_dvi = false, seen_prior = false;
  while (true) {
    r.SkipBlank();
    if (r.AtEnd()) break;
    const IniLine& l = r.Peek();
    const std::string expected = "[DVI], [Prior] or [Advanced] (each once, in this order)";
    if (l.depth != 1) return r.Expected(expected);
    if (l.name == "DVI" && !seen_dvi && !seen_prior && !fam->advanced.present) {
      seen_dvi = true;
      KINSHIP_RETURN_IF_ERROR(ReadDvi(&r, &fam->dvi));
    } else if (l.name == "Prior" && !seen_prior && !fam->advanced.present) {
      seen_prior = true;
      KINSHIP_RETURN_IF_ERROR(ReadPrior(&r, *in, fam));
    } else if (l.name == "Advanced" && !fam->advanced.present) {
      KINSHIP_RETURN_IF_ERROR(ReadAdvanced(&r, *in, fam));
    } else {
      return r.Expected(expected);
    }
  }
  return absl::OkStatus();
}

// Indices in persons' genotypes and relations, once the database is known.
absl::Status CheckIndices(const FamLines& in, const FamiliasCase& fam) {
  const auto& loci = fam.database.loci;
  for (const FamPerson& p : fam.persons)
    for (const FamGenotype& g : p.genotypes) {
      if (g.locus >= static_cast<int>(loci.size()))
        return in.ErrorAt(
            g.line + 2, absl::StrCat("marker index ", g.locus, " of person '", p.name, "'; expected 0 to ",
                                     static_cast<int>(loci.size()) - 1, " (the database has ", loci.size(), " loci)"));
      const int n = static_cast<int>(loci[g.locus].alleles.size());
      for (int k = 0; k < 2; ++k) {
        const int a = k == 0 ? g.allele1 : g.allele2;
        if (a >= n)
          return in.ErrorAt(g.line + k,
                            absl::StrCat("allele index ", a, " of person '", p.name, "' at ", loci[g.locus].name,
                                         "; expected 0 to ", n - 1, " (", n, " alleles in the database)"));
      }
    }
  const int base = static_cast<int>(fam.persons.size()) + fam.known_extra_females + fam.known_extra_males;
  auto check = [&](const FamRelation& r, int size, const std::string& where) -> absl::Status {
    if (r.parent >= size)
      return in.ErrorAt(r.line, absl::StrCat("parent index ", r.parent, where, "; expected 0 to ", size - 1));
    if (r.child >= size)
      return in.ErrorAt(r.line + 1, absl::StrCat("child index ", r.child, where, "; expected 0 to ", size - 1));
    if (r.parent == r.child)
      return in.ErrorAt(r.line, absl::StrCat("person ", r.parent, " is their own parent", where));
    return absl::OkStatus();
  };
  for (const FamRelation& r : fam.known_relations) KINSHIP_RETURN_IF_ERROR(check(r, base, " (known relations)"));
  for (const FamPedigree& ped : fam.pedigrees)
    for (const FamRelation& r : ped.relations)
      KINSHIP_RETURN_IF_ERROR(
          check(r, base + ped.extra_females + ped.extra_males, absl::StrCat(" in pedigree '", ped.name, "'")));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<FamiliasCase> ReadFamiliasFile(const std::string& path, Diagnostics* diag) {
  FamLines in;
  KINSHIP_RETURN_IF_ERROR(in.Read(path, diag));
  FamiliasCase fam;
  fam.path = path;
  KINSHIP_ASSIGN_OR_RETURN(fam.producer, in.Quoted("\"Output from Familias, version ...\""));
  if (fam.producer.rfind("Output from Familias", 0) != 0)
    return in.ErrorAt(1, absl::StrCat("found '", internal::Escaped(fam.producer),
                                      "'; expected \"Output from Familias, version ...\" (a Familias 3 .fam file)"));
  KINSHIP_RETURN_IF_ERROR(in.Quoted("a quoted second line (\"DO NOT EDIT!\")").status());
  KINSHIP_ASSIGN_OR_RETURN(fam.version, in.Raw("the Familias version"));
  if (Trim(fam.version).empty()) return in.ErrorAt(3, "empty version; expected the Familias version (3.3.1)");
  // An optional quoted line (Familias writes "") before the number of persons.
  if (!in.AtEnd() && !in.Peek().empty() && in.Peek()[0] == '"') KINSHIP_RETURN_IF_ERROR(in.Raw("").status());
  KINSHIP_RETURN_IF_ERROR(ReadPersons(&in, &fam));
  KINSHIP_RETURN_IF_ERROR(ReadRelationsAndPedigrees(&in, &fam));
  KINSHIP_RETURN_IF_ERROR(ReadDatabase(&in, &fam));
  KINSHIP_RETURN_IF_ERROR(CheckIndices(in, fam));
  KINSHIP_RETURN_IF_ERROR(ReadSections(&in, &fam));
  return fam;
}

}  // namespace kinship
