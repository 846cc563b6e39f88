#include "atomic_output.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace kinship::cli {

namespace {

// The registry of live temporary files, read by the signal handler. Paths are copied into
// preallocated buffers so that the handler needs neither malloc nor locks; a slot's state is
// an atomic int (lock-free, hence async-signal-safe): free, being written, or live.
constexpr int kMaxTemporaries = AtomicOutput::kMaxTemporaries;
constexpr int kSlotFree = 0, kSlotBusy = 1, kSlotLive = 2;
std::atomic<int> g_slot_state[kMaxTemporaries];
char g_slot_path[kMaxTemporaries][PATH_MAX];

constexpr int kCleanupSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE};

extern "C" void RemoveTemporariesAndReraise(int sig) {
  const int saved_errno = errno;
  for (int i = 0; i < kMaxTemporaries; ++i)
    if (g_slot_state[i].load() == kSlotLive) ::unlink(g_slot_path[i]);
  // End the way the signal would have ended us (the exit status shows the signal): default
  // action, then raise; the signal is blocked in this handler, so it is delivered on return.
  ::signal(sig, SIG_DFL);
  ::raise(sig);
  errno = saved_errno;
}

void InstallHandlers() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction action {};
    action.sa_handler = RemoveTemporariesAndReraise;
    sigemptyset(&action.sa_mask);
    for (int sig : kCleanupSignals) sigaddset(&action.sa_mask, sig);
    action.sa_flags = SA_RESTART;
    for (int sig : kCleanupSignals) {
      struct sigaction old {};
      // A signal ignored by whoever started us (nohup, a background job) stays ignored.
      if (::sigaction(sig, nullptr, &old) == 0 && old.sa_handler == SIG_IGN) continue;
      ::sigaction(sig, &action, nullptr);
    }
  });
}

// Blocks the cleanup signals in this thread for its lifetime, so that a temporary file cannot
// be created and then missed by the handler before it is registered. (A signal sent to the
// process can still be taken by another thread, e.g. an idle TBB worker, in those few
// microseconds; then the temporary remains, as after kill -9.)
class BlockCleanupSignals {
 public:
  BlockCleanupSignals() {
    sigset_t set;
    sigemptyset(&set);
    for (int sig : kCleanupSignals) sigaddset(&set, sig);
    ::pthread_sigmask(SIG_BLOCK, &set, &old_);
  }
  ~BlockCleanupSignals() { ::pthread_sigmask(SIG_SETMASK, &old_, nullptr); }

 private:
  sigset_t old_;
};

int RegisterTemporary(const std::string& path) {
  if (path.size() >= PATH_MAX) return -1;
  for (int i = 0; i < kMaxTemporaries; ++i) {
    int expected = kSlotFree;
    if (!g_slot_state[i].compare_exchange_strong(expected, kSlotBusy)) continue;
    std::memcpy(g_slot_path[i], path.c_str(), path.size() + 1);
    g_slot_state[i].store(kSlotLive);
    return i;
  }
  return -1;
}

void UnregisterTemporary(int slot) {
  if (slot >= 0) g_slot_state[slot].store(kSlotFree);
}

std::string ErrnoText(int err) { return std::strerror(err); }
// " (reason)", or nothing when errno was not set.
std::string Reason(int err) { return err == 0 ? "" : absl::StrCat(" (", ErrnoText(err), ")"); }

// The descriptor a symlink's folder and name stand for, when the folder is this process's
// /proc/PID/fd (/dev/stdout -> /proc/self/fd/1, /dev/fd -> /proc/self/fd); -1 otherwise.
// `*under_proc` says whether the folder is anywhere in /proc: such links name open
// descriptors (a pipe, a terminal, a file opened with >>), not files to replace.
int ProcDescriptor(const std::string& path, bool* under_proc) {
  *under_proc = false;
  char resolved[PATH_MAX];
  const std::filesystem::path p(path);
  const std::string dir = p.parent_path().string();
  if (!::realpath(dir.empty() ? "." : dir.c_str(), resolved)) return -1;
  const std::string real_dir = resolved;
  *under_proc = real_dir == "/proc" || real_dir.rfind("/proc/", 0) == 0;
  if (real_dir != absl::StrCat("/proc/", ::getpid(), "/fd")) return -1;
  const std::string name = p.filename().string();
  int fd = 0;
  if (name.empty() || name.size() > 9 || name.find_first_not_of("0123456789") != std::string::npos) return -1;
  for (char c : name) fd = fd * 10 + (c - '0');
  return fd;
}

// Where `path` leads: a regular file (existing or not) to replace through a temporary, or
// something else to write directly.
struct Destination {
  bool direct = false;
  std::string target;  // the file to replace (not direct)
  int dup_fd = -1;     // direct through one of our descriptors: write to a dup of it
};

absl::StatusOr<Destination> Resolve(const std::string& path) {
  std::string cur = path;
  for (int hop = 0; hop < 40; ++hop) {
    struct stat st;
    if (::lstat(cur.c_str(), &st) != 0) {
      const int err = errno;
      // Nothing there yet: a new file (or, after symlinks, the missing target of the last).
      if (err == ENOENT) return Destination{false, cur};
      return absl::NotFoundError(absl::StrCat(path, ": cannot examine the output path (", ErrnoText(err), ")"));
    }
    if (S_ISLNK(st.st_mode)) {
      bool under_proc = false;
      // Our own descriptor (/dev/stdout): a dup shares its offset and O_APPEND, as writing to
      // stdout would; reopening it would write from offset 0 over what is printed there.
      if (const int fd = ProcDescriptor(cur, &under_proc); fd >= 0) return Destination{true, path, fd};
      if (under_proc) return Destination{true, path};
      std::vector<char> buf(PATH_MAX);
      const ssize_t n = ::readlink(cur.c_str(), buf.data(), buf.size() - 1);
      if (n < 0)
        return absl::NotFoundError(absl::StrCat(path, ": cannot read symbolic link ", cur, " (", ErrnoText(errno), ")"));
      std::string link(buf.data(), static_cast<size_t>(n));
      if (link.empty() || link[0] != '/') {
        const std::string dir = std::filesystem::path(cur).parent_path().string();
        if (!dir.empty()) link = absl::StrCat(dir, "/", link);
      }
      cur = link;
      continue;
    }
    if (S_ISREG(st.st_mode)) return Destination{false, cur};
    if (S_ISDIR(st.st_mode))
      return absl::InvalidArgumentError(absl::StrCat(path, ": is a directory; expected a file name for the output"));
    return Destination{true, path};  // a device, a FIFO, a socket
  }
  return absl::InvalidArgumentError(absl::StrCat(path, ": too many levels of symbolic links"));
}

// Moves a descriptor above 0-2: with standard output closed, a new file would otherwise get
// descriptor 1 and receive whatever the command prints on stdout.
int AboveStdio(int fd) {
  if (fd < 0 || fd > 2) return fd;  // an error (errno kept) or already above
  const int moved = ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
  const int err = errno;
  ::close(fd);
  errno = err;
  return moved;
}

mode_t CreationMode() {
  // umask can only be read by setting it; the commands open their outputs from one thread
  // while no other thread creates files.
  const mode_t mask = ::umask(0);
  ::umask(mask);
  return 0666 & ~mask;
}

}  // namespace

AtomicOutput::~AtomicOutput() { Discard(); }

absl::Status AtomicOutput::Open(const std::string& path) {
  if (is_open()) return absl::InternalError(absl::StrCat(path, ": output opened twice"));
  path_ = path;
  if (path.empty()) return absl::InvalidArgumentError("empty output path; expected a file name or - for standard output");
  if (path == "-") {
    kind_ = Kind::kStdout;
    file_ = stdout;
    return absl::OkStatus();
  }
  auto dest = Resolve(path);
  if (!dest.ok()) return dest.status();
  if (dest->direct) {
    const int fd = dest->dup_fd >= 0 ? ::fcntl(dest->dup_fd, F_DUPFD_CLOEXEC, 3)
                                     : AboveStdio(::open(path.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC));
    if (fd < 0 || !(file_ = ::fdopen(fd, "wb"))) {
      const int err = errno;
      if (fd >= 0) ::close(fd);
      return absl::NotFoundError(absl::StrCat(path, ": cannot open output for writing (", ErrnoText(err), ")"));
    }
    kind_ = Kind::kDirect;
    return absl::OkStatus();
  }
  target_ = dest->target;
  const std::filesystem::path target(target_);
  const std::string dir = target.parent_path().string();
  std::string tmpl = absl::StrCat(dir.empty() ? "" : dir + "/", ".", target.filename().string(), ".XXXXXX");
  InstallHandlers();
  BlockCleanupSignals blocked;
  const int raw_fd = ::mkostemp(tmpl.data(), O_CLOEXEC);
  if (raw_fd < 0)
    return absl::NotFoundError(absl::StrCat(path, ": cannot create output file (", ErrnoText(errno), ")"));
  tmp_path_ = tmpl;
  slot_ = RegisterTemporary(tmp_path_);
  if (slot_ < 0) {
    ::close(raw_fd);
    ::unlink(tmp_path_.c_str());
    return absl::ResourceExhaustedError(
        absl::StrCat(path, ": too many output files, or a path longer than ", PATH_MAX, " bytes"));
  }
  const int fd = AboveStdio(raw_fd);
  if (fd < 0 || ::fchmod(fd, CreationMode()) != 0 || !(file_ = ::fdopen(fd, "wb"))) {
    const int err = errno;
    if (fd >= 0) ::close(fd);
    ::unlink(tmp_path_.c_str());
    UnregisterTemporary(slot_);
    slot_ = -1;
    return absl::NotFoundError(absl::StrCat(path, ": cannot create output file (", ErrnoText(err), ")"));
  }
  kind_ = Kind::kTemporary;
  return absl::OkStatus();
}

absl::Status AtomicOutput::Finish() {
  switch (kind_) {
    case Kind::kNone: return absl::OkStatus();
    case Kind::kStdout:
      errno = 0;
      if (std::fflush(stdout) == EOF || std::ferror(stdout))
        return absl::DataLossError(absl::StrCat("writing to standard output failed", Reason(errno)));
      return absl::OkStatus();
    case Kind::kDirect:
    case Kind::kTemporary: {
      if (file_ == nullptr) return absl::OkStatus();  // closed early (Close)
      // errno is meaningful only when fflush itself failed, not for an earlier failed write.
      errno = 0;
      bool ok = std::fflush(file_) != EOF && !std::ferror(file_);
      int err = ok ? 0 : errno;
      // fsync makes the data durable before any rename publishes it; a direct output (a
      // device, a FIFO) has nothing to sync.
      if (ok && kind_ == Kind::kTemporary && ::fsync(::fileno(file_)) != 0) ok = false, err = errno;
      if (std::fclose(file_) != 0 && ok) ok = false, err = errno;
      file_ = nullptr;
      if (!ok) return absl::DataLossError(absl::StrCat(path_, ": write failed", Reason(err)));
      return absl::OkStatus();
    }
  }
  return absl::OkStatus();
}

absl::Status AtomicOutput::Publish() {
  if (kind_ != Kind::kTemporary) return absl::OkStatus();
  if (std::rename(tmp_path_.c_str(), target_.c_str()) != 0)
    return absl::DataLossError(
        absl::StrCat(path_, ": cannot rename temporary file into place (", ErrnoText(errno), ")"));
  UnregisterTemporary(slot_);  // after the rename: the name no longer exists to be removed
  slot_ = -1;
  kind_ = Kind::kNone;
  return absl::OkStatus();
}

void AtomicOutput::Discard() {
  if (file_ && kind_ != Kind::kStdout) std::fclose(file_);
  file_ = nullptr;
  if (kind_ == Kind::kTemporary) {
    ::unlink(tmp_path_.c_str());
    UnregisterTemporary(slot_);  // after the unlink, so that a signal in between still removes it
    slot_ = -1;
  }
  kind_ = Kind::kNone;
}

absl::Status AtomicOutput::Commit() { return CommitOutputs({this}); }

absl::Status AtomicOutput::Close() {
  if (kind_ != Kind::kTemporary || file_ == nullptr) return absl::OkStatus();
  return Finish();
}

absl::Status CommitOutputs(std::initializer_list<AtomicOutput*> outputs) {
  return CommitOutputs(std::vector<AtomicOutput*>(outputs));
}

absl::Status CommitOutputs(const std::vector<AtomicOutput*>& outputs) {
  for (AtomicOutput* o : outputs) {
    if (absl::Status st = o->Finish(); !st.ok()) {
      for (AtomicOutput* d : outputs) d->Discard();
      return st;
    }
  }
  // Every byte is on disk under its temporary name. Only the renames remain: each is atomic,
  // but together they are not, so a failure here (rare: the folder changed under us) leaves
  // the earlier outputs replaced; the error says which.
  std::vector<std::string> replaced, folders;
  for (AtomicOutput* o : outputs) {
    const bool temporary = o->kind_ == AtomicOutput::Kind::kTemporary;
    const std::string target = o->target_;
    if (absl::Status st = o->Publish(); !st.ok()) {
      for (AtomicOutput* d : outputs) d->Discard();
      if (replaced.empty()) return st;
      return absl::DataLossError(absl::StrCat(st.message(), "; already replaced: ", absl::StrJoin(replaced, ", ")));
    }
    if (!temporary) continue;
    replaced.push_back(o->path_);
    const std::string dir = std::filesystem::path(target).parent_path().string();
    folders.push_back(dir.empty() ? "." : dir);
  }
  // Make the new names durable too. Best effort: the data is already synced, and some file
  // systems refuse fsync on a folder.
  for (const std::string& dir : folders) {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) continue;
    ::fsync(fd);
    ::close(fd);
  }
  return absl::OkStatus();
}

}  // namespace kinship::cli
