"""Carbon accounting: pure calculations on the model (no I/O, no text for people)."""
