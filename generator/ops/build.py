"""Build stage: the whole pipeline — load, validate, history, Word copies, registers, site, manifest.

Reads top to bottom like the pipeline. The renderers are imported when a build renders (a
kept, unchanged build loads none of them: matplotlib, python-docx, MkDocs). Output is staged in a sibling folder and swapped in
only when everything succeeded, so a failed build never leaves half-written output behind.
"""

from __future__ import annotations

import dataclasses
import functools
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from generator.content.attachments import iter_attachments, resolve_inside
from generator.content.model import Model
from generator.content.project import Project, load_project, require_model
from generator.control.published import configured_record
from generator.control.review_dates import apply_reviews
from generator.control.revisions import read_history
from generator.control.texts import drafts_view, in_force_view, text_reader
from generator.control.types import History
from generator.core.config import Config
from generator.core.findings import ReviewPack, StatusReport
from generator.core.issues import CemsError, Issue, Severity, has_errors
from generator.core.local_cache import link_or_copy
from generator.manifest import GeneratedFile, write_manifest
from generator.ops.build_inputs import (
    cached_files,
    genuine_inputs,
    record_table_inputs,
    record_tables,
    register_tables,
    table_inputs,
)
from generator.ops.cache import REPOSITORY_INPUTS, OutputCache
from generator.ops.digest_register import SITE_REGISTER, entries_of, write_register
from generator.ops.unchanged import base_key, build_key, kept_output, record_output

Progress = Callable[[str], None]
CACHE = ".cache"
LOCK_FOLDER = ".cems-lock"
WITHDRAWN_DIR = "word/withdrawn"


@dataclass
class BuildResult:
    out_dir: Path
    history: History | None  # None when an unchanged build was kept without reading git
    files: list[GeneratedFile] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)

    @property
    def site_index(self) -> Path:
        return self.out_dir / "site" / "index.html"

    @property
    def word_dir(self) -> Path:
        return self.out_dir / "word"


def _noop(_message: str) -> None:
    return None


def _stage(out_dir: Path) -> Path:
    """An EMPTY staging folder next to the real one; only the render cache (.cache) is carried
    over, so nothing a previous build wrote can survive outside the new manifest."""
    staging = out_dir.with_name(out_dir.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    if (
        out_dir / CACHE
    ).is_dir():  # moved, not copied: it can be large; a failed build puts it back
        (out_dir / CACHE).rename(staging / CACHE)
    return staging


def _restore_cache(staging: Path, out_dir: Path) -> None:
    if (staging / CACHE).is_dir() and out_dir.is_dir() and not (out_dir / CACHE).exists():
        (staging / CACHE).rename(out_dir / CACHE)


def _lock(out_dir: Path) -> FileLock:
    """A lock beside the output folder, in a self-ignoring folder (never shows in git status)."""
    folder = out_dir.parent / LOCK_FOLDER
    try:
        folder.mkdir(parents=True, exist_ok=True)
        ignore = folder / ".gitignore"
        if not ignore.is_file():
            ignore.write_text("*\n", encoding="utf-8")
    except OSError as error:  # the output folder's parent is not writable: name the output
        raise OSError(error.errno, error.strerror, str(out_dir)) from None
    return FileLock(str(folder / f"{out_dir.name}.lock"))


def _swap_in(staging: Path, out_dir: Path) -> None:
    old = out_dir.with_name(out_dir.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if out_dir.exists():
        out_dir.rename(old)
    staging.rename(out_dir)
    shutil.rmtree(old, ignore_errors=True)


def _downloads(files: list[GeneratedFile]) -> dict[str, str]:
    """Site links: document id -> its controlled copy, "xlsx:<name>" -> a register workbook,
    "draft:<id>" -> the draft preview of a document with unreleased edits."""
    links: dict[str, str] = {}
    for generated in files:
        folder, name = generated.path.rsplit("/", 1)
        if folder in ("word", WITHDRAWN_DIR) and generated.document_id:
            links[generated.document_id] = f"downloads/{generated.path}"
        elif folder == "word/drafts" and generated.document_id:
            links[f"draft:{generated.document_id}"] = f"downloads/{generated.path}"
        elif folder in ("word/reports", "word/review"):
            links[generated.document_id] = f"downloads/{generated.path}"
        elif folder == "xlsx":
            key = generated.document_id.removeprefix("register:") or Path(name).stem
            links[f"xlsx:{key}"] = f"downloads/{generated.path}"
    return links


def build_all(
    config: Config,
    *,
    pdf: bool = False,
    copies: bool = False,
    jobs: int = 2,
    progress: Progress = _noop,
    as_of: date | None = None,
) -> BuildResult:
    """Build the Word copies, registers and site of `config.root` into `config.out_dir`.

    The status page and the review input pack are judged `as_of`, by default the
    date of the last commit, so that a build of one commit is the same on any day."""
    out_dir = config.out_dir
    lock = _lock(out_dir)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise CemsError(
            f"另一个 cems build 正在写入 {out_dir}，请等它结束后再试 "
            "(another build is writing this output folder; try again when it has finished)"
        ) from None
    try:
        options = {"pdf": pdf, "copies": copies, "as_of": as_of}
        base = base_key(config, options)  # before reading anything the build reads
        kept = kept_output(out_dir, CACHE, base)
        if kept is not None:  # every input as the last build had it, its output untouched
            return BuildResult(out_dir, None, kept.files, kept.issues)

        progress("读取和校验内容 (loading and validating)")
        project = load_project(config)
        model = require_model(project)
        outside = _outside_inputs(config, model)
        key = (build_key(base, outside), outside)
        issues = [i for i in project.issues if i.severity is Severity.WARNING]

        progress("读取 git 历史 (reading git history)")
        history, history_issues = read_history(config, model)
        issues += history_issues
        if has_errors(history_issues):
            raise CemsError(
                "无法从 git 得到文件历史 (cannot derive document history from git)",
                history_issues,
            )
        preflight(config)
        staging = _stage(out_dir)
        try:
            files, site_issues = _build_into(
                staging,
                project,
                history,
                config,
                pdf=pdf,
                copies=copies,
                jobs=jobs,
                progress=progress,
                as_of=as_of,
            )
        except BaseException:
            _restore_cache(staging, out_dir)
            shutil.rmtree(staging, ignore_errors=True)
            raise
        _swap_in(staging, out_dir)
        issues += site_issues
        record_output(out_dir, CACHE, key, files, issues)
    finally:
        lock.release()
    return BuildResult(out_dir, history, files, issues)


def _outside_inputs(config: Config, model: Model) -> list[str]:
    """Files a build reads that the base key's folders do not cover: attached evidence kept
    elsewhere in the repository, and the configured published record."""
    covered = [config.root.resolve() / part for part in (*REPOSITORY_INPUTS, ".cems")]
    found: set[str] = set()
    for record in model.records:
        for attachment in iter_attachments(record.path, record.data):
            source = resolve_inside(config.root, attachment.path)
            if source is not None and not any(source.is_relative_to(c) for c in covered):
                found.add(str(source))
    published = configured_record(model, config.root)
    if published is not None:
        found.add(str(published))
    return sorted(found)


def _build_into(
    staging: Path,
    project: Project,
    history: History,
    config: Config,
    *,
    pdf: bool,
    copies: bool,
    jobs: int,
    progress: Progress,
    as_of: date | None,
) -> tuple[list[GeneratedFile], list[Issue]]:
    """Every output into the (empty) staging folder; returns the files and the site's issues."""
    from generator.ops.check import locator
    from generator.ops.digests import built_digests, genuine_digests
    from generator.render.site.assemble import render_site
    from generator.render.word.copy import render_word
    from generator.render.word.redline import render_redlines
    from generator.render.word.review_pack import render_review_pack

    model = require_model(project)
    cache = OutputCache(staging / CACHE / "outputs", config)
    progress(f"生成 Word 受控副本 (Word copies, {len(model.documents)} documents)")
    text_at = text_reader(config, history)
    # controlled copies show the revision in force; unreleased edits go to drafts/
    in_force_model, in_force_history = in_force_view(model, history, text_at)
    active, withdrawn = _split_withdrawn(in_force_model, in_force_history)
    files = render_word(active, in_force_history, config, staging, jobs=jobs)
    # withdrawn documents live apart from the copies in force (and are never issued)
    files += render_word(
        withdrawn, in_force_history, config, staging, jobs=jobs, subdir=WITHDRAWN_DIR
    )
    files += render_word(
        drafts_view(model, history), history, config, staging, jobs=jobs, subdir="word/drafts"
    )
    # one cache entry per redline: released revisions never change, so an edit re-renders none
    files += render_redlines(
        model, history, config, staging, text_at, cache_dir=staging / CACHE / "redlines", jobs=jobs
    )
    if copies:
        from generator.render.word.copy import render_all_copies

        files += render_all_copies(active, in_force_history, config, staging)
    progress("生成登记表和碳评估报告 (registers, carbon assessment reports)")
    document_files = frozenset(d.path for d in model.documents)  # keyed by what is read of them
    # the generic tables (the 50,000-row readings) apart: they do not change when a document does
    tables = (
        ("tables", table_inputs(model, history), register_tables),
        ("record-tables", record_table_inputs(model, history), record_tables),
    )
    for name, inputs, render in tables:
        files += cache.run(
            name,
            REPOSITORY_INPUTS,
            inputs,
            staging,
            functools.partial(cached_files, render, model, history, config, staging),
            skip=document_files,
        ).files
    progress("检查体系运行状态和管理评审输入 (cems check findings, review input pack)")
    status, packs = _running_state(model, history, as_of, locator(project))
    files += [render_review_pack(model, history, config, p, staging) for p in packs]
    if pdf:
        from generator.render.word.copy import write_pdfs

        progress("转换 PDF (PDF copies via LibreOffice)")
        files += write_pdfs([staging / f.path for f in files if f.path.endswith(".docx")], staging)
    _copy_downloads(staging)
    links = _downloads(files) | _attachment_downloads(config, model, staging)
    progress("生成网站和副本核对页 (site and verification pages)")
    built = built_digests(staging, files)
    genuine_key = cache.key(
        "genuine",
        REPOSITORY_INPUTS,
        (*genuine_inputs(model, history), built, config, staging / CACHE),
        skip=document_files,
    )
    digests = genuine_digests(config, model, history, staging / CACHE, built, genuine_key)
    # not through the output cache: a stored copy of the whole site (~10,000 files linked in
    # and pruned per build) cost more than the page stores take to build it again
    site_issues = render_site(
        model,
        history,
        config,
        staging,
        downloads=links,
        status=status,
        review_packs=packs,
        verification=digests,
        page_cache=staging / CACHE / "site-pages",
    )
    if has_errors(site_issues):
        raise CemsError("网站生成失败 (site build failed)", site_issues)
    write_register(staging / "site" / SITE_REGISTER, entries_of(digests))
    write_manifest(staging, history.head_commit, files)
    return files, site_issues


def _split_withdrawn(model: Model, history: History) -> tuple[Model, Model]:
    """(documents that are not withdrawn, withdrawn documents still in the working tree)."""
    gone = tuple(
        d for d in model.documents if history.control(d.id).is_withdrawn or d.status == "obsolete"
    )
    kept = tuple(d for d in model.documents if d not in gone)
    return dataclasses.replace(model, documents=kept), dataclasses.replace(model, documents=gone)


def preflight(config: Config) -> None:
    """The repository's templates are usable (before minutes of rendering fail on them)."""
    from generator.render.site.assemble import check_site_templates
    from generator.render.word.copy import reference_bytes

    check_site_templates(config)
    reference_bytes(config)


def _running_state(
    model: Model, history: History, as_of: date | None, locate: Any
) -> tuple[StatusReport, tuple[ReviewPack, ...]]:
    """Findings of `cems check` and the review pack of the latest year, for the site."""
    from generator.carbon.calc.inventory import inventory_years
    from generator.ops.check import status_report
    from generator.ops.review_input import build_review_pack, default_period

    when = as_of or history.head_date or date.today()
    reviewed = apply_reviews(history, model, when)
    status, _issues = status_report(model, when, reviewed, locate)
    if not inventory_years(model):
        return status, ()
    return status, (build_review_pack(model, default_period(model, when), when, status),)


def _copy_downloads(out_dir: Path) -> None:
    """The site serves the Word and Excel files from its own downloads/ folder."""
    docs = out_dir / "site-src" / "docs" / "downloads"
    shutil.rmtree(docs, ignore_errors=True)
    for part in ("word", "xlsx"):
        if (out_dir / part).is_dir():
            shutil.copytree(
                out_dir / part,
                docs / part,
                ignore=shutil.ignore_patterns("copies"),
                copy_function=link_or_copy,
            )


def _attachment_downloads(config: Config, model: Model, out_dir: Path) -> dict[str, str]:
    """Evidence files the records reference, copied under out_dir/attachments/ for the site."""
    links: dict[str, str] = {}
    for record in model.records:
        for attachment in iter_attachments(record.path, record.data):
            source = resolve_inside(config.root, attachment.path)
            if source is None or not source.is_file():
                continue  # validate reports it
            target = out_dir / "attachments" / attachment.path
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            links[f"attachment:{attachment.path}"] = f"downloads/attachments/{attachment.path}"
    return links
