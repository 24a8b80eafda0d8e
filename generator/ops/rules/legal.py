"""Rules of 6.2, 9.3 and Annex B: the legal register is kept up to date and evaluated."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from generator.content.model import Record
from generator.core.dates import add_months
from generator.ops.rules.base import Context, Hit, RuleSpec, day, rule


def _registers(ctx: Context) -> list[Record]:
    return sorted(ctx.records("legal-register"), key=lambda r: r.sort_date)


def _current(ctx: Context) -> Record | None:
    registers = [r for r in _registers(ctx) if (r.date or ctx.as_of) <= ctx.as_of]
    return registers[-1] if registers else None


def _evaluations(ctx: Context, req_id: str) -> list[dict[str, Any]]:
    """Every evaluation of a requirement in any register up to the reference date."""
    found = []
    for record in _registers(ctx):
        for req in record.data.get("requirements") or []:
            if req["id"] == req_id:
                found += [
                    e
                    for e in req.get("evaluations") or []
                    if (day(e["date"]) or ctx.as_of) <= ctx.as_of
                ]
    return sorted(found, key=lambda e: str(e["date"]))


def _applicable(record: Record) -> Iterator[tuple[int, dict[str, Any]]]:
    for index, req in enumerate(record.data.get("requirements") or []):
        if not req.get("superseded_by"):
            yield index, req


@rule("LEGAL-EVAL-MISSING")
def eval_missing(ctx: Context, spec: RuleSpec) -> Iterator[Hit]:
    record = _current(ctx)
    if record is None:
        return
    for index, req in _applicable(record):
        if not _evaluations(ctx, req["id"]):
            yield Hit(record.path, ("requirements", index), {"req": req["id"], "name": req["name"]})


@rule("LEGAL-EVAL-OVERDUE")
def eval_overdue(ctx: Context, spec: RuleSpec) -> Iterator[Hit]:
    record = _current(ctx)
    if record is None:
        return
    for index, req in _applicable(record):
        evaluations = _evaluations(ctx, req["id"])
        if not evaluations:
            continue
        last = day(evaluations[-1]["date"])
        months = int(req.get("evaluation_interval_months") or spec.param("interval_months"))
        if last is None:
            continue
        due = add_months(last, months)
        if due < ctx.as_of:
            yield Hit(
                record.path,
                ("requirements", index, "evaluations"),
                {
                    "req": req["id"],
                    "name": req["name"],
                    "last": last.isoformat(),
                    "due": due.isoformat(),
                    "interval_months": months,
                },
            )


@rule("LEGAL-NONCOMPLIANT-NO-CAPA")
def noncompliant_without_capa(ctx: Context, spec: RuleSpec) -> Iterator[Hit]:
    capas = {r.id for r in ctx.records("nonconformities")}
    for record in _registers(ctx):
        for index, req in enumerate(record.data.get("requirements") or []):
            for e_index, evaluation in enumerate(req.get("evaluations") or []):
                if evaluation.get("compliant") is False and evaluation.get("capa") not in capas:
                    yield Hit(
                        record.path,
                        ("requirements", index, "evaluations", e_index),
                        {"req": req["id"], "name": req["name"], "date": evaluation["date"]},
                    )


@rule("LEGAL-REGISTER-REVIEW-OVERDUE")
def register_review_overdue(ctx: Context, spec: RuleSpec) -> Iterator[Hit]:
    record = _current(ctx)
    if record is None:
        return
    reviewed = [day(r.data.get("reviewed", {}).get("date") or r.date) for r in _registers(ctx)]
    last = max((d for d in reviewed if d is not None and d <= ctx.as_of), default=None)
    if last is None:
        return
    due = add_months(last, int(spec.param("interval_months")))
    if due < ctx.as_of:
        yield Hit(record.path, ("date",), {"last": last.isoformat(), "due": due.isoformat()})


@rule("LEGAL-SUPERSEDED-UNKNOWN")
def superseded_unknown(ctx: Context, spec: RuleSpec) -> Iterator[Hit]:
    for record in _registers(ctx):
        ids = {req["id"] for req in record.data.get("requirements") or []}
        for index, req in enumerate(record.data.get("requirements") or []):
            other = req.get("superseded_by")
            if other and other not in ids:
                yield Hit(
                    record.path,
                    ("requirements", index, "superseded_by"),
                    {"req": req["id"], "name": req["name"], "other": other},
                )
