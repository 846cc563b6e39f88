file(REMOVE_RECURSE
  "libkinship.a"
)
