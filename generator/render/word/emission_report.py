"""Render stage (Word + Excel): the annual emission report (二氧化碳排放报告) of each year.

A controlled copy like the carbon assessment report: its control data come from the year's
emission-sources record (who committed it compiled the inventory; the first release containing
that commit approved it). The tables go to an .xlsx beside it, one sheet each, the monthly
data sheet among them. The section list is `templates/emission-report/structure.yaml`.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

from generator.carbon.calc.inventory import compute_inventory, inventory_years, sources_record
from generator.carbon.report.emission_report import (
    EmissionReport,
    load_structure,
    render_emission_report,
)
from generator.content.model import Document, Model
from generator.control.types import History
from generator.core.config import Config
from generator.manifest import GeneratedFile, sha256_bytes
from generator.render.word.context import CopyContext
from generator.render.word.copy import reference_bytes, write_copy
from generator.render.word.report import _body, _control
from generator.render.word.reproducible import save_xlsx

REPORT_NAME = "二氧化碳排放报告"


def report_stem(year: int) -> str:
    return f"ER-{year}-{REPORT_NAME}"


def emission_reports(
    model: Model, config: Config, years: list[int] | None = None
) -> list[EmissionReport]:
    """The report of every inventory year (or of `years`) the engine can compute."""
    structure = load_structure(config.template("emission-report", "structure.yaml"))
    known = inventory_years(model)
    reports = []
    for year in sorted(years if years is not None else known):
        if year not in known:
            continue
        inventory, _issues = compute_inventory(model, year)
        if inventory is None:
            continue
        previous = compute_inventory(model, year - 1)[0] if year - 1 in known else None
        reports.append(render_emission_report(model, inventory, previous, structure))
    return reports


def _document(
    model: Model, record_path: str, report: EmissionReport, body: str, author: str
) -> Document:
    org = model.organisation
    representative = model.person(org.management_representative)
    return Document(
        id=f"ER-{report.year}",
        title=report.title,
        kind="emission-report",
        edition="A",
        clauses=("8.5",),
        owner=representative.department if representative else org.departments[0].id,
        author=author,
        reviewer=org.management_representative,
        approver=org.top_management,
        status="effective",
        review_interval_months=12,
        distribution=(),
        path=record_path,
        body=body,
    )


def write_tables(report: EmissionReport, path: Path, core_date: datetime | None) -> str:
    workbook = Workbook()
    for sheet in list(workbook.worksheets):
        workbook.remove(sheet)
    for table in report.tables:
        sheet = workbook.create_sheet(table.name[:31])
        sheet.append(list(table.headers))
        for row in table.rows:
            sheet.append(list(row))
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@")):
                    cell.data_type = "s"  # text, never a formula
    return sha256_bytes(save_xlsx(workbook, path, core_date))


def render_emission_reports(
    model: Model, history: History, config: Config, out_dir: Path, years: list[int] | None = None
) -> list[GeneratedFile]:
    """`word/reports/ER-<year>-二氧化碳排放报告.docx` and `xlsx/ER-<year>-二氧化碳排放报告.xlsx`."""
    template = reference_bytes(config)
    files = []
    for report in emission_reports(model, config, years):
        record = sources_record(model, report.year)[0]
        body = _body(report.markdown)
        control = _control(config, history, record, body)
        origin = history.records.get(record.path)
        author = origin.recorded.person_id if origin else ""
        ctx = CopyContext(
            document=_document(model, record.path, report, body, author),
            control=control,
            organisation=model.organisation.name,
            people=tuple(sorted((p.id, p.name) for p in model.organisation.people)),
            departments=tuple(sorted((d.id, d.name) for d in model.organisation.departments)),
            commit=control.in_force.release.commit if control.in_force else history.head_commit,
            base_dir=str(out_dir),
        )
        status = "in_force" if control.in_force else "draft"
        docx = out_dir / "word" / "reports" / f"{report_stem(report.year)}.docx"
        digest = write_copy(ctx, template, docx)
        files.append(
            GeneratedFile(
                docx.relative_to(out_dir).as_posix(),
                digest,
                f"emission-report:{report.year}",
                control.revision_label,
                status,
            )
        )
        xlsx = out_dir / "xlsx" / f"{report_stem(report.year)}.xlsx"
        when = origin.recorded.when if origin else None
        files.append(
            GeneratedFile(
                xlsx.relative_to(out_dir).as_posix(),
                write_tables(report, xlsx, when),
                f"emission-report-xlsx:{report.year}",
                control.revision_label,
                status,
            )
        )
    return files
