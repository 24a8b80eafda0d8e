"""An organisation's numbering and folder conventions, for `cems new`.

Defaults live in resources/data/conventions.yaml; `conventions:` in organisation.yaml overrides
any of them. Patterns are `str.format` templates over a fixed set of fields, so the next number
is found by turning the pattern into a regular expression over the IDs already in use.
"""

from __future__ import annotations

import re
import string
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from generator.core.issues import CemsError, Issue
from generator.core.resources import data_path, parse_data_yaml

ORG_FILE = "content/organisation.yaml"
FIELDS = frozenset({"prefix", "code", "number", "year", "month", "date", "type", "TYPE"})


@dataclass(frozen=True)
class KindConvention:
    code: str
    folder: str


@dataclass(frozen=True)
class Conventions:
    prefix: str  # "" when neither organisation.yaml nor existing documents say
    document_id: str
    kinds: Mapping[str, KindConvention]
    record_id: str
    records: Mapping[str, str]


def _defaults() -> dict[str, Any]:
    data: dict[str, Any] = parse_data_yaml(data_path("conventions.yaml").read_text("utf-8"))
    return data


def _inferred_prefix(kinds: Mapping[str, KindConvention], ids: Iterable[str]) -> str:
    """The prefix most existing documents share (`CEMS` in CEMS-QP-01), else ""."""
    codes = "|".join(re.escape(k.code) for k in kinds.values())
    found = Counter(m.group(1) for i in ids if (m := re.fullmatch(rf"(.+?)-(?:{codes})-\d+", i)))
    return found.most_common(1)[0][0] if found else ""


def conventions_of(organisation: Mapping[str, Any], document_ids: Iterable[str]) -> Conventions:
    """The organisation's conventions over the defaults; the prefix is never a guess."""
    defaults, own = _defaults(), dict(organisation.get("conventions") or {})
    own_kinds = own.get("kinds") or {}
    kinds = {
        kind: KindConvention(**{**spec, **own_kinds.get(kind, {})})
        for kind, spec in defaults["kinds"].items()
    }
    prefix = str(own.get("prefix") or _inferred_prefix(kinds, document_ids))
    return Conventions(
        prefix=prefix,
        document_id=str(own.get("document_id") or defaults["document_id"]),
        kinds=kinds,
        record_id=str(own.get("record_id") or defaults["record_id"]),
        records=dict(own.get("records") or {}),
    )


def _bad_pattern(field: str, pattern: str, why: str) -> CemsError:
    message = f"编号格式 '{pattern}' 无效：{why} (invalid ID pattern)"
    return CemsError(message, [Issue(ORG_FILE, None, field, message, code="CONVENTION-PATTERN")])


def _expand(pattern: str, field: str, values: Mapping[str, str]) -> tuple[str, str]:
    """(regex over existing IDs with `number` as group 1, format string for a number)."""
    regex, template = "", ""
    try:
        parts = list(string.Formatter().parse(pattern))
    except ValueError as error:
        raise _bad_pattern(field, pattern, str(error)) from None
    for literal, name, spec, _conv in parts:
        regex += re.escape(literal)
        template += literal.replace("{", "{{").replace("}", "}}")
        if name is None:
            continue
        if name not in FIELDS:
            raise _bad_pattern(field, pattern, f"未知字段 {{{name}}} (unknown field)")
        if name == "number":
            regex, template = regex + r"(\d+)", template + "{number:" + (spec or "") + "}"
        else:
            value = format(values[name], spec or "")
            regex, template = regex + re.escape(value), template + value.replace("{", "{{")
    if "{number" not in template:
        raise _bad_pattern(field, pattern, "缺少 {number} (needs {number})")
    return regex, template


def _next(pattern: str, field: str, values: Mapping[str, str], existing: Iterable[str]) -> str:
    regex, template = _expand(pattern, field, values)
    numbers = [int(m.group(1)) for i in existing if (m := re.fullmatch(regex, i))]
    return template.format(number=max(numbers, default=0) + 1)


def next_document_id(conventions: Conventions, kind: str, existing: Iterable[str]) -> str:
    """The next free document ID of `kind`, e.g. YJH-QP-03."""
    if not conventions.prefix:
        message = (
            "organisation.yaml 没有写文件编号前缀 conventions.prefix，本单位也还没有文件可参照 "
            "(set conventions.prefix: no document shows this organisation's prefix yet)"
        )
        hint = "在 organisation.yaml 中加入 conventions: {prefix: 本单位代号，如 YJH}"
        raise CemsError(message, [Issue(ORG_FILE, None, "conventions/prefix", message, hint=hint)])
    values = {"prefix": conventions.prefix, "code": conventions.kinds[kind].code}
    return _next(conventions.document_id, "conventions/document_id", values, existing)


def next_record_id(
    conventions: Conventions, record_type: str, today: str, existing: Iterable[str]
) -> str:
    """The next record ID of `record_type` dated `today` (YYYY-MM-DD)."""
    pattern = conventions.records.get(record_type, conventions.record_id)
    field = (
        f"conventions/records/{record_type}"
        if record_type in conventions.records
        else "conventions/record_id"
    )
    values = {
        "prefix": conventions.prefix,
        "code": record_type.upper(),
        "year": today[:4],
        "month": today[:7],
        "date": today.replace("-", ""),
        "type": record_type,
        "TYPE": record_type.upper(),
    }
    if "{number" not in pattern:  # a pattern without a counter: one record per date/month/year
        try:
            return pattern.format(**values)
        except (KeyError, ValueError, IndexError) as error:
            raise _bad_pattern(field, pattern, str(error)) from None
    return _next(pattern, field, values, existing)
