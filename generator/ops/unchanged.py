"""A build whose inputs are all unchanged keeps the output folder it already has.

Every output depends only on what the build key covers: the code of cems and its resources,
the versions of the libraries that write the files, the repository files a build reads
(`cache.REPOSITORY_INPUTS`, `.cems/`), the state of git that its history comes from (every
ref and HEAD, gpg settings and keyrings, shallow and graft files, the release log:
`history_cache.repository_state`), the configuration, the options and the date, and the files
outside those folders that the last build read (the evidence files records attach, the
configured published record), by content. The key is computed before anything is loaded: when
it equals the one the last successful build recorded, and the output folder is exactly what
that build left (the same files, every one with the size and modification time it had then;
nothing added, nothing removed), the build would read the same inputs and write the same bytes
again, so it loads nothing and the folder is kept — a no-change rebuild reads no content, no
git history and rewrites none of its thousands of files.

Anything else — a different key, a file touched, added or removed in the output, no or a
damaged record — runs the full build, which starts from an empty staging folder as always.
The record lives in `<out>/.cache/output.json` and is written only after a build succeeded;
it keeps every issue that build reported, so a kept build reports the same warnings.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from generator.control.history_cache import repository_state
from generator.core.config import Config
from generator.core.issues import Issue
from generator.core.local_cache import file_state
from generator.core.versions import (
    code_fingerprint,
    installed_versions,
    parts_digest,
    tree_digest,
)
from generator.manifest import GeneratedFile
from generator.ops.cache import REPOSITORY_INPUTS

RECORD = "output.json"
# the libraries whose version can change the bytes of an output
WRITERS = ("python-docx", "openpyxl", "lxml", "mkdocs", "mkdocs-material", "Markdown", "Pygments")


@dataclass(frozen=True)
class Kept:
    """What the kept build reported: its files and every issue it reported."""

    files: list[GeneratedFile]
    issues: list[Issue]


def base_key(config: Config, options: dict[str, Any]) -> str:
    """Digest of the inputs of a build known before loading it (see the module's docstring)."""
    return parts_digest(
        code_fingerprint(),
        platform.python_version() + ";" + installed_versions(WRITERS),
        tree_digest(config.root, (*REPOSITORY_INPUTS, ".cems")),
        repository_state(config.root) or "no repository",
        repr(config),
        repr(sorted(options.items())),
        date.today().isoformat(),
    )


def build_key(base: str, outside: list[str]) -> str:
    """The base key with the content of the files outside the repository folders it covers."""
    return parts_digest(base, *(f"{path}\0{file_state(Path(path))}" for path in outside))


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


def kept_output(out_dir: Path, cache: str, base: str) -> Kept | None:
    """The last build's report when its inputs are those `base` and the files outside it
    that build read had, and its output is untouched; else None."""
    try:
        record = json.loads((out_dir / cache / RECORD).read_text(encoding="utf-8"))
        outside = record["outside"]
        if not isinstance(outside, list) or not all(isinstance(p, str) for p in outside):
            return None
        if record.get("key") != build_key(base, outside):
            return None
        if record.get("state") != _state(out_dir, cache):
            return None
        files = [GeneratedFile(**f) for f in record["files"]]
        issues = [Issue.from_dict(i) for i in record["issues"]]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return Kept(files, issues)


def record_output(
    out_dir: Path,
    cache: str,
    key: tuple[str, list[str]],
    files: list[GeneratedFile],
    issues: list[Issue],
) -> None:
    """Remember a successful build's key (the build key and the outside files it covers),
    report and output state (after it was swapped in)."""
    record = {
        "key": key[0],
        "outside": key[1],
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
