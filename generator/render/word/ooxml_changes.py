"""Word's tracked changes as raw XML (w:ins, w:del, w:pPrChange): what the redline renderer
marks. Kept beside `ooxml.py`, the other module that writes raw Word XML."""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn

_QUOTE = {'"': "&quot;"}  # attribute values are double-quoted


def change_mark(kind: str, change_id: int, author: str, date: str) -> Any:
    """An empty w:ins (kind "insert"), w:del ("delete") or w:pPrChange (any other kind)."""
    tag = {"insert": "w:ins", "delete": "w:del"}.get(kind, "w:pPrChange")
    attrs = {qn("w:id"): str(change_id), qn("w:author"): author, qn("w:date"): date}
    return OxmlElement(tag, attrs)


def add_tracked_runs(paragraph: Any, mark: Any, runs: list[Any], deleted: bool) -> None:
    """Move python-docx runs into a w:ins / w:del `mark` appended to the paragraph."""
    paragraph._p.append(mark)
    for run in runs:
        mark.append(run._r)
        for text in run._r.iter(qn("w:t")) if deleted else ():
            text.tag = qn("w:delText")


def mark_style_change(paragraph: Any, change: Any, old_style_id: str | None) -> None:
    """Record the paragraph's previous style in a w:pPrChange (Word shows 'formatted')."""
    previous = OxmlElement("w:pPr")
    if old_style_id:
        previous.append(OxmlElement("w:pStyle", {qn("w:val"): old_style_id}))
    change.append(previous)
    paragraph._p.get_or_add_pPr().append(change)  # pPrChange is pPr's last child


def mark_row_tracked(row: Any, mark: Any) -> None:
    """A table row inserted or deleted as a whole (w:ins / w:del end w:trPr)."""
    row._tr.get_or_add_trPr().append(mark)


def mark_paragraph_tracked(
    paragraph: Any, kind: str, change_id: int, author: str, date: str
) -> None:
    """Mark a whole paragraph mark as inserted or deleted (so Word merges paragraphs on reject)."""
    ppr = paragraph._p.get_or_add_pPr()
    rpr = ppr.find(qn("w:rPr"))
    if rpr is None:
        rpr = parse_xml(f"<w:rPr {nsdecls('w')}/>")
        ppr.append(rpr)
    tag = "w:ins" if kind == "ins" else "w:del"
    rpr.insert(
        0,
        parse_xml(
            f'<{tag} {nsdecls("w")} w:id="{change_id}" w:author="{escape(author, _QUOTE)}"'
            f' w:date="{escape(date)}"/>'
        ),
    )
