"""Rules of 9.2: the monitoring plan, calibration of meters, and analysis of anomalies."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from generator.carbon.calc.analysis import KIND_ZH, Thresholds, find_anomalies
from generator.carbon.calc.inventory import inventory_years
from generator.content.model import Record
from generator.ops.rules.base import Context, Hit, RuleSpec, day, month_end, rule
from generator.ops.rules.planning import inventory

VALID_RESULTS = ("pass",)  # results that make a calibration interval count
EXEMPT_RESULTS = ("exempt",)  # not a measuring instrument (e.g. a fuel card statement)


def latest_plan(ctx: Context) -> Record | None:
    plans = [r for r in ctx.records("monitoring-plan") if (r.date or ctx.as_of) <= ctx.as_of]
    return max(plans, key=lambda r: r.sort_date) if plans else None


@rule("MON-PLAN-MISSING")
def plan_missing(ctx: Context, spec: RuleSpec) -> Iterator[Hit]:
    years = [y for y in inventory_years(ctx.model) if y <= ctx.as_of.year]
    if years and latest_plan(ctx) is None:
        yield Hit("records/monitoring-plan", None, {"year": years[-1]})


def _percent(value: Any) -> str:
    return f"{Decimal(str(value)).normalize():f}%"


@rule("MON-THRESHOLD-MISMATCH")
def threshold_mismatch(ctx: Context, spec: RuleSpec) -> Iterator[Hit]:
    plan = latest_plan(ctx)
    if plan is None:
        return
    engine = Thresholds()
    stated = plan.data.get("anomaly_thresholds")
    engine_text = f"环比 {_percent(engine.mom_percent)}、同比 {_percent(engine.yoy_percent)}"
    if not stated:
        yield Hit(
            plan.path,
            ("items",),
            {
                "record": plan.id,
                "plan": "（未以 anomaly_thresholds 字段写明）",
                "engine": engine_text,
            },
        )
        return
    mom, yoy = stated.get("mom_percent"), stated.get("yoy_percent")
    if (
        mom is None
        or yoy is None
        or Decimal(str(mom)) != engine.mom_percent
        or Decimal(str(yoy)) != engine.yoy_percent
    ):
        plan_text = f"环比 {_percent(mom) if mom is not None else '未写'}、同比 {_percent(yoy) if yoy is not None else '未写'}"
        yield Hit(
            plan.path,
            ("anomaly_thresholds",),
            {"record": plan.id, "plan": plan_text, "engine": engine_text},
        )


@rule("MON-SOURCE-UNPLANNED")
def source_unplanned(ctx: Context, spec: RuleSpec) -> Iterator[Hit]:
    plan = latest_plan(ctx)
    years = [y for y in inventory_years(ctx.model) if y <= ctx.as_of.year]
    if plan is None or not years:
        return
    planned = {s for item in plan.data.get("items") or [] for s in item.get("sources") or []}
    for record in ctx.records("emission-sources"):
        if record.data.get("year") != years[-1]:
            continue
        for index, source in enumerate(record.data.get("sources") or []):
            if source.get("status") == "operating" and source["id"] not in planned:
                yield Hit(
                    record.path,
                    ("sources", index),
                    {"year": years[-1], "source": source["id"], "record": plan.id},
                )


def instruments(ctx: Context) -> dict[str, list[tuple[Record, int, dict[str, Any]]]]:
    """Every calibration entry of every meter, with its record and position."""
    found: dict[str, list[tuple[Record, int, dict[str, Any]]]] = {}
    for record in ctx.records("calibration"):
        for index, entry in enumerate(record.data.get("instruments") or []):
            found.setdefault(str(entry["id"]), []).append((record, index, entry))
    return found


def intervals(entries: list[dict[str, Any]]) -> list[tuple[date, date]]:
    """Periods in which a meter had a valid calibration (this entry and its `previous` ones)."""
    spans = []
    for entry in entries:
        for item in [entry, *(entry.get("previous") or [])]:
            start, end = day(item.get("calibrated")), day(item.get("due"))
            if item.get("result") in VALID_RESULTS and start and end:
                spans.append((start, end))
    return spans


def _covered(spans: list[tuple[date, date]], first: date, last: date) -> bool:
    current = first
    while current <= last:
        if not any(a <= current <= b for a, b in spans):
            return False
        current += timedelta(days=1)
    return True


def _month_uncalibrated(
    ctx: Context,
    meters: dict[str, list[tuple[Record, int, dict[str, Any]]]],
    meter: str,
    month: str,
) -> bool:
    """Whether a reading of `meter` in `month` (up to the as-of day) was taken while no
    calibration covered it; a meter exempt from calibration, or a later month, is never."""
    entries = [e for _r, _i, e in meters.get(meter, [])]
    if not meter or any(e.get("result") in EXEMPT_RESULTS for e in entries):
        return False
    first = date.fromisoformat(month + "-01")
    if first > ctx.as_of:
        return False
    return not _covered(intervals(entries), first, min(month_end(month), ctx.as_of))


@rule("CAL-READING-UNCALIBRATED")
def reading_uncalibrated(ctx: Context, spec: RuleSpec) -> Iterator[Hit]:
    meters = instruments(ctx)
    verdicts: dict[tuple[str, str], bool] = {}  # (meter, month): judged once, not per row
    for record in ctx.records("meter-readings"):
        bad: dict[str, list[tuple[int, str]]] = {}
        for index, row in enumerate(record.data.get("rows") or []):
            meter, month = str(row.get("meter") or ""), str(row["month"])
            flagged = verdicts.get((meter, month))
            if flagged is None:
                flagged = verdicts[meter, month] = _month_uncalibrated(ctx, meters, meter, month)
            if flagged:
                bad.setdefault(meter, []).append((index, month))
        for meter, rows in sorted(bad.items()):
            detail = "没有检定记录" if meter not in meters else "检定记录未覆盖该月"
            months = "、".join(dict.fromkeys(m for _i, m in rows))
            yield Hit(
                record.path,
                ("rows", rows[0][0]),
                {"month": months, "meter": meter, "detail": detail},
            )


def _latest(
    entries: list[tuple[Record, int, dict[str, Any]]],
) -> tuple[Record, int, dict[str, Any]]:
    return max(entries, key=lambda e: (str(e[2].get("calibrated") or ""), e[0].sort_date))


def _due_entries(ctx: Context) -> Iterator[tuple[Record, int, dict[str, Any], date]]:
    for _meter, entries in sorted(instruments(ctx).items()):
        record, index, entry = _latest(entries)
        due = day(entry.get("due"))
        if due is None or entry.get("result") in EXEMPT_RESULTS or entry.get("retired"):
            continue
        yield record, index, entry, due


@rule("CAL-DUE-SOON")
def due_soon(ctx: Context, spec: RuleSpec) -> Iterator[Hit]:
    window = timedelta(days=int(spec.param("warn_days")))
    for record, index, entry, due in _due_entries(ctx):
        if ctx.as_of <= due <= ctx.as_of + window:
            yield Hit(
                record.path,
                ("instruments", index, "due"),
                {
                    "meter": entry["id"],
                    "name": entry["name"],
                    "due": due.isoformat(),
                    "days": spec.param("warn_days"),
                },
            )


@rule("CAL-EXPIRED")
def expired(ctx: Context, spec: RuleSpec) -> Iterator[Hit]:
    for record, index, entry, due in _due_entries(ctx):
        if due < ctx.as_of:
            yield Hit(
                record.path,
                ("instruments", index, "due"),
                {"meter": entry["id"], "name": entry["name"], "due": due.isoformat()},
            )


def _explained(ctx: Context) -> set[tuple[str, str]]:
    """(source, month) pairs that have an analysis (carbon assessment) or a linked CAPA."""
    done = set()
    for record in ctx.records("carbon-assessments"):
        for review in record.data.get("anomaly_reviews") or []:
            done |= {(str(review["source"]), str(m)) for m in review.get("months") or []}
    for record in ctx.records("nonconformities"):
        for link in record.data.get("anomalies") or []:
            done |= {(str(link["source"]), str(m)) for m in link.get("months") or []}
    return done


@rule("ANOMALY-UNANALYSED")
def anomaly_unanalysed(ctx: Context, spec: RuleSpec) -> Iterator[Hit]:
    thresholds = Thresholds()
    explained = _explained(ctx)
    for year in inventory_years(ctx.model):
        found = inventory(ctx, year)
        if found is None:
            continue
        for anomaly in find_anomalies(ctx.model, found, thresholds):
            month_done = month_end(anomaly.month) if len(anomaly.month) == 7 else date(year, 12, 31)
            if month_done > ctx.as_of or (anomaly.source_id, anomaly.month) in explained:
                continue
            limit = thresholds.mom_percent if anomaly.kind == "mom" else thresholds.yoy_percent
            where = _reading_at(ctx, anomaly.source_id, anomaly.month) or Hit(found.record.path)
            yield Hit(
                where.file,
                where.path,
                {
                    "source": anomaly.source_id,
                    "month": anomaly.month,
                    "kind": KIND_ZH[anomaly.kind],
                    "change": f"{anomaly.change_percent:+.1f}",
                    "limit": f"{limit.normalize():f}",
                },
            )


def _reading_at(ctx: Context, source: str, month: str) -> Hit | None:
    """Where the reading behind an anomaly is (the first row of that source in that period)."""
    for record in ctx.records("meter-readings"):
        for index, row in enumerate(record.data.get("rows") or []):
            if str(row["source"]) == source and str(row["month"]).startswith(month):
                return Hit(record.path, ("rows", index))
    return None
