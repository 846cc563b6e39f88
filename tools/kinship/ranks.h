// The MPI ranks of this process (docs/user-guide.md, "Across machines: MPI"). A build with
// KINSHIP_WITH_MPI started by mpirun/mpiexec (its environment says so) initialises MPI and runs
// as one rank of the job; any other start (and a build without MPI) is one process, rank 0 of
// 1, and never touches MPI.
#ifndef KINSHIP_TOOLS_RANKS_H_
#define KINSHIP_TOOLS_RANKS_H_

#include "kinship/exchange.h"

namespace kinship::cli {

// Called first by main: initialises MPI when this process is a rank of an MPI job.
void InitRanks(int* argc, char*** argv);
// Called by main before it returns: MPI_Finalize (when initialised).
void FinalizeRanks();
// Ends every rank of the job now (MPI_Abort), with `code`: after an exception that left this
// rank unable to meet the others (out of memory). Returns only in one process.
void AbortRanks(int code);
int Rank();       // 0 in one process
int RankCount();  // 1 in one process
// The exchange between the ranks; null in one process (or a job of one rank).
Exchange* RankExchange();

}  // namespace kinship::cli

#endif  // KINSHIP_TOOLS_RANKS_H_
