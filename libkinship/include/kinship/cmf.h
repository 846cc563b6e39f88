// File: kinship/cmf.h
//
// CODIS CMF 3.2/3.3 XML (a `CODISImportFile` in the namespace `urn:CODISImportFile-schema`):
// the writer. Reading needs nothing of its own: ReadProfileRecords (kinship/io.h) recognises
// a CMF file by its content, and each record keeps its specimen's category
// (GenotypeRecord::category).
//
//   kinship::Diagnostics diag;
//   auto records = kinship::ReadProfileRecords("profiles.csv", &diag);
//   kinship::CmfHeader header;
//   header.source_lab = "VA0000000";
//   header.default_category = "Unidentified Person";  // records without a category
//   auto xml = kinship::FormatCmf(*records, header);   // the file's text, UTF-8
//
// The output is a function of the records and the header alone (no clock, no host name):
// the same input gives the same bytes.
#ifndef KINSHIP_CMF_H_
#define KINSHIP_CMF_H_

#include <cstdio>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "kinship/genotype_record.h"

namespace kinship {

// The XML namespace of a CMF file's elements.
inline constexpr char kCmfNamespace[] = "urn:CODISImportFile-schema";
// CODIS field limits (characters), checked by the writer.
inline constexpr int kCmfMaxSpecimenId = 24;
inline constexpr int kCmfMaxAlleleValue = 10;
// Longest locus name, category or header value the writer writes (bytes; CMF's longest free
// text, SPECIMENCOMMENT, has 255 characters).
inline constexpr int kCmfMaxText = 255;

// The header elements of a CMF file, in the order they are written. The defaults are
// placeholders (a lab sets its ORIs and user); SUBMITDATETIME is written as given, never
// taken from the clock, so that the output is reproducible.
struct CmfHeader {
  std::string header_version = "3.2";  // HEADERVERSION: "3.2" or "3.3"
  std::string message_type = "Import";  // MESSAGETYPE
  std::string destination_ori = "UNKNOWN";  // DESTINATIONORI
  std::string source_lab = "UNKNOWN";       // SOURCELAB
  std::string submit_by_user_id = "kinship";  // SUBMITBYUSERID; also each locus' READINGBY
  // SUBMITDATETIME (ISO 8601, e.g. 2026-12-03T09:00:00); also each locus' READINGDATETIME.
  std::string submit_datetime = "1970-01-01T00:00:00";
  std::string batch_id;  // BATCHID; empty: not written
  std::string kit;       // KIT; empty: not written
  // SPECIMENCATEGORY of samples whose records carry no category (CSV and GeneMapper
  // profiles). "Unknown" is not a CODIS category: set a real one (e.g. "Unidentified
  // Person", "Biological Mother") for a file CODIS is to import.
  std::string default_category = "Unknown";
};

// The records as a CMF file (UTF-8, two-space indentation, written through libxml2's
// xmlTextWriter, so text is escaped as XML requires). One SPECIMEN per sample, in order of
// first appearance, with its loci in record order; a homozygote is written as one ALLELE, a
// locus without alleles (untyped) is left out, and records of a sample that come apart in
// the list are gathered under its one SPECIMEN. Allele labels are written as they are
// (`9.3`, `X`, `OL`, `F`), so that reading the file back gives the same profiles.
// InvalidArgument naming the record (`path:line` when it came from a file) for: an empty
// sample id or locus, a sample id longer than kCmfMaxSpecimenId or an allele longer than
// kCmfMaxAlleleValue characters, one allele without its partner, a sample whose records
// carry different categories, text that is not printable UTF-8 (control characters, and the
// U+FFFE and U+FFFF XML forbids) or is longer than kCmfMaxText bytes, an
// empty default category when one is needed, a header_version other than 3.2 or 3.3.
absl::StatusOr<std::string> FormatCmf(const std::vector<GenotypeRecord>& records, const CmfHeader& header = {});

// FormatCmf written to `out`; DataLoss when the write fails.
absl::Status WriteCmf(const std::vector<GenotypeRecord>& records, const CmfHeader& header, std::FILE* out);

}  // namespace kinship

#endif  // KINSHIP_CMF_H_
