// Private to the fuzz harnesses: the fuzz input as a file that the readers can open.
//
// The readers take paths, so each harness writes its input to one in-memory file
// (memfd_create) per process, reused for every execution, and hands the readers its
// /proc/self/fd path. Nothing touches the disk, and the readers run unchanged: the
// harnesses test the same code path as the CLI, including opening the file.
#ifndef KINSHIP_FUZZ_FUZZ_INPUT_H_
#define KINSHIP_FUZZ_FUZZ_INPUT_H_

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace kinship::fuzz {

// Aborts (a finding for libFuzzer) when an invariant of a reader's result fails.
#define KINSHIP_FUZZ_CHECK(cond)                                                   \
  do {                                                                             \
    if (!(cond)) {                                                                 \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                \
    }                                                                              \
  } while (0)

class InputFile {
 public:
  InputFile() {
    fd_ = ::memfd_create("kinship-fuzz-input", 0);
    if (fd_ < 0) {
      std::perror("memfd_create");
      std::abort();
    }
    path_ = "/proc/self/fd/" + std::to_string(fd_);
  }
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  // Replaces the file's content with `data` and returns its path.
  const std::string& Write(const std::uint8_t* data, std::size_t size) {
    if (::ftruncate(fd_, 0) != 0) std::abort();
    std::size_t done = 0;
    while (done < size) {
      ssize_t n = ::pwrite(fd_, data + done, size - done, static_cast<off_t>(done));
      if (n <= 0) std::abort();
      done += static_cast<std::size_t>(n);
    }
    return path_;
  }

 private:
  int fd_ = -1;
  std::string path_;
};

// The one input file of this process.
inline InputFile& Input() {
  static InputFile* file = new InputFile();
  return *file;
}

}  // namespace kinship::fuzz

#endif  // KINSHIP_FUZZ_FUZZ_INPUT_H_
