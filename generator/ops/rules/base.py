"""The rules engine of `cems check`: rule specs from data, a registry of rule functions, context.

A rule is DATA in resources/data/check-rules.yaml (id, clause, severity, params, message
template), tuned per organisation under `checks:` in content/organisation.yaml, and a function
registered here with `@rule("ID")`. The function yields `Hit`s (where, and the values its
message template needs); the engine turns them into `Finding`s.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from generator.content.load import Path_
from generator.content.model import Model, Record
from generator.control.types import History
from generator.core.findings import Finding
from generator.core.issues import Issue, Severity
from generator.core.resources import data_path, parse_data_yaml

RULES_FILE = "check-rules.yaml"


@dataclass(frozen=True)
class RuleSpec:
    id: str
    clause: str
    severity: str  # "error" | "warning" | "off"
    title: str
    message: str
    params: dict[str, Any] = field(default_factory=dict)

    def param(self, name: str) -> Any:
        return self.params[name]


@dataclass(frozen=True)
class Hit:
    """One breach found by a rule: where it is and the values for the message template."""

    file: str
    path: Path_ | int | None = None  # a field path (line looked up) or a line number
    values: dict[str, Any] = field(default_factory=dict)


Locate = Callable[[str, Path_], "int | None"]
RuleFunction = Callable[["Context", RuleSpec], Iterable[Hit]]
REGISTRY: dict[str, RuleFunction] = {}


def rule(rule_id: str) -> Callable[[RuleFunction], RuleFunction]:
    """Register a rule function under the id its spec has in check-rules.yaml."""

    def register(function: RuleFunction) -> RuleFunction:
        REGISTRY[rule_id] = function
        return function

    return register


def _no_lines(_file: str, _path: Path_) -> int | None:
    return None


@dataclass
class Context:
    """Everything a rule may read. Rules never do I/O and never read the clock."""

    model: Model
    as_of: date
    catalogue: dict[str, Any]
    history: History | None = None
    locate: Locate = _no_lines
    cache: dict[str, Any] = field(default_factory=dict)

    def records(self, record_type: str) -> tuple[Record, ...]:
        return self.model.records_of(record_type)


def load_catalogue(overrides: dict[str, Any] | None = None) -> tuple[dict[str, Any], list[Issue]]:
    """The shipped rules file with an organisation's `checks:` overrides applied."""
    with data_path(RULES_FILE).open(encoding="utf-8") as handle:
        catalogue: dict[str, Any] = parse_data_yaml(handle.read())
    issues = []
    rules: dict[str, dict[str, Any]] = catalogue["rules"]
    overrides = dict(overrides or {})
    if "role_training" in overrides:  # the organisation's own roles (e.g. a services company)
        catalogue["role_training"] = overrides.pop("role_training")
    for topic, words in (overrides.pop("training_topics", None) or {}).items():
        # the organisation's own names for the 7.3 b topics, so its training records are found
        shipped = catalogue["training_topics"][topic]
        catalogue["training_topics"][topic] = {
            "title": words.get("title", shipped["title"]),
            "keywords": [*shipped["keywords"], *words.get("keywords", [])],
        }
    for rule_id, change in overrides.items():
        if rule_id not in rules:
            issues.append(
                Issue(
                    "content/organisation.yaml",
                    None,
                    f"checks/{rule_id}",
                    f"没有编号为 {rule_id} 的检查规则 (unknown check rule)",
                    code="CHECK-UNKNOWN-RULE",
                )
            )
            continue
        spec = dict(rules[rule_id])
        if "severity" in change:
            spec["severity"] = change["severity"]
        spec["params"] = {**spec.get("params", {}), **change.get("params", {})}
        rules[rule_id] = spec
    return catalogue, issues


def specs(catalogue: dict[str, Any]) -> list[RuleSpec]:
    return [
        RuleSpec(
            rule_id,
            str(data["clause"]),
            str(data.get("severity", "error")),
            str(data.get("title", rule_id)),
            str(data["message"]),
            dict(data.get("params") or {}),
        )
        for rule_id, data in catalogue["rules"].items()
    ]


def run_rules(ctx: Context) -> list[Finding]:
    """Every enabled rule with a registered function, as findings sorted by clause."""
    findings = []
    for spec in specs(ctx.catalogue):
        function = REGISTRY.get(spec.id)
        if function is None or spec.severity == "off":
            continue
        for hit in function(ctx, spec):
            findings.append(_finding(ctx, spec, hit))
    return sorted(findings)


def _finding(ctx: Context, spec: RuleSpec, hit: Hit) -> Finding:
    line = hit.path if isinstance(hit.path, int) else None
    if isinstance(hit.path, tuple):
        line = ctx.locate(hit.file, hit.path)
    values = {**spec.params, **hit.values}
    return Finding(
        spec.clause,
        spec.id,
        Severity(spec.severity),
        hit.file,
        line,
        spec.message.format_map(_Missing(values)),
    )


class _Missing(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


# ---- small date helpers shared by the rule modules


def day(value: object) -> date | None:
    """A date, or a YYYY-MM-DD (or YYYY-MM, as its first day) string in record data, as a date;
    None when absent."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "")
    try:
        if len(text) == 7:
            return date.fromisoformat(text + "-01")
        return date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def month_end(month: str) -> date:
    year, mon = int(month[:4]), int(month[5:7])
    return date(year, mon, calendar.monthrange(year, mon)[1])


def blank(value: object) -> bool:
    """Absent, empty, or a placeholder left by `cems new`."""
    text = str(value if value is not None else "").strip()
    return not text or text.startswith("TODO") or text.startswith("待填")


def hits(items: Iterable[Hit]) -> Iterator[Hit]:
    yield from items
