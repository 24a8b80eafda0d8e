"""Word output: controlled copies, their layout and body, redlines, reports, PDF, raw OOXML."""
