"""The repository's local cache folder, `<git common dir>/cems/`: results worth keeping
between runs (validation of unchanged files, the history of an unchanged repository).

It lives inside `.git`, so it is never committed, never shown by `git status`, shared by a
repository's worktrees, and gone with the clone. Everything in it is keyed by what it was
computed from; a damaged or foreign file is ignored (a miss), never trusted.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

FOLDER = "cems"


def _git_dir(start: Path) -> Path | None:
    """The common `.git` folder above `start`, found without running git (this runs on
    every validate): a `.git` file (a worktree) points at its folder, whose `commondir`
    names the shared one."""
    for folder in [start, *start.parents]:
        marker = folder / ".git"
        if marker.is_dir():
            return marker
        if marker.is_file():
            try:
                text = marker.read_text(encoding="utf-8").strip()
            except (OSError, UnicodeDecodeError):
                return None
            if not text.startswith("gitdir:"):
                return None
            git_dir = (folder / text.removeprefix("gitdir:").strip()).resolve()
            common = git_dir / "commondir"
            if common.is_file():
                with contextlib.suppress(OSError, UnicodeDecodeError):
                    return (git_dir / common.read_text(encoding="utf-8").strip()).resolve()
            return git_dir
    return None


def cache_dir(root: Path) -> Path | None:
    """`<git common dir>/cems` of the repository holding `root`; None outside a repository."""
    git_dir = _git_dir(root.resolve())
    return git_dir / FOLDER if git_dir is not None else None


def read_json(path: Path) -> Any:
    """The JSON at `path`, or None when it is missing or unreadable."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None


def write_bytes(path: Path, data: bytes) -> None:
    """Write atomically (a temporary file renamed into place); a cache that cannot be
    written is only a slower next run, so errors are swallowed."""
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temp, path)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(temp)


def write_json(path: Path, value: Any) -> None:
    write_bytes(path, json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def file_state(path: Path) -> str:
    """Size, modification time and content digest of a file, for a cache key; '-' when it
    cannot be read."""
    try:
        data = path.read_bytes()
        stat = path.stat()
    except OSError:
        return "-"
    return f"{stat.st_size}:{stat.st_mtime_ns}:{hashlib.sha256(data).hexdigest()}"


def link_or_copy(source: Path | str, target: Path | str) -> None:
    """`target` as a hard link to `source` (no bytes copied), or a copy where the file system
    cannot link. A cache entry then shares its file with an output: anything that rewrites
    one in place changes both, so each cache checks an entry (size and time, or digest)
    before it serves it."""
    target = Path(target)
    if target.exists() or target.is_symlink():
        target.unlink()
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)
