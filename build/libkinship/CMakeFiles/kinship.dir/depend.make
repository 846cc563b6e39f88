# Empty dependencies file for kinship.
# This may be replaced when dependencies are built.
