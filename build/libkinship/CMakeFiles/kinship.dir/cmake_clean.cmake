file(REMOVE_RECURSE
  "CMakeFiles/kinship.dir/src/internal/csv.cc.o"
  "CMakeFiles/kinship.dir/src/internal/csv.cc.o.d"
  "CMakeFiles/kinship.dir/src/io/freq_reader.cc.o"
  "CMakeFiles/kinship.dir/src/io/freq_reader.cc.o.d"
  "CMakeFiles/kinship.dir/src/io/profile_reader.cc.o"
  "CMakeFiles/kinship.dir/src/io/profile_reader.cc.o.d"
  "CMakeFiles/kinship.dir/src/model/locus.cc.o"
  "CMakeFiles/kinship.dir/src/model/locus.cc.o.d"
  "CMakeFiles/kinship.dir/src/model/locus_names.cc.o"
  "CMakeFiles/kinship.dir/src/model/locus_names.cc.o.d"
  "CMakeFiles/kinship.dir/src/model/profile.cc.o"
  "CMakeFiles/kinship.dir/src/model/profile.cc.o.d"
  "CMakeFiles/kinship.dir/src/stats/mutation.cc.o"
  "CMakeFiles/kinship.dir/src/stats/mutation.cc.o.d"
  "CMakeFiles/kinship.dir/src/stats/pairwise.cc.o"
  "CMakeFiles/kinship.dir/src/stats/pairwise.cc.o.d"
  "libkinship.a"
  "libkinship.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang CXX)
  include(CMakeFiles/kinship.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
