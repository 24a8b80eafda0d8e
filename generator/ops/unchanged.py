"""A build whose inputs are all unchanged keeps the output folder it already has.

Every renderer's output depends only on what the build key covers: the code of cems and
its resources, the versions of the libraries that write the files, the repository files the
renderers read (`cache.REPOSITORY_INPUTS`, `.cems/`), the history from git (releases,
revisions, signatures, in-force state), the configuration, the options and the date. When
the key equals the one the last successful build recorded, and the output folder is exactly
what that build left (the same files, every one with the size and modification time it had
then; nothing added, nothing removed), the build would write the same bytes again: the
folder is kept, so a no-change rebuild rewrites none of its thousands of files.

Anything else — a different key, a file touched, added or removed in the output, no or a
damaged record — runs the full build, which starts from an empty staging folder as always.
The record lives in `<out>/.cache/output.json` and is written only after a build succeeded.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import platform
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from generator.control.types import History
from generator.core.config import Config
from generator.core.issues import Issue
from generator.core.versions import installed_versions
from generator.manifest import GeneratedFile
from generator.ops.cache import REPOSITORY_INPUTS, code_fingerprint, issue_from_dict, tree_digest

RECORD = "output.json"
# the libraries whose version can change the bytes of an output
WRITERS = ("python-docx", "openpyxl", "lxml", "mkdocs", "mkdocs-material", "Markdown", "Pygments")


@dataclass(frozen=True)
class Kept:
    """What the kept build reported: its files and the site's issues."""

    files: list[GeneratedFile]
    issues: list[Issue]


def build_key(config: Config, history: History, options: dict[str, Any]) -> str:
    """Digest of every input of a build (see the module's docstring)."""
    digest = hashlib.sha256()
    pieces = (
        code_fingerprint(),
        platform.python_version() + ";" + installed_versions(WRITERS),
        tree_digest(config.root, (*REPOSITORY_INPUTS, ".cems")),
        repr(config),
        repr(sorted(options.items())),
        date.today().isoformat(),
        repr(history),
    )
    for piece in pieces:
        digest.update(piece.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()


def _state(out_dir: Path, cache: str) -> dict[str, list[int]]:
    """relative path -> [size, mtime_ns] of every file of the output folder but the cache."""
    state: dict[str, list[int]] = {}
    todo = [(out_dir, "")]
    while todo:
        folder, prefix = todo.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                rel = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    if rel != cache:
                        todo.append((Path(entry.path), rel + "/"))
                    continue
                info = entry.stat(follow_symlinks=False)
                state[rel] = [info.st_size, info.st_mtime_ns]
    return state


def kept_output(out_dir: Path, cache: str, key: str) -> Kept | None:
    """The last build's report when its key is `key` and its output is untouched, else None."""
    try:
        record = json.loads((out_dir / cache / RECORD).read_text(encoding="utf-8"))
        if record.get("key") != key or record.get("state") != _state(out_dir, cache):
            return None
        files = [GeneratedFile(**f) for f in record["files"]]
        issues = [issue_from_dict(i) for i in record["issues"]]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return Kept(files, issues)


def record_output(
    out_dir: Path, cache: str, key: str, files: list[GeneratedFile], issues: list[Issue]
) -> None:
    """Remember a successful build's key, report and output state (after it was swapped in)."""
    record = {
        "key": key,
        "files": [f.to_dict() for f in files],
        "issues": [i.to_dict() for i in issues],
        "state": _state(out_dir, cache),
    }
    path = out_dir / cache / RECORD
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    except OSError:  # no record: the next build is a full one, never a wrong one
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)
