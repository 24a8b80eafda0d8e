"""Dates and git times: parsed once where text comes in, written as text only where text goes out.

The model and the History carry `datetime.date` (days: effective dates, record dates, review
dates) and timezone-aware `datetime.datetime` (git times, with the offset git recorded), so
comparisons are of days and instants, never of strings.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, timezone

GIT_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def parse_git_time(text: str) -> datetime:
    """A git ISO 8601 time (`%aI`, `iso-strict`: offset or `Z`) as an aware datetime."""
    value = text.strip()
    if value.endswith("Z"):  # newer git writes UTC as Z; Python 3.10 does not read it
        value = value[:-1] + "+00:00"
    try:
        when = datetime.fromisoformat(value)
    except ValueError:  # a damaged object git still lists: sorts first, never aborts a build
        return GIT_EPOCH
    return when if when.tzinfo is not None else when.replace(tzinfo=timezone.utc)


def iso_time(when: datetime | None) -> str:
    """ISO 8601 with offset (2025-03-01T10:15:00+08:00), "" for None."""
    return when.isoformat() if when is not None else ""


def minute_text(when: datetime | None) -> str:
    """The local date and minute git recorded (2025-03-01 10:15), "" for None."""
    return when.strftime("%Y-%m-%d %H:%M") if when is not None else ""


def iso_day(day: date | None, missing: str = "") -> str:
    """YYYY-MM-DD, `missing` for None."""
    return day.isoformat() if day is not None else missing


def parse_day(text: object) -> date | None:
    """A YYYY-MM-DD value (or the date part of an ISO date-time) as a date; None if absent or not one."""
    value = str(text or "").strip()
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def add_months(start: date, months: int) -> date:
    """A day plus whole months (negative: back), clamped to the month's last day (01-31 + 1 -> 02-28)."""
    total = start.month - 1 + months
    year, month = start.year + total // 12, total % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))
