{
  "targets": [
    {
      "target_name": "fdwatch",
      "sources": ["fdwatch.c"],
      "cflags": ["-Wall", "-Wextra", "-Werror"]
    }
  ]
}
