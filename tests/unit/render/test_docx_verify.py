"""`cems verify`: in force (0), superseded (4), withdrawn (5), altered or unknown (6).

Forgeries, relabelled and foreign copies: tests/unit/ops/test_verify_forgery.py."""

from __future__ import annotations

from pathlib import Path

from docx import Document

from generator.core.config import Config
from generator.ops.verify import VerifyCode, verify_copy
from generator.render.word.copy import render_word
from tests.support.fake_history import (
    history_for,
    load_model,
    make_root,
    released_control,
)


def test_unknown_files(tmp_path: Path) -> None:
    """Not a cems copy at all: refused before any history is consulted."""
    root = make_root(tmp_path / "org")
    model = load_model(root)
    config = Config.for_root(root)
    history = history_for({"CEMS-QP-04": released_control("CEMS-QP-04")})
    plain = tmp_path / "plain.docx"
    Document().save(str(plain))
    assert verify_copy(plain, config, model, history).state == "unknown"
    junk = tmp_path / "junk.docx"
    junk.write_text("not a zip", encoding="utf-8")
    assert verify_copy(junk, config, model, history).exit_code is VerifyCode.ALTERED_OR_UNKNOWN


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
    for line in ("0  现行有效", "4  已被新版本替代", "5  已作废", "6  已被修改、伪造或无法识别"):
        assert line in out
