// kinship: likelihood ratios for kinship and missing-person identification.
// Dispatches `kinship <command> [options]` to one function per subcommand.
#include <sys/resource.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <exception>
#include <iostream>
#include <string>

#include "cli_common.h"
#include "ranks.h"
#include "kinship/version.h"

namespace kinship::cli {
int RunLr(int argc, char** argv);
int RunMatch(int argc, char** argv);
int RunSimulate(int argc, char** argv);
int RunDviCmd(int argc, char** argv);
int RunConvert(int argc, char** argv);
}

namespace {

const char kUsage[] =
    "kinship " KINSHIP_VERSION_STRING
    " - STR likelihood ratios for kinship and missing-person identification\n"
    "\n"
    "Usage: kinship <command> [options]\n"
    "\n"
    "Commands:\n"
    "  lr        exact likelihood ratios: pairs (relationship vs unrelated) or missing persons in pedigrees\n"
    "  match     screen every victim against every reference and family; ranked reports\n"
    "  dvi       joint identification: many victims, families with several missing persons\n"
    "  simulate  synthetic families and victims (for demos, tests and benchmarks)\n"
    "  convert   other programs' files to kinship's inputs (--fam: a Familias 3 case file); profiles to CODIS CMF (--to cmf)\n"
    "  help CMD  options of a command (same as `kinship CMD --help`)\n"
    "\n"
    "Options:\n"
    "  --help, -h     this text\n"
    "  --version      program version\n"
    "\n"
    "Exit codes: 0 success; 1 bad input or I/O failure; 2 usage error (unknown option,\n"
    "missing argument); 3 internal error.\n";

int Run(int argc, char** argv) {
  using namespace kinship::cli;
  try {
    if (argc < 2) {
      std::cerr << kUsage;
      return kExitUsage;
    }
    std::string cmd = argv[1];
    if (cmd == "--help" || cmd == "-h") {
      std::cout << kUsage;
      return kExitOk;
    }
    if (cmd == "--version") {
      std::cout << "kinship " << KINSHIP_VERSION_STRING << "\n";
      return kExitOk;
    }
    if (cmd == "help") {
      if (argc < 3) {
        std::cout << kUsage;
        return kExitOk;
      }
      std::string sub = argv[2];
      char help[] = "--help";
      char* args[] = {argv[2], help, nullptr};
      if (sub == "lr") return RunLr(2, args);
      if (sub == "match") return RunMatch(2, args);
      if (sub == "simulate") return RunSimulate(2, args);
      if (sub == "dvi") return RunDviCmd(2, args);
      if (sub == "convert") return RunConvert(2, args);
      std::cerr << "kinship: unknown command '" << sub << "'\n";
      return kExitUsage;
    }
    // Under mpirun only `kinship match` and `kinship dvi` run as ranks of one job; any other
    // command would run once per rank, each writing the same outputs.
    if (RankCount() > 1 && cmd != "match" && cmd != "dvi") {
      if (Rank() == 0)
        std::cerr << "kinship " << cmd << ": error: this command runs as one process, not under mpirun with "
                  << RankCount() << " ranks (only kinship match and kinship dvi run across ranks)\n";
      return kExitUsage;
    }
    if (cmd == "lr") return RunLr(argc - 1, argv + 1);
    if (cmd == "match") return RunMatch(argc - 1, argv + 1);
    if (cmd == "simulate") return RunSimulate(argc - 1, argv + 1);
    if (cmd == "dvi") return RunDviCmd(argc - 1, argv + 1);
    if (cmd == "convert") return RunConvert(argc - 1, argv + 1);
    std::cerr << "kinship: unknown command '" << cmd << "'\n\n" << kUsage;
    return kExitUsage;
  } catch (const std::bad_alloc&) {
    // Not a bug but an input too large for this machine: exit 1, naming what was being read
    // or computed and the memory there was. (The stack is unwound: what the run held is freed.)
    std::cerr << "kinship: error: " << (RankCount() > 1 ? "rank " + std::to_string(Rank()) + ": " : "")
              << "out of memory";
    if (!Stage().empty()) std::cerr << " while " << Stage();
    const long pages = sysconf(_SC_PHYS_PAGES), page_size = sysconf(_SC_PAGESIZE);
    if (pages > 0 && page_size > 0)
      std::cerr << "; the machine has " << (static_cast<long long>(pages) * page_size >> 20) << " MiB";
    struct rlimit limit;
    if (getrlimit(RLIMIT_AS, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY)
      std::cerr << ", this process may use " << (static_cast<long long>(limit.rlim_cur) >> 20)
                << " MiB (ulimit -v)";
    std::cerr << "; expected inputs that fit in memory (split the input, or run on a larger machine)\n";
    AbortRanks(kExitBadInput);  // the other ranks cannot go on without this one
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "kinship: internal error: " << (RankCount() > 1 ? "rank " + std::to_string(Rank()) + ": " : "")
              << e.what() << "\n";
    AbortRanks(kExitInternal);
    return kExitInternal;
  }
}

#ifndef KINSHIP_WITH_MPI
// Whether an MPI launcher started this process as one of several ranks (for a build without MPI).
int LauncherRankCount() {
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"})
    if (const char* n = std::getenv(v)) return std::atoi(n);
  return 1;
}
#endif

}  // namespace

int main(int argc, char** argv) {
  using namespace kinship::cli;
  InitRanks(&argc, &argv);
#ifndef KINSHIP_WITH_MPI
  if (LauncherRankCount() > 1) {
    std::cerr << "kinship: error: started by mpirun with " << LauncherRankCount()
              << " ranks, but this kinship was built without MPI (cmake -DKINSHIP_WITH_MPI=ON); each rank would "
                 "run the whole screen\n";
    return kExitUsage;
  }
#endif
  const int code = Run(argc, argv);
  FinalizeRanks();
  return code;
}
