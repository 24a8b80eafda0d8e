"""Digests of the genuine copies of every revision ever released, for the verification pages.

The copies a build writes are the genuine copies of the revisions in force (master, every
department copy with `--copies`, the carbon assessment reports): their normalised digests
(`docx_inspect`) are taken from the files. Every earlier revision's master copy is rendered
again from its release; that is cached in build/.cache/genuine.json under a key over every
input of the copy, so an unchanged revision costs nothing next time. The site prints them, so
a holder can compare the digest `cems verify` prints with the published one.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from generator.content.model import Model
from generator.control.types import History
from generator.core.config import Config
from generator.manifest import GeneratedFile
from generator.ops.docx_inspect import open_package
from generator.ops.genuine import GenuineCopies
from generator.render.word.context import MASTER_NUMBER
from generator.render.word.copy import cache_key, renderer_fingerprint

CACHE_FILE = "genuine.json"
ALL_FILE = "genuine-all.json"  # the whole answer, under the key of all its inputs
Digests = dict[tuple[str, str], list[tuple[str, str]]]
BUILT_FOLDERS = ("word/copies", "word/reports", "word/withdrawn")
WITHDRAWN_MASTER = "母本（作废标记）"


def built_digests(out_dir: Path, files: list[GeneratedFile]) -> Digests:
    """Digests of the copies this build wrote (masters in force, department and report copies):
    they are the genuine copies of the revisions in force, so nothing is rendered twice."""
    result: Digests = {}
    for generated in files:
        folder = generated.path.rsplit("/", 1)[0]
        if not generated.path.endswith(".docx") or not (
            folder == "word" or folder.startswith(BUILT_FOLDERS)
        ):
            continue
        package = open_package(out_dir / generated.path)
        props = package.custom_properties()
        if props.get("cems.status") not in ("in_force", "withdrawn"):
            continue
        key = (props.get("cems.document_id", ""), props.get("cems.revision", ""))
        number = props.get("cems.distribution_number", MASTER_NUMBER)
        if props.get("cems.status") == "withdrawn":
            number = WITHDRAWN_MASTER
        result.setdefault(key, []).append((number, package.digest()))
    return {key: sorted(rows, key=_master_first) for key, rows in result.items()}


def _master_first(row: tuple[str, str]) -> tuple[bool, str]:
    return (row[0] != MASTER_NUMBER, row[0])


def genuine_digests(
    config: Config, model: Model, history: History, cache_dir: Path, built: Digests, key: str = ""
) -> Digests:
    """(document id, revision) -> [(分发号, digest)] for every released revision: the copies
    built now, and the master copy of every earlier revision rendered again (cached).

    `key`, when given, is a digest of every input (the repository, the history, `built`, the
    code): the whole answer is kept under it, so an unchanged build reads one file instead of
    re-deriving 2,600 copies' contexts to look each one up."""
    kept = _kept(cache_dir / ALL_FILE, key)
    if kept is not None:
        return kept
    result = _genuine_digests(config, model, history, cache_dir, built)
    if key:
        rows = [
            [doc_id, label, [list(row) for row in digests]]
            for (doc_id, label), digests in result.items()
        ]
        with contextlib.suppress(OSError):
            (cache_dir / ALL_FILE).write_text(
                json.dumps({"key": key, "digests": rows}, ensure_ascii=False), encoding="utf-8"
            )
    return result


def _kept(path: Path, key: str) -> Digests | None:
    if not key:
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("key") != key:
            return None
        return {
            (str(doc_id), str(label)): [(str(n), str(d)) for n, d in rows]
            for doc_id, label, rows in data["digests"]
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _genuine_digests(
    config: Config, model: Model, history: History, cache_dir: Path, built: Digests
) -> Digests:
    cache_path = cache_dir / CACHE_FILE
    try:
        cache = json.loads(cache_path.read_text(encoding="utf-8"))
        cache = cache if isinstance(cache, dict) else {}
    except (OSError, ValueError):
        cache = {}
    fresh: dict[str, str] = {}
    fingerprint = renderer_fingerprint()
    result: Digests = dict(built)
    # the work folder is kept in the cache, so cache keys (which name it) stay stable
    genuine = GenuineCopies(config, model, history, cache_dir / "genuine")
    for doc_id, control in sorted(history.documents.items()):
        for revision in control.revisions:
            rows = result.get((doc_id, revision.label), [])
            if any(number == MASTER_NUMBER for number, _digest in rows):
                continue
            ctx = genuine.document_context(doc_id, revision.label, MASTER_NUMBER)
            if ctx is None:
                continue
            key = cache_key(ctx, genuine.template, fingerprint)
            fresh[key] = cache.get(key) or genuine.digest(ctx)
            result[(doc_id, revision.label)] = [(MASTER_NUMBER, fresh[key]), *rows]
    cache_dir.mkdir(parents=True, exist_ok=True)
    cache_path.write_text(json.dumps(fresh, indent=1, sort_keys=True), encoding="utf-8")
    return result
