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

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace kinship {

enum class NoteLevel { kInfo, kWarning };

struct Note {
  NoteLevel level;
  std::string message;
};

// One input file as a reader read it: the SHA-256 of its bytes, taken while reading (a reader
// that returns OK has read the file to its end), so that a report can name exactly what it
// read even when the input was a FIFO or a process substitution, which can be read only once.
struct InputRecord {
  std::string path;
  std::string sha256;  // lower-case hex
  std::uint64_t byte_ct = 0;
};

// An ordered log of notes, and of the inputs read. Not thread safe; the readers that fill it
// run serially.
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

  // Every reader of kinship/io.h (and ReadPedigrees) records the file it read in full.
  void RecordInput(InputRecord input) { inputs_.push_back(std::move(input)); }
  const std::vector<InputRecord>& inputs() const { return inputs_; }
  // The last record of `path`, or nullptr when no reader has read it to its end.
  const InputRecord* FindInput(const std::string& path) const {
    for (auto it = inputs_.rbegin(); it != inputs_.rend(); ++it)
      if (it->path == path) return &*it;
    return nullptr;
  }

 private:
  std::vector<Note> notes_;
  std::vector<InputRecord> inputs_;
};

}  // namespace kinship

#endif  // KINSHIP_DIAGNOSTICS_H_
