"""Build manifest: every generated file with its hash, document and revision.

`cems build` writes `manifest.json` so that a copy found on a shop floor, or a whole build
folder, can be checked against the commit it claims to come from.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

MANIFEST_NAME = "manifest.json"


@dataclass(frozen=True, order=True)
class GeneratedFile:
    """One output file; `path` is relative to the output folder, with forward slashes."""

    path: str
    sha256: str
    document_id: str = ""
    revision: str = ""
    status: str = ""

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def generated(
    out_dir: Path, path: Path, document_id: str = "", revision: str = "", status: str = ""
) -> GeneratedFile:
    """Describe a file just written under `out_dir`."""
    rel = path.resolve().relative_to(out_dir.resolve()).as_posix()
    return GeneratedFile(rel, sha256_file(path), document_id, revision, status)


def write_manifest(out_dir: Path, commit: str, files: Iterable[GeneratedFile]) -> Path:
    """Write `out_dir/manifest.json`, files sorted by path (byte-stable for the same inputs)."""
    unique = {f.path: f for f in files}
    data = {
        "commit": commit,
        "files": [unique[p].to_dict() for p in sorted(unique)],
    }
    target = out_dir / MANIFEST_NAME
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(
        json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    return target


def read_manifest(out_dir: Path) -> tuple[str, list[GeneratedFile]]:
    data = json.loads((out_dir / MANIFEST_NAME).read_text(encoding="utf-8"))
    return data["commit"], [GeneratedFile(**f) for f in data["files"]]
