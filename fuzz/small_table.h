// Private to the fuzz harnesses: a small frequency table with loci the seed files use.
#ifndef KINSHIP_FUZZ_SMALL_TABLE_H_
#define KINSHIP_FUZZ_SMALL_TABLE_H_

#include <string>
#include <utility>

#include "kinship/locus.h"

namespace kinship::fuzz {

// D3S1358, vWA, TH01, FGA and CSF1PO, each with a few alleles (TH01 with 9.3, FGA with
// an off-ladder-looking 30.2), frequencies summing to 1.
inline AlleleFreqTable SmallTable() {
  AlleleFreqTable t;
  auto add = [&t](const char* name, std::initializer_list<std::pair<const char*, double>> alleles) {
    Locus l(name);
    for (const auto& [label, freq] : alleles) l.AddAllele(label, freq);
    t.AddLocus(std::move(l));
  };
  add("D3S1358", {{"14", 0.1}, {"15", 0.3}, {"16", 0.3}, {"17", 0.2}, {"18", 0.1}});
  add("vWA", {{"14", 0.1}, {"16", 0.2}, {"17", 0.3}, {"18", 0.4}});
  add("TH01", {{"6", 0.25}, {"7", 0.25}, {"9", 0.2}, {"9.3", 0.3}});
  add("FGA", {{"20", 0.2}, {"21", 0.2}, {"22", 0.3}, {"30.2", 0.3}});
  add("CSF1PO", {{"10", 0.3}, {"11", 0.3}, {"12", 0.4}});
  return t;
}

}  // namespace kinship::fuzz

#endif  // KINSHIP_FUZZ_SMALL_TABLE_H_
