"""`cems demo DIR`: the sample organisation as a repository whose history shows every case."""

from __future__ import annotations

import json
import subprocess
from datetime import date
from pathlib import Path

import pytest

from generator.content.project import load_project
from generator.control.queries import copy_register, in_force_at
from generator.control.revisions import read_history
from generator.core.config import Config
from generator.core.issues import CemsError
from generator.ops.demo import create_demo


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
    from generator.cli.main import main

    target = tmp_path_factory.mktemp("demo") / "燕岭陶瓷"
    code = main(["demo", str(target), "--no-build"])
    assert code == 0
    return target, _git(target, "log", "--format=%H")


OVERDUE_DEMONSTRATION = "CEMS-QP-04"  # revised in 2025.2, left out of the 2025 annual review


def _history(root: Path):
    config = Config.for_root(root)
    project = load_project(config)
    assert project.model is not None, [i.format() for i in project.issues]
    history, issues = read_history(config, project.model)
    assert issues == []
    return project, history


def test_demo_releases_are_approved_and_dated(demo) -> None:
    root, _log = demo
    project, history = _history(root)
    tags = [r.tag for r in history.releases]
    assert len(tags) >= 5 and tags[0] == "release/2024.1"
    assert all(t.startswith(("release/2024.", "release/2025.")) for t in tags)
    roster = set(project.model.organisation.approvers)
    assert all(r.approver.person_id in roster for r in history.releases)
    assert len({r.approver.person_id for r in history.releases}) >= 2
    assert history.releases[0].effective_date == date(2024, 2, 1)
    assert all(r.effective_date >= r.date.date() for r in history.releases)
    # every release names the one before it (the ledger), and checkouts keep LF
    assert [r.previous for r in history.releases] == ["", *tags[:-1]]
    assert (root / ".gitattributes").read_text(encoding="utf-8") == "* text=auto eol=lf\n"


def test_demo_history_shows_every_document_control_case(demo) -> None:
    root, _log = demo
    project, history = _history(root)
    labels = {d: [r.label for r in c.revisions] for d, c in history.documents.items()}
    # a revised procedure: A/1 carries the reviewed change that made it
    procedure = history.control("CEMS-QP-10")
    assert labels["CEMS-QP-10"][:2] == ["A/0", "A/1"]
    assert procedure.revisions[1].changes[0].reviewers  # Reviewed-by trailers were read
    assert procedure.revisions[1].changes[0].author.person_id == "chen-xiaoyu"
    # a new edition: the manual's text of 2024 was edition A, the 2025 rewrite is B/0
    assert labels["CEMS-M-01"] == ["A/0", "B/0"]
    manual = history.control("CEMS-M-01")
    assert manual.in_force.edition == "B" and manual.revisions[0].edition == "A"
    assert project.model.document("CEMS-M-01").edition == "B"

    withdrawn = [c for c in history.documents.values() if c.is_withdrawn]
    assert len(withdrawn) == 1
    gone = withdrawn[0]
    assert gone.document_id.startswith("CEMS-WI-") and gone.withdrawal_reason
    assert gone.document_id in history.archived
    assert gone.document_id not in in_force_at(history, date(2025, 12, 31))
    assert gone.document_id in in_force_at(history, "2024.2")
    assert any(copy.recalled_by == gone.withdrawn_in.tag for copy in copy_register(history))

    paths = {d.id: d.path for d in project.model.documents}
    renamed = [
        c
        for c in history.documents.values()
        if c.in_force and c.in_force.path != paths[c.document_id]
    ]
    assert [c.document_id for c in renamed] == ["CEMS-GZ-03"]  # released before its renaming
    assert renamed[0].revision_label == "A/0" and not renamed[0].draft

    drafts = [c.document_id for c in history.documents.values() if c.draft]
    assert drafts == ["CEMS-QP-10"]  # the open draft after the last release
    assert procedure.draft_changes[0].date > history.releases[-1].date


def test_demo_commits_come_from_the_people_responsible(demo) -> None:
    root, log = demo
    commits = log.split()
    assert 25 <= len(commits) <= 45
    authors = _git(root, "log", "--format=%an").split()
    assert len(set(authors)) >= 8
    bodies = _git(root, "log", "--format=%B%x00").split("\x00")
    assert all("Reviewed-by: " in body for body in bodies if body.strip())
    # records land near the months they describe, one quarter of meter readings at a time
    meter = _git(root, "log", "--reverse", "--format=%an %ad", "--date=short", "--",
                 "records/meter-readings/2024.csv").splitlines()  # fmt: skip
    assert [line.split()[0] for line in meter] == ["郭鹏"] * 4
    assert [line.split()[1][:7] for line in meter] == ["2024-04", "2024-07", "2024-10", "2025-01"]
    first = _git(root, "show", f"{_git(root, 'rev-list', '--reverse', 'HEAD').split()[0]}",
                 "--name-only", "--format=")  # fmt: skip
    assert "records/meter-readings/2024.csv" not in first


def test_demo_reviews_are_done_on_time_but_one(demo, run_cli) -> None:
    root, _log = demo
    project, history = _history(root)
    for record in project.model.records_of("document-reviews"):
        for item in record.data["documents"]:
            control = history.control(item["document"])
            if control.in_force is not None:
                assert control.last_review and record.date
                assert control.last_review >= record.date
    code, out, _err = run_cli(
        "check", "--root", str(root), "--format", "json", "--as-of", str(history.head_date)
    )
    assert code == 0
    data = json.loads(out)
    assert [r["document"] for r in data["overdue_reviews"]] == [OVERDUE_DEMONSTRATION]
    assert [d["document"] for d in data["drafts"]] == ["CEMS-QP-10"]
    assert data["as_of"] == str(history.head_date)


def test_demo_is_deterministic_and_names_what_it_shows(demo, tmp_path: Path) -> None:
    _root, log = demo
    result = create_demo(tmp_path / "again")
    assert _git(result.target, "rev-parse", "HEAD").strip() == log.split()[0]
    assert result.commits == len(log.split()) and len(result.releases) >= 5
    assert result.overdue_reviews == [OVERDUE_DEMONSTRATION]
    assert result.draft_documents == ["CEMS-QP-10"]


def test_a_script_change_missing_from_the_sample_is_refused(tmp_path: Path) -> None:
    script = tmp_path / "script.yaml"
    script.write_text(
        "steps:\n"
        "  - commit:\n"
        '      date: "2024-01-08T09:30:00"\n'
        "      author: tang-wen\n"
        "      message: 建立体系文件\n"
        '      include: ["*"]\n'
        "      earlier:\n"
        "        - document: CEMS-QP-04\n"
        "          kind: procedure\n"
        "          changes: [{key: x, now: 示例中没有的一句话, before: ''}]\n",
        encoding="utf-8",
    )
    target = tmp_path / "demo"
    with pytest.raises(CemsError, match="示例中没有的一句话"):
        create_demo(target, script=script)
    assert not target.exists()  # nothing half-written is left behind
