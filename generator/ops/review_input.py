"""`cems review-input`: the management review input pack, prefilled from the records for every
input of clause 10 a), with improvement suggestions taken from the findings of `cems check`."""

from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

from generator.carbon.calc.analysis import Assessment, assess
from generator.carbon.calc.inventory import inventory_years
from generator.content.model import Model, Record
from generator.content.project import load_project, require_model
from generator.control.review_dates import apply_reviews
from generator.control.revisions import read_history
from generator.control.types import History
from generator.core.config import Config
from generator.core.dates import iso_day
from generator.core.findings import PackSection, ReviewPack, StatusReport
from generator.core.issues import CemsError
from generator.ops.check import status_report
from generator.ops.rules.base import Context, day, load_catalogue
from generator.ops.rules.review import action_state
from generator.render.word.review_pack import render_review_pack


def _in_period(record: Record, year: int) -> bool:
    stated = record.data.get("year")
    return int(stated) == year if stated is not None else record.sort_date.year == year


def _fmt(value: Decimal | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def _previous_actions(model: Model, as_of: date, catalogue: dict[str, object]) -> PackSection:
    reviews = sorted(
        (r for r in model.records_of("management-reviews") if (r.date or as_of) <= as_of),
        key=lambda r: r.sort_date,
    )
    lines, sources = [], []
    if reviews:
        last = reviews[-1]
        ctx = Context(model, as_of, catalogue)
        sources.append(last.id)
        for action in last.data.get("actions") or []:
            state = action_state(ctx, action, [])
            status = "已关闭" if not state else f"未关闭：{state}"
            owner = model.person_name(str(action["owner"]))
            lines.append(f"{last.id}：{action['action']}（{owner}，{action['due']} 前）— {status}")
    return PackSection("previous_actions", "以往管理评审的后续措施", tuple(lines), tuple(sources))


def _policy(model: Model) -> PackSection:
    policy = model.organisation.policy
    lines = [f"方针：{policy.get('statement', '')}（{policy.get('issued', '')} 发布）"]
    lines += [f"承诺：{c}" for c in policy.get("commitments") or []]
    return PackSection("policy", "碳排放方针的评审", tuple(lines), ("content/organisation.yaml",))


def _performance(assessment: Assessment | None, year: int) -> PackSection:
    if assessment is None:
        return PackSection("performance", "碳排放管理绩效的评审", (f"{year} 年排放量无法核算。",))
    inv = assessment.inventory
    lines = [
        f"{year} 年排放总量 {_fmt(inv.total_tco2)} tCO2，排放强度 {_fmt(inv.intensity, 3)} {inv.intensity_unit}。"
    ]
    lines += [
        f"{p.year} 年：{_fmt(p.total_tco2)} tCO2，强度 {_fmt(p.intensity, 3)}"
        for p in assessment.history
        if p.year != year
    ]
    baseline = assessment.baseline
    if baseline is not None:
        lines.append(
            f"与基准 {baseline.record_id} 相比：总量变化 {_fmt(baseline.change_total_percent)}%，"
            f"强度变化 {_fmt(baseline.change_intensity_percent)}%。"
        )
    lines.append(
        f"超过阈值的异常波动 {len(assessment.anomalies)} 项，缺失月份 {len(assessment.missing_months)} 项。"
    )
    return PackSection("performance", "碳排放管理绩效的评审", tuple(lines), (inv.record.id,))


def _objectives(assessment: Assessment | None) -> PackSection:
    lines = []
    for o in assessment.objectives if assessment else ():
        state = {True: "已实现", False: "未实现", None: "进行中"}[o.achieved]
        digits = 3 if "/" in o.unit else 0
        progress = (
            f"，完成计划降幅的 {_fmt(o.progress_percent, 0)}%"
            if o.progress_percent is not None
            else ""
        )
        lines.append(
            f"{o.id} {o.title}：目标 {_fmt(o.target_value, digits)} {o.unit}（{o.target_year} 年），"
            f"实际 {_fmt(o.actual, digits)}{progress} — {state}"
        )
    return PackSection("objectives", "碳排放管理目标和指标的实现程度", tuple(lines))


def _compliance(model: Model, year: int) -> PackSection:
    lines, sources = [], []
    for record in model.records_of("legal-register"):
        if record.sort_date.year != year:
            continue
        sources.append(record.id)
        results: Counter[str] = Counter()
        for req in record.data.get("requirements") or []:
            evaluations = [
                e for e in req.get("evaluations") or [] if str(e["date"])[:4] == str(year)
            ]
            for e in evaluations:
                results["compliant" if e["compliant"] else "non"] += 1
                if not e["compliant"]:
                    lines.append(
                        f"不符合：{req['id']} {req['name']} — {e['result']}（{e.get('capa', '无关联记录')}）"
                    )
            if str(req.get("effective", ""))[:4] in (str(year), str(year + 1)):
                lines.append(
                    f"新增或变化的要求：{req['id']} {req['name']}（{req['effective']} 施行）"
                )
            if req.get("superseded_by"):
                lines.append(f"{req['id']} {req['name']} 已被 {req['superseded_by']} 替代")
        lines.insert(
            0,
            f"{record.id}：评价 {sum(results.values())} 项，符合 {results['compliant']} 项，不符合 {results['non']} 项。",
        )
    return PackSection(
        "compliance", "合规性评价的结果以及应遵守要求的变化", tuple(lines), tuple(sources)
    )


def _communications(model: Model, year: int) -> PackSection:
    records = [
        r
        for r in model.records_of("communications")
        if _in_period(r, year) or r.sort_date.year == year
    ]
    lines = [
        f"{iso_day(r.date)} {r.title}（{r.data['party']}）"
        for r in sorted(records, key=lambda r: r.sort_date)
    ]
    return PackSection(
        "communication", "碳排放信息交流情况", tuple(lines), tuple(r.id for r in records)
    )


def _audits(model: Model, year: int) -> PackSection:
    lines, sources = [], []
    for record in model.records_of("internal-audits"):
        if record.sort_date.year != year:
            continue
        sources.append(record.id)
        report = record.data.get("report") or {}
        findings = report.get("findings") or []
        kinds = Counter(f["type"] for f in findings)
        lines.append(
            f"{record.id}：严重不符合 {kinds['major']} 项，一般不符合 {kinds['minor']} 项，观察项 {kinds['observation']} 项。"
        )
        lines += [f"{f['id']}（{f['clause']}）：{f['description'].strip()[:80]}" for f in findings]
        if report.get("conclusion"):
            lines.append(f"结论：{report['conclusion']}")
    return PackSection("audits", "碳排放管理体系的审核结果", tuple(lines), tuple(sources))


def _capa(model: Model, as_of: date) -> PackSection:
    lines = []
    records = sorted(model.records_of("nonconformities"), key=lambda r: r.id)
    for r in records:
        status = r.data["status"]
        due = day(r.data.get("due"))
        if status == "closed":
            text = f"已关闭（{r.data.get('closed', '')}），有效性：{r.data.get('effectiveness', '未评审')}"
        elif due is not None and due < as_of:
            text = f"未关闭，已逾期（应在 {due} 前完成）"
        else:
            text = f"进行中，{r.data.get('due')} 前完成"
        lines.append(f"{r.id} {r.title}：{text}")
    return PackSection(
        "capa", "纠正措施和预防措施的实施情况", tuple(lines), tuple(r.id for r in records)
    )


def _planning(model: Model, year: int) -> PackSection:
    lines = []
    plans = [
        r
        for r in model.records_of("implementation-plans")
        if r.data["status"] in ("planned", "in_progress")
    ]
    for r in sorted(plans, key=lambda r: r.id):
        open_steps = [s for s in r.data.get("schedule") or [] if not s.get("done")]
        nxt = (
            f"；下一里程碑：{open_steps[0]['milestone']}（{open_steps[0]['due']}）"
            if open_steps
            else ""
        )
        lines.append(f"{r.id} {r.title}：预期减排 {r.data['expected_reduction_tco2']} tCO2{nxt}")
    for record in model.records_of("objectives"):
        if int(record.data["period"]["end"]) > year:
            lines += [
                f"{o['id']} {o['title']}（{o['target_year']} 年）"
                for o in record.data["objectives"]
                if int(o["target_year"]) > year
            ]
    return PackSection(
        "planning", "对下一阶段碳排放管理绩效的规划", tuple(lines), tuple(r.id for r in plans)
    )


def _suggestions(status: StatusReport) -> PackSection:
    lines = []
    by_rule = Counter(f.rule for f in status.findings)
    for rule_id, count in sorted(by_rule.items()):
        first = next(f for f in status.findings if f.rule == rule_id)
        title = status.rule_titles.get(rule_id, rule_id)
        lines.append(f"{first.clause} {title}（{count} 项，cems check {rule_id}）：{first.message}")
    return PackSection("suggestions", "改进建议（来自 cems check 的发现）", tuple(lines))


def build_review_pack(model: Model, year: int, as_of: date, status: StatusReport) -> ReviewPack:
    """The input pack for the management review of `year`, with data up to `as_of`."""
    catalogue, _issues = load_catalogue(model.organisation.data.get("checks") or {})
    # the engine sees every record (factors of a year are often recorded after it ends)
    try:
        assessment: Assessment | None = assess(model, year)
    except CemsError:
        assessment = None
    # what was on record at `as_of` (a CSV table is dated by its last month)
    model = dataclasses.replace(
        model, records=tuple(r for r in model.records if not r.date or r.date <= as_of)
    )
    sections = (
        _previous_actions(model, as_of, catalogue),
        _policy(model),
        _performance(assessment, year),
        _compliance(model, year),
        _objectives(assessment),
        _communications(model, year),
        _audits(model, year),
        _capa(model, as_of),
        _planning(model, year),
        _suggestions(status),
    )
    org = model.organisation
    return ReviewPack(
        f"MRI-{year}",
        str(year),
        f"{year} 年度管理评审输入材料",
        as_of.isoformat(),
        org.name,
        sections,
    )


def review_pack_at(config: Config, year: int, as_of: date) -> tuple[Model, History, ReviewPack]:
    """Load the repository and build the pack of `year` as of `as_of`."""
    project = load_project(config)
    model = require_model(project)
    history, _issues = read_history(config, model)
    history = apply_reviews(history, model, as_of)
    status, _rule_issues = status_report(model, as_of, history)
    return model, history, build_review_pack(model, year, as_of, status)


def write_review_input(config: Config, year: int, as_of: date) -> tuple[ReviewPack, list[Path]]:
    """Write the pack as Markdown and as a Word copy under `config.out_dir`/review and /word."""
    model, history, pack = review_pack_at(config, year, as_of)
    out = config.out_dir
    markdown = out / "review" / f"{pack.id}.md"
    markdown.parent.mkdir(parents=True, exist_ok=True)
    markdown.write_text(pack.to_markdown(), encoding="utf-8")
    word = render_review_pack(model, history, config, pack, out)
    return pack, [markdown, out / word.path]


def default_period(model: Model, as_of: date) -> int:
    """The year a review held now would look back on: the latest inventory year before as_of."""
    years = [y for y in inventory_years(model) if y < as_of.year] or inventory_years(model)
    return years[-1] if years else as_of.year - 1
