"""`cems export --year Y`: the verifier's evidence pack as one reproducible zip.

Contents: the documents in force on the as-of date (controlled copies), the emission report
(二氧化碳排放报告, Word + Excel) and the Annex A carbon assessment report, the carbon JSON, the
compliance summary (ledger, verification comparison, calendar), the year's records as committed
with their git provenance, every attachment they reference, and `manifest.json` (sha256 of every
file, the commit, the release, and a digest over all of it). Same commit, same bytes: entries
are sorted and carry fixed times; nothing reads the clock.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from generator.carbon.calc.analysis import assess
from generator.carbon.calc.cycle import year_compliance
from generator.carbon.calc.rounding import dumps_exact
from generator.carbon.report.compliance import year_json, year_markdown
from generator.carbon.report.summary import to_json
from generator.content.attachments import iter_attachments
from generator.content.model import Model, Record
from generator.content.project import load_project, require_model
from generator.control.queries import in_force_at
from generator.control.revisions import read_history
from generator.control.texts import _released_document, text_reader
from generator.control.types import History, RecordOrigin
from generator.core.config import Config
from generator.core.dates import iso_time
from generator.core.issues import CemsError, has_errors
from generator.render.word.copy import render_word
from generator.render.word.emission_report import render_emission_reports
from generator.render.word.report import render_assessment_reports
from generator.render.word.reproducible import ZIP_EPOCH

MANIFEST = "manifest.json"
PACK_FORMAT = "cems-evidence-pack/1"


@dataclass(frozen=True)
class ExportResult:
    path: Path
    files: tuple[str, ...]
    commit: str
    release: str
    as_of: date
    sha256: str  # of the zip itself: record it (e.g. in the release note) to prove the pack later


def manifest_digest(manifest: dict[str, Any]) -> str:
    """sha256 over the manifest without its own `digest` (canonical JSON)."""
    body = {k: v for k, v in manifest.items() if k != "digest"}
    text = dumps_exact(body, sort_keys=True, separators=(",", ":"), indent=None)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _json(data: Any) -> bytes:
    return (dumps_exact(data, sort_keys=True) + "\n").encode("utf-8")


def year_records(model: Model, year: int) -> list[Record]:
    """Records of a reporting year: its `year` field, else the year in the file name."""
    found = []
    for record in model.records:
        value = record.data.get("year")
        if (value is not None and int(value) == year) or (
            value is None and str(year) in Path(record.path).stem
        ):
            found.append(record)
    return sorted(found, key=lambda r: r.path)


def _origin(origin: RecordOrigin | None) -> dict[str, Any]:
    if origin is None:
        return {"recorded_by": None, "note": "未提交到 git (not committed)"}
    return {
        "recorded_by": origin.recorded.name,
        "email": origin.recorded.email,
        "person": origin.recorded.person_id,
        "recorded_at": iso_time(origin.recorded.when),
        "commit": origin.commit,
        "corrections": origin.later_changes,
        "last_changed": iso_time(origin.last_changed),
        "released_in": origin.released_in.tag if origin.released_in else None,
    }


def _documents_at(
    model: Model, history: History, config: Config, as_of: date
) -> tuple[Model, History]:
    """Only the documents in force on `as_of`, each with the text of that revision."""
    revisions = in_force_at(history, as_of)
    text_at = text_reader(config, history)
    documents, controls = [], dict(history.documents)
    for doc_id, revision in sorted(revisions.items()):
        text = text_at(doc_id, revision.label)
        document = _released_document(revision.path, text) if text else None
        if document is None:
            continue
        documents.append(document)
        controls[doc_id] = dataclasses.replace(
            history.control(doc_id), in_force=revision, draft=False, draft_changes=()
        )
    return dataclasses.replace(model, documents=tuple(documents)), dataclasses.replace(
        history, documents=controls
    )


def _release_at(history: History, as_of: date) -> str:
    released = [r for r in history.releases if r.effective_date <= as_of]
    return released[-1].tag if released else ""


def _rendered(
    model: Model, history: History, config: Config, year: int, as_of: date, pdf: bool
) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    with tempfile.TemporaryDirectory(prefix="cems-export-") as tmp:
        out = Path(tmp)
        view_model, view_history = _documents_at(model, history, config, as_of)
        generated = render_word(view_model, view_history, config, out, jobs=1, subdir="documents")
        generated += render_emission_reports(model, history, config, out, [year])
        generated += [
            f
            for f in render_assessment_reports(model, history, config, out)
            if f.document_id == f"report:{year}"
        ]
        if pdf:
            from generator.render.word.pdf import write_pdfs

            generated += write_pdfs(
                [out / f.path for f in generated if f.path.endswith(".docx")], out
            )
        for item in generated:
            target = item.path.removeprefix("pdf/")  # each PDF beside its Word copy
            if target.startswith(("word/reports/", "xlsx/")):
                target = "reports/" + target.rsplit("/", 1)[-1]
            files[target] = (out / item.path).read_bytes()
    return files


def _records(
    config: Config, model: Model, history: History, year: int
) -> tuple[dict[str, bytes], list[str]]:
    files: dict[str, bytes] = {}
    attachments: list[str] = []
    provenance = {}
    for record in year_records(model, year):
        files[record.path] = (config.root / record.path).read_bytes()
        provenance[record.path] = _origin(history.records.get(record.path))
        for attachment in iter_attachments(record.path, record.data):
            files[attachment.path] = (config.root / attachment.path).read_bytes()
            attachments.append(attachment.path)
            provenance[attachment.path] = _origin(history.records.get(attachment.path))
    files["provenance.json"] = _json(provenance)
    return files, attachments


def write_zip(files: dict[str, bytes], path: Path) -> bytes:
    """Sorted entries, fixed times and permissions: the same files give the same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 0
            info.flag_bits |= 0x800  # UTF-8 names
            archive.writestr(info, files[name], compresslevel=6)
    data = buffer.getvalue()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return data


def export_pack(
    config: Config, year: int, out: Path, as_of: date | None = None, pdf: bool = False
) -> ExportResult:
    """Write the evidence pack of reporting year `year` to `out`."""
    project = load_project(config)
    model = require_model(project)
    history, issues = read_history(config, model)
    if has_errors(issues) or not history.head_commit:
        raise CemsError("证据包需要 git 历史 (the evidence pack needs the git history)", issues)
    as_of = as_of or history.head_date
    assert as_of is not None  # a history with a head commit has the commit's date
    found = year_compliance(model, year, as_of)
    if found.inventory is None and found.ledger is None:
        raise CemsError(f"{year} 年没有排放源清单或配额台账 (nothing to export for {year})")
    files = _rendered(model, history, config, year, as_of, pdf)
    records, attachments = _records(config, model, history, year)
    files.update(records)
    if found.inventory is not None:
        files[f"carbon/carbon-{year}.json"] = _json(
            to_json(assess(model, year), model.organisation.name)
        )
    files[f"compliance/compliance-{year}.json"] = _json(year_json(found))
    files[f"compliance/compliance-{year}.md"] = year_markdown(found, as_of).encode("utf-8")
    release = _release_at(history, as_of)
    manifest: dict[str, Any] = {
        "format": PACK_FORMAT,
        "organisation": model.organisation.name,
        "year": year,
        "as_of": as_of.isoformat(),
        "commit": history.head_commit,
        "release": release,
        "attachments": sorted(set(attachments)),
        "files": [
            {"path": name, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
            for name, data in sorted(files.items())
        ],
    }
    manifest["digest"] = manifest_digest(manifest)
    files[MANIFEST] = _json(manifest)
    data = write_zip(files, out)
    return ExportResult(
        out,
        tuple(sorted(files)),
        history.head_commit,
        release,
        as_of,
        hashlib.sha256(data).hexdigest(),
    )
