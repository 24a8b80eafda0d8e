"""Approvals bound to identities, reviews never lost, history that cannot be rewritten quietly.

Every test drives git and the `cems` CLI as a user (or an impostor) would, on scripted
repositories with fixed dates, and checks that the release is refused or reported as an error.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from generator.core.issues import Severity
from tests.support.scripted_org import Org, codes

QP = "CEMS-QP-90"
MALLORY = ("周建国", "mallory@evil.example")  # the approver's display name, her own e-mail


@pytest.fixture
def org(git_repo, monkeypatch: pytest.MonkeyPatch) -> Org:
    """One reviewed document on main; git identity only from the environment."""
    made = Org(git_repo())
    made.doc(QP)
    made.commit("初稿", "2024-01-10")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", made.repo.env["GIT_CONFIG_GLOBAL"])
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    act_as(monkeypatch, made.ident("zhou-jianguo"), "2024-01-15T16:00:00+08:00")
    return made


def act_as(monkeypatch: pytest.MonkeyPatch, ident: tuple[str, str], when: str) -> None:
    monkeypatch.setenv("GIT_COMMITTER_NAME", ident[0])
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", ident[1])
    monkeypatch.setenv("GIT_COMMITTER_DATE", when)


def errors(org: Org, today: str = "") -> list[str]:
    history_issues = org.history(today=today or None)[1]
    return [i.code for i in history_issues if i.severity is Severity.ERROR]


def release(run_cli, org: Org, version: str, *extra: str) -> tuple[int, str, str]:
    return run_cli("release", version, "--root", str(org.root), *extra)


def tags(org: Org) -> str:
    return org.repo.git("tag", "--list")


# -- identities ------------------------------------------------------------------------------


def test_spoofed_approver_name_is_not_an_approver(org: Org, run_cli, monkeypatch) -> None:
    act_as(monkeypatch, MALLORY, "2024-01-15T16:00:00+08:00")
    code, _out, err = release(run_cli, org, "2024.1")
    assert code == 1 and "RELEASE-NOT-APPROVER" in err and "mallory@evil.example" in err
    assert tags(org) == ""
    # the same tag made by hand is no release, and an ERROR everywhere
    org.repo.tag("release/2024.1", "发布", "2024-01-15T16:00:00+08:00", MALLORY)
    history, _issues = org.history()
    assert history.releases == () and "HISTORY-APPROVER" in errors(org)
    assert run_cli("check", "--root", str(org.root))[0] == 1
    assert run_cli("validate", "--root", str(org.root))[0] == 1


def test_off_roster_and_non_approver_taggers_are_errors(org: Org) -> None:
    org.release("2024.1", "2024-01-15", who="tang-wen")  # on the roster, not an approver
    assert org.history()[0].releases == ()
    assert errors(org) == ["HISTORY-APPROVER"]


def test_unsigned_tag_under_require_signed_is_refused(org: Org, run_cli) -> None:
    org.set_policy(require_signed=True)
    org.commit("发布必须签名", "2024-01-11")
    code, _out, err = release(run_cli, org, "2024.1")
    assert code == 1 and ("RELEASE-TAG-FAILED" in err or "RELEASE-UNSIGNED" in err)
    assert tags(org) == ""
    org.release("2024.1", "2024-01-15")  # unsigned, by the right person
    assert org.history()[0].releases == ()
    assert "HISTORY-SIGNATURE" in errors(org)


def _ssh_key(folder: Path, name: str) -> tuple[Path, str]:
    key = folder / name
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(key)], check=True
    )
    return key, (folder / f"{name}.pub").read_text(encoding="utf-8").strip()


@pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="ssh-keygen is not installed")
def test_ssh_signed_release_is_checked_against_the_roster(
    org: Org, run_cli, monkeypatch, tmp_path: Path
) -> None:
    zhou_key, zhou_public = _ssh_key(tmp_path, "zhou")
    mallory_key, _public = _ssh_key(tmp_path, "mallory")
    org.register_key("zhou-jianguo", ssh=zhou_public)
    org.set_policy(require_signed=True)
    org.commit("登记批准人的签名公钥", "2024-01-11")
    org.repo.git("config", "gpg.format", "ssh")

    # a non-approver who sets user.email to the approver's address, signing with her own key
    org.repo.git("config", "user.signingkey", str(mallory_key))
    code, _out, err = release(run_cli, org, "2024.1", "--sign")
    assert code == 1 and "RELEASE-UNSIGNED" in err and tags(org) == ""

    org.repo.git("config", "user.signingkey", str(zhou_key))
    code, out, err = release(run_cli, org, "2024.1", "--sign")
    assert code == 0, err
    assert "签名已验证" in out
    history, _issues = org.history()
    assert history.releases[0].signature == "good"
    assert errors(org) == []


@pytest.mark.skipif(shutil.which("gpg") is None, reason="gpg is not installed")
def test_gpg_signature_by_an_unregistered_key_is_invalid(
    org: Org, monkeypatch, tmp_path: Path
) -> None:
    home = tmp_path / "gnupg"
    home.mkdir(mode=0o700)
    monkeypatch.setenv("GNUPGHOME", str(home))
    org.repo.env["GNUPGHOME"] = str(home)
    name, email = org.ident("zhou-jianguo")
    try:
        subprocess.run(
            ["gpg", "--batch", "--passphrase", "", "--quick-gen-key", f"{name} <{email}>",
             "ed25519", "sign", "never"],
            check=True, capture_output=True,
        )  # fmt: skip
        org.register_key("zhou-jianguo", gpg="0" * 40)  # someone else's fingerprint
        org.set_policy(require_signed=True)
        org.commit("登记密钥", "2024-01-11")
        org.release("2024.1", "2024-01-15", sign=True)
        assert org.history()[0].releases == ()
        assert "HISTORY-SIGNATURE" in errors(org)
    finally:
        subprocess.run(["gpgconf", "--kill", "gpg-agent"], check=False, capture_output=True)


# -- the ledger ------------------------------------------------------------------------------


def _two_releases(org: Org) -> None:
    org.release("2024.1", "2024-01-15")
    org.doc(QP, body="修订。")
    org.commit("修订", "2024-03-01")
    org.release("2024.2", "2024-03-05")


def test_moved_release_tag_is_an_error(org: Org, run_cli) -> None:
    _two_releases(org)
    assert errors(org) == []
    org.repo.git("tag", "-d", "release/2024.1")
    env = {"GIT_COMMITTER_NAME": "周建国", "GIT_COMMITTER_EMAIL": org.ident("zhou-jianguo")[1]}
    env["GIT_COMMITTER_DATE"] = "2024-01-15T16:00:00+08:00"
    org.repo.git(
        "tag", "-a", "release/2024.1", "-m", "发布 2024.1\n\nPrevious-Release: none", "HEAD",
        env=env,
    )  # fmt: skip
    assert "HISTORY-LEDGER" in errors(org)
    code, _out, err = run_cli("check", "--root", str(org.root))
    assert code == 1 and "已被移动" in err + _out


def test_deleted_release_tag_is_an_error(org: Org, run_cli) -> None:
    _two_releases(org)
    org.repo.git("tag", "-d", "release/2024.1")
    assert "HISTORY-LEDGER" in errors(org)
    code, out, _err = run_cli("check", "--root", str(org.root))
    assert code == 1 and "已被删除" in out
    code, _out, err = run_cli("build", "--root", str(org.root), "--out", str(org.root / "b"))
    assert code == 1 and "HISTORY-LEDGER" in err


def test_tag_made_by_hand_is_not_a_ledger_release(org: Org) -> None:
    org.release("2024.1", "2024-01-15", ledger=False)
    assert "HISTORY-LEDGER" in errors(org)


def test_back_dated_release_is_refused_and_reported(org: Org, run_cli) -> None:
    code, _out, err = release(run_cli, org, "2024.1", "--effective-date", "2020-01-01")
    assert code == 1 and "RELEASE-BACKDATED" in err and tags(org) == ""
    org.release("2024.1", "2024-01-15", effective="2020-01-01")
    assert "HISTORY-BACKDATED" in errors(org)
    code, _out, err = run_cli("in-force", "--root", str(org.root), "--at", "2024-12-31")
    assert code == 1


def test_release_off_the_main_branch_is_refused(org: Org, run_cli) -> None:
    org.repo.git("switch", "-q", "-c", "feature")
    org.doc(QP, body="分支上的修改。")
    org.commit("分支修改", "2024-01-12")
    code, _out, err = release(run_cli, org, "2024.1")
    assert code == 1 and "RELEASE-NOT-MAIN" in err
    org.repo.git("checkout", "-q", "--detach", "main")
    code, _out, err = release(run_cli, org, "2024.1")
    assert code == 1 and "RELEASE-NOT-MAIN" in err and tags(org) == ""
    org.release("2024.1", "2024-01-15", at="feature")  # tagged by hand on the branch
    org.repo.git("switch", "-q", "main")
    assert org.history()[0].releases == ()
    assert "HISTORY-OFF-MAIN" in errors(org)


def test_release_dropped_by_a_reset_of_main_is_an_error(org: Org) -> None:
    _two_releases(org)
    org.repo.git("reset", "-q", "--hard", "release/2024.1")
    org.doc(QP, body="另起炉灶。")
    org.commit("重写", "2024-04-01")
    assert "HISTORY-OFF-MAIN" in errors(org)


def test_edition_letters_only_move_forward(org: Org, run_cli, monkeypatch) -> None:
    org.release("2024.1", "2024-01-15")
    org.doc(QP, edition="B", body="B 版")
    org.commit("换版 B", "2024-02-01")
    org.release("2024.2", "2024-02-05")
    org.doc(QP, edition="A", body="退回 A 版")
    org.commit("退回 A", "2024-03-01")
    act_as(monkeypatch, org.ident("zhou-jianguo"), "2024-03-05T16:00:00+08:00")
    code, _out, err = release(run_cli, org, "2024.3")
    assert code == 1 and "RELEASE-EDITION" in err
    org.release("2024.3", "2024-03-05")
    assert "HISTORY-EDITION-BACKWARDS" in errors(org)


def test_release_on_a_commit_with_unreadable_front_matter_is_an_error(org: Org) -> None:
    org.release("2024.1", "2024-01-15")
    path = org.root / org.path_for(QP, "测试程序")
    path.write_text("---\nid: [\n---\n正文\n", encoding="utf-8")
    org.commit("弄坏文件头", "2024-02-01")
    org.release("2024.2", "2024-02-05")  # tagged by hand: cems release would refuse
    org.doc(QP)
    org.commit("修好文件头", "2024-02-10")
    assert "HISTORY-FRONT-MATTER" in errors(org)
    control = org.history()[0].control(QP)
    assert control.in_force is not None
    assert not control.is_withdrawn and control.in_force.label == "A/0"  # not withdrawn


def test_dry_run_lists_the_release_and_its_drafts(org: Org, run_cli) -> None:
    org.doc("CEMS-QP-91", title="草稿程序", status="draft")
    org.commit("新建草稿", "2024-01-12")
    code, out, err = release(run_cli, org, "2024.1", "--dry-run")
    assert code == 0, err
    assert f"修订 {QP} A/0" in out and "审核 林慧" in out
    assert "草稿，不发布 CEMS-QP-91" in out and "未创建标签" in out
    assert tags(org) == ""
    code, out, err = release(run_cli, org, "2024.1")
    assert code == 0, err
    assert out.index("将发布") < out.index("已发布")  # the list is shown before tagging
    message = org.repo.git("cat-file", "-p", "refs/tags/release/2024.1")
    assert "Previous-Release: none" in message


def test_second_release_records_the_previous_one(org: Org, run_cli, monkeypatch) -> None:
    assert release(run_cli, org, "2024.1")[0] == 0
    org.doc(QP, body="修订")
    org.commit("修订", "2024-03-01")
    act_as(monkeypatch, org.ident("lin-hui"), "2024-03-05T09:00:00+08:00")
    code, _out, err = release(run_cli, org, "2024.2")
    assert code == 0, err
    first = org.repo.git("rev-parse", "release/2024.1").strip()
    commit = org.repo.git("rev-parse", "release/2024.1^{commit}").strip()
    message = org.repo.git("cat-file", "-p", "refs/tags/release/2024.2")
    assert f"Previous-Release: release/2024.1 {commit} {first}" in message
    assert errors(org) == []


# -- reviews ---------------------------------------------------------------------------------


def test_self_review_is_rejected(org: Org, run_cli) -> None:
    org.doc(QP, body="自审的修改")
    org.commit("自审", "2024-01-12", who="lin-hui", reviewers=("lin-hui",))
    code, _out, err = release(run_cli, org, "2024.1")
    assert code == 1 and "RELEASE-UNREVIEWED" in err
    history, issues = org.history()
    assert "HISTORY-REVIEWER" in codes(issues)
    change = next(c for c in history.control(QP).draft_changes if c.summary == "自审")
    assert change.reviewers == ()


def test_reviewer_off_the_roster_does_not_count(org: Org) -> None:
    org.doc(QP, body="外人审核")
    message = "外人审核\n\nReviewed-by: 林慧 <lin.hui@evil.example>"
    org.repo.commit(message, "2024-01-12T10:00:00+08:00", author=org.ident("tang-wen"))
    history, issues = org.history()
    assert "HISTORY-REVIEWER" in codes(issues)
    change = next(c for c in history.control(QP).draft_changes if c.summary == "外人审核")
    assert change.reviewers == ()


def _merge_request(org: Org) -> None:
    """GitHub/GitLab flow: unreviewed commits on a branch, the review in the merge commit."""
    org.repo.git("switch", "-q", "-c", "mr-1")
    org.doc(QP, body="合并请求中的修改。")
    org.commit("修改正文", "2024-02-01", reviewers=())
    org.repo.git("switch", "-q", "main")
    name, email = org.ident("zhou-jianguo")
    reviewer = "{} <{}>".format(*org.ident("he-jing"))
    env = {"GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email}
    env |= {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email}
    env |= {"GIT_COMMITTER_DATE": "2024-02-03T10:00:00+08:00"}
    env |= {"GIT_AUTHOR_DATE": "2024-02-03T10:00:00+08:00"}
    org.repo.git(
        "merge", "-q", "--no-ff", "mr-1", "-m", f"Merge request !1\n\nReviewed-by: {reviewer}",
        env=env,
    )  # fmt: skip


def test_merge_commit_review_appears_on_copy_and_site(
    org: Org, run_cli, monkeypatch, tmp_path: Path
) -> None:
    from docx import Document

    org.release("2024.1", "2024-01-15")
    _merge_request(org)
    act_as(monkeypatch, org.ident("zhou-jianguo"), "2024-02-05T16:00:00+08:00")
    code, out, err = release(run_cli, org, "2024.2")
    assert code == 0, err
    assert "审核 何静" in out
    control = org.history()[0].control(QP)
    assert control.in_force is not None
    assert [r.name for r in control.in_force.changes[0].reviewers] == ["何静"]

    out_dir = tmp_path / "build"
    code, _out, err = run_cli("build", "--root", str(org.root), "--out", str(out_dir))
    assert code == 0, err
    copy = next((out_dir / "word").glob(f"{QP}-*.docx"))
    cells = [c.text for t in Document(str(copy)).tables for row in t.rows for c in row.cells]
    review = cells.index("审核")
    assert cells[review + 1] == "何静"
    assert any("未签名" in c for c in cells)  # the approval block shows the signature state
    page = next((out_dir / "site-src" / "docs").rglob(f"{QP}.md")).read_text("utf-8")
    row = next(line for line in page.splitlines() if line.startswith("| 编制 / 审核 / 批准"))
    assert "何静" in row and "周建国" in row and "林慧" not in row  # git, not front matter
    assert "| 发布签名 | 未签名 |" in page


# -- line endings and dates ------------------------------------------------------------------


def test_crlf_checkout_keeps_released_documents_released(org: Org) -> None:
    org.release("2024.1", "2024-01-15")
    org.repo.git("config", "core.autocrlf", "true")
    path = org.root / org.path_for(QP, "测试程序")
    path.unlink()
    org.repo.git("checkout", "--", ".")
    assert b"\r\n" in path.read_bytes()  # a Windows checkout
    history, _issues = org.history()
    assert history.control(QP).draft is False
    assert history.control(QP).revision_label == "A/0"


def test_future_effective_date_agrees_in_in_force_and_verify(
    org: Org, run_cli, tmp_path: Path
) -> None:
    org.release("2024.1", "2024-01-15")
    org.doc(QP, body="下月生效的修订。")
    org.commit("修订", "2024-06-01")
    org.release("2024.2", "2024-06-03", effective="2024-07-01")

    history, _issues = org.history(today="2024-06-15")
    control = history.control(QP)
    assert control.in_force is not None
    assert control.in_force.label == "A/0"
    assert [r.label for r in control.approved] == ["A/1"]
    code, out, _err = run_cli(
        "in-force", "--root", str(org.root), "--at", "2024-06-15", "--format", "json"
    )
    assert code == 0
    assert json.loads(out)["documents"][0]["revision"] == "A/0"
    in_force = org.history(today="2024-07-01")[0].control(QP).in_force
    assert in_force is not None and in_force.label == "A/1"

    out_dir = tmp_path / "build"
    code, _out, err = run_cli(
        "build", "--root", str(org.root), "--out", str(out_dir), "--today", "2024-06-15"
    )
    assert code == 0, err
    page = next((out_dir / "site-src" / "docs").rglob(f"{QP}.md")).read_text("utf-8")
    assert "已批准，尚未生效" in page and "2024-07-01 起生效" in page
    assert "| 版次/修改状态 | A/0 |" in page
    assert "有未发布的修改" not in page  # approved text is no draft
    copy = next((out_dir / "word").glob(f"{QP}-*.docx"))
    root = str(org.root)
    code, out, _err = run_cli("verify", str(copy), "--root", root, "--today", "2024-06-15")
    assert code == 0 and "A/0" in out, out  # in force until 2024-07-01, as in-force says
    code, out, _err = run_cli("verify", str(copy), "--root", root, "--as-of", "2024-07-01")
    assert code == 4 and "A/1" in out


# -- publish ---------------------------------------------------------------------------------


def test_publish_lists_only_valid_ledger_releases(org: Org, run_cli) -> None:
    from generator.ops.publish import release_versions

    _two_releases(org)
    org.repo.git("tag", "release/web-ui")  # a lightweight tag made in a web UI
    versions = release_versions(org.config())
    assert [v.tag for v in versions] == ["release/2024.1", "release/2024.2", ""]
    org.repo.git("tag", "-d", "release/2024.1")
    code, out, err = run_cli("publish", "--root", str(org.root), "--out", str(org.root / "p"))
    assert code == 1 and "HISTORY-LEDGER" in out + err
    assert not (org.root / "p" / "versions").exists()


# -- what copies, registers and the site print -----------------------------------------------


def test_copies_registers_and_site_agree_on_state_and_approvals(
    org: Org, run_cli, tmp_path: Path
) -> None:
    from docx import Document
    from openpyxl import load_workbook

    org.doc("CEMS-QP-91", title="将作废的程序")
    org.commit("新增 QP-91", "2024-01-11")
    org.release("2024.1", "2024-01-15")
    org.doc(QP, body="发布后的修改。")
    org.doc("CEMS-QP-91", title="将作废的程序", status="obsolete", reason="并入 QP-90")
    org.commit("修改 QP-90，作废 QP-91", "2024-02-01")
    org.release("2024.2", "2024-02-05")  # withdraws QP-91, and QP-90 changed too
    org.doc(QP, body="再次修改，尚未发布。")
    org.commit("再次修改", "2024-03-01")

    out_dir = tmp_path / "build"
    code, _out, err = run_cli("build", "--root", str(org.root), "--out", str(out_dir))
    assert code == 0, err

    sheet = load_workbook(out_dir / "xlsx" / "受控文件清单.xlsx").active
    rows = {r[0]: r for r in sheet.iter_rows(values_only=True) if r and r[0]}
    docs = out_dir / "site-src" / "docs"
    page = next(docs.rglob(f"{QP}.md")).read_text("utf-8")
    assert "有效（有未发布的修改）" in rows[QP] and "| 状态 | 有效（有未发布的修改） |" in page

    draft = next((out_dir / "word" / "drafts").glob(f"{QP}-*.docx"))
    document = Document(str(draft))
    text = "\n".join(p.text for p in document.paragraphs)  # the cover's control line
    header = document.sections[0].header.tables[0]
    text += "\n".join(c.text for r in header.rows for c in r.cells)
    assert "草稿（修订 A/1）" in text and "生效日期：未生效（草稿）" in text

    withdrawn = next((out_dir / "word" / "withdrawn").glob("CEMS-QP-91-*.docx"))
    cells = [c.text for t in Document(str(withdrawn)).tables for r in t.rows for c in r.cells]
    approve = cells.index("批准")
    assert cells[approve + 1] == "周建国" and "未签署" not in cells[approve + 2]


def test_released_text_that_no_longer_parses_is_an_error(org: Org, run_cli, tmp_path) -> None:
    # released under its commit's own looser schema, unreadable under today's
    schema_path = org.root / "schemas" / "document.schema.json"
    strict = schema_path.read_text(encoding="utf-8")
    schema = json.loads(strict)
    schema["required"].remove("review_interval_months")
    schema_path.write_text(json.dumps(schema, ensure_ascii=False), encoding="utf-8")
    path = org.root / org.path_for(QP, "测试程序")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("review_interval_months: 12\n", ""), encoding="utf-8")
    org.commit("缺少评审周期的文件头", "2024-01-11")
    org.release("2024.1", "2024-01-15")
    schema_path.write_text(strict, encoding="utf-8")
    org.doc(QP, body="修好后的草稿。")
    org.commit("补上评审周期", "2024-02-01")
    code, _out, err = run_cli("build", "--root", str(org.root), "--out", str(tmp_path / "b"))
    assert code == 1
    assert "COPY-RELEASED-UNREADABLE" in err and "release/2024.1" in err and QP in err
    assert not (tmp_path / "b" / "word").exists()


def test_signing_required_from_a_date_keeps_older_releases(org: Org) -> None:
    org.release("2024.1", "2024-01-15")  # unsigned, before signing was required
    org.set_policy(require_signed=True, signed_since="2024-02-01")
    org.doc(QP, body="修订")
    org.commit("要求签名，并修订", "2024-02-10")
    assert errors(org) == []
    org.release("2024.2", "2024-02-15")  # unsigned, after: an error, not a release
    history, _issues = org.history()
    assert [r.tag for r in history.releases] == ["release/2024.1"]
    assert history.releases[0].signature_zh == "未签名"
    assert "HISTORY-SIGNATURE" in errors(org)


def test_release_policy_and_keys_are_validated(org: Org, run_cli) -> None:
    org.set_policy(require_signed="yes")
    org.register_key("zhou-jianguo", ssh="not a key")
    code, out, _err = run_cli("validate", "--root", str(org.root))
    assert code == 1
    assert "organisation.yaml" in out and "require_signed" in out and "ssh_keys" in out
