// CODIS CMF 3.2/3.3 XML profiles: the reader behind ReadProfileRecords (a libxml2 SAX2 push
// parser, fed the file in blocks: nothing but the current specimen is held) and the writer
// FormatCmf (libxml2's xmlTextWriter). The layout (shared/docs/formats.md, section 2):
//
//   <CODISImportFile xmlns="urn:CODISImportFile-schema">
//     <HEADERVERSION>3.2</HEADERVERSION> <MESSAGETYPE>Import</MESSAGETYPE> ... header
//     <SPECIMEN>
//       <SPECIMENID>V1</SPECIMENID> <SPECIMENCATEGORY>Unidentified Person</SPECIMENCATEGORY>
//       <LOCUS> <LOCUSNAME>TH01</LOCUSNAME> <ALLELE><ALLELEVALUE>6</ALLELEVALUE></ALLELE> ... </LOCUS>
//     </SPECIMEN> ...
//   </CODISImportFile>
//
// Safety: the parser never reads outside the file. It runs with XML_PARSE_NONET and without
// XML_PARSE_NOENT / XML_PARSE_DTDLOAD (no entity substitution, no external subset); a
// DOCTYPE stops the reading with an error before its declarations are parsed, and the only
// entities resolved are XML's five predefined ones.
#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlwriter.h>

#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <unordered_map>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "internal/csv.h"
#include "internal/status_macros.h"
#include "io/cmf_reader.h"
#include "kinship/cmf.h"
#include "kinship/locus.h"

namespace kinship {

namespace {

// libxml2 2.12 made the structured error handler take a const xmlError*.
#if LIBXML_VERSION >= 21200
using XmlErrorArg = const xmlError*;
#else
using XmlErrorArg = xmlError*;
#endif

// Longest element text kept (CMF's longest field, SPECIMENCOMMENT, has at most 255).
constexpr size_t kMaxText = 1024;

void InitLibxml() {
  static std::once_flag once;
  std::call_once(once, [] { xmlInitParser(); });
}

const char* Chars(const xmlChar* s) { return reinterpret_cast<const char*>(s); }

std::string Trimmed(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  const size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

bool IsXmlSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// What an open element is, for the parser's state.
enum class Elem {
  kRoot,           // CODISImportFile
  kHeaderField,    // HEADERVERSION, MESSAGETYPE, ... (text)
  kSpecimen,       // SPECIMEN
  kSpecimenField,  // SPECIMENID, SPECIMENCATEGORY, SPECIMENCOMMENT (text)
  kLocus,          // LOCUS
  kLocusField,     // LOCUSNAME, READINGBY, READINGDATETIME (text)
  kAllele,         // ALLELE
  kAlleleValue,    // ALLELEVALUE (text)
};

bool IsTextElem(Elem e) {
  return e == Elem::kHeaderField || e == Elem::kSpecimenField || e == Elem::kLocusField || e == Elem::kAlleleValue;
}

struct Frame {
  Elem kind;
  std::string name;
  int line;
};

struct CmfAllele {
  int line = 0;
  std::optional<std::string> value;
};

struct CmfLocus {
  int line = 0;
  std::optional<std::string> name;
  std::vector<CmfAllele> alleles;
};

struct CmfSpecimen {
  int line = 0;
  std::optional<std::string> id, category;
  std::vector<CmfLocus> loci;
};

class CmfParser {
 public:
  CmfParser(const std::string& path, Diagnostics* diag, const std::function<absl::Status(GenotypeRecord&&)>& emit)
      : path_(path), file_(std::make_shared<const std::string>(path)), diag_(diag), emit_(emit) {}
  CmfParser(const CmfParser&) = delete;
  CmfParser& operator=(const CmfParser&) = delete;

  absl::Status Parse(internal::LineReader& in, const std::string& first_line);

 private:
  static void OnStart(void* ctx, const xmlChar* localname, const xmlChar* prefix, const xmlChar* uri,
                      int nb_namespaces, const xmlChar** namespaces, int nb_attributes, int nb_defaulted,
                      const xmlChar** attributes);
  static void OnEnd(void* ctx, const xmlChar* localname, const xmlChar* prefix, const xmlChar* uri);
  static void OnText(void* ctx, const xmlChar* ch, int len);
  static void OnDoctype(void* ctx, const xmlChar* name, const xmlChar* external_id, const xmlChar* system_id);
  static xmlEntityPtr OnEntity(void* ctx, const xmlChar* name);
  static void OnError(void* ctx, XmlErrorArg error);

  void Start(const std::string& name, const std::string& uri);
  void End();
  void Text(const char* ch, int len);
  void EndSpecimen(const Frame& frame);
  // The line the parser is at (in a start-tag callback: the line where the tag ends).
  int Line() const { return ctxt_ ? xmlSAX2GetLineNumber(ctxt_) : 0; }
  // Records the first error and stops the parser.
  void Fail(absl::Status st);
  void Fail(int line, const std::string& message) {
    Fail(absl::InvalidArgumentError(absl::StrCat(path_, ":", line, ": ", message)));
  }
  bool failed() const { return !status_.ok(); }
  // A text value checked for control characters and invalid UTF-8 (failing when it has them).
  bool CheckText(int line, const std::string& what, const std::string& text);
  void Skip(const std::string& name, const std::string& uri, const std::string& parent);
  const std::shared_ptr<const std::string>& Category(const std::string& text);

  std::string path_;
  std::shared_ptr<const std::string> file_;
  Diagnostics* diag_;
  const std::function<absl::Status(GenotypeRecord&&)>& emit_;
  xmlParserCtxtPtr ctxt_ = nullptr;
  absl::Status status_;

  std::string ns_;  // the root's namespace: kCmfNamespace or "" (none)
  bool root_seen_ = false, root_done_ = false;
  std::vector<Frame> stack_;
  int skip_depth_ = 0;  // > 0: inside an element that is skipped
  std::string text_;
  CmfSpecimen specimen_;
  std::string header_version_;
  int header_version_line_ = 0;
  std::map<std::string, std::shared_ptr<const std::string>> categories_;
  std::int64_t emitted_ = 0, specimen_ct_ = 0;
  std::vector<std::string> no_loci_;                  // specimens without a LOCUS
  std::map<std::string, std::int64_t> y_skipped_;     // Y marker -> loci skipped
  std::map<std::string, std::pair<int, std::int64_t>> unknown_;  // "<X> in <Y>" -> (first line, count)
};

void CmfParser::Fail(absl::Status st) {
  if (!status_.ok()) return;
  status_ = std::move(st);
  if (ctxt_) xmlStopParser(ctxt_);
}

bool CmfParser::CheckText(int line, const std::string& what, const std::string& text) {
  const std::string problem = internal::TextProblem(text);
  if (problem.empty()) return true;
  Fail(line, absl::StrCat(what, " '", internal::Escaped(text), "' ", problem,
                          "; expected printable UTF-8 text (no tabs, NUL or other control characters)"));
  return false;
}

const std::shared_ptr<const std::string>& CmfParser::Category(const std::string& text) {
  auto it = categories_.find(text);
  if (it == categories_.end()) it = categories_.emplace(text, std::make_shared<const std::string>(text)).first;
  return it->second;
}

// Every element name of CMF 3.2/3.3, at any level.
bool IsCmfElement(const std::string& name) {
  static const std::set<std::string> kNames = {
      "CODISImportFile", "HEADERVERSION", "MESSAGETYPE",      "DESTINATIONORI", "SOURCELAB",
      "SUBMITBYUSERID",  "SUBMITDATETIME", "BATCHID",         "KIT",            "SPECIMEN",
      "SPECIMENID",      "SPECIMENCATEGORY", "SPECIMENCOMMENT", "LOCUS",        "LOCUSNAME",
      "READINGBY",       "READINGDATETIME", "ALLELE",          "ALLELEVALUE"};
  return kNames.count(name) > 0;
}

void CmfParser::Skip(const std::string& name, const std::string& uri, const std::string& parent) {
  // A CMF element out of place (an ALLELE straight under a SPECIMEN) is a broken file, not
  // an extension: skipping it would drop a genotype.
  if (uri == ns_ && IsCmfElement(name))
    return Fail(Line(), absl::StrCat("element <", name, "> in <", parent, ">; expected it ",
                                     name == "ALLELE" || name == "LOCUSNAME" ? "in a <LOCUS>"
                                     : name == "ALLELEVALUE"                 ? "in an <ALLELE>"
                                     : name == "SPECIMEN"                    ? "in <CODISImportFile>"
                                     : name == "LOCUS" || name.rfind("SPECIMEN", 0) == 0 ? "in a <SPECIMEN>"
                                                                                          : "where CMF puts it"));
  const std::string key = absl::StrCat("<", name, ">", uri == ns_ ? "" : absl::StrCat(" (namespace '", uri, "')"),
                                       " in <", parent, ">");
  auto [it, fresh] = unknown_.emplace(key, std::make_pair(Line(), 0));
  ++it->second.second;
  skip_depth_ = 1;
}

void CmfParser::Start(const std::string& name, const std::string& uri) {
  if (skip_depth_ > 0) {
    ++skip_depth_;
    return;
  }
  const int line = Line();
  if (stack_.empty()) {
    if (root_seen_) return;  // libxml2 reports content after the root
    root_seen_ = true;
    if (name != "CODISImportFile")
      return Fail(line, absl::StrCat("root element <", name, ">; expected <CODISImportFile> (a CODIS CMF 3.2/3.3 file)"));
    if (!uri.empty() && uri != kCmfNamespace)
      return Fail(line, absl::StrCat("<CODISImportFile> in the namespace '", uri, "'; expected '", kCmfNamespace,
                                     "' (a CODIS CMF 3.2/3.3 file)"));
    ns_ = uri;
    stack_.push_back({Elem::kRoot, name, line});
    return;
  }
  const Frame& parent = stack_.back();
  const bool ours = uri == ns_;
  auto push = [&](Elem kind) {
    stack_.push_back({kind, name, line});
    text_.clear();
  };
  switch (parent.kind) {
    case Elem::kRoot:
      if (ours && name == "SPECIMEN") {
        specimen_ = CmfSpecimen();
        specimen_.line = line;
        return push(Elem::kSpecimen);
      }
      if (ours && (name == "HEADERVERSION" || name == "MESSAGETYPE" || name == "DESTINATIONORI" ||
                   name == "SOURCELAB" || name == "SUBMITBYUSERID" || name == "SUBMITDATETIME" ||
                   name == "BATCHID" || name == "KIT"))
        return push(Elem::kHeaderField);
      return Skip(name, uri, parent.name);
    case Elem::kSpecimen:
      if (ours && name == "LOCUS") {
        specimen_.loci.emplace_back();
        specimen_.loci.back().line = line;
        return push(Elem::kLocus);
      }
      if (ours && (name == "SPECIMENID" || name == "SPECIMENCATEGORY" || name == "SPECIMENCOMMENT"))
        return push(Elem::kSpecimenField);
      return Skip(name, uri, parent.name);
    case Elem::kLocus:
      // Inside a locus nothing is skipped: an unknown element could be a misspelt allele.
      if (ours && name == "ALLELE") {
        specimen_.loci.back().alleles.push_back({line, std::nullopt});
        return push(Elem::kAllele);
      }
      if (ours && (name == "LOCUSNAME" || name == "READINGBY" || name == "READINGDATETIME"))
        return push(Elem::kLocusField);
      return Fail(line, absl::StrCat("element <", name, "> in <LOCUS>", ours ? "" : " (another namespace)",
                                     "; expected LOCUSNAME, READINGBY, READINGDATETIME and ALLELE"));
    case Elem::kAllele:
      if (ours && name == "ALLELEVALUE") return push(Elem::kAlleleValue);
      return Fail(line, absl::StrCat("element <", name, "> in <ALLELE>", ours ? "" : " (another namespace)",
                                     "; expected one ALLELEVALUE"));
    case Elem::kHeaderField:
    case Elem::kSpecimenField:
    case Elem::kLocusField:
    case Elem::kAlleleValue:
      return Fail(line, absl::StrCat("element <", name, "> in <", parent.name, ">; expected text only"));
  }
}

void CmfParser::Text(const char* ch, int len) {
  if (skip_depth_ > 0 || stack_.empty()) return;
  const Frame& top = stack_.back();
  if (IsTextElem(top.kind)) {
    if (text_.size() + static_cast<size_t>(len) > kMaxText)
      return Fail(Line(), absl::StrCat("<", top.name, "> text longer than ", kMaxText, " bytes; expected a CMF value"));
    text_.append(ch, static_cast<size_t>(len));
    return;
  }
  for (int i = 0; i < len; ++i)
    if (!IsXmlSpace(ch[i]))
      return Fail(Line(), absl::StrCat("text '", internal::Escaped(Trimmed(std::string(ch, static_cast<size_t>(len)))),
                                       "' in <", top.name, ">; expected elements only"));
}

void CmfParser::End() {
  if (skip_depth_ > 0) {
    --skip_depth_;
    return;
  }
  if (stack_.empty()) return;
  const Frame frame = std::move(stack_.back());
  stack_.pop_back();
  const std::string value = Trimmed(text_);
  text_.clear();
  // A value element given twice, or empty: named with the line where it starts.
  auto set_once = [&](std::optional<std::string>* slot, const std::string& owner, int owner_line) {
    if (slot->has_value())
      return Fail(frame.line, absl::StrCat("a second <", frame.name, "> in the <", owner, "> of line ", owner_line,
                                           "; expected one"));
    if (value.empty())
      return Fail(frame.line, absl::StrCat("empty <", frame.name, "> in the <", owner, "> of line ", owner_line,
                                           frame.kind == Elem::kAlleleValue
                                               ? "; expected an allele designation (12, 9.3, OL, X, ...)"
                                               : "; expected a value"));
    if (CheckText(frame.line, frame.name, value)) *slot = value;
  };
  switch (frame.kind) {
    case Elem::kRoot:
      root_done_ = true;
      return;
    case Elem::kHeaderField:
      if (frame.name == "HEADERVERSION") {
        header_version_ = value;
        header_version_line_ = frame.line;
      }
      return;
    case Elem::kSpecimenField:
      if (frame.name == "SPECIMENID") return set_once(&specimen_.id, "SPECIMEN", specimen_.line);
      if (frame.name == "SPECIMENCATEGORY") return set_once(&specimen_.category, "SPECIMEN", specimen_.line);
      return;  // SPECIMENCOMMENT
    case Elem::kLocusField:
      if (frame.name == "LOCUSNAME") return set_once(&specimen_.loci.back().name, "LOCUS", specimen_.loci.back().line);
      return;  // READINGBY, READINGDATETIME
    case Elem::kAlleleValue: {
      CmfAllele& allele = specimen_.loci.back().alleles.back();
      return set_once(&allele.value, "ALLELE", allele.line);
    }
    case Elem::kAllele:
      if (!specimen_.loci.back().alleles.back().value.has_value())
        Fail(frame.line, "<ALLELE> without <ALLELEVALUE>; expected one");
      return;
    case Elem::kLocus:
      if (!specimen_.loci.back().name.has_value()) Fail(frame.line, "<LOCUS> without <LOCUSNAME>; expected one");
      return;
    case Elem::kSpecimen:
      return EndSpecimen(frame);
  }
}

void CmfParser::EndSpecimen(const Frame& frame) {
  ++specimen_ct_;
  if (!specimen_.id.has_value()) return Fail(frame.line, "<SPECIMEN> without <SPECIMENID>; expected one");
  const std::string& id = *specimen_.id;
  if (!specimen_.category.has_value())
    return Fail(frame.line, absl::StrCat("specimen ", id,
                                         ": <SPECIMEN> without <SPECIMENCATEGORY>; expected one (e.g. Unidentified "
                                         "Person, Biological Mother)"));
  if (specimen_.loci.empty()) {
    no_loci_.push_back(id);
    return;
  }
  const std::shared_ptr<const std::string>& category = Category(*specimen_.category);
  for (CmfLocus& locus : specimen_.loci) {
    const std::string& name = *locus.name;
    // Y markers are skipped here, as in a GeneMapper table (they may carry more than two
    // alleles); Amelogenin is kept: it gives the sample's sex.
    if (IsSexOrYMarker(name) && !IsAmelogenin(name)) {
      ++y_skipped_[name];
      continue;
    }
    std::vector<std::string> alleles;
    for (CmfAllele& a : locus.alleles) alleles.push_back(std::move(*a.value));
    if (alleles.size() > 2)
      return Fail(locus.line, absl::StrCat("specimen ", id, " has ", alleles.size(), " alleles at ", name, " (",
                                           absl::StrJoin(alleles, ","),
                                           "); expected at most 2: kinship needs single-source profiles"));
    GenotypeRecord r;
    r.sample_id = id;
    r.locus = name;
    r.file = file_;
    r.line = locus.line;
    r.category = category;
    if (alleles.size() == 1) {  // one ALLELE: a homozygote, as CODIS writes it
      r.allele1 = r.allele2 = alleles[0];
    } else if (alleles.size() == 2) {
      r.allele1 = std::move(alleles[0]);
      r.allele2 = std::move(alleles[1]);
    }
    ++emitted_;
    if (absl::Status st = emit_(std::move(r)); !st.ok()) return Fail(std::move(st));
  }
}

void CmfParser::OnStart(void* ctx, const xmlChar* localname, const xmlChar* /*prefix*/, const xmlChar* uri,
                        int /*nb_namespaces*/, const xmlChar** /*namespaces*/, int /*nb_attributes*/,
                        int /*nb_defaulted*/, const xmlChar** /*attributes*/) {
  auto* self = static_cast<CmfParser*>(ctx);
  if (self->failed()) return;
  self->Start(Chars(localname), uri ? Chars(uri) : "");
}

void CmfParser::OnEnd(void* ctx, const xmlChar* /*localname*/, const xmlChar* /*prefix*/, const xmlChar* /*uri*/) {
  auto* self = static_cast<CmfParser*>(ctx);
  if (self->failed()) return;
  self->End();
}

void CmfParser::OnText(void* ctx, const xmlChar* ch, int len) {
  auto* self = static_cast<CmfParser*>(ctx);
  if (self->failed()) return;
  self->Text(Chars(ch), len);
}

void CmfParser::OnDoctype(void* ctx, const xmlChar* /*name*/, const xmlChar* /*external_id*/,
                          const xmlChar* /*system_id*/) {
  auto* self = static_cast<CmfParser*>(ctx);
  self->Fail(self->Line(), "a DOCTYPE declaration; expected none (a CMF file has no DTD, and kinship reads no "
                           "entities or external files)");
}

xmlEntityPtr CmfParser::OnEntity(void* /*ctx*/, const xmlChar* name) {
  // Only XML's predefined entities (&amp; &lt; &gt; &quot; &apos;): nothing is declared.
  return xmlGetPredefinedEntity(name);
}

void CmfParser::OnError(void* ctx, XmlErrorArg error) {
  auto* self = static_cast<CmfParser*>(ctx);
  if (error == nullptr || error->level < XML_ERR_ERROR) return;  // warnings: not errors of the file
  std::string message = error->message ? Trimmed(error->message) : std::string("unknown error");
  self->Fail(error->line > 0 ? error->line : self->Line(),
             absl::StrCat("malformed XML: ", message, "; expected a well-formed CODIS CMF XML file"));
}

absl::Status CmfParser::Parse(internal::LineReader& in, const std::string& first_line) {
  InitLibxml();
  xmlSAXHandler sax;
  std::memset(&sax, 0, sizeof sax);
  sax.initialized = XML_SAX2_MAGIC;
  sax.startElementNs = &CmfParser::OnStart;
  sax.endElementNs = &CmfParser::OnEnd;
  sax.characters = &CmfParser::OnText;
  sax.cdataBlock = &CmfParser::OnText;
  sax.ignorableWhitespace = &CmfParser::OnText;
  sax.internalSubset = &CmfParser::OnDoctype;
  sax.getEntity = &CmfParser::OnEntity;
  sax.serror = &CmfParser::OnError;
  // Lines skipped before the first (blank or '#') are given back as blank lines, so that
  // libxml2's line numbers are the file's.
  std::string head(static_cast<size_t>(in.line_no() - 1), '\n');
  head += first_line;
  head += '\n';
  std::unique_ptr<xmlParserCtxt, void (*)(xmlParserCtxtPtr)> ctxt(
      xmlCreatePushParserCtxt(&sax, this, nullptr, 0, path_.c_str()), &xmlFreeParserCtxt);
  if (!ctxt) return absl::ResourceExhaustedError(absl::StrCat(path_, ": cannot create an XML parser"));
  ctxt_ = ctxt.get();
  xmlCtxtUseOptions(ctxt_, XML_PARSE_NONET);
  xmlParseChunk(ctxt_, head.data(), static_cast<int>(head.size()), 0);
  std::vector<char> buf(1 << 16);
  while (!failed()) {
    const size_t got = in.ReadRaw(buf.data(), buf.size());
    if (got == 0) break;
    xmlParseChunk(ctxt_, buf.data(), static_cast<int>(got), 0);
  }
  if (in.read_error()) Fail(absl::InvalidArgumentError(absl::StrCat(path_, ": read error")));
  if (!failed()) xmlParseChunk(ctxt_, nullptr, 0, 1);
  if (!failed() && !ctxt_->wellFormed)
    Fail(absl::InvalidArgumentError(absl::StrCat(path_, ": malformed XML; expected a well-formed CODIS CMF XML file")));
  if (!failed() && !root_done_)
    Fail(absl::InvalidArgumentError(absl::StrCat(path_, ": no <CODISImportFile> element; expected a CODIS CMF file")));
  if (ctxt_->myDoc != nullptr) xmlFreeDoc(ctxt_->myDoc);  // none is built (no startDocument); to be sure
  ctxt_->myDoc = nullptr;
  ctxt_ = nullptr;
  KINSHIP_RETURN_IF_ERROR(status_);

  if (!header_version_.empty() && header_version_ != "3.2" && header_version_ != "3.3")
    diag_->Warn(absl::StrCat(path_, ":", header_version_line_, ": HEADERVERSION ", header_version_,
                             "; read as CMF 3.2/3.3"));
  for (const auto& [what, where] : unknown_)
    diag_->Info(absl::StrCat(path_, ":", where.first, ": element ", what, " skipped (", where.second,
                             where.second == 1 ? " time" : " times", "; not part of CMF 3.2/3.3)"));
  for (const auto& [marker, n] : y_skipped_)
    diag_->Info(absl::StrCat(path_, ": marker ", marker, " skipped (Y marker, ", n, " specimen(s))"));
  if (!no_loci_.empty()) {
    std::vector<std::string> ids(no_loci_.begin(), no_loci_.begin() + std::min<size_t>(no_loci_.size(), 10));
    if (no_loci_.size() > ids.size()) ids.push_back("...");
    diag_->Warn(absl::StrCat(path_, ": ", no_loci_.size(), " specimen(s) without a <LOCUS>, left out: ",
                             absl::StrJoin(ids, " ")));
  }
  if (emitted_ == 0)
    return absl::InvalidArgumentError(absl::StrCat(path_, ": no genotypes (", specimen_ct_,
                                                   " SPECIMEN elements); expected at least one SPECIMEN with a LOCUS"));
  return absl::OkStatus();
}

}  // namespace

namespace internal {

bool LooksLikeXml(const std::string& first_line) {
  const size_t i = first_line.find_first_not_of(" \t");
  return i != std::string::npos && first_line[i] == '<';
}

absl::Status ReadCmfRecords(LineReader& in, const std::string& first_line, Diagnostics* diag,
                            const std::function<absl::Status(GenotypeRecord&&)>& emit) {
  CmfParser parser(in.path(), diag, emit);
  return parser.Parse(in, first_line);
}

}  // namespace internal

// ---------------------------------------------------------------------------------------
// Writer.

namespace {

const xmlChar* XmlStr(const char* s) { return reinterpret_cast<const xmlChar*>(s); }
const xmlChar* XmlStr(const std::string& s) { return XmlStr(s.c_str()); }

std::string RecordWhere(const GenotypeRecord& r, size_t index) {
  return r.file ? r.where() : absl::StrCat("record ", index + 1);
}

// One sample as written: its category and its typed loci (record indices).
struct CmfOut {
  std::string id;
  const std::string* category = nullptr;
  std::vector<size_t> records;
};

absl::Status CheckValue(const std::string& where, const std::string& what, const std::string& text) {
  std::string problem = internal::TextProblem(text);
  // UTF-8 that XML 1.0 still forbids: the noncharacters U+FFFE and U+FFFF.
  if (problem.empty() && (text.find("\xEF\xBF\xBE") != std::string::npos || text.find("\xEF\xBF\xBF") != std::string::npos))
    problem = "contains U+FFFE or U+FFFF, which XML does not allow";
  if (problem.empty() && text.size() > static_cast<size_t>(kCmfMaxText))
    problem = absl::StrCat("has ", text.size(), " bytes");
  if (problem.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(where, ": ", what, " '", internal::Escaped(text), "' ", problem,
                                                 "; expected printable UTF-8 text of at most ", kCmfMaxText, " bytes"));
}

}  // namespace

absl::StatusOr<std::string> FormatCmf(const std::vector<GenotypeRecord>& records, const CmfHeader& header) {
  if (header.header_version != "3.2" && header.header_version != "3.3")
    return absl::InvalidArgumentError(
        absl::StrCat("CMF header version '", header.header_version, "'; expected 3.2 or 3.3"));
  const std::pair<const char*, const std::string*> fields[] = {
      {"HEADERVERSION", &header.header_version},   {"MESSAGETYPE", &header.message_type},
      {"DESTINATIONORI", &header.destination_ori}, {"SOURCELAB", &header.source_lab},
      {"SUBMITBYUSERID", &header.submit_by_user_id}, {"SUBMITDATETIME", &header.submit_datetime},
      {"BATCHID", &header.batch_id},               {"KIT", &header.kit}};
  for (const auto& [name, value] : fields)
    KINSHIP_RETURN_IF_ERROR(CheckValue("CMF header", name, *value));

  // Samples in order of first appearance, each with its typed records and one category.
  std::vector<CmfOut> samples;
  std::unordered_map<std::string, size_t> index;
  for (size_t i = 0; i < records.size(); ++i) {
    const GenotypeRecord& r = records[i];
    const std::string where = RecordWhere(r, i);
    if (r.sample_id.empty()) return absl::InvalidArgumentError(absl::StrCat(where, ": empty sample id"));
    if (r.locus.empty())
      return absl::InvalidArgumentError(absl::StrCat(where, ": sample ", r.sample_id, ": empty locus"));
    KINSHIP_RETURN_IF_ERROR(CheckValue(where, "sample id", r.sample_id));
    KINSHIP_RETURN_IF_ERROR(CheckValue(where, "locus", r.locus));
    if (r.sample_id.size() > static_cast<size_t>(kCmfMaxSpecimenId))
      return absl::InvalidArgumentError(absl::StrCat(where, ": sample id '", r.sample_id, "' has ",
                                                     r.sample_id.size(), " characters; CMF's SPECIMENID allows at most ",
                                                     kCmfMaxSpecimenId));
    if (r.allele1.empty() != r.allele2.empty())
      return absl::InvalidArgumentError(absl::StrCat(where, ": sample ", r.sample_id, " locus ", r.locus,
                                                     " has one allele; expected two (a homozygote repeats its allele) "
                                                     "or none"));
    for (const std::string* a : {&r.allele1, &r.allele2}) {
      KINSHIP_RETURN_IF_ERROR(CheckValue(where, "allele", *a));
      if (a->size() > static_cast<size_t>(kCmfMaxAlleleValue))
        return absl::InvalidArgumentError(absl::StrCat(where, ": sample ", r.sample_id, " locus ", r.locus,
                                                       ": allele '", *a, "' has ", a->size(),
                                                       " characters; CMF's ALLELEVALUE allows at most ",
                                                       kCmfMaxAlleleValue));
    }
    const std::string* category =
        r.category && !r.category->empty() ? r.category.get() : &header.default_category;
    auto [it, fresh] = index.emplace(r.sample_id, samples.size());
    if (fresh) {
      samples.push_back({r.sample_id, category, {}});
      if (category->empty())
        return absl::InvalidArgumentError(absl::StrCat(where, ": sample ", r.sample_id,
                                                       " has no category and the default category is empty; "
                                                       "expected a SPECIMENCATEGORY"));
      KINSHIP_RETURN_IF_ERROR(CheckValue(where, "category", *category));
    } else if (*samples[it->second].category != *category) {
      return absl::InvalidArgumentError(absl::StrCat(where, ": sample ", r.sample_id, " has the category '",
                                                     *category, "' here and '", *samples[it->second].category,
                                                     "' before; expected one category per sample"));
    }
    if (!r.allele1.empty()) samples[it->second].records.push_back(i);
  }

  InitLibxml();
  std::unique_ptr<xmlBuffer, void (*)(xmlBufferPtr)> buf(xmlBufferCreate(), &xmlBufferFree);
  if (!buf) return absl::ResourceExhaustedError("cannot allocate the CMF output");
  xmlTextWriterPtr w = xmlNewTextWriterMemory(buf.get(), 0);
  if (!w) return absl::ResourceExhaustedError("cannot allocate the CMF writer");
  bool ok = true;
  auto check = [&ok](int rc) { ok = ok && rc >= 0; };
  auto element = [&](const char* name, const std::string& text) {
    check(xmlTextWriterWriteElement(w, XmlStr(name), XmlStr(text)));
  };
  check(xmlTextWriterSetIndent(w, 1));
  check(xmlTextWriterSetIndentString(w, XmlStr("  ")));
  check(xmlTextWriterStartDocument(w, nullptr, "UTF-8", nullptr));
  check(xmlTextWriterStartElementNS(w, nullptr, XmlStr("CODISImportFile"), XmlStr(kCmfNamespace)));
  for (const auto& [name, value] : fields)
    if (!value->empty() || (std::strcmp(name, "BATCHID") != 0 && std::strcmp(name, "KIT") != 0))
      element(name, *value);
  for (const CmfOut& s : samples) {
    check(xmlTextWriterStartElement(w, XmlStr("SPECIMEN")));
    element("SPECIMENID", s.id);
    element("SPECIMENCATEGORY", *s.category);
    for (size_t i : s.records) {
      const GenotypeRecord& r = records[i];
      check(xmlTextWriterStartElement(w, XmlStr("LOCUS")));
      element("LOCUSNAME", r.locus);
      element("READINGBY", header.submit_by_user_id);
      element("READINGDATETIME", header.submit_datetime);
      const bool homozygote = r.allele1 == r.allele2;
      for (const std::string* a : {&r.allele1, &r.allele2}) {
        if (homozygote && a == &r.allele2) break;  // CODIS writes a homozygote as one allele
        check(xmlTextWriterStartElement(w, XmlStr("ALLELE")));
        element("ALLELEVALUE", *a);
        check(xmlTextWriterEndElement(w));
      }
      check(xmlTextWriterEndElement(w));  // LOCUS
    }
    check(xmlTextWriterEndElement(w));  // SPECIMEN
  }
  check(xmlTextWriterEndDocument(w));
  xmlFreeTextWriter(w);  // flushes into buf
  if (!ok) return absl::InternalError("libxml2's writer failed while writing the CMF output");
  return std::string(reinterpret_cast<const char*>(xmlBufferContent(buf.get())),
                     static_cast<size_t>(xmlBufferLength(buf.get())));
}

absl::Status WriteCmf(const std::vector<GenotypeRecord>& records, const CmfHeader& header, std::FILE* out) {
  KINSHIP_ASSIGN_OR_RETURN(std::string text, FormatCmf(records, header));
  if (std::fwrite(text.data(), 1, text.size(), out) != text.size())
    return absl::DataLossError("cannot write the CMF output");
  return absl::OkStatus();
}

}  // namespace kinship
