"""A document edited after its release: the controlled copy stays the released text, the draft is
a separate preview, and the site links both (7.2: only approved revisions are in force)."""

from __future__ import annotations

from pathlib import Path

from docx import Document

DOC = "content/documents/procedures/CEMS-QP-04-文件和记录控制程序.md"
ZHOU = ("周建国", "zhou.jianguo@yanling-ceramics.example")
TANG = ("唐雯", "tang.wen@yanling-ceramics.example")
DRAFT_SENTENCE = "电子文件每日增量备份，每周全量备份。"


def _text(path: Path) -> str:
    document = Document(str(path))
    return "\n".join(p.text for p in document.paragraphs)


def test_draft_edit_keeps_the_released_copy_and_adds_a_preview(
    sample_copy: Path, git_repo, run_cli, tmp_path: Path
) -> None:
    repo = git_repo(sample_copy)
    repo.commit("建立体系文件", "2025-01-06T09:00:00+08:00", TANG)
    repo.tag(
        "release/2025.1",
        "首次发布\n\nEffective-Date: 2025-01-15",
        "2025-01-10T16:00:00+08:00",
        ZHOU,
    )
    path = sample_copy / DOC
    path.write_text(path.read_text(encoding="utf-8") + f"\n{DRAFT_SENTENCE}\n", encoding="utf-8")
    repo.commit("文件控制程序增加备份要求", "2025-03-03T09:00:00+08:00", TANG)

    out = tmp_path / "build"
    code, _out, err = run_cli("build", "--root", str(sample_copy), "--out", str(out))
    assert code == 0, err
    controlled = next((out / "word").glob("CEMS-QP-04-*.docx"))
    preview = next((out / "word" / "drafts").glob("CEMS-QP-04-*.docx"))
    assert DRAFT_SENTENCE not in _text(controlled)  # the copy in force is the approved text
    assert DRAFT_SENTENCE in _text(preview)
    code, out_text, _ = run_cli("verify", str(controlled), "--root", str(sample_copy))
    assert code == 0 and "A/0" in out_text
    code, _out_text, _ = run_cli("verify", str(preview), "--root", str(sample_copy))
    assert code != 0  # a draft preview is never a copy in force
    page = (out / "site" / "documents" / "procedure" / "CEMS-QP-04" / "index.html").read_text(
        encoding="utf-8"
    )
    assert (
        "草稿：有未发布的修改" in page
        and "word/drafts/" in page
        and "当前文本已修改，尚未批准" in page
    )
