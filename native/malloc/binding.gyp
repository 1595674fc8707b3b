{
  "targets": [
    {
      "target_name": "lentera_malloc",
      "sources": ["malloc.c"],
      "cflags": ["-Wall", "-Wextra", "-Werror"]
    }
  ]
}
