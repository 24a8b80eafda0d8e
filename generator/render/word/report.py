"""Render stage (Word): the carbon assessment report (碳评估报告, Annex A) as a controlled copy.

The report is generated from records, so its control data come from git as well: the person who
committed the year's carbon-assessments record compiled it (编制), and the first release that
contains that commit approved it (批准); the commit's `Reviewed-by:` trailers reviewed it (审核).
Until such a release exists the copy is marked 未生效.
"""

from __future__ import annotations

from pathlib import Path

from generator.content.model import Document, Model, Record
from generator.control.types import Change, DocumentControl, History, Revision
from generator.core.config import Config
from generator.manifest import GeneratedFile, sha256_bytes
from generator.render.word.context import CopyContext
from generator.render.word.copy import reference_bytes, write_copy
from generator.render.word.qr import verification_url


def _control(config: Config, history: History, record: Record, body: str) -> DocumentControl:
    origin = history.records.get(record.path)
    if origin is None:
        return DocumentControl(record.id)
    release = origin.released_in
    if release is None:
        return DocumentControl(record.id)
    change = Change(
        origin.commit, origin.recorded.when, record.title, origin.recorded, origin.reviewers
    )
    revision = Revision(
        record.id,
        "A",
        0,
        release,
        record.path,
        sha256_bytes(body.encode("utf-8")),
        "effective",
        (change,),
    )
    return DocumentControl(record.id, (revision,), revision, draft=False)


def _document(model: Model, record: Record, title: str, body: str, author: str) -> Document:
    org = model.organisation
    representative = model.person(org.management_representative)
    return Document(
        id=record.id,
        title=title,
        kind="report",
        edition="A",
        clauses=("6.3", "A"),
        owner=representative.department if representative else org.departments[0].id,
        author=author,
        reviewer=org.management_representative,
        approver=org.top_management,
        status="effective",
        review_interval_months=12,
        distribution=(),
        path=record.path,
        body=body,
    )


def _body(markdown: str) -> str:
    """The report's Markdown without its H1: the cover page shows the title."""
    lines = markdown.splitlines()
    if lines and lines[0].startswith("# "):
        lines = lines[1:]
    return "\n".join(lines).lstrip("\n") + "\n"


def report_context(
    model: Model, history: History, config: Config, record: Record, images: Path
) -> CopyContext | None:
    """The copy of one year's report (its chart images written under `images`), or None when
    that year has no inventory (the site says why; no copy is made)."""
    from generator.carbon.report.sections import render_assessment
    from generator.core.issues import CemsError

    year = int(record.data["year"])
    try:
        report = render_assessment(model, year)
    except CemsError:
        return None
    for name, data in sorted(report.images.items()):
        target = images / "images" / f"{name}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    body = _body(report.markdown)
    control = _control(config, history, record, body)
    origin = history.records.get(record.path)
    author = origin.recorded.person_id if origin else ""
    document = _document(model, record, report.title, body, author)
    return CopyContext(
        document=document,
        control=control,
        organisation=model.organisation.name,
        people=tuple(sorted((p.id, p.name) for p in model.organisation.people)),
        departments=tuple(sorted((d.id, d.name) for d in model.organisation.departments)),
        commit=control.in_force.release.commit if control.in_force else history.head_commit,
        base_dir=str(images),
        verify_url=verification_url(config.root, record.id, control.revision_label)
        if control.in_force
        else "",
    )


def report_file(record: Record) -> str:
    return f"word/reports/{record.id}-碳评估报告.docx"


def render_assessment_reports(
    model: Model, history: History, config: Config, out_dir: Path
) -> list[GeneratedFile]:
    """`word/reports/<record id>-碳评估报告.docx` for every year with a carbon-assessments record."""
    template = reference_bytes(config)
    files = []
    for record in model.records_of("carbon-assessments"):
        year = int(record.data["year"])
        images = out_dir / ".cache" / "report-images" / str(year)
        ctx = report_context(model, history, config, record, images)
        if ctx is None:
            continue
        path = out_dir / report_file(record)
        digest = write_copy(ctx, template, path)
        files.append(
            GeneratedFile(
                path.relative_to(out_dir).as_posix(),
                digest,
                f"report:{year}",
                ctx.control.revision_label,
                "in_force" if ctx.control.in_force else "draft",
            )
        )
    return files
