// File: kinship/pedigree.h
//
// Pedigrees (families of reference persons and their missing persons). A Pedigree is a
// set of persons with parents; it may hold several disconnected families (one hypothesis
// can join a family and an unrelated victim). ReadPedigrees (kinship/io.h) reads them.
//
//   kinship::Diagnostics diag;
//   auto families = kinship::ReadPedigrees("families.csv", /*require_missing=*/true, &diag);
//   for (const kinship::Pedigree& ped : *families) {
//     int mp = ped.Find("MP");            // index of a member, -1 if absent
//     bool founder = ped.person(mp).father < 0;
//   }
#ifndef KINSHIP_PEDIGREE_H_
#define KINSHIP_PEDIGREE_H_

#include <string>
#include <unordered_map>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "kinship/diagnostics.h"
#include "kinship/locus.h"

namespace kinship {

struct Person {
  std::string id;
  int father = -1;  // index into the pedigree's persons; -1 = founder
  int mother = -1;
  Sex sex = Sex::kUnknown;
  std::string sample_id;  // profile of this person; empty = untyped
  bool missing = false;   // a missing person of the family
};

class Pedigree {
 public:
  Pedigree() = default;
  explicit Pedigree(std::string family) : family_(std::move(family)) {}

  const std::string& family() const { return family_; }
  int size() const { return static_cast<int>(persons_.size()); }
  const Person& person(int i) const { return persons_[i]; }
  const std::vector<Person>& persons() const { return persons_; }
  // Index of the person with this id, or -1.
  int Find(const std::string& id) const;
  // Appends a person whose parents (if any) are already indices. REQUIRES: new id.
  int Add(Person p);
  // Indices of the missing persons, in order.
  std::vector<int> MissingPersons() const;

  // Checks structure: both parents or none, a father is not female and a mother not
  // male, nobody is their own ancestor. FailedPrecondition naming family and member.
  absl::Status Validate() const;

 private:
  std::string family_;
  std::vector<Person> persons_;
  std::unordered_map<std::string, int> index_;
};

}  // namespace kinship

#endif  // KINSHIP_PEDIGREE_H_
