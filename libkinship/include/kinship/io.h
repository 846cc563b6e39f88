// File: kinship/io.h
//
// Strict readers for the files a lab gives kinship. Every reader returns an
// `absl::Status` error naming the file, the line and what was expected
// (`path:line: what is wrong; expected ...`), with the codes: NotFound (cannot open),
// InvalidArgument (malformed content), FailedPrecondition (inputs inconsistent with
// each other), OutOfRange (past supported limits). Line endings may be LF or CRLF;
// a UTF-8 byte-order mark is ignored; blank lines and lines starting with `#` are
// skipped.
//
//   kinship::Diagnostics diag;
//   auto table = kinship::ReadAlleleFreqs("freqs.csv", &diag);
//   auto records = kinship::ReadProfileRecords("profiles.csv", &diag);
//   kinship::ProfileBuildOptions opts;
//   auto profiles = kinship::BuildProfileSet(*records, opts, &*table, &diag);
//   auto families = kinship::ReadPedigrees("families.csv", /*require_missing=*/true, &diag);
//
// Readers produce the model's types: AlleleFreqTable (kinship/locus.h), GenotypeRecord
// (kinship/genotype_record.h), LocusRates (kinship/mutation.h), Pedigree
// (kinship/pedigree.h). One source file per format under libkinship/src/io/.
#ifndef KINSHIP_IO_H_
#define KINSHIP_IO_H_

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "kinship/diagnostics.h"
#include "kinship/genotype_record.h"
#include "kinship/locus.h"
#include "kinship/mutation.h"
#include "kinship/pedigree.h"

namespace kinship {

// Reads an allele frequency table in either layout (detected from the header):
//  * long CSV, header `locus,allele,frequency` (one row per allele);
//  * wide CSV, as published tables are laid out: header `Allele,<locus>,<locus>...`,
//    one row per allele label with a frequency per locus (empty, `-` or 0 = allele not
//    seen at that locus), and an optional last row whose first cell is `N` giving the
//    number of individuals per locus (or `2N`: the number of alleles).
// Locus names are made canonical (see CanonicalLocusName); each renaming is noted.
// Frequencies must be numbers in [1e-9, 1] (kMinFrequency); a locus whose frequencies do
// not sum to 1 within 1e-3 is noted as a warning (what is done with it is the caller's choice:
// see CheckFrequencySums). Sample sizes must be
// integers from 3 (so that 5/(2N) < 1) to 1e9.
absl::StatusOr<AlleleFreqTable> ReadAlleleFreqs(const std::string& path,
                                                Diagnostics* diag);

// Loci of `table` whose frequencies sum to more than `tolerance` away from 1 (a table missing
// part of a locus, or a column read wrongly), as an error naming `path`, each such locus and
// its sum (InvalidArgument) unless `allow`, when each becomes a warning in `diag`.
absl::Status CheckFrequencySums(const AlleleFreqTable& table, const std::string& path, double tolerance, bool allow,
                                Diagnostics* diag);

// The table as a long CSV (`locus,allele,frequency`, loci and alleles in table order,
// frequencies with 17 significant digits so that they read back bit for bit; the rest allele
// is left out: it is derived from the others). Read back with ReadAlleleFreqs, it gives the
// same table.
std::string FormatAlleleFreqs(const AlleleFreqTable& table);

// Reads sample sizes (individuals per locus) into `table`. Accepted layouts:
// `locus,n_individuals` or `file,locus,n_individuals[,n_alleles]` (the layout of
// data/allele_freqs/sample_sizes.csv), of which only rows whose `file` equals
// `freq_file_name` (a base name) are used. Loci absent from the table are noted.
absl::Status ReadSampleSizes(const std::string& path,
                             const std::string& freq_file_name,
                             AlleleFreqTable* table, Diagnostics* diag);

// Reads profiles in either layout (detected from the header):
//  * long CSV `sample_id,locus,allele1,allele2` (a homozygote repeats its allele;
//    `allele1` and `allele2` both empty or both `NA` = untyped; a locus with no row is
//    untyped);
//  * a GeneMapper ID-X "genotypes table" export: tab-separated with columns
//    `Sample Name`, `Marker`, `Allele 1`, `Allele 2`, ... (further `Allele k` columns
//    allowed, other columns ignored). One allele means a homozygote, as GeneMapper
//    writes it; more than two alleles is an error naming the sample (kinship needs
//    single-source profiles). Amelogenin and Y markers are skipped with a note.
//  * a CODIS CMF 3.2/3.3 XML file (recognised by its content: a first line opening XML; the
//    root must be `CODISImportFile`, namespace `urn:CODISImportFile-schema` or none), read
//    through libxml2 with no network, no DTD and no entity expansion. Each SPECIMEN gives
//    records: SPECIMENID is the sample id, SPECIMENCATEGORY goes into
//    GenotypeRecord::category, each LOCUS (LOCUSNAME) one record with its ALLELE/ALLELEVALUE
//    labels (one ALLELE = a homozygote; none = untyped; more than two is an error naming the
//    specimen); the line of a record is its LOCUS element's. Y markers are skipped with a
//    note (Amelogenin is kept: the sex), a SPECIMEN without LOCUS is left out with a warning,
//    elements outside CMF under the root or a SPECIMEN are skipped with a note (inside a
//    LOCUS they are errors). Errors name the line: malformed XML (libxml2's message), a
//    wrong root, a SPECIMEN without SPECIMENID or SPECIMENCATEGORY, a LOCUS without
//    LOCUSNAME, an ALLELE without ALLELEVALUE, an empty or repeated value, a DOCTYPE.
// A header that is one column but splits on ';' is an error saying so (a spreadsheet saved
// with ';' as separator); UTF-16 text is an error.
absl::StatusOr<std::vector<GenotypeRecord>> ReadProfileRecords(
    const std::string& path, Diagnostics* diag);
// The same, appending to `out` (no intermediate copy for large batches). On error `out`
// may hold part of the file's records.
absl::Status ReadProfileRecords(const std::string& path, Diagnostics* diag,
                                std::vector<GenotypeRecord>* out);
// The batch size the pipelines pass to ReadProfileRecordsInChunks: 2^16 rows (11 MB of
// records; 2^20 rows cost 95 MB more memory and a fifth more time in page faults,
// docs/performance.md).
inline constexpr size_t kProfileBatchRows = size_t{1} << 16;
// The same as ReadProfileRecords, handing the records to `sink` in batches of at most
// `chunk_rows` (the batch may be moved from or cleared by the sink), so that a large file is
// never held whole. Errors
// from the sink stop the reading and are returned. Lines are parsed in parallel (a oneTBB
// pipeline) and the sink may run on any thread, while later lines are parsed, but one batch
// at a time and in file order: the records, the notes and the first error are those of
// reading line by line. CMF files are read serially.
absl::Status ReadProfileRecordsInChunks(const std::string& path, Diagnostics* diag, size_t chunk_rows,
                                        const std::function<absl::Status(std::vector<GenotypeRecord>*)>& sink);

// Per-locus mutation rates (kinship/mutation.h's LocusRates): CSV with a `locus` column and
// either a `rate` column (both sexes) or `rate_male` and `rate_female` columns
// (`paternal_rate` and `maternal_rate` are accepted as synonyms). Rates must be numbers in
// [0, 1). Locus names are made canonical; each renaming is noted.
absl::StatusOr<std::map<std::string, LocusRates>> ReadMutationRates(
    const std::string& path, Diagnostics* diag);

// Reads pedigrees: CSV `family,id,father,mother,sex[,sample_id][,missing]` (PED-style:
// father/mother `0` = unknown; sex 1 male, 2 female, 0 unknown; `sample_id` links a
// member to a profile, empty = untyped; `missing` is 1 for a missing person). Rows of a
// family may come in any order. Errors (InvalidArgument / FailedPrecondition, naming
// file, line, family and member): unknown parent ids, one parent given without the
// other, a person who is their own ancestor, a father of sex 2 or a mother of sex 1,
// a duplicate member, a sample linked twice in a file.
// When `require_missing` is true, a family with no missing person is an error.
absl::StatusOr<std::vector<Pedigree>> ReadPedigrees(const std::string& path,
                                                    bool require_missing,
                                                    Diagnostics* diag);

}  // namespace kinship

#endif  // KINSHIP_IO_H_
