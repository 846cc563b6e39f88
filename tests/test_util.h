// Helpers shared by the tests: temporary folders for reader inputs, line-ending variants,
// and checks of error statuses.
#ifndef KINSHIP_TESTS_TEST_UTIL_H_
#define KINSHIP_TESTS_TEST_UTIL_H_

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include <catch2/catch.hpp>

#include "absl/status/status.h"

namespace kinship::testing {

// A fresh directory under the system temp directory, removed at scope exit.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "kinship_test") {
    namespace fs = std::filesystem;
    std::random_device rd;
    const auto ticks = std::chrono::steady_clock::now().time_since_epoch().count();
    for (int attempt = 0;; ++attempt) {
      path_ = fs::temp_directory_path() / (prefix + "_" + std::to_string(rd()) + "_" + std::to_string(ticks) + "_" +
                                           std::to_string(attempt));
      if (fs::create_directory(path_)) break;
    }
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // Writes `content` byte for byte and returns the file's path.
  std::string Write(const std::string& name, const std::string& content) const {
    const std::filesystem::path p = path_ / name;
    std::ofstream out(p, std::ios::binary);
    out << content;
    out.close();
    REQUIRE(out.good());
    return p.string();
  }
  std::string Path(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// `s` with every "\n" turned into "\r\n".
inline std::string ToCrlf(const std::string& s) {
  std::string r;
  for (char c : s) {
    if (c == '\n') r += '\r';
    r += c;
  }
  return r;
}

inline const std::string kBom = "\xEF\xBB\xBF";

// "path:line:" as error messages begin.
inline std::string At(const std::string& path, int line) { return path + ":" + std::to_string(line) + ":"; }

// An error of `code` whose message contains `where` (e.g. At(path, 3)) and `hint`.
inline void CheckError(const absl::Status& status, absl::StatusCode code, const std::string& where,
                       const std::string& hint) {
  INFO("status: " << status.ToString());
  REQUIRE_FALSE(status.ok());
  CHECK(status.code() == code);
  CHECK_THAT(std::string(status.message()), Catch::Matchers::Contains(where));
  CHECK_THAT(std::string(status.message()), Catch::Matchers::Contains(hint));
}

}  // namespace kinship::testing

#endif  // KINSHIP_TESTS_TEST_UTIL_H_
