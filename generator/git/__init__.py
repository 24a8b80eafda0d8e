"""The only code that runs git: one client and the parsers of its output."""
