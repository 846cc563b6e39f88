
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/main/tools/kinship/cli_common.cc" "tools/CMakeFiles/kinship_cli.dir/kinship/cli_common.cc.o" "gcc" "tools/CMakeFiles/kinship_cli.dir/kinship/cli_common.cc.o.d"
  "/work/main/tools/kinship/lr_cmd.cc" "tools/CMakeFiles/kinship_cli.dir/kinship/lr_cmd.cc.o" "gcc" "tools/CMakeFiles/kinship_cli.dir/kinship/lr_cmd.cc.o.d"
  "/work/main/tools/kinship/main.cc" "tools/CMakeFiles/kinship_cli.dir/kinship/main.cc.o" "gcc" "tools/CMakeFiles/kinship_cli.dir/kinship/main.cc.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  "/work/main/build/libkinship/CMakeFiles/kinship.dir/DependInfo.cmake"
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
