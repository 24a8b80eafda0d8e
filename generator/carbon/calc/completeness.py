"""Which months each source is expected to report, from the monitoring plan and its dates.

A source is expected every month (or quarter, or year) that the year's monitoring plan gives
for an item listing it — the finest interval wins; a source the plan does not list is expected
monthly, as meter readings are monthly records. Months before its `commissioned` month and
after its `decommissioned` month are not expected; a planned source expects nothing; a retired
source without a `decommissioned` date is expected until its last reading. The year's plan is
the newest `monitoring-plan` record stating this `year`, or else dated in or before the year
(a plan stays in force until replaced), never a later year's plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.content.model import Model, Record

INTERVAL_MONTHS = {
    "monthly": tuple(range(1, 13)),
    "quarterly": (3, 6, 9, 12),
    "annual": (12,),
}
_FREQUENCY_WORDS = (
    ("每月", "monthly"),
    ("月度", "monthly"),
    ("每季", "quarterly"),
    ("每年", "annual"),
)


@dataclass(frozen=True)
class MissingMonth:
    source_id: str
    month: str


def plan_for_year(model: Model, year: int) -> Record | None:
    plans = sorted(model.records_of("monitoring-plan"), key=lambda r: (r.sort_date, r.id))
    stated = [r for r in plans if r.data.get("year") == year]
    if stated:
        return stated[-1]
    dated = [r for r in plans if "year" not in r.data and r.sort_date.year <= year]
    return dated[-1] if dated else None


def _interval(item: dict[str, Any]) -> str | None:
    if item.get("interval"):
        return str(item["interval"])
    text = str(item.get("frequency", ""))
    return next((kind for word, kind in _FREQUENCY_WORDS if word in text), None)


def _plan_months(plan: Record | None, source_id: str) -> tuple[int, ...] | None:
    if plan is None:
        return None
    months: set[int] = set()
    listed = False
    for item in plan.data.get("items") or []:
        if source_id not in (item.get("sources") or []):
            continue
        listed = True
        interval = _interval(item)
        months.update(INTERVAL_MONTHS.get(interval or "", ()))
    if not listed:
        return None
    return tuple(sorted(months)) or None


def _month_of(text: str, year: int) -> int | None:
    """Month number of a YYYY-MM[-DD] date within `year`; 0 before it, 13 after it."""
    if not text:
        return None
    if text[:4] < str(year):
        return 0
    if text[:4] > str(year):
        return 13
    return int(text[5:7])


def expected_months(
    entry: dict[str, Any], year: int, plan: Record | None, read: dict[str, Any]
) -> tuple[str, ...]:
    if entry["status"] == "planned":
        return ()
    months = _plan_months(plan, str(entry["id"])) or INTERVAL_MONTHS["monthly"]
    first = _month_of(str(entry.get("commissioned", "")), year)
    last = _month_of(str(entry.get("decommissioned", "")), year)
    if last is None and entry["status"] == "retired":
        last = max((int(m[5:7]) for m in read), default=0)
    low = 1 if first is None else max(first, 1)
    high = 12 if last is None else min(last, 12)
    return tuple(f"{year}-{m:02d}" for m in months if low <= m <= high)
