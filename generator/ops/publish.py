"""Publish stage: one site per release tag plus the draft, in a mike-compatible layout.

For every tag `release/*` (oldest first) and for the branch head (`draft`), a throw-away clone
is checked out at that commit, its content loaded and validated, its history read from git
and its site built. The result under `out_dir/versions/` is what `mike` would deploy:
`<version>/...` folders, `versions.json` (newest first, alias `latest` on the newest release),
a `latest/` redirect and a root `index.html` redirecting to it. Material's version selector
reads `versions.json`, so serving `out_dir/versions/` with any static server works.
Building one version, and runs of them in parallel, is `publish_version.py`.
"""

from __future__ import annotations

import hashlib
import html
import json
import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

from generator.content.project import load_project
from generator.control.revisions import read_history
from generator.core.config import Config
from generator.core.dates import iso_day
from generator.core.issues import CemsError, Issue, Severity, has_errors
from generator.core.versions import code_fingerprint
from generator.git.client import RELEASE_PREFIX, Git
from generator.ops.digest_register import REGISTER_NAME
from generator.ops.publish_records import (
    check_published_tags,
    keep_digests,
)
from generator.ops.publish_version import Version, build_versions_in_runs

DRAFT = "draft"
LATEST = "latest"

Progress = Callable[[str], None]


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
    The versions to build go to `build_versions_in_runs` (`jobs` processes)."""
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
    if progress:  # here, not in the processes: what they print would bypass the caller
        for index in todo:
            progress(f"构建版本 {versions[index].name} (building version {versions[index].name})")
    results = build_versions_in_runs(config, versions, todo, versions_dir, outputs, jobs)
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
