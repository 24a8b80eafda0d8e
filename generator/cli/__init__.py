"""The command line: one module per verb (parse, call the library, report, exit code)."""
