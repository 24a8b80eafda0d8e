"""Registers as data: the `Register` table type, the declared register specs
(`resources/data/registers.yaml`) and how cell values read in Chinese.

Shared by the dedicated registers (`rows.py`), the generic record tables (`records.py`) and
the Word/Excel writer (`writer.py`); it imports none of them, so there is no cycle.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from generator.core.resources import data_path, parse_data_yaml

PORTRAIT_WIDTH_CM = 16.0
ENUM_TITLES = "x-enum-titles"  # the schemas' Chinese words for their enum codes
# Codes no schema enumerates: the emission sources' fuel keys point into the factor library
# (a free `pattern`, not an enum), so the register needs their words from here.
LABELS = {
    "natural_gas": "天然气",
    "diesel": "柴油",
    "gasoline": "汽油",
    "limestone": "石灰石",
    "grid_electricity": "电网电力",
    "green_electricity": "绿色电力",
    "purchased_heat": "外购热力",
}


@dataclass(frozen=True)
class Register:
    name: str  # file stem
    title: str
    columns: tuple[tuple[str, float], ...]  # (heading, width in cm)
    rows: tuple[tuple[str, ...], ...]
    key: str = ""  # the record type (or master-list, document-issue): how the site finds it
    # rows of one record (a plan and its milestones) share a group number; the record's own
    # fields (`shared` columns) are printed once per group instead of on every row
    groups: tuple[int, ...] = ()
    shared: tuple[bool, ...] = ()

    @property
    def count(self) -> int:
        """How many records (not rows) the register holds."""
        return len(set(self.groups)) if self.groups else len(self.rows)

    @property
    def landscape(self) -> bool:
        return sum(w for _, w in self.columns) > PORTRAIT_WIDTH_CM


@dataclass(frozen=True)
class Column:
    """One declared register column: its heading and width, and how a row's cell is read."""

    title: str = ""
    width: float = 0.0
    field: str = ""  # "<scope>.<path>", e.g. item.fuel, record.plan.scope, meta.id
    format: str = "text"  # a formatter of rows.py
    fallback: str = ""  # another field read when `field` is empty
    empty: str | None = None  # printed when the field's scope is empty
    const: str | None = None  # a fixed text


@dataclass(frozen=True)
class RegisterSpec:
    """One dedicated register declared in registers.yaml (see the file's header)."""

    name: str
    title: str
    key: str
    source: str  # a record type, `documents` or `copies`
    columns: tuple[Column, ...]
    items: str = ""  # dotted path of a list inside each record: one row per item
    empty_item: bool = False  # a record without items still gets one row
    latest: str = ""  # a list inside each item whose latest entry (by date) is `latest`
    children: str = ""  # a list inside each item whose entries follow it as rows
    child_columns: tuple[Column, ...] = ()


@functools.cache
def register_specs() -> tuple[RegisterSpec, ...]:
    """The dedicated registers in the order they are built."""
    declared = parse_data_yaml(data_path("registers.yaml").read_text(encoding="utf-8")) or []
    specs = []
    for entry in declared:
        columns = tuple(Column(**c) for c in entry.pop("columns"))
        children = tuple(Column(**c) for c in entry.pop("child_columns", []))
        specs.append(RegisterSpec(columns=columns, child_columns=children, **entry))
    return tuple(specs)


def enum_title(prop: Mapping[str, Any] | None, value: Any) -> str | None:
    """The schema's Chinese word for an enum code (`x-enum-titles`), or None.

    A property that repeats a referenced schema's keywords is inlined as an `allOf`
    (schemas.inline_refs), so the titles may sit one level down.
    """
    if not isinstance(prop, Mapping) or isinstance(value, (bool, dict, list)):
        return None
    titles = prop.get(ENUM_TITLES)
    if isinstance(titles, Mapping) and str(value) in titles:
        return str(titles[str(value)])
    for part in prop.get("allOf") or ():
        title = enum_title(part, value)
        if title is not None:
            return title
    return None


def text(value: Any, prop: Mapping[str, Any] | None = None) -> str:
    """A cell's text: enum codes in Chinese (from `prop`, the value's property schema),
    booleans as 是/否, lists joined."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (list, tuple)):
        items = prop.get("items") if isinstance(prop, Mapping) else None
        return "、".join(text(v, items if isinstance(items, Mapping) else None) for v in value)
    title = enum_title(prop, value)
    if title is not None:
        return title
    return LABELS.get(str(value), str(value))


# ---- writers -----------------------------------------------------------------------------
