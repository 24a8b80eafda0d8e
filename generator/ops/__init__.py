"""The verbs' library side: build, release, check, verify, new, demo, publish."""
