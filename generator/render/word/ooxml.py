"""Raw WordprocessingML workarounds: the only module in cems that builds XML for Word by hand.

python-docx has no API for fields (PAGE / NUMPAGES), East Asian font names, VML watermarks,
custom document properties, tracked changes, repeated table header rows or a table's fixed
layout. Each helper here wraps one of those gaps so the renderers can stay on the public API.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import IO, Any
from xml.sax.saxutils import escape

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Length, Pt

CUSTOM_PROPS_URI = "/docProps/custom.xml"
CUSTOM_PROPS_CT = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
# Word's fixed format id for user-defined properties.
CUSTOM_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
_THEME_FONT_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")

_QUOTE = {'"': "&quot;"}  # attribute values are double-quoted


# ---- fonts -------------------------------------------------------------------------------


def set_fonts(rpr_owner: Any, latin: str, east_asia: str) -> None:
    """Set Latin and East Asian font names on a style, run or rPr element.

    Theme font attributes are removed because Word lets them override explicit names.
    """
    element = getattr(rpr_owner, "_r", None)
    if element is None:
        element = getattr(rpr_owner, "element", rpr_owner)
    fonts = element.get_or_add_rPr().get_or_add_rFonts()
    for attr in _THEME_FONT_ATTRS:
        fonts.attrib.pop(qn(attr), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:cs"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)


def set_default_fonts(document: Any, latin: str, east_asia: str, size_pt: float) -> None:
    """Document defaults (w:docDefaults): fonts, size and zh-CN language for East Asian text."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = parse_xml(f"<w:docDefaults {nsdecls('w')}/>")
        styles.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = parse_xml(f"<w:rPrDefault {nsdecls('w')}><w:rPr/></w:rPrDefault>")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = parse_xml(f"<w:rPr {nsdecls('w')}/>")
        rpr_default.append(rpr)
    for child in list(rpr):
        if child.tag in (qn("w:rFonts"), qn("w:sz"), qn("w:szCs"), qn("w:lang")):
            rpr.remove(child)
    half_points = str(int(Pt(size_pt).pt * 2))
    rpr.append(
        parse_xml(
            f'<w:rFonts {nsdecls("w")} w:ascii="{latin}" w:hAnsi="{latin}" w:cs="{latin}"'
            f' w:eastAsia="{east_asia}"/>'
        )
    )
    rpr.append(parse_xml(f'<w:sz {nsdecls("w")} w:val="{half_points}"/>'))
    rpr.append(parse_xml(f'<w:szCs {nsdecls("w")} w:val="{half_points}"/>'))
    rpr.append(parse_xml(f'<w:lang {nsdecls("w")} w:val="en-US" w:eastAsia="zh-CN"/>'))


def east_asia_font(style_or_run: Any) -> str | None:
    """The w:eastAsia font name of a style or run (None when unset)."""
    element = getattr(style_or_run, "_r", None)
    if element is None:
        element = getattr(style_or_run, "element", style_or_run)
    fonts = element.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
    return None if fonts is None else fonts.get(qn("w:eastAsia"))


# ---- fields ------------------------------------------------------------------------------


def add_field(paragraph: Any, instruction: str, placeholder: str = "1") -> None:
    """Append a complex field (e.g. PAGE, NUMPAGES) that Word and LibreOffice update on layout."""
    p = paragraph._p
    for xml in (
        f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="begin"/></w:r>',
        f'<w:r {nsdecls("w")}><w:instrText xml:space="preserve"> {instruction} </w:instrText></w:r>',
        f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="separate"/></w:r>',
        f"<w:r {nsdecls('w')}><w:t>{escape(placeholder)}</w:t></w:r>",
        f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="end"/></w:r>',
    ):
        p.append(parse_xml(xml))


def field_codes(element: Any) -> list[str]:
    """The instruction texts of all fields under an element (for tests and checks)."""
    return [t.text.strip() for t in element.iter(qn("w:instrText")) if t.text]


def add_hyperlink(paragraph: Any, url: str, text: str, bold: bool = False) -> Any:
    """An external hyperlink run (python-docx has no hyperlink API); returns the w:r element."""
    rel_id = paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True)
    xml = (
        f'<w:hyperlink {nsdecls("w", "r")} r:id="{rel_id}"><w:r><w:rPr>'
        + ("<w:b/>" if bold else "")
        + '<w:color w:val="0563C1"/><w:u w:val="single"/></w:rPr>'
        f'<w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:hyperlink>'
    )
    link = parse_xml(xml)
    paragraph._p.append(link)
    return link[0]


# ---- watermarks --------------------------------------------------------------------------


# Word's definition of the WordArt "plain text" shape (type 136); LibreOffice needs it to
# draw the watermark, Word writes it before the first shape of that type.
_TEXT_SHAPETYPE = (
    '<v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800"'
    ' path="m@7,l@8,m@5,21600l@6,21600e"><v:formulas>'
    + "".join(
        f'<v:f eqn="{eqn}"/>'
        for eqn in (
            "sum #0 0 10800",
            "prod #0 2 1",
            "sum 21600 0 @1",
            "sum 0 0 @2",
            "sum 21600 0 @3",
            "if @0 @3 0",
            "if @0 21600 @1",
            "if @0 0 @2",
            "if @0 @4 21600",
            "mid @5 @6",
            "mid @8 @5",
            "mid @7 @8",
            "mid @6 @7",
            "sum @6 0 @5",
        )
    )
    + '</v:formulas><v:path textpathok="t" o:connecttype="custom"'
    ' o:connectlocs="@9,0;@10,10800;@11,21600;@12,10800"'
    ' o:connectangles="270,180,90,0"/><v:textpath on="t" fitshape="t"/>'
    '<v:handles><v:h position="#0,bottomRight" xrange="6629,14971"/></v:handles>'
    '<o:lock v:ext="edit" text="t" shapetype="t"/></v:shapetype>'
)


def add_watermark(header: Any, text: str, shape_id: int, colour: str = "#C00000") -> None:
    """Word's own watermark: a VML text-path shape behind the text, anchored in the header.

    Each shape needs its own id, or Word keeps only one watermark per document.
    """
    paragraph = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
    xml = (
        f'<w:r {nsdecls("w")} xmlns:v="urn:schemas-microsoft-com:vml"'
        ' xmlns:o="urn:schemas-microsoft-com:office:office"><w:pict>'
        + _TEXT_SHAPETYPE
        + f'<v:shape id="PowerPlusWaterMarkObject{shape_id}" o:spid="_x0000_s{2049 + shape_id}"'
        ' type="#_x0000_t136" o:allowincell="f" fillcolor="' + colour + '" stroked="f"'
        ' style="position:absolute;margin-left:0;margin-top:0;width:420pt;height:140pt;'
        "rotation:315;z-index:-251654144;mso-position-horizontal:center;"
        "mso-position-horizontal-relative:margin;mso-position-vertical:center;"
        'mso-position-vertical-relative:margin">'
        '<v:fill opacity=".35"/>'
        '<v:textpath style="font-family:&quot;SimHei&quot;;font-size:1pt"'
        f' string="{escape(text)}"/>'
        "</v:shape></w:pict></w:r>"
    )
    paragraph._p.append(parse_xml(xml))


def watermark_texts(element: Any) -> list[str]:
    """The strings of all VML watermarks under an element."""
    vml = "{urn:schemas-microsoft-com:vml}"
    return [
        path.get("string", "")
        for shape in element.iter(f"{vml}shape")
        for path in shape.iter(f"{vml}textpath")
    ]


# ---- tables ----------------------------------------------------------------------------

# Schema order of children (Word rejects files whose property children are out of order).
_TC_PR_ORDER = (
    "cnfStyle",
    "tcW",
    "gridSpan",
    "hMerge",
    "vMerge",
    "tcBorders",
    "shd",
    "noWrap",
    "tcMar",
    "textDirection",
    "tcFitText",
    "vAlign",
    "hideMark",
)
_TR_PR_ORDER = (
    "cnfStyle",
    "divId",
    "gridBefore",
    "gridAfter",
    "wBefore",
    "wAfter",
    "cantSplit",
    "trHeight",
    "tblHeader",
    "tblCellSpacing",
    "jc",
    "hidden",
)


def _insert_ordered(parent: Any, child: Any, order: tuple[str, ...]) -> None:
    """Insert `child` before the first sibling that must follow it, replacing a same-name one."""
    name = child.tag.rsplit("}", 1)[-1]
    rank = order.index(name)
    for existing in list(parent):
        existing_name = existing.tag.rsplit("}", 1)[-1]
        if existing_name == name:
            parent.remove(existing)
    for index, existing in enumerate(parent):
        existing_name = existing.tag.rsplit("}", 1)[-1]
        if existing_name in order and order.index(existing_name) > rank:
            parent.insert(index, child)
            return
    parent.append(child)


def _tc_pr(cell: Any, xml: str) -> None:
    _insert_ordered(cell._tc.get_or_add_tcPr(), parse_xml(xml), _TC_PR_ORDER)


def _tr_pr(row: Any, xml: str) -> None:
    _insert_ordered(row._tr.get_or_add_trPr(), parse_xml(xml), _TR_PR_ORDER)


def repeat_header_row(row: Any) -> None:
    """Mark a table row as a header row that Word repeats at the top of each page."""
    _tr_pr(row, f'<w:tblHeader {nsdecls("w")} w:val="true"/>')


def no_split_row(row: Any) -> None:
    _tr_pr(row, f'<w:cantSplit {nsdecls("w")} w:val="true"/>')


def shade_cell(cell: Any, fill: str) -> None:
    _tc_pr(cell, f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="{fill}"/>')


def cell_borders(cell: Any, colour: str, size_eighths: int = 12) -> None:
    """Coloured single-line borders on one cell (the red 受控 stamp)."""
    sides = "".join(
        f'<w:{side} w:val="single" w:sz="{size_eighths}" w:space="0" w:color="{colour}"/>'
        for side in ("top", "left", "bottom", "right")
    )
    _tc_pr(cell, f"<w:tcBorders {nsdecls('w')}>{sides}</w:tcBorders>")


def cell_vertical_centre(cell: Any) -> None:
    _tc_pr(cell, f'<w:vAlign {nsdecls("w")} w:val="center"/>')


# ---- large tables as text ---------------------------------------------------------------
# A 50,000-row register as python-docx objects is millions of lxml elements (minutes, a GiB).
# Its data rows are written here as text instead, the XML python-docx would write for them:
# each cell one paragraph with one run (`run.text` semantics: tab -> w:tab, CR/LF -> w:br),
# every value XML-escaped (a cell is never markup, a field or a formula), and a vertical merge
# as python-docx's `merge` leaves it (the top cell gets the lower cells' paragraphs).

_RUN_SPLIT = re.compile(r"([\t\r\n])")
# characters XML 1.0 cannot carry (lxml refuses them): dropped rather than failing the build
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _run_content(text: str) -> str:
    parts = []
    for piece in _RUN_SPLIT.split(_NOT_XML.sub("", text)):
        if piece == "\t":
            parts.append("<w:tab/>")
        elif piece in ("\r", "\n"):
            parts.append("<w:br/>")
        elif piece:
            space = ' xml:space="preserve"' if len(piece.strip()) < len(piece) else ""
            parts.append(f"<w:t{space}>{escape(piece)}</w:t>")
    return "".join(parts)


def table_rows_xml(
    rows: Sequence[Sequence[str]],
    widths: Sequence[int],
    size_pt: float,
    spans: Mapping[tuple[int, int], int],
) -> Iterator[str]:
    """One `<w:tr>` per row: cells `widths` wide (EMU), text `size_pt` points, not bold.
    `spans[(row, column)] = n` merges that cell with the n - 1 cells below it."""
    cells_w = [f'<w:tcW w:type="dxa" w:w="{Length(w).twips}"/>' for w in widths]
    rpr = f'<w:rPr><w:sz w:val="{round(size_pt * 2)}"/></w:rPr>'

    def paragraph(text: str) -> str:
        return f"<w:p><w:r>{rpr}{_run_content(text)}</w:r></w:p>"

    below: set[tuple[int, int]] = set()
    for (r, c), n in spans.items():
        below.update((r + k, c) for k in range(1, n))
    for r, row in enumerate(rows):
        cells = []
        for c, value in enumerate(row):
            if (r, c) in below:
                merge, content = "<w:vMerge/>", "<w:p/>"
            elif spans.get((r, c), 1) > 1:
                merge = '<w:vMerge w:val="restart"/>'
                content = "".join(paragraph(rows[r + k][c]) for k in range(spans[r, c]))
            else:
                merge, content = "", paragraph(value)
            cells.append(f"<w:tc><w:tcPr>{cells_w[c]}{merge}</w:tcPr>{content}</w:tc>")
        yield "<w:tr>" + "".join(cells) + "</w:tr>"


class RowsAppended:
    """A python-docx Document whose only body table gets `rows` (from `table_rows_xml`)
    appended as it is saved: the rows never exist as objects."""

    def __init__(self, document: Any, rows: Iterable[str]) -> None:
        self.document = document
        self.rows = rows

    def save(self, stream: IO[bytes], /) -> None:
        buffer = io.BytesIO()
        self.document.save(buffer)
        with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(stream, "w") as target:
            for info in source.infolist():
                data = source.read(info.filename)
                if info.filename == "word/document.xml":
                    head, tail = data.split(b"</w:tbl>", 1)
                    data = b"".join((head, "".join(self.rows).encode("utf-8"), b"</w:tbl>", tail))
                target.writestr(info.filename, data)  # stored: `normalise` compresses


# ---- sections ----------------------------------------------------------------------------


def set_landscape(section: Any) -> None:
    """Landscape page: swap width and height and set the orientation attribute Word reads."""
    from docx.enum.section import WD_ORIENT

    width, height = section.page_width, section.page_height
    section.orientation = WD_ORIENT.LANDSCAPE
    if width < height:
        section.page_width, section.page_height = height, width


# ---- custom document properties ----------------------------------------------------------


def custom_properties_xml(properties: dict[str, str]) -> bytes:
    items = "".join(
        f'<property fmtid="{CUSTOM_FMTID}" pid="{pid}" name="{escape(name)}">'
        f"<vt:lpwstr>{escape(value)}</vt:lpwstr></property>"
        for pid, (name, value) in enumerate(sorted(properties.items()), start=2)
    )
    xml = (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        f'<Properties xmlns="{CUSTOM_NS}" xmlns:vt="{VT_NS}">{items}</Properties>'
    )
    return xml.encode("utf-8")


def set_custom_properties(document: Any, properties: dict[str, str]) -> None:
    """Write docProps/custom.xml (python-docx has no API for custom properties)."""
    package = document.part.package
    blob = custom_properties_xml(properties)
    for rel in package.rels.values():
        if rel.reltype == RT.CUSTOM_PROPERTIES:
            rel.target_part._blob = blob
            return
    part = Part(PackURI(CUSTOM_PROPS_URI), CUSTOM_PROPS_CT, blob, package)
    package.relate_to(part, RT.CUSTOM_PROPERTIES)


def read_custom_properties(path: Any) -> dict[str, str]:
    """Custom properties of a saved .docx (empty when the part is missing)."""
    from xml.etree import ElementTree

    with zipfile.ZipFile(path) as archive:
        if CUSTOM_PROPS_URI.lstrip("/") not in archive.namelist():
            return {}
        root = ElementTree.fromstring(archive.read(CUSTOM_PROPS_URI.lstrip("/")))
    result: dict[str, str] = {}
    for prop in root.findall(f"{{{CUSTOM_NS}}}property"):
        value = next(iter(prop), None)
        result[prop.get("name", "")] = (value.text or "") if value is not None else ""
    return result


# ---- body text ---------------------------------------------------------------------------


def body_text(document: Any) -> str:
    """Visible text of the main body, one line per paragraph (tables included, headers not).

    Deleted text of tracked changes is not visible, so w:delText is ignored. This is what the
    content hash of a controlled copy covers.
    """
    lines = []
    for p in document.element.body.iter(qn("w:p")):
        lines.append("".join(t.text or "" for t in p.iter(qn("w:t"))))
    return "\n".join(lines)
