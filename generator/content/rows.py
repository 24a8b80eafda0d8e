"""Table files (CSV) checked per distinct cell value instead of one schema pass per row.

A table row is a flat object: its schema (`type: object`, `properties`, `required`,
`additionalProperties: false`) judges each cell on its own and the row's keys as a set, so a
file is valid exactly when every distinct (column, value) is valid for its column and every
distinct key set is allowed. 50,000 meter readings have a few hundred distinct cells: each is
validated once, by the same validator (cems's keywords, Decimal numbers, formats), which
turns 6 s into a fraction of a second. This is only a fast way to say "valid": when it finds
anything wrong, or the schema has a shape it does not reason about, the caller runs the full
validation, which produces the messages (file, line, field) as before.
"""

from __future__ import annotations

from typing import Any

from generator.content.schemas import ANNOTATIONS

# keywords of a row schema whose meaning is per cell or per key set (x-* are cems annotations
# unless they are one of its validating keywords)
_ROW_KEYWORDS = ANNOTATIONS | {"type", "properties", "required", "additionalProperties", "$id"}
_ROWS_KEYWORDS = ANNOTATIONS | {"type", "items", "minItems", "maxItems"}
_VALIDATING_X = frozenset({"x-ref", "x-past"})


def _only(schema: dict[str, Any], allowed: frozenset[str] | set[str]) -> bool:
    return all(k in allowed or (k.startswith("x-") and k not in _VALIDATING_X) for k in schema)


def _flat_row_schema(schema: dict[str, Any]) -> dict[str, Any] | None:
    """The row schema of a table schema, if it is one this module can reason about."""
    rows = schema.get("properties", {}).get("rows") if isinstance(schema, dict) else None
    if not isinstance(rows, dict) or not _only(rows, _ROWS_KEYWORDS):
        return None
    item = rows.get("items")
    if not isinstance(item, dict) or not _only(item, _ROW_KEYWORDS):
        return None
    if item.get("type") != "object" or item.get("additionalProperties", True) not in (True, False):
        return None
    props, required = item.get("properties", {}), item.get("required", [])
    if not isinstance(props, dict) or not isinstance(required, list):
        return None
    return item


def table_is_valid(validator: Any, schema: dict[str, Any], data: Any) -> bool:
    """True only if `data` ({"rows": [...]}) is valid under `schema` for `validator`; False
    means "not known to be valid" (run the full validation to find and describe the errors).

    The rows list is checked without its items by the full schema, and each row by its keys
    and its cells; a value object met again in a column shares the first answer."""
    item = _flat_row_schema(schema)
    rows = data.get("rows") if isinstance(data, dict) else None
    if item is None or not isinstance(rows, list):
        return False
    rows_schema = {k: v for k, v in schema["properties"]["rows"].items() if k != "items"}
    outer = {**schema, "properties": {**schema["properties"], "rows": rows_schema}}
    if not validator.evolve(schema=outer).is_valid(data):
        return False
    props: dict[str, Any] = item.get("properties", {})
    required = set(item.get("required", []))
    closed = item.get("additionalProperties", True) is False
    # per column: its validator and the answers so far, by value object (the loader shares one
    # object per distinct cell text; the rows hold every value alive, so ids stay unique)
    columns: dict[str, tuple[Any, dict[int, bool]]] = {
        name: (validator.evolve(schema=sub), {}) for name, sub in props.items()
    }
    key_sets: dict[tuple[str, ...], bool] = {}
    for row in rows:
        if not isinstance(row, dict):
            return False
        keys = tuple(row)
        allowed = key_sets.get(keys)
        if allowed is None:
            names = set(keys)
            allowed = key_sets[keys] = required <= names and (not closed or names <= set(props))
        if not allowed:
            return False
        for name, value in row.items():
            column = columns.get(name)
            if column is None:  # an allowed extra column (additionalProperties: true)
                continue
            ok = column[1].get(id(value))
            if ok is None:
                ok = column[1][id(value)] = bool(column[0].is_valid(value))
            if not ok:
                return False
    return True
