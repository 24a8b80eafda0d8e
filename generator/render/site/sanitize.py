"""Render stage (site): every page's HTML goes through an allow-list sanitiser (nh3/ammonia).

Document bodies are Markdown on purpose, and Markdown allows raw HTML, reference links,
entities and `attr_list` attributes; filtering the Markdown text cannot see what the
parser will make of them. So the check is made on the HTML MkDocs produced, in an
`on_page_content` event that runs after every other plugin: only the tags and attributes
the site's templates and Markdown extensions produce survive, no event handler, no
`<script>`/`<style>`/`<iframe>`, and links only to http, https, mailto or relative URLs.
The table of contents is cleaned too, because Material prints its titles unescaped.
"""

from __future__ import annotations

from typing import Any

import nh3
from mkdocs.plugins import BasePlugin, event_priority

# What Material and our templates produce inside a page: headings, paragraphs, tables,
# admonitions (div/p with classes), details, tabbed sets, footnotes, definition lists,
# code, images, links and the download buttons (links with classes).
TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd",
        "del", "details", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3",
        "h4", "h5", "h6", "hr", "i", "img", "input", "ins", "kbd", "label", "li", "mark",
        "ol", "p", "pre", "s", "small", "span", "strong", "sub", "summary", "sup", "table",
        "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
    }
)  # fmt: skip
# Tags removed together with their content (their text is code or styling, not prose).
DROP_WITH_CONTENT = frozenset({"script", "style", "noscript", "template", "iframe", "object"})
ATTRIBUTES: dict[str, set[str]] = {
    "*": {"class", "id", "title", "lang", "dir"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height", "loading"},
    "td": {"style", "colspan", "rowspan", "align"},
    "th": {"style", "colspan", "rowspan", "align", "scope"},
    "ol": {"start", "type"},
    "details": {"open"},
    "input": {"type", "name", "checked", "disabled"},
    "label": {"for"},
    "abbr": {"title"},
    "div": {"data-tabs"},
    "code": {"data-lang"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
STYLE_PROPERTIES = frozenset({"text-align"})  # Markdown tables align cells with a style


def clean_html(html: str) -> str:
    """`html` with everything outside the allow-list removed (text is kept, escaped)."""
    return nh3.clean(
        html,
        tags=set(TAGS),
        clean_content_tags=set(DROP_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        filter_style_properties=set(STYLE_PROPERTIES),
        link_rel=None,
        strip_comments=True,
    )


def clean_text(html: str) -> str:
    """A fragment printed unescaped by the theme (a TOC title): text only, escaped."""
    return nh3.clean(html, tags=set(), clean_content_tags=set(DROP_WITH_CONTENT))


def _clean_toc(items: Any) -> None:
    for item in items or []:
        item.title = clean_text(str(item.title))
        _clean_toc(getattr(item, "children", None))


class SanitizePlugin(BasePlugin):  # type: ignore[type-arg,no-untyped-call]
    """Registered by `build_mkdocs` on every in-process build."""

    @event_priority(-100)  # last: after any plugin that changes the page's HTML
    def on_page_content(self, html: str, /, *, page: Any, config: Any, files: Any) -> str:
        _clean_toc(getattr(page, "toc", None))
        return clean_html(html)


PLUGIN_NAME = "cems-sanitize"
