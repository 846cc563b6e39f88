
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/main/tests/io/freq_reader_test.cc" "tests/CMakeFiles/kinship_tests.dir/io/freq_reader_test.cc.o" "gcc" "tests/CMakeFiles/kinship_tests.dir/io/freq_reader_test.cc.o.d"
  "/work/main/tests/io/profile_reader_test.cc" "tests/CMakeFiles/kinship_tests.dir/io/profile_reader_test.cc.o" "gcc" "tests/CMakeFiles/kinship_tests.dir/io/profile_reader_test.cc.o.d"
  "/work/main/tests/model/locus_test.cc" "tests/CMakeFiles/kinship_tests.dir/model/locus_test.cc.o" "gcc" "tests/CMakeFiles/kinship_tests.dir/model/locus_test.cc.o.d"
  "/work/main/tests/stats/mutation_test.cc" "tests/CMakeFiles/kinship_tests.dir/stats/mutation_test.cc.o" "gcc" "tests/CMakeFiles/kinship_tests.dir/stats/mutation_test.cc.o.d"
  "/work/main/tests/stats/pairwise_test.cc" "tests/CMakeFiles/kinship_tests.dir/stats/pairwise_test.cc.o" "gcc" "tests/CMakeFiles/kinship_tests.dir/stats/pairwise_test.cc.o.d"
  "/work/main/tests/stats/validation_test.cc" "tests/CMakeFiles/kinship_tests.dir/stats/validation_test.cc.o" "gcc" "tests/CMakeFiles/kinship_tests.dir/stats/validation_test.cc.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  "/work/main/build/libkinship/CMakeFiles/kinship.dir/DependInfo.cmake"
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
