"""Redlines: real w:ins / w:del tracked changes between two released revisions, written as
formatted Word text (styles, lists, tables), never as raw Markdown."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from docx import Document
from docx.oxml.ns import qn

from generator.core.config import Config
from generator.render.word.redline import render_redlines
from tests.support.fake_history import load_model, make_root, released_history

OLD = "---\nid: X\n---\n## 1 目的\n\n保存期限不少于 3 年。\n\n旧的一段。\n"
NEW = "---\nid: X\n---\n## 1 目的\n\n保存期限不少于 5 年。\n\n## 2 新增\n"

RICH_OLD = """---
id: X
---
## 1 目的

本程序规定**碳排放数据**的保存要求。

## 2 职责

1. 能源环保部负责核算；
2. 财务部提供结算数据。

- 监测记录
- 化验记录
  - 外委化验报告

| 记录 | 保存期限 |
|---|---|
| 监测记录 | 3 年 |
| 化验报告 | 3 年 |

| 甲 | 乙 |
|---|---|
| 1 | 2 |

说明段落。
"""

RICH_NEW = """---
id: X
---
## 1 目的和范围

本程序规定**碳排放数据**的保存要求。

## 2 职责

1. 管理者代表审核报告；
2. 能源环保部负责核算；
3. 财务部提供结算数据。

- 监测记录
- 化验记录
  - 外委化验报告
- 能源结算单

| 记录 | 保存期限 |
|---|---|
| 监测记录 | 5 年 |

| 甲 | 乙 | 丙 |
|---|---|---|
| 1 | 2 | 3 |

- 说明段落。
"""


def _render(tmp_path: Path, old: str, new: str, out: str = "out") -> tuple[Path, Any]:
    root = make_root(tmp_path / f"org-{out}")
    model = load_model(root)
    texts = {("CEMS-QP-04", "A/0"): old, ("CEMS-QP-04", "A/1"): new}
    files = render_redlines(
        model,
        released_history(model),
        Config.for_root(root),
        tmp_path / out,
        lambda doc_id, label: texts.get((doc_id, label)),
    )
    assert [f.path for f in files] == ["word/redlines/CEMS-QP-04_A0-A1.docx"]
    path = tmp_path / out / files[0].path
    return path, Document(str(path)).element.body


def _text(element: Any, tag: str = "w:t") -> str:
    return "".join(t.text or "" for t in element.iter(qn(tag)))


def _paragraph(body: Any, fragment: str) -> Any:
    """The body paragraph whose visible or deleted text contains `fragment`."""
    found = [
        p for p in body.iter(qn("w:p")) if fragment in _text(p) or fragment in _text(p, "w:delText")
    ]
    assert len(found) == 1, fragment
    return found[0]


def _style(paragraph: Any) -> str | None:
    style = paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    return None if style is None else style.get(qn("w:val"))


def _marked(paragraph: Any, kind: str) -> list[str]:
    """Texts of the run-level marks (not the paragraph mark's) of a paragraph or row."""
    tag = "w:delText" if kind == "w:del" else "w:t"
    return [_text(mark, tag) for mark in paragraph.iter(qn(kind)) if len(mark)]


def test_redline_marks_insertions_and_deletions(tmp_path: Path) -> None:
    _, body = _render(tmp_path, OLD, NEW)
    inserted = ["".join(t.text for t in e.iter(qn("w:t"))) for e in body.iter(qn("w:ins"))]
    deleted = ["".join(t.text for t in e.iter(qn("w:delText"))) for e in body.iter(qn("w:del"))]
    assert "5" in inserted and "2 新增" in inserted
    assert "3" in deleted and "旧的一段。" in deleted
    marks = list(body.iter(qn("w:ins"))) + list(body.iter(qn("w:del")))
    # the revision's last change (C2 in the fakes) is by 唐雯 at 2024-08-15 14:00 +08:00
    assert {m.get(qn("w:author")) for m in marks} == {"唐雯"}
    assert {m.get(qn("w:date")) for m in marks} == {"2024-08-15T06:00:00Z"}
    ids = [m.get(qn("w:id")) for m in marks]
    assert len(ids) == len(set(ids))  # Word needs unique change ids
    heading = _paragraph(body, "目的")
    assert _style(heading) == "Heading1" and not _marked(heading, "w:ins")
    new_heading = _paragraph(body, "2 新增")
    assert _style(new_heading) == "Heading1"
    assert new_heading.find(f"{qn('w:pPr')}/{qn('w:rPr')}/{qn('w:ins')}") is not None


def test_redline_shows_formatted_text_not_markdown(tmp_path: Path) -> None:
    _, body = _render(tmp_path, RICH_OLD, RICH_NEW)
    every = [t.text or "" for tag in ("w:t", "w:delText") for t in body.iter(qn(tag))]
    assert every and not [t for t in every if "**" in t or "|" in t or t.lstrip().startswith("- ")]

    heading = _paragraph(body, "目的")  # changed heading keeps its style, change marked
    assert _style(heading) == "Heading1"
    assert _marked(heading, "w:ins") == ["和范围"] and _marked(heading, "w:del") == []

    equal = _paragraph(body, "碳排放数据")  # bold survives in an unchanged paragraph
    runs = {
        _text(r): r.find(f"{qn('w:rPr')}/{qn('w:b')}") is not None for r in equal.iter(qn("w:r"))
    }
    assert runs == {"本程序规定": False, "碳排放数据": True, "的保存要求。": False}
    assert not _marked(equal, "w:ins") and not _marked(equal, "w:del")


def test_redline_lists(tmp_path: Path) -> None:
    _, body = _render(tmp_path, RICH_OLD, RICH_NEW)
    added = _paragraph(body, "能源结算单")  # inserted bullet item: list style, all in w:ins
    assert _style(added) == "ListBullet"
    assert added.find(f"{qn('w:pPr')}/{qn('w:rPr')}/{qn('w:ins')}") is not None
    assert _marked(added, "w:ins") == ["能源结算单"]

    first = _paragraph(body, "管理者代表审核报告")  # inserted numbered item, number as text
    assert _style(first) == "ListContinue"
    assert _marked(first, "w:ins") == ["1.\u2002", "管理者代表审核报告；"]

    moved = _paragraph(body, "财务部提供结算数据")  # renumbered: 2. -> 3., text unchanged
    assert _marked(moved, "w:del") == ["2.\u2002"] and _marked(moved, "w:ins") == ["3.\u2002"]
    assert _style(_paragraph(body, "外委化验报告")) == "ListBullet2"  # nesting level kept

    restyled = _paragraph(body, "说明段落")  # paragraph became a list item: format change
    assert _style(restyled) == "ListBullet"
    change = restyled.find(f"{qn('w:pPr')}/{qn('w:pPrChange')}")
    assert change is not None and change.get(qn("w:author")) == "唐雯"


def test_redline_tables(tmp_path: Path) -> None:
    _, body = _render(tmp_path, RICH_OLD, RICH_NEW)
    tables = list(body.iter(qn("w:tbl")))
    assert len(tables) == 3
    rows = list(tables[0].iter(qn("w:tr")))
    assert [_text(r) or _text(r, "w:delText") for r in rows] == [
        "记录保存期限",
        "监测记录5 年",
        "化验报告3 年",
    ]
    header, changed, deleted = rows
    assert header.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
    assert _marked(changed, "w:del") == ["3"] and _marked(changed, "w:ins") == ["5"]
    assert _text(deleted, "w:delText") == "化验报告3 年" and _text(deleted) == ""
    assert deleted.find(f"{qn('w:trPr')}/{qn('w:del')}") is not None

    # a column was added: the old table shows deleted, the new one inserted, both real tables
    for table, kind, texts in (
        (tables[1], "w:del", ["甲乙", "12"]),
        (tables[2], "w:ins", ["甲乙丙", "123"]),
    ):
        rows = list(table.iter(qn("w:tr")))
        assert [_text(r, "w:delText" if kind == "w:del" else "w:t") for r in rows] == texts
        assert all(r.find(f"{qn('w:trPr')}/{qn(kind)}") is not None for r in rows)
    assert tables[1].getnext().tag == qn("w:p")  # kept apart, or Word joins the two tables


def test_redline_bytes_are_reproducible(tmp_path: Path) -> None:
    first, _ = _render(tmp_path, RICH_OLD, RICH_NEW, "one")
    second, _ = _render(tmp_path, RICH_OLD, RICH_NEW, "two")
    assert first.read_bytes() == second.read_bytes()


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


def test_an_unchanged_redline_comes_from_its_cache_entry_without_reading_git(
    tmp_path: Path,
) -> None:
    root = make_root(tmp_path / "org")
    model = load_model(root)
    history = released_history(model)
    config = Config.for_root(root)
    cache = tmp_path / "cache"
    texts = {("CEMS-QP-04", "A/0"): RICH_OLD, ("CEMS-QP-04", "A/1"): RICH_NEW}
    read: list[tuple[str, str]] = []

    def text_at(doc_id: str, label: str) -> str | None:
        read.append((doc_id, label))
        return texts.get((doc_id, label))

    first = render_redlines(model, history, config, tmp_path / "one", text_at, cache_dir=cache)
    assert read and [p.name for p in cache.iterdir()] != []
    read.clear()
    again = render_redlines(model, history, config, tmp_path / "two", text_at, cache_dir=cache)
    assert read == [] and again == first  # no text read, the same file and digest
    assert (tmp_path / "two" / again[0].path).read_bytes() == (
        tmp_path / "one" / first[0].path
    ).read_bytes()
    # another title is another input: rendered again, and the old entry is dropped
    renamed = dataclasses.replace(
        model,
        documents=tuple(
            dataclasses.replace(d, title="改名") if d.id == "CEMS-QP-04" else d
            for d in model.documents
        ),
    )
    other = render_redlines(renamed, history, config, tmp_path / "three", text_at, cache_dir=cache)
    assert read and other[0].sha256 != first[0].sha256
    assert len(list(cache.glob("*.docx"))) == 1
