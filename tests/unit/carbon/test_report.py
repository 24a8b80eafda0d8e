"""The Annex A report: every section, tables A.1-A.3, computed results, deterministic charts."""

from __future__ import annotations

import re
from pathlib import Path

from generator.carbon.report.sections import render_assessment
from generator.content.project import load_project, require_model
from generator.core.config import Config

HEADINGS = [
    "## A.1 碳评估报告编制说明",
    "### A.1.1 评估依据",
    "### A.1.2 评估范围",
    "### A.1.3 评估时间段",
    "### A.1.4 评估组组成",
    "## A.2 碳排放管理状况",
    "### A.2.1 组织机构与职责",
    "### A.2.2 管理制度与执行",
    "## A.3 监测统计状况",
    "## A.4 碳排放源识别",
    "## A.5 活动水平数据及其来源说明",
    "## A.6 排放因子数据及其来源说明",
    "## A.7 碳排放量计算结果",
    "## A.8 碳排放量影响因素识别",
    "## A.9 碳排放基准与先进值",
    "## A.10 碳评估结论",
]


def _sample_model(sample_copy: Path):
    return require_model(load_project(Config.for_root(sample_copy)))


def test_report_has_every_section_and_table(sample_copy: Path) -> None:
    model = _sample_model(sample_copy)
    years = sorted(int(r.data["year"]) for r in model.records_of("emission-sources"))
    report = render_assessment(model, years[-1])
    md = report.markdown
    positions = [md.index(h + "\n") for h in HEADINGS]
    assert positions == sorted(positions)
    assert "| 序号 | 名称 | 规格参数 | 位置 | 投运时间 |" in md
    assert "| 类别 | 内容 | 净消耗量数据来源 | 低位发热值数据来源 |" in md
    assert "| 类别 | 内容 | 单位热值含碳量数据来源 | 碳氧化率数据来源 |" in md
    assert report.title in md.splitlines()[0]
    for s in model.records_of("emission-sources")[-1].data["sources"]:
        assert s["name"] in md
    referenced = set(re.findall(r"\(images/([a-z-]+)\.png\)", md))
    assert referenced == set(report.images)
    for png in report.images.values():
        assert png.startswith(b"\x89PNG\r\n\x1a\n")
        assert b"Software" not in png and b"matplotlib" not in png
    again = render_assessment(model, years[-1])
    assert again.images == report.images and again.markdown == report.markdown


def test_report_numbers_match_the_assessment(carbon_repo) -> None:
    repo = carbon_repo()
    repo.sources(2024, repo.src("S01", "combustion", "natural_gas", "10^4 Nm3"))
    repo.readings(2024, ["2024-01,S01,1,10^4 Nm3"])
    repo.production(2024, ["2024-01,2,t,10"])
    repo.write(
        "records/carbon-assessments/CA-2024.yaml",
        """
        id: CA-2024
        title: 2024 年碳评估
        date: "2025-02-01"
        year: 2024
        team: [{person: lin-hui, role: 组长}]
        basis: [GB/T 32150—2015]
        management_status: 制度健全
        monitoring_status: 计划执行良好
        influencing_factors: [{factor: 产品产量变化, analysis: 产量上升}]
        opportunities: [{measure: 窑炉余热回收, potential_tco2: 12.5}]
        problems: [流量计未做温压补偿]
        """,
    )
    md = render_assessment(repo.model(), 2024).markdown
    assert "21.62" in md and "10.8109 tCO2/t" in md  # 21.6218 / 2 t, 4 places
    assert "| 林慧 | 能源环保部 |" in md
    assert "窑炉余热回收" in md and "12.50" in md
    assert "流量计未做温压补偿" in md
    assert "缺少计量数据" not in md  # only January read: nothing expected after it
