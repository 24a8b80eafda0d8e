"""`cems new RECORD-TYPE`: a pre-filled record — the next ID in the organisation's pattern,
today's date, and what it answers (an audit finding, a non-compliant evaluation, the review
input pack) copied in. Fields a person must write stay "待填写", which fails validation until
they are filled in, so an unfinished record cannot pass `cems validate` or `cems check`."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

from generator.content.conventions import conventions_of
from generator.content.conventions import next_record_id as next_conventional_id
from generator.content.limits import PLACEHOLDER
from generator.content.model import Model
from generator.content.project import load_project, require_model
from generator.core.config import Config
from generator.core.issues import CemsError
from generator.ops.new import _Example, _schema_modeline_path, safe_title, write_checked

Data = dict[str, Any]
CAPA_DAYS = 30  # default due date of a new nonconformity, days from today


def next_record_id(model: Model, record_type: str, today: str) -> str | None:
    """The next ID in the pattern the type's records use: PREFIX-YYYY-NN or PREFIX-YYYY."""
    ids = [r.id for r in model.records_of(record_type)]
    year = today[:4]
    numbered = [m for i in ids if (m := re.fullmatch(r"(.+)-(\d{4})-(\d+)", i))]
    if numbered:
        prefix = max(numbered, key=lambda m: m.group(0)).group(1)
        width = max(len(m.group(3)) for m in numbered)
        taken = [int(m.group(3)) for m in numbered if m.group(1) == prefix and m.group(2) == year]
        return f"{prefix}-{year}-{max(taken, default=0) + 1:0{width}d}"
    yearly = [m for i in ids if (m := re.fullmatch(r"(.+)-(\d{4})", i))]
    if yearly:
        return f"{max(yearly, key=lambda m: m.group(0)).group(1)}-{year}"
    return None


def _next_id(model: Model, record_type: str, today: str) -> str:
    """The organisation's declared pattern first, then the pattern its records already use."""
    conventions = conventions_of(model.organisation.data, (d.id for d in model.documents))
    existing = [r.id for r in model.records_of(record_type)]
    if record_type not in conventions.records:
        inferred = next_record_id(model, record_type, today)
        if inferred:
            return inferred
    return next_conventional_id(conventions, record_type, today, existing)


def _head(model: Model, department: str) -> str:
    dept = model.department(department)
    return dept.head if dept and dept.head else model.organisation.management_representative


def _from_audit_finding(model: Model, answers: str) -> Data | None:
    for record in model.records_of("internal-audits"):
        for finding in (record.data.get("report") or {}).get("findings") or []:
            if finding["id"] == answers:
                return {
                    "origin": "internal_audit",
                    "origin_record": record.id,
                    "clause": finding["clause"],
                    "department": finding["department"],
                    "type": "potential" if finding["type"] == "observation" else "actual",
                    "description": " ".join(str(finding["description"]).split()),
                    "owner": _head(model, finding["department"]),
                }
    return None


def _from_evaluation(model: Model, answers: str) -> Data | None:
    for record in sorted(
        model.records_of("legal-register"), key=lambda r: r.sort_date, reverse=True
    ):
        for req in record.data.get("requirements") or []:
            failed = [e for e in req.get("evaluations") or [] if e.get("compliant") is False]
            if req["id"] == answers and failed:
                department = str(req.get("department") or model.organisation.departments[0].id)
                return {
                    "origin": "compliance_evaluation",
                    "origin_record": record.id,
                    "clause": "9.3",
                    "department": department,
                    "type": "actual",
                    "description": f"{req['name']}：{failed[-1]['result']}",
                    "owner": _head(model, department),
                }
    return None


def _nonconformity(model: Model, data: Data, answers: str | None, today: str) -> Data:
    if answers:
        found = _from_audit_finding(model, answers) or _from_evaluation(model, answers)
        if found is None:
            raise CemsError(
                f"找不到 {answers}：--answers 应是审核发现编号或不符合的法规要求编号 "
                "(no audit finding or non-compliant requirement with that id)"
            )
        data.update(found)
    data.update(
        cause=PLACEHOLDER,
        action=PLACEHOLDER,
        due=(date.fromisoformat(today) + timedelta(days=CAPA_DAYS)).isoformat(),
        status="open",
    )
    return data


def _management_review(
    config: Config, model: Model, data: Data, answers: str | None, today: str
) -> Data:
    from generator.ops.review_input import default_period, review_pack_at

    when = date.fromisoformat(today)
    period = int(answers.rsplit("-", 1)[-1]) if answers else default_period(model, when)
    _model, _history, pack = review_pack_at(config, period, when)
    org = model.organisation
    data["pack"] = pack.id
    data["chair"] = org.top_management
    data["attendees"] = sorted({d.head for d in org.departments if d.head})
    data["inputs"] = {
        s.key: "；".join(s.lines) + f"（{PLACEHOLDER}：评审意见）" if s.lines else PLACEHOLDER
        for s in pack.sections
    }
    data["outputs"] = {key: PLACEHOLDER for key in data.get("outputs") or {}}
    return data


def new_prefilled_record(
    config: Config, record_type: str, record_id: str | None, day: date, answers: str | None = None
) -> Path:
    """Write `records/<type>/<id>.yaml` pre-filled; placeholders are left for people to fill."""
    today = day.isoformat()  # the scaffold is text
    if record_id is not None:  # refuse before loading: the unfinished one may not validate yet
        safe_title(record_id, "--id")  # an id is a file name: it may not leave its folder
        existing = config.records_dir / record_type / f"{record_id}.yaml"
        if existing.exists():
            raise CemsError(f"文件已存在 (file exists): {config.rel(existing)}")
    project = load_project(config)
    model = require_model(project)
    schema = project.schemas.record_schema(record_type)
    if schema is None:
        known = "、".join(project.schemas.record_types())
        raise CemsError(f"未知的记录类型 '{record_type}' (unknown record type); 可用：{known}")
    if schema.get("x-format") == "csv":
        from generator.ops.new import new_record

        return new_record(config, record_type, record_id, today)
    data: Data = _Example(model, project.schemas.registry, today).value(schema, schema["$id"], "")
    data["id"] = record_id or _next_id(model, record_type, today)
    data["title"] = PLACEHOLDER
    if record_type == "nonconformities":
        data = _nonconformity(model, data, answers, today)
    elif record_type == "management-reviews":
        data = _management_review(config, model, data, answers, today)
        period = data["pack"].removeprefix("MRI-")
        data["title"] = f"{period} 年度碳排放管理体系管理评审"
        if record_id is None:  # reviews are numbered by the year they review (MR-2025)
            data["id"] = next_record_id(model, record_type, f"{period}-01-01") or data["id"]
    path = config.records_dir / record_type / f"{data['id']}.yaml"
    schema_path = _schema_modeline_path(config, path, f"records/{record_type}.schema.json")
    header = f"# yaml-language-server: $schema={schema_path}\n" if schema_path else ""
    text = header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    return write_checked(config, path, text)
