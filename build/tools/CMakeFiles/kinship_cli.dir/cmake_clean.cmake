file(REMOVE_RECURSE
  "CMakeFiles/kinship_cli.dir/kinship/cli_common.cc.o"
  "CMakeFiles/kinship_cli.dir/kinship/cli_common.cc.o.d"
  "CMakeFiles/kinship_cli.dir/kinship/lr_cmd.cc.o"
  "CMakeFiles/kinship_cli.dir/kinship/lr_cmd.cc.o.d"
  "CMakeFiles/kinship_cli.dir/kinship/main.cc.o"
  "CMakeFiles/kinship_cli.dir/kinship/main.cc.o.d"
  "kinship"
  "kinship.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang CXX)
  include(CMakeFiles/kinship_cli.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
