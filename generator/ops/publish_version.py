"""Publish stage: one version's site, built from a throw-away clone checked out at its release
(or the branch head for the draft), and runs of versions built side by side.

A run is a list of consecutive versions built one after another in one process from one
clone, so a version's pages come from the store of the one before; `jobs` runs go to as many
processes. `publish.py` decides which versions are built and lays out the result.
"""

from __future__ import annotations

import functools
import shutil
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from generator.content.model import Model
from generator.content.project import load_project
from generator.control.published import CODE as PUBLISHED_TAG_CODE
from generator.control.revisions import read_history
from generator.control.types import History
from generator.core.config import Config
from generator.core.issues import CemsError, Issue, Severity, has_errors
from generator.git.client import RELEASE_PREFIX, Git
from generator.manifest import GeneratedFile
from generator.ops.digest_register import SITE_REGISTER, entries_of, write_register
from generator.ops.digests import Digests, built_digests, genuine_digests
from generator.ops.publish_records import issued_copy_digests
from generator.render.site.assemble import downloads_from, render_site
from generator.render.site.mkdocs import load_base_config, write_version_sitemap
from generator.render.tables.writer import render_registers
from generator.render.word.copy import render_word


@dataclass(frozen=True)
class Version:
    name: str  # folder name, e.g. 2025-01 or draft
    rev: str  # what to check out: a tag or a commit
    tag: str  # "" for the draft
    commit: str = ""  # the tag's commit ("" for the draft)
    effective: date | None = None  # the release's effective date
    tag_object: str = ""  # the annotated tag's own object id ("" for the draft)


def _git(root: Path, *args: str) -> str:
    return Git(root).run("-c", "advice.detachedHead=false", *args)


def _read_history(config: Config, model: Model, at: str | None) -> tuple[History, list[Issue]]:
    return read_history(config, model, at=at, today=config.today)


def _word_and_registers(
    model: Model, history: History, config: Config, out: Path, superseded_by: str = ""
) -> list[Issue]:
    """Word copies and Excel registers for the downloads; an older release's copies are
    marked 已替代 (only the release in force offers controlled copies)."""
    try:
        render_word(model, history, config, out, superseded_by=superseded_by)
        render_registers(model, history, config, out)
    except CemsError as error:
        return [
            Issue(i.file, i.line, i.field, i.message, Severity.WARNING, i.code, i.hint)
            for i in error.issues
        ]
    return []


def _build_version(
    clone: Path,
    version: Version,
    work: Path,
    target: Path,
    word: bool,
    today: date | None = None,
    successor: str = "",
    issue_copies: bool = False,
) -> tuple[str, list[Issue]]:
    """Check out one version in the clone and build its site into `target`; returns its title."""
    _git(clone, "checkout", "-q", "-f", "--detach", version.rev)
    _git(clone, "clean", "-q", "-f", "-d", "-x")
    out = work / f"out-{version.name}"
    shutil.rmtree(out, ignore_errors=True)
    config = replace(Config.for_root(clone, out), today=today)
    project = load_project(config)
    if project.model is None:
        return "", [
            Issue(i.file, i.line, i.field, f"[{version.name}] {i.message}", i.severity, i.code)
            for i in project.issues
        ]
    history, issues = _read_history(config, project.model, version.tag or None)
    # publish compared the record it is about to rewrite before building (check_published_tags)
    issues = [i for i in issues if i.code != PUBLISHED_TAG_CODE]
    if has_errors(issues):
        return "", issues
    superseded_by = _superseded_by(version, successor)
    digests = None
    copies: Digests = {}
    if word:
        issues += _word_and_registers(project.model, history, config, out, superseded_by)
        # one cache for every version: a revision's genuine copy is rendered once
        masters = [GeneratedFile(f"word/{p.name}", "") for p in (out / "word").glob("*.docx")]
        built = built_digests(out, masters)
        digests = genuine_digests(config, project.model, history, work / "genuine-cache", built)
        copies = digests  # the draft's copies in force are those of the newest release
        if version.tag and issue_copies:
            copies = issued_copy_digests(config, project.model, history, work / "issued", digests)
    downloads = downloads_from(out, project.model)
    issues += render_site(
        project.model,
        history,
        config,
        out,
        downloads=downloads,
        version=version.name,
        superseded_by=superseded_by,
        verification=digests,
        page_cache=work / "page-cache",  # pages a version shares with the one before
    )
    if has_errors(issues):
        return "", issues
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(out / "site", target)
    if word:  # the genuine digests as this version recorded them
        write_register(target / SITE_REGISTER, entries_of(copies, version.name))
    write_version_sitemap(target, version.name, str(load_base_config(config).get("site_url") or ""))
    title = "草稿（未发布）"
    release = next((r for r in history.releases if r.tag == version.tag), None)
    if version.tag:
        label = release.version if release else version.name
        title = f"{label}（{release.effective_date}）" if release else label
    return title, issues


def _superseded_by(version: Version, successor: str) -> str:
    """The version of the release that replaced `version` (the next one), "" for the newest
    release and the draft. Naming the successor, not the newest release, keeps a published
    release's pages unchanged by every later release but the one right after it."""
    if not version.tag or not successor:
        return ""
    return successor.removeprefix(RELEASE_PREFIX)


def build_versions_in_runs(
    config: Config,
    versions: list[Version],
    indexes: list[int],
    versions_dir: Path,
    outputs: tuple[bool, bool],  # (word, department copies)
    jobs: int,
) -> list[tuple[str, str, list[Issue]]]:
    """Build `versions[i]` for each i of `indexes` into `versions_dir`, split into `jobs` runs
    of consecutive versions, each in its own process; (name, title, issues) in order."""
    runs = _split(indexes, jobs)
    job = functools.partial(_build_run, config.root, versions, versions_dir, config.today, outputs)
    if len(runs) > 1:
        with ProcessPoolExecutor(max_workers=len(runs)) as pool:
            return [row for rows in pool.map(job, runs) for row in rows]
    return [row for run in runs for row in job(run)]


def _split(indexes: list[int], jobs: int) -> list[list[int]]:
    """`indexes` in at most `jobs` runs of consecutive items, as equal in length as can be."""
    count = max(1, min(jobs, len(indexes)))
    size, extra = divmod(len(indexes), count)
    runs, start = [], 0
    for run in range(count):
        end = start + size + (1 if run < extra else 0)
        runs.append(indexes[start:end])
        start = end
    return [run for run in runs if run]


def _build_run(
    root: Path,
    versions: list[Version],
    versions_dir: Path,
    today: date | None,
    outputs: tuple[bool, bool],
    indexes: list[int],
) -> list[tuple[str, str, list[Issue]]]:
    """Build `versions[i]` for each i of one run in a throw-away clone; (name, title, issues)."""
    rows: list[tuple[str, str, list[Issue]]] = []
    with tempfile.TemporaryDirectory(prefix="cems-publish-") as tmp:
        clone = Path(tmp) / "repo"
        # A local clone shares objects with the repository and leaves it untouched.
        _git(Path(tmp), "clone", "-q", "--no-checkout", str(root), str(clone))
        for index in indexes:
            version = versions[index]
            following = versions[index + 1] if index + 1 < len(versions) else None
            title, found = _build_version(
                clone,
                version,
                clone.parent,
                versions_dir / version.name,
                outputs[0],
                today,
                following.tag if following else "",
                outputs[1],
            )
            rows.append((version.name, title, found))
    return rows
