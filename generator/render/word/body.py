"""Markdown body -> python-docx paragraphs, tables and images (render stage).

Renders the block list of `blocks.parse_document` (the same parse the redline compares) with
the reference template's styles by name, so a document controller can restyle the output by
editing `templates/word/reference.docx` in Word. Ordered-list numbers are written as text:
Word's list numbering continues across lists unless each list gets its own numbering
instance, and the printed number must match the source exactly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docx.enum.text import WD_BREAK
from docx.shared import Cm, Pt

from generator.render.word import ooxml as xml
from generator.render.word.blocks import Block, Span, Spans, parse_document
from generator.render.word.widths import content_widths, unbreakable, units

MONO_FONT = "Consolas"
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".bmp"}
_MARKUP = re.compile(r"[*`~\\]|\[|\]\([^)]*\)")


@dataclass
class _State:
    document: Any
    base_dir: Path | None
    usable_width: int
    image_roots: tuple[Path, ...] = ()
    style_ids: dict[str, str] = field(default_factory=dict)

    def add(self, style: str | None = None) -> Any:
        """A new paragraph in `style`; ids are looked up once, since python-docx scans every
        style of the template on each lookup by name (the main cost of a large build)."""
        paragraph = self.document.add_paragraph()
        if style:
            if style not in self.style_ids:
                self.style_ids[style] = self.document.styles[style].style_id
            paragraph._p.style = self.style_ids[style]
        return paragraph

    def inline(self, paragraph: Any, spans: Spans, max_width: int | None = None) -> None:
        width = self.usable_width if max_width is None else max_width
        add_inline(paragraph, spans, self.base_dir, width, self.image_roots)


def add_inline(
    paragraph: Any,
    spans: Spans,
    base_dir: Path | None,
    max_width: int,
    roots: tuple[Path, ...] = (),
) -> None:
    """Write inline spans as runs with bold, italic, code, links and images."""
    for span in spans:
        if span.kind == "softbreak":
            paragraph.add_run(" " if _is_ascii_edge(paragraph) else "")
        elif span.kind == "hardbreak":
            paragraph.add_run().add_break(WD_BREAK.LINE)
        elif span.kind == "image":
            _add_image(paragraph, span, base_dir, max_width, roots)
        else:
            _add_text(paragraph, span)


def _is_ascii_edge(paragraph: Any) -> bool:
    # CommonMark turns a source line break into a space; between CJK characters that space
    # is wrong, so keep it only after Latin text.
    text = paragraph.text
    return bool(text) and text[-1].isascii() and text[-1] != " "


def _add_text(paragraph: Any, span: Span) -> None:
    link = span.link
    if link and link.startswith(("http://", "https://", "mailto:")):
        xml.add_hyperlink(paragraph, link, span.text, span.bold)
        return
    run = paragraph.add_run(span.text)
    run.bold = span.bold or None
    run.italic = span.italic or None
    run.font.strike = span.strike or None
    if span.kind == "code":
        xml.set_fonts(run, MONO_FONT, xml_east_asia(paragraph))
        run.font.size = Pt(9.5)


def xml_east_asia(paragraph: Any) -> str:
    """The East Asian font of the paragraph's style chain (so code keeps CJK glyphs right)."""
    style = paragraph.style
    while style is not None:
        name = xml.east_asia_font(style)
        if name:
            return name
        style = style.base_style
    return "SimSun"


def _contained(path: Path, roots: tuple[Path, ...]) -> bool:
    return any(path.is_relative_to(root.resolve()) for root in roots)


def _add_image(
    paragraph: Any, span: Span, base_dir: Path | None, max_width: int, roots: tuple[Path, ...]
) -> None:
    src = span.src
    path = (base_dir / src).resolve() if base_dir and "://" not in src else None
    # never embed a file from outside the repository (validate reports such references;
    # this guards released texts read from git, which were validated by an older rule set)
    inside = path is not None and base_dir is not None and _contained(path, roots or (base_dir,))
    if path is not None and inside and path.is_file() and path.suffix.lower() in IMAGE_SUFFIXES:
        picture = paragraph.add_run().add_picture(str(path))
        if picture.width > max_width:  # keep the aspect ratio inside the text column
            picture.height = int(picture.height * max_width / picture.width)
            picture.width = max_width
        return
    paragraph.add_run(f"［图：{span.text}］")


def render_markdown(
    document: Any,
    text: str,
    *,
    base_dir: Path | None = None,
    usable_width: int = Cm(16),
    image_roots: tuple[Path, ...] = (),
) -> None:
    """Append the Markdown `text` to `document` (a python-docx Document or cell container).

    Images are embedded only from inside `image_roots` (default: `base_dir`)."""
    render_blocks(
        document,
        parse_document(text),
        base_dir=base_dir,
        usable_width=usable_width,
        image_roots=image_roots,
    )


def render_blocks(
    document: Any,
    blocks: list[Block],
    *,
    base_dir: Path | None = None,
    usable_width: int = Cm(16),
    image_roots: tuple[Path, ...] = (),
) -> None:
    """Append parsed blocks to `document`."""
    state = _State(document, base_dir, usable_width, image_roots)
    for block in blocks:
        _block(state, block)


def _block(state: _State, block: Block) -> None:
    kind = block.kind
    if kind == "table":
        add_table(state.document, block, state.base_dir, state.usable_width, state.image_roots)
    elif kind == "code":
        paragraph = state.add(block.style)
        paragraph.paragraph_format.left_indent = Cm(0.5)
        run = paragraph.add_run(block.spans[0].text)
        xml.set_fonts(run, MONO_FONT, "SimSun")
        run.font.size = Pt(9)
    elif kind == "rule":
        state.document.add_paragraph()
    elif kind == "html":
        state.document.add_paragraph(block.spans[0].text)
    else:  # heading, paragraph, quote, list item or continuation
        paragraph = state.add(block.style)
        if block.prefix:  # an ordered item: hanging number
            paragraph.paragraph_format.first_line_indent = Cm(-0.75)
            paragraph.paragraph_format.left_indent = Cm(0.75 * block.level)
            paragraph.add_run(block.prefix)
        state.inline(paragraph, block.spans)


def add_table(
    document: Any,
    table_block: Block,
    base_dir: Path | None,
    width: int,
    roots: tuple[Path, ...] = (),
) -> Any:
    """A Table Grid table from a table block; header rows bold and repeated."""
    rows = table_block.rows
    header_rows = sum(row.header for row in rows)
    columns = max((len(r.cell_spans) for r in rows), default=1)
    table = document.add_table(rows=len(rows), cols=columns)
    table.style = "Table Grid"
    for r, row in enumerate(rows):
        cells = table.rows[r].cells  # table.cell() rebuilds the whole grid on every call
        for c, spans in enumerate(row.cell_spans):
            paragraph = cells[c].paragraphs[0]
            add_inline(paragraph, spans, base_dir, width // columns, roots)
            if r < header_rows:
                for run in paragraph.runs:
                    run.bold = True
        if r < header_rows:
            xml.repeat_header_row(table.rows[r])
            for cell in table.rows[r].cells:
                xml.shade_cell(cell, "E7E6E6")
    _set_widths(table, [list(row.sources) for row in rows], columns, width)
    _merge_repeats(table, header_rows)
    return table


MERGE_UNITS = 10  # repeated text this long (化石燃料燃烧, a source's citation) is printed once


def _merge_repeats(table: Any, header_rows: int) -> None:
    """Consecutive body cells of a column with the same longer text become one tall cell, so
    a report does not print the same category or citation on every row. Short marks (√, 是,
    numbers) stay in every row: one of them merged over rows would read as a single value."""
    grid = [list(row.cells) for row in table.rows]
    for c in range(len(grid[0]) if grid else 0):
        start = header_rows
        for r in range(header_rows + 1, len(grid) + 1):
            text = grid[start][c].text if start < len(grid) else ""
            if r < len(grid) and grid[r][c].text == text:
                continue
            if r - start > 1 and units(text) >= MERGE_UNITS and not unbreakable(text):
                for lower in grid[start + 1 : r]:
                    for paragraph in lower[c].paragraphs:
                        for run in list(paragraph.runs):
                            run._r.getparent().remove(run._r)
                grid[start][c].merge(grid[r - 1][c])
            start = r


TABLE_FONT_PT = 10.5  # the Normal style's 五号


def _set_widths(table: Any, rows: list[list[str]], columns: int, width: int) -> None:
    """Column widths from the cells' text, so numbers and dates never break (widths.py)."""
    texts = [[""] * len(rows) for _ in range(columns)]
    for r, row in enumerate(rows):
        for c, source in enumerate(row):
            texts[c][r] = _MARKUP.sub("", source)  # headings count: 置信度 stays whole
    widths = content_widths(texts, TABLE_FONT_PT, width)
    table.autofit = False
    for c, w in enumerate(widths):
        table.columns[c].width = w
        for cell in table.columns[c].cells:
            cell.width = w


# ---- the reference template ---------------------------------------------------------------

BODY_FONT = ("Times New Roman", "SimSun")  # 宋体 for body text
HEADING_FONT = ("Arial", "SimHei")  # 黑体 for titles and headings
# (style, size in pt, bold, space before/after in pt); sizes follow Chinese 号 sizes
_HEADINGS = (
    ("Title", 22, True, 12, 12),  # 二号
    ("Heading 1", 16, True, 12, 6),  # 三号
    ("Heading 2", 14, True, 8, 4),  # 四号
    ("Heading 3", 12, True, 6, 3),  # 小四
)


def build_reference() -> bytes:
    """The default reference .docx: A4, Chinese margins, 宋体/黑体 styles (a starting point
    that `templates/word/make_reference.py` writes and a document controller may restyle)."""
    import io

    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import RGBColor

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2.5), Cm(2.0)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.3)
    section.header_distance, section.footer_distance = Cm(1.0), Cm(1.0)
    xml.set_default_fonts(document, *BODY_FONT, size_pt=10.5)  # 五号
    styles = document.styles
    for name in (s.name for s in styles if s.type == 1):
        xml.set_fonts(styles[name], *BODY_FONT)
    normal = styles["Normal"]
    normal.font.size = Pt(10.5)
    normal.paragraph_format.line_spacing = 1.25
    normal.paragraph_format.space_after = Pt(3)
    for name, size, bold, before, after in _HEADINGS:
        style = styles[name]
        xml.set_fonts(style, *HEADING_FONT)
        style.font.size = Pt(size)
        style.font.bold = bold
        style.font.italic = False
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.paragraph_format.space_before = Pt(before)
        style.paragraph_format.space_after = Pt(after)
        style.paragraph_format.keep_with_next = True
    styles["Title"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _drop_title_border(styles["Title"])
    for name in ("Header", "Footer"):
        styles[name].font.size = Pt(9)
    document.core_properties.title = "cems 参考样式"
    document.core_properties.author = "cems"
    document.core_properties.comments = "修改本文件中的样式即可改变生成的 Word 文件外观。"
    _sample_content(document)
    buffer = io.BytesIO()
    document.save(buffer)
    from generator.render.word.reproducible import normalise

    return normalise(buffer.getvalue())


def _drop_title_border(style: Any) -> None:
    # The default Title has a blue bottom border and wide letter spacing: wrong for Chinese.
    ppr = style.element.pPr
    if ppr is not None:
        for child in list(ppr):
            if child.tag.endswith("}pBdr"):
                ppr.remove(child)
    rpr = style.element.rPr
    if rpr is not None:
        for child in list(rpr):
            if child.tag.endswith(("}spacing", "}kern")):
                rpr.remove(child)


def _sample_content(document: Any) -> None:
    """Sample paragraphs so the styles can be seen and edited (not copied into outputs)."""
    document.add_paragraph("文件标题（Title）", style="Title")
    for level in (1, 2, 3):
        document.add_paragraph(f"{level} 标题 {level}（Heading {level}）", style=f"Heading {level}")
    document.add_paragraph("正文（Normal）：碳排放管理体系文件正文使用宋体五号。")
    document.add_paragraph("项目符号列表（List Bullet）", style="List Bullet")
    document.add_paragraph("续行列表（List Continue）", style="List Continue")
    table = document.add_table(rows=2, cols=2)
    table.style = "Table Grid"
    table.cell(0, 0).text, table.cell(0, 1).text = "表格（Table Grid）", "表头"
