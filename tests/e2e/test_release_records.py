"""Records kept outside the tags: the newest release cannot vanish, and every release is valid.

The ledger in the tags links each release to the one before it; these tests cover what it
cannot see (the newest tag deleted, moved or recreated) through the published site's
`versions.json` and the local release log, and releases whose documents fail their schemas.
Each drives git and the `cems` CLI on a scripted repository with fixed dates.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.scripted_org import Org

QP = "CEMS-QP-90"
NEWEST = "release/2024.2"


@pytest.fixture
def org(git_repo, monkeypatch: pytest.MonkeyPatch) -> Org:
    """Two releases of one reviewed document on main; git identity only from the environment."""
    made = Org(git_repo())
    made.doc(QP)
    made.commit("初稿", "2024-01-10")
    made.release("2024.1", "2024-01-15")
    made.doc(QP, body="修订。")
    made.commit("修订", "2024-03-01")
    made.release("2024.2", "2024-03-05")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", made.repo.env["GIT_CONFIG_GLOBAL"])
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    return made


def publish(run_cli, org: Org, out: Path) -> tuple[int, str]:
    code, stdout, stderr = run_cli(
        "publish", "--root", str(org.root), "--out", str(out), "--no-word", "--today", "2024-04-01"
    )
    return code, stdout + stderr


def check(run_cli, org: Org, verb: str = "check") -> tuple[int, str]:
    extra = ("--today", "2024-04-01") if verb == "check" else ()
    code, stdout, stderr = run_cli(verb, "--root", str(org.root), *extra)
    return code, stdout + stderr


def files_of(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def tag_again(org: Org, name: str, at: str = "HEAD") -> None:
    """Recreate a release tag by hand, by the approver, with a valid ledger line (a day later
    than the original: the same tagger, date and message would make the same tag object)."""
    org.release(name.removeprefix("release/"), "2024-03-08", at=at)


@pytest.fixture
def published(org: Org, run_cli, tmp_path: Path) -> Path:
    """The site published from both releases, named in organisation.yaml as the record."""
    out = tmp_path / "site"
    code, output = publish(run_cli, org, out)
    assert code == 0, output
    record = out / "versions" / "versions.json"
    org.set_policy(published_record=str(record))
    org.commit("登记发布网站的版本记录", "2024-03-06")
    return out


def test_published_record_names_each_release_tag_commit_and_object(
    org: Org, published: Path
) -> None:
    entries = json.loads((published / "versions" / "versions.json").read_text("utf-8"))
    newest = next(e for e in entries if e["version"] == "2024.2")
    assert newest["tag"] == NEWEST
    assert newest["commit"] == org.repo.git("rev-parse", f"{NEWEST}^{{commit}}").strip()
    assert newest["tag_object"] == org.repo.git("rev-parse", NEWEST).strip()
    draft = next(e for e in entries if e["version"] == "draft")
    assert "tag" not in draft and "latest" in newest["aliases"]


def test_a_site_published_without_word_leaves_verify_working(
    org: Org, run_cli, published: Path, tmp_path: Path
) -> None:
    out = tmp_path / "build"
    code, _stdout, stderr = run_cli("build", "--root", str(org.root), "--out", str(out))
    assert code == 0, stderr
    copy = next((out / "word").glob(f"{QP}-*.docx"))
    code, stdout, stderr = run_cli("verify", str(copy), "--root", str(org.root))
    assert code == 0 and "现行有效" in stdout, stdout + stderr  # no register there: no error


def test_deleting_the_newest_release_tag_is_an_error_everywhere(
    org: Org, run_cli, published: Path, tmp_path: Path
) -> None:
    assert check(run_cli, org)[0] == 0
    org.repo.git("tag", "-d", NEWEST)  # the ledger of release/2024.1 is still intact
    for verb in ("check", "validate"):
        code, output = check(run_cli, org, verb)
        assert code == 1 and "HISTORY-PUBLISHED-TAG" in output, output
        assert f"发布标签 {NEWEST} 已被删除" in output
    code, stdout, stderr = run_cli("build", "--root", str(org.root), "--out", str(tmp_path / "b"))
    assert code == 1 and f"{NEWEST} 已被删除" in stdout + stderr
    before = files_of(published)
    code, output = publish(run_cli, org, published)
    assert code == 1 and f"{NEWEST} 已被删除" in output
    assert files_of(published) == before  # publish wrote nothing


def test_moving_or_recreating_the_newest_tag_is_caught_by_publish(
    org: Org, run_cli, published: Path
) -> None:
    recorded = org.repo.git("rev-parse", f"{NEWEST}^{{commit}}").strip()
    org.repo.git("tag", "-d", NEWEST)
    org.doc(QP, body="悄悄改过的修订。")
    org.commit("悄悄修改", "2024-03-07")
    tag_again(org, NEWEST)  # on a later commit: moved
    before = files_of(published)
    code, output = publish(run_cli, org, published)
    assert code == 1 and f"发布标签 {NEWEST} 已被移动" in output, output
    assert recorded[:10] in output and org.repo.git("rev-parse", "HEAD").strip()[:10] in output
    assert files_of(published) == before

    org.repo.git("tag", "-d", NEWEST)
    tag_again(org, NEWEST, at=recorded)  # the same commit, a new tag object
    code, output = publish(run_cli, org, published)
    assert code == 1 and f"发布标签 {NEWEST} 已被删除后重建" in output, output
    code, output = check(run_cli, org)
    assert code == 1 and "已被删除后重建" in output


def test_local_release_log_catches_a_deleted_newest_release(
    git_repo, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    org = Org(git_repo())
    org.doc(QP)
    org.commit("初稿", "2024-01-10")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", org.repo.env["GIT_CONFIG_GLOBAL"])
    name, email = org.ident("zhou-jianguo")
    monkeypatch.setenv("GIT_COMMITTER_NAME", name)
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", email)
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2024-01-15T16:00:00+08:00")
    code, _out, err = run_cli("release", "2024.1", "--root", str(org.root))
    assert code == 0, err
    log = (org.root / ".git" / "cems" / "releases.log").read_text("utf-8")
    assert log.startswith("release/2024.1 " + org.repo.git("rev-parse", "HEAD").strip())
    assert check(run_cli, org)[0] == 0
    org.repo.git("tag", "-d", "release/2024.1")
    code, output = check(run_cli, org)
    assert code == 1 and "release/2024.1 已被删除" in output and ".git/cems/releases.log" in output
    code, _out, err = run_cli("release", "2024.1", "--root", str(org.root))
    assert code == 1 and "RELEASE-HISTORY" in err  # no new release papers over the gap


def test_a_malformed_published_record_is_reported(org: Org, run_cli, tmp_path: Path) -> None:
    record = tmp_path / "versions.json"
    record.write_text('[{"version": "2024.2", "tag": 5}', encoding="utf-8")
    org.set_policy(published_record=str(record))
    code, output = check(run_cli, org, "validate")
    assert code == 1 and "发布记录不是有效的 JSON" in output
    record.write_text('[{"version": "2024.2", "tag": 5, "commit": "x"}]', encoding="utf-8")
    code, output = check(run_cli, org, "validate")
    assert code == 1 and "发布记录第 1 项" in output
    org.set_policy(published_record=str(tmp_path / "missing.json"))
    code, output = check(run_cli, org, "validate")
    assert code == 0 and "找不到 releases.published_record" in output


# -- releases re-validated against their own schemas ----------------------------------------


def drop_review_interval(org: Org) -> Path:
    path = org.root / org.path_for(QP, "测试程序")
    text = path.read_text(encoding="utf-8").replace("review_interval_months: 12\n", "")
    path.write_text(text.replace("修订。", "缺少评审周期。"), encoding="utf-8")
    return path


def test_a_release_whose_documents_fail_their_schema_is_an_error(
    org: Org, run_cli, tmp_path: Path
) -> None:
    drop_review_interval(org)
    org.commit("缺少评审周期的文件头", "2024-03-10")
    org.release("2024.3", "2024-03-12")  # tagged by hand: cems release would refuse
    org.doc(QP, body="修好后的草稿。")
    org.commit("补上评审周期", "2024-03-15")
    rel = org.path_for(QP, "测试程序")
    for verb in ("check", "validate"):
        code, output = check(run_cli, org, verb)
        assert code == 1 and "HISTORY-RELEASE-INVALID" in output, output
        assert "release/2024.3" in output and rel in output and "review_interval_months" in output
        assert "release/2024.1" not in output  # the valid releases are not reported
    code, stdout, stderr = run_cli("build", "--root", str(org.root), "--out", str(tmp_path / "b"))
    assert code == 1 and "HISTORY-RELEASE-INVALID" in stdout + stderr
    assert not (tmp_path / "b" / "word").exists()


def test_cems_release_refuses_a_commit_that_fails_validation(
    org: Org, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    drop_review_interval(org)
    org.commit("缺少评审周期的文件头", "2024-03-10")
    name, email = org.ident("zhou-jianguo")
    monkeypatch.setenv("GIT_COMMITTER_NAME", name)
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", email)
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2024-03-12T16:00:00+08:00")
    code, out, err = run_cli("release", "2024.3", "--root", str(org.root))
    assert code == 1 and "review_interval_months" in out + err
    assert "release/2024.3" not in org.repo.git("tag", "--list")


def test_a_release_is_judged_by_the_schemas_of_its_own_commit(org: Org, run_cli) -> None:
    schema_path = org.root / "schemas" / "document.schema.json"
    strict = schema_path.read_text(encoding="utf-8")
    schema = json.loads(strict)
    schema["required"].remove("review_interval_months")
    schema_path.write_text(json.dumps(schema, ensure_ascii=False, indent=2), encoding="utf-8")
    drop_review_interval(org)
    org.commit("放宽 schema：评审周期可省略", "2024-03-10")
    org.release("2024.3", "2024-03-12")  # valid under the schemas of its commit
    schema_path.write_text(strict, encoding="utf-8")
    org.doc(QP, body="补上评审周期。")
    org.commit("恢复 schema，补上评审周期", "2024-03-15")
    code, output = check(run_cli, org)
    assert code == 0 and "HISTORY-RELEASE-INVALID" not in output, output
