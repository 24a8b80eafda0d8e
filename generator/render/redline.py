"""Redlines: each released revision after the first as a .docx with real tracked changes.

Word (and LibreOffice) show w:ins / w:del runs as insertions and deletions that a reviewer can
accept or reject. The diff is made on the Markdown source: paragraph (line) level first with
difflib, then word level inside replaced lines, where every CJK character counts as a word
because Chinese has no spaces. Author and date of the marks are the revision's git author.
"""

from __future__ import annotations

import difflib
import io
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docx import Document as open_docx
from docx.oxml.ns import qn

from ..config import Config
from ..control import History, Revision
from ..manifest import GeneratedFile, sha256_bytes
from ..model import Document, Model
from . import _docx_xml as xml
from .docx import reference_bytes
from .reproducible import iso_utc, save_docx

TextAt = Callable[[str, str], "str | None"]  # (document id, revision label) -> Markdown text
_TOKEN = re.compile(r"[A-Za-z0-9_.\-/%]+|\s+|.", re.S)
_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")


@dataclass
class _Marker:
    author: str
    date: str
    next_id: int = 1

    def take(self) -> int:
        self.next_id += 1
        return self.next_id - 1


def strip_front_matter(text: str) -> str:
    if text.startswith("---"):
        end = text.find("\n---", 3)
        if end != -1:
            return text[end + 4 :].lstrip("\n")
    return text


def blocks(text: str) -> list[str]:
    """Non-blank source lines of the body: the unit of the paragraph-level diff."""
    return [line.rstrip() for line in strip_front_matter(text).splitlines() if line.strip()]


def tokens(line: str) -> list[str]:
    return _TOKEN.findall(line)


def _paragraph(document: Any, line: str) -> tuple[Any, str]:
    match = _HEADING.match(line)
    if match:
        level = min(3, max(1, len(match.group(1)) - 1))
        return document.add_paragraph(style=f"Heading {level}"), match.group(2)
    return document.add_paragraph(), line


def _whole(document: Any, line: str, kind: str, marker: _Marker) -> None:
    paragraph, text = _paragraph(document, line)
    xml.add_tracked(paragraph, text, kind, marker.take(), marker.author, marker.date)
    xml.mark_paragraph_tracked(paragraph, kind, marker.take(), marker.author, marker.date)


def _words(document: Any, old: str, new: str, marker: _Marker) -> None:
    paragraph, _ = _paragraph(document, new)
    heading = _HEADING.match(new)
    old_text = _HEADING.match(old).group(2) if _HEADING.match(old) else old  # type: ignore[union-attr]
    new_text = heading.group(2) if heading else new
    a, b = tokens(old_text), tokens(new_text)
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            paragraph.add_run("".join(a[i1:i2]))
            continue
        if op in ("delete", "replace"):
            text = "".join(a[i1:i2])
            xml.add_tracked(paragraph, text, "del", marker.take(), marker.author, marker.date)
        if op in ("insert", "replace"):
            text = "".join(b[j1:j2])
            xml.add_tracked(paragraph, text, "ins", marker.take(), marker.author, marker.date)


def write_diff(document: Any, old_text: str, new_text: str, author: str, date: str) -> int:
    """Append the tracked-change diff of two Markdown texts; returns the number of marks."""
    marker = _Marker(author, date)
    old, new = blocks(old_text), blocks(new_text)
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            for line in new[j1:j2]:
                paragraph, text = _paragraph(document, line)
                paragraph.add_run(text)
        elif op == "delete":
            for line in old[i1:i2]:
                _whole(document, line, "del", marker)
        elif op == "insert":
            for line in new[j1:j2]:
                _whole(document, line, "ins", marker)
        else:
            pairs = max(i2 - i1, j2 - j1)
            for k in range(pairs):
                before = old[i1 + k] if i1 + k < i2 else None
                after = new[j1 + k] if j1 + k < j2 else None
                if before is not None and after is not None:
                    _words(document, before, after, marker)
                elif before is not None:
                    _whole(document, before, "del", marker)
                elif after is not None:
                    _whole(document, after, "ins", marker)
    return marker.next_id - 1


def redline_name(document: Document, previous: Revision, current: Revision) -> str:
    return (
        f"{document.id}_{previous.edition}{previous.number}-{current.edition}{current.number}.docx"
    )


def _author(revision: Revision) -> tuple[str, str]:
    if revision.changes:
        change = revision.changes[-1]
        return change.author.name, change.date
    approver = revision.release.approver
    return (approver.name if approver else "cems"), revision.release.date


def render_redline(
    document: Document,
    previous: Revision,
    current: Revision,
    old: str,
    new: str,
    template: bytes,
    path: Path,
) -> str:
    """Write one redline .docx; returns its sha256."""
    word = open_docx(io.BytesIO(template))
    body = word.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    author, when = _author(current)
    word.add_paragraph(f"{document.id} {document.title} 修订对照", style="Title")
    word.add_paragraph(
        f"{previous.label}（{previous.release.tag}）→ {current.label}（{current.release.tag}，"
        f"生效日期 {current.effective_date}）。修改人：{author}。"
        "插入和删除以修订标记显示，可在 Word 中逐条查看。"
    )
    write_diff(word, old, new, author, iso_utc(when))
    word.core_properties.title = f"{document.id} {document.title} {previous.label}→{current.label}"
    word.core_properties.subject = "修订对照"
    xml.set_custom_properties(
        word,
        {
            "cems.document_id": document.id,
            "cems.revision": current.label,
            "cems.previous_revision": previous.label,
            "cems.commit": current.release.commit,
            "cems.status": "redline",
        },
    )
    return sha256_bytes(save_docx(word, path, current.release.date))


def render_redlines(
    model: Model, history: History, config: Config, out_dir: Path, text_at: TextAt
) -> list[GeneratedFile]:
    """`out_dir/word/redlines/<ID>_<from>-<to>.docx` for every released revision after the first.

    `text_at(document_id, revision_label)` returns the Markdown source of that revision (the
    history helper reads it from git); a revision whose text it cannot give is skipped.
    """
    template = reference_bytes(config)
    files = []
    for document in model.documents:
        revisions = history.control(document.id).revisions
        for previous, current in itertools.pairwise(revisions):
            old, new = text_at(document.id, previous.label), text_at(document.id, current.label)
            if old is None or new is None:
                continue
            path = out_dir / "word" / "redlines" / redline_name(document, previous, current)
            digest = render_redline(document, previous, current, old, new, template, path)
            rel = path.relative_to(out_dir).as_posix()
            files.append(GeneratedFile(rel, digest, document.id, current.label, "redline"))
    return sorted(files)
