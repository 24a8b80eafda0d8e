"""Render stage (site): escaping of content text and the Jinja environment for generated pages.

Text from YAML is data, never markup: it is HTML-escaped (markupsafe) and its Markdown
punctuation is backslash-escaped so a title cannot inject a script or a `javascript:` link.
Document bodies are Markdown on purpose, so they keep their formatting; only raw HTML that
could run code is neutralised (script-like tags, event handlers, `javascript:` targets).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

# Markdown punctuation that could start a link, emphasis, code span, table cell or heading.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}()#|!])")
# Inline HTML a document body may keep: formatting only, nothing that can run or load code.
_ALLOWED_TAGS = frozenset(
    {"br", "sub", "sup", "kbd", "mark", "u", "ins", "del", "s", "small", "abbr", "b", "i", "em"}
)
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)([^<>]*)>|<(?=[!?/A-Za-z])")
_EVENT_ATTR = re.compile(r"\bon[a-z]+\s*=", re.IGNORECASE)
_JS_LINK = re.compile(
    r"\]\(\s*<?\s*(?:javascript|vbscript|data):(?:[^()]|\([^()]*\))*\)", re.IGNORECASE
)
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")


def md_text(value: Any) -> Markup:
    """Plain text for use inside Markdown: HTML-escaped, Markdown-escaped, one line."""
    text = "" if value is None else str(value)
    escaped = str(escape(text))
    escaped = _MD_SPECIAL.sub(r"\\\1", escaped)
    return Markup(" ".join(escaped.split()))


def md_cell(value: Any) -> Markup:
    """Text for a Markdown table cell: like `md_text`, with line breaks kept as <br>."""
    text = "" if value is None else str(value)
    lines = [str(md_text(line)) for line in text.splitlines()]
    return Markup("<br>".join(line for line in lines if line) or "")


def _neutralise_tag(match: re.Match[str]) -> str:
    name = match.group(2)
    if name is None:  # a bare "<" before something tag-like (comment, malformed tag)
        return "&lt;"
    if name.lower() in _ALLOWED_TAGS and not _EVENT_ATTR.search(match.group(3) or ""):
        return match.group(0)
    return "&lt;" + match.group(0)[1:]


def _sanitize_inline(line: str) -> str:
    # Split on code spans (odd parts) so code keeps its literal "<" (Markdown escapes it there).
    parts = re.split(r"(`+[^`]*`+)", line)
    for i in range(0, len(parts), 2):
        parts[i] = _JS_LINK.sub("](#)", _TAG.sub(_neutralise_tag, parts[i]))
    return "".join(parts)


def sanitize_markdown(body: str) -> str:
    """A document body without raw HTML that can run code; fenced code is left untouched."""
    out: list[str] = []
    fence: str | None = None
    for line in body.splitlines():
        match = _FENCE.match(line)
        if fence is not None:
            out.append(line)
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = None
            continue
        if match:
            fence = match.group(1)
            out.append(line)
            continue
        out.append(line if line.startswith(("    ", "\t")) else _sanitize_inline(line))
    return "\n".join(out) + "\n"


def format_when(when: str) -> str:
    """ISO date-time from git as '2025-03-01 10:15' (the offset is the signer's own zone)."""
    if len(when) >= 16 and when[10] == "T":
        return f"{when[:10]} {when[11:16]}"
    return when


def make_environment(templates_dir: Path) -> jinja2.Environment:
    """Jinja for generated Markdown: autoescape on, so a forgotten filter still escapes HTML."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["md"] = md_text
    env.filters["cell"] = md_cell
    env.filters["when"] = format_when
    return env


def md_table(headers: list[str], rows: list[list[Any]]) -> Markup:
    """A Markdown pipe table; `Markup` cells are trusted (links built here), others escaped."""
    if not rows:
        return Markup("")
    lines = ["| " + " | ".join(str(md_cell(h)) for h in headers) + " |"]
    lines.append("|" + " --- |" * len(headers))
    for row in rows:
        cells = [str(c) if isinstance(c, Markup) else str(md_cell(c)) for c in row]
        lines.append("| " + " | ".join(c or " " for c in cells) + " |")
    return Markup("\n".join(lines) + "\n")


def md_link(text: Any, target: str) -> Markup:
    """A Markdown link to a page or file this generator wrote (the target is trusted)."""
    return Markup(f"[{md_text(text)}]({target})")
