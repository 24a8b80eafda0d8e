"""The annual compliance cycle as findings: calendar deadlines, the ledger, the verification.

`compliance_findings` returns `Issue`s for `cems check`: deadlines coming up (warning), missed
(error) or met late (warning); offset limits exceeded, allowances short of the obligation,
negative holdings, carry-over that does not match the year before; verified figures that
differ from the engine beyond the tolerance without an explanation.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from generator.carbon.calc.calendar import KIND_ZH, DeadlineStatus
from generator.carbon.calc.cycle import cycle_years, year_compliance
from generator.carbon.calc.inventory import Inventory, inventory_years
from generator.carbon.calc.ledger import OFFSETS, Ledger
from generator.carbon.calc.rounding import percent
from generator.carbon.calc.verification import VerificationComparison
from generator.carbon.report.compliance import t as tonnes
from generator.content.model import Model
from generator.core.issues import Issue, Severity

Locate = Callable[[str, tuple[str | int, ...]], int | None]


def _no_lines(_file: str, _path: tuple[str | int, ...]) -> int | None:
    return None


def _fmt(value: Decimal) -> str:
    """Tonnes: whole numbers as such, else one decimal."""
    return tonnes(value)


class _Findings:
    """Issues on one ledger record, located by field path."""

    def __init__(self, ledger: Ledger, locate: Locate) -> None:
        self.path, self.locate, self.issues = ledger.record.path, locate, list[Issue]()

    def add(
        self,
        field_path: tuple[str | int, ...],
        message: str,
        code: str,
        severity: Severity,
        hint: str = "",
    ) -> None:
        line = self.locate(self.path, field_path)
        where = "/".join(map(str, field_path))
        self.issues.append(Issue(self.path, line, where, message, severity, code, hint))


def _offset_findings(ledger: Ledger, found: _Findings) -> None:
    add = found.add
    limit, offsets = ledger.offset_limit_t, ledger.offsets_surrendered_t
    tag = f"（{ledger.limit.source}，{ledger.limit.tag}）" if ledger.limit else ""
    if limit is not None and offsets > limit:
        add(
            ("entries",),
            f"{ledger.year} 年度用于清缴的抵消量 {_fmt(offsets)} t 超过上限 {_fmt(limit)} t"
            f"（配额的 {(ledger.limit.total_share * 100).normalize() if ledger.limit else ''}%）{tag} (offsets exceed the limit)",
            "LEDGER-OFFSET-LIMIT",
            Severity.ERROR,
            "超出部分须以配额清缴。",
        )
    outside = ledger.outside_limit_t
    if outside is not None and ledger.outside_ccer_surrendered_t > outside:
        add(
            ("entries",),
            f"{ledger.year} 年度京外 CCER 清缴量 {_fmt(ledger.outside_ccer_surrendered_t)} t "
            f"超过上限 {_fmt(outside)} t{tag} (out-of-Beijing CCER exceed the limit)",
            "LEDGER-OFFSET-OUTSIDE",
            Severity.ERROR,
        )
    for entry in ledger.entries:
        if entry.instrument in OFFSETS and entry.kind == "surrender" and not entry.origin:
            add(
                ("entries", entry.index, "origin"),
                "抵消量未记录产地（北京市内或市外），按京外计算 (offset origin missing)",
                "LEDGER-OFFSET-ORIGIN",
                Severity.WARNING,
            )


def _holding_findings(ledger: Ledger, found: _Findings, previous: Ledger | None) -> None:
    add = found.add
    for instrument in ("allowance", *OFFSETS):
        if ledger.closing_t(instrument) < 0:
            add(
                ("entries",),
                f"{instrument} 持有量为负 {_fmt(ledger.closing_t(instrument))} t：卖出、清缴或结转"
                "多于持有 (holdings negative)",
                "LEDGER-NEGATIVE",
                Severity.ERROR,
            )
    obligation = ledger.obligation_t
    if obligation is not None and ledger.surrender_date and ledger.surrendered_t < obligation:
        add(
            ("entries",),
            f"清缴 {_fmt(ledger.surrendered_t)} t 少于应清缴量 {_fmt(obligation)} t"
            f"（{ledger.emissions_basis}） (surrendered less than the obligation)",
            "LEDGER-SHORTFALL",
            Severity.ERROR,
        )
    elif obligation is not None and not ledger.surrender_date and (ledger.balance_t or 0) < 0:
        add(
            ("entries",),
            f"配额缺口 {_fmt(-(ledger.balance_t or Decimal(0)))} t：持有 {_fmt(ledger.available_t)} t，"
            f"应清缴 {_fmt(obligation)} t (allowance shortfall)",
            "LEDGER-SHORTFALL",
            Severity.WARNING,
            "在清缴截止日前购入配额或符合比例的抵消量。",
        )
    if previous is not None:
        carried_out, carried_in = previous.total(("carry_out",)), ledger.total(("carry_in",))
        if carried_out != carried_in:
            add(
                ("entries",),
                f"结转转入 {_fmt(carried_in)} t 与 {previous.year} 年度台账结转 {_fmt(carried_out)} t 不一致 "
                "(carry-over does not match)",
                "LEDGER-CARRY",
                Severity.WARNING,
            )


def ledger_findings(ledger: Ledger, locate: Locate, previous: Ledger | None = None) -> list[Issue]:
    """Offset limits, negative holdings, shortfall and carry-over of one year's ledger."""
    found = _Findings(ledger, locate)
    _offset_findings(ledger, found)
    _holding_findings(ledger, found, previous)
    return found.issues


def consistency_findings(model: Model, ledger: Ledger, locate: Locate) -> list[Issue]:
    """The compliance record's allocation and surrender must agree with the ledger's entries."""
    issues = []
    for record in model.records_of("allowance-compliance"):
        if int(record.data["year"]) != ledger.year:
            continue
        for field_name, computed in (
            ("allocated_t", ledger.allocated_t),
            ("surrendered_t", ledger.surrendered_t),
        ):
            stated = Decimal(str(record.data[field_name]))
            if stated != computed:
                issues.append(
                    Issue(
                        record.path,
                        locate(record.path, (field_name,)),
                        field_name,
                        f"{field_name} 为 {_fmt(stated)} t，台账 {ledger.record.id} 计算为 {_fmt(computed)} t "
                        "(compliance record disagrees with the ledger)",
                        Severity.WARNING,
                        "LEDGER-COMPLIANCE-MISMATCH",
                    )
                )
    return issues


def verification_findings(comparison: VerificationComparison, locate: Locate) -> list[Issue]:
    path = comparison.record.path
    issues = []
    for row in comparison.findings:
        if row.index is None:
            field_path: tuple[str | int, ...] = ("sources",)
            message = f"核查记录未列出排放源 {row.source_id}（核算值 {_fmt(row.engine_tco2 or Decimal(0))} tCO2）"
        elif row.engine_tco2 is None:
            field_path = ("sources", row.index, "explanation")
            message = f"排放源 {row.source_id} 不在本系统 {comparison.year} 年计入排放的排放源中"
        else:
            field_path = ("sources", row.index, "explanation")
            message = (
                f"排放源 {row.source_id} 核查值 {_fmt(row.verified_tco2 or Decimal(0))} 与核算值 "
                f"{_fmt(row.engine_tco2)} tCO2 相差 {percent(row.difference_percent)}，"
                f"超出容差 {row.tolerance_percent}%"
            )
        issues.append(
            Issue(
                path,
                locate(path, field_path),
                "/".join(map(str, field_path)),
                message + " (verified figure differs from the engine)",
                Severity.WARNING,
                "VERIFICATION-DIFFERENCE",
                "查明原因后在 explanation 中写明差异说明（核查机构需要），或更正监测数据。",
            )
        )
    return issues


def calendar_findings(statuses: list[DeadlineStatus]) -> list[Issue]:
    issues = []
    for s in statuses:
        d = s.deadline
        what = f"{d.year} 年度{d.title}" + (f"（{d.month}）" if d.month else "")
        tag = f"截止 {d.due}（{d.tag}：{d.source}）"
        if s.state == "overdue":
            issues.append(
                Issue(
                    s.evidence,
                    None,
                    d.event_id,
                    f"{what}已逾期未完成，{tag} (deadline missed)",
                    Severity.ERROR,
                    "CALENDAR-OVERDUE",
                    f"完成后在 {s.evidence} 中记录{KIND_ZH[d.kind]}日期。",
                )
            )
        elif s.state == "late":
            issues.append(
                Issue(
                    s.evidence,
                    None,
                    d.event_id,
                    f"{what}于 {s.done_on} 完成，晚于{tag} (met late)",
                    Severity.WARNING,
                    "CALENDAR-LATE",
                )
            )
        elif s.state == "due_soon":
            issues.append(
                Issue(
                    s.evidence,
                    None,
                    d.event_id,
                    f"{what}还有 {s.days_left} 天到期，{tag} (deadline ahead)",
                    Severity.WARNING,
                    "CALENDAR-DUE",
                )
            )
    return issues


def compliance_findings(
    model: Model, today: date | None = None, locate: Locate | None = None
) -> list[Issue]:
    """Findings of every reporting year with an inventory or a ledger, as of `today`."""
    locate = locate or _no_lines
    years = cycle_years(model)
    cache: dict[int, Inventory | None] = {}
    issues: list[Issue] = []
    previous: Ledger | None = None
    for year in years:
        found = year_compliance(
            model, year, today if year in inventory_years(model) else None, cache
        )
        if found.ledger is not None:
            prior = previous if previous is not None and previous.year == year - 1 else None
            issues += ledger_findings(found.ledger, locate, prior)
            issues += consistency_findings(model, found.ledger, locate)
            previous = found.ledger
        if found.verification is not None:
            issues += verification_findings(found.verification, locate)
        issues += calendar_findings(found.calendar)
    return issues
