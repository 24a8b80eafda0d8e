"""Validate stage: JSON Schema for every file, then cross-file rules.

References are declared in the schemas themselves (`"x-ref": "person"` and so on), so a new
reference field needs no code: the extended validator checks it against the ID index.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from collections.abc import Set as AbstractSet
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, ValidationError, validators

from generator.content.discover import Sources
from generator.content.limits import after_limit, empty_record, latest_allowed, value_issues
from generator.content.load import SourceFile
from generator.content.rows import table_is_valid
from generator.content.schemas import SchemaSet
from generator.content.signs import negative_readings
from generator.content.validation_cache import ValidationCache
from generator.content.xref import (
    REF_KINDS_ZH,
    TYPE_ZH,
    IdIndex,
    as_list,
    broken_reference_kinds,
    build_index,
    suppressed_issue,
)
from generator.core.issues import Issue, Severity


def _make_validator_class(
    index: IdIndex,
    limit: date,
    broken: AbstractSet[str] = frozenset(),
    suppressed: list[int] | None = None,
) -> Any:
    """The schema validator with cems's keywords: `x-ref` (an id defined elsewhere; kinds in
    `broken` are not checked, only counted in `suppressed[0]`) and `x-past` (a recorded date
    not after `limit`)."""
    counter = suppressed if suppressed is not None else [0]

    def x_past(
        validator: Any, enabled: bool, instance: Any, schema: dict[str, Any]
    ) -> Iterator[ValidationError]:
        if enabled and after_limit(instance, limit):
            yield ValidationError(
                f"{instance} is after {limit}",
                validator="x-past",
                validator_value=limit.isoformat(),
                instance=instance,
                schema=schema,
            )

    def x_ref(
        validator: Any, kind: str, instance: Any, schema: dict[str, Any]
    ) -> Iterator[ValidationError]:
        if isinstance(instance, str) and not index.has(kind, instance):
            if kind in broken:
                counter[0] += 1
                return
            yield ValidationError(
                f"unknown {kind} '{instance}'",
                validator="x-ref",
                validator_value=kind,
                instance=instance,
                schema=schema,
            )

    return validators.extend(
        Draft202012Validator, {"x-ref": x_ref, "x-past": x_past}, type_checker=DECIMAL_TYPES
    )


def _is_number(_checker: Any, instance: Any) -> bool:
    return isinstance(instance, Decimal) or Draft202012Validator.TYPE_CHECKER.is_type(
        instance, "number"
    )


def _is_integer(_checker: Any, instance: Any) -> bool:
    if isinstance(instance, Decimal):
        return instance.is_finite() and instance == instance.to_integral_value()
    return bool(Draft202012Validator.TYPE_CHECKER.is_type(instance, "integer"))


# YAML and CSV numbers are Decimals (exact source text): they are JSON numbers, and integers
# where integral.
DECIMAL_TYPES = Draft202012Validator.TYPE_CHECKER.redefine_many(
    {"number": _is_number, "integer": _is_integer}
)


def _title(error: ValidationError) -> str:
    schema = error.schema if isinstance(error.schema, dict) else {}
    return str(schema.get("title", ""))


def _describe(error: ValidationError) -> tuple[str, list[str | int], str]:
    """Plain-words message, the field path it is about, and a hint."""
    path = list(error.absolute_path)
    kind, value, inst = error.validator, error.validator_value, error.instance
    title = _title(error)
    label = f"「{title}」" if title else ""
    if kind == "required":
        missing = str(error.message).split("'")[1] if "'" in str(error.message) else ""
        props = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
        sub = props.get(missing, {})
        sub_title = sub.get("title", "") if isinstance(sub, dict) else ""
        name = f"{missing}（{sub_title}）" if sub_title else missing
        return f"缺少必填字段 {name} (missing required field '{missing}')", [*path, missing], ""
    if kind == "type":
        expected: list[str] = value if isinstance(value, list) else [value]
        zh = "或".join(TYPE_ZH.get(t, t) for t in expected)
        return (
            f"{label}应为{zh}，实际是 {inst!r} (expected {'/'.join(expected)})",
            path,
            '数字形式的编号、版本请加引号，如 "1.10"。' if "string" in expected else "",
        )
    if kind == "enum":
        return (
            f"{label}的取值 {inst!r} 不在允许范围内，可选：{'、'.join(map(str, value))} "
            f"(value not allowed)",
            path,
            str(error.schema.get("description", "")),
        )
    if kind == "const":
        return f"{label}应为 {value!r} (must be {value!r})", path, ""
    if kind == "pattern":
        return (
            f"{label}格式不正确：{inst!r} (does not match pattern {value})",
            path,
            str(error.schema.get("description", "")),
        )
    if kind == "format":
        return (
            f"{label}不是有效的{value}：{inst!r} (not a valid {value})",
            path,
            "日期格式为 YYYY-MM-DD，且须是真实日期。",
        )
    if kind == "additionalProperties":
        extras = (
            sorted(set(inst) - set(error.schema.get("properties", {})))
            if isinstance(inst, dict)
            else []
        )
        extra = extras[0] if extras else ""
        allowed = "、".join(error.schema.get("properties", {}))
        return (
            f"不认识的字段 '{extra}' (unknown field)",
            [*path, extra],
            f"允许的字段：{allowed}。检查拼写。",
        )
    if kind == "minItems":
        return f"{label}至少需要 {value} 项 (needs at least {value} item(s))", path, ""
    if kind == "maxItems":
        return f"{label}最多 {value} 项 (at most {value} item(s))", path, ""
    if kind == "minLength":
        return f"{label}不能为空 (must not be empty)", path, ""
    if kind == "maxLength":
        return (
            f"{label}最多 {value} 个字符，实际 {len(str(inst))} 个 (at most {value} characters)",
            path,
            str(error.schema.get("description", "")),
        )
    if kind == "x-past":
        return (
            f"{label}{inst} 晚于今天之后的容许日期 {value}：记录的是已发生的事，不能是将来 "
            "(date lies in the future)",
            path,
            "检查年份是否写错（如 2099 应为 2025）。",
        )
    if kind == "uniqueItems":
        return f"{label}中有重复项 (items must be unique)", path, ""
    if kind in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
        op = {"minimum": "≥", "exclusiveMinimum": ">", "maximum": "≤", "exclusiveMaximum": "<"}[
            kind
        ]
        return f"{label}应 {op} {value}，实际是 {inst!r} (out of range)", path, ""
    if kind == "x-ref":
        zh = REF_KINDS_ZH.get(str(value), str(value))
        return (
            f"引用的{zh} '{inst}' 不存在 (unknown {value} reference)",
            path,
            "检查拼写，或先在相应文件中定义它。",
        )
    return f"{label}{error.message}", path, ""


def _leaf_errors(errors: Iterator[ValidationError]) -> Iterator[ValidationError]:
    """anyOf/oneOf/if-then wrap the useful error: report the innermost ones instead."""
    for error in errors:
        if error.context:
            yield from _leaf_errors(iter(error.context))
        else:
            yield error


class Validators:
    """One validator per schema (its references inlined once, not once per file)."""

    def __init__(self, validator_class: Any, schemas: SchemaSet) -> None:
        self._class, self._schemas = validator_class, schemas
        self._made: dict[int, tuple[dict[str, Any], Any]] = {}

    def __call__(self, schema: dict[str, Any]) -> tuple[dict[str, Any], Any]:
        """(the inlined schema, its validator)."""
        if id(schema) not in self._made:
            inlined = self._schemas.inlined(schema)
            validator = self._class(
                inlined,
                registry=self._schemas.registry,
                format_checker=Draft202012Validator.FORMAT_CHECKER,
            )
            self._made[id(schema)] = (inlined, validator)
        return self._made[id(schema)]


def validate_file(
    source: SourceFile, schema: dict[str, Any], validators: Validators, tables: bool = False
) -> list[Issue]:
    """The issues of one file. With `tables`, a CSV file is first checked per distinct cell
    (`rows.table_is_valid`); only a file that fails it is validated row by row for messages."""
    if source.issues:
        return list(source.issues)
    inlined, validator = validators(schema)
    issues = list(value_issues(source.rel, source.data, source.line_of))
    if tables and source.kind == "csv" and table_is_valid(validator, inlined, source.data):
        return issues
    for error in _leaf_errors(validator.iter_errors(source.data)):
        message, path, hint = _describe(error)
        line = source.line_of(tuple(path))
        issues.append(
            Issue(
                source.rel,
                line,
                "/".join(str(p) for p in path),
                message,
                code=f"SCHEMA-{str(error.validator).upper()}",
                hint=hint,
            )
        )
    return issues


def _document_rules(sources: Sources, org: dict[str, Any]) -> Iterator[Issue]:
    roster = {a for a in as_list(org.get("approvers")) if isinstance(a, str)}
    for doc in sources.documents:
        data = doc.data if isinstance(doc.data, dict) else None
        if not data:
            continue
        if (
            data.get("status") == "effective"
            and data.get("approver")
            and data.get("approver") == data.get("author")
        ):
            yield Issue(
                doc.rel,
                doc.line_of(("approver",)),
                "approver",
                "有效文件的批准人不能是编制人本人 (approver must differ from author)",
                code="RULE-APPROVER-IS-AUTHOR",
            )
        approver = data.get("approver")
        if roster and isinstance(approver, str) and approver not in roster:
            yield Issue(
                doc.rel,
                doc.line_of(("approver",)),
                "approver",
                f"'{approver}' 不在单位的批准人名单中 (approver not on the approver roster)",
                code="RULE-APPROVER-NOT-ON-ROSTER",
                hint="在 content/organisation.yaml 的 approvers 中加入此人，或换一位批准人。",
            )
        if not doc.body.strip():
            yield Issue(
                doc.rel,
                doc.body_line,
                "",
                "文件正文为空 (document body is empty)",
                code="RULE-EMPTY-BODY",
            )


def _exclusion_rules(sources: Sources, org: dict[str, Any]) -> Iterator[Issue]:
    """An excluded clause (with its reason) that a document still claims to implement is a contradiction."""
    excluded = {
        e.get("clause")
        for e in as_list(org.get("exclusions"))
        if isinstance(e, dict) and isinstance(e.get("clause"), str)
    }
    for doc in sources.documents:
        data = doc.data if isinstance(doc.data, dict) else {}
        for i, clause in enumerate(as_list(data.get("clauses"))):
            if isinstance(clause, str) and clause in excluded:
                yield Issue(
                    doc.rel,
                    doc.line_of(("clauses", i)),
                    f"clauses/{i}",
                    f"条款 {clause} 已在 organisation.yaml 中删减，本文件却声明实施它 "
                    "(clause is excluded from the scope)",
                    severity=Severity.WARNING,
                    code="RULE-EXCLUDED-CLAUSE",
                    hint="删除这条引用，或取消该条款的删减。",
                )


def _record_type_rules(sources: Sources, schemas: SchemaSet) -> Iterator[Issue]:
    types = set(schemas.record_types())
    for doc in sources.documents:
        data = doc.data if isinstance(doc.data, dict) else {}
        record_type = data.get("record_type")
        if isinstance(record_type, str) and record_type not in types:
            yield Issue(
                doc.rel,
                doc.line_of(("record_type",)),
                "record_type",
                f"记录类型 '{record_type}' 不存在 (unknown record type)",
                code="XREF-UNKNOWN-RECORD-TYPE",
                hint="可用类型：" + "、".join(sorted(types)),
            )


def validate_sources(
    sources: Sources,
    schemas: SchemaSet,
    today: date | None = None,
    cache_root: Path | None = None,
) -> list[Issue]:
    """All issues of a content repository, in no particular order. Recorded dates may not
    lie more than `limits.FUTURE_TOLERANCE` after `today` (default: the real today). With
    `cache_root` (the content root), unchanged files' schema results come from the
    repository's validation cache."""
    issues = list(sources.issues)
    index, index_issues = build_index(sources)
    issues += index_issues
    # a broken organisation.yaml is one error, not one per reference to a person in it
    broken = broken_reference_kinds(sources)
    suppressed = [0]
    limit = latest_allowed(today)
    validator_class = _make_validator_class(index, limit, broken, suppressed)
    validators = Validators(validator_class, schemas)
    # a broken reference kind is counted while validating: no shortcut then
    cache = ValidationCache.open(cache_root if not broken else None, index, limit)

    def checked(source: SourceFile, schema: dict[str, Any], tables: bool = False) -> list[Issue]:
        if source.issues:
            return list(source.issues)
        return cache.issues(
            source, schema, tables, lambda: validate_file(source, schema, validators, tables)
        )

    if sources.organisation:
        issues += checked(sources.organisation, schemas.organisation)
    for doc in sources.documents:
        issues += checked(doc, schemas.document)
    for record_type, files in sources.records.items():
        schema = schemas.records[record_type]
        for rec in files:
            empty = None if rec.issues else empty_record(rec.rel, rec.kind, rec.text, rec.data)
            if empty:
                issues.append(empty)
                continue
            # per distinct cell unless references of a broken kind are being counted
            issues += checked(rec, schema, tables=not broken)
    cache.save()
    if suppressed[0]:
        issues.append(suppressed_issue(suppressed[0], broken))
    org = (
        sources.organisation.data
        if sources.organisation and isinstance(sources.organisation.data, dict)
        else {}
    )
    issues += list(negative_readings(sources.records))
    issues += list(_document_rules(sources, org))
    issues += list(_record_type_rules(sources, schemas))
    issues += list(_exclusion_rules(sources, org))
    return issues


class _AllKinds(AbstractSet[str]):
    """Every reference kind: references are not resolved (their targets are other files)."""

    def __contains__(self, item: object) -> bool:
        return True

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


@functools.cache
def _alone_validator_class() -> Any:
    return _make_validator_class(IdIndex(), date.max, _AllKinds())


def validate_documents_alone(documents: list[SourceFile], schemas: SchemaSet) -> list[Issue]:
    """Documents' front matter against the document schema only: no cross-file rules, no
    reference resolution (how a release's documents are checked against the schemas of their
    release commit, where the rest of that commit's files are not loaded)."""
    validators = Validators(_alone_validator_class(), schemas)  # inlines the schema once
    issues: list[Issue] = []
    for doc in documents:
        issues += validate_file(doc, schemas.document, validators)
    return issues
