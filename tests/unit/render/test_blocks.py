"""One Markdown parse for the Word copies and the redline (blocks.py)."""

from __future__ import annotations

import io

from docx import Document

from generator.render.word.blocks import parse_blocks, parse_document
from generator.render.word.body import build_reference, render_blocks

TEXT = """---
id: X
---
## 1 目的

见 [网站](https://example.org/a) 和 ![流程图](flow.png)。

---

1. 第一项
   - 嵌套
2. 第二项

| 列 | 值 |
|---|---|
| **甲** | 1 |
"""


def test_document_keeps_tables_whole_and_spans_as_written() -> None:
    blocks = parse_document(TEXT.split("---\n", 2)[2])
    kinds = [b.kind for b in blocks]
    assert kinds == ["heading", "paragraph", "rule", "item", "item", "item", "table"]
    heading, paragraph = blocks[0], blocks[1]
    assert heading.style == "Heading 1" and heading.text == "1 目的"
    link = next(s for s in paragraph.spans if s.link)
    image = next(s for s in paragraph.spans if s.kind == "image")
    assert (link.text, link.link) == ("网站", "https://example.org/a")
    assert (image.text, image.src) == ("流程图", "flow.png")
    assert paragraph.text == "见 网站 和 ［图：流程图］。"  # what the redline compares
    first, nested, second = blocks[3:6]
    assert (first.prefix, second.prefix) == ("1.\u2002", "2.\u2002")
    assert nested.style == "List Bullet 2" and nested.level == 2
    table = blocks[-1]
    assert [r.header for r in table.rows] == [True, False]
    assert table.rows[1].sources == ("**甲**", "1") and table.rows[1].cells[0][0].bold


def test_redline_blocks_are_rows_without_rules() -> None:
    blocks = parse_blocks(TEXT)  # front matter removed
    assert [b.kind for b in blocks] == [
        "heading",
        "paragraph",
        "item",
        "item",
        "item",
        "row",
        "row",
    ]
    assert blocks[-1].text == "甲\t1"


def test_copy_renders_the_same_blocks() -> None:
    word = Document(io.BytesIO(build_reference()))
    for child in list(word.element.body)[:-1]:  # keep only the section properties
        word.element.body.remove(child)
    render_blocks(word, parse_document(TEXT.split("---\n", 2)[2]))
    texts = [p.text for p in word.paragraphs]
    assert texts[0] == "1 目的" and "网站" in texts[1] and "［图：流程图］" in texts[1]
    assert "1.\u2002第一项" in texts and "2.\u2002第二项" in texts
    assert word.tables[-1].cell(1, 0).text == "甲"
