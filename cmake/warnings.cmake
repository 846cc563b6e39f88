# One warnings target, linked PRIVATE by every target of the project (library, CLI, tests,
# benchmarks, fuzz harnesses). KINSHIP_WERROR turns the warnings into errors; it is off by
# default, so that a newer compiler's new warnings do not break a user's build, and on in CI
# (.ci/run).
add_library(kinship_warnings INTERFACE)
target_compile_options(kinship_warnings INTERFACE
  -Wall -Wextra
  # -Wno-restrict: GCC 12 false positive inside std::string (GCC bug 105329).
  $<$<CXX_COMPILER_ID:GNU>:-Wno-restrict>
  $<$<BOOL:${KINSHIP_WERROR}>:-Werror>)
