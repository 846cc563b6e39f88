// Fuzzes ReadPairs and ReadCases (src/io/query_reader.cc), the readers of the pairs file
// (`lr --pairs`) and the cases file (`lr --cases`), with both on every input. What they
// accept has every required field non-empty and names the file in `where`.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_input.h"
#include "kinship/lr.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string& path = kinship::fuzz::Input().Write(data, size);
  if (auto pairs = kinship::ReadPairs(path); pairs.ok())
    for (const kinship::PairQuery& q : *pairs) {
      KINSHIP_FUZZ_CHECK(!q.id1.empty() && !q.id2.empty() && !q.relationship.empty());
      KINSHIP_FUZZ_CHECK(q.where.rfind(path + ":", 0) == 0);
    }
  if (auto cases = kinship::ReadCases(path); cases.ok())
    for (const kinship::CaseQuery& q : *cases) {
      KINSHIP_FUZZ_CHECK(!q.family.empty() && !q.missing_id.empty() && !q.sample_id.empty());
      KINSHIP_FUZZ_CHECK(q.where.rfind(path + ":", 0) == 0);
    }
  return 0;
}
