"""Registers and record tables: specifications, rows, and the one .docx/.xlsx writer."""
