"""Register rows (render stage): the title, columns and rows of every register (台账).

One builder per register reads the model and the history; `registers.py` writes what they
return to Word and Excel, so both files always carry the same rows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from generator.content.model import Model, Record
from generator.content.schemas import SchemaSet
from generator.control.types import History, control_status_zh
from generator.render.tables.spec import Register, text


def fields(schemas: SchemaSet | None, record_type: str, *path: str) -> dict[str, Any]:
    """The property schemas of a record type's data at `path` (a list steps into its items),
    where the Chinese words of its enum codes live; empty without schemas."""
    schema = schemas.record_schema(record_type) if schemas is not None else None
    if schemas is None or schema is None:
        return {}
    node: Any = schemas.inlined(schema)
    for key in path:
        node = (node.get("properties") or {}).get(key) or {}
        if node.get("type") == "array":
            node = node.get("items") or {}
    props = node.get("properties") if isinstance(node, dict) else None
    return props if isinstance(props, dict) else {}


def _cell(data: dict[str, Any], props: dict[str, Any], key: str) -> str:
    """One field of a record (or list item) as register text, codes read through its schema."""
    return text(data.get(key), props.get(key))


def documents_register(model: Model, history: History, schemas: SchemaSet | None) -> Register:
    rows = []
    for d in model.documents:
        control = history.control(d.id)
        status = control_status_zh(control, d.status)
        rows.append(
            (
                d.id,
                d.title,
                d.kind_zh,
                control.revision_label,
                control.effective_date,
                status,
                model.department_name(d.owner),
                "、".join(model.department_name(x) for x in d.distribution),
            )
        )
    cols = (
        ("文件编号", 2.8),
        ("文件名称", 6.0),
        ("类别", 2.4),
        ("版本/修改状态", 2.4),
        ("生效日期", 2.4),
        ("状态", 2.2),
        ("归口部门", 2.6),
        ("发放范围", 6.0),
    )
    return Register("受控文件清单", "受控文件清单", cols, tuple(rows), key="master-list")


def _each(model: Model, record_type: str, key: str) -> list[tuple[Record, dict[str, Any]]]:
    return [(r, item) for r in model.records_of(record_type) for item in r.data.get(key) or []]


def sources_register(model: Model, history: History, schemas: SchemaSet | None) -> Register:
    top, props = fields(schemas, "emission-sources"), fields(schemas, "emission-sources", "sources")
    rows = [
        (
            _cell(r.data, top, "year"),
            s.get("id", ""),
            s.get("name", ""),
            _cell(s, props, "spec"),
            _cell(s, props, "location"),
            _cell(s, props, "category"),
            _cell(s, props, "fuel"),
            _cell(s, props, "boundary"),
            _cell(s, props, "status"),
            _cell(s, props, "meter"),
            model.department_name(s.get("department", "")),
        )
        for r, s in _each(model, "emission-sources", "sources")
    ]
    cols = (
        ("年度", 1.4),
        ("编号", 1.8),
        ("名称", 3.4),
        ("规格参数", 3.0),
        ("位置", 2.4),
        ("排放类别", 2.2),
        ("燃料或物料", 2.2),
        ("边界", 1.6),
        ("状态", 1.4),
        ("计量器具", 2.0),
        ("部门", 2.2),
    )
    return Register("碳排放源清单", "碳排放源清单", cols, tuple(rows), key="emission-sources")


def legal_register(model: Model, history: History, schemas: SchemaSet | None) -> Register:
    props = fields(schemas, "legal-register", "requirements")
    checks = fields(schemas, "legal-register", "requirements", "evaluations")
    rows = []
    for _r, q in _each(model, "legal-register", "requirements"):
        evaluations = sorted(q.get("evaluations") or [], key=lambda e: str(e.get("date", "")))
        last = evaluations[-1] if evaluations else {}
        rows.append(
            (
                q.get("id", ""),
                q.get("name", ""),
                _cell(q, props, "issuer"),
                _cell(q, props, "category"),
                _cell(q, props, "effective"),
                _cell(q, props, "requirement"),
                model.department_name(q.get("department", "")),
                _cell(last, checks, "date"),
                model.person_name(last.get("evaluator", "")),
                _cell(last, checks, "compliant") if last else "未评价",
                _cell(last, checks, "result"),
            )
        )
    cols = (
        ("编号", 1.8),
        ("名称", 4.0),
        ("发布机构", 2.2),
        ("类别", 1.4),
        ("实施日期", 2.0),
        ("要求摘要", 4.6),
        ("部门", 2.0),
        ("评价日期", 2.0),
        ("评价人", 1.5),
        ("符合", 1.2),
        ("评价结果", 3.0),
    )
    return Register(
        "法律法规清单与合规性评价",
        "法律法规、标准及其他要求清单与合规性评价",
        cols,
        tuple(rows),
        key="legal-register",
    )


def objectives_register(model: Model, history: History, schemas: SchemaSet | None) -> Register:
    props = fields(schemas, "objectives", "objectives")
    targets = fields(schemas, "objectives", "objectives", "targets")
    rows = []
    for _r, o in _each(model, "objectives", "objectives"):
        rows.append(
            (
                o.get("id", ""),
                o.get("title", ""),
                _cell(o, props, "kind"),
                _cell(o, props, "baseline_value"),
                _cell(o, props, "target_value"),
                _cell(o, props, "unit"),
                _cell(o, props, "target_year"),
                model.department_name(o.get("owner", "")),
            )
        )
        for t in o.get("targets") or []:
            rows.append(
                (
                    t.get("id", ""),
                    f"　指标：{t.get('description', '')}",
                    "指标",
                    "",
                    _cell(t, targets, "value"),
                    _cell(t, targets, "unit"),
                    _cell(t, targets, "due"),
                    model.department_name(t.get("owner", "")),
                )
            )
    cols = (
        ("编号", 2.2),
        ("目标/指标", 7.0),
        ("类别", 1.6),
        ("基准值", 1.8),
        ("目标值", 1.8),
        ("单位", 2.0),
        ("目标年度/期限", 2.4),
        ("部门", 2.4),
    )
    return Register("目标和指标", "碳排放管理目标和指标", cols, tuple(rows), key="objectives")


def calibration_register(model: Model, history: History, schemas: SchemaSet | None) -> Register:
    props = fields(schemas, "calibration", "instruments")
    rows = [
        (
            i.get("id", ""),
            i.get("name", ""),
            _cell(i, props, "location"),
            _cell(i, props, "source"),
            _cell(i, props, "accuracy_class"),
            _cell(i, props, "agency"),
            _cell(i, props, "calibrated"),
            _cell(i, props, "due"),
            _cell(i, props, "result"),
            _cell(i, props, "certificate"),
        )
        for _r, i in _each(model, "calibration", "instruments")
    ]
    cols = (
        ("器具编号", 2.0),
        ("名称", 3.2),
        ("位置", 2.4),
        ("排放源", 1.6),
        ("准确度", 1.6),
        ("检定/校准机构", 3.2),
        ("检定日期", 2.0),
        ("下次检定", 2.0),
        ("结论", 1.4),
        ("证书编号", 2.6),
    )
    return Register(
        "计量器具检定校准台账", "监测计量装置检验校准台账", cols, tuple(rows), key="calibration"
    )


def training_register(model: Model, history: History, schemas: SchemaSet | None) -> Register:
    top, props = fields(schemas, "training"), fields(schemas, "training", "sessions")
    rows = [
        (
            _cell(r.data, top, "year"),
            _cell(r.data, top, "kind"),
            s.get("topic", ""),
            text(s.get("date") or s.get("month")),
            _cell(s, props, "trainer"),
            model.department_name(s.get("department", "")),
            "、".join(model.person_name(a) for a in s.get("attendees") or []),
            _cell(s, props, "hours"),
            _cell(s, props, "evaluation"),
        )
        for r, s in _each(model, "training", "sessions")
    ]
    cols = (
        ("年度", 1.4),
        ("类型", 1.4),
        ("培训内容", 4.6),
        ("日期", 2.0),
        ("讲师", 1.8),
        ("部门", 2.2),
        ("参加人员", 4.4),
        ("学时", 1.2),
        ("效果评价", 3.6),
    )
    return Register("培训台账", "培训计划与培训记录台账", cols, tuple(rows), key="training")


def audits_register(model: Model, history: History, schemas: SchemaSet | None) -> Register:
    plans = fields(schemas, "internal-audits", "plan")
    findings_props = fields(schemas, "internal-audits", "report", "findings")
    rows = []
    for r in model.records_of("internal-audits"):
        plan, report = r.data.get("plan") or {}, r.data.get("report") or {}
        findings = report.get("findings") or [{}]
        for f in findings:
            rows.append(
                (
                    r.id,
                    text(report.get("date") or r.date),
                    model.person_name(plan.get("leader", "")),
                    _cell(plan, plans, "scope"),
                    _cell(f, findings_props, "id"),
                    _cell(f, findings_props, "clause"),
                    model.department_name(f.get("department", "")),
                    _cell(f, findings_props, "type"),
                    _cell(f, findings_props, "description"),
                    _cell(f, findings_props, "capa"),
                )
            )
    cols = (
        ("审核编号", 2.4),
        ("报告日期", 2.0),
        ("审核组长", 1.6),
        ("审核范围", 3.6),
        ("发现编号", 2.0),
        ("条款", 1.2),
        ("部门", 2.0),
        ("类型", 2.0),
        ("说明", 5.0),
        ("纠正措施", 2.2),
    )
    return Register(
        "内部审核台账", "内部审核及审核发现台账", cols, tuple(rows), key="internal-audits"
    )


def capa_register(model: Model, history: History, schemas: SchemaSet | None) -> Register:
    props = fields(schemas, "nonconformities")
    rows = [
        (
            r.id,
            r.date,
            _cell(r.data, props, "origin"),
            _cell(r.data, props, "clause"),
            model.department_name(r.data.get("department", "")),
            _cell(r.data, props, "type"),
            _cell(r.data, props, "description"),
            _cell(r.data, props, "action"),
            model.person_name(r.data.get("owner", "")),
            _cell(r.data, props, "due"),
            _cell(r.data, props, "status"),
            _cell(r.data, props, "closed"),
        )
        for r in model.records_of("nonconformities")
    ]
    cols = (
        ("编号", 2.2),
        ("日期", 2.0),
        ("来源", 1.8),
        ("条款", 1.2),
        ("部门", 1.8),
        ("类型", 1.4),
        ("不符合描述", 4.4),
        ("纠正/预防措施", 4.4),
        ("责任人", 1.4),
        ("期限", 2.0),
        ("状态", 1.4),
        ("关闭日期", 2.0),
    )
    return Register(
        "不符合和纠正措施台账",
        "不符合、纠正和纠正预防措施台账",
        cols,
        tuple(rows),
        key="nonconformities",
    )


def reviews_register(model: Model, history: History, schemas: SchemaSet | None) -> Register:
    rows = [
        (
            r.id,
            r.date,
            model.person_name(r.data.get("chair", "")),
            str(len(r.data.get("attendees") or [])),
            text((r.data.get("outputs") or {}).get("evaluation")),
            "；".join(
                f"{a.get('action', '')}（{model.person_name(a.get('owner', ''))}，"
                f"{a.get('due', '')}）"
                for a in r.data.get("actions") or []
            ),
        )
        for r in model.records_of("management-reviews")
    ]
    cols = (
        ("编号", 2.4),
        ("日期", 2.0),
        ("主持人", 1.6),
        ("参加人数", 1.6),
        ("总体评价", 8.0),
        ("后续措施", 9.0),
    )
    return Register("管理评审台账", "管理评审台账", cols, tuple(rows), key="management-reviews")


def issues_register(model: Model, history: History, schemas: SchemaSet | None) -> Register:
    rows = []
    for doc_id in sorted(history.documents):
        document = model.document(doc_id)
        title = document.title if document else history.archived.get(doc_id, ("", ""))[0]
        for c in history.control(doc_id).copies:
            rows.append(
                (
                    c.distribution_number,
                    doc_id,
                    title,
                    c.revision,
                    model.department_name(c.department),
                    c.issued,
                    c.recalled_by or "—",
                )
            )
    cols = (
        ("分发号", 3.0),
        ("文件编号", 2.6),
        ("文件名称", 5.6),
        ("版本", 1.6),
        ("部门", 2.6),
        ("发放（发布）", 3.0),
        ("回收（被替代于）", 3.0),
    )
    return Register(
        "文件发放回收登记表", "文件发放回收登记表", cols, tuple(rows), key="document-issue"
    )


BUILDERS: tuple[Callable[[Model, History, SchemaSet | None], Register], ...] = (
    documents_register,
    sources_register,
    legal_register,
    objectives_register,
    calibration_register,
    training_register,
    audits_register,
    capa_register,
    reviews_register,
    issues_register,
)


def build_registers(
    model: Model, history: History, schemas: SchemaSet | None = None
) -> list[Register]:
    """Every dedicated register. `schemas` give the enum codes their Chinese words; without
    them codes stay as written."""
    return [build(model, history, schemas) for build in BUILDERS]
