"""`cems review-input`: the management review input pack, prefilled for every input of 10 a)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import yaml

from generator.core.resources import data_path


def test_pack_has_every_input_of_10a_prefilled_from_records(
    sample_copy: Path, tmp_path: Path, run_cli
) -> None:
    out = tmp_path / "out"
    code, text, _err = run_cli(
        "review-input",
        "--root",
        str(sample_copy),
        "--period",
        "2025",
        "--as-of",
        "2026-01-10",
        "--out",
        str(out),
        "--format",
        "json",
    )
    assert code == 0
    pack = json.loads(text)
    wanted = yaml.safe_load(data_path("check-rules.yaml").read_text(encoding="utf-8"))[
        "review_inputs"
    ]
    assert [s["key"] for s in pack["sections"]] == list(wanted)
    sections = {s["key"]: s for s in pack["sections"]}
    assert pack["id"] == "MRI-2025" and pack["as_of"] == "2026-01-10"
    # previous review's actions with their status, computed from the records
    assert any(
        "MR-2024" in line and "已关闭" in line for line in sections["previous_actions"]["lines"]
    )
    # performance and objectives computed by the engine, not copied from free text
    assert any("55,313.1 tCO2" in line for line in sections["performance"]["lines"])
    assert any("O-2025-01" in line and "已实现" in line for line in sections["objectives"]["lines"])
    # records dated after the reference date are not in the pack
    assert all("2026-03-27" not in line for line in sections["communication"]["lines"])
    assert any("CAPA-2025-02" in line for line in sections["capa"]["lines"])
    markdown, word = (Path(f) if Path(f).is_absolute() else sample_copy / f for f in pack["files"])
    assert "## 10 改进建议" in markdown.read_text(encoding="utf-8")
    with zipfile.ZipFile(word) as docx:
        body = docx.read("word/document.xml").decode("utf-8")
    assert "管理评审输入材料" in body and "以往管理评审的后续措施" in body


def test_suggestions_come_from_the_findings(sample_copy: Path, tmp_path: Path, run_cli) -> None:
    code, text, _err = run_cli(
        "review-input",
        "--root",
        str(sample_copy),
        "--period",
        "2025",
        "--as-of",
        "2026-12-01",
        "--out",
        str(tmp_path / "out"),
        "--format",
        "json",
    )
    assert code == 0
    suggestions = json.loads(text)["sections"][-1]["lines"]
    assert any("AUDIT-OVERDUE" in line for line in suggestions)
