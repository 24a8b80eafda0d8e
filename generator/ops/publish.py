"""Publish stage: one site per release tag plus the draft, in a mike-compatible layout.

For every tag `release/*` (oldest first) and for the branch head (`draft`), a throw-away clone
is checked out at that commit, its content loaded and validated, its history read from git
and its site built. The result under `out_dir/versions/` is what `mike` would deploy:
`<version>/...` folders, `versions.json` (newest first, alias `latest` on the newest release),
a `latest/` redirect and a root `index.html` redirecting to it. Material's version selector
reads `versions.json`, so serving `out_dir/versions/` with any static server works.
"""

from __future__ import annotations

import functools
import hashlib
import html
import json
import shutil
import tempfile
from collections.abc import Callable
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
from generator.core.dates import iso_day
from generator.core.issues import CemsError, Issue, Severity, has_errors
from generator.core.versions import code_fingerprint
from generator.git.client import RELEASE_PREFIX, Git
from generator.manifest import GeneratedFile
from generator.ops.digest_register import REGISTER_NAME, SITE_REGISTER, entries_of, write_register
from generator.ops.digests import Digests, built_digests, genuine_digests
from generator.ops.publish_records import (
    check_published_tags,
    issued_copy_digests,
    keep_digests,
)
from generator.render.site.assemble import downloads_from, render_site
from generator.render.site.mkdocs import load_base_config, write_version_sitemap
from generator.render.tables.writer import render_registers
from generator.render.word.copy import render_word

DRAFT = "draft"
LATEST = "latest"

Progress = Callable[[str], None]


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


def release_versions(config: Config) -> list[Version]:
    """The valid ledger releases oldest first (as `cems check` reads them), then the draft.

    Only annotated release tags that pass the identity, signature, main-branch and ledger
    checks are published; a lightweight or off-roster tag never is. A history with errors
    (a moved, deleted or recreated release) is refused outright.
    """
    project = load_project(config)
    if project.model is None or has_errors(project.issues):
        raise CemsError(
            "内容校验未通过，不能发布版本站点 (content is invalid)",
            [i for i in project.issues if i.severity is Severity.ERROR],
        )
    history, issues = read_history(config, project.model, today=config.today)
    errors = [i for i in issues if i.severity is Severity.ERROR]
    if errors:
        raise CemsError("发布历史有错误，不能发布版本站点 (the release history has errors)", errors)
    objects = {t.name: t.object for t in Git(config.root).release_tags()}
    versions = [
        Version(
            r.tag.removeprefix(RELEASE_PREFIX).replace("/", "-"),
            r.tag,
            r.tag,
            r.commit,
            r.effective_date,
            objects.get(r.tag, ""),
        )
        for r in history.releases
    ]
    return [*versions, Version(DRAFT, history.head_commit, "")]


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


def _redirect(path: Path, target: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    url = html.escape(target, quote=True)
    path.write_text(
        '<!DOCTYPE html>\n<html lang="zh"><head><meta charset="utf-8">'
        f'<title>跳转</title><meta http-equiv="refresh" content="0; url={url}">'
        f'<link rel="canonical" href="{url}">'
        f'<script>location.replace("{url}" + location.hash)</script></head>'
        f'<body><a href="{url}">{url}</a></body></html>\n',
        encoding="utf-8",
    )


def _redirect_alias(versions_dir: Path, alias: str, version: str) -> None:
    """Every page of `version` also answers under `alias/` (mike's redirect alias type), so a
    link such as latest/clauses/ keeps working when the next release moves `latest`."""
    shutil.rmtree(versions_dir / alias, ignore_errors=True)
    source = versions_dir / version
    for page in sorted(source.rglob("index.html")):
        rel = page.relative_to(source)
        depth = len(rel.parts)  # alias/<rel> -> ../ * depth, then version/<rel without index.html>
        target = "../" * depth + version + "/" + rel.parent.as_posix()
        _redirect(versions_dir / alias / rel, target.rstrip("/.") + "/")


def _entry(version: Version, title: str, newest: str) -> dict[str, object]:
    """One versions.json entry; a release also records its tag, commit and tag object, the
    outside record that guards it against deletion (`_check_published_tags`)."""
    entry: dict[str, object] = {
        "version": version.name,
        "title": title,
        "aliases": [LATEST] if version.name == newest else [],
    }
    if version.tag:
        entry |= {"tag": version.tag, "commit": version.commit, "tag_object": version.tag_object}
    return entry


def write_versions_index(
    versions_dir: Path, built: list[tuple[Version, str]]
) -> list[dict[str, object]]:
    """versions.json (newest first), the `latest` alias as a redirect, and the root redirect."""
    releases = [(v, t) for v, t in built if v.tag]
    newest = releases[-1][0].name if releases else ""
    entries = [_entry(v, t, newest) for v, t in reversed(built)]
    (versions_dir / "versions.json").write_text(
        json.dumps(entries, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    if newest:
        _redirect_alias(versions_dir, LATEST, newest)
    _redirect(versions_dir / "index.html", f"{LATEST}/" if newest else f"{DRAFT}/")
    return entries


def publish_versions(
    config: Config,
    out_dir: Path,
    *,
    word: bool = True,
    copies: bool = False,
    progress: Progress | None = None,
    jobs: int = 2,
) -> list[Issue]:
    """Build every release and the draft into out_dir/versions/ (mike layout), the versions
    not kept split between `jobs` processes. With `copies`, each released version's digest
    register also holds the department copies issued with its revisions in force (rendered
    to be digested: the slow part of a publish)."""
    if not (config.root / ".git").exists():
        raise CemsError(
            f"不是 git 仓库 (not a git repository): {config.root}",
            [
                Issue(
                    ".git",
                    None,
                    "",
                    "发布版本站点需要 git 历史 (versions need git history)",
                    code="PUBLISH-NO-GIT",
                )
            ],
        )
    if Git(config.root).resolve("HEAD") is None:
        raise CemsError(
            "git 仓库还没有提交，无法发布版本站点 (no commits yet: nothing to publish)",
            [
                Issue(
                    ".git",
                    None,
                    "",
                    "发布版本站点需要至少一次提交 (versions need at least one commit)",
                    code="PUBLISH-NO-COMMITS",
                    hint="git add -A && git commit -m 初始化",
                )
            ],
        )
    versions_dir = out_dir / "versions"
    check_published_tags(config, versions_dir)
    versions = release_versions(config)
    versions_dir.mkdir(parents=True, exist_ok=True)
    stamps = _read_stamps(out_dir)
    keys = _keys(versions, config, word, copies)
    _remove_stale(versions_dir, versions, stamps, keys)
    built, fresh, issues = _build_versions(
        versions, keys, stamps, versions_dir, config, (word, copies), progress, jobs
    )
    _write_stamps(out_dir, fresh)
    if not built:
        raise CemsError("没有可发布的版本 (no version could be built)", issues)
    keep_digests(versions_dir, [v.name for v, _title in built])
    write_versions_index(versions_dir, built)
    return issues


def _build_versions(
    versions: list[Version],
    keys: dict[str, str],
    stamps: dict[str, dict[str, str]],
    versions_dir: Path,
    config: Config,
    outputs: tuple[bool, bool],  # (word, department copies)
    progress: Progress | None,
    jobs: int,
) -> tuple[list[tuple[Version, str]], dict[str, dict[str, str]], list[Issue]]:
    """Each version reused (its key and folder unchanged) or built; (built, stamps, issues).
    The versions to build are split into `jobs` runs of consecutive versions, each built by
    its own process from its own clone (a version shares most pages with the one before)."""
    titles: dict[str, str] = {}
    todo: list[int] = []
    for index, version in enumerate(versions):
        key, stamp = keys[version.name], stamps.get(version.name)
        if key and stamp and stamp.get("key") == key and (versions_dir / version.name).is_dir():
            if progress:
                progress(f"沿用版本 {version.name} (reusing version {version.name})")
            titles[version.name] = stamp["title"]
        else:
            todo.append(index)
    runs = _split(todo, jobs)
    if progress:  # here, not in the processes: what they print would bypass the caller
        for index in todo:
            progress(f"构建版本 {versions[index].name} (building version {versions[index].name})")
    job = functools.partial(_build_run, config.root, versions, versions_dir, config.today, outputs)
    if len(runs) > 1:
        with ProcessPoolExecutor(max_workers=len(runs)) as pool:
            results = [row for rows in pool.map(job, runs) for row in rows]
    else:
        results = [row for run in runs for row in job(run)]
    issues: list[Issue] = []
    for name, title, found in results:
        issues += found
        if title:
            titles[name] = title
    built = [(v, titles[v.name]) for v in versions if v.name in titles]
    rebuilt = {versions[i].name for i in todo}
    fresh: dict[str, dict[str, str]] = {}
    for version, title in built:
        if keys[version.name]:
            reused = version.name not in rebuilt
            fresh[version.name] = (
                stamps[version.name] if reused else {"key": keys[version.name], "title": title}
            )
    return built, fresh, issues


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


STAMPS = Path(".cache") / "publish-versions.json"


def _keys(versions: list[Version], config: Config, word: bool, copies: bool) -> dict[str, str]:
    """What a released version's site depends on, "" when it must be rebuilt every time (the
    draft; a release not yet in force on `today`, whose pages still change with the date)."""
    day = config.today or date.today()
    code = code_fingerprint()
    keys: dict[str, str] = {}
    for index, version in enumerate(versions):
        following = versions[index + 1] if index + 1 < len(versions) else None
        successor = following.tag if following else ""
        if version.effective is None or version.effective > day:
            keys[version.name] = ""
            continue
        parts = [
            version.tag,
            version.commit,
            code,
            successor,
            str(word),
            str(copies),
            iso_day(config.today),
        ]
        keys[version.name] = hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()
    return keys


def _read_stamps(out_dir: Path) -> dict[str, dict[str, str]]:
    try:
        data = json.loads((out_dir / STAMPS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_stamps(out_dir: Path, stamps: dict[str, dict[str, str]]) -> None:
    path = out_dir / STAMPS
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(stamps, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _remove_stale(
    versions_dir: Path,
    versions: list[Version],
    stamps: dict[str, dict[str, str]],
    keys: dict[str, str],
) -> None:
    """Delete every folder that will not be reused: versions no longer published, versions
    whose key changed, the draft and anything not written by a recorded build."""
    for child in versions_dir.iterdir():
        if child.name == REGISTER_NAME:  # append-only, never removed (_keep_digests)
            continue
        stamp = stamps.get(child.name)
        key = keys.get(child.name, "")
        if key and stamp and stamp.get("key") == key and child.is_dir():
            continue
        if child.is_dir():
            shutil.rmtree(child)
        else:
            child.unlink()
