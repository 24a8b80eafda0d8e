"""`cems check` on the sample organisation, as a quality manager runs it."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(scope="module")
def org(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.conftest import copy_sample

    return copy_sample(tmp_path_factory.mktemp("check") / "org")


def _json(run_cli, root: Path, *args: str) -> tuple[int, dict[str, Any]]:
    code, out, _err = run_cli("check", "--root", str(root), "--format", "json", *args)
    return code, json.loads(out)


def test_sample_runs_with_no_errors_and_a_handful_of_warnings(org: Path, run_cli) -> None:
    code, data = _json(run_cli, org, "--as-of", "2026-12-01")
    assert code == 0 and data["as_of"] == "2026-12-01"
    severities = [f["severity"] for f in data["findings"]]
    assert "error" not in severities and 2 <= severities.count("warning") <= 10
    first = data["findings"][0]
    assert set(first) == {"rule", "severity", "clause", "file", "line", "message"}
    assert all(f["file"] and f["clause"] for f in data["findings"])
    assert any(f["line"] for f in data["findings"])
    # warnings fail only when asked to
    assert _json(run_cli, org, "--as-of", "2026-12-01", "--fail-on", "warning")[0] == 1


def test_ten_years_on_the_system_has_stopped_running(org: Path, run_cli) -> None:
    code, data = _json(run_cli, org, "--today", "2036-12-01")  # --today is an alias
    assert code == 1
    rules = {f["rule"] for f in data["findings"] if f["severity"] == "error"}
    assert {"LEGAL-EVAL-OVERDUE", "ASSESS-YEAR-MISSING", "PLAN-RESULT-MISSING"} <= rules
    assert len({f["rule"] for f in data["findings"]}) >= 5


def test_reference_date_defaults_to_today(org: Path, run_cli) -> None:
    _code, data = _json(run_cli, org)
    assert data["as_of"] == date.today().isoformat()


def test_text_output_names_rule_clause_file_and_line(org: Path, run_cli) -> None:
    code, out, _err = run_cli("check", "--root", str(org), "--as-of", "2026-12-01")
    assert code == 0
    assert "records/calibration/2026.yaml:13: warning CAL-DUE-SOON [9.2]:" in out
    assert "参照日期 2026-12-01：错误 0 项" in out


def test_an_expired_meter_feeding_readings_is_an_error(tmp_path: Path, run_cli) -> None:
    from tests.conftest import copy_sample

    root = copy_sample(tmp_path / "org")
    path = root / "records" / "calibration" / "2025.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        "    previous:\n"
        '      - {calibrated: "2023-09-18", due: "2025-09-17", result: pass, certificate: JD-2023-FL-07702}\n',
        "",
    )
    path.write_text(text, encoding="utf-8")
    code, data = _json(run_cli, root, "--as-of", "2026-12-01")
    assert code == 1
    found = [f for f in data["findings"] if f["rule"] == "CAL-READING-UNCALIBRATED"]
    k2_2025 = [f for f in found if "FT-NG-K2" in f["message"] and "2025-09" in f["message"]]
    assert k2_2025 and k2_2025[0]["file"] == "records/meter-readings/2025.csv"
    assert k2_2025[0]["line"] == 5  # the first reading from that meter


def test_organisation_overrides_are_validated(tmp_path: Path, run_cli) -> None:
    from tests.conftest import copy_sample

    root = copy_sample(tmp_path / "org")
    path = root / "content" / "organisation.yaml"
    path.write_text(
        path.read_text(encoding="utf-8") + "checks:\n  CAL-DUE-SOON: {severity: never}\n",
        encoding="utf-8",
    )
    code, out, _err = run_cli("check", "--root", str(root), "--as-of", "2026-12-01")
    assert code == 1 and "checks" in out
