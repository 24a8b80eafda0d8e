"""`cems new` scaffolds files that validate at once, for every kind and record type."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.content.model import DOCUMENT_KINDS
from tests.support.paths import RESOURCES

RECORD_TYPES = sorted(
    p.name.removesuffix(".schema.json") for p in (RESOURCES / "schemas" / "records").iterdir()
)


@pytest.mark.parametrize("kind", list(DOCUMENT_KINDS))
def test_new_document_is_valid_draft_with_next_id(kind: str, sample_copy: Path, run_cli) -> None:
    code, out, err = run_cli("new", kind, "--root", str(sample_copy), "--title", "新建测试文件")
    assert code == 0, out + err
    rel = out.split(": ", 1)[1].strip()
    text = (sample_copy / rel).read_text(encoding="utf-8")
    assert "status: draft" in text and "title: 新建测试文件" in text
    code, out, err = run_cli("validate", "--root", str(sample_copy))
    assert code == 0, out + err


@pytest.mark.parametrize("record_type", RECORD_TYPES)
def test_new_record_is_valid(record_type: str, sample_copy: Path, run_cli) -> None:
    code, out, err = run_cli(
        "new",
        record_type,
        "--root",
        str(sample_copy),
        "--date",
        "2025-06-30",
        "--id",
        "NEW-TEST-01",
    )
    assert code == 0, out + err
    code, out, _ = run_cli("validate", "--root", str(sample_copy), "--format", "json")
    # valid but for the placeholders it leaves to fill in, each one located
    issues = json.loads(out)
    assert all(i["code"] in {"VALUE-PLACEHOLDER", "RECORD-EMPTY"} and i["line"] for i in issues)
    assert code == (1 if issues else 0)


def test_new_refuses_unknown_kind_and_existing_file(sample_copy: Path, run_cli) -> None:
    code, _, err = run_cli("new", "no-such-kind", "--root", str(sample_copy))
    assert code == 1 and "未知的记录类型" in err
    assert run_cli("new", "training", "--root", str(sample_copy), "--id", "NEW-TEST-02")[0] == 0
    scaffold = sample_copy / "records" / "training" / "NEW-TEST-02.yaml"
    scaffold.write_text(scaffold.read_text(encoding="utf-8").replace("待填写", "节能"), "utf-8")
    code, _, err = run_cli("new", "training", "--root", str(sample_copy), "--id", "NEW-TEST-02")
    assert code == 1 and "文件已存在" in err


def test_new_document_needs_a_title(sample_copy: Path, run_cli) -> None:
    code, _, err = run_cli("new", "procedure", "--root", str(sample_copy))
    assert code == 2 and "--title" in err


def test_new_capa_answers_an_audit_finding_and_fails_until_filled(
    sample_copy: Path, run_cli
) -> None:
    code, out, err = run_cli(
        "new",
        "nonconformities",
        "--root",
        str(sample_copy),
        "--today",
        "2026-02-01",
        "--answers",
        "AUD-2025-01-N2",
    )
    assert code == 0, out + err
    path = sample_copy / "records" / "nonconformities" / "CAPA-2026-02.yaml"  # after CAPA-2026-01
    text = path.read_text(encoding="utf-8")
    assert "origin: internal_audit" in text and "origin_record: AUD-2025-01" in text
    assert "department: purchasing" in text and "date: '2026-02-01'" in text
    code, out, _ = run_cli("validate", "--root", str(sample_copy), "--format", "json")
    assert code == 1
    assert sorted(i["field"] for i in json.loads(out)) == ["action", "cause", "title"]
    text = text.replace("title: 待填写", "title: 干燥机采购未规定能效指标")
    text = text.replace("cause: 待填写", "cause: 采购程序未列出用能设备清单")
    text = text.replace("action: 待填写", "action: 修订 CEMS-QP-08，增加用能设备能效要求审查")
    path.write_text(text, encoding="utf-8")
    assert run_cli("validate", "--root", str(sample_copy))[0] == 0


def test_new_management_review_is_prefilled_from_the_input_pack(sample_copy: Path, run_cli) -> None:
    code, out, err = run_cli(
        "new",
        "management-reviews",
        "--root",
        str(sample_copy),
        "--today",
        "2026-12-20",
        "--answers",
        "MRI-2025",
        "--id",
        "MR-2025-B",
    )
    assert code == 0, out + err
    text = (sample_copy / "records" / "management-reviews" / "MR-2025-B.yaml").read_text("utf-8")
    assert "pack: MRI-2025" in text and "chair: zhou-jianguo" in text
    assert "CAPA-2026-01" in text  # the previous review's open action, from the records
    assert "outputs:" in text and "evaluation: 待填写" in text


def test_answers_must_exist(sample_copy: Path, run_cli) -> None:
    code, _out, err = run_cli(
        "new", "nonconformities", "--root", str(sample_copy), "--answers", "AUD-1999-01-N9"
    )
    assert code == 1 and "AUD-1999-01-N9" in err
