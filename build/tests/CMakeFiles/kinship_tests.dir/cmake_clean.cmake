file(REMOVE_RECURSE
  "CMakeFiles/kinship_tests.dir/io/freq_reader_test.cc.o"
  "CMakeFiles/kinship_tests.dir/io/freq_reader_test.cc.o.d"
  "CMakeFiles/kinship_tests.dir/io/profile_reader_test.cc.o"
  "CMakeFiles/kinship_tests.dir/io/profile_reader_test.cc.o.d"
  "CMakeFiles/kinship_tests.dir/model/locus_test.cc.o"
  "CMakeFiles/kinship_tests.dir/model/locus_test.cc.o.d"
  "CMakeFiles/kinship_tests.dir/stats/mutation_test.cc.o"
  "CMakeFiles/kinship_tests.dir/stats/mutation_test.cc.o.d"
  "CMakeFiles/kinship_tests.dir/stats/pairwise_test.cc.o"
  "CMakeFiles/kinship_tests.dir/stats/pairwise_test.cc.o.d"
  "CMakeFiles/kinship_tests.dir/stats/validation_test.cc.o"
  "CMakeFiles/kinship_tests.dir/stats/validation_test.cc.o.d"
  "kinship_tests"
  "kinship_tests.pdb"
  "kinship_tests_tests-b12d07c.cmake"
)

# Per-language clean rules from dependency scanning.
foreach(lang CXX)
  include(CMakeFiles/kinship_tests.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
