#----------------------------------------------------------------
# Generated CMake target import file for configuration "Release".
#----------------------------------------------------------------

# Commands may need to know the format version.
set(CMAKE_IMPORT_FILE_VERSION 1)

# Import target "kinship::kinship" for configuration "Release"
set_property(TARGET kinship::kinship APPEND PROPERTY IMPORTED_CONFIGURATIONS RELEASE)
set_target_properties(kinship::kinship PROPERTIES
  IMPORTED_LINK_INTERFACE_LANGUAGES_RELEASE "CXX"
  IMPORTED_LOCATION_RELEASE "${_IMPORT_PREFIX}/lib/libkinship.a"
  )

list(APPEND _cmake_import_check_targets kinship::kinship )
list(APPEND _cmake_import_check_files_for_kinship::kinship "${_IMPORT_PREFIX}/lib/libkinship.a" )

# Commands beyond this point should not need to know the version.
set(CMAKE_IMPORT_FILE_VERSION)
