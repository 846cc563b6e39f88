# CMake generated Testfile for 
# Source directory: /work/main/tests
# Build directory: /work/main/build/tests
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
include("/work/main/build/tests/kinship_tests_include-b12d07c.cmake")
add_test([=[kinship.cli]=] "bash" "/work/main/tests/cli/cli_test.sh" "/work/main/build/tools/kinship" "/work/main")
set_tests_properties([=[kinship.cli]=] PROPERTIES  _BACKTRACE_TRIPLES "/work/main/tests/CMakeLists.txt;17;add_test;/work/main/tests/CMakeLists.txt;0;")
add_test([=[kinship.install_stage]=] "/usr/bin/cmake" "--install" "/work/main/build" "--prefix" "/work/main/build/tests/stage")
set_tests_properties([=[kinship.install_stage]=] PROPERTIES  FIXTURES_SETUP "staged" _BACKTRACE_TRIPLES "/work/main/tests/CMakeLists.txt;24;add_test;/work/main/tests/CMakeLists.txt;0;")
add_test([=[kinship.find_package]=] "/usr/bin/ctest" "--build-and-test" "/work/main/tests/find_package" "/work/main/build/tests/find_package" "--build-generator" "Unix Makefiles" "--build-options" "-DCMAKE_PREFIX_PATH=/work/main/build/tests/stage" "--test-command" "find_package_consumer" "/work/main/tests/data/validation/freqs.csv")
set_tests_properties([=[kinship.find_package]=] PROPERTIES  FIXTURES_REQUIRED "staged" _BACKTRACE_TRIPLES "/work/main/tests/CMakeLists.txt;27;add_test;/work/main/tests/CMakeLists.txt;0;")
