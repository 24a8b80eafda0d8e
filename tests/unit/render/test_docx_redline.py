"""Redlines: real w:ins / w:del tracked changes between two released revisions."""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the shared fakes, any import mode
from test_docx_support import load_model, make_root, released_history

from generator.config import Config
from generator.render.redline import render_redlines

OLD = "---\nid: X\n---\n## 1 目的\n\n保存期限不少于 3 年。\n\n旧的一段。\n"
NEW = "---\nid: X\n---\n## 1 目的\n\n保存期限不少于 5 年。\n\n## 2 新增\n"


def test_redline_marks_insertions_and_deletions(tmp_path: Path) -> None:
    root = make_root(tmp_path / "org")
    model = load_model(root)
    texts = {("CEMS-QP-04", "A/0"): OLD, ("CEMS-QP-04", "A/1"): NEW}
    files = render_redlines(
        model,
        released_history(model),
        Config.for_root(root),
        tmp_path / "out",
        lambda doc_id, label: texts.get((doc_id, label)),
    )
    assert [f.path for f in files] == ["word/redlines/CEMS-QP-04_A0-A1.docx"]
    body = Document(str(tmp_path / "out" / files[0].path)).element.body
    inserted = ["".join(t.text for t in e.iter(qn("w:t"))) for e in body.iter(qn("w:ins"))]
    deleted = ["".join(t.text for t in e.iter(qn("w:delText"))) for e in body.iter(qn("w:del"))]
    assert "5" in inserted and "2 新增" in inserted
    assert "3" in deleted and "旧的一段。" in deleted
    marks = list(body.iter(qn("w:ins"))) + list(body.iter(qn("w:del")))
    assert {m.get(qn("w:author")) for m in marks} == {"唐雯"}
    assert {m.get(qn("w:date")) for m in marks} == {"2024-08-15T06:00:00Z"}
    ids = [m.get(qn("w:id")) for m in marks]
    assert len(ids) == len(set(ids))  # Word needs unique change ids
    unchanged = [
        p for p in body.iter(qn("w:p")) if "目的" in "".join(t.text for t in p.iter(qn("w:t")))
    ]
    assert unchanged  # equal paragraphs stay as plain text


def test_missing_previous_text_is_skipped(tmp_path: Path) -> None:
    root = make_root(tmp_path / "org")
    model = load_model(root)
    files = render_redlines(
        model,
        released_history(model),
        Config.for_root(root),
        tmp_path / "out",
        lambda doc_id, label: None,
    )
    assert files == []
