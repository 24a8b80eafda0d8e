"""The local history cache: a hit only while nothing `read_history` reads has changed."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from generator.content.project import load_project
from generator.control import revisions
from generator.control.history_cache import FOLDER
from generator.control.revisions import read_history
from tests.support.counting import count_calls
from tests.support.scripted_org import Org


def _store(org: Org) -> Path:
    return org.root / ".git" / "cems" / FOLDER


def _released_org(git_repo) -> Org:
    org = Org(git_repo())
    org.doc("CEMS-QP-90")
    org.commit("初稿", "2024-01-10")
    org.release("2024.1", "2024-01-15")
    return org


def test_an_unchanged_repository_is_read_from_git_once(git_repo, monkeypatch) -> None:
    org = _released_org(git_repo)
    calls = count_calls(monkeypatch, revisions, "_read_history")
    first, first_issues = org.history(today="2024-06-01")
    second, second_issues = org.history(today="2024-06-01")
    assert calls[0] == 1
    assert second == first and second_issues == first_issues
    assert second.control("CEMS-QP-90").revision_label == "A/0"
    assert len(list(_store(org).glob("*.pickle"))) == 1


def test_a_new_commit_tag_edit_or_day_reads_again(git_repo, monkeypatch) -> None:
    org = _released_org(git_repo)
    calls = count_calls(monkeypatch, revisions, "_read_history")
    org.history(today="2024-06-01")
    org.doc("CEMS-QP-90", body="改写的正文。")  # working tree edit: a draft revision
    edited, _ = org.history(today="2024-06-01")
    assert calls[0] == 2 and edited.control("CEMS-QP-90").draft
    org.commit("修订", "2024-02-10")
    org.history(today="2024-06-01")
    assert calls[0] == 3
    org.release("2024.2", "2024-02-15")
    released, _ = org.history(today="2024-06-01")
    assert calls[0] == 4
    assert released.control("CEMS-QP-90").revision_label == "A/1"
    org.history(today="2024-06-02")  # in-force and review state follow the day
    assert calls[0] == 5
    org.history(at="release/2024.1", today="2024-06-02")
    assert calls[0] == 6


def test_a_deleted_tag_is_not_served_from_the_cache(git_repo) -> None:
    org = _released_org(git_repo)
    org.doc("CEMS-QP-90", body="改写的正文。")
    org.commit("修订", "2024-02-10")
    org.release("2024.2", "2024-02-15")
    before, _ = org.history(today="2024-06-01")
    assert before.control("CEMS-QP-90").revision_label == "A/1"
    org.repo.git("tag", "-d", "release/2024.2")
    after, _ = org.history(today="2024-06-01")
    assert after.control("CEMS-QP-90").revision_label == "A/0"


def test_a_damaged_entry_is_a_miss(git_repo, monkeypatch) -> None:
    org = _released_org(git_repo)
    org.history(today="2024-06-01")
    for entry in _store(org).glob("*.pickle"):
        entry.write_bytes(b"not a pickle")
    calls = count_calls(monkeypatch, revisions, "_read_history")
    history, _ = org.history(today="2024-06-01")
    assert calls[0] == 1
    assert history.control("CEMS-QP-90").revision_label == "A/0"


def test_a_model_not_loaded_from_files_is_never_cached(git_repo, monkeypatch) -> None:
    org = _released_org(git_repo)
    project = load_project(org.config())
    assert project.model is not None and project.model.sources_digest
    changed = replace(project.model, documents=())
    assert changed.sources_digest == ""
    calls = count_calls(monkeypatch, revisions, "_read_history")
    read_history(org.config(), changed)
    read_history(org.config(), changed)
    assert calls[0] == 2
    assert not _store(org).exists()
