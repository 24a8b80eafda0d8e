"""The compliance cycle through `cems check` and `cems validate` on a copy of the sample:
offset limits, deadlines, verification differences and evidence attachments."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

LEDGER = "records/allowance-ledger/2025.yaml"
VERIFICATION = "records/verifications/2025.yaml"
EVIDENCE = "records/verifications/evidence/VER-2025-report.pdf"


def _edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _check(run_cli, root: Path, today: str) -> tuple[int, list[dict[str, Any]]]:
    code, out, _err = run_cli("check", "--root", str(root), "--today", today, "--format", "json")
    findings = json.loads(out)["findings"]
    return code, [{**f, "code": f["rule"]} for f in findings]


def test_sample_cycle_is_clean_after_surrender(sample_copy: Path, run_cli) -> None:
    code, issues = _check(run_cli, sample_copy, "2026-10-05")
    assert code == 0
    assert not [i for i in issues if i["code"].startswith(("LEDGER", "CALENDAR", "VERIFICATION"))]


def test_deadline_ahead_is_a_warning(sample_copy: Path, run_cli) -> None:
    code, issues = _check(run_cli, sample_copy, "2026-09-01")
    due = [i for i in issues if i["code"] == "CALENDAR-DUE"]
    assert code == 0
    assert [(i["file"], i["field"]) for i in due] == [(LEDGER, "surrender")]
    assert "29 天" in due[0]["message"] and "2026-09-30" in due[0]["message"]


def test_offsets_over_the_limit_are_an_error(sample_copy: Path, run_cli) -> None:
    # 5 % of 56300 = 2815 t; 3000 t of CCER from outside Beijing exceeds both limits
    _edit(sample_copy, LEDGER, "  - {date: \"2026-09-15\", kind: surrender, instrument: allowance, quantity_t: 55314}",
          "  - {date: \"2026-08-01\", kind: buy, instrument: ccer, quantity_t: 3000, price_yuan: 60, origin: outside}\n"
          "  - {date: \"2026-09-15\", kind: surrender, instrument: ccer, quantity_t: 3000, origin: outside}\n"
          "  - {date: \"2026-09-15\", kind: surrender, instrument: allowance, quantity_t: 52314}")  # fmt: skip
    code, issues = _check(run_cli, sample_copy, "2026-10-05")
    assert code == 1
    found = {i["code"]: i for i in issues if i["file"] == LEDGER}
    assert "3,000 t" in found["LEDGER-OFFSET-LIMIT"]["message"]
    assert "2,815 t" in found["LEDGER-OFFSET-LIMIT"]["message"]
    assert "1,407.5 t" in found["LEDGER-OFFSET-OUTSIDE"]["message"]
    assert found["LEDGER-OFFSET-LIMIT"]["line"]  # located in the ledger file
    assert found["LEDGER-OFFSET-LIMIT"]["severity"] == "error"


def test_missed_deadlines_are_errors(sample_copy: Path, run_cli) -> None:
    _edit(sample_copy, VERIFICATION, 'report_submitted: "2026-03-27"\n', "")
    _edit(sample_copy, LEDGER, "  - {date: \"2026-09-15\", kind: surrender, instrument: allowance, quantity_t: 55314}\n", "")  # fmt: skip
    _edit(sample_copy, LEDGER, "quantity_t: 547,", "quantity_t: 0,")
    code, issues = _check(run_cli, sample_copy, "2026-10-05")
    assert code == 1
    overdue = {(i["file"], i["field"]) for i in issues if i["code"] == "CALENDAR-OVERDUE"}
    assert overdue == {(VERIFICATION, "report-filing"), (LEDGER, "surrender")}
    # holding 55861 t against 55314 owed: no shortfall, but nothing surrendered by the deadline
    assert not [i for i in issues if i["code"] == "LEDGER-SHORTFALL"]


def test_late_surrender_is_a_warning(sample_copy: Path, run_cli) -> None:
    _edit(
        sample_copy,
        LEDGER,
        'date: "2026-09-15", kind: surrender',
        'date: "2026-10-08", kind: surrender',
    )
    code, issues = _check(run_cli, sample_copy, "2026-10-20")
    late = [i for i in issues if i["code"] == "CALENDAR-LATE"]
    assert code == 0 and len(late) == 1 and "2026-10-08" in late[0]["message"]


def test_verified_figure_differing_from_the_engine_asks_for_an_explanation(
    sample_copy: Path, run_cli
) -> None:
    _edit(
        sample_copy,
        VERIFICATION,
        "{source: S03, verified_tco2: 12074.2}",
        "{source: S03, verified_tco2: 12500}",
    )
    _code, issues = _check(run_cli, sample_copy, "2026-10-05")
    found = [i for i in issues if i["code"] == "VERIFICATION-DIFFERENCE"]
    assert [(i["file"], i["field"]) for i in found] == [(VERIFICATION, "sources/2/explanation")]
    assert "S03" in found[0]["message"] and "3.5%" in found[0]["message"]  # 425.8 / 12074.2
    _edit(sample_copy, VERIFICATION, "{source: S03, verified_tco2: 12500}",
          "{source: S03, verified_tco2: 12500, explanation: 核查机构按贸易结算表调整了 1# 窑 11 月读数}")  # fmt: skip
    _code, issues = _check(run_cli, sample_copy, "2026-10-05")
    assert not [i for i in issues if i["code"] == "VERIFICATION-DIFFERENCE"]
    code, out, _err = run_cli(
        "ledger", "--root", str(sample_copy), "--year", "2025", "--format", "json"
    )
    rows = {r["source"]: r for r in json.loads(out)["verification"]["sources"]}
    assert (
        code == 0 and rows["S03"]["beyond_tolerance"] and rows["S01"]["beyond_tolerance"] is False
    )


def _validate(run_cli, root: Path) -> tuple[int, str]:
    code, out, err = run_cli("validate", "--root", str(root))
    return code, out + err


def test_attachment_changed_after_recording(sample_copy: Path, run_cli) -> None:
    assert _validate(run_cli, sample_copy)[0] == 0
    with (sample_copy / EVIDENCE).open("ab") as handle:
        handle.write(b"%% edited\n")
    code, text = _validate(run_cli, sample_copy)
    assert code == 1 and "ATTACHMENT-HASH" in text and f"{VERIFICATION}:" in text


def test_attachment_missing_or_outside_the_repository(
    sample_copy: Path, run_cli, tmp_path: Path
) -> None:
    (sample_copy / EVIDENCE).unlink()
    code, text = _validate(run_cli, sample_copy)
    assert code == 1 and "ATTACHMENT-MISSING" in text
    _edit(sample_copy, VERIFICATION, EVIDENCE, "../outside.pdf")
    code, text = _validate(run_cli, sample_copy)
    assert code == 1 and "ATTACHMENT-OUTSIDE" in text


@pytest.mark.skipif(os.name == "nt", reason="symlinks need privileges on Windows")
def test_attachment_symlink_leaving_the_repository(
    sample_copy: Path, run_cli, tmp_path: Path
) -> None:
    outside = tmp_path / "elsewhere.pdf"
    outside.write_bytes((sample_copy / EVIDENCE).read_bytes())
    (sample_copy / EVIDENCE).unlink()
    (sample_copy / EVIDENCE).symlink_to(outside)
    code, text = _validate(run_cli, sample_copy)
    assert code == 1 and "ATTACHMENT-OUTSIDE" in text


def test_git_lfs_pointer_is_checked_by_its_oid(sample_copy: Path, run_cli) -> None:
    import hashlib

    data = (sample_copy / EVIDENCE).read_bytes()
    oid = hashlib.sha256(data).hexdigest()
    pointer = f"version https://git-lfs.github.com/spec/v1\noid sha256:{oid}\nsize {len(data)}\n"
    (sample_copy / EVIDENCE).write_text(pointer, encoding="utf-8")
    assert _validate(run_cli, sample_copy)[0] == 0
    (sample_copy / EVIDENCE).write_text(pointer.replace(oid[:4], "0000"), encoding="utf-8")
    code, text = _validate(run_cli, sample_copy)
    assert code == 1 and "Git LFS" in text


def test_compliance_record_disagreeing_with_the_ledger(sample_copy: Path, run_cli) -> None:
    _edit(
        sample_copy,
        "records/allowance-compliance/2025.yaml",
        "surrendered_t: 55314",
        "surrendered_t: 55300",
    )
    _code, issues = _check(run_cli, sample_copy, "2026-10-05")
    found = [i for i in issues if i["code"] == "LEDGER-COMPLIANCE-MISMATCH"]
    assert [(i["file"], i["field"]) for i in found] == [
        ("records/allowance-compliance/2025.yaml", "surrendered_t")
    ]
