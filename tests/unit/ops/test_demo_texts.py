"""The demo's earlier texts: each scripted change undone exactly, a missing one refused."""

from __future__ import annotations

import pytest

from generator.core.issues import CemsError
from generator.ops.demo_texts import drop_section, earlier_text, undo_change

DOC = """---
id: CEMS-QP-90
edition: B
---
# 程序

## 1 目的

目的。

## 2 范围

范围。

### 2.1 细则

细则。
"""


def test_drop_section_removes_it_with_its_subsections() -> None:
    assert drop_section(DOC, "## 2 范围") == DOC.split("## 2 范围")[0].rstrip("\n") + "\n"
    assert "细则" not in drop_section(DOC, "### 2.1 细则") and "范围。" in drop_section(
        DOC, "### 2.1 细则"
    )


def test_undo_change_restores_edition_wording_or_the_last_section() -> None:
    assert "edition: A\n" in undo_change(DOC, {"edition": "A"}, "x.md")
    assert "宗旨。" in undo_change(DOC, {"now": "目的。", "before": "宗旨。"}, "x.md")
    assert undo_change(DOC, {}, "x.md") == earlier_text(DOC)
    assert "## 2 范围" not in earlier_text(DOC) and "## 1 目的" in earlier_text(DOC)


@pytest.mark.parametrize("change", [{"section": "## 9 无此节"}, {"now": "无此句"}])
def test_a_change_the_text_does_not_have_is_refused(change: dict[str, str]) -> None:
    with pytest.raises(CemsError, match=r"x\.md"):
        undo_change(DOC, change, "x.md")
