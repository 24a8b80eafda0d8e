"""Rules of 9.4 (internal audit) and 9.5 (nonconformity, corrective and preventive action)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from generator.content.model import Record
from generator.core.dates import add_months
from generator.ops.rules.base import Context, Hit, RuleSpec, blank, day, rule

PLAN_PARTS = {
    "objective": "审核目的",
    "criteria": "审核依据",
    "scope": "审核范围",
    "team": "审核组组成",
    "schedule": "审核日程",
}
REPORT_PARTS = {"summary": "审核过程概述", "findings": "不符合项说明", "conclusion": "审核结论"}
FINDING_ZH = {"major": "严重不符合", "minor": "一般不符合", "observation": "观察项"}


def _audits(ctx: Context) -> list[Record]:
    return [r for r in ctx.records("internal-audits") if (r.date or ctx.as_of) <= ctx.as_of]


def _missing(data: dict[str, Any], parts: dict[str, str]) -> list[str]:
    missing = []
    for name, zh in parts.items():
        value = data.get(name)
        if value is None or (isinstance(value, str) and blank(value)):
            missing.append(zh)
        elif isinstance(value, list) and not value and name != "findings":
            missing.append(zh)
    return missing


@rule("AUDIT-PLAN-INCOMPLETE")
def plan_incomplete(ctx: Context, spec: RuleSpec) -> Iterator[Hit]:
    for record in _audits(ctx):
        missing = _missing(record.data.get("plan") or {}, PLAN_PARTS)
        if missing:
            yield Hit(record.path, ("plan",), {"record": record.id, "missing": "、".join(missing)})


@rule("AUDIT-REPORT-MISSING")
def report_missing(ctx: Context, spec: RuleSpec) -> Iterator[Hit]:
    within = timedelta(days=int(spec.param("within_days")))
    for record in _audits(ctx):
        dates = [day(s.get("date")) for s in record.data["plan"].get("schedule") or []]
        last = max((d for d in dates if d), default=None)
        if not record.data.get("report") and last is not None and last + within < ctx.as_of:
            yield Hit(
                record.path, ("plan", "schedule"), {"record": record.id, "last": last.isoformat()}
            )


@rule("AUDIT-REPORT-INCOMPLETE")
def report_incomplete(ctx: Context, spec: RuleSpec) -> Iterator[Hit]:
    for record in _audits(ctx):
        report = record.data.get("report")
        if report:
            missing = _missing(report, REPORT_PARTS)
            if missing:
                yield Hit(
                    record.path, ("report",), {"record": record.id, "missing": "、".join(missing)}
                )


@rule("AUDIT-INDEPENDENCE")
def independence(ctx: Context, spec: RuleSpec) -> Iterator[Hit]:
    for record in _audits(ctx):
        plan = record.data["plan"]
        default_team = [plan["leader"], *(plan.get("team") or [])]
        for index, slot in enumerate(plan.get("schedule") or []):
            auditors = slot.get("auditors") or default_team
            if "auditors" not in slot and len(default_team) > 1:
                # without named auditors per slot the team can split; only a one-person team audits all
                continue
            for person_id in auditors:
                person = ctx.model.person(str(person_id))
                if person is not None and person.department == slot["department"]:
                    yield Hit(
                        record.path,
                        ("plan", "schedule", index),
                        {
                            "record": record.id,
                            "date": slot["date"],
                            "dept": ctx.model.department_name(slot["department"]),
                            "person": person.name,
                        },
                    )


def _audit_days(ctx: Context) -> list[tuple[date, Record, dict[str, Any]]]:
    found = []
    for record in _audits(ctx):
        for slot in record.data["plan"].get("schedule") or []:
            when = day(slot.get("date"))
            if when is not None and when <= ctx.as_of:
                found.append((when, record, slot))
    return sorted(found, key=lambda item: item[0])


@rule("AUDIT-CLAUSE-UNCOVERED")
def clause_uncovered(ctx: Context, spec: RuleSpec) -> Iterator[Hit]:
    """The latest audit cycle (cycle_months up to the last audit day) covers every clause."""
    slots = _audit_days(ctx)
    if not slots:
        return
    last, latest, _slot = slots[-1]
    since = add_months(last, -int(spec.param("cycle_months")))
    audited = {
        str(c) for when, _r, slot in slots if when > since for c in slot.get("clauses") or []
    }
    excluded = {str(e["clause"]) for e in ctx.model.organisation.exclusions}
    wanted = [
        c.id
        for c in ctx.model.clauses
        if c.id[0].isdigit()
        and "." in c.id
        and int(c.id.split(".")[0]) >= 5
        and c.id not in excluded
        and c.title != "概述"  # an overview clause is audited through its subclauses
    ]
    missing = [
        c for c in wanted if c not in audited and not any(a.startswith(c + ".") for a in audited)
    ]
    if missing:
        yield Hit(
            latest.path,
            ("plan", "schedule"),
            {"clauses": "、".join(missing), "last": last.isoformat()},
        )


@rule("AUDIT-OVERDUE")
def audit_overdue(ctx: Context, spec: RuleSpec) -> Iterator[Hit]:
    slots = _audit_days(ctx)
    if not slots:
        return
    last, latest, _slot = slots[-1]
    due = add_months(last, int(spec.param("cycle_months")))
    if due < ctx.as_of:
        yield Hit(
            latest.path, ("plan", "schedule"), {"last": last.isoformat(), "due": due.isoformat()}
        )


@rule("AUDIT-FINDING-NO-CAPA")
def finding_without_capa(ctx: Context, spec: RuleSpec) -> Iterator[Hit]:
    capas = {r.id for r in ctx.records("nonconformities")}
    for record in _audits(ctx):
        for index, finding in enumerate((record.data.get("report") or {}).get("findings") or []):
            if finding["type"] != "observation" and finding.get("capa") not in capas:
                yield Hit(
                    record.path,
                    ("report", "findings", index),
                    {"finding": finding["id"], "type": FINDING_ZH[finding["type"]]},
                )


def _nonconformities(ctx: Context) -> list[Record]:
    return [r for r in ctx.records("nonconformities") if (r.date or ctx.as_of) <= ctx.as_of]


@rule("CAPA-INCOMPLETE")
def capa_incomplete(ctx: Context, spec: RuleSpec) -> Iterator[Hit]:
    for record in _nonconformities(ctx):
        data = record.data
        missing = [
            zh for name, zh in (("cause", "原因分析"), ("action", "措施")) if blank(data.get(name))
        ]
        if data.get("status") == "closed":
            if blank(data.get("effectiveness")):
                missing.append("有效性评审")
            if not data.get("verified_by"):
                missing.append("验证人")
        if missing:
            yield Hit(record.path, None, {"record": record.id, "missing": "、".join(missing)})


@rule("CAPA-OVERDUE")
def capa_overdue(ctx: Context, spec: RuleSpec) -> Iterator[Hit]:
    for record in _nonconformities(ctx):
        due = day(record.data.get("due"))
        if record.data.get("status") != "closed" and due is not None and due < ctx.as_of:
            yield Hit(
                record.path,
                ("due",),
                {
                    "record": record.id,
                    "owner": ctx.model.person_name(str(record.data["owner"])),
                    "due": due.isoformat(),
                    "days": (ctx.as_of - due).days,
                },
            )


@rule("CAPA-REOPENED")
def capa_reopened(ctx: Context, spec: RuleSpec) -> Iterator[Hit]:
    for record in _nonconformities(ctx):
        for index, event in enumerate(record.data.get("reopened") or []):
            when = day(event.get("date"))
            closed = day(record.data.get("closed"))
            if when is not None and when <= ctx.as_of and (closed is None or closed <= when):
                yield Hit(
                    record.path,
                    ("reopened", index),
                    {
                        "record": record.id,
                        "date": when.isoformat(),
                        "reason": event.get("reason", ""),
                    },
                )
