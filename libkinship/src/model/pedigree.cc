#include "kinship/pedigree.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace kinship {

int Pedigree::Find(const std::string& id) const {
  auto it = index_.find(id);
  return it == index_.end() ? -1 : it->second;
}

int Pedigree::Add(Person p) {
  int i = size();
  index_.emplace(p.id, i);
  persons_.push_back(std::move(p));
  return i;
}

std::vector<int> Pedigree::MissingPersons() const {
  std::vector<int> out;
  for (int i = 0; i < size(); ++i)
    if (persons_[i].missing) out.push_back(i);
  return out;
}

absl::Status Pedigree::Validate() const {
  for (int i = 0; i < size(); ++i) {
    const Person& p = persons_[i];
    auto err = [&](const std::string& what) {
      return absl::FailedPreconditionError(absl::StrCat("family ", family_, ", member ", p.id, ": ", what));
    };
    if ((p.father < 0) != (p.mother < 0))
      return err("one parent given without the other; expected both (add an untyped parent) or none");
    if (p.father >= 0 && persons_[p.father].sex == Sex::kFemale)
      return err(absl::StrCat("father ", persons_[p.father].id, " has sex 2 (female)"));
    if (p.mother >= 0 && persons_[p.mother].sex == Sex::kMale)
      return err(absl::StrCat("mother ", persons_[p.mother].id, " has sex 1 (male)"));
    if (p.father >= 0 && p.father == p.mother) return err("father and mother are the same person");
  }
  // Cycle check: depth-first search over parent links (father first), with an explicit
  // stack: a line thousands of generations deep would overflow the call stack.
  std::vector<char> state(size(), 0);              // 0 new, 1 on the path, 2 done
  std::vector<std::pair<int, int>> path;           // (member, parents tried: 0, 1, 2)
  for (int root = 0; root < size(); ++root) {
    if (state[root] != 0) continue;
    state[root] = 1;
    path.emplace_back(root, 0);
    while (!path.empty()) {
      const int i = path.back().first;
      const int k = path.back().second++;
      if (k == 2) {
        state[i] = 2;
        path.pop_back();
        continue;
      }
      const int par = k == 0 ? persons_[i].father : persons_[i].mother;
      if (par < 0 || state[par] == 2) continue;
      if (state[par] == 1)
        return absl::FailedPreconditionError(
            absl::StrCat("family ", family_, ", member ", persons_[par].id, " is their own ancestor"));
      state[par] = 1;
      path.emplace_back(par, 0);
    }
  }
  return absl::OkStatus();
}

}  // namespace kinship
