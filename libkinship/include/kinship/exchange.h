// File: kinship/exchange.h
//
// Ranks of one run: the same screen split over several processes (MPI ranks: the CLI's
// tools/kinship/mpi_exchange.cc), each told its rank and the number of ranks, exchanging byte
// strings at fixed points of the pipeline. The library itself knows no MPI: a caller that runs
// one process passes no Exchange; one that runs many implements Share over its transport.
//
// How kinship::Match uses it (docs/architecture.md, "The screen across ranks"): every rank
// reads all inputs (the frequency table, with its imputed alleles, and every note are then the
// same on every rank), computes the tables of its share of the families (family f of a chunk
// goes to rank f mod N), and the ranks exchange them, so every rank holds the tables of every
// candidate; each rank then screens its contiguous slice of the victims, and rank 0 gathers the
// slices' hits. Each victim is screened against every candidate in candidate order, as in one
// process, so the rows, the counts and every number of the report are the same bytes for any
// number of ranks and threads.
//
// Errors: Share is collective and carries each rank's status. A rank that fails (a bad input,
// a family past the limits, out of memory reported as a status) gives its error to the next
// Share, which the others meet at whatever exchange they are in; every rank then gets the error
// of the lowest failing rank ("rank R: ..." when R is not 0) and stops. Match calls Abandon
// with its error on the way out, so a rank that fails between exchanges still meets the others.
#ifndef KINSHIP_EXCHANGE_H_
#define KINSHIP_EXCHANGE_H_

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace kinship {

class Exchange {
 public:
  virtual ~Exchange() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;

  // Collective: every rank calls it, the same number of times, with its bytes or its error.
  // Without errors, returns the ranks' bytes in rank order: on every rank, or with
  // `to_root_only` on rank 0 only (the others get an empty vector). With an error on any
  // rank, returns on every rank the error of the lowest failing rank, its message prefixed
  // with "rank R: " when R is not 0; the exchange is then over (done() is true).
  absl::StatusOr<std::vector<std::string>> Share(const absl::StatusOr<std::string>& mine, bool to_root_only);

  // A rank's error on its way out: meets the others at their exchange (Share with the error)
  // unless the exchange is over, and returns the error every rank gets.
  absl::Status Abandon(const absl::Status& error);
  // Marks the exchange over (after the last Share of a run): Abandon no longer shares.
  void Finish() { done_ = true; }
  bool done() const { return done_; }
  // Bytes this rank has received from the others so far (for the run's summary).
  std::int64_t bytes_received() const { return bytes_received_; }

  // What a rank gives an exchange: its bytes, or its error (failed; the bytes then hold the
  // status code and message).
  struct Part {
    bool failed = false;
    std::string bytes;
  };

 protected:
  // The transport, collective. Returns one Part per rank, in rank order: when no rank failed,
  // every rank's bytes (with `to_root_only`, only rank 0 needs them: the others' parts may be
  // empty); when some rank failed, at least the part of the lowest failing rank, on every rank.
  virtual absl::StatusOr<std::vector<Part>> Transfer(const Part& mine, bool to_root_only) = 0;

 private:
  bool done_ = false;
  std::int64_t bytes_received_ = 0;
};

// Shares of `count` items (families) for `ranks` ranks: item i goes to the rank of its place
// in a fixed pseudo-random permutation of 0..count-1 (seeded by `seed`), places dealt round
// robin, so each rank gets count/ranks items (±1) and a periodic input (families whose shapes
// or sizes repeat every few rows, as a simulation's or a sorted file's) does not load one rank
// with the costly ones, as dealing items i mod ranks would. Each share ascending. Deterministic:
// the results never depend on the shares (the ranks' work is merged in item order).
std::vector<std::vector<size_t>> ShareOut(size_t count, int ranks, std::uint64_t seed);

// Byte strings of plain values and strings, for what ranks send each other (same machine
// type on every rank: native byte order, as MPI_BYTE carries it).
class ByteWriter {
 public:
  template <typename T>
  void Put(const T& x) {
    static_assert(std::is_trivially_copyable_v<T>);
    out_.append(reinterpret_cast<const char*>(&x), sizeof x);
  }
  void PutString(std::string_view s) {
    Put<std::uint64_t>(s.size());
    out_.append(s);
  }
  template <typename T>
  void PutVector(const std::vector<T>& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    Put<std::uint64_t>(v.size());
    out_.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
  }
  std::string Take() && { return std::move(out_); }

 private:
  std::string out_;
};

class ByteReader {
 public:
  explicit ByteReader(std::string_view in) : in_(in) {}
  template <typename T>
  T Get() {
    static_assert(std::is_trivially_copyable_v<T>);
    T x{};
    if (!Need(sizeof x)) return x;
    std::memcpy(&x, in_.data() + pos_, sizeof x);
    pos_ += sizeof x;
    return x;
  }
  std::string GetString() {
    const auto n = Get<std::uint64_t>();
    if (!Need(n)) return {};
    std::string s(in_.substr(pos_, n));
    pos_ += n;
    return s;
  }
  template <typename T>
  std::vector<T> GetVector() {
    const auto n = Get<std::uint64_t>();
    if (n > (in_.size() - pos_) / sizeof(T)) return Fail<std::vector<T>>();
    std::vector<T> v(n);
    if (n) std::memcpy(v.data(), in_.data() + pos_, n * sizeof(T));
    pos_ += n * sizeof(T);
    return v;
  }
  // Whether every read so far was within the bytes.
  bool ok() const { return ok_; }
  // Whether every read was within the bytes, and every byte was read.
  bool done() const { return ok_ && pos_ == in_.size(); }

 private:
  bool Need(std::uint64_t n) {
    if (n <= in_.size() - pos_) return true;
    ok_ = false;
    pos_ = in_.size();
    return false;
  }
  template <typename T>
  T Fail() {
    ok_ = false;
    pos_ = in_.size();
    return T{};
  }
  std::string_view in_;
  size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace kinship

#endif  // KINSHIP_EXCHANGE_H_
