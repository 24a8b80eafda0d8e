"""Clause 7.2 derived from git: releases, revisions, records' provenance, review dates, texts.

Everything here is returned as one `History` that renderers read; renderers never touch git."""
