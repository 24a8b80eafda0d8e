"""Compliance calendar (履约日历) per reporting year, and each deadline's state on a date.

Deadlines are data (`data/compliance-calendar.yaml`, each with its source and confidence tag);
what shows a deadline was met comes from the records: the verification record (report filing,
verification), the allowance ledger (allocation, surrender) and the meter readings (monthly data).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from generator.carbon.calc.ledger import entries_of, ledger_records
from generator.carbon.calc.verification import verification_record
from generator.content.model import Model
from generator.core.dates import iso_day
from generator.core.resources import data_path, parse_data_yaml

KIND_ZH = {
    "monthly_data": "月度数据",
    "report_filing": "排放报告报送",
    "verification": "第三方核查",
    "allocation": "配额核发",
    "surrender": "配额清缴",
}
STATE_ZH = {
    "done": "已完成",
    "late": "逾期完成",
    "overdue": "已逾期未完成",
    "due_soon": "即将到期",
    "upcoming": "未到期",
}


@dataclass(frozen=True)
class Deadline:
    year: int  # reporting year
    event_id: str  # e.g. surrender, monthly-data:2025-03
    kind: str
    title: str
    due: str  # YYYY-MM-DD
    tag: str
    source: str
    month: str = ""  # for monthly data: the month reported


@dataclass(frozen=True)
class DeadlineStatus:
    deadline: Deadline
    state: str
    done_on: str  # "" when not done, or done without a date (monthly data recorded)
    evidence: str  # the record (path) that shows it, or the record that should
    days_left: int

    @property
    def state_zh(self) -> str:
        return STATE_ZH[self.state]


@lru_cache(maxsize=4)
def load_calendar(path: Path | None = None) -> dict[str, Any]:
    source = path or data_path("compliance-calendar.yaml")
    return dict(parse_data_yaml(source.read_text(encoding="utf-8")))


def calendar_years(calendar: dict[str, Any] | None = None) -> list[int]:
    return sorted(int(y) for y in (calendar or load_calendar())["years"])


def deadlines(year: int, calendar: dict[str, Any] | None = None) -> list[Deadline]:
    data = (calendar or load_calendar())["years"].get(year) or {}
    found = []
    for event in data.get("events") or []:
        common = (str(event["kind"]), str(event["title"]))
        tag, source = str(event.get("tag", "M")), str(event.get("source", ""))
        if event["kind"] == "monthly_data":
            day = int(event["due_day_of_next_month"])
            for month in range(1, 13):
                after = date(year + month // 12, month % 12 + 1, day)
                label = f"{year}-{month:02d}"
                found.append(
                    Deadline(
                        year,
                        f"{event['id']}:{label}",
                        *common,
                        after.isoformat(),
                        tag,
                        source,
                        label,
                    )
                )
        else:
            found.append(Deadline(year, str(event["id"]), *common, str(event["due"]), tag, source))
    return sorted(found, key=lambda d: (d.due, d.event_id))


def _evidence(model: Model, deadline: Deadline) -> tuple[bool, str, str]:
    """(done, date done or "", the record that shows it or should)."""
    year, kind = deadline.year, deadline.kind
    if kind == "monthly_data":
        for record in model.records_of("meter-readings"):
            if any(str(r["month"]) == deadline.month for r in record.data.get("rows") or []):
                return True, "", record.path
        return False, "", "records/meter-readings"
    if kind in ("report_filing", "verification"):
        found = verification_record(model, year)
        if found is None:
            return False, "", "founds/verifications"
        when = (
            str(found.data.get("report_submitted", ""))
            if kind == "report_filing"
            else iso_day(found.date)
        )
        return bool(when), when, found.path
    ledgers = ledger_records(model, year)
    wanted = "free_allocation" if kind == "allocation" else "surrender"
    for record in ledgers:
        dates = [e.date for e in entries_of(record) if e.kind == wanted]
        if dates:
            return True, min(dates) if kind == "allocation" else max(dates), record.path
    return False, "", ledgers[0].path if ledgers else "records/allowance-ledger"


def evaluate(
    model: Model, year: int, today: date, calendar: dict[str, Any] | None = None
) -> list[DeadlineStatus]:
    """Every deadline of a reporting year and its state on `today`."""
    calendar = calendar or load_calendar()
    warn = int(calendar.get("warn_days", 30))
    now, day = today, today.isoformat()  # recorded dates in the data are YYYY-MM-DD text
    statuses = []
    for deadline in deadlines(year, calendar):
        done, when, evidence = _evidence(model, deadline)
        if when and when > day:  # recorded as done after the reference date: not yet done then
            done, when = False, ""
        days = (date.fromisoformat(deadline.due) - now).days
        if done:
            state = "late" if when and when > deadline.due else "done"
        elif days < 0:
            state = "overdue"
        elif days <= warn:
            state = "due_soon"
        else:
            state = "upcoming"
        statuses.append(DeadlineStatus(deadline, state, when, evidence, days))
    return statuses
