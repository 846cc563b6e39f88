// Ranks of one run (kinship/exchange.h): statuses carried through the transport's exchange.
#include "kinship/exchange.h"

#include <algorithm>
#include <numeric>

#include "absl/strings/str_cat.h"

namespace kinship {

absl::StatusOr<std::vector<std::string>> Exchange::Share(const absl::StatusOr<std::string>& mine,
                                                         bool to_root_only) {
  if (done_) return absl::InternalError("a rank exchange after the run's last one (a bug)");
  Part part;
  if (mine.ok()) {
    part.bytes = *mine;
  } else {
    part.failed = true;
    ByteWriter w;
    w.Put<std::int32_t>(static_cast<std::int32_t>(mine.status().code()));
    w.PutString(std::string(mine.status().message()));
    part.bytes = std::move(w).Take();
  }
  absl::StatusOr<std::vector<Part>> parts = Transfer(part, to_root_only);
  if (!parts.ok()) {
    done_ = true;
    return parts.status();
  }
  for (size_t r = 0; r < parts->size(); ++r) {
    const Part& p = (*parts)[r];
    if (!p.failed) continue;
    done_ = true;
    ByteReader in(p.bytes);
    const auto code = static_cast<absl::StatusCode>(in.Get<std::int32_t>());
    const std::string message = in.GetString();
    if (!in.done() || code == absl::StatusCode::kOk)
      return absl::InternalError(absl::StrCat("rank ", r, " failed with an unreadable error"));
    return absl::Status(code, r == 0 ? message : absl::StrCat("rank ", r, ": ", message));
  }
  for (size_t r = 0; r < parts->size(); ++r)
    if (static_cast<int>(r) != rank()) bytes_received_ += static_cast<std::int64_t>((*parts)[r].bytes.size());
  std::vector<std::string> out;
  if (to_root_only && rank() != 0) return out;
  out.reserve(parts->size());
  for (Part& p : *parts) out.push_back(std::move(p.bytes));
  return out;
}

std::vector<std::vector<size_t>> ShareOut(size_t count, int ranks, std::uint64_t seed) {
  std::vector<size_t> order(count);
  std::iota(order.begin(), order.end(), size_t{0});
  // Fisher-Yates with splitmix64 (portable: the same permutation on every machine).
  std::uint64_t state = seed;
  auto next = [&state] {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  };
  for (size_t i = count; i > 1; --i) std::swap(order[i - 1], order[next() % i]);
  std::vector<std::vector<size_t>> shares(std::max(ranks, 1));
  for (size_t p = 0; p < count; ++p) shares[p % shares.size()].push_back(order[p]);
  for (std::vector<size_t>& s : shares) std::sort(s.begin(), s.end());
  return shares;
}

absl::Status Exchange::Abandon(const absl::Status& error) {
  if (done_ || error.ok()) return error;
  absl::StatusOr<std::vector<std::string>> shared = Share(error, /*to_root_only=*/false);
  done_ = true;
  return shared.ok() ? error : shared.status();
}

}  // namespace kinship
