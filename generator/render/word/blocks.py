"""Markdown -> comparable blocks for the redline, and the block and word alignment.

A block is what a reader sees as one unit in the Word copy: a heading, a paragraph, a list
item, a table row or one line of a code block, with its Word style and its inline runs with
the Markdown markup removed. The parse follows `markdown_docx` (same parser, same styles,
same heading shift, ordered-list numbers as text) so the redline reads like the copies.
Blocks are aligned with difflib on their plain text; paired blocks are then compared word by
word, where every CJK character counts as a word because Chinese has no spaces.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from markdown_it.token import Token

from generator.render.word.body import heading_shift, parser

_TOKEN = re.compile(r"[A-Za-z0-9_.\-/%]+|\s+|.", re.S)
_SIMILAR = 0.5  # below this ratio two blocks in a changed region are a deletion + an insertion
_LOOKAHEAD = 25  # a changed block is paired only this far ahead, so a rewrite costs O(n)


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
class Block:
    """One paragraph-like unit of a document body."""

    kind: str  # heading | paragraph | item | continue | quote | code | html | row
    style: str | None  # Word style name; None is Normal
    runs: Runs = ()
    level: int = 0  # heading level (1-3) or list depth (1-3)
    prefix: str = ""  # printed number of an ordered list item, e.g. "2.\u2002"
    cells: tuple[Runs, ...] = ()  # table row cells
    header: bool = False  # a table header row

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


def parse_blocks(text: str, shift: int | None = None) -> list[Block]:
    """The blocks of a Markdown document (front matter removed)."""
    tokens = parser().parse(strip_front_matter(text))
    state = _Parse(heading_shift(tokens) if shift is None else shift)
    index = 0
    while index < len(tokens):
        index = _block(state, tokens, index)
    return state.blocks


def common_shift(*texts: str) -> int:
    """One heading shift for both revisions, so the same heading gets the same style."""
    shifts = [heading_shift(parser().parse(strip_front_matter(t))) for t in texts]
    return min(shifts) if shifts else 0


def _block(state: _Parse, tokens: list[Token], index: int) -> int:
    token = tokens[index]
    kind = token.type
    if kind == "heading_open":
        level = max(1, min(3, int(token.tag[1]) - state.shift))
        runs = inline_runs(tokens[index + 1])
        state.blocks.append(Block("heading", f"Heading {level}", runs, level))
        return index + 3
    if kind in ("bullet_list_open", "ordered_list_open"):
        start = int(token.attrs.get("start", 1)) if kind == "ordered_list_open" else 1
        state.lists.append(_List(kind == "ordered_list_open", start))
    elif kind in ("bullet_list_close", "ordered_list_close"):
        state.lists.pop()
    elif kind == "list_item_open":
        state.first_in_item = True
    elif kind == "inline" and index > 0 and tokens[index - 1].type == "paragraph_open":
        state.blocks.append(_paragraph(state, inline_runs(token)))
    elif kind == "blockquote_open":
        state.quote += 1
    elif kind == "blockquote_close":
        state.quote -= 1
    elif kind in ("fence", "code_block"):
        for line in token.content.rstrip("\n").split("\n"):
            state.blocks.append(Block("code", "No Spacing", (Run(line, code=True),)))
    elif kind == "table_open":
        return _table(state, tokens, index)
    elif kind == "html_block" and token.content.strip():
        state.blocks.append(Block("html", None, (Run(token.content.strip()),)))
    return index + 1


def _paragraph(state: _Parse, runs: Runs) -> Block:
    if not state.lists:
        return Block("quote", "Quote", runs) if state.quote else Block("paragraph", None, runs)
    depth = min(len(state.lists), 3)
    suffix = "" if depth == 1 else f" {depth}"
    current = state.lists[-1]
    first, state.first_in_item = state.first_in_item, False
    if not first:  # a continuation paragraph inside a list item
        return Block("continue", f"List Continue{suffix}", runs, depth)
    if not current.ordered:
        return Block("item", f"List Bullet{suffix}", runs, depth)
    prefix = f"{current.next_number}.\u2002"
    current.next_number += 1
    return Block("item", f"List Continue{suffix}", runs, depth, prefix=prefix)


def _table(state: _Parse, tokens: list[Token], index: int) -> int:
    in_head = False
    cells: list[Runs] = []
    while tokens[index].type != "table_close":
        kind = tokens[index].type
        if kind == "thead_open":
            in_head = True
        elif kind == "thead_close":
            in_head = False
        elif kind == "tr_open":
            cells = []
        elif kind == "inline":
            runs = inline_runs(tokens[index])
            if in_head:  # header cells are bold in the copies (markdown_docx.add_table)
                runs = merge([Run(r.text, True, r.italic, r.code, r.strike) for r in runs])
            cells.append(runs)
        elif kind == "tr_close":
            state.blocks.append(Block("row", "Table Grid", cells=tuple(cells), header=in_head))
        index += 1
    return index + 1


def inline_runs(token: Token) -> Runs:
    """An inline token's children as formatted runs (adjacent equal formats merged)."""
    bold = italic = strike = False
    runs: list[Run] = []
    for child in token.children or []:
        kind = child.type
        if kind in ("strong_open", "strong_close"):
            bold = kind == "strong_open"
        elif kind in ("em_open", "em_close"):
            italic = kind == "em_open"
        elif kind in ("s_open", "s_close"):
            strike = kind == "s_open"
        elif kind == "softbreak":
            # as in markdown_docx: a line break is a space only after Latin text
            last = plain(tuple(runs))[-1:]
            if last and last.isascii() and last != " ":
                runs.append(Run(" ", bold, italic, False, strike))
        elif kind == "hardbreak":
            runs.append(Run("\n", bold, italic, False, strike))
        elif kind == "image":
            alt = "".join(c.content for c in child.children or []) or child.attrs.get("src", "")
            runs.append(Run(f"［图：{alt}］", bold, italic, False, strike))
        elif kind in ("text", "code_inline", "html_inline"):
            runs.append(Run(child.content, bold, italic, kind == "code_inline", strike))
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


# ---- alignment ----------------------------------------------------------------------------

Step = tuple[str, "Block | None", "Block | None"]  # (equal|insert|delete|replace, old, new)


def align(old: list[Block], new: list[Block]) -> Iterator[Step]:
    """Document-order steps from `old` to `new`; 'replace' pairs similar blocks."""
    matcher = difflib.SequenceMatcher(
        None, [b.key for b in old], [b.key for b in new], autojunk=False
    )
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            for a, b in zip(old[i1:i2], new[j1:j2], strict=True):
                yield ("equal" if a.runs == b.runs and a.prefix == b.prefix else "replace", a, b)
        else:
            yield from _pair(old[i1:i2], new[j1:j2])


def _pair(old: list[Block], new: list[Block]) -> Iterator[Step]:
    """Pair each old block with the next similar new block of its family, in order; the
    rest are deletions and insertions."""
    j = 0
    for block in old:
        match = next(
            (k for k in range(j, min(len(new), j + _LOOKAHEAD)) if _similar(block, new[k])),
            None,
        )
        if match is None:
            yield ("delete", block, None)
            continue
        for inserted in new[j:match]:
            yield ("insert", None, inserted)
        yield ("replace", block, new[match])
        j = match + 1
    for inserted in new[j:]:
        yield ("insert", None, inserted)


def _similar(a: Block, b: Block) -> bool:
    if a.family != b.family:
        return False
    if a.kind == "row" and len(a.cells) != len(b.cells):
        return False
    matcher = difflib.SequenceMatcher(None, tokens(a.text), tokens(b.text), autojunk=False)
    # the cheap upper bounds first: a rewritten document compares every pair of a region
    return (
        matcher.real_quick_ratio() >= _SIMILAR
        and matcher.quick_ratio() >= _SIMILAR
        and matcher.ratio() >= _SIMILAR
    )


@functools.lru_cache(maxsize=4096)
def tokens(text: str) -> tuple[str, ...]:
    return tuple(_TOKEN.findall(text))


# ---- word level ---------------------------------------------------------------------------

Piece = tuple[str, Runs]  # (equal|insert|delete, runs)


def _formatted_tokens(runs: Runs) -> list[Run]:
    return [Run(t, *run.format) for run in runs for t in tokens(run.text)]


def diff_runs(old: Runs, new: Runs) -> list[Piece]:
    """Word-level diff of two run sequences; a formatting change counts as a change."""
    a, b = _formatted_tokens(old), _formatted_tokens(new)
    pieces: list[Piece] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            pieces.append(("equal", merge(b[j1:j2])))
            continue
        if op in ("delete", "replace"):
            pieces.append(("delete", merge(a[i1:i2])))
        if op in ("insert", "replace"):
            pieces.append(("insert", merge(b[j1:j2])))
    return pieces
