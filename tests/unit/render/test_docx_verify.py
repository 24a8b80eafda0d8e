"""`cems verify`: in force (0), superseded (4), withdrawn (5), altered or unknown (6)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from docx import Document

from generator.core.config import Config
from generator.ops.verify import VerifyCode, verify_copy
from generator.render.word.copy import render_word
from tests.support.fake_history import (
    R1,
    history_for,
    load_model,
    make_root,
    released_control,
    released_history,
    revision,
)


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    root = make_root(tmp_path / "org")
    model = load_model(root)
    files = render_word(
        model, released_history(model), Config.for_root(root), tmp_path / "b", jobs=1
    )
    return tmp_path / "b" / files[0].path


def test_in_force_copy(copy: Path) -> None:
    verdict = verify_copy(copy, released_history(load_model(copy.parents[2] / "org")))
    assert (verdict.state, verdict.exit_code, verdict.revision) == ("in_force", 0, "A/1")


def test_superseded_copy_names_the_revision_in_force(copy: Path) -> None:
    control = released_control("CEMS-QP-04")
    later = replace(control.in_force, number=2)
    history = history_for(
        {"CEMS-QP-04": replace(control, revisions=(*control.revisions, later), in_force=later)}
    )
    verdict = verify_copy(copy, history)
    assert verdict.exit_code is VerifyCode.SUPERSEDED and verdict.current_revision == "A/2"
    assert "A/2" in verdict.message


def test_withdrawn_copy(copy: Path) -> None:
    control = replace(released_control("CEMS-QP-04"), withdrawn_in=R1)
    verdict = verify_copy(copy, history_for({"CEMS-QP-04": control}))
    assert verdict.exit_code is VerifyCode.WITHDRAWN


def test_altered_copy(copy: Path) -> None:
    document = Document(str(copy))
    paragraph = next(p for p in document.paragraphs if p.text.startswith("规定文件的"))
    paragraph.runs[0].text = "随意修改"
    document.save(str(copy))
    verdict = verify_copy(copy, history_for({"CEMS-QP-04": released_control("CEMS-QP-04")}))
    assert (verdict.state, verdict.exit_code) == ("altered", 6)


def test_unknown_files(copy: Path, tmp_path: Path) -> None:
    plain = tmp_path / "plain.docx"
    Document().save(str(plain))
    history = history_for({"CEMS-QP-04": released_control("CEMS-QP-04")})
    assert verify_copy(plain, history).state == "unknown"
    junk = tmp_path / "junk.docx"
    junk.write_text("not a zip", encoding="utf-8")
    assert verify_copy(junk, history).exit_code == 6
    only_a0 = history_for(
        {
            "CEMS-QP-04": replace(
                released_control("CEMS-QP-04"),
                revisions=(revision("CEMS-QP-04", 0, R1, ()),),
                in_force=None,
            )
        }
    )
    assert verify_copy(copy, only_a0).state == "unknown"  # A/1 was never released here


APPROVER = ("周建国", "zhou.jianguo@yanling-ceramics.example")
AUTHOR = ("唐雯", "tang.wen@yanling-ceramics.example")


def test_cli_against_real_git_history(tmp_path: Path, git_repo, run_cli) -> None:
    from generator.control.revisions import read_history

    root = make_root(tmp_path / "repo")
    repo = git_repo(root)
    repo.commit("文件和记录控制程序首次编制", "2024-02-20T09:30:00+08:00", AUTHOR)
    repo.tag(
        "release/2024.1",
        "首次发布\n\nEffective-Date: 2024-03-05",
        "2024-03-01T10:00:00+08:00",
        APPROVER,
    )
    config = Config.for_root(root)
    model = load_model(root)
    history, _ = read_history(config, model)
    files = render_word(model, history, config, tmp_path / "out", jobs=1)
    copy = tmp_path / "out" / files[0].path
    code, out, _err = run_cli("verify", str(copy), "--root", str(root))
    assert code == 0, out
    assert "CEMS-QP-04" in out and "现行有效" in out

    path = next((root / "content/documents/procedures").glob("*.md"))
    path.write_text(path.read_text(encoding="utf-8") + "\n补充条款。\n", encoding="utf-8")
    repo.commit("补充条款", "2024-08-15T14:00:00+08:00", AUTHOR)
    repo.tag("release/2024.2", "换版", "2024-09-01T10:00:00+08:00", APPROVER)
    code, out, _err = run_cli("verify", str(copy), "--root", str(root), "--format", "json")
    assert code == 4, out
    assert '"state": "superseded"' in out


def test_help_documents_exit_codes(run_cli) -> None:
    code, out, _err = run_cli("verify", "--help")
    assert code == 0
    for line in ("0  现行有效", "4  已被新版本替代", "5  已作废", "6  已被修改或无法识别"):
        assert line in out
