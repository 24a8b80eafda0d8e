"""Every enum code of every schema has its Chinese word in the schema itself (`x-enum-titles`):
the registers, record tables and the auditors' site read codes only through it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from generator.content.schemas import SchemaSet, load_schemas
from tests.support.paths import RESOURCES

CJK = re.compile(r"[\u4e00-\u9fff]")


def _enums(node: Any, where: str) -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, list):
        for index, item in enumerate(node):
            yield from _enums(item, f"{where}/{index}")
    elif isinstance(node, dict):
        if isinstance(node.get("enum"), list):
            yield where, node
        for key, value in node.items():
            yield from _enums(value, f"{where}/{key}")


def _all_schemas(schemas: SchemaSet) -> dict[str, dict[str, Any]]:
    """Every schema file, inlined as validation and the layouts see it (common included)."""
    found = {"organisation": schemas.organisation, "document": schemas.document}
    found.update({f"records/{name}": s for name, s in schemas.records.items()})
    for uri in schemas.registry:
        contents = schemas.registry[uri].contents
        if uri.endswith("/common.schema.json") and isinstance(contents, dict):
            found["common"] = contents
    return {name: schemas.inlined(schema) for name, schema in sorted(found.items())}


def enum_title_problems(schemas: SchemaSet) -> tuple[int, list[str]]:
    """(enums seen, what is wrong with their titles)."""
    seen, problems = 0, []
    for name, schema in _all_schemas(schemas).items():
        for where, prop in _enums(schema, name):
            seen += 1
            titles = prop.get("x-enum-titles")
            if not isinstance(titles, dict):
                problems.append(f"{where}: no x-enum-titles")
                continue
            if list(titles) != [str(code) for code in prop["enum"]]:
                problems.append(f"{where}: titles {list(titles)} != codes {prop['enum']}")
            for code, title in titles.items():
                if not (isinstance(title, str) and CJK.search(title) and title.strip() == title):
                    problems.append(f"{where}: {code} -> {title!r} is not Chinese")
    return seen, problems


def test_every_enum_has_chinese_titles_for_exactly_its_codes() -> None:
    seen, problems = enum_title_problems(load_schemas(RESOURCES / "schemas", RESOURCES))
    assert problems == []
    assert seen >= 25  # the walk really reached the enums (27 when this was written)


def _schemas_with(tmp_path: Path, record_schema: str) -> SchemaSet:
    folder = tmp_path / "schemas"
    (folder / "records").mkdir(parents=True)
    for name in ("common", "organisation", "document"):
        text = (RESOURCES / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8")
        (folder / f"{name}.schema.json").write_text(text, encoding="utf-8")
    (folder / "records" / "x.schema.json").write_text(record_schema, encoding="utf-8")
    return load_schemas(folder, tmp_path)


def test_a_missing_partial_or_english_table_is_reported(tmp_path: Path) -> None:
    schemas = _schemas_with(
        tmp_path,
        '{"title": "X", "properties": {'
        '"a": {"enum": ["p", "q"], "x-enum-titles": {"p": "甲"}},'
        '"b": {"type": "array", "items": {"enum": ["r"]}},'
        '"c": {"enum": ["s"], "x-enum-titles": {"s": "s"}}}}',
    )
    _seen, problems = enum_title_problems(schemas)
    mine = [p for p in problems if p.startswith("records/x")]
    assert len(mine) == 3, mine
    assert any("/b/items: no x-enum-titles" in p for p in mine)
