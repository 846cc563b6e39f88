// Private: the CODIS CMF reader behind ReadProfileRecords (profile_reader.cc), which
// detects the layout from a file's first line and hands the file over.
#ifndef KINSHIP_IO_CMF_READER_H_
#define KINSHIP_IO_CMF_READER_H_

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "internal/csv.h"
#include "kinship/diagnostics.h"
#include "kinship/genotype_record.h"

namespace kinship::internal {

// Whether the first line of a profile file (as LineReader gives it: no BOM, no CR) opens an
// XML document (`<?xml ...`, `<CODISImportFile ...`, `<!-- ...`).
bool LooksLikeXml(const std::string& first_line);

// Reads the CMF file open in `in`, whose first non-blank line, `first_line`, has been read
// (the rest is read raw, through the reader's checksum). Each genotype goes to `emit` as it
// is read, in file order; an error from `emit` stops the reading and is returned. Errors
// (InvalidArgument) name the file and line: malformed XML (libxml2's message), a root that is
// not CODISImportFile, a missing or repeated SPECIMENID / SPECIMENCATEGORY / LOCUSNAME /
// ALLELEVALUE, an empty value, more than two alleles at a locus, a DOCTYPE (never read: no
// entity is expanded, nothing outside the file is read).
absl::Status ReadCmfRecords(LineReader& in, const std::string& first_line, Diagnostics* diag,
                            const std::function<absl::Status(GenotypeRecord&&)>& emit);

}  // namespace kinship::internal

#endif  // KINSHIP_IO_CMF_READER_H_
