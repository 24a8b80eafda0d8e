"""Document control from git: revisions, changes, drafts, withdrawals, copies (real repositories)."""

from __future__ import annotations

from datetime import date

import pytest

from generator.control.queries import copy_register, in_force_at
from generator.control.types import UNRELEASED
from generator.core.issues import Severity
from tests.support.scripted_org import Org, codes


@pytest.fixture
def org(git_repo) -> Org:
    return Org(git_repo())


def test_revision_numbers_changes_and_signatures(org: Org) -> None:
    org.doc("CEMS-QP-90")
    org.doc("CEMS-QP-91", title="另一程序")
    org.commit("编制 QP-90 和 QP-91", "2024-01-10", reviewers=("lin-hui",))
    org.release("2024.1", "2024-01-15", effective="2024-02-01")
    org.doc("CEMS-QP-90", body="修订后的正文。")
    first = org.commit(
        "修订 QP-90 第 1 章", "2024-03-01", who="chen-xiaoyu", reviewers=("lin-hui",)
    )
    org.release("2024.2", "2024-03-05")
    org.doc("CEMS-QP-90", edition="B", body="换版正文。")
    org.commit("QP-90 换版", "2024-06-01")
    org.release("2024.3", "2024-06-02", who="lin-hui")

    history, issues = org.history()
    assert issues == []
    assert [r.version for r in history.releases] == ["2024.1", "2024.2", "2024.3"]
    assert history.releases[0].effective_date == date(2024, 2, 1)
    assert history.releases[1].effective_date == date(2024, 3, 5)  # default: the tag date
    assert history.releases[2].approver is not None
    assert history.releases[2].approver.person_id == "lin-hui"

    qp90 = history.control("CEMS-QP-90")
    assert [r.label for r in qp90.revisions] == ["A/0", "A/1", "B/0"]
    assert qp90.revision_label == "B/0" and not qp90.draft
    revision = qp90.revisions[1]
    assert [c.commit for c in revision.changes] == [first]
    change = revision.changes[0]
    assert (change.author.name, change.author.person_id, change.author.meaning) == (
        org.people["chen-xiaoyu"][0],
        "chen-xiaoyu",
        "编制",
    )
    assert [(s.person_id, s.meaning) for s in change.reviewers] == [("lin-hui", "审核")]
    assert revision.release.approver is not None
    assert revision.release.approver.person_id == "zhou-jianguo"
    assert revision.release.approver.meaning == "批准"
    assert len(revision.content_sha256) == 64

    qp91 = history.control("CEMS-QP-91")
    assert [r.label for r in qp91.revisions] == ["A/0"]  # unchanged releases add nothing
    assert qp91.effective_date == date(2024, 2, 1)


def test_chinese_names_and_rename_keep_identity(org: Org) -> None:
    old = org.doc("CEMS-QP-90", path="content/documents/procedures/文件控制（旧名）.md")
    first = org.commit("新建文件控制程序", "2024-01-10")
    org.release("2024.1", "2024-01-15")
    org.repo.git("mv", old, "content/documents/procedures/CEMS-QP-90-文件和记录控制程序.md")
    renamed = org.commit("按编号规则改文件名", "2024-02-01")
    org.doc(
        "CEMS-QP-90",
        path="content/documents/procedures/CEMS-QP-90-文件和记录控制程序.md",
        body="新正文",
    )
    edited = org.commit("修订正文", "2024-02-02")
    org.release("2024.2", "2024-02-05")

    history, issues = org.history()
    assert issues == []
    control = history.control("CEMS-QP-90")
    assert [r.label for r in control.revisions] == ["A/0", "A/1"]
    assert control.revisions[0].path.endswith("文件控制（旧名）.md")
    assert control.in_force is not None
    assert control.in_force.path.endswith("CEMS-QP-90-文件和记录控制程序.md")
    assert [c.commit for c in control.revisions[0].changes] == [first]
    assert [c.commit for c in control.in_force.changes] == [renamed, edited]


def test_merge_commit_brings_branch_changes(org: Org) -> None:
    org.doc("CEMS-QP-90")
    org.commit("初稿", "2024-01-10")
    org.release("2024.1", "2024-01-15")
    org.repo.git("checkout", "-q", "-b", "revise")
    org.doc("CEMS-QP-90", body="分支上的修订")
    branch_commit = org.commit("分支修订", "2024-02-01", reviewers=("lin-hui",))
    org.repo.git("checkout", "-q", "main")
    org.doc("CEMS-QP-91")
    main_commit = org.commit("主线新增 QP-91", "2024-02-02")
    org.repo.git(
        "merge",
        "--no-ff",
        "-q",
        "-m",
        "合并 revise",
        "revise",
        env={
            "GIT_AUTHOR_DATE": "2024-02-03T10:00:00+08:00",
            "GIT_COMMITTER_DATE": "2024-02-03T10:00:00+08:00",
        },
    )
    org.release("2024.2", "2024-02-05")

    history, issues = org.history()
    assert issues == []
    control = history.control("CEMS-QP-90")
    assert [r.label for r in control.revisions] == ["A/0", "A/1"]
    assert control.in_force is not None
    assert [c.commit for c in control.in_force.changes] == [branch_commit]
    assert control.in_force.changes[0].reviewers[0].person_id == "lin-hui"
    qp91_in_force = history.control("CEMS-QP-91").in_force
    assert qp91_in_force is not None
    assert [c.commit for c in qp91_in_force.changes] == [main_commit]


def test_squash_merge(org: Org) -> None:
    org.doc("CEMS-QP-90")
    org.commit("初稿", "2024-01-10")
    org.release("2024.1", "2024-01-15")
    org.repo.git("checkout", "-q", "-b", "revise")
    org.doc("CEMS-QP-90", body="第一步")
    org.commit("wip 1", "2024-02-01")
    org.doc("CEMS-QP-90", body="第二步")
    org.commit("wip 2", "2024-02-02")
    org.repo.git("checkout", "-q", "main")
    org.repo.git("merge", "--squash", "-q", "revise")
    squash = org.commit("修订 QP-90 (#12)", "2024-02-03", reviewers=("lin-hui",))
    org.release("2024.2", "2024-02-05")

    history, _issues = org.history()
    control = history.control("CEMS-QP-90")
    assert control.revision_label == "A/1"
    assert control.in_force is not None
    assert [c.commit for c in control.in_force.changes] == [squash]
    assert [c.summary for c in control.in_force.changes] == ["修订 QP-90 (#12)"]


def test_uncommitted_and_unreleased_edits_are_drafts(org: Org) -> None:
    org.doc("CEMS-QP-90")
    org.doc("CEMS-QP-91", status="draft")
    org.commit("初稿", "2024-01-10")
    org.release("2024.1", "2024-01-15")
    org.doc("CEMS-QP-92")
    pending = org.commit("新增 QP-92", "2024-02-01")
    org.doc("CEMS-QP-90", body="还没提交的修改")

    history, _issues = org.history()
    qp90 = history.control("CEMS-QP-90")
    assert qp90.draft and qp90.revision_label == "A/0"
    assert qp90.in_force is not None
    assert qp90.current_sha256 != qp90.in_force.content_sha256
    qp91 = history.control("CEMS-QP-91")  # status draft: never released
    assert qp91.revision_label == UNRELEASED and qp91.draft
    qp92 = history.control("CEMS-QP-92")
    assert qp92.draft and qp92.revision_label == UNRELEASED
    assert [c.commit for c in qp92.draft_changes] == [pending]


def test_withdrawal_by_status_and_by_deletion(org: Org) -> None:
    org.doc("CEMS-WI-90", title="窑炉作业指导书")
    wi91 = org.doc("CEMS-WI-91", title="旧锅炉作业指导书")
    org.commit("作业文件初稿", "2024-01-10")
    org.release("2024.1", "2024-01-15")
    org.doc("CEMS-WI-90", title="窑炉作业指导书", status="obsolete", reason="窑炉已拆除")
    org.repo.git("rm", "-q", wi91)
    org.commit("删除 WI-91：锅炉改造后不再适用", "2025-01-10")
    org.release("2025.1", "2025-01-15")

    history, issues = org.history()
    assert issues == []
    wi90 = history.control("CEMS-WI-90")
    assert wi90.withdrawn_in is not None
    assert wi90.is_withdrawn and wi90.withdrawn_in.tag == "release/2025.1"
    assert wi90.withdrawal_reason == "窑炉已拆除"
    assert wi90.in_force is None and not wi90.draft
    wi91_control = history.control("CEMS-WI-91")
    assert wi91_control.withdrawn_in is not None
    assert wi91_control.withdrawn_in.version == "2025.1"
    assert wi91_control.withdrawal_reason == "删除 WI-91：锅炉改造后不再适用"
    path, text = history.archived["CEMS-WI-91"]
    assert path == wi91 and "id: CEMS-WI-91" in text
    assert all(c.recalled_by == "release/2025.1" for c in wi90.copies)
    assert in_force_at(history, date(2024, 6, 1)).keys() == {"CEMS-WI-90", "CEMS-WI-91"}
    assert in_force_at(history, date(2025, 2, 1)) == {}


def test_distribution_numbers_are_stable_and_recalled(org: Org) -> None:
    org.doc("CEMS-QP-90", distribution=("quality", "production"))
    org.commit("初稿", "2024-01-10")
    org.release("2024.1", "2024-01-15")
    org.doc("CEMS-QP-90", distribution=("production", "quality", "facilities"), body="改")
    org.commit("增加发放部门", "2024-02-10")
    org.release("2024.2", "2024-02-15")

    history, _issues = org.history()
    copies = [
        (c.distribution_number, c.department, c.revision, c.issued, c.recalled_by)
        for c in copy_register(history)
    ]
    assert copies == [
        ("QP90-01", "quality", "A/0", "release/2024.1", "release/2024.2"),
        ("QP90-02", "production", "A/0", "release/2024.1", "release/2024.2"),
        ("QP90-01", "quality", "A/1", "release/2024.2", ""),
        ("QP90-02", "production", "A/1", "release/2024.2", ""),
        ("QP90-03", "facilities", "A/1", "release/2024.2", ""),
    ]


def test_in_force_at_dates_tags_and_history_at_a_release(org: Org) -> None:
    org.doc("CEMS-QP-90")
    org.commit("初稿", "2024-01-10")
    org.release("2024.1", "2024-01-15", effective="2024-02-01")
    org.doc("CEMS-QP-90", body="改")
    org.commit("修订", "2024-05-10")
    org.release("2024.2", "2024-05-15")

    history, _issues = org.history()
    assert in_force_at(history, date(2024, 1, 20)) == {}  # approved, not yet effective
    assert in_force_at(history, date(2024, 3, 1))["CEMS-QP-90"].label == "A/0"
    assert in_force_at(history, "release/2024.2")["CEMS-QP-90"].label == "A/1"
    assert in_force_at(history, "2024.1")["CEMS-QP-90"].label == "A/0"

    then, issues = org.history(at="release/2024.1")
    assert issues == []
    assert [r.version for r in then.releases] == ["2024.1"]
    assert then.control("CEMS-QP-90").revision_label == "A/0"
    assert not then.control("CEMS-QP-90").draft


def test_tags_that_are_not_releases(org: Org) -> None:
    org.doc("CEMS-QP-90")
    org.commit("初稿", "2024-01-10")
    org.repo.tag("v1.0", "software version", "2024-01-11T10:00:00+08:00", org.ident("lin-hui"))
    org.repo.git("tag", "release/web-ui")  # lightweight, as a web UI makes it

    history, issues = org.history()
    assert history.releases == ()
    assert history.control("CEMS-QP-90").revision_label == UNRELEASED
    assert codes(issues) == ["HISTORY-LIGHTWEIGHT-TAG"]
    assert "git tag -a" in issues[0].hint


def test_tag_by_a_non_approver_is_not_a_release(org: Org) -> None:
    org.doc("CEMS-QP-90")
    org.commit("初稿", "2024-01-10")
    org.release("2024.1", "2024-01-15", who="tang-wen")
    history, issues = org.history()
    assert codes(issues) == ["HISTORY-APPROVER"]
    assert issues[0].severity is Severity.ERROR
    assert history.releases == ()
    assert history.control("CEMS-QP-90").revision_label == UNRELEASED


def test_periodic_review_from_release_and_review_records(org: Org) -> None:
    org.doc("CEMS-QP-90")
    org.doc("CEMS-QP-91")
    org.commit("初稿", "2024-01-10")
    org.release("2024.1", "2024-01-15")
    org.repo.write(
        "records/document-reviews/2025-01.yaml",
        "id: DR-2025-01\ntitle: 2025 年文件评审\ndate: '2025-01-20'\nreviewer: lin-hui\n"
        "documents:\n  - {document: CEMS-QP-91, outcome: no_change}\n",
    )
    org.commit("记录文件评审", "2025-03-01")

    history, _issues = org.history()
    assert history.head_date == date(2025, 3, 1)
    qp90, qp91 = history.control("CEMS-QP-90"), history.control("CEMS-QP-91")
    assert (qp90.last_review, qp90.next_review, qp90.review_overdue) == (
        date(2024, 1, 15),
        date(2025, 1, 15),
        True,
    )
    assert (qp91.last_review, qp91.next_review, qp91.review_overdue) == (
        date(2025, 1, 20),
        date(2026, 1, 20),
        False,
    )
