"""The build's output cache: a renderer's files reused when none of its inputs changed.

An entry is keyed by a digest of everything the output depends on: the code of cems and its
shipped resources, the repository files the renderer reads (content, records, schemas,
templates, mkdocs.yml), the history it is handed, and any extra inputs (download links, a
version name). A hit hard-links the stored files into the staging folder (copies where links
fail), so a build that changes nothing does no rendering; a miss renders and stores. Entries live under
`<out>/.cache/outputs/`; the newest entries per renderer are kept and the rest pruned.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.control.types import History
from generator.core.config import Config
from generator.core.issues import Issue
from generator.core.local_cache import link_or_copy
from generator.core.versions import code_fingerprint, tree_digest
from generator.manifest import GeneratedFile

KEEP_PER_RENDERER = 3
# What a renderer may read from the repository besides git (images sit beside documents).
REPOSITORY_INPUTS = ("content", "records", "schemas", "templates", "mkdocs.yml")


def stable_repr(value: Any) -> str:
    """`repr` with sets in sorted order, so a key is the same in every process: the repr of a
    set of strings follows the per-process string hash (PYTHONHASHSEED). A History holds
    tuples, dicts and frozen dataclasses only, so its plain repr is stable (and 5x faster)."""
    if isinstance(value, History):
        return repr(value)
    if isinstance(value, (set, frozenset)):
        return "{" + ", ".join(sorted(stable_repr(v) for v in value)) + "}"
    if isinstance(value, (list, tuple)):
        inner = ", ".join(stable_repr(v) for v in value)
        return f"[{inner}]" if isinstance(value, list) else f"({inner})"
    if isinstance(value, dict):
        return (
            "{" + ", ".join(f"{stable_repr(k)}: {stable_repr(v)}" for k, v in value.items()) + "}"
        )
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = ", ".join(
            f"{f.name}={stable_repr(getattr(value, f.name))}" for f in dataclasses.fields(value)
        )
        return f"{type(value).__qualname__}({fields})"
    return repr(value)


@dataclass(frozen=True)
class Cached:
    files: list[GeneratedFile]
    issues: list[Issue]


class OutputCache:
    """Stores and restores renderer outputs under `cache_dir`."""

    def __init__(self, cache_dir: Path, config: Config) -> None:
        self.dir = cache_dir
        self.config = config
        self.code = code_fingerprint()
        self._trees: dict[tuple[tuple[str, ...], frozenset[str]], str] = {}
        self._histories: dict[int, tuple[History, str]] = {}  # the object kept: ids stay unique

    def _tree(self, parts: tuple[str, ...], skip: frozenset[str]) -> str:
        if (parts, skip) not in self._trees:
            self._trees[parts, skip] = tree_digest(self.config.root, parts, skip)
        return self._trees[parts, skip]

    def _repr(self, value: Any) -> str:
        """`stable_repr`, once per History object (several renderers are keyed on one)."""
        if not isinstance(value, History):
            return stable_repr(value)
        if id(value) not in self._histories:
            self._histories[id(value)] = (value, stable_repr(value))
        return self._histories[id(value)][1]

    def key(
        self,
        name: str,
        parts: tuple[str, ...],
        inputs: Iterable[Any],
        skip: frozenset[str] = frozenset(),
    ) -> str:
        digest = hashlib.sha256()
        tree = self._tree(parts, skip)
        for piece in (self.code, name, tree, *(self._repr(i) for i in inputs)):
            digest.update(piece.encode("utf-8"))
            digest.update(b"\0")
        return digest.hexdigest()

    def run(
        self,
        name: str,
        parts: tuple[str, ...],
        inputs: Iterable[Any],
        out_dir: Path,
        render: Callable[[], Cached],
        folders: tuple[str, ...] = (),
        skip: frozenset[str] = frozenset(),
    ) -> Cached:
        """`render()`'s result, from the cache when the inputs are unchanged.

        The files stored are those `render` returns plus every file under `folders` of
        `out_dir` that it wrote (the site's folders, which no manifest entry lists). Files
        in `skip` are left out of the tree digest: the caller puts what it reads of them into
        `inputs` instead.
        """
        entry = self.dir / name / self.key(name, parts, inputs, skip)
        restored = self._restore(entry, out_dir)
        if restored is not None:
            return restored
        before = {p for f in folders for p in _files_under(out_dir / f)}
        result = render()
        written = {p for f in folders for p in _files_under(out_dir / f)} - before
        paths = sorted(
            {f.path for f in result.files} | {p.relative_to(out_dir).as_posix() for p in written}
        )
        self._store(entry, out_dir, paths, result)
        return result

    def _restore(self, entry: Path, out_dir: Path) -> Cached | None:
        index = entry / "index.json"
        if not index.is_file():
            return None
        restored: list[Path] = []
        try:
            data = json.loads(index.read_text(encoding="utf-8"))
            folders = _Folders()
            for rel in data["paths"]:
                source, target = entry / "files" / rel, out_dir / rel
                if _stamp(source) != data["stamps"][rel]:  # changed since stored: damaged
                    raise ValueError(rel)
                folders.make(target.parent)
                link_or_copy(source, target)
                restored.append(target)
            files = [GeneratedFile(**f) for f in data["files"]]
            issues = [Issue.from_dict(i) for i in data["issues"]]
        except (OSError, ValueError, KeyError, TypeError):
            for target in restored:  # a damaged entry is rendered again, from no half of it
                target.unlink(missing_ok=True)
            return None
        return Cached(files, issues)

    def _store(self, entry: Path, out_dir: Path, paths: list[str], result: Cached) -> None:
        partial = entry.with_name(entry.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        try:
            stamps = {}
            folders = _Folders()
            for rel in paths:
                target = partial / "files" / rel
                folders.make(target.parent)
                link_or_copy(out_dir / rel, target)
                stamps[rel] = _stamp(target)
            index = {
                "paths": paths,
                "stamps": stamps,
                "files": [f.to_dict() for f in result.files],
                "issues": [i.to_dict() for i in result.issues],
            }
            (partial / "index.json").write_text(
                json.dumps(index, ensure_ascii=False), encoding="utf-8"
            )
            shutil.rmtree(entry, ignore_errors=True)
            partial.rename(entry)
        except OSError:
            shutil.rmtree(partial, ignore_errors=True)  # no cache is slower, never wrong
            return
        self._prune(entry.parent)

    @staticmethod
    def _prune(folder: Path) -> None:
        entries = sorted(
            (p for p in folder.iterdir() if p.is_dir() and not p.name.endswith(".partial")),
            key=lambda p: p.stat().st_mtime,
            reverse=True,
        )
        for stale in entries[KEEP_PER_RENDERER:]:
            shutil.rmtree(stale, ignore_errors=True)


class _Folders:
    """Makes each folder once: a site entry holds ~10,000 files in ~3,000 folders."""

    def __init__(self) -> None:
        self._made: set[Path] = set()

    def make(self, folder: Path) -> None:
        if folder not in self._made:
            folder.mkdir(parents=True, exist_ok=True)
            self._made.add(folder)


def _files_under(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.is_dir() else []


def _stamp(path: Path) -> list[int]:
    info = path.stat()
    return [info.st_size, info.st_mtime_ns]
