"""`cems new`: scaffold a valid new document or record from its schema.

Values come from the schema (enums, minimums, `x-ref` kinds) and the organisation, so a new
record type needs a schema only, not code. The file is validated before it is kept.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from generator.content.conventions import conventions_of, next_document_id, next_record_id
from generator.content.limits import PLACEHOLDER
from generator.content.model import DOCUMENT_KINDS, Model
from generator.content.project import load_project, require_model
from generator.core.config import Config
from generator.core.issues import CemsError, Issue, has_errors

TO_FILL_IN = frozenset(
    {"PLACEHOLDER", "VALUE-PLACEHOLDER", "RECORD-EMPTY"}
)  # expected in a fresh scaffold


def _schema_modeline_path(config: Config, path: Path, schema: str) -> str:
    """Relative `$schema` path from `path` to an editor-reachable copy, or "" if none."""
    target = config.editor_schema(schema)
    if target is None:
        return ""
    up = "../" * (len(path.relative_to(config.root).parts) - 1)
    return up + target.relative_to(config.root).as_posix()


def _refuse_duplicate_title(model: Model, title: str) -> None:
    """Two documents with one title cannot be told apart in registers and file names."""
    wanted = " ".join(title.split())
    for document in model.documents:
        if " ".join(document.title.split()) == wanted:
            message = f"已有同名文件 {document.id}《{document.title}》 (a document with this title exists)"
            raise CemsError(
                message,
                [Issue(document.path, None, "title", message, code="NEW-TITLE-DUPLICATE")],
            )


def _dump(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def _resolve(schema: dict[str, Any], registry: Any, base: str) -> dict[str, Any]:
    while "$ref" in schema:
        ref = schema["$ref"]
        target = ref if ref.startswith(("file:", "http")) else base.rsplit("/", 1)[0] + "/" + ref
        resolved = registry.resolver(base).lookup(target)
        base = target.split("#")[0]
        schema = {**resolved.contents, **{k: v for k, v in schema.items() if k != "$ref"}}
    return schema


class _Example:
    """Builds a minimal valid instance of a schema, using the organisation for references."""

    def __init__(self, model: Model, registry: Any, today: str) -> None:
        self.model, self.registry, self.today = model, registry, today
        self.refs = {
            "person": model.organisation.management_representative,
            "department": model.organisation.departments[0].id,
            "clause": "7.2",
            "document": model.documents[0].id if model.documents else "",
            "source": self._first_source(),
        }

    def _first_source(self) -> str:
        for record in self.model.records_of("emission-sources"):
            for source in record.data.get("sources", []):
                return str(source["id"])
        return "S01"

    def value(self, schema: dict[str, Any], base: str, name: str) -> Any:
        schema = _resolve(schema, self.registry, base)
        if "x-ref" in schema:
            return self.refs[schema["x-ref"]]
        if schema.get("examples"):  # the schema knows a valid value best
            return schema["examples"][0]
        if "enum" in schema:
            return schema["enum"][0]
        for alternative in schema.get("anyOf", schema.get("oneOf", ()))[:1]:
            return self.value(alternative, base, name)  # the first alternative is the usual one
        kind = schema.get("type")
        if kind == "object":
            return {
                key: self.value(sub, base, key)
                for key, sub in schema.get("properties", {}).items()
                if key in schema.get("required", [])
            }
        if kind == "array":
            return [
                self.value(schema["items"], base, name) for _ in range(schema.get("minItems", 0))
            ]
        if kind == "integer":
            return (
                int(self.today[:4])
                if name == "year" or "year" in str(schema.get("title", "")).lower()
                else int(schema.get("minimum", 1))
            )
        if kind == "number":
            return schema.get("minimum", 0) if "exclusiveMinimum" not in schema else 1
        if kind == "boolean":
            return False
        if schema.get("format") == "date":
            return self.today
        pattern = schema.get("pattern", "")
        if pattern.startswith("^[0-9]{4}-(0[1-9]"):
            return self.today[:7]
        return PLACEHOLDER


_TITLE_FORBIDDEN = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def safe_title(title: str, option: str = "--title") -> str:
    """A title (or `--id`) as part of a file name, or a CemsError: no path separators, no
    `..`, no characters Windows refuses, so nothing can leave the target folder."""
    stripped = title.strip()
    bad = _TITLE_FORBIDDEN.search(stripped)
    if not stripped or bad or ".." in stripped or stripped.startswith("."):
        shown = repr(bad.group()) if bad else "'..'" if ".." in stripped else repr(stripped[:1])
        raise CemsError(
            f"{option} 的值用作文件名，不能含路径分隔符、'..' 或字符 {shown} "
            f"({option} becomes a file name: no path separators, '..' or {shown}): {title!r}",
            [
                Issue(
                    option,
                    None,
                    option.removeprefix("--"),
                    f"{option} 的值用作文件名，只能是普通文字 (the value becomes a file name)",
                    code="NEW-TITLE",
                    hint='去掉 / \\ : * ? " < > | 和 ..，例如：能源计量管理程序',
                )
            ],
        )
    return stripped


def new_document(config: Config, kind: str, title: str, author: str | None, today: date) -> Path:
    project = load_project(config)
    model = require_model(project)
    _refuse_duplicate_title(model, title)
    org = model.organisation
    conventions = conventions_of(org.data, (d.id for d in model.documents))
    doc_id = next_document_id(conventions, kind, (d.id for d in model.documents))
    owner = org.departments[0].id
    front = {
        "id": doc_id,
        "title": title,
        "kind": kind,
        "edition": "A",
        "clauses": ["7.2"],
        "owner": owner,
        "author": author or org.management_representative,
        "reviewer": org.management_representative,
        "approver": org.top_management,
        "status": "draft",
        "review_interval_months": 12,
        "distribution": [org.departments[0].id],
    }
    if kind == "form":
        front["record_type"] = project.schemas.record_types()[0]
    folder = config.documents_dir / conventions.kinds[kind].folder
    path = folder / f"{doc_id}-{safe_title(title)}.md"
    if not path.resolve().is_relative_to(folder.resolve()):
        raise CemsError(f"文件名称会离开文件夹 (title leaves the folder): {title!r}")
    env = Environment(
        loader=FileSystemLoader(config.template("new")),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
    )
    text = env.get_template("document.md.j2").render(
        schema_path=_schema_modeline_path(config, path, "document.schema.json"),
        front_matter=_dump(front),
        owner_name=model.department_name(owner),
    )
    return write_checked(config, path, text)


def new_record(config: Config, record_type: str, record_id: str | None, today: str) -> Path:
    if record_id is not None:
        safe_title(record_id, "--id")  # the id is the file name too
    project = load_project(config)
    model = require_model(project)
    schema = project.schemas.record_schema(record_type)
    if schema is None:
        known = "、".join(project.schemas.record_types())
        raise CemsError(f"未知的记录类型 '{record_type}' (unknown record type); 可用：{known}")
    if schema.get("x-format") == "csv":  # a table: the header row, in schema order
        columns = list(schema["properties"]["rows"]["items"]["properties"])
        name = record_id or today[:4]
        path = config.records_dir / record_type / f"{name}.csv"
        return write_checked(config, path, ",".join(columns) + "\n")
    example = _Example(model, project.schemas.registry, today).value(schema, schema["$id"], "")
    conventions = conventions_of(model.organisation.data, (d.id for d in model.documents))
    existing = (r.id for r in model.records_of(record_type))
    example["id"] = record_id or next_record_id(conventions, record_type, today, existing)
    example["title"] = str(schema.get("title", record_type)).split(" (")[0]
    path = config.records_dir / record_type / f"{example['id']}.yaml"
    schema_path = _schema_modeline_path(config, path, f"records/{record_type}.schema.json")
    header = f"# yaml-language-server: $schema={schema_path}\n" if schema_path else ""
    return write_checked(config, path, header + _dump(example))


def write_checked(config: Config, path: Path, text: str) -> Path:
    """Write a new file; keep it only if nothing but what is left to fill in stops it validating."""
    if path.exists():
        raise CemsError(f"文件已存在 (file exists): {config.rel(path)}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")
    issues: list[Issue] = [
        i
        for i in load_project(config).issues
        # placeholders and empty tables are there to be filled in: validate reports them
        if i.file == config.rel(path) and i.code not in TO_FILL_IN
    ]
    if has_errors(issues):  # never leave a half-valid file behind
        path.unlink()
        raise CemsError("生成的文件未通过校验 (scaffold did not validate)", issues)
    return path


def document_kinds() -> list[str]:
    return list(DOCUMENT_KINDS)
