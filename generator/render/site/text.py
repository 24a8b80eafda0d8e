"""Render stage (site): escaping of content text and the Jinja environment for generated pages.

Text from YAML is data, never markup: it is HTML-escaped (markupsafe) and its Markdown
punctuation is backslash-escaped so a title cannot inject a script or a `javascript:` link.
Document bodies are Markdown on purpose and are passed through as written; what could run
code is removed from the HTML MkDocs makes of them (`sanitize.py`), not from the Markdown.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from generator.core.dates import minute_text

# Markdown punctuation that could start a link, emphasis, code span, table cell or heading.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}()#|!])")


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
    env.filters["when"] = minute_text
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
