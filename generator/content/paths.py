"""Containment: every file the build reads because content names it stays inside the repository.

Two ways content can reach outside: a file in content/ or records/ that is a symlink to
somewhere else, and a Markdown image (`![..](path)`) whose path, after following symlinks,
leaves the repository's content/ and records/ folders. Both are located errors at validate
time, so a build never embeds a byte from outside (the Word copy and the site downloads).
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt

from generator.core.config import Config
from generator.core.issues import Issue, Severity

CODE_OUTSIDE = "PATH-OUTSIDE"
HINT = "只能引用本仓库 content/ 或 records/ 中的文件 (only files inside content/ or records/)"


def allowed_roots(config: Config) -> tuple[Path, ...]:
    return (config.content_dir.resolve(), config.records_dir.resolve())


def is_inside(path: Path, roots: tuple[Path, ...]) -> bool:
    """Whether `path`, after following symlinks, lies inside one of `roots`."""
    try:
        real = path.resolve()
    except (OSError, RuntimeError):  # a symlink loop
        return False
    return any(real.is_relative_to(root) for root in roots)


def plain_rel(config: Config, path: Path) -> str:
    """Repository-relative path of `path` itself (symlinks not followed)."""
    try:
        return path.relative_to(config.root).as_posix()
    except ValueError:
        return path.as_posix()


def outside_issue(config: Config, path: Path) -> Issue:
    try:
        target = str(path.resolve())
    except (OSError, RuntimeError):
        target = "(符号链接循环 symlink loop)"
    return Issue(
        plain_rel(config, path),
        None,
        "",
        f"符号链接指向仓库之外：{target} (symlink leaves the repository)",
        code=CODE_OUTSIDE,
        hint=HINT,
    )


def linked_folders_outside(config: Config, folder: Path, roots: tuple[Path, ...]) -> list[Issue]:
    """Folder symlinks below `folder` that leave the repository (their files are not read:
    say so instead of silently leaving documents out)."""
    if not folder.is_dir():
        return []
    return [
        outside_issue(config, path)
        for path in sorted(folder.rglob("*"))
        if path.is_symlink() and path.is_dir() and not is_inside(path, roots)
    ]


def _images(body: str) -> Iterator[tuple[int, str]]:
    """(line offset within the body, src) of every Markdown image."""
    if "![" not in body and "]:" not in body:  # no image, no reference definition: no parse
        return
    md = MarkdownIt("commonmark").enable("table")
    for token in md.parse(body):
        line = token.map[0] if token.map else 0
        for child in token.children or []:
            if child.type == "image":
                yield line, str(child.attrs.get("src", ""))


def _is_local(src: str) -> bool:
    parts = urlsplit(src)
    return not parts.scheme and not parts.netloc and bool(parts.path)


def image_issues(
    config: Config, doc_path: Path, rel: str, body: str, body_line: int
) -> Iterator[Issue]:
    """Images of a Markdown body that point outside the repository, or at nothing."""
    roots = allowed_roots(config)
    for offset, src in _images(body):
        if not _is_local(src):
            continue
        target_text = unquote(urlsplit(src).path)
        line = body_line + offset
        target = Path(target_text)
        if not target.is_absolute() and not posixpath.isabs(target_text):
            target = doc_path.parent / target
        if not is_inside(target, roots):
            yield Issue(
                rel,
                line,
                "",
                f"图片路径 '{src}' 指向仓库之外 (image path leaves the repository)",
                code=CODE_OUTSIDE,
                hint=HINT + "；请把图片放进仓库，用相对路径引用。",
            )
        elif not target.is_file():
            yield Issue(
                rel,
                line,
                "",
                f"图片文件 '{src}' 不存在 (image file not found)",
                severity=Severity.WARNING,
                code="PATH-MISSING",
                hint="Word 副本中将显示为［图：…］占位文字。",
            )
