"""Parsed content files kept between runs, found by the exact text they were parsed from.

Parsing is most of reading a large repository (a 50,000-row CSV typed cell by cell, hundreds
of YAML front matters with their line positions); an unchanged file parses to the same
`SourceFile`. An entry is keyed by the file's kind, path and text and what else its parse
depended on (a CSV's column types); the store is keyed by the code of cems. It is one pickle
in the repository's local cache folder (`core.local_cache`), rewritten only when an entry
was added or dropped, and read only by this user inside the repository's own `.git` (anyone
who can write there can already change the content itself); anything unreadable is a miss.
"""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

from generator.content.load import SourceFile
from generator.core.local_cache import cache_dir, write_bytes
from generator.core.versions import code_fingerprint, parts_digest

STORE = "sources.pickle"


def _key(source: SourceFile, params: str) -> str:
    return parts_digest(source.kind, source.rel, params, source.text)


class SourceCache:
    """A `load.ParseMemo` backed by the repository's local cache; `save` keeps this run's."""

    def __init__(self, root: Path) -> None:
        folder = cache_dir(root)
        self._path = folder / STORE if folder is not None else None
        self._code = code_fingerprint()
        self._old = self._read()
        self._new: dict[str, SourceFile] = {}

    def _read(self) -> dict[str, Any]:
        if self._path is None:
            return {}
        try:
            with self._path.open("rb") as handle:
                stored = pickle.load(handle)
        except Exception:  # any damaged or foreign store is only a miss
            return {}
        if not isinstance(stored, dict) or stored.get("code") != self._code:
            return {}
        entries = stored.get("entries")
        return entries if isinstance(entries, dict) else {}

    def recall(self, source: SourceFile, params: str) -> SourceFile | None:
        key = _key(source, params)
        known = self._old.get(key)
        if isinstance(known, SourceFile) and known.text == source.text:
            self._new[key] = known
            return known
        return None

    def keep(self, source: SourceFile, params: str) -> None:
        self._new[_key(source, params)] = source

    def save(self) -> None:
        if self._path is not None and self._new.keys() != self._old.keys():
            data = {"code": self._code, "entries": self._new}
            write_bytes(self._path, pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
