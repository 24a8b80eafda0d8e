"""The 体系运行状态 page and the clause matrix's evidence strength, from findings handed in."""

from __future__ import annotations

from datetime import date

from generator.content.project import load_project, require_model
from generator.core.config import Config
from generator.ops.check import locator, status_report
from generator.render.site.mkdocs import site_templates_dir
from generator.render.site.pages import SiteContext
from generator.render.site.status import status_page
from generator.render.site.text import make_environment
from generator.render.site.trace import clause_matrix_page
from tests.support.fake_history import released_history
from tests.support.paths import SAMPLE


def _ctx(as_of: str) -> SiteContext:
    config = Config.for_root(SAMPLE)
    project = load_project(config)
    model = require_model(project)
    history = released_history(model)
    ctx = SiteContext(model, history, make_environment(site_templates_dir(config)))
    ctx.status, _issues = status_report(model, date.fromisoformat(as_of), None, locator(project))
    return ctx


def test_status_page_groups_findings_by_clause() -> None:
    ctx = _ctx("2036-12-01")
    assert ctx.status is not None
    page = status_page(ctx, ctx.status)
    md = page.markdown
    assert md.startswith("# 体系运行状态")
    assert "## 9.3 合规性评价" in md and "LEGAL-EVAL-OVERDUE" in md
    assert md.index("## 6.3") < md.index("## 9.3") < md.index("## 10 ")
    assert "records/legal-register/2025.yaml:" in md  # file and line
    errors = sum(1 for f in ctx.status.findings if f.severity.value == "error")
    assert f"错误 {errors} 项" in md


def test_clause_matrix_shows_strength_latest_record_and_findings() -> None:
    ctx = _ctx("2026-12-01")
    md = clause_matrix_page(ctx, {}).markdown
    assert "证据强度" in md and "最新记录" in md
    row_93 = next(line for line in md.splitlines() if line.startswith('| <span id="clause-9-3"'))
    assert "已检查" in row_93 and "2025-12-17" in row_93
    row_4 = next(line for line in md.splitlines() if line.startswith('| <span id="clause-4"'))
    assert "仅有文件" in row_4
    row_94 = next(line for line in md.splitlines() if line.startswith('| <span id="clause-9-4"'))
    assert "警告 1" in row_94 and "status.md#status-9-4" in row_94
