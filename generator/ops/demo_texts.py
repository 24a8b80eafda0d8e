"""Earlier texts for the demo's history: a sample document with one scripted change undone.

Pure text functions (no git, no files): an earlier edition letter, a section not yet written,
a passage worded differently, or the last section left out. `demo.py` applies them newest
change first, so every revision the demo releases ends exactly at the sample's file.
"""

from __future__ import annotations

import re
from typing import Any

from generator.content.load import split_front_matter
from generator.core.issues import CemsError


def earlier_text(text: str) -> str:
    """An earlier version of a document: its last `## ` section, or last paragraph, left out."""
    _front, body, _line = split_front_matter(text)
    head = text[: len(text) - len(body)]
    sections = [m.start() for m in re.finditer(r"^## ", body, flags=re.M)]
    if len(sections) >= 2:
        return head + body[: sections[-1]].rstrip("\n") + "\n"
    blocks = body.rstrip("\n").split("\n\n")
    if len(blocks) >= 2:
        return head + "\n\n".join(blocks[:-1]) + "\n"
    return text + "\n（初稿）\n"


def drop_section(text: str, heading: str) -> str:
    """`text` without the section that starts at the line `heading` (up to the next heading
    of the same or a higher level)."""
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.rstrip() == heading), None)
    if start is None:
        raise ValueError(heading)
    level = len(heading) - len(heading.lstrip("#"))
    stop = re.compile(rf"^#{{1,{level}}} ")
    end = next((i for i in range(start + 1, len(lines)) if stop.match(lines[i])), len(lines))
    kept = lines[:start] + lines[end:]
    return "".join(kept).rstrip("\n") + "\n" if end == len(lines) else "".join(kept)


def undo_change(text: str, change: dict[str, Any], where: str) -> str:
    """The text before one scripted change: an earlier edition letter, a section not yet
    written (`section`), a passage worded differently (`now` -> `before`) or, with no
    details, the last section left out."""
    if "edition" in change:
        text, count = re.subn(
            r"^edition:.*$", f"edition: {change['edition']}", text, count=1, flags=re.M
        )
        found = bool(count)
    elif "section" in change:
        try:
            return drop_section(text, str(change["section"]))
        except ValueError:
            found = False
    elif "now" in change:
        found = str(change["now"]) in text
        text = text.replace(str(change["now"]), str(change.get("before", "")), 1)
    else:
        return earlier_text(text)
    if not found:
        detail = change.get("section") or change.get("now") or "edition"
        raise CemsError(f"演示脚本的变更在 {where} 中找不到 (change not found): {detail}")
    return text
