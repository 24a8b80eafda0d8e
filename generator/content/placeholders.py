"""Placeholders: values `cems init` leaves for the organisation to fill (【待填写】...).

Each one is an error located at its file, line and field, so `cems validate` on a new
repository is the to-do list. A schema complaint about the same field (an e-mail that is not
yet an address) says nothing more and is dropped in favour of the placeholder.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from generator.content.load import SourceFile
from generator.core.issues import Issue

MARKER = "【待填写】"


def _walk(value: Any, path: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if isinstance(value, str):
        if MARKER in value:
            yield path, value
        return
    if isinstance(value, dict):
        items: Iterable[tuple[str | int, Any]] = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return
    for key, item in items:
        if isinstance(item, str):  # inline: most values are scalars (300,000 CSV cells)
            if MARKER in item:
                yield (*path, key), item
        elif isinstance(item, dict | list):
            yield from _walk(item, (*path, key))


def placeholder_issues(files: Iterable[SourceFile]) -> list[Issue]:
    """One PLACEHOLDER error per value still carrying the marker."""
    issues = []
    for source in files:
        if source.kind == "csv" and MARKER not in source.text:
            continue  # a CSV cell is its text (no escapes): the marker would be in the file
        for path, value in _walk(source.data, ()):
            what = value.replace(MARKER, "").strip(" ：:") or "此项"
            issues.append(
                Issue(
                    source.rel,
                    source.line_of(path),
                    "/".join(map(str, path)),
                    f"尚未填写：{what} (placeholder still to fill)",
                    code="PLACEHOLDER",
                    hint=f"把 {MARKER} 及其后的说明替换为本单位的实际内容",
                )
            )
    return issues


def merge_placeholders(placeholders: list[Issue], issues: Iterable[Issue]) -> list[Issue]:
    """`issues` without those about a field that is still a placeholder, plus the placeholders."""
    open_fields = {(p.file, p.field) for p in placeholders}
    kept = [i for i in issues if (i.file, i.field) not in open_fields]
    return [*placeholders, *kept]
