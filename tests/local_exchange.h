// Ranks as threads of one process, for tests of kinship/exchange.h without MPI: each thread
// is a rank with its LocalExchange, and Transfer is a shared array of slots between two
// barriers (every rank sees every part, which the contract allows).
#ifndef KINSHIP_TESTS_LOCAL_EXCHANGE_H_
#define KINSHIP_TESTS_LOCAL_EXCHANGE_H_

#include <barrier>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "kinship/exchange.h"

namespace kinship::testing {

class LocalRanks {
 public:
  explicit LocalRanks(int n) : n_(n), slots_(n), barrier_(n) {}
  int size() const { return n_; }

 private:
  friend class LocalExchange;
  int n_;
  std::vector<Exchange::Part> slots_;
  std::barrier<> barrier_;
};

class LocalExchange : public Exchange {
 public:
  LocalExchange(LocalRanks* group, int rank) : group_(group), rank_(rank) {}
  int rank() const override { return rank_; }
  int size() const override { return group_->size(); }
  int transfers() const { return transfers_; }

 protected:
  absl::StatusOr<std::vector<Part>> Transfer(const Part& mine, bool /*to_root_only*/) override {
    ++transfers_;
    group_->slots_[rank_] = mine;
    group_->barrier_.arrive_and_wait();
    std::vector<Part> all = group_->slots_;
    group_->barrier_.arrive_and_wait();
    return all;
  }

 private:
  LocalRanks* group_;
  int rank_;
  int transfers_ = 0;
};

// Runs body(rank, exchange) on `n` threads, one per rank, and waits for them.
inline void RunRanks(int n, const std::function<void(int, LocalExchange*)>& body) {
  LocalRanks group(n);
  std::vector<std::unique_ptr<LocalExchange>> ex;
  for (int r = 0; r < n; ++r) ex.push_back(std::make_unique<LocalExchange>(&group, r));
  std::vector<std::thread> threads;
  for (int r = 0; r < n; ++r) threads.emplace_back([&, r] { body(r, ex[r].get()); });
  for (std::thread& t : threads) t.join();
}

}  // namespace kinship::testing

#endif  // KINSHIP_TESTS_LOCAL_EXCHANGE_H_
