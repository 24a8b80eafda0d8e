"""Markdown parsed once into blocks: the Word copies render them, the redline compares them.

A block is what a reader sees as one unit in the Word copy: a heading, a paragraph, a list
item, a table (rows of cells), a line of a code block or a rule, with its Word style. Each
block keeps its inline content twice: as `spans` (text, code, links, images and line breaks
as the copies write them, `body.py`) and as `runs` (formatted plain text with the Markdown
markup removed, what the redline compares). The parser is markdown-it-py (CommonMark + tables
+ strikethrough); top heading level maps to Heading 1; ordered-list numbers are text.
For the redline (`parse_blocks`) tables are flattened to their rows and rules dropped;
`diff.py` aligns and compares those.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.token import Token


def parser() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("table").enable("strikethrough")


@dataclass(frozen=True)
class Run:
    """Inline text with its formatting (no Markdown markup left)."""

    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False
    strike: bool = False

    @property
    def format(self) -> tuple[bool, bool, bool, bool]:
        return (self.bold, self.italic, self.code, self.strike)


Runs = tuple[Run, ...]


@dataclass(frozen=True)
class Span:
    """One inline item as the copies write it."""

    kind: str  # text | code | html | softbreak | hardbreak | image
    text: str = ""  # the text; an image's alt text (its src when it has none)
    bold: bool = False
    italic: bool = False
    strike: bool = False
    link: str | None = None  # href of the enclosing link
    src: str = ""  # an image's source


Spans = tuple[Span, ...]


@dataclass(frozen=True)
class Block:
    """One paragraph-like unit of a document body."""

    kind: str  # heading | paragraph | item | continue | quote | code | html | row | table | rule
    style: str | None  # Word style name; None is Normal
    runs: Runs = ()
    level: int = 0  # heading level (1-3) or list depth (1-3)
    prefix: str = ""  # printed number of an ordered list item, e.g. "2.\u2002"
    cells: tuple[Runs, ...] = ()  # table row cells
    header: bool = False  # a table header row
    spans: Spans = field(default=(), compare=False)  # inline content as the copies write it
    cell_spans: tuple[Spans, ...] = field(default=(), compare=False)  # a row's cells
    sources: tuple[str, ...] = field(default=(), compare=False)  # a row's cells' Markdown
    rows: tuple[Block, ...] = ()  # a table's rows

    @property
    def text(self) -> str:
        if self.kind == "row":
            return "\t".join(plain(cell) for cell in self.cells)
        return plain(self.runs)

    @property
    def key(self) -> tuple[str, str | None, str]:
        """What must be equal for two blocks to be 'the same' (the number of an item may
        differ: renumbering is shown inside the block)."""
        return (self.kind, self.style, self.text)

    @property
    def family(self) -> str:
        """Blocks of one family may be paired as 'changed' in a replaced region."""
        if self.kind in ("paragraph", "item", "continue", "quote", "html"):
            return "text"
        return self.kind


def plain(runs: Runs) -> str:
    return "".join(run.text for run in runs)


# ---- parsing ------------------------------------------------------------------------------


@dataclass
class _List:
    ordered: bool
    next_number: int


@dataclass
class _Parse:
    shift: int
    lists: list[_List] = field(default_factory=list)
    quote: int = 0
    first_in_item: bool = False
    blocks: list[Block] = field(default_factory=list)


def strip_front_matter(text: str) -> str:
    if text.startswith("---"):
        end = text.find("\n---", 3)
        if end != -1:
            return text[end + 4 :].lstrip("\n")
    return text


def heading_shift(tokens: list[Token]) -> int:
    """Map the body's top heading level to Heading 1 (bodies usually start at ##)."""
    levels = [int(t.tag[1]) for t in tokens if t.type == "heading_open"]
    return min(levels) - 1 if levels else 0


def parse_document(text: str, shift: int | None = None) -> list[Block]:
    """Every block of a Markdown body, tables whole and rules included (for the copies)."""
    tokens = parser().parse(text)
    state = _Parse(heading_shift(tokens) if shift is None else shift)
    index = 0
    while index < len(tokens):
        index = _block(state, tokens, index)
    return state.blocks


def parse_blocks(text: str, shift: int | None = None) -> list[Block]:
    """The comparable blocks of a Markdown document (front matter removed; table rows as
    blocks of their own; rules and empty HTML dropped: the redline shows no change there)."""
    flat: list[Block] = []
    for block in parse_document(strip_front_matter(text), shift):
        if block.kind == "table":
            flat.extend(block.rows)
        elif block.kind != "rule" and (block.kind != "html" or block.runs):
            flat.append(block)
    return flat


def common_shift(*texts: str) -> int:
    """One heading shift for both revisions, so the same heading gets the same style."""
    shifts = [heading_shift(parser().parse(strip_front_matter(t))) for t in texts]
    return min(shifts) if shifts else 0


def _block(state: _Parse, tokens: list[Token], index: int) -> int:
    token = tokens[index]
    kind = token.type
    if kind == "heading_open":
        level = max(1, min(3, int(token.tag[1]) - state.shift))
        spans = inline_spans(tokens[index + 1])
        state.blocks.append(
            Block("heading", f"Heading {level}", runs_of(spans), level, spans=spans)
        )
        return index + 3
    if kind in ("bullet_list_open", "ordered_list_open"):
        start = int(token.attrs.get("start", 1)) if kind == "ordered_list_open" else 1
        state.lists.append(_List(kind == "ordered_list_open", start))
    elif kind in ("bullet_list_close", "ordered_list_close"):
        state.lists.pop()
    elif kind == "list_item_open":
        state.first_in_item = True
    elif kind == "inline" and index > 0 and tokens[index - 1].type == "paragraph_open":
        state.blocks.append(_paragraph(state, inline_spans(token)))
    elif kind == "blockquote_open":
        state.quote += 1
    elif kind == "blockquote_close":
        state.quote -= 1
    elif kind in ("fence", "code_block"):
        for line in token.content.rstrip("\n").split("\n"):
            runs: Runs = (Run(line, code=True),)
            state.blocks.append(Block("code", "No Spacing", runs, spans=(Span("code", line),)))
    elif kind == "table_open":
        return _table(state, tokens, index)
    elif kind == "hr":
        state.blocks.append(Block("rule", None))
    elif kind == "html_block":
        content = token.content.strip()
        html_runs = merge([Run(content)])
        state.blocks.append(Block("html", None, html_runs, spans=(Span("html", content),)))
    return index + 1


def _paragraph(state: _Parse, spans: Spans) -> Block:
    runs = runs_of(spans)
    if not state.lists:
        kind, style = ("quote", "Quote") if state.quote else ("paragraph", None)
        return Block(kind, style, runs, spans=spans)
    depth = min(len(state.lists), 3)
    suffix = "" if depth == 1 else f" {depth}"
    current = state.lists[-1]
    first, state.first_in_item = state.first_in_item, False
    if not first:  # a continuation paragraph inside a list item
        return Block("continue", f"List Continue{suffix}", runs, depth, spans=spans)
    if not current.ordered:
        return Block("item", f"List Bullet{suffix}", runs, depth, spans=spans)
    prefix = f"{current.next_number}.\u2002"
    current.next_number += 1
    return Block("item", f"List Continue{suffix}", runs, depth, prefix=prefix, spans=spans)


@dataclass
class _Row:
    header: bool
    cells: list[Runs] = field(default_factory=list)
    spans: list[Spans] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    def block(self) -> Block:
        return Block(
            "row",
            "Table Grid",
            cells=tuple(self.cells),
            header=self.header,
            cell_spans=tuple(self.spans),
            sources=tuple(self.sources),
        )


def _table(state: _Parse, tokens: list[Token], index: int) -> int:
    in_head = False
    rows: list[_Row] = []
    while tokens[index].type != "table_close":
        token = tokens[index]
        if token.type == "thead_open":
            in_head = True
        elif token.type == "thead_close":
            in_head = False
        elif token.type == "tr_open":
            rows.append(_Row(in_head))
        elif token.type == "inline":
            spans = inline_spans(token)
            runs = runs_of(spans)
            if in_head:  # header cells are bold in the copies
                runs = merge([Run(r.text, True, r.italic, r.code, r.strike) for r in runs])
            rows[-1].cells.append(runs)
            rows[-1].spans.append(spans)
            rows[-1].sources.append(token.content)
        index += 1
    state.blocks.append(Block("table", "Table Grid", rows=tuple(row.block() for row in rows)))
    return index + 1


def inline_spans(token: Token) -> Spans:
    """An inline token's children as spans, formatting and links resolved."""
    bold = italic = strike = False
    link: str | None = None
    spans: list[Span] = []
    for child in token.children or []:
        kind = child.type
        if kind in ("strong_open", "strong_close"):
            bold = kind == "strong_open"
        elif kind in ("em_open", "em_close"):
            italic = kind == "em_open"
        elif kind in ("s_open", "s_close"):
            strike = kind == "s_open"
        elif kind == "link_open":
            link = str(child.attrs.get("href", ""))
        elif kind == "link_close":
            link = None
        elif kind in ("softbreak", "hardbreak"):
            spans.append(Span(kind, "", bold, italic, strike))
        elif kind == "image":
            src = str(child.attrs.get("src", ""))
            alt = "".join(c.content for c in child.children or []) or src
            spans.append(Span("image", alt, bold, italic, strike, link, src))
        elif kind in ("text", "code_inline", "html_inline"):
            name = {"text": "text", "code_inline": "code", "html_inline": "html"}[kind]
            spans.append(Span(name, child.content, bold, italic, strike, link))
    return tuple(spans)


def runs_of(spans: Spans) -> Runs:
    """Spans as formatted plain text (adjacent equal formats merged)."""
    runs: list[Run] = []
    for span in spans:
        if span.kind == "softbreak":
            # as in the copies: a line break is a space only after Latin text
            last = plain(tuple(runs))[-1:]
            if last and last.isascii() and last != " ":
                runs.append(Run(" ", span.bold, span.italic, False, span.strike))
        elif span.kind == "hardbreak":
            runs.append(Run("\n", span.bold, span.italic, False, span.strike))
        elif span.kind == "image":
            runs.append(Run(f"［图：{span.text}］", span.bold, span.italic, False, span.strike))
        else:
            runs.append(Run(span.text, span.bold, span.italic, span.kind == "code", span.strike))
    return merge(runs)


def merge(runs: list[Run]) -> Runs:
    merged: list[Run] = []
    for run in runs:
        if not run.text:
            continue
        if merged and merged[-1].format == run.format:
            last = merged.pop()
            run = Run(last.text + run.text, *run.format)
        merged.append(run)
    return tuple(merged)
