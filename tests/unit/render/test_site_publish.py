"""`cems publish`: one site per release tag plus the draft, in mike's layout, from real git."""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator.cli.main import main
from generator.content.project import load_project, require_model
from generator.core.config import Config
from tests.conftest import GitRepo, copy_sample

APPROVER = ("周建国", "zhou.jianguo@yanling-ceramics.example")
AUTHOR = ("唐雯", "tang.wen@yanling-ceramics.example")
TODAY = "2025-06-01"


def _released_repo(root: Path) -> tuple[Path, str, str]:
    """Two releases and an unreleased edit of one document; returns (root, doc id, page)."""
    copy_sample(root)
    model = require_model(load_project(Config.for_root(root)))
    doc = model.documents[0]
    repo = GitRepo(root)
    repo.commit("建立文件库", "2025-01-10T10:00:00+08:00", AUTHOR)
    repo.tag("release/2025-01", "首次发布", "2025-01-15T09:00:00+08:00", APPROVER)
    path = root / doc.path
    path.write_text(path.read_text(encoding="utf-8") + "\n增补的第一段。\n", encoding="utf-8")
    repo.commit(f"{doc.id}: 增补第一段", "2025-03-01T10:00:00+08:00", AUTHOR)
    repo.tag("release/2025-03", "第二次发布", "2025-03-05T09:00:00+08:00", APPROVER)
    path.write_text(path.read_text(encoding="utf-8") + "\n草稿中的第二段。\n", encoding="utf-8")
    repo.commit(f"{doc.id}: 草拟第二段", "2025-04-01T10:00:00+08:00", AUTHOR)
    return root, doc.id, f"documents/{doc.kind}/{doc.id}/index.html"


def _status(root: Path) -> str:
    return subprocess.run(
        ["git", "status", "--porcelain"], cwd=root, capture_output=True, text=True, check=True
    ).stdout


@dataclass(frozen=True)
class Published:
    root: Path
    doc_id: str
    page: str
    out: Path
    stdout: str
    status_before: str
    status_after: str


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Published:
    """The released repository published once for this module's tests (they only read it)."""
    base = tmp_path_factory.mktemp("publish")
    root, doc_id, page = _released_repo(base / "org")
    before = _status(root)
    out = base / "out"
    args = ["publish", "--root", str(root), "--out", str(out), "--no-word", "--today", TODAY]
    with contextlib.redirect_stdout(io.StringIO()) as stdout:
        code = main(args)
    assert code == 0
    return Published(root, doc_id, page, out, stdout.getvalue(), before, _status(root))


def test_publish_builds_every_release_and_the_draft(published: Published) -> None:
    root, doc_id, page = published.root, published.doc_id, published.page
    assert "versions" in published.stdout
    versions = published.out / "versions"
    entries = json.loads((versions / "versions.json").read_text(encoding="utf-8"))
    assert [e["version"] for e in entries] == ["draft", "2025-03", "2025-01"]  # newest first
    assert [e["aliases"] for e in entries] == [[], ["latest"], []]
    assert entries[1]["title"].startswith("2025-03")
    first = (versions / "2025-01" / page).read_text(encoding="utf-8")
    second = (versions / "2025-03" / page).read_text(encoding="utf-8")
    draft = (versions / "draft" / page).read_text(encoding="utf-8")
    assert "增补的第一段" not in first and "增补的第一段" in second
    assert "草稿中的第二段" in draft and "草稿中的第二段" not in second
    assert "草稿：有未发布的修改" in draft and "草稿：有未发布的修改" not in second
    assert re.search(r'"provider":\s*"mike"', second)  # Material's version selector is on
    latest = (versions / "latest" / "index.html").read_text(encoding="utf-8")
    assert 'url=../2025-03/"' in latest
    # every page of the newest release answers under latest/ too (mike's redirect aliases)
    deep = (versions / "latest" / "clauses" / "index.html").read_text(encoding="utf-8")
    assert 'url=../../2025-03/clauses/"' in deep
    assert 'url=latest/"' in (versions / "index.html").read_text(encoding="utf-8")
    assert doc_id in second
    # every revision ever released has a verification page in every site version (QR targets)
    document = require_model(load_project(Config.for_root(root))).document(doc_id)
    assert document is not None
    edition = document.edition
    pages = versions / "2025-03" / "verify" / doc_id
    assert (versions / "2025-01" / "verify" / doc_id / f"{edition}-0" / "index.html").is_file()
    old = (pages / f"{edition}-0" / "index.html").read_text("utf-8")
    assert f"已被 {edition}/1 替代" in old
    assert "现行有效" in (pages / f"{edition}-1" / "index.html").read_text("utf-8")


def test_publish_leaves_the_repository_untouched(published: Published) -> None:
    assert published.status_after == published.status_before


def test_publish_outside_git_is_a_clear_error(sample_copy, run_cli, tmp_path) -> None:
    shutil.rmtree(sample_copy / ".git", ignore_errors=True)
    code, _out, stderr = run_cli(
        "publish", "--root", str(sample_copy), "--out", str(tmp_path / "o"), "--no-word"
    )
    assert code == 1
    assert "不是 git 仓库" in stderr and "Traceback" not in stderr


def test_a_second_publish_rebuilds_only_what_a_new_release_changed(
    published: Published, run_cli, tmp_path
) -> None:
    """Released versions are kept under the output folder: after a new release only the new
    version, the one it supersedes (its pages now say so) and the draft are built again."""
    # a copy of the module's published repository and output (this test adds a tag)
    root, out, page = tmp_path / "org", tmp_path / "out", published.page
    shutil.copytree(published.root, root, symlinks=True)
    shutil.copytree(published.out, out, symlinks=True)
    args = ("publish", "--root", str(root), "--out", str(out), "--no-word", "--today", TODAY)
    first = (out / "versions" / "2025-01" / page).stat().st_mtime_ns
    repo = GitRepo(root)
    repo.tag("release/2025-04", "第三次发布", "2025-04-05T09:00:00+08:00", APPROVER)
    code, stdout, stderr = run_cli(*args)
    assert code == 0, stderr
    said = stdout + stderr
    assert "沿用版本 2025-01" in said  # superseded by 2025-03 before and after: unchanged
    for name in ("2025-03", "2025-04", "draft"):
        assert f"构建版本 {name}" in said
    assert "构建版本 2025-01" not in said
    assert (out / "versions" / "2025-01" / page).stat().st_mtime_ns == first
    entries = json.loads((out / "versions" / "versions.json").read_text(encoding="utf-8"))
    assert [e["version"] for e in entries] == ["draft", "2025-04", "2025-03", "2025-01"]
    assert entries[-1]["title"].startswith("2025-01")
    # nothing changed since: the draft alone is built
    code, stdout, stderr = run_cli(*args)
    assert code == 0, stderr
    assert (stdout + stderr).count("构建版本") == 1 and "构建版本 draft" in stdout + stderr
