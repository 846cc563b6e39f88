
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/main/libkinship/src/internal/csv.cc" "libkinship/CMakeFiles/kinship.dir/src/internal/csv.cc.o" "gcc" "libkinship/CMakeFiles/kinship.dir/src/internal/csv.cc.o.d"
  "/work/main/libkinship/src/io/freq_reader.cc" "libkinship/CMakeFiles/kinship.dir/src/io/freq_reader.cc.o" "gcc" "libkinship/CMakeFiles/kinship.dir/src/io/freq_reader.cc.o.d"
  "/work/main/libkinship/src/io/profile_reader.cc" "libkinship/CMakeFiles/kinship.dir/src/io/profile_reader.cc.o" "gcc" "libkinship/CMakeFiles/kinship.dir/src/io/profile_reader.cc.o.d"
  "/work/main/libkinship/src/model/locus.cc" "libkinship/CMakeFiles/kinship.dir/src/model/locus.cc.o" "gcc" "libkinship/CMakeFiles/kinship.dir/src/model/locus.cc.o.d"
  "/work/main/libkinship/src/model/locus_names.cc" "libkinship/CMakeFiles/kinship.dir/src/model/locus_names.cc.o" "gcc" "libkinship/CMakeFiles/kinship.dir/src/model/locus_names.cc.o.d"
  "/work/main/libkinship/src/model/profile.cc" "libkinship/CMakeFiles/kinship.dir/src/model/profile.cc.o" "gcc" "libkinship/CMakeFiles/kinship.dir/src/model/profile.cc.o.d"
  "/work/main/libkinship/src/stats/mutation.cc" "libkinship/CMakeFiles/kinship.dir/src/stats/mutation.cc.o" "gcc" "libkinship/CMakeFiles/kinship.dir/src/stats/mutation.cc.o.d"
  "/work/main/libkinship/src/stats/pairwise.cc" "libkinship/CMakeFiles/kinship.dir/src/stats/pairwise.cc.o" "gcc" "libkinship/CMakeFiles/kinship.dir/src/stats/pairwise.cc.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
