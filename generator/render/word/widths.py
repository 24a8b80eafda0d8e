"""Column widths from content: numbers, dates and codes never break inside a table cell.

Word breaks a word that is wider than its cell anywhere, so "1,635.756" in a narrow column
prints as "1,635." over "756". A cell whose text must stay whole (a number, a date, an id:
no spaces, mostly digits and ASCII) makes its column at least as wide as that text; the other
columns share what is left in proportion to what they would like. The estimate is
deliberately generous: half-width characters are counted at 0.65 em (digits are 0.5 em in
the template's Times New Roman, but 0.64 em in DejaVu Serif, which LibreOffice substitutes
where Times New Roman is not installed), full-width ones at 1 em.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from docx.shared import Cm, Pt

# numbers (1,635.756 / -3.2% / 57,438.07), dates (2025-03-31), codes (CEMS-QP-02, A/1)
_UNBREAKABLE = re.compile(r"[0-9A-Za-z.,:/%+\-−_()#°~]{1,24}")
HALF_EM = 0.65  # a half-width character, in em (see above)
CELL_PADDING = Cm(0.19) * 2 + Cm(0.08)  # Word's default left + right cell margins, and air


def units(text: str) -> int:
    """Display width of the longest line in half-width units (CJK and full-width count 2)."""
    return max(sum(2 if ord(ch) > 0x2E7F else 1 for ch in line) for line in text.split("\n"))


def unbreakable(text: str) -> bool:
    """A cell's text that must not wrap: one token of digits, ASCII letters and signs,
    with at least one digit (a number, a date, an id, a revision)."""
    text = text.strip()
    return bool(_UNBREAKABLE.fullmatch(text)) and any(ch.isdigit() for ch in text)


def text_width(text: str, font_pt: float) -> int:
    """Width in EMU that `text` needs in a cell at `font_pt`, cell margins included."""
    return int(Pt(units(text) * HALF_EM * font_pt)) + CELL_PADDING


def minimum_widths(columns: Sequence[Sequence[str]], font_pt: float) -> list[int]:
    """Per column (its cells' texts): the width its widest unbreakable cell needs, or 0."""
    return [
        max((text_width(t, font_pt) for t in cells if unbreakable(t)), default=0)
        for cells in columns
    ]


def fit_widths(preferred: Sequence[float], minimum: Sequence[int], total: int) -> list[int]:
    """Scale `preferred` widths to `total` EMU, never below `minimum`: a column that would get
    less keeps its minimum and the others give up the difference in proportion. When even the
    minimums do not fit, they are scaled down together (the table is too wide for the page)."""
    count = len(preferred)
    if count == 0:
        return []
    if sum(minimum) >= total:
        scale = total / max(sum(minimum), 1)
        return [int(m * scale) if m else 0 for m in minimum]
    fixed: set[int] = set()
    while True:
        free = total - sum(minimum[i] for i in fixed)
        weight = sum(preferred[i] for i in range(count) if i not in fixed) or 1.0
        widths = {i: int(preferred[i] * free / weight) for i in range(count) if i not in fixed}
        short = {i for i, w in widths.items() if w < minimum[i]}
        if not short:
            return [minimum[i] if i in fixed else widths[i] for i in range(count)]
        fixed |= short


SHORT_LABEL_UNITS = 12  # 化石燃料燃烧: a label this short reads badly broken over two lines
SHORT_LABELS_SHARE = 0.6  # ... so it is kept whole while such labels leave room for the rest


def content_widths(columns: Sequence[Sequence[str]], font_pt: float, total: int) -> list[int]:
    """Widths for a table with no designed widths: each column would like its longest text
    (capped, so one long sentence does not starve the rest), numbers are kept whole, and
    short labels too when that leaves enough room for the long text."""
    preferred = [float(min(max((units(t) for t in cells), default=1), 40) + 2) for cells in columns]
    hard = minimum_widths(columns, font_pt)
    labels = [
        max([h] + [text_width(t, font_pt) for t in cells if 0 < units(t) <= SHORT_LABEL_UNITS])
        for h, cells in zip(hard, columns, strict=True)
    ]
    if sum(labels) <= total * SHORT_LABELS_SHARE:
        return fit_widths(preferred, labels, total)
    return fit_widths(preferred, hard, total)
