// Output files of the kinship subcommands: all of a run's outputs are committed together
// or not at all, and nothing that is not a regular file is ever replaced.
//
//   AtomicOutput out, json;
//   if (auto st = out.Open(out_path); !st.ok()) return ...;   // "-": standard output
//   if (auto st = json.Open(json_path); !st.ok()) return ...;
//   std::fprintf(out.file(), ...);  std::fprintf(json.file(), ...);
//   if (auto st = CommitOutputs({&out, &json}); !st.ok()) return ...;  // both or neither
//
// Where each output goes (decided by Open):
//   - "-": standard output, written directly.
//   - a path that exists and is not a regular file once symlinks are followed (a device such
//     as /dev/null or /dev/full, a FIFO, /dev/stdout or any /dev/fd/N, /proc/.../fd/N): written
//     directly, without a temporary file and without rename, so the node stays what it is.
//   - otherwise (a regular file, a symlink to one, or nothing yet): a temporary created with
//     mkostemp ("." + name + ".XXXXXX", exclusive create, unpredictable name) in the folder of
//     the file that will be replaced, i.e. beside a symlink's target, and renamed onto that
//     target (never onto the symlink, which stays a symlink). The file gets mode
//     0666 & ~umask, as a plain create would, not mkstemp's 0600.
//   - a directory: an error.
// Temporary files are listed in a process-wide registry; SIGINT, SIGTERM, SIGHUP and SIGPIPE
// remove them (async-signal-safe unlink) and then end the process by the same signal, with its
// default action. SIGKILL cannot be caught: after kill -9 a temporary ".NAME.XXXXXX" may
// remain beside the destination (the destination itself is never partial).
//
// Not thread-safe: a command opens, writes and commits its outputs from one thread.
#ifndef KINSHIP_TOOLS_ATOMIC_OUTPUT_H_
#define KINSHIP_TOOLS_ATOMIC_OUTPUT_H_

#include <cstdio>
#include <initializer_list>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace kinship::cli {

class AtomicOutput {
 public:
  AtomicOutput() = default;
  AtomicOutput(const AtomicOutput&) = delete;
  AtomicOutput& operator=(const AtomicOutput&) = delete;
  // Uncommitted, closes the file and removes its temporary (the destination is untouched).
  ~AtomicOutput();

  // Opens `path` for writing as described above. Errors (NotFound, InvalidArgument for a
  // directory or an empty path, ...) name the path and the reason.
  absl::Status Open(const std::string& path);
  bool is_open() const { return kind_ != Kind::kNone; }
  std::FILE* file() { return file_; }
  // The same as CommitOutputs({this}).
  absl::Status Commit();
  // Flushes, fsyncs and closes a temporary now (its descriptor freed), still uncommitted: the
  // commit then only renames it. For many outputs written one after another (case reports),
  // so that they do not hold a descriptor each. DataLoss naming the path on failure. Other
  // kinds of output are left open (nothing to do).
  absl::Status Close();
  // At most this many temporaries exist at once (the registry that removes them on a signal
  // is preallocated, to be async-signal-safe).
  static constexpr int kMaxTemporaries = 1100;

 private:
  friend absl::Status CommitOutputs(const std::vector<AtomicOutput*>& outputs);
  enum class Kind { kNone, kStdout, kDirect, kTemporary };
  // Flushes, fsyncs (temporaries) and closes; DataLoss naming the path on failure.
  absl::Status Finish();
  // Renames the temporary onto its target (nothing for direct outputs).
  absl::Status Publish();
  // Closes the file and removes the temporary, if any.
  void Discard();

  Kind kind_ = Kind::kNone;
  std::string path_;      // as given, for messages
  std::string target_;    // the regular file replaced: path_, or the end of its symlinks
  std::string tmp_path_;  // kTemporary only
  std::FILE* file_ = nullptr;
  int slot_ = -1;         // registry slot of tmp_path_ (signal-time removal)
};

// Commits the opened outputs among `outputs` (unopened ones are skipped) together: first
// every output is flushed, every temporary fsynced and closed; if any of that fails (disk
// full, closed standard output, a device refusing the write), every temporary is removed and
// no destination is touched. Then the temporaries are renamed onto their targets, in order.
// A rename can still fail after an earlier one succeeded (the folder made read-only or
// removed by someone else meanwhile): all data is already synced then, and the error names
// the outputs already replaced. Output written directly (stdout, devices, FIFOs) cannot be
// taken back once the writer has passed it on.
absl::Status CommitOutputs(std::initializer_list<AtomicOutput*> outputs);
// The same for a list built at run time (a report folder's pages).
absl::Status CommitOutputs(const std::vector<AtomicOutput*>& outputs);

}  // namespace kinship::cli

#endif  // KINSHIP_TOOLS_ATOMIC_OUTPUT_H_
