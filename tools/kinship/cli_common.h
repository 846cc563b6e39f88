// Shared pieces of the kinship subcommands: exit codes, messages, option parsing, the model
// options; atomic output is in atomic_output.h. Everything else is the library's.
#ifndef KINSHIP_TOOLS_CLI_COMMON_H_
#define KINSHIP_TOOLS_CLI_COMMON_H_

#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "atomic_output.h"
#include "kinship/diagnostics.h"
#include <boost/program_options.hpp>

#include "kinship/setup.h"

namespace kinship::cli {

// Exit codes (documented in `kinship --help`).
inline constexpr int kExitOk = 0;
inline constexpr int kExitBadInput = 1;  // bad input or I/O failure
inline constexpr int kExitUsage = 2;     // unknown option, missing argument
inline constexpr int kExitInternal = 3;  // internal error

int ExitCodeFor(const absl::Status& status);

// Prints "kinship <cmd>: error: <message>" on stderr and returns the exit code.
int ReportError(const std::string& cmd, const absl::Status& status);

// Prints every note on stderr as "kinship <cmd>: note|warning: ..." unless quiet
// (warnings are printed even when quiet).
void PrintNotes(const std::string& cmd, const Diagnostics& diag, bool quiet);

// Parses a subcommand's arguments: `--help` prints `desc` to stdout; then `validate` checks
// combinations (throwing boost::program_options::error). An output option (--out, --per-locus,
// --json, --write-freqs, --out-dir) or input option (--mutation-rates) given an empty value is a usage error. Returns an exit code when the
// command should stop here (kExitOk after --help, kExitUsage with a message on stderr after
// a usage error), nullopt to go on.
std::optional<int> ParseCommandLine(const std::string& cmd, int argc, char** argv,
                                    const boost::program_options::options_description& desc,
                                    boost::program_options::variables_map* vm,
                                    const std::function<void(const boost::program_options::variables_map&)>& validate);

// The model options shared by kinship lr and kinship match, as written on the command line.
struct ModelArgs {
  std::string model_name = "none", transform_name = "none", untyped_founders = "exact";
  double rate = 0, rate_female = 0;  // given or not: the variables_map says
  kinship::ModelOptions options;     // the other numbers and the paths, bound directly
};
void AddModelOptions(boost::program_options::options_description* desc, ModelArgs* args);
// The library's options: names parsed (InvalidArgument for an unknown one), and the rates
// that were given on the command line marked as given.
absl::StatusOr<kinship::ModelOptions> ToModelOptions(const ModelArgs& args,
                                                     const boost::program_options::variables_map& vm);

// What the run is doing, in words ("reading the profiles in FILE"), so that main() can name it
// when memory runs out (std::bad_alloc). Best effort; the subcommands set it as they go.
void SetStage(std::string stage);
const std::string& Stage();

}  // namespace kinship::cli

#endif  // KINSHIP_TOOLS_CLI_COMMON_H_
