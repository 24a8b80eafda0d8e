"""What a cached result was made by, as texts for cache keys: the installed versions of the
libraries an output depends on (a library upgrade must re-render what it writes), the code
of cems itself, and the files of a repository folder."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parents[1]


def installed_versions(names: tuple[str, ...]) -> str:
    """`name==version` of each distribution (`name:absent` when not installed), `;`-joined."""
    found = []
    for name in names:
        try:
            found.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name}:absent")
    return ";".join(found)


@functools.cache
def code_fingerprint() -> str:
    """Digest of the package's code and resources: a new cems version renders anew (once
    per process: the installed code does not change under a running command)."""
    digest = hashlib.sha256()
    for path in sorted(_PACKAGE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            digest.update(path.relative_to(_PACKAGE).as_posix().encode("utf-8"))
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def tree_digest(root: Path, parts: Iterable[str], skip: frozenset[str] = frozenset()) -> str:
    """Digest of the files under `parts` of `root` (names and bytes), in path order, leaving
    out the repository-relative paths in `skip` (files whose content a caller keys itself)."""
    digest = hashlib.sha256()
    for part in parts:
        base = root / part
        paths = [base] if base.is_file() else sorted(p for p in base.rglob("*") if p.is_file())
        for path in paths:
            rel = path.relative_to(root).as_posix()
            if rel in skip:
                continue
            digest.update(rel.encode("utf-8") + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def parts_digest(*parts: str) -> str:
    """SHA-256 of texts, each ended by NUL (no two lists of parts give the same bytes), for
    the keys of the local caches."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    return digest.hexdigest()
