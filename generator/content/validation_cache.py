"""Schema results of unchanged files, kept between runs of `cems validate`.

Checking 50,000 record rows against their schemas is most of a validate; a file whose text,
schema and reference targets have not changed gets the same issues again. An entry is the
issues of one file, found under a digest of its path, its text, the inlined schema and the
tables flag; the whole store is keyed by what every file's result may depend on besides: the
code of cems, the latest date a record may carry, and the set of ids references can point at
(adding or removing a person re-checks every file). The store is one JSON file in the
repository's local cache folder (`core.local_cache`), rewritten only when something changed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from generator.content.load import SourceFile
from generator.content.xref import IdIndex
from generator.core.issues import Issue
from generator.core.local_cache import cache_dir, read_json, write_json
from generator.core.versions import code_fingerprint, parts_digest

STORE = "validation.json"


def _index_text(index: IdIndex) -> str:
    return json.dumps({kind: sorted(ids) for kind, ids in sorted(index.ids.items())})


class ValidationCache:
    """Issues per file, reused while the store's key holds; `save` writes what changed."""

    def __init__(self, path: Path | None, key: str) -> None:
        self._path, self._key = path, key
        stored = read_json(path) if path is not None else None
        stored = stored if isinstance(stored, dict) and stored.get("key") == key else {}
        files = stored.get("files")
        self._old: dict[str, Any] = files if isinstance(files, dict) else {}
        self._new: dict[str, Any] = {}
        self._schemas: dict[int, str] = {}

    @classmethod
    def open(cls, root: Path | None, index: IdIndex, limit: date) -> ValidationCache:
        folder = cache_dir(root) if root is not None else None
        key = parts_digest(code_fingerprint(), limit.isoformat(), _index_text(index))
        return cls(folder / STORE if folder is not None else None, key)

    def issues(
        self,
        source: SourceFile,
        schema: dict[str, Any],
        tables: bool,
        check: Callable[[], list[Issue]],
    ) -> list[Issue]:
        """The issues of `source`: stored ones when its inputs are unchanged, else `check()`."""
        if id(schema) not in self._schemas:
            self._schemas[id(schema)] = parts_digest(
                json.dumps(schema, sort_keys=True, default=str)
            )
        entry_key = parts_digest(source.rel, source.text, self._schemas[id(schema)], str(tables))
        stored = self._old.get(entry_key)
        if isinstance(stored, list):
            try:
                found = [Issue.from_dict(item) for item in stored]
            except (KeyError, TypeError, ValueError):
                found = None
            if found is not None:
                self._new[entry_key] = stored
                return found
        found = check()
        self._new[entry_key] = [issue.to_dict() for issue in found]
        return found

    def save(self) -> None:
        """Keep this run's entries (only those: a removed file's entry goes)."""
        if self._path is not None and self._new != self._old:
            write_json(self._path, {"key": self._key, "files": self._new})
