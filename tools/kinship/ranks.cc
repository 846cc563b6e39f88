// MPI ranks (ranks.h). Without KINSHIP_WITH_MPI: one process.
#include "ranks.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#ifdef KINSHIP_WITH_MPI
#include <mpi.h>
#endif

namespace kinship::cli {

#ifdef KINSHIP_WITH_MPI
namespace {

// Exchange over MPI_COMM_WORLD (kinship/exchange.h): every rank's (size, failed) first
// (MPI_Allgather), then the bytes: on failure the lowest failing rank's error to all (a
// broadcast); else every rank's bytes to all (a broadcast per rank) or to rank 0 (sends).
// Bytes go in pieces of at most 1 GiB (MPI counts are int).
class MpiExchange : public Exchange {
 public:
  MpiExchange(int rank, int size) : rank_(rank), size_(size) {}
  int rank() const override { return rank_; }
  int size() const override { return size_; }

 protected:
  absl::StatusOr<std::vector<Part>> Transfer(const Part& mine, bool to_root_only) override {
    struct Head {
      std::int64_t bytes;
      std::int64_t failed;
    };
    const Head head{static_cast<std::int64_t>(mine.bytes.size()), mine.failed ? 1 : 0};
    std::vector<Head> heads(size_);
    MPI_Allgather(&head, sizeof head, MPI_BYTE, heads.data(), sizeof head, MPI_BYTE, MPI_COMM_WORLD);
    std::vector<Part> parts(size_);
    for (int r = 0; r < size_; ++r) {
      if (!heads[r].failed) continue;
      parts[r].failed = true;
      parts[r].bytes = r == rank_ ? mine.bytes : std::string(heads[r].bytes, '\0');
      Broadcast(&parts[r].bytes, r);
      return parts;
    }
    for (int r = 0; r < size_; ++r) {
      if (to_root_only && rank_ != 0 && r != rank_) continue;
      parts[r].bytes = r == rank_ ? mine.bytes : std::string(heads[r].bytes, '\0');
      if (!to_root_only) {
        Broadcast(&parts[r].bytes, r);
      } else if (r != 0) {
        if (rank_ == 0) Receive(&parts[r].bytes, r);
        if (rank_ == r) Send(parts[r].bytes, 0);
      }
    }
    return parts;
  }

 private:
  static constexpr std::int64_t kPiece = std::int64_t{1} << 30;
  static void Broadcast(std::string* bytes, int root) {
    for (std::int64_t at = 0; at < static_cast<std::int64_t>(bytes->size()); at += kPiece)
      MPI_Bcast(bytes->data() + at, static_cast<int>(std::min<std::int64_t>(kPiece, bytes->size() - at)), MPI_BYTE,
                root, MPI_COMM_WORLD);
  }
  static void Send(const std::string& bytes, int to) {
    for (std::int64_t at = 0; at < static_cast<std::int64_t>(bytes.size()); at += kPiece)
      MPI_Send(bytes.data() + at, static_cast<int>(std::min<std::int64_t>(kPiece, bytes.size() - at)), MPI_BYTE, to, 0,
               MPI_COMM_WORLD);
  }
  static void Receive(std::string* bytes, int from) {
    for (std::int64_t at = 0; at < static_cast<std::int64_t>(bytes->size()); at += kPiece)
      MPI_Recv(bytes->data() + at, static_cast<int>(std::min<std::int64_t>(kPiece, bytes->size() - at)), MPI_BYTE,
               from, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  }
  int rank_, size_;
};

bool initialised = false;
int world_rank = 0, world_size = 1;
std::unique_ptr<MpiExchange> exchange;

// Whether mpirun/mpiexec started this process (Open MPI, MPICH/Hydra, PMIx launchers).
bool StartedByMpirun() {
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK"})
    if (std::getenv(v)) return true;
  return false;
}

}  // namespace

void InitRanks(int* argc, char*** argv) {
  if (!StartedByMpirun()) return;
  int provided = 0;
  // Only the calling thread makes MPI calls (the oneTBB workers never do).
  MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided);
  initialised = true;
  MPI_Comm_rank(MPI_COMM_WORLD, &world_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &world_size);
  if (world_size > 1) exchange = std::make_unique<MpiExchange>(world_rank, world_size);
}
void FinalizeRanks() {
  if (!initialised) return;
  exchange.reset();
  MPI_Finalize();
  initialised = false;
}
void AbortRanks(int code) {
  if (initialised && world_size > 1) MPI_Abort(MPI_COMM_WORLD, code);
}
int Rank() { return world_rank; }
int RankCount() { return world_size; }
Exchange* RankExchange() { return exchange.get(); }

#else  // one process

void InitRanks(int*, char***) {}
void FinalizeRanks() {}
void AbortRanks(int) {}
int Rank() { return 0; }
int RankCount() { return 1; }
Exchange* RankExchange() { return nullptr; }

#endif

}  // namespace kinship::cli
