"""The redline's alignment of two block lists, and the word-level diff of paired blocks.

Blocks are aligned with difflib on their plain text; paired blocks are then compared word by
word, where every CJK character counts as a word because Chinese has no spaces.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterator

from generator.render.word.blocks import Block, Run, Runs, merge

_TOKEN = re.compile(r"[A-Za-z0-9_.\-/%]+|\s+|.", re.S)
_SIMILAR = 0.5  # below this ratio two blocks in a changed region are a deletion + an insertion
_LOOKAHEAD = 25  # a changed block is paired only this far ahead, so a rewrite costs O(n)

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
