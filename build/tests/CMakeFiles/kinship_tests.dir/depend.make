# Empty dependencies file for kinship_tests.
# This may be replaced when dependencies are built.
