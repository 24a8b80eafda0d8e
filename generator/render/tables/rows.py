"""Register rows (render stage): the rows of every dedicated register (台账).

The registers are declared as data (`resources/data/registers.yaml`, read into
`spec.RegisterSpec`); one generic builder walks each spec's source (records, their items,
the documents or the distributed copies) into rows of scopes and reads every column's field
through a named formatter. `writer.py` writes what it returns to Word and Excel, so both
files always carry the same rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from generator.content.model import Model
from generator.content.schemas import SchemaSet
from generator.control.types import History, control_status_zh
from generator.render.tables.spec import Column, Register, RegisterSpec, register_specs, text

# A scope is (data, schema path): a mapping or object, and where its property schemas are in
# the record type's schema (None: not a record's data, no schema).
Scope = tuple[Any, "tuple[str, ...] | None"]
Row = dict[str, Scope]
MISSING: Any = object()  # a field the data does not have


def fields(schemas: SchemaSet | None, record_type: str, *path: str) -> dict[str, Any]:
    """The property schemas of a record type's data at `path` (a list steps into its items),
    where the Chinese words of its enum codes live; empty without schemas."""
    schema = schemas.record_schema(record_type) if schemas is not None else None
    if schemas is None or schema is None:
        return {}
    node: Any = schemas.inlined(schema)
    for key in path:
        node = (node.get("properties") or {}).get(key) or {}
        if node.get("type") == "array":
            node = node.get("items") or {}
    props = node.get("properties") if isinstance(node, dict) else None
    return props if isinstance(props, dict) else {}


@dataclass
class _Build:
    """What the formatters may read while one register is built."""

    model: Model
    history: History
    schemas: SchemaSet | None
    record_type: str
    props_at: dict[tuple[str, ...], dict[str, Any]] = field(default_factory=dict)

    def props(self, path: tuple[str, ...]) -> dict[str, Any]:
        if path not in self.props_at:
            self.props_at[path] = fields(self.schemas, self.record_type, *path)
        return self.props_at[path]


def _get(data: Any, key: str, default: Any = None) -> Any:
    if isinstance(data, Mapping):
        return data.get(key, default)
    return getattr(data, key, default)


def _lookup(build: _Build, row: Row, path: str) -> tuple[Any, Any]:
    """The value at `<scope>.<key>...` (MISSING when absent) and its property schema."""
    scope, *keys = path.split(".")
    data, schema_path = row[scope]
    for key in keys[:-1]:
        data = _get(data, key) or {}
        schema_path = None if schema_path is None else (*schema_path, key)
    props = {} if schema_path is None else build.props(schema_path)
    return _get(data, keys[-1], MISSING), props.get(keys[-1])


def _empty(value: Any) -> bool:
    return value is MISSING or not value


# ---- formatters: (value, property schema, build, row) -> cell ------------------------------

Formatter = Callable[[Any, Any, _Build, Row], Any]


def _text(value: Any, prop: Any, build: _Build, row: Row) -> str:
    return text(None if value is MISSING else value, prop)


def _plain(value: Any, prop: Any, build: _Build, row: Row) -> str:
    return text(None if value is MISSING else value)


def _raw(value: Any, prop: Any, build: _Build, row: Row) -> Any:
    return "" if value is MISSING else value


def _items(value: Any) -> list[Any]:
    return [] if value is MISSING or not value else list(value)


def _department(value: Any, prop: Any, build: _Build, row: Row) -> str:
    return build.model.department_name("" if value is MISSING else value)


def _departments(value: Any, prop: Any, build: _Build, row: Row) -> str:
    return "、".join(build.model.department_name(x) for x in _items(value))


def _person(value: Any, prop: Any, build: _Build, row: Row) -> str:
    return build.model.person_name("" if value is MISSING else value)


def _people(value: Any, prop: Any, build: _Build, row: Row) -> str:
    return "、".join(build.model.person_name(x) for x in _items(value))


def _count(value: Any, prop: Any, build: _Build, row: Row) -> str:
    return str(len(_items(value)))


def _control_status(value: Any, prop: Any, build: _Build, row: Row) -> str:
    """A document's status as its control reads it (draft, in force, withdrawn...)."""
    return control_status_zh(row["control"][0], value)


def _review_actions(value: Any, prop: Any, build: _Build, row: Row) -> str:
    """A review's follow-up actions as `action（owner，due）；...`."""
    person = build.model.person_name
    return "；".join(
        f"{a.get('action', '')}（{person(a.get('owner', ''))}，{a.get('due', '')}）"
        for a in _items(value)
    )


def _target_title(value: Any, prop: Any, build: _Build, row: Row) -> str:
    """A target row under its objective: indented and marked 指标."""
    return f"　指标：{'' if value is MISSING else value}"


def _or_dash(value: Any, prop: Any, build: _Build, row: Row) -> Any:
    return "—" if _empty(value) else value


FORMATTERS: dict[str, Formatter] = {
    "text": _text,
    "plain": _plain,
    "raw": _raw,
    "department": _department,
    "departments": _departments,
    "person": _person,
    "people": _people,
    "count": _count,
    "control_status": _control_status,
    "review_actions": _review_actions,
    "target_title": _target_title,
    "or_dash": _or_dash,
}


def _cell(build: _Build, row: Row, column: Column) -> Any:
    if column.const is not None:
        return column.const
    value, prop = _lookup(build, row, column.field)
    if column.empty is not None and not row[column.field.split(".")[0]][0]:
        return column.empty
    if column.fallback and _empty(value):
        value, prop = _lookup(build, row, column.fallback)
    return FORMATTERS[column.format](value, prop, build, row)


# ---- sources: a spec's rows as scopes ------------------------------------------------------


def _documents(build: _Build) -> Iterator[Row]:
    for document in build.model.documents:
        yield {"document": (document, None), "control": (build.history.control(document.id), None)}


def _copies(build: _Build) -> Iterator[Row]:
    history = build.history
    for doc_id in sorted(history.documents):
        document = build.model.document(doc_id)
        title = document.title if document else history.archived.get(doc_id, ("", ""))[0]
        for copy in history.control(doc_id).copies:
            yield {"copy": (copy, None), "doc": ({"id": doc_id, "title": title}, None)}


def _list_at(data: Any, path: tuple[str, ...]) -> list[Any]:
    for key in path[:-1]:
        data = _get(data, key) or {}
    return list(_get(data, path[-1]) or [])


def _latest(item: Any, key: str) -> Any:
    entries = sorted(_get(item, key) or [], key=lambda e: str(e.get("date", "")))
    return entries[-1] if entries else {}


def _records(build: _Build, spec: RegisterSpec) -> Iterator[tuple[Row, tuple[Column, ...]]]:
    path = tuple(spec.items.split(".")) if spec.items else ()
    for record in build.model.records_of(spec.source):
        base: Row = {
            "record": (record.data, ()),
            "meta": ({"id": record.id, "date": record.date_text}, None),
        }
        if not path:
            yield base, spec.columns
            continue
        items = _list_at(record.data, path) or ([{}] if spec.empty_item else [])
        for item in items:
            row = {**base, "item": (item, path)}
            if spec.latest:
                row["latest"] = (_latest(item, spec.latest), (*path, spec.latest))
            yield row, spec.columns
            children = (_get(item, spec.children) or []) if spec.children else []
            for child in children:
                yield {**row, "child": (child, (*path, spec.children))}, spec.child_columns


def _rows(build: _Build, spec: RegisterSpec) -> Iterator[tuple[Row, tuple[Column, ...]]]:
    if spec.source == "documents":
        yield from ((row, spec.columns) for row in _documents(build))
    elif spec.source == "copies":
        yield from ((row, spec.columns) for row in _copies(build))
    else:
        yield from _records(build, spec)


def build_register(
    spec: RegisterSpec, model: Model, history: History, schemas: SchemaSet | None = None
) -> Register:
    """One declared register's rows."""
    build = _Build(model, history, schemas, spec.source)
    rows = tuple(
        tuple(_cell(build, row, column) for column in columns)
        for row, columns in _rows(build, spec)
    )
    columns = tuple((c.title, c.width) for c in spec.columns)
    return Register(spec.name, spec.title, columns, rows, key=spec.key)


def build_registers(
    model: Model, history: History, schemas: SchemaSet | None = None
) -> list[Register]:
    """Every dedicated register. `schemas` give the enum codes their Chinese words; without
    them codes stay as written."""
    return [build_register(spec, model, history, schemas) for spec in register_specs()]
