"""Config: where a content repository keeps things. Passed around; never global."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from generator.core.issues import CemsError
from generator.core.resources import resource_path

# A folder is a cems content repository when it holds one of these (checked in this order).
ROOT_MARKERS = ("content/organisation.yaml", ".cems/config.yaml")


def find_root(start: Path | str) -> Path | None:
    """The nearest folder at or above `start` that holds a root marker, else None.

    `.cems/config.yaml` may name `content_root:` (a folder below it): a git repository that
    keeps its organisation in a subfolder, like this product's own checkout and its sample."""
    here = Path(start).resolve()
    for folder in (here, *here.parents):
        if any((folder / marker).is_file() for marker in ROOT_MARKERS):
            return _content_root(folder)
    return None


def _content_root(folder: Path) -> Path:
    marker = folder / ".cems" / "config.yaml"
    if not marker.is_file():
        return folder
    match = re.search(
        r"(?m)^content_root:\s*[\"']?([^\"'#\n]+?)[\"']?\s*$", marker.read_text("utf-8")
    )
    if match is None:
        return folder
    inner = (folder / match.group(1).strip()).resolve()
    # only a folder inside the repository that holds an organisation: never a way out of it
    if inner.is_relative_to(folder) and (inner / "content" / "organisation.yaml").is_file():
        return inner
    return folder


def require_root(start: Path | str) -> Path:
    """`find_root`, or a plain refusal naming the folder (exit 1)."""
    found = find_root(start)
    here = Path(start).resolve()
    if found is None and ((here / "content").is_dir() or (here / "records").is_dir()):
        return here  # a content repository missing its organisation file: loading says so
    if found is None:
        raise CemsError(
            f"这里不是 cems 内容仓库：{Path(start).resolve()} 及其上级目录中都没有 "
            "content/organisation.yaml。请进入内容仓库再运行，或用 --root 指定；"
            "新单位请先运行 cems init DIR --name 单位名称 --prefix 代号 "
            "(not a cems repository: no content/organisation.yaml here or above; "
            "cd into one, pass --root, or start one with cems init)"
        )
    return found


@dataclass(frozen=True)
class Config:
    root: Path
    out_dir: Path
    today: date | None = None  # reference date (--today/--as-of); None = the clock's date

    @classmethod
    def for_root(cls, root: Path | str, out_dir: Path | str | None = None) -> Config:
        root = Path(root).resolve()
        out = Path(out_dir) if out_dir is not None else root / "build"
        return cls(root=root, out_dir=out if out.is_absolute() else (Path.cwd() / out).resolve())

    @property
    def content_dir(self) -> Path:
        return self.root / "content"

    @property
    def documents_dir(self) -> Path:
        return self.content_dir / "documents"

    @property
    def organisation_file(self) -> Path:
        return self.content_dir / "organisation.yaml"

    @property
    def records_dir(self) -> Path:
        return self.root / "records"

    @property
    def schemas_dir(self) -> Path:
        """The repository's own schemas/ if it has one, else the ones shipped with cems.

        `load_schemas` always starts from the shipped set and layers an own folder over it
        (added record types; a replaced shipped schema is reported as SCHEMA-OVERRIDE)."""
        own = self.root / "schemas"
        return own if own.is_dir() else resource_path("schemas")

    def editor_schema(self, name: str) -> Path | None:
        """A schema file editors can reach by a relative `$schema` path, if the repository has
        one: its own schemas/<name>, else the copy `cems init` keeps in .cems/schemas/."""
        for folder in (self.root / "schemas", self.root / ".cems" / "schemas"):
            if (folder / name).is_file():
                return folder / name
        return None

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    def template(self, *parts: str) -> Path:
        """A template the repository overrides at templates/<parts>, else the shipped one."""
        own = self.templates_dir.joinpath(*parts)
        return own if own.exists() else resource_path("templates", *parts)

    def rel(self, path: Path) -> str:
        """Repository-relative path with forward slashes (the same on Windows)."""
        return path.resolve().relative_to(self.root).as_posix()
