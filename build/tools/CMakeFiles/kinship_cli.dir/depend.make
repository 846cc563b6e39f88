# Empty dependencies file for kinship_cli.
# This may be replaced when dependencies are built.
