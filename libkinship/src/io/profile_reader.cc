// Readers for profile files: long CSV and GeneMapper ID-X genotype tables; CODIS CMF XML is
// detected here and read by io/cmf.cc.
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <utility>

#include <tbb/parallel_pipeline.h>
#include <tbb/task_arena.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "internal/csv.h"
#include "internal/status_macros.h"
#include "io/cmf_reader.h"
#include "kinship/io.h"

namespace kinship {

using internal::LineError;
using internal::LineReader;
using internal::Lower;
using internal::SplitFields;

namespace {

// Receives batches of records while a file is read (see ReadProfileRecordsInChunks).
struct Chunker {
  size_t chunk_rows = 0;  // 0: no chunking
  const std::function<absl::Status(std::vector<GenotypeRecord>*)>* sink = nullptr;
  size_t total = 0;
  absl::Status Push(std::vector<GenotypeRecord>* out, GenotypeRecord&& r) {
    out->push_back(std::move(r));
    ++total;
    if (chunk_rows > 0 && out->size() >= chunk_rows) {
      absl::Status st = (*sink)(out);
      out->clear();
      return st;
    }
    return absl::OkStatus();
  }
};

bool IsMissingAllele(const std::string& a) { return a.empty() || a == "NA" || a == "na"; }

// The line-oriented layouts are read in three stages, as a oneTBB pipeline: lines are read
// (and checksummed) in file order, batches of lines are parsed into records in parallel, and
// the records go to the Chunker (and so to the sink: binding) in file order. A line's error
// ends its batch's records at that line and stops the reading; since the last stage takes the
// batches in order, the records pushed, the sink's calls and the first error are those of
// reading the file line by line, whatever the threads.
struct LineBatch {
  std::vector<std::string> lines;
  std::vector<int> line_nos;
  std::vector<GenotypeRecord> records;  // of the lines before `error`'s, in order
  absl::Status error;
  std::map<std::string, int> skipped;  // GeneMapper: marker -> rows left out
};

constexpr size_t kLinesPerBatch = 4096;

// Parses one data line into `r`; returns false (with nothing in `r`) for a row left out.
using LineParser = std::function<absl::StatusOr<bool>(const std::string& line, int line_no, GenotypeRecord* r,
                                                      std::vector<std::string>* fields, LineBatch* batch)>;

absl::Status ReadLines(LineReader& in, const LineParser& parse, std::vector<GenotypeRecord>* out, Chunker* chunker,
                       std::map<std::string, int>* skipped) {
  std::atomic<bool> stop{false};
  absl::Status first_error;
  const size_t tokens = 2 * static_cast<size_t>(std::max(1, tbb::this_task_arena::max_concurrency()));
  tbb::parallel_pipeline(
      tokens,
      tbb::make_filter<void, std::shared_ptr<LineBatch>>(
          tbb::filter_mode::serial_in_order,
          [&](tbb::flow_control& fc) -> std::shared_ptr<LineBatch> {
            if (stop.load(std::memory_order_relaxed)) {
              fc.stop();
              return nullptr;
            }
            auto batch = std::make_shared<LineBatch>();  // shared: freed if a stage throws
            batch->lines.reserve(kLinesPerBatch);
            batch->line_nos.reserve(kLinesPerBatch);
            std::string line;
            while (batch->lines.size() < kLinesPerBatch && in.Next(&line)) {
              batch->lines.push_back(std::move(line));
              batch->line_nos.push_back(in.line_no());
            }
            if (batch->lines.empty()) {
              fc.stop();
              return nullptr;
            }
            return batch;
          }) &
          tbb::make_filter<std::shared_ptr<LineBatch>, std::shared_ptr<LineBatch>>(
              tbb::filter_mode::parallel,
              [&](std::shared_ptr<LineBatch> batch) -> std::shared_ptr<LineBatch> {
                batch->records.reserve(batch->lines.size());
                std::vector<std::string> fields;
                for (size_t i = 0; i < batch->lines.size(); ++i) {
                  GenotypeRecord r;
                  absl::StatusOr<bool> kept = parse(batch->lines[i], batch->line_nos[i], &r, &fields, batch.get());
                  if (!kept.ok()) {
                    batch->error = kept.status();
                    break;
                  }
                  if (*kept) batch->records.push_back(std::move(r));
                }
                batch->lines = {};
                return batch;
              }) &
          tbb::make_filter<std::shared_ptr<LineBatch>, void>(tbb::filter_mode::serial_in_order,
                                                              [&](std::shared_ptr<LineBatch> batch) {
            if (!first_error.ok()) return;  // a batch after the first error: dropped
            for (auto& [marker, n] : batch->skipped) (*skipped)[marker] += n;
            for (GenotypeRecord& r : batch->records) {
              absl::Status st = chunker->Push(out, std::move(r));
              if (!st.ok()) {
                first_error = std::move(st);
                break;
              }
            }
            if (first_error.ok() && !batch->error.ok()) first_error = std::move(batch->error);
            if (!first_error.ok()) stop.store(true, std::memory_order_relaxed);
          }));
  return first_error;
}

absl::Status ReadLongProfiles(LineReader& in, const std::vector<std::string>& header,
                              std::vector<GenotypeRecord>* out_records, Chunker* chunker) {
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
  const std::string& path = in.path();
  const size_t columns = header.size();
  auto parse = [&](const std::string& line, int line_no, GenotypeRecord* r, std::vector<std::string>* fields,
                   LineBatch*) -> absl::StatusOr<bool> {
    std::vector<std::string>& f = *fields;
    if (!SplitFields(line, ',', &f)) return LineError(path, line_no, "unterminated quote");
    if (f.size() != columns)
      return LineError(path, line_no,
                       absl::StrCat("found ", f.size(), " fields; expected ", columns,
                                    " (sample_id,locus,allele1,allele2)"));
    r->sample_id = f[c_sample];
    r->locus = f[c_locus];
    r->file = file;
    r->line = line_no;
    if (r->sample_id.empty()) return LineError(path, line_no, "empty sample_id");
    if (r->locus.empty()) return LineError(path, line_no, "empty locus");
    KINSHIP_RETURN_IF_ERROR(internal::CheckText(path, line_no, "sample_id", r->sample_id));
    KINSHIP_RETURN_IF_ERROR(internal::CheckText(path, line_no, "locus", r->locus));
    bool m1 = IsMissingAllele(f[c_a1]), m2 = IsMissingAllele(f[c_a2]);
    if (m1 != m2)
      return LineError(path, line_no,
                       absl::StrCat("sample ", r->sample_id, " locus ", r->locus,
                                    " has one allele; expected two (a homozygote repeats its allele) or none"));
    if (!m1) {
      r->allele1 = f[c_a1];
      r->allele2 = f[c_a2];
    }
    return true;
  };
  std::map<std::string, int> skipped;
  KINSHIP_RETURN_IF_ERROR(ReadLines(in, parse, out_records, chunker, &skipped));
  if (in.read_error()) return in.FileError("read error");
  return absl::OkStatus();
}

absl::Status ReadGeneMapper(LineReader& in, const std::vector<std::string>& header, Diagnostics* diag,
                            std::vector<GenotypeRecord>* out_records, Chunker* chunker) {
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
  const std::string& path = in.path();
  const size_t columns = header.size();
  auto parse = [&](const std::string& line, int line_no, GenotypeRecord* r, std::vector<std::string>* fields,
                   LineBatch* batch) -> absl::StatusOr<bool> {
    std::vector<std::string>& f = *fields;
    if (!SplitFields(line, '\t', &f)) return LineError(path, line_no, "unterminated quote");
    if (f.size() < columns) f.resize(columns);  // exports drop trailing empty cells
    if (f.size() > columns)
      return LineError(path, line_no, absl::StrCat("found ", f.size(), " fields; expected at most ", columns));
    const std::string& sample = f[c_sample];
    const std::string& marker = f[c_marker];
    if (sample.empty()) return LineError(path, line_no, "empty Sample Name");
    KINSHIP_RETURN_IF_ERROR(internal::CheckText(path, line_no, "Sample Name", sample));
    if (marker.empty()) return LineError(path, line_no, absl::StrCat("sample ", sample, ": empty Marker"));
    KINSHIP_RETURN_IF_ERROR(internal::CheckText(path, line_no, "Marker", marker));
    if (IsSexOrYMarker(marker) && !IsAmelogenin(marker)) {  // Amelogenin gives the sex: kept
      ++batch->skipped[marker];
      return false;
    }
    std::vector<std::string> alleles;
    for (int c : c_alleles)
      if (!IsMissingAllele(f[c])) alleles.push_back(f[c]);
    if (alleles.size() > 2)
      return LineError(path, line_no,
                       absl::StrCat("sample ", sample, " has ", alleles.size(), " alleles at ", marker, " (",
                                    absl::StrJoin(alleles, ","),
                                    "); expected at most 2: kinship needs single-source profiles"));
    r->sample_id = sample;
    r->locus = marker;
    r->file = file;
    r->line = line_no;
    if (alleles.size() == 1) {
      r->allele1 = r->allele2 = alleles[0];
    } else if (alleles.size() == 2) {
      r->allele1 = alleles[0];
      r->allele2 = alleles[1];
    }
    return true;
  };
  std::map<std::string, int> skipped;  // marker -> rows
  KINSHIP_RETURN_IF_ERROR(ReadLines(in, parse, out_records, chunker, &skipped));
  if (in.read_error()) return in.FileError("read error");
  for (const auto& [marker, n] : skipped)
    diag->Info(absl::StrCat(in.path(), ": marker ", marker, " skipped (Y marker, ", n, " rows)"));
  return absl::OkStatus();
}

}  // namespace

namespace {

absl::Status ReadProfiles(const std::string& path, Diagnostics* diag, std::vector<GenotypeRecord>* out,
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
