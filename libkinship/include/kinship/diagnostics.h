// File: kinship/diagnostics.h
//
// Notes that readers and model builders leave for the user: every applied locus
// alias, every imputed allele frequency, every skipped locus or row, every table
// whose frequencies do not sum to 1. Nothing the user gave is changed or dropped
// without a note here; the CLI prints them on stderr and copies them into reports.
//
//   kinship::Diagnostics diag;
//   auto table = kinship::ReadAlleleFreqs("freqs.csv", &diag);
//   for (const auto& note : diag.notes()) std::cerr << note.message << "\n";
#ifndef KINSHIP_DIAGNOSTICS_H_
#define KINSHIP_DIAGNOSTICS_H_

#include <string>
#include <vector>

namespace kinship {

enum class NoteLevel { kInfo, kWarning };

struct Note {
  NoteLevel level;
  std::string message;
};

// An ordered log of notes. Not thread safe; the readers that fill it run serially.
class Diagnostics {
 public:
  void Info(std::string message) {
    notes_.push_back({NoteLevel::kInfo, std::move(message)});
  }
  void Warn(std::string message) {
    notes_.push_back({NoteLevel::kWarning, std::move(message)});
  }
  const std::vector<Note>& notes() const { return notes_; }
  bool empty() const { return notes_.empty(); }

 private:
  std::vector<Note> notes_;
};

}  // namespace kinship

#endif  // KINSHIP_DIAGNOSTICS_H_
