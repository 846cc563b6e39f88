// File: kinship/genotype_record.h
//
// A genotype as written in a profile file: the readers of kinship/io.h produce these
// records, and BuildProfileSet (kinship/profile.h) binds them to a frequency table.
//
//   kinship::GenotypeRecord r;
//   r.sample_id = "P001";
//   r.locus = "TH01";
//   r.allele1 = "6";
//   r.allele2 = "9.3";
//   std::vector<kinship::GenotypeRecord> records = {r};
//   auto profiles = kinship::BuildProfileSet(records, opts, &table, &diag);
#ifndef KINSHIP_GENOTYPE_RECORD_H_
#define KINSHIP_GENOTYPE_RECORD_H_

#include <memory>
#include <string>

namespace kinship {

// One genotype as written in a profile file, before it is bound to a frequency table.
// Empty allele strings mean "not typed".
struct GenotypeRecord {
  std::string sample_id;
  std::string locus;    // as written
  std::string allele1;  // as written (trimmed)
  std::string allele2;
  std::shared_ptr<const std::string> file;  // the file's path, shared by its records
  int line = 0;
  // The specimen category of a CODIS CMF file (SPECIMENCATEGORY, e.g. "Unidentified Person"),
  // shared by the records of that category; null for the layouts that have none (CSV,
  // GeneMapper). See ProfileSource::categories (kinship/setup.h) for choosing samples by it.
  std::shared_ptr<const std::string> category;
  // "path:line", for messages.
  std::string where() const { return (file ? *file : std::string("?")) + ":" + std::to_string(line); }
};


}  // namespace kinship

#endif  // KINSHIP_GENOTYPE_RECORD_H_
