// Readers for profile files: long CSV and GeneMapper ID-X genotype tables; CODIS CMF XML is
// detected here and read by io/cmf.cc.
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <utility>

#include <tbb/task_group.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "internal/csv.h"
#include "internal/status_macros.h"
#include "io/cmf_reader.h"
#include "kinship/io.h"

namespace kinship {

using internal::LineReader;
using internal::Lower;
using internal::SplitFields;

namespace {

// Receives batches of records while a file is read (see ReadProfileRecordsInChunks). With
// `overlap`, a full batch goes to the sink as a oneTBB task while the reader parses the next one
// into a second buffer (binding is about a third of reading a profile file); the results are
// those of the serial order: each batch is bound after the one before, the reader waits for a
// pending batch before handing over the next and before anything it writes to the diagnostics,
// and a batch's error wins over a parse error in the batches after it (Join first). With one
// thread, the task runs at the wait, so the order is the serial one.
struct Chunker {
  size_t chunk_rows = 0;  // 0: no chunking
  const std::function<absl::Status(std::vector<GenotypeRecord>*)>* sink = nullptr;
  size_t total = 0;
  bool overlap = false;

  ~Chunker() {
    if (!pending_) return;
    try {
      tasks_.wait();  // only on a path that already returns an error or unwinds
    } catch (...) {
    }
  }
  absl::Status Push(std::vector<GenotypeRecord>* out, GenotypeRecord&& r) {
    out->push_back(std::move(r));
    ++total;
    if (chunk_rows > 0 && out->size() >= chunk_rows) {
      KINSHIP_RETURN_IF_ERROR(Join());
      if (!overlap) {
        absl::Status st = (*sink)(out);
        out->clear();
        return st;
      }
      std::swap(*out, handed_);  // `out` gets the spare buffer (empty, capacity kept)
      pending_ = true;
      tasks_.run([this] {
        handed_status_ = (*sink)(&handed_);
        handed_.clear();
      });
    }
    return absl::OkStatus();
  }
  // Waits for the batch handed to the sink, if any, and returns its status.
  absl::Status Join() {
    if (!pending_) return absl::OkStatus();
    pending_ = false;
    tasks_.wait();
    return std::exchange(handed_status_, absl::OkStatus());
  }

 private:
  std::vector<GenotypeRecord> handed_;
  absl::Status handed_status_;
  bool pending_ = false;
  tbb::task_group tasks_;
};

bool IsMissingAllele(const std::string& a) { return a.empty() || a == "NA" || a == "na"; }

absl::Status ReadLongProfiles(LineReader& in, const std::vector<std::string>& header,
                              std::vector<GenotypeRecord>* out_records, Chunker* chunker) {
  std::vector<GenotypeRecord>& out = *out_records;
  auto file = std::make_shared<const std::string>(in.path());
  int c_sample = -1, c_locus = -1, c_a1 = -1, c_a2 = -1;
  for (int i = 0; i < static_cast<int>(header.size()); ++i) {
    std::string h = Lower(header[i]);
    if (h == "sample_id" || h == "sample") c_sample = i;
    else if (h == "locus" || h == "marker") c_locus = i;
    else if (h == "allele1") c_a1 = i;
    else if (h == "allele2") c_a2 = i;
  }
  if (c_sample < 0 || c_locus < 0 || c_a1 < 0 || c_a2 < 0) {
    // A spreadsheet saved with ';' as separator (the default where ',' is the decimal mark)
    // reads as one column: say so rather than list the columns.
    std::vector<std::string> by_semicolon;
    if (header.size() == 1 && SplitFields(header[0], ';', &by_semicolon) && by_semicolon.size() >= 2)
      return in.Error(absl::StrCat("the header '", header[0], "' is separated by ';'; expected ',' (a CSV file ",
                                   "sample_id,locus,allele1,allele2: save it again with ',' as separator)"));
    return in.Error("header must name columns sample_id,locus,allele1,allele2");
  }
  std::string line;
  std::vector<std::string> f;
  while (in.Next(&line)) {
    if (!SplitFields(line, ',', &f)) return in.Error("unterminated quote");
    if (f.size() != header.size())
      return in.Error(absl::StrCat("found ", f.size(), " fields; expected ", header.size(),
                                   " (sample_id,locus,allele1,allele2)"));
    GenotypeRecord r;
    r.sample_id = f[c_sample];
    r.locus = f[c_locus];
    r.file = file;
    r.line = in.line_no();
    if (r.sample_id.empty()) return in.Error("empty sample_id");
    if (r.locus.empty()) return in.Error("empty locus");
    KINSHIP_RETURN_IF_ERROR(internal::CheckText(in, "sample_id", r.sample_id));
    KINSHIP_RETURN_IF_ERROR(internal::CheckText(in, "locus", r.locus));
    bool m1 = IsMissingAllele(f[c_a1]), m2 = IsMissingAllele(f[c_a2]);
    if (m1 != m2)
      return in.Error(absl::StrCat("sample ", r.sample_id, " locus ", r.locus,
                                   " has one allele; expected two (a homozygote repeats its allele) or none"));
    if (!m1) {
      r.allele1 = f[c_a1];
      r.allele2 = f[c_a2];
    }
    KINSHIP_RETURN_IF_ERROR(chunker->Push(&out, std::move(r)));
  }
  KINSHIP_RETURN_IF_ERROR(chunker->Join());
  if (in.read_error()) return in.FileError("read error");
  return absl::OkStatus();
}

absl::Status ReadGeneMapper(LineReader& in, const std::vector<std::string>& header, Diagnostics* diag,
                            std::vector<GenotypeRecord>* out_records, Chunker* chunker) {
  std::vector<GenotypeRecord>& out = *out_records;
  auto file = std::make_shared<const std::string>(in.path());
  int c_sample = -1, c_marker = -1;
  std::vector<int> c_alleles;
  for (int i = 0; i < static_cast<int>(header.size()); ++i) {
    std::string h = Lower(header[i]);
    if (h == "sample name") c_sample = i;
    else if (h == "marker") c_marker = i;
    else if (h.rfind("allele ", 0) == 0) c_alleles.push_back(i);
  }
  if (c_sample < 0 || c_marker < 0 || c_alleles.size() < 2)
    return in.Error("GeneMapper header must name columns Sample Name, Marker, Allele 1, Allele 2");
  std::map<std::string, int> skipped;  // marker -> rows
  std::string line;
  std::vector<std::string> f;
  while (in.Next(&line)) {
    if (!SplitFields(line, '\t', &f)) return in.Error("unterminated quote");
    if (f.size() < header.size()) f.resize(header.size());  // exports drop trailing empty cells
    if (f.size() > header.size())
      return in.Error(absl::StrCat("found ", f.size(), " fields; expected at most ", header.size()));
    const std::string& sample = f[c_sample];
    const std::string& marker = f[c_marker];
    if (sample.empty()) return in.Error("empty Sample Name");
    KINSHIP_RETURN_IF_ERROR(internal::CheckText(in, "Sample Name", sample));
    if (marker.empty()) return in.Error(absl::StrCat("sample ", sample, ": empty Marker"));
    KINSHIP_RETURN_IF_ERROR(internal::CheckText(in, "Marker", marker));
    if (IsSexOrYMarker(marker) && !IsAmelogenin(marker)) {  // Amelogenin gives the sex: kept
      ++skipped[marker];
      continue;
    }
    std::vector<std::string> alleles;
    for (int c : c_alleles)
      if (!IsMissingAllele(f[c])) alleles.push_back(f[c]);
    if (alleles.size() > 2)
      return in.Error(absl::StrCat("sample ", sample, " has ", alleles.size(), " alleles at ", marker, " (",
                                   absl::StrJoin(alleles, ","),
                                   "); expected at most 2: kinship needs single-source profiles"));
    GenotypeRecord r;
    r.sample_id = sample;
    r.locus = marker;
    r.file = file;
    r.line = in.line_no();
    if (alleles.size() == 1) {
      r.allele1 = r.allele2 = alleles[0];
    } else if (alleles.size() == 2) {
      r.allele1 = alleles[0];
      r.allele2 = alleles[1];
    }
    KINSHIP_RETURN_IF_ERROR(chunker->Push(&out, std::move(r)));
  }
  KINSHIP_RETURN_IF_ERROR(chunker->Join());
  if (in.read_error()) return in.FileError("read error");
  for (const auto& [marker, n] : skipped)
    diag->Info(absl::StrCat(in.path(), ": marker ", marker, " skipped (Y marker, ", n, " rows)"));
  return absl::OkStatus();
}

}  // namespace

namespace {

absl::Status ReadProfilesParsed(const std::string& path, Diagnostics* diag, std::vector<GenotypeRecord>* out,
                                Chunker* chunker) {
  LineReader in;
  KINSHIP_RETURN_IF_ERROR(in.Open(path));
  std::string line;
  if (!in.Next(&line))
    return in.FileError(
        "empty file; expected a header sample_id,locus,allele1,allele2, a GeneMapper table or a CODIS CMF XML file");
  if (line.size() >= 2 && ((line[0] == '\xFF' && line[1] == '\xFE') || (line[0] == '\xFE' && line[1] == '\xFF')))
    return in.Error("the file is UTF-16 text; expected UTF-8 (or ASCII)");
  if (internal::LooksLikeXml(line)) {
    chunker->overlap = false;  // the CMF reader writes notes while it reads
    KINSHIP_RETURN_IF_ERROR(internal::ReadCmfRecords(
        in, line, diag, [&](GenotypeRecord&& r) { return chunker->Push(out, std::move(r)); }));
    in.RecordInput(diag);
    return absl::OkStatus();
  }
  std::error_code ec;
  const auto bytes = std::filesystem::file_size(path, ec);
  if (!ec) out->reserve(out->size() + std::min<size_t>(bytes / 24, chunker->chunk_rows ? chunker->chunk_rows : SIZE_MAX));
  std::vector<std::string> header;
  if (line.find('\t') != std::string::npos && Lower(line).find("sample name") != std::string::npos) {
    if (!SplitFields(line, '\t', &header)) return in.Error("unterminated quote");
    KINSHIP_RETURN_IF_ERROR(ReadGeneMapper(in, header, diag, out, chunker));
  } else {
    if (!SplitFields(line, ',', &header)) return in.Error("unterminated quote");
    KINSHIP_RETURN_IF_ERROR(ReadLongProfiles(in, header, out, chunker));
  }
  if (chunker->total == 0)
    return in.FileError("no genotypes; expected at least one data row after the header");
  in.RecordInput(diag);
  return absl::OkStatus();
}

// A batch still with the sink when the parser stopped comes first: in the serial order it was
// bound before the parser went on.
absl::Status ReadProfiles(const std::string& path, Diagnostics* diag, std::vector<GenotypeRecord>* out,
                          Chunker* chunker) {
  absl::Status st = ReadProfilesParsed(path, diag, out, chunker);
  KINSHIP_RETURN_IF_ERROR(chunker->Join());
  return st;
}

}  // namespace

absl::Status ReadProfileRecords(const std::string& path, Diagnostics* diag, std::vector<GenotypeRecord>* out) {
  Chunker whole;
  return ReadProfiles(path, diag, out, &whole);
}

absl::Status ReadProfileRecordsInChunks(const std::string& path, Diagnostics* diag, size_t chunk_rows,
                                        const std::function<absl::Status(std::vector<GenotypeRecord>*)>& sink) {
  std::vector<GenotypeRecord> batch;
  Chunker chunker;
  chunker.chunk_rows = std::max<size_t>(1, chunk_rows);
  chunker.sink = &sink;
  chunker.overlap = true;
  KINSHIP_RETURN_IF_ERROR(ReadProfiles(path, diag, &batch, &chunker));
  if (!batch.empty()) return sink(&batch);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<GenotypeRecord>> ReadProfileRecords(const std::string& path,
                                                              Diagnostics* diag) {
  std::vector<GenotypeRecord> out;
  KINSHIP_RETURN_IF_ERROR(ReadProfileRecords(path, diag, &out));
  out.shrink_to_fit();
  return out;
}

}  // namespace kinship
