"""`cems demo DIR`: the sample organisation as a repository whose history shows every case."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from generator.config import Config
from generator.history import copy_register, in_force_at, read_history
from generator.project import load_project


def _git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "core.quotepath=false", *args],
        cwd=root,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
    ).stdout


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    from generator.cli import main

    target = tmp_path_factory.mktemp("demo") / "燕岭陶瓷"
    code = main(["demo", str(target), "--no-build"])
    assert code == 0
    return target, _git(target, "log", "--format=%H")


def test_demo_history_shows_every_document_control_case(demo) -> None:
    root, _log = demo
    config = Config.for_root(root)
    project = load_project(config)
    assert project.model is not None, [i.format() for i in project.issues]
    history, issues = read_history(config, project.model)
    assert issues == []
    assert [r.tag for r in history.releases] == [
        "release/2024.1",
        "release/2024.2",
        "release/2025.1",
    ]
    roster = set(project.model.organisation.approvers)
    assert all(r.approver.person_id in roster for r in history.releases)
    assert history.releases[0].effective_date == "2024-02-01"

    revised = [c for c in history.documents.values() if len(c.revisions) > 1]
    assert len(revised) == 1  # the procedure with an earlier 2024 text
    procedure = revised[0]
    assert [r.label for r in procedure.revisions] == ["A/0", "A/1"]
    assert procedure.revisions[1].release.version == "2024.2"
    assert procedure.revisions[1].changes[0].reviewers  # Reviewed-by trailers were read
    assert procedure.draft and procedure.draft_changes  # the open draft after 2025.1

    withdrawn = [c for c in history.documents.values() if c.is_withdrawn]
    assert len(withdrawn) == 1
    assert withdrawn[0].document_id.startswith("CEMS-WI-")
    assert withdrawn[0].withdrawn_in.version == "2025.1" and withdrawn[0].withdrawal_reason
    assert withdrawn[0].document_id in history.archived
    assert withdrawn[0].document_id not in in_force_at(history, "2025-12-31")
    assert withdrawn[0].document_id in in_force_at(history, "2024.2")

    paths = {d.id: d.path for d in project.model.documents}
    renamed = [
        c
        for c in history.documents.values()
        if c.in_force and c.in_force.path != paths[c.document_id]
    ]
    assert len(renamed) == 1  # released under its earlier name, then renamed: same revision
    assert renamed[0].revision_label == "A/0" and not renamed[0].draft
    assert any(copy.recalled_by == "release/2025.1" for copy in copy_register(history))

    drafts = [c.document_id for c in history.documents.values() if c.draft]
    assert drafts == [procedure.document_id]
    # periodic review: the later of the last release and the last review record counts
    for record in project.model.records_of("document-reviews"):
        for item in record.data["documents"]:
            control = history.control(item["document"])
            if control.in_force is not None:
                assert control.last_review >= record.date
    overdue = [c for c in history.documents.values() if c.review_overdue]
    assert all(c.next_review < history.head_date for c in overdue)
