"""`cems release` and `cems check` driven as a user would, on real git repositories."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from datetime import date
from pathlib import Path

import pytest

from tests.support.scripted_org import Org


@pytest.fixture
def org(git_repo, monkeypatch: pytest.MonkeyPatch) -> Org:
    """One committed document; git identity only from the environment (no global config)."""
    made = Org(git_repo())
    made.doc("CEMS-QP-90")
    made.commit("初稿", "2024-01-10", reviewers=("lin-hui",))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", made.repo.env["GIT_CONFIG_GLOBAL"])
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    as_person(monkeypatch, made, "zhou-jianguo", "2024-01-15T16:00:00+08:00")
    return made


def as_person(monkeypatch: pytest.MonkeyPatch, org: Org, person: str, when: str) -> None:
    name, email = org.ident(person)
    monkeypatch.setenv("GIT_COMMITTER_NAME", name)
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", email)
    monkeypatch.setenv("GIT_COMMITTER_DATE", when)


def tag_text(org: Org, tag: str) -> str:
    return org.repo.git("cat-file", "-p", f"refs/tags/{tag}")


def test_release_tags_approver_and_lists_changes(org: Org, run_cli, monkeypatch) -> None:
    code, out, err = run_cli(
        "release", "2024.1", "--root", str(org.root), "--effective-date", "2024-02-01",
        "-m", "首次发布",
    )  # fmt: skip
    assert code == 0, err
    assert "release/2024.1" in out and "CEMS-QP-90 A/0" in out
    text = tag_text(org, "release/2024.1")
    assert f"tagger {org.ident('zhou-jianguo')[0]} <{org.ident('zhou-jianguo')[1]}>" in text
    assert "Effective-Date: 2024-02-01" in text
    assert "首次发布" in text and "CEMS-QP-90 测试程序 A/0" in text

    org.doc("CEMS-QP-90", body="修订")
    org.commit("修订第 1 章", "2024-03-01")
    as_person(monkeypatch, org, "lin-hui", "2024-03-05T09:00:00+08:00")
    code, out, err = run_cli("release", "2024.2", "--root", str(org.root))
    assert code == 0, err
    text = tag_text(org, "release/2024.2")
    assert "Effective-Date: 2024-03-05" in text  # default: the tag date
    assert "回收副本" in text and "QP90-01" in text and "QP90-02" in text

    history, issues = org.history()
    assert issues == []
    control = history.control("CEMS-QP-90")
    assert control.revision_label == "A/1"
    assert control.in_force is not None and control.in_force.release.approver is not None
    assert control.in_force.release.approver.person_id == "lin-hui"
    assert [r.effective_date.isoformat() for r in history.releases] == ["2024-02-01", "2024-03-05"]


def test_refuses_dirty_tree(org: Org, run_cli) -> None:
    org.doc("CEMS-QP-90", body="未提交")
    code, _out, err = run_cli("release", "2024.1", "--root", str(org.root))
    assert code == 1
    assert "RELEASE-DIRTY" in err and "CEMS-QP-90-测试程序.md" in err
    assert org.repo.git("tag", "--list") == ""


def test_refuses_tagger_not_on_roster(org: Org, run_cli, monkeypatch) -> None:
    as_person(monkeypatch, org, "tang-wen", "2024-01-15T16:00:00+08:00")
    code, _out, err = run_cli("release", "2024.1", "--root", str(org.root))
    assert code == 1 and "RELEASE-NOT-APPROVER" in err and "tang.wen@" in err


def test_refuses_existing_tag_and_empty_release(org: Org, run_cli) -> None:
    assert run_cli("release", "2024.1", "--root", str(org.root))[0] == 0
    code, _out, err = run_cli("release", "2024.1", "--root", str(org.root))
    assert code == 1 and "RELEASE-TAG-EXISTS" in err
    code, _out, err = run_cli("release", "2024.2", "--root", str(org.root))
    assert code == 1 and "RELEASE-NOTHING" in err


def test_refuses_invalid_content(org: Org, run_cli) -> None:
    path = org.root / org.path_for("CEMS-QP-90", "测试程序")
    path.write_text(
        path.read_text(encoding="utf-8").replace("owner: quality", "owner: nobody"),
        encoding="utf-8",
    )
    org.commit("写错归口部门", "2024-01-11")
    code, _out, err = run_cli("release", "2024.1", "--root", str(org.root))
    assert code == 1 and "RELEASE-INVALID" in err and "owner" in err


def test_refuses_shallow_clone(org: Org, run_cli, tmp_path: Path) -> None:
    org.doc("CEMS-QP-90", body="第二版")
    org.commit("修订", "2024-01-12")
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", org.root.as_uri(), str(clone)], check=True
    )
    code, _out, err = run_cli("release", "2024.1", "--root", str(clone))
    assert code == 1 and "HISTORY-SHALLOW" in err and "fetch --unshallow" in err


def test_refuses_bad_version_and_date(org: Org, run_cli) -> None:
    code, _out, err = run_cli("release", "2024..1", "--root", str(org.root))
    assert code == 1 and "RELEASE-VERSION" in err
    code, _out, err = run_cli(
        "release", "2024.1", "--root", str(org.root), "--effective-date", "2024/02/01"
    )
    assert code == 2 and "YYYY-MM-DD" in err  # a usage error, before anything is read


def test_require_signed_refuses_without_a_key(org: Org, run_cli, monkeypatch) -> None:
    home = Path(tempfile.mkdtemp(prefix="cems-gpg-"))
    monkeypatch.setenv("GNUPGHOME", str(home))
    try:
        code, _out, err = run_cli("release", "2024.1", "--root", str(org.root), "--require-signed")
        assert code == 1 and ("RELEASE-TAG-FAILED" in err or "RELEASE-UNSIGNED" in err)
        assert org.repo.git("tag", "--list") == ""
    finally:
        subprocess.run(
            ["gpgconf", "--kill", "gpg-agent"], env={"GNUPGHOME": str(home)}, check=False
        )
        shutil.rmtree(home, ignore_errors=True)


@pytest.mark.skipif(shutil.which("gpg") is None, reason="gpg is not installed")
def test_signed_release_is_verified(org: Org, run_cli, monkeypatch) -> None:
    home = Path(tempfile.mkdtemp(prefix="cems-gpg-"))
    home.chmod(0o700)
    monkeypatch.setenv("GNUPGHOME", str(home))
    name, email = org.ident("zhou-jianguo")
    try:
        subprocess.run(
            ["gpg", "--batch", "--passphrase", "", "--quick-gen-key", f"{name} <{email}>",
             "ed25519", "sign", "never"],
            check=True, capture_output=True,
        )  # fmt: skip
        code, _out, err = run_cli("release", "2024.1", "--root", str(org.root), "--require-signed")
        assert code == 1 and "RELEASE-UNSIGNED" in err  # a valid key, but not registered
        listing = subprocess.run(
            ["gpg", "--with-colons", "--fingerprint", email],
            check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip
        fingerprint = next(ln.split(":")[9] for ln in listing.splitlines() if ln.startswith("fpr"))
        org.register_key("zhou-jianguo", gpg=fingerprint)
        org.commit("登记签名密钥", "2024-01-12")
        code, out, err = run_cli("release", "2024.1", "--root", str(org.root), "--require-signed")
        assert code == 0, err
        assert "签名已验证" in out
        history, _issues = org.history()
        assert history.releases[0].signature == "good"
        assert history.control("CEMS-QP-90").revision_label == "A/0"
    finally:
        subprocess.run(
            ["gpgconf", "--kill", "gpg-agent"], env={"GNUPGHOME": str(home)}, check=False
        )
        shutil.rmtree(home, ignore_errors=True)


def test_check_reports_drafts_and_overdue_reviews(org: Org, run_cli) -> None:
    assert run_cli("release", "2024.1", "--root", str(org.root))[0] == 0
    org.doc("CEMS-QP-90", body="还在修改")
    org.commit("修订中", "2024-06-01")

    code, out, _err = run_cli("check", "--root", str(org.root), "--as-of", "2024-06-01")
    assert code == 0
    assert "CEMS-QP-90（现行 A/0）：修订中" in out and "参照日期 2024-06-01" in out
    code, out, _err = run_cli("check", "--root", str(org.root))  # the reference date: today
    assert f"参照日期 {date.today().isoformat()}" in out

    code, out, _err = run_cli("check", "--root", str(org.root), "--today", "2025-02-01")
    assert code == 0 and "REVIEW-OVERDUE" in out and "2025-01-15" in out
    assert run_cli("check", "--root", str(org.root), "--today", "2025-02-01", "--strict")[0] == 1

    code, out, _err = run_cli(
        "check", "--root", str(org.root), "--today", "2025-02-01", "--format", "json"
    )
    data = json.loads(out)
    assert data["as_of"] == "2025-02-01"
    assert data["overdue_reviews"] == [
        {"document": "CEMS-QP-90", "last_review": "2024-01-15", "due": "2025-01-15"}
    ]
    assert data["drafts"][0]["document"] == "CEMS-QP-90"
    assert data["drafts"][0]["changes"][0]["summary"] == "修订中"


def test_check_fails_on_validation_errors(org: Org, run_cli) -> None:
    path = org.root / org.path_for("CEMS-QP-90", "测试程序")
    path.write_text(path.read_text(encoding="utf-8").replace("edition: A", "edition: 1"), "utf-8")
    code, out, _err = run_cli("check", "--root", str(org.root))
    assert code == 1 and "edition" in out
    code, _out, err = run_cli("check", "--root", str(org.root), "--today", "2025-13-01")
    assert code == 2 and "YYYY-MM-DD" in err
