"""Config: where a content repository keeps things. Passed around; never global."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.core.resources import resource_path


@dataclass(frozen=True)
class Config:
    root: Path
    out_dir: Path
    today: str = ""  # YYYY-MM-DD reference date (--today/--as-of); "" = the clock's date

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
        """The repository's own schemas/ when it keeps a copy, else the ones shipped with cems."""
        own = self.root / "schemas"
        return own if own.is_dir() else resource_path("schemas")

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
