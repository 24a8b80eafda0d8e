"""Shared fixtures: the sample repository, throw-away copies of it, and scripted git repos."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.cli.main import main
from tests.support.paths import RESOURCES, SAMPLE

SAMPLE_PARTS = ("content", "records")
PRODUCT_PARTS = ("schemas", "templates", "mkdocs.yml")


# The longest tests (one end-to-end demo, one publish for the browser) run first, so that
# with `-n 2 --dist loadfile` (a module's tests, and its module fixture, stay on one worker) the other
# worker takes the short files instead of waiting at the end.
LONGEST_FIRST = ("tests/e2e/test_demo_build.py", "tests/unit/render/test_site_publish.py")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        path = item.nodeid.split("::", 1)[0]
        return LONGEST_FIRST.index(path) if path in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=rank)


@pytest.fixture
def sample_root() -> Path:
    """The sample organisation shipped in this repository (read-only: never write here)."""
    return SAMPLE


def copy_sample(target: Path) -> Path:
    """Copy the sample organisation (content, records, schemas, templates) into `target`."""
    target.mkdir(parents=True, exist_ok=True)
    parts = [SAMPLE / part for part in SAMPLE_PARTS] + [RESOURCES / part for part in PRODUCT_PARTS]
    for source in parts:
        part = source.name
        if source.is_dir():
            shutil.copytree(source, target / part)
        elif source.is_file():
            shutil.copy2(source, target / part)
    return target


@pytest.fixture
def sample_copy(tmp_path: Path) -> Path:
    """A writable copy of the sample organisation, outside any git repository."""
    return copy_sample(tmp_path / "org")


RunCli = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]) -> RunCli:
    """Run `cems ARGS...` in-process; returns (exit code, stdout, stderr)."""

    def run(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return run


class GitRepo:
    """A real git repository with scripted commits at fixed dates (no clock, no global config)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.env = {
            **os.environ,
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": "测试",
            "GIT_AUTHOR_EMAIL": "test@example.org",
            "GIT_COMMITTER_NAME": "测试",
            "GIT_COMMITTER_EMAIL": "test@example.org",
        }
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str, env: dict[str, str] | None = None) -> str:
        result = subprocess.run(
            ["git", "-c", "core.quotepath=false", *args],
            cwd=self.path,
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            encoding="utf-8",
            check=True,
        )
        return result.stdout

    def write(self, rel: str, text: str) -> Path:
        path = self.path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def commit(
        self, message: str, date: str, author: tuple[str, str] = ("测试", "test@example.org")
    ) -> str:
        """Commit everything at `date` (e.g. "2024-03-01T10:00:00+08:00")."""
        env = {
            "GIT_AUTHOR_NAME": author[0],
            "GIT_AUTHOR_EMAIL": author[1],
            "GIT_AUTHOR_DATE": date,
            "GIT_COMMITTER_NAME": author[0],
            "GIT_COMMITTER_EMAIL": author[1],
            "GIT_COMMITTER_DATE": date,
        }
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message, env=env)
        return self.git("rev-parse", "HEAD").strip()

    def tag(
        self,
        name: str,
        message: str,
        date: str,
        tagger: tuple[str, str],
        *,
        ledger: bool = True,
        at: str = "HEAD",
        sign: bool = False,
    ) -> None:
        """An annotated tag made by `tagger` at `date`; a `release/` tag carries the ledger
        line `Previous-Release:` exactly as `cems release` writes it (unless ledger=False)."""
        env = {
            "GIT_COMMITTER_NAME": tagger[0],
            "GIT_COMMITTER_EMAIL": tagger[1],
            "GIT_COMMITTER_DATE": date,
        }
        if ledger and name.startswith("release/"):
            separator = "\n" if "\n\n" in message.strip() else "\n\n"
            message = message.rstrip() + separator + self.ledger_line()
        self.git("tag", "-s" if sign else "-a", name, "-m", message, at, env=env)

    def ledger_line(self) -> str:
        """`Previous-Release: TAG COMMIT OBJECT` naming the newest annotated release tag."""
        out = self.git(
            "for-each-ref",
            "--sort=taggerdate",
            "--format=%(objecttype) %(refname:short) %(*objectname) %(objectname)",
            "refs/tags/release",
        )
        tags = [line.split() for line in out.splitlines() if line.startswith("tag ")]
        if not tags:
            return "Previous-Release: none"
        _type, name, commit, obj = tags[-1]
        return f"Previous-Release: {name} {commit} {obj}"


@pytest.fixture
def git_repo(tmp_path: Path) -> Callable[[Path | None], GitRepo]:
    """Factory: `git_repo()` makes an empty repo; `git_repo(path)` turns a folder into one."""

    def make(path: Path | None = None) -> GitRepo:
        target = path or (tmp_path / "repo")
        target.mkdir(parents=True, exist_ok=True)
        return GitRepo(target)

    return make
