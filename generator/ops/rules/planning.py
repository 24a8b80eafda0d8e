"""Rules of 6.3 (carbon assessment, baseline), 6.4 (objectives) and 6.5 (implementation plans)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from generator.carbon.calc.inventory import Inventory, compute_inventory, inventory_years
from generator.carbon.calc.rounding import BOUNDARY_ZH
from generator.content.model import Record
from generator.core.issues import has_errors
from generator.ops.rules.base import Context, Hit, RuleSpec, blank, day, rule

STATUS_ZH = {
    "planned": "计划中",
    "in_progress": "实施中",
    "completed": "已完成",
    "cancelled": "已取消",
}


def inventory(ctx: Context, year: int) -> Inventory | None:
    """The engine's inventory of `year` (cached; None when it cannot be computed)."""
    key = f"inventory:{year}"
    if key not in ctx.cache:
        found, issues = compute_inventory(ctx.model, year)
        ctx.cache[key] = None if has_errors(issues) else found
    result: Inventory | None = ctx.cache[key]
    return result


def _assessment_due(year: int, spec: RuleSpec) -> date:
    return date.fromisoformat(f"{year + 1}-{spec.param('due_month_day')}")


@rule("ASSESS-YEAR-MISSING")
def assessment_missing(ctx: Context, spec: RuleSpec) -> Iterator[Hit]:
    years = inventory_years(ctx.model)
    assessed = {int(r.data["year"]) for r in ctx.records("carbon-assessments")}
    if not years:
        return
    for year in range(min(years), ctx.as_of.year):
        if year not in assessed and _assessment_due(year, spec) < ctx.as_of:
            yield Hit("records/carbon-assessments", None, {"year": year})


@rule("ASSESS-STALE")
def assessment_stale(ctx: Context, spec: RuleSpec) -> Iterator[Hit]:
    assessments = sorted(ctx.records("carbon-assessments"), key=lambda r: int(r.data["year"]))
    if not assessments:
        return
    assessed_year = int(assessments[-1].data["year"])
    assessed_date = assessments[-1].date or ctx.as_of
    assessed = _source_boundaries(ctx, assessed_year)
    for record in ctx.records("emission-sources"):
        year = int(record.data.get("year", 0))
        if year <= assessed_year:
            continue
        for index, source in enumerate(record.data.get("sources") or []):
            commissioned = day(source.get("commissioned"))
            change = ""
            if source["id"] not in assessed:
                change = "新增排放源"
            elif commissioned is not None and assessed_date < commissioned <= ctx.as_of:
                change = f"{commissioned.isoformat()} 投运"
            elif str(source.get("boundary", "")) != assessed[source["id"]]:
                before, after = assessed[source["id"]], str(source.get("boundary", ""))
                change = (
                    f"边界由{BOUNDARY_ZH.get(before, before)}改为{BOUNDARY_ZH.get(after, after)}"
                )
            if change:
                yield Hit(
                    record.path,
                    ("sources", index),
                    {
                        "year": year,
                        "source": source["id"],
                        "change": change,
                        "assessed": assessed_year,
                    },
                )


def _source_boundaries(ctx: Context, year: int) -> dict[str, str]:
    """Source id -> its boundary (fixed, mobile, out of the city) in that year's inventory."""
    return {
        str(s["id"]): str(s.get("boundary", ""))
        for r in ctx.records("emission-sources")
        if r.data.get("year") == year
        for s in r.data.get("sources") or []
    }


@rule("BASELINE-MISMATCH")
def baseline_mismatch(ctx: Context, spec: RuleSpec) -> Iterator[Hit]:
    tolerance = Decimal(str(spec.param("tolerance_percent")))
    for record in ctx.records("baselines"):
        baseline = record.data["baseline"]
        if not blank(baseline.get("deviation")):
            continue
        years = [int(y) for y in baseline.get("years") or []]
        inventories = [inventory(ctx, y) for y in years]
        if not years or any(i is None for i in inventories):
            continue  # BASELINE-UNVERIFIABLE
        found = [i for i in inventories if i is not None]
        computed = {
            "total_tco2": sum((i.total_tco2 for i in found), Decimal(0)) / len(found),
            "intensity": _mean([i.intensity for i in found]),
        }
        for name, what in (("total_tco2", "排放总量"), ("intensity", "排放强度")):
            stated, value = baseline.get(name), computed[name]
            if stated is None or value is None or value == 0:
                continue
            diff = abs(Decimal(str(stated)) - value) / abs(value) * 100
            if diff > tolerance:
                yield Hit(
                    record.path,
                    ("baseline", name),
                    {
                        "record": record.id,
                        "what": what,
                        "stated": stated,
                        "computed": f"{value:.4g}" if name == "intensity" else f"{value:.1f}",
                        "years": "、".join(str(y) for y in years),
                        "diff": f"{diff:.2f}",
                    },
                )


@rule("BASELINE-UNVERIFIABLE")
def baseline_unverifiable(ctx: Context, spec: RuleSpec) -> Iterator[Hit]:
    for record in ctx.records("baselines"):
        baseline = record.data["baseline"]
        years = [int(y) for y in baseline.get("years") or []]
        if blank(baseline.get("deviation")) and any(inventory(ctx, y) is None for y in years):
            yield Hit(
                record.path,
                ("baseline", "years"),
                {"record": record.id, "years": "、".join(str(y) for y in years)},
            )


def _mean(values: list[Decimal | None]) -> Decimal | None:
    if not values or any(v is None for v in values):
        return None
    return sum((v for v in values if v is not None), Decimal(0)) / len(values)


def current_objectives(ctx: Context) -> Record | None:
    records = [r for r in ctx.records("objectives") if (r.date or ctx.as_of) <= ctx.as_of]
    return max(records, key=lambda r: r.sort_date) if records else None


@rule("OBJ-KINDS")
def objective_kinds(ctx: Context, spec: RuleSpec) -> Iterator[Hit]:
    record = current_objectives(ctx)
    if record is None:
        return
    objectives = record.data.get("objectives") or []
    metrics = {o["metric"] for o in objectives}
    kinds = {o["kind"] for o in objectives}
    missing = []
    if "total_tco2" not in metrics:
        missing.append("碳排放量")
    if "intensity" not in metrics:
        missing.append("碳排放强度")
    if ctx.records("allowance-compliance") and "carbon_asset" not in kinds:
        missing.append("碳资产管理")
    if missing:
        yield Hit(
            record.path, ("objectives",), {"record": record.id, "missing": "、".join(missing)}
        )


PLAN_PARTS = {
    "measures": "主要措施和技术内容",
    "expected_reduction_tco2": "预期减排量",
    "department": "责任部门",
    "resources": "需要的资源",
    "schedule": "时间进度安排",
    "verification": "结果验证方法",
}


@rule("PLAN-INCOMPLETE")
def plan_incomplete(ctx: Context, spec: RuleSpec) -> Iterator[Hit]:
    for record in ctx.records("implementation-plans"):
        missing = [zh for name, zh in PLAN_PARTS.items() if _empty(record.data.get(name))]
        if missing:
            yield Hit(record.path, None, {"record": record.id, "missing": "、".join(missing)})


def _empty(value: Any) -> bool:
    if isinstance(value, (list, dict)):
        return not value
    if isinstance(value, (int, float, Decimal)):
        return False
    return blank(value)


@rule("PLAN-MILESTONE-OVERDUE")
def milestone_overdue(ctx: Context, spec: RuleSpec) -> Iterator[Hit]:
    for record in ctx.records("implementation-plans"):
        status = record.data.get("status")
        if status in ("completed", "cancelled"):
            continue
        for index, step in enumerate(record.data.get("schedule") or []):
            due = day(step.get("due"))
            if due is not None and due < ctx.as_of and not step.get("done"):
                yield Hit(
                    record.path,
                    ("schedule", index),
                    {
                        "record": record.id,
                        "milestone": step["milestone"],
                        "due": due.isoformat(),
                        "status": STATUS_ZH.get(str(status), str(status)),
                    },
                )


@rule("PLAN-RESULT-MISSING")
def plan_result_missing(ctx: Context, spec: RuleSpec) -> Iterator[Hit]:
    grace = timedelta(days=int(spec.param("grace_days")))
    for record in ctx.records("implementation-plans"):
        if record.data.get("status") == "cancelled" or record.data.get("result"):
            continue
        dues = [d for d in (day(s.get("due")) for s in record.data.get("schedule") or []) if d]
        if dues and max(dues) + grace < ctx.as_of:
            yield Hit(record.path, ("status",), {"record": record.id, "due": max(dues).isoformat()})
