"""Schema set: the JSON Schemas of a content repository, wired for cross-file `$ref`s.

Schema files carry no `$id`, so editors resolve `$ref` relative to the file; here each
schema gets its file URI as `$id` so the `referencing` registry resolves the same way.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse
from urllib.request import url2pathname

from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource
from referencing.jsonschema import DRAFT202012

from generator.core.issues import CemsError, Issue, Severity
from generator.core.resources import resource_path

SHIPPED = resource_path("schemas")

ANNOTATIONS = frozenset({"title", "description", "examples", "default", "$comment"})


def inline_refs(node: Any, resolver: Any, depth: int = 0) -> Any:
    """`node` with every `$ref` replaced by its target, resolved once.

    The referring node's annotations (a more specific `title`) win; when it also repeats a
    validation keyword of the target, both are kept under `allOf`, so nothing is loosened.
    Validation then never follows references per value (50,000 CSV rows: 14 s -> a third).
    """
    if depth > 32 or not isinstance(node, (dict, list)):
        return node
    if isinstance(node, list):
        return [inline_refs(v, resolver, depth + 1) for v in node]
    if "$ref" not in node:
        return {k: inline_refs(v, resolver, depth + 1) for k, v in node.items()}
    resolved = resolver.lookup(node["$ref"])
    target = inline_refs(resolved.contents, resolved.resolver, depth + 1)
    rest = {k: inline_refs(v, resolver, depth + 1) for k, v in node.items() if k != "$ref"}
    clashes = (set(target) & set(rest)) - ANNOTATIONS
    if clashes:
        return {"allOf": [target], **rest}
    return {**target, **rest}


@dataclass(frozen=True)
class SchemaSet:
    organisation: dict[str, Any]
    document: dict[str, Any]
    records: dict[str, dict[str, Any]]
    registry: Registry
    notes: tuple[Issue, ...] = ()  # reported with the content issues (e.g. SCHEMA-OVERRIDE)

    def record_schema(self, record_type: str) -> dict[str, Any] | None:
        return self.records.get(record_type)

    def record_types(self) -> list[str]:
        return sorted(self.records)

    def inlined(self, schema: dict[str, Any]) -> dict[str, Any]:
        """The schema with its references resolved (what validation and layouts use)."""
        resolver = self.registry.resolver(base_uri=str(schema.get("$id", "")))
        result: dict[str, Any] = inline_refs(schema, resolver)
        return result


def _rel(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:  # a schema shipped with cems, outside the repository
        shipped = SHIPPED.resolve()
        if shipped in path.resolve().parents:
            return "cems:schemas/" + path.resolve().relative_to(shipped).as_posix()
        return path.resolve().as_posix()


def _read(path: Path, root: Path) -> dict[str, Any]:
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        rel = _rel(path, root)
        raise CemsError(
            f"schema 无法读取 (cannot read schema): {rel}: {exc}",
            [Issue(rel, getattr(exc, "lineno", None), "", str(exc), code="SCHEMA-FILE")],
        ) from None
    return data


def _retrieve(uri: str) -> Resource[Any]:
    """A `$ref` to a schema file outside the set (e.g. ../../.cems/schemas/common.schema.json)."""
    if not uri.startswith("file:"):
        raise NoSuchResource(uri)
    path = Path(url2pathname(urlparse(uri).path))
    try:
        contents = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        raise NoSuchResource(uri) from None
    return Resource.from_contents(contents, DRAFT202012)


def _schema_files(schemas_dir: Path, root: Path) -> tuple[Path, dict[str, Path], list[Issue]]:
    """(base folder, relative name -> file, override notes).

    The shipped schemas come first; a repository's own schemas/ adds record types and may
    replace a shipped schema, which is reported every time (SCHEMA-OVERRIDE), never silent.
    Identical copies (a repository that keeps the shipped set) are not reported.
    """
    files = {p.relative_to(SHIPPED).as_posix(): p for p in sorted(SHIPPED.rglob("*.schema.json"))}
    if schemas_dir.resolve() == SHIPPED.resolve():
        return SHIPPED, files, []
    if not schemas_dir.is_dir():
        raise CemsError(f"找不到 schemas 文件夹 (no schemas folder): {schemas_dir}")
    notes: list[Issue] = []
    for path in sorted(schemas_dir.rglob("*.schema.json")):
        name = path.relative_to(schemas_dir).as_posix()
        shipped = files.get(name)
        if shipped is not None and _read(path, root) != _read(shipped, root):
            notes.append(
                Issue(
                    _rel(path, root),
                    None,
                    "",
                    f"本仓库的 {name} 替换了 cems 自带的同名 schema (this repository's schema "
                    "replaces the one shipped with cems)",
                    Severity.WARNING,
                    "SCHEMA-OVERRIDE",
                    "新增记录类型请用新的文件名；确需替换时，升级 cems 后请对照自带版本检查 "
                    "(add record types under a new name; re-check an override after upgrading)",
                )
            )
        files[name] = path
    return schemas_dir, files, notes


def load_schemas(schemas_dir: Path, root: Path) -> SchemaSet:
    """The shipped schemas, with the repository's own `schemas_dir` (if it is not the shipped
    folder) layered over them. Every schema gets the URI of `<schemas_dir>/<name>` as `$id`,
    so relative `$ref`s between shipped and repository schemas resolve alike."""
    base, files, notes = _schema_files(schemas_dir, root)
    loaded: dict[str, dict[str, Any]] = {}
    resources: list[tuple[str, Resource[Any]]] = []
    for name, path in files.items():
        schema = _read(path, root)
        schema["$id"] = (base / name).resolve().as_uri()
        loaded[name] = schema
        resources.append((schema["$id"], Resource.from_contents(schema, DRAFT202012)))
    registry: Registry = Registry(retrieve=_retrieve).with_resources(resources)  # type: ignore[call-arg]
    records = {
        name.removeprefix("records/").removesuffix(".schema.json"): schema
        for name, schema in loaded.items()
        if name.startswith("records/") and name.count("/") == 1
    }
    return SchemaSet(
        loaded["organisation.schema.json"],
        loaded["document.schema.json"],
        records,
        registry,
        tuple(notes),
    )
