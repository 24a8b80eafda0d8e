"""Controlled Word copies of each document (render stage, clause 7.2 document control).

One .docx per document (the master copy) under `word/`, and per-department controlled copies
under `word/copies/<dept>/` with that department's 分发号. Revision, dates and signatures come
from `History` (git), never from the front matter or the clock. Unchanged documents are not
rendered again: a cache key over every input is kept in `.cache/word.json`.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

from docx import Document as open_docx
from docx.oxml.ns import qn

from generator.content.model import Model
from generator.control.types import History
from generator.core.config import Config
from generator.core.issues import CemsError, Issue
from generator.manifest import GeneratedFile, sha256_bytes, sha256_file
from generator.render.word import layout
from generator.render.word import ooxml as xml
from generator.render.word.body import build_reference, render_markdown
from generator.render.word.context import (
    MASTER_NUMBER,
    STATUS_IN_FORCE,
    CopyContext,
    context_for,
    file_name,
)
from generator.render.word.form import add_blank_form, split_field_section
from generator.render.word.pdf import write_pdfs  # re-exported: build.py imports it from here
from generator.render.word.qr import add_verification
from generator.render.word.reproducible import normalise, save_docx

RENDERER_VERSION = "cems-word-1"


def reference_bytes(config: Config) -> bytes:
    """The content repository's templates/word/reference.docx, else the one cems ships
    (the same bytes `build_reference` writes), else the built-in default. A file that is not
    a Word document stops the build with its name (not a zip error)."""
    path = config.template("word", "reference.docx")
    if not path.is_file():
        return build_reference()
    data = path.read_bytes()
    try:
        open_docx(io.BytesIO(data))
    except Exception as error:  # python-docx raises zip, XML and key errors alike
        inside = path.resolve().is_relative_to(config.root)
        rel = path.resolve().relative_to(config.root).as_posix() if inside else str(path)
        raise CemsError(
            f"Word 参考模板无法使用 (reference document unusable): {rel}",
            [
                Issue(
                    rel,
                    None,
                    "",
                    f"不是可用的 Word 文档：{type(error).__name__}: {error} (not a usable .docx)",
                    code="TEMPLATE-CORRUPT",
                    hint="用 Word 重新另存为 .docx；或删除它，改用 cems 内置的参考模板。",
                )
            ],
        ) from None
    return data


# ---- building one copy -------------------------------------------------------------------


def build_copy(ctx: CopyContext, template: bytes) -> Any:
    """A python-docx Document for one copy (not saved)."""
    document = open_docx(io.BytesIO(template))
    body = document.element.body
    for child in list(body):  # the reference's sample paragraphs are not content
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    layout.header(document, ctx)
    layout.footer(document, ctx)
    layout.cover(document, ctx)
    add_verification(document, ctx.verify_url)
    _body(document, ctx)
    layout.marks(document, ctx)
    _properties(document, ctx)
    return document


def _body(document: Any, ctx: CopyContext) -> None:
    """The Markdown body; a form's field list (YAML keys, for editors) gives way to the blank
    form a person fills in."""
    width = layout.usable_width(document)
    base_dir = Path(ctx.base_dir)
    roots = tuple(Path(r) for r in ctx.image_roots)
    body = ctx.document.body
    split = split_field_section(body) if ctx.form else None
    if ctx.form is None:
        render_markdown(document, body, base_dir=base_dir, image_roots=roots, usable_width=width)
        return
    before, number, after = split or (body, "", "")
    render_markdown(document, before, base_dir=base_dir, image_roots=roots, usable_width=width)
    heading = f"{number} 记录表单" if number else "记录表单"
    document.add_paragraph(heading, style="Heading 1")
    add_blank_form(document, ctx.form, ctx.document.id, ctx.revision, width)
    if after.strip():
        render_markdown(document, after, base_dir=base_dir, image_roots=roots, usable_width=width)


def core_date(ctx: CopyContext) -> datetime | None:
    control = ctx.control
    if control.in_force is not None and not control.draft:
        return control.in_force.release.date
    changes = control.draft_changes or (control.in_force.changes if control.in_force else ())
    return max((c.date for c in changes), default=None)


def _properties(document: Any, ctx: CopyContext) -> None:
    props = document.core_properties
    props.title = f"{ctx.document.id} {ctx.document.title}"
    props.subject = ctx.document.kind_zh
    props.category = ctx.document.kind_zh
    props.author = ctx.organisation
    props.last_modified_by = "cems"
    props.keywords = f"{ctx.document.id}; {ctx.revision}"
    props.comments = f"由 cems 从提交 {ctx.commit[:12]} 生成"
    props.revision = 1
    when = core_date(ctx)
    if when is not None:
        props.created = props.modified = when.replace(tzinfo=None)
    xml.set_custom_properties(
        document,
        {
            "cems.document_id": ctx.document.id,
            "cems.revision": ctx.control.revision_label,
            "cems.commit": ctx.commit,
            "cems.content_sha256": sha256_bytes(xml.body_text(document).encode("utf-8")),
            "cems.status": ctx.status,
            "cems.distribution_number": ctx.distribution_number or MASTER_NUMBER,
            "cems.organisation": ctx.organisation,
            "cems.renderer": RENDERER_VERSION,
        },
    )


def write_copy(ctx: CopyContext, template: bytes, path: Path) -> str:
    """Render and save one copy reproducibly; returns its sha256."""
    data = save_docx(build_copy(ctx, template), path, core_date(ctx))
    return sha256_bytes(data)


def copy_bytes(ctx: CopyContext, template: bytes) -> bytes:
    """The bytes `write_copy` would write (the genuine copy, for verification)."""
    buffer = io.BytesIO()
    build_copy(ctx, template).save(buffer)
    return normalise(buffer.getvalue(), core_date(ctx))


def _job(args: tuple[CopyContext, bytes, str]) -> tuple[str, str]:
    ctx, template, path = args
    return ctx.document.id, write_copy(ctx, template, Path(path))


# ---- the cache ---------------------------------------------------------------------------


def renderer_fingerprint() -> str:
    """Version and source of the modules that shape a copy, so a code change re-renders."""
    digest = hashlib.sha256(RENDERER_VERSION.encode("utf-8"))
    here = Path(__file__).resolve().parent
    for name in (
        "copy.py",
        "layout.py",
        "body.py",
        "ooxml.py",
        "reproducible.py",
        "widths.py",
        "form.py",
        "qr.py",
    ):
        digest.update((here / name).read_bytes())
    return digest.hexdigest()


def cache_key(ctx: CopyContext, template: bytes, fingerprint: str = "") -> str:
    """Hash of every input of a copy: its text and control data, organisation, template, code."""
    digest = hashlib.sha256()
    for part in (fingerprint or renderer_fingerprint(), repr(ctx), sha256_bytes(template)):
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()


def _load_cache(path: Path) -> dict[str, dict[str, str]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # no cache, or a damaged one: render everything again
    return data if isinstance(data, dict) else {}


def _cached(entry: dict[str, str] | None, key: str, blobs: Path, path: Path) -> str | None:
    """The copy's sha256 when the cache holds it for `key` (then it is written to `path`)."""
    if not entry or entry.get("key") != key:
        return None
    if path.is_file() and sha256_file(path) == entry.get("sha256"):
        return entry["sha256"]
    blob = blobs / f"{entry.get('sha256', '')}.docx"
    if not blob.is_file() or sha256_file(blob) != entry.get("sha256"):
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    _link(blob, path)
    return entry["sha256"]


def _link(source: Path, target: Path) -> None:
    """A hard link where the file system allows (no bytes copied), else a copy. A blob is
    checked against its sha256 before every use, so one changed through a link is not used."""
    target.unlink(missing_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def _keep_blobs(blobs: Path, word_dir: Path, entries: dict[str, dict[str, str]]) -> None:
    """The cache keeps exactly one file per current copy (builds start from an empty folder)."""
    blobs.mkdir(parents=True, exist_ok=True)
    wanted = {f"{e['sha256']}.docx": e["path"] for e in entries.values()}
    for blob in blobs.glob("*.docx"):
        if blob.name not in wanted:
            blob.unlink()
    for name, rel in wanted.items():
        if not (blobs / name).is_file():
            _link(word_dir / rel, blobs / name)


# ---- entry points ------------------------------------------------------------------------


def render_word(
    model: Model,
    history: History,
    config: Config,
    out_dir: Path,
    *,
    jobs: int = 2,
    subdir: str = "word",
    superseded_by: str = "",
) -> list[GeneratedFile]:
    """Write `out_dir/<subdir>/<ID>-<title>.docx` for every document (master copies);
    `superseded_by` (the release in force now) marks an older release's copies 已替代."""
    template = reference_bytes(config)
    word_dir = out_dir / subdir
    cache_file = out_dir / ".cache" / f"{subdir.replace('/', '-')}.json"
    blobs = out_dir / ".cache" / f"{subdir.replace('/', '-')}-files"
    cache = _load_cache(cache_file)
    fingerprint = renderer_fingerprint()
    contexts = [
        context_for(model, history, config, d, superseded_by=superseded_by) for d in model.documents
    ]
    hashes: dict[str, str] = {}
    todo: list[tuple[CopyContext, bytes, str]] = []
    new_cache: dict[str, dict[str, str]] = {}
    for ctx in contexts:
        path = word_dir / file_name(ctx.document)
        key = cache_key(ctx, template, fingerprint)
        new_cache[ctx.document.id] = {"key": key, "path": path.name}
        hit = _cached(cache.get(ctx.document.id), key, blobs, path)
        if hit:
            hashes[ctx.document.id] = hit
        else:
            todo.append((ctx, template, str(path)))
    hashes.update(_run(todo, jobs))
    _remove_stale(word_dir, {file_name(c.document) for c in contexts})
    for doc_id, entry in new_cache.items():
        entry["sha256"] = hashes[doc_id]
    _keep_blobs(blobs, word_dir, new_cache)
    cache_file.parent.mkdir(parents=True, exist_ok=True)
    cache_file.write_text(json.dumps(new_cache, indent=1, sort_keys=True), encoding="utf-8")
    return sorted(
        GeneratedFile(
            f"{subdir}/{file_name(c.document)}",
            hashes[c.document.id],
            c.document.id,
            c.control.revision_label,
            c.status,
        )
        for c in contexts
    )


def _run(todo: list[tuple[CopyContext, bytes, str]], jobs: int) -> Iterable[tuple[str, str]]:
    if jobs <= 1 or len(todo) < 4:  # a pool costs more than it saves for a few files
        return [_job(item) for item in todo]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(_job, todo, chunksize=max(1, len(todo) // (jobs * 4))))


def _remove_stale(word_dir: Path, keep: set[str]) -> None:
    """Drop master copies of renamed or deleted documents (only top-level .docx we own)."""
    if word_dir.is_dir():
        for path in word_dir.glob("*.docx"):
            if path.name not in keep:
                path.unlink()


def render_controlled_copy(
    model: Model, history: History, config: Config, out_dir: Path, document_id: str, department: str
) -> GeneratedFile:
    """Write `out_dir/word/copies/<dept>/<ID>.docx`, the department's numbered controlled copy."""
    document = model.document(document_id)
    if document is None:
        raise CemsError(f"没有文件 {document_id} (no such document)")
    if model.department(department) is None:
        raise CemsError(f"没有部门 {department} (no such department)")
    ctx = context_for(model, history, config, document, department)
    if ctx.status != STATUS_IN_FORCE:
        raise CemsError(
            f"{document.id} 不是现行有效文件，不得发放受控副本 (only documents in force are issued)"
        )
    path = out_dir / "word" / "copies" / department / f"{document.id}.docx"
    digest = write_copy(ctx, reference_bytes(config), path)
    return GeneratedFile(
        path.relative_to(out_dir).as_posix(),
        digest,
        document.id,
        ctx.control.revision_label,
        ctx.status,
    )


def render_all_copies(
    model: Model, history: History, config: Config, out_dir: Path
) -> list[GeneratedFile]:
    """Controlled copies for every department on every document's distribution list; only
    documents in force are issued (never a withdrawn document, never a draft)."""
    return sorted(
        render_controlled_copy(model, history, config, out_dir, d.id, dept)
        for d in model.documents
        if context_for(model, history, config, d).status == STATUS_IN_FORCE
        for dept in d.distribution
        if model.department(dept) is not None
    )


__all__ = [
    "CopyContext",
    "build_copy",
    "render_all_copies",
    "render_controlled_copy",
    "render_word",
    "write_pdfs",
]
