"""Page furniture of a controlled copy: header table, footer, cover block and marks.

Everything printed here comes from `CopyContext` (front matter + git history); nothing is
typed by hand, so header, cover and revision table always agree with each other.
"""

from __future__ import annotations

from typing import Any

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.shared import Cm, Pt, RGBColor

from generator.control.types import (
    MEANING_APPROVE,
    MEANING_AUTHOR,
    MEANING_REVIEW,
    UNRELEASED,
    Signature,
)
from generator.core.dates import minute_text
from generator.render.word import ooxml as xml
from generator.render.word.context import CopyContext, distribution_number
from generator.render.word.widths import fit_widths, minimum_widths

RED = RGBColor(0xC0, 0x00, 0x00)
HEADING_FONT = ("Arial", "SimHei")
UNSIGNED = "未签署"
WATERMARKS = {"draft": "未生效 DRAFT", "withdrawn": "作废", "superseded": "已替代"}
CONTROL_TEXT = {
    "in_force": "受控",
    "draft": "非受控（未生效）",
    "withdrawn": "作废",
    "superseded": "已替代（非受控）",
}


def usable_width(document: Any) -> int:
    section = document.sections[-1]
    return int(section.page_width - section.left_margin - section.right_margin)


def _text(
    cell_or_paragraph: Any,
    text: str,
    *,
    bold: bool = False,
    size: float | None = None,
    centre: bool = False,
    colour: RGBColor | None = None,
) -> Any:
    paragraph = (
        cell_or_paragraph.paragraphs[0]
        if hasattr(cell_or_paragraph, "paragraphs")
        else cell_or_paragraph
    )
    run = paragraph.add_run(text)
    run.bold = bold or None
    if size:
        run.font.size = Pt(size)
    if colour is not None:
        run.font.color.rgb = colour
    if centre:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return run


def _widths(
    table: Any, widths_cm: list[float], total: int, minimum: list[int] | None = None
) -> None:
    """Fixed column widths scaled to the text column (cell widths are what Word honours);
    a column is never narrower than its `minimum` (a number or a tag that must not break)."""
    table.autofit = False
    emu = fit_widths(widths_cm, minimum or [0] * len(widths_cm), total)
    for column, width in zip(table.columns, emu, strict=False):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, emu, strict=False):
            cell.width = width


def _grid(
    document_or_header: Any,
    rows: list[list[str]],
    widths_cm: list[float],
    total: int,
    header_rows: int = 1,
    size: float = 9,
) -> Any:
    table = document_or_header.add_table(rows=len(rows), cols=len(widths_cm))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for r, row in enumerate(rows):
        cells = table.rows[r].cells  # table.cell() rebuilds the whole grid on every call
        for c, value in enumerate(row):
            cell = cells[c]
            _text(cell, value, bold=r < header_rows, size=size, centre=r < header_rows)
            xml.cell_vertical_centre(cell)
        if r < header_rows:
            xml.repeat_header_row(table.rows[r])
            for cell in table.rows[r].cells:
                xml.shade_cell(cell, "E7E6E6")
        xml.no_split_row(table.rows[r])
    columns = [
        [row[c] if c < len(row) else "" for row in rows[header_rows:]]
        for c in range(len(widths_cm))
    ]
    _widths(table, widths_cm, total, minimum_widths(columns, size))
    return table


# ---- header and footer -------------------------------------------------------------------


def header(document: Any, ctx: CopyContext) -> None:
    """Every page: organisation, 文件名称, 文件编号, 版本/修改状态, 生效日期, 第 X 页 共 Y 页."""
    section = document.sections[0]
    section.different_first_page_header_footer = False
    head = section.header
    head.is_linked_to_previous = False
    total = usable_width(document)
    table = head.add_table(rows=3, cols=3, width=total)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    org = table.cell(0, 0).merge(table.cell(2, 0))
    _text(org, ctx.organisation, bold=True, size=10, centre=True)
    xml.cell_vertical_centre(org)
    title = table.cell(0, 1).merge(table.cell(0, 2))
    _text(title, f"文件名称：{ctx.document.title}", bold=True, size=10)
    _text(table.cell(1, 1), f"文件编号：{ctx.document.id}", size=9)
    _text(table.cell(1, 2), f"版本/修改状态：{ctx.revision}", size=9)
    _text(table.cell(2, 1), f"生效日期：{ctx.effective_text}", size=9)
    pages = table.cell(2, 2).paragraphs[0]
    for run_text, field in (("第 ", "PAGE"), (" 页 共 ", "NUMPAGES"), (" 页", "")):
        _text(pages, run_text, size=9)
        if field:
            xml.add_field(pages, field)
    _widths(table, [5.0, 5.9, 5.0], total)
    # Word needs a paragraph after a table; move the template's empty one there, shrink it,
    # and use it as the anchor of the watermark.
    anchor = head.paragraphs[0]
    head._element.remove(anchor._p)
    head._element.append(anchor._p)
    anchor.paragraph_format.space_after = Pt(0)
    _text(anchor, "", size=2)


def footer(document: Any, ctx: CopyContext) -> None:
    foot = document.sections[0].footer
    foot.is_linked_to_previous = False
    paragraph = foot.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    number = ctx.distribution_number or "母本"
    _text(paragraph, f"受控状态：{CONTROL_TEXT[ctx.status]}　分发号：{number}", size=8)
    _text(paragraph, f"　　由 cems 生成 · 源提交 {ctx.commit[:12] or '—'}", size=8)


# ---- cover block -------------------------------------------------------------------------


def _when(signature: Signature) -> str:
    return minute_text(signature.when)


def _unique(signatures: list[Signature]) -> list[Signature]:
    seen: dict[str, Signature] = {}
    for signature in signatures:  # keep the latest act of each person
        seen[signature.email or signature.name] = signature
    return sorted(seen.values(), key=lambda s: (s.when, s.name))


def approval_rows(ctx: CopyContext) -> list[list[str]]:
    """编制/审核/批准 with printed names, date-time and meaning, from git only."""
    control = ctx.control
    # a withdrawn copy keeps the approval of the revision it was (its revision table shows it)
    released = control.in_force or (control.last_revision if control.is_withdrawn else None)
    if ctx.status == "draft" or released is None:
        authors = _unique([c.author for c in control.draft_changes])
        planned = {
            MEANING_AUTHOR: ctx.document.author,
            MEANING_REVIEW: ctx.document.reviewer,
            MEANING_APPROVE: ctx.document.approver,
        }
        rows = [
            [
                MEANING_AUTHOR,
                "、".join(s.name for s in authors) or ctx.person(planned[MEANING_AUTHOR]),
                _when(authors[-1]) if authors else UNSIGNED,
                "起草（未发布）",
            ],
        ]
        for meaning in (MEANING_REVIEW, MEANING_APPROVE):
            rows.append([meaning, ctx.person(planned[meaning]), UNSIGNED, "待签署"])
        return rows
    revision = released
    authors = _unique([c.author for c in revision.changes])
    reviewers = _unique([r for c in revision.changes for r in c.reviewers])
    approver = revision.release.approver
    return [
        [
            MEANING_AUTHOR,
            "、".join(s.name for s in authors) or "—",
            _when(authors[-1]) if authors else "—",
            "提交修改（git 提交作者）",
        ],
        [
            MEANING_REVIEW,
            "、".join(s.name for s in reviewers) or "—",
            _when(reviewers[-1]) if reviewers else "—",
            "审查通过（提交说明中的审核人签署）",
        ],
        [
            MEANING_APPROVE,
            approver.name if approver else "—",
            _when(approver) if approver else "—",
            f"批准发布（标签 {revision.release.tag}；{revision.release.signature_zh}）",
        ],
    ]


def revision_rows(ctx: CopyContext) -> list[list[str]]:
    rows = []
    for revision in ctx.control.revisions:
        authors = _unique([c.author for c in revision.changes])
        approver = revision.release.approver
        rows.append(
            [
                revision.label,
                revision.effective_date.isoformat(),
                "；".join(c.summary for c in revision.changes) or "—",
                "、".join(s.name for s in authors) or "—",
                approver.name if approver else "—",
                revision.release.tag,
            ]
        )
    return rows or [[UNRELEASED, UNRELEASED, "尚无发布记录", "—", "—", "—"]]


def distribution_rows(ctx: CopyContext) -> list[list[str]]:
    rows = []
    for department in ctx.document.distribution:
        issued = [c for c in ctx.control.copies if c.department == department]
        last = issued[-1] if issued else None
        rows.append(
            [
                distribution_number(ctx.document, ctx.control, department),
                ctx.department_name(department),
                last.revision if last else ctx.control.revision_label,
                last.issued if last else "—",
                (last.recalled_by or "—") if last else "—",
            ]
        )
    return rows


COMPACT_DISTRIBUTION = 6  # more departments than this, all issued alike: two per table row


def _distribution(document: Any, rows: list[list[str]], total: int) -> None:
    """The distribution table; a long list whose copies share revision, issue and recall is
    printed two departments a row under one line saying so, so the cover keeps to one page."""
    alike = len({tuple(r[2:]) for r in rows}) == 1
    if len(rows) <= COMPACT_DISTRIBUTION or not alike:
        _grid(
            document,
            [["分发号", "部门", "版本", "发放", "回收"], *rows],
            [3.4, 3.6, 2.6, 3.1, 3.2],
            total,
        )
        return
    revision, issued, recalled = rows[0][2:]
    _text(document.add_paragraph(), f"版本 {revision}；发放：{issued}；回收：{recalled}", size=9)
    pairs = [
        rows[i][:2] + (rows[i + 1][:2] if i + 1 < len(rows) else ["", ""])
        for i in range(0, len(rows), 2)
    ]
    _grid(document, [["分发号", "部门", "分发号", "部门"], *pairs], [3.4, 4.5, 3.4, 4.5], total)


def _caption(document: Any, text: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.space_before = Pt(10)
    paragraph.paragraph_format.keep_with_next = True
    run = _text(paragraph, text, bold=True, size=11)
    xml.set_fonts(run, *HEADING_FONT)


def _stamp(document: Any, ctx: CopyContext, total: int) -> None:
    """The red 受控 stamp with the 分发号 (or the non-controlled / withdrawn notice)."""
    table = document.add_table(rows=1, cols=1)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    cell = table.cell(0, 0)
    xml.cell_borders(cell, "C00000", 16)
    _text(cell, CONTROL_TEXT[ctx.status], bold=True, size=16, centre=True, colour=RED)
    number = ctx.distribution_number or "母本"
    line = cell.add_paragraph()
    line.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _text(line, f"分发号：{number}", size=10, colour=RED)
    _widths(table, [6.0], min(total, int(Cm(6.0))))


def cover(document: Any, ctx: CopyContext) -> None:
    """First page: title block, control stamp, approvals, revision history, distribution."""
    total = usable_width(document)
    # the kind line is left out when it only repeats the title (the manual is 碳排放管理手册)
    kind = ctx.document.kind_zh if ctx.document.kind_zh not in ctx.document.title else ""
    for text, size in ((ctx.organisation, 16), (kind, 14)):
        if not text:
            continue
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        xml.set_fonts(_text(paragraph, text, bold=True, size=size), *HEADING_FONT)
    document.add_paragraph(ctx.document.title, style="Title")
    meta = document.add_paragraph()
    meta.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _text(
        meta,
        f"文件编号：{ctx.document.id}　版本/修改状态：{ctx.revision}　"
        f"生效日期：{ctx.effective_text}",
        size=10.5,
    )
    _stamp(document, ctx, total)
    _caption(document, "审批签署")
    _grid(
        document,
        [["签署", "姓名", "日期时间", "含义"], *approval_rows(ctx)],
        [2.0, 4.0, 3.6, 6.3],
        total,
    )
    _caption(document, "修订记录")
    _grid(
        document,
        [
            ["版本/修改状态", "生效日期", "修订内容", "编制", "批准", "发布标签"],
            *revision_rows(ctx),
        ],
        [2.4, 2.4, 5.2, 2.0, 1.8, 2.1],
        total,
    )
    _caption(document, "发放范围")
    _distribution(document, distribution_rows(ctx), total)
    if ctx.status == "superseded":
        _text(
            document.add_paragraph(),
            f"本版本已被 {ctx.superseded_by} 替代，仅供查阅，不得作为有效文件使用。",
            bold=True,
            colour=RED,
        )
    if ctx.status == "withdrawn":
        notice = document.add_paragraph()
        reason = ctx.control.withdrawal_reason or ctx.document.withdrawal_reason or "—"
        release = ctx.control.withdrawn_in
        when = f"于 {release.tag}（{release.effective_date}）" if release else ""
        _text(
            notice,
            f"本文件已{when}作废，不得再作为有效文件使用。原因：{reason}",
            bold=True,
            colour=RED,
        )
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def marks(document: Any, ctx: CopyContext) -> None:
    """Watermarks: 未生效 DRAFT on drafts, 作废 on withdrawn documents (one id per shape)."""
    text = WATERMARKS.get(ctx.status)
    if text:
        for number, section in enumerate(document.sections, start=1):
            xml.add_watermark(section.header, text, number)
