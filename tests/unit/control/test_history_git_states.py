"""Repositories history cannot be read from: no git, no commits, a shallow clone, a bad ref."""

from __future__ import annotations

import subprocess
from pathlib import Path

from generator.content.project import load_project
from generator.control.revisions import read_history
from generator.control.types import UNRELEASED
from generator.core.config import Config
from generator.core.issues import Severity
from tests.support.scripted_org import Org, codes


def _history(root: Path, at: str | None = None):
    config = Config.for_root(root)
    project = load_project(config)
    assert project.model is not None, [i.format() for i in project.issues]
    return read_history(config, project.model, at)


def test_not_a_git_repository(git_repo, tmp_path: Path) -> None:
    org = Org(git_repo(tmp_path / "org"))
    org.doc("CEMS-QP-90")
    org.commit("初稿", "2024-01-10")
    org.release("2024.1", "2024-01-15")
    plain = tmp_path / "plain"
    subprocess.run(["git", "clone", "-q", str(org.root), str(plain)], check=True)
    import shutil

    shutil.rmtree(plain / ".git")
    history, issues = _history(plain)
    assert codes(issues) == ["HISTORY-NOT-GIT"]
    assert issues[0].severity is Severity.WARNING
    assert history.releases == ()
    assert history.control("CEMS-QP-90").revision_label == UNRELEASED


def test_no_commits_yet(git_repo) -> None:
    org = Org(git_repo())
    org.doc("CEMS-QP-90")
    history, issues = _history(org.root)
    assert codes(issues) == ["HISTORY-NO-COMMITS"]
    assert history.control("CEMS-QP-90").revision_label == UNRELEASED
    assert "CEMS-QP-90" in history.documents


def test_shallow_clone_is_an_error_with_a_fix(git_repo, tmp_path: Path) -> None:
    org = Org(git_repo(tmp_path / "org"))
    org.doc("CEMS-QP-90")
    org.commit("初稿", "2024-01-10")
    org.release("2024.1", "2024-01-15")
    org.doc("CEMS-QP-90", body="改")
    org.commit("修订", "2024-02-10")
    org.release("2024.2", "2024-02-15")
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", org.root.as_uri(), str(clone)], check=True
    )
    history, issues = _history(clone)
    assert codes(issues) == ["HISTORY-SHALLOW"]
    assert issues[0].severity is Severity.ERROR
    assert "git fetch --unshallow" in issues[0].hint and "fetch-depth: 0" in issues[0].hint
    assert history.shallow and history.releases == ()
    assert history.control("CEMS-QP-90").revision_label == UNRELEASED


def test_unknown_ref(git_repo) -> None:
    org = Org(git_repo())
    org.doc("CEMS-QP-90")
    org.commit("初稿", "2024-01-10")
    history, issues = _history(org.root, at="release/9.9")
    assert codes(issues) == ["HISTORY-BAD-REF"]
    assert history.releases == ()


def test_content_root_in_a_subfolder_of_the_repository(git_repo, tmp_path: Path) -> None:
    repo = git_repo(tmp_path / "mono")
    sub = tmp_path / "mono" / "碳管理"
    sub.mkdir()
    org = Org(repo)
    # move the organisation into the subfolder: git paths now carry a prefix
    for part in ("schemas", "content"):
        (org.root / part).rename(sub / part)
    org.root = sub
    org.doc("CEMS-QP-90")
    org.commit("初稿", "2024-01-10")
    org.release("2024.1", "2024-01-15")
    history, issues = _history(sub)
    assert issues == []
    control = history.control("CEMS-QP-90")
    assert control.revision_label == "A/0" and not control.draft
    assert control.in_force.path.startswith("content/documents/")
