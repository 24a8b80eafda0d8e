"""Redlines: each released revision after the first as a .docx with real tracked changes.

Word (and LibreOffice) show w:ins / w:del runs as insertions and deletions that a reviewer can
accept or reject. Both revisions are parsed into the blocks the copies render (headings,
paragraphs, list items, table rows, code lines; `blocks.parse_blocks`), aligned on their plain
text (`diff.py`), and written in their Word styles: equal blocks plainly, inserted and deleted blocks
entirely inside w:ins / w:del (paragraph mark and table row included), changed blocks with a
word-level diff that keeps bold, italic and code. Table rows are always real Word tables;
when a table's shape changed (a column added or removed) its rows cannot be paired, so the
old table shows as deleted and the new one as inserted. Ordered-list numbers are text, as in
the copies, so a renumbered item shows its old and new number. Author and date of the marks
are the revision's git author (its last change).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import io
import itertools
import shutil
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from docx import Document as open_docx
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from generator.content.model import Document, Model
from generator.control.types import History, Revision
from generator.core.config import Config
from generator.manifest import GeneratedFile, sha256_bytes, sha256_file
from generator.render.word import ooxml as xml
from generator.render.word import ooxml_changes as changes
from generator.render.word.blocks import Block, Run, Runs, common_shift
from generator.render.word.blocks import parse_blocks as parse_blocks
from generator.render.word.blocks import strip_front_matter as strip_front_matter
from generator.render.word.body import MONO_FONT, xml_east_asia
from generator.render.word.copy import reference_bytes
from generator.render.word.diff import Piece, Step, align, diff_runs
from generator.render.word.reproducible import iso_utc, save_docx

TextAt = Callable[[str, str], "str | None"]  # (document id, revision label) -> Markdown text
_HEADER_FILL = "E7E6E6"  # as the copies' table header rows


@dataclass
class _Writer:
    """Appends blocks to a python-docx Document, numbering the tracked changes."""

    word: Any
    author: str
    date: str
    next_id: int = 1
    style_ids: dict[str, str] = field(default_factory=dict)

    def take(self) -> int:
        self.next_id += 1
        return self.next_id - 1

    def mark(self, kind: str) -> Any:
        """A w:ins (kind "insert"), w:del ("delete") or w:pPrChange ("format") element."""
        return changes.change_mark(kind, self.take(), self.author, self.date)

    def style_id(self, name: str) -> str:
        # python-docx scans every style on each lookup by name: look each up once
        if name not in self.style_ids:
            self.style_ids[name] = self.word.styles[name].style_id
        return self.style_ids[name]

    # ---- runs -------------------------------------------------------------------------

    def runs(self, paragraph: Any, pieces: list[Piece], code_size: float = 9.5) -> None:
        """Write diff pieces; each inserted or deleted piece is one w:ins / w:del."""
        for kind, runs in pieces:
            if not runs:
                continue
            added = [self.run(paragraph, run, code_size) for run in runs]
            if kind != "equal":
                changes.add_tracked_runs(paragraph, self.mark(kind), added, kind == "delete")

    def run(self, paragraph: Any, run: Run, code_size: float) -> Any:
        added = paragraph.add_run(run.text)
        if run.bold:  # set only when on: python-docx adds an empty w:rPr for None
            added.bold = True
        if run.italic:
            added.italic = True
        if run.strike:
            added.font.strike = True
        if run.code:
            xml.set_fonts(added, MONO_FONT, xml_east_asia(paragraph))
            added.font.size = Pt(code_size)
        return added

    # ---- paragraphs -------------------------------------------------------------------

    def paragraph(self, block: Block, container: Any = None) -> Any:
        paragraph = (container or self.word).add_paragraph()
        if block.style:
            paragraph._p.style = self.style_id(block.style)
        fmt = paragraph.paragraph_format
        if block.prefix:  # ordered item: hanging number, as markdown_docx writes it
            fmt.first_line_indent = Cm(-0.75)
            fmt.left_indent = Cm(0.75 * block.level)
        elif block.kind == "code":
            fmt.left_indent = Cm(0.5)
        return paragraph

    def block(self, op: str, old: Block | None, new: Block | None) -> None:
        shown = _shown((op, old, new))
        paragraph = self.paragraph(shown)
        size = 9 if shown.kind == "code" else 9.5
        self.runs(paragraph, _prefix_pieces(op, old, new), size)
        self.runs(paragraph, _pieces(op, old, new, lambda b: b.runs), size)
        self.finish(paragraph, op, old, new)

    def finish(self, paragraph: Any, op: str, old: Block | None, new: Block | None) -> None:
        if op in ("insert", "delete"):
            kind = "ins" if op == "insert" else "del"
            changes.mark_paragraph_tracked(paragraph, kind, self.take(), self.author, self.date)
        elif op == "replace" and old and new and old.style != new.style:
            self.style_change(paragraph, old)

    def style_change(self, paragraph: Any, old: Block) -> None:
        """w:pPrChange: Word shows 'formatted' with the old style (e.g. a heading level)."""
        change = self.mark("format")
        changes.mark_style_change(
            paragraph, change, self.style_id(old.style) if old.style else None
        )

    # ---- tables -----------------------------------------------------------------------

    def table(self, steps: list[Step]) -> None:
        """One Word table; `_groups` guarantees every row has the same number of cells."""
        columns = len(_shown(steps[0]).cells)
        table = self.word.add_table(rows=len(steps), cols=columns)
        table.style = "Table Grid"
        for row, (op, old, new) in zip(table.rows, steps, strict=True):
            shown = _shown((op, old, new))
            for index, cell in enumerate(row.cells):
                pieces = _pieces(op, old, new, lambda b, i=index: b.cells[i])  # type: ignore[misc]
                self.runs(cell.paragraphs[0], pieces)
                if shown.header:
                    xml.shade_cell(cell, _HEADER_FILL)
            if shown.header:
                xml.repeat_header_row(row)
            if op in ("insert", "delete"):  # after tblHeader: w:ins / w:del end w:trPr
                changes.mark_row_tracked(row, self.mark(op))


def _pieces(
    op: str, old: Block | None, new: Block | None, part: Callable[[Block], Runs]
) -> list[Piece]:
    if op == "insert" and new:
        return [("insert", part(new))]
    if op == "delete" and old:
        return [("delete", part(old))]
    if op == "replace" and old and new:
        return diff_runs(part(old), part(new))
    return [("equal", part(new))] if new else []


def _prefix_pieces(op: str, old: Block | None, new: Block | None) -> list[Piece]:
    """The printed number of an ordered item; a renumbered item shows old and new numbers."""
    before, after = (old.prefix if old else ""), (new.prefix if new else "")
    if op == "insert":
        return [("insert", (Run(after),))] if after else []
    if op == "delete":
        return [("delete", (Run(before),))] if before else []
    if before == after:
        return [("equal", (Run(after),))] if after else []
    return [
        ("delete", (Run(before),) if before else ()),
        ("insert", (Run(after),) if after else ()),
    ]


def _shown(step: Step) -> Block:
    block = step[2] or step[1]
    assert block is not None
    return block


def _groups(steps: list[Step]) -> Iterator[list[Step]]:
    """Single steps, and runs of table-row steps that form one Word table.

    A header row after a body row, or a different number of cells, starts the next table:
    a table whose shape changed shows as the old table deleted and the new one inserted,
    both as real tables, since one Word table cannot hold both shapes.
    """
    rows: list[Step] = []
    for step in steps:
        shown = _shown(step)
        if shown.kind != "row":
            if rows:
                yield rows
                rows = []
            yield [step]
            continue
        if rows:
            previous = _shown(rows[-1])
            if len(shown.cells) != len(previous.cells) or (shown.header and not previous.header):
                yield rows
                rows = []
        rows.append(step)
    if rows:
        yield rows


def write_diff(document: Any, old_text: str, new_text: str, author: str, date: str) -> int:
    """Append the tracked-change diff of two Markdown texts; returns the number of marks."""
    shift = common_shift(old_text, new_text)
    steps = list(align(parse_blocks(old_text, shift), parse_blocks(new_text, shift)))
    writer = _Writer(document, author, date)
    after_table = False
    for group in _groups(steps):
        is_table = _shown(group[0]).kind == "row"
        if is_table and after_table:  # Word joins adjacent tables: keep them apart
            document.add_paragraph()
        if is_table:
            writer.table(group)
        else:
            writer.block(*group[0])
        after_table = is_table
    return writer.next_id - 1


def redline_name(document: Document, previous: Revision, current: Revision) -> str:
    return (
        f"{document.id}_{previous.edition}{previous.number}-{current.edition}{current.number}.docx"
    )


def _author(revision: Revision) -> tuple[str, datetime]:
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


REDLINE_MODULES = (
    "redline.py",
    "blocks.py",
    "diff.py",
    "body.py",
    "ooxml.py",
    "ooxml_changes.py",
    "reproducible.py",
)


def redline_key(document: Document, previous: Revision, current: Revision, template: bytes) -> str:
    """Digest of every input of one redline: the two released revisions (their commit and path
    fix both texts), the document's id and title, the template and the code that draws it."""
    digest = hashlib.sha256(sha256_bytes(template).encode("ascii"))
    digest.update(_code_digest().encode("ascii"))
    digest.update(repr((document.id, document.title, previous, current)).encode("utf-8"))
    return digest.hexdigest()


@functools.cache
def _code_digest() -> str:
    here = Path(__file__).resolve().parent
    return hashlib.sha256(b"".join((here / n).read_bytes() for n in REDLINE_MODULES)).hexdigest()


Job = tuple[Document, Revision, Revision, str, str, bytes, str]


def _render_job(job: Job) -> str:
    document, previous, current, old, new, template, path = job
    return render_redline(document, previous, current, old, new, template, Path(path))


def render_redlines(
    model: Model,
    history: History,
    config: Config,
    out_dir: Path,
    text_at: TextAt,
    *,
    cache_dir: Path | None = None,
    jobs: int = 1,
) -> list[GeneratedFile]:
    """`out_dir/word/redlines/<ID>_<from>-<to>.docx` for every released revision after the first.

    `text_at(document_id, revision_label)` returns the Markdown source of that revision (the
    history helper reads it from git); a revision whose text it cannot give is skipped. With
    `cache_dir`, a redline whose inputs (`redline_key`) are unchanged is copied from there
    (released revisions never change, so editing a document re-renders none), the others are
    rendered by `jobs` processes and stored; entries no longer used are removed.
    """
    template = reference_bytes(config)
    files: list[GeneratedFile] = []
    todo: list[tuple[Job, str, GeneratedFile]] = []
    used: set[str] = set()
    for document in model.documents:
        revisions = history.control(document.id).revisions
        for previous, current in itertools.pairwise(revisions):
            path = out_dir / "word" / "redlines" / redline_name(document, previous, current)
            rel = path.relative_to(out_dir).as_posix()
            entry = GeneratedFile(rel, "", document.id, current.label, "redline")
            key = redline_key(document, previous, current, template)
            stored = cache_dir / f"{key}.docx" if cache_dir is not None else None
            if stored is not None and stored.is_file():
                path.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(stored, path)
                files.append(dataclasses.replace(entry, sha256=sha256_file(path)))
                used.add(stored.name)
                continue
            old, new = text_at(document.id, previous.label), text_at(document.id, current.label)
            if old is None or new is None:
                continue
            todo.append(((document, previous, current, old, new, template, str(path)), key, entry))
    for (job, key, entry), digest in zip(todo, _run_jobs([t[0] for t in todo], jobs), strict=True):
        files.append(dataclasses.replace(entry, sha256=digest))
        if cache_dir is not None:
            cache_dir.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(job[-1], cache_dir / f"{key}.docx")
            used.add(f"{key}.docx")
    if cache_dir is not None and cache_dir.is_dir():
        for stale in cache_dir.glob("*.docx"):
            if stale.name not in used:
                stale.unlink()
    return sorted(files)


def _run_jobs(todo: list[Job], jobs: int) -> list[str]:
    if jobs <= 1 or len(todo) < 4:  # a pool costs more than it saves for a few files
        return [_render_job(job) for job in todo]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(_render_job, todo, chunksize=max(1, len(todo) // (jobs * 4))))
